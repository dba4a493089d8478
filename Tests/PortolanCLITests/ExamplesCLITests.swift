import Foundation
import Testing

/// The commands Examples/README.md tells a newcomer to run give what it says they give.
@Suite struct ExamplesCLITests {
    @Test func checkWithThePinnedDatePrintsTheDocumentedSummary() throws {
        let r = try CLI.run(["check", "--now", "2026-12-01", "Examples"])
        #expect(r.status == 1, "the demo has errors, so check fails: \(r.stderr)")
        let summary = try #require(r.stdout.split(separator: "\n").last.map(String.init))
        let readme = try String(contentsOfFile: CLI.packageRoot + "/Examples/README.md", encoding: .utf8)
        let quoted = readme.contains("\n" + summary + "\n")
        #expect(quoted, "Examples/README.md should quote the summary line: \(summary)")
    }

    @Test func everyRuleFiresInTheJSONReport() throws {
        let rules = try CLI.run(["rules", "--format", "json"])
        let ids = try #require(try JSONSerialization.jsonObject(with: Data(rules.stdout.utf8)) as? [[String: Any]])
            .compactMap { $0["id"] as? String }
        let report = try CLI.run(["report", "--format", "json", "--now", "2026-12-01", "Examples"])
        #expect(report.status == 0)
        let findings = try CLI.json(report.stdout)["findings"] as? [[String: Any]] ?? []
        let fired = Set(findings.compactMap { $0["rule"] as? String })
        #expect(!ids.isEmpty)
        #expect(Set(ids).subtracting(fired).isEmpty, "rules that do not fire: \(Set(ids).subtracting(fired).sorted())")
    }
}
