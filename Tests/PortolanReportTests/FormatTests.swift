import Foundation
import Testing
import PortolanCore
@testable import PortolanReport

/// Each format of the fixture estate read back with its own kind of reader, and what it must say.
@Suite struct FormatTests {
    static let estate = ReportFixtures.estate()
    static func render(_ f: ReportFormat, failOn: Severity? = .error) -> String {
        ReportFixtures.render(f, estate, options: ReportOptions(version: "0.1.0", failOn: failOn))
    }

    @Test func sarifHasThe210Shape() throws {
        let s = try #require(try Readers.json(Self.render(.sarif)) as? [String: Any])
        #expect(s["version"] as? String == "2.1.0")
        let run = try #require((s["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect((driver["rules"] as? [Any])?.count == RuleCatalog.all.count)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == Self.estate.findings.count)
        for r in results {
            #expect(["error", "warning", "note"].contains(r["level"] as? String ?? ""))
            #expect((r["message"] as? [String: Any])?["text"] is String)
            let loc = (r["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
            #expect(((loc?["region"] as? [String: Any])?["startLine"] as? Int ?? 0) > 0)
        }
    }

    @Test func jsonKeepsTheContract() throws {
        let j = try #require(try Readers.json(Self.render(.json)) as? [String: Any])
        #expect(j["schemaVersion"] as? Int == 1)
        #expect(j["now"] as? String == "2026-06-01T00:00:00Z")
        for k in ["generator", "assumptions", "inputs", "hosts", "routes", "services", "certificates", "findings"] {
            #expect(j[k] != nil, "missing \(k)")
        }
    }

    @Test func junitCountsFailuresAtOrAboveFailOn() throws {
        let r = Readers.xml(Self.render(.junit))
        #expect(r.error == nil)
        let hosts = Self.estate.graph.hosts.count
        #expect(r.elements?["testcase"] == hosts + RuleCatalog.all.count)
        #expect(r.elements?["failure"] == 3 + 3)            // admin, api, legacy; and their three rules
        let warn = Readers.xml(Self.render(.junit, failOn: .warning))
        #expect(warn.elements?["failure"] == 4 + 5)         // + docs; + backend-service-missing, certificate-expiring
        let none = Readers.xml(Self.render(.junit, failOn: nil))
        #expect(none.elements?["failure"] == nil)
        let text = Self.render(.junit)
        #expect(text.contains("<testcase classname=\"portolan.hosts\" name=\"admin.example.com\""))
        #expect(text.contains("apps/admin.yaml:18: error tls-host-uncovered"))
    }

    @Test func csvIsTheCertificateInventory() {
        let rows = Readers.csv(Self.render(.csv))
        #expect(rows.first == ["host", "covered", "certificateId", "origin", "secret", "names", "notAfter", "daysLeft", "issuer"])
        for row in rows { #expect(row.count == 9) }
        let byHost = Dictionary(grouping: rows.dropFirst(), by: { $0[0] })
        #expect(byHost["admin.example.com"]?.first?[1] == "no")
        #expect(byHost["legacy.example.com"]?.first?[7] == "-31")
        #expect(byHost["docs.example.com"]?.first?[7] == "10")
        #expect(byHost["docs.example.com"]?.first?[6] == "2026-06-11T00:00:00Z")
        #expect(byHost["vault.example.com"]?.first?[1] == "passthrough")
        #expect(byHost["api.example.com"]?.first?[1] == "plain-http")
        #expect(byHost["status.example.com"]?.first?[2] == "gateway-shim/gateway/public-wildcard-tls")
    }

    @Test func markdownHasSummaryTablesAndGraph() {
        let text = Self.render(.markdown)
        for t in Readers.markdownTables(text) { #expect(Set(t).count == 1, "\(t)") }
        #expect(text.contains("| TLS coverage | 4 of 5 hosts served over TLS covered (80%) |"))
        #expect(text.contains("`apps/admin.yaml:18`"))
        #expect(text.contains("```mermaid\nflowchart LR\n"))
        #expect(text.contains("| ✘ uncovered | `admin.example.com` |"))
    }

    @Test func markdownLeavesTheGraphOutForLargeEstates() {
        let large = ReportFixtures.estate(paths: [ReportFixtures.root + "/estate", ReportFixtures.root + "/large"])
        let text = Exporters.render(.markdown, large, options: ReportFixtures.options)!
        #expect(!text.contains("```mermaid"))
        #expect(text.contains("too many for a diagram"))
        for t in Readers.markdownTables(text) { #expect(Set(t).count == 1) }
        #expect(text.utf8.count < 65_536, "too large for a GitHub comment: \(text.utf8.count)")
    }

    @Test func mermaidIsAFlowchartOfTheSubset() {
        let text = Self.render(.mermaid)
        #expect(text.hasPrefix("flowchart LR\n"))
        #expect(Readers.mermaidErrors(text).isEmpty, "\(Readers.mermaidErrors(text))")
        #expect(text.contains("H0([\"✘ admin.example.com<br/>ingress · uncovered\"])"))
    }

    @Test func dotHasClustersShapesAndRedProblems() {
        let text = Self.render(.dot)
        #expect(text.hasPrefix("// Portolan route graph"))
        #expect(text.contains("digraph portolan {"))
        #expect(text.contains("subgraph cluster_0 {"))
        #expect(text.contains("label=\"namespace docs\""))
        #expect(text.contains("shape=note"))
        #expect(text.contains("label=\"docs/search\\nService not in the input\", shape=ellipse, style=\"filled,dashed\", color=\"#d33b3b\""))
        #expect(text.filter { $0 == "{" }.count == text.filter { $0 == "}" }.count)
    }

    @Test func htmlHasThePictureTheTablesAndNoNetwork() {
        let text = Self.render(.html)
        #expect(text.hasPrefix("<!DOCTYPE html>"))
        #expect(text.contains("Content-Security-Policy\" content=\"default-src 'none'"))
        // The only URL is the SVG namespace (an identifier, never fetched).
        #expect(text.components(separatedBy: "http://").count - 1 == 1)
        #expect(!text.contains("https://"))
        #expect(!text.contains(" src="))
        #expect(text.contains("<svg id=\"g0\" class=\"graph\""))
        #expect(text.components(separatedBy: "<tr data-i=\"").count - 1 == Self.estate.findings.count + Self.estate.graph.certificates.count)
        #expect(text.components(separatedBy: "<tr id=\"host-").count - 1 == Self.estate.graph.hosts.count)
        #expect(text.contains("data-severity=\"error\" data-rule=\"tls-host-uncovered\" data-provider=\"ingress\""))
        #expect(text.contains("<section id=\"attention\""))
        #expect(text.contains("@media print"))
    }

    @Test func htmlSplitsLargeEstatesByNamespace() {
        let large = ReportFixtures.estate(paths: [ReportFixtures.root + "/estate", ReportFixtures.root + "/large"])
        #expect(large.graph.routes.count > HTMLReport.singlePictureMaxRoutes)
        let text = Exporters.render(.html, large, options: ReportFixtures.options)!
        #expect(text.contains("<details class=\"ns\" open><summary><b>admin</b>"))
        let pictures = text.components(separatedBy: "class=\"graph\"").count - 1
        #expect(pictures == Set(large.graph.routes.map(\.namespace)).count)
    }

    /// The fixture's TLS Secrets hold real PEM certificates and a placeholder key: no value reaches any report.
    @Test(arguments: ReportFormat.allCases)
    func noSecretValue(_ format: ReportFormat) throws {
        let yaml = try String(contentsOfFile: ReportFixtures.root + "/estate/apps/secrets.yaml", encoding: .utf8)
        let values = yaml.split(separator: "\n").compactMap { line -> String? in
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("tls.crt:") || t.hasPrefix("tls.key:") else { return nil }
            return String(t.split(separator: " ").last!.prefix(24))
        }
        #expect(values.count == 6)
        let text = Self.render(format)
        for v in values { #expect(!text.contains(v), "\(format) contains a secret value") }
        for marker in ["BEGIN CERTIFICATE", "PRIVATE KEY", "not a real key"] { #expect(!text.contains(marker)) }
    }

    @Test func escapingHelpers() {
        #expect(HTML.text("<a href=\"x\">'&'</a>\u{1B}") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\\e")
        #expect(XML.text("a<b>&\"'\u{07}\u{FFFE}") == "a&lt;b&gt;&amp;&quot;&apos;\\x07\\ufffe")
        #expect(CSV.field("a,b") == "\"a,b\"")
        #expect(CSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.field("=1+2") == "'=1+2")
        #expect(CSV.field("-x,y") == "\"'-x,y\"")
        #expect(CSV.field("line\nbreak") == "line\\nbreak")
        #expect(DOT.quoted("a\"b\\n\u{1B}") == "\"a\\\"b\\\\n\\\\e\"")
        #expect(Mermaid.label("a\"b[c]|d`e<f>#g;") == "a#34;b#91;c#93;#124;d#96;e#60;f#62;#35;g#59;")
        #expect(Markdown.code("a.example.com") == "`a.example.com`")
        #expect(Markdown.code("a|b`c") == "a\\|b\\`c")
        #expect(Markdown.code("<x>") == "&lt;x&gt;")
    }
}
