import Foundation
import Testing
import PortolanCore
@testable import PortolanReport

@Suite struct SARIFTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PortolanCoreTests/Fixtures/rules").path

    @Test func resultsCarryTheLineOfTheFieldAtFault() throws {
        var o = LoadOptions(paths: [Self.root + "/tls-secret-missing.yaml"])
        o.workers = 1
        var a = AnalysisOptions()
        a.now = 0
        let estate = Analyzer.run(Loader.load(o), options: a)
        let text = SARIFReport.render(estate, options: ReportOptions(version: "9.9.9"))
        let sarif = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(sarif["version"] as? String == "2.1.0")
        let run = try #require((sarif["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["version"] as? String == "9.9.9")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == RuleCatalog.all.map(\.id))
        #expect((rules[0]["help"] as? [String: Any])?["text"] as? String != nil)
        let results = try #require(run["results"] as? [[String: Any]])
        let missing = try #require(results.first { $0["ruleId"] as? String == "tls-secret-missing" })
        #expect(missing["level"] as? String == "warning")
        let loc = try #require((missing["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        let region = try #require(loc["region"] as? [String: Any])
        #expect(region["startLine"] as? Int == 12)
        #expect(region["startColumn"] as? Int == 19)
        let uri = try #require((loc["artifactLocation"] as? [String: Any])?["uri"] as? String)
        #expect(uri.hasSuffix("rules/tls-secret-missing.yaml"))

        for r in results {
            let i = try #require(r["ruleIndex"] as? Int)
            #expect(rules[i]["id"] as? String == r["ruleId"] as? String)
        }
    }

    @Test func uriEscaping() {
        #expect(SARIFReport.uri("./apps/my app/ü.yaml") == "apps/my%20app/%C3%BC.yaml")
    }
}

@Suite struct RulesCatalogTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md").path

    /// The README's rule table is `portolan rules --format markdown`, between the markers.
    @Test func readmeRuleTableIsInSync() throws {
        let text = try String(contentsOfFile: Self.readme, encoding: .utf8)
        let begin = try #require(text.range(of: "<!-- rules:begin -->\n"))
        let end = try #require(text.range(of: "<!-- rules:end -->"))
        #expect(String(text[begin.upperBound..<end.lowerBound]) == RulesReport.markdown(),
                "regenerate with: portolan rules --format markdown")
    }

    @Test func jsonCatalogueHasEveryRule() throws {
        let list = try #require(try JSONSerialization.jsonObject(with: Data(RulesReport.json().utf8)) as? [[String: String]])
        #expect(list.count == RuleCatalog.all.count)
        #expect(list.first?.keys.sorted() == ["description", "hint", "id", "severity"])
        #expect(Set(list.compactMap { $0["id"] }).count == list.count)
    }
}
