import Foundation
import Testing
import PortolanCore
@testable import PortolanReport

/// The hostile fixture (names with markup, quotes, pipes, backticks, newlines, ESC, BEL, C1, bidi controls and a
/// CSV formula), read from a folder and a file whose names are hostile too: every format must escape it all.
@Suite struct InjectionTests {
    /// A copy of Fixtures/hostile/hostile.yaml under a hostile folder and file name.
    static let estate: Estate = {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("portolan-hostile-\(getpid())")
            .appendingPathComponent("dir<script>alert(8)</script>|`\"'\u{1B}[31m\n")
        try? FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let file = base.appendingPathComponent("f<img src=x onerror=alert(9)>|`,\u{07}\u{202E}.yaml")
        let source = URL(fileURLWithPath: ReportFixtures.root + "/hostile/hostile.yaml")
        try? FileManager.default.removeItem(at: file)
        try? FileManager.default.copyItem(at: source, to: file)
        return ReportFixtures.estate(paths: [base.path])
    }()

    static func render(_ f: ReportFormat) -> String {
        Exporters.render(f, estate, options: ReportFixtures.options)!
    }

    @Test func theFixtureIsHostile() {
        let e = Self.estate
        #expect(e.graph.hosts.count == 4)
        #expect(e.graph.hosts.contains { $0.name.contains("\u{1B}") && $0.name.contains("\u{202E}") && $0.name.contains("\n") })
        #expect(e.graph.hosts.contains { $0.name.hasPrefix("<script>") })
        #expect(e.inputs.files.first?.path.contains("\u{1B}") == true)
        #expect(e.findings.contains { $0.source?.file.contains("<script>") == true })
        #expect(e.findings.count >= 5)
    }

    @Test(arguments: ReportFormat.allCases)
    func noRawControlCharacters(_ format: ReportFormat) {
        let text = Self.render(format)
        #expect(Readers.rawControls(text).isEmpty, "\(format): raw \(Set(Readers.rawControls(text)).sorted())")
        if format != .json && format != .sarif {
            // Text formats show ESC and bidi overrides as visible escapes (JSON uses \u001b).
            #expect(text.contains(format == .mermaid ? "#92;e" : "\\e"), "\(format): no visible \\e")
        }
    }

    @Test(arguments: ReportFormat.allCases)
    func noUnescapedMarkup(_ format: ReportFormat) {
        let text = Self.render(format)
        switch format {
        case .html:
            // Only the report's own two script elements; no element from a manifest.
            #expect(text.components(separatedBy: "<script").count - 1 == 2)
            #expect(!text.contains("<img"))
            #expect(!text.contains("<svg onload"))
            #expect(!text.contains("<b>bold"))
            #expect(!text.contains("<blink"))
            #expect(text.contains("&lt;script&gt;alert(3)&lt;/script&gt;.example.com"))
        case .markdown:
            #expect(!text.contains("<script"))
            #expect(!text.contains("<img"))
            #expect(!text.contains("<b>bold"))
            #expect(!text.contains("[link](javascript:"))
            #expect(text.contains("\\[link\\](javascript:"))
        case .junit:
            #expect(!text.contains("<script"))
            #expect(!text.contains("<img"))
            #expect(!text.contains("]]>--><!--"))
        case .mermaid, .dot, .csv, .json, .sarif:
            break
        }
        if format == .mermaid {
            // Entity-encoded: no quote, bracket, pipe, backtick or angle bracket from a name survives.
            #expect(!text.contains("<script"))
            #expect(Readers.mermaidErrors(text).isEmpty, "\(Readers.mermaidErrors(text).prefix(5))")
        }
    }

    @Test func htmlEmbedsJSONSafely() throws {
        let text = Self.render(.html)
        let open = "<script type=\"application/json\" id=\"portolan-data\">"
        let start = try #require(text.range(of: open))
        let end = try #require(text.range(of: "</script>", range: start.upperBound..<text.endIndex))
        let json = String(text[start.upperBound..<end.lowerBound])
        #expect(!json.contains("<") && !json.contains(">") && !json.contains("&"))
        #expect(json.contains("\\u003cscript\\u003e"))
        let parsed = try #require(try Readers.json(json) as? [String: Any])
        #expect((parsed["hosts"] as? [Any])?.count == 4)
    }

    @Test func jsonAndSARIFParse() throws {
        for f in [ReportFormat.json, .sarif] {
            let text = Self.render(f)
            #expect(text.contains("\\u001b"))
            _ = try Readers.json(text)
        }
    }

    @Test func xmlIsWellFormed() {
        let r = Readers.xml(Self.render(.junit))
        #expect(r.error == nil, "\(r.error ?? "")")
        #expect(r.elements?["testcase"] == 4 + RuleCatalog.all.count)
    }

    @Test func csvReadsBackWithTheRightShape() throws {
        let rows = Readers.csv(Self.render(.csv))
        #expect(rows.first == CSVReport.header)
        for row in rows { #expect(row.count == CSVReport.header.count, "\(row)") }
        let hosts = Set(rows.dropFirst().map { $0[0] })
        // The formula host is neutralised, the control characters are visible, the comma is kept in one field.
        #expect(hosts.contains("'=cmd|' /c calc'!a0,x.example.com"))
        #expect(hosts.contains("new\\nline\\x85c1\\u202ebidi\\e]0;title\\x07.example.com"))
        #expect(hosts.contains("<script>alert(3)</script>.example.com"))
    }

    @Test func markdownTablesKeepTheirColumns() {
        let tables = Readers.markdownTables(Self.render(.markdown))
        #expect(tables.count >= 3)
        for t in tables {
            #expect(Set(t).count == 1, "rows with different column counts: \(t)")
        }
    }

    @Test func dotQuotesEverything() {
        let text = Self.render(.dot)
        // Every line is a comment, a brace, an attribute statement or a node/edge with quoted strings that close.
        for line in text.split(separator: "\n") {
            var inString = false, escaped = false
            for c in line {
                if escaped { escaped = false; continue }
                if inString && c == "\\" { escaped = true; continue }
                if c == "\"" { inString.toggle() }
            }
            #expect(!inString, "unterminated string: \(line)")
        }
        #expect(!text.contains("\"<script>"))
        #expect(text.contains("\\\\e["))
    }
}
