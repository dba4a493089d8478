import Foundation
import Testing
@testable import PortolanCore

/// One fixture per rule that fires it and one near miss that must not. Each YAML file states what it
/// expects in its header:
///   # expect: RULE SEVERITY hosts=a,b resources=Kind.group/ns/name,... line=N
///   # expect-none: RULE
///   # now: YYYY-MM-DD            (default 2026-11-28)
/// For every rule named, the findings of that rule must be exactly the expected ones.
@Suite struct RuleFixtureTests {
    static var files: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.path("rules"))) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    struct Expectations {
        var now = UTCDate.parse("2026-11-28")!
        var findings: [String: [String]] = [:]   // rule → expected lines
    }

    static func expectations(_ file: String) throws -> Expectations {
        let text = try String(contentsOfFile: Fixtures.path("rules/" + file), encoding: .utf8)
        var e = Expectations()
        for line in text.split(separator: "\n") where line.hasPrefix("#") {
            let body = line.dropFirst().trimmingCharacters(in: .whitespaces)
            if body.hasPrefix("now:") {
                e.now = UTCDate.parse(body.dropFirst(4).trimmingCharacters(in: .whitespaces))!
            } else if body.hasPrefix("expect-none:") {
                e.findings[body.dropFirst(12).trimmingCharacters(in: .whitespaces), default: []] += []
            } else if body.hasPrefix("expect:") {
                let parts = body.dropFirst(7).split(separator: " ").map(String.init)
                e.findings[parts[0], default: []].append(parts.joined(separator: " "))
            }
        }
        return e
    }

    static func describe(_ f: Finding) -> String {
        "\(f.rule) \(f.severity.rawValue) hosts=\(f.hosts.joined(separator: ",")) resources=\(f.resources.map(\.display).joined(separator: ",")) line=\(f.source?.line ?? 0)"
    }

    @Test(arguments: files)
    func rule(_ file: String) throws {
        let e = try Self.expectations(file)
        #expect(!e.findings.isEmpty, "\(file) states no expectation")
        var options = AnalysisOptions()
        options.now = e.now
        let estate = Analyzer.run(Fixtures.load("rules/" + file), options: options)
        for (rule, expected) in e.findings {
            #expect(RuleCatalog.rule(rule) != nil, "\(file): unknown rule \(rule)")
            let got = estate.findings.filter { $0.rule == rule }.map(Self.describe).sorted()
            #expect(got == expected.sorted(), "\(file): \(rule)\n  got:      \(got)\n  expected: \(expected.sorted())\n  messages: \(estate.findings.filter { $0.rule == rule }.map(\.message))")
        }
    }

    @Test func everyRuleHasAFiringFixtureAndANearMiss() throws {
        var fires = Set<String>(), nearMiss = Set<String>()
        for f in Self.files {
            for (rule, lines) in try Self.expectations(f).findings {
                if lines.isEmpty { nearMiss.insert(rule) } else { fires.insert(rule) }
            }
        }
        let ids = Set(RuleCatalog.all.map(\.id))
        #expect(ids.subtracting(fires).isEmpty, "rules without a firing fixture: \(ids.subtracting(fires).sorted())")
        #expect(ids.subtracting(nearMiss).isEmpty, "rules without a near miss: \(ids.subtracting(nearMiss).sorted())")
    }
}
