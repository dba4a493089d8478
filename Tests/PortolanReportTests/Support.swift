import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import PortolanCore
@testable import PortolanReport

/// The report fixture estates under Tests/PortolanReportTests/Fixtures, analysed with a fixed "now".
enum ReportFixtures {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let root = here.appendingPathComponent("Fixtures").path
    static let goldenDir = here.appendingPathComponent("Golden").path
    static let now = UTCDate.parse("2026-06-01")!
    static let options = ReportOptions(version: "0.1.0", failOn: .error)

    static func estate(paths: [String], nowIsFixed: Bool = true) -> Estate {
        var analysis = AnalysisOptions()
        analysis.now = now
        var e = Analyzer.run(Loader.load(LoadOptions(paths: paths)), options: analysis)
        e.nowIsFixed = nowIsFixed
        return e
    }

    /// The main fixture: several providers, an uncovered host, a conflict, a missing Service, an expired and an
    /// expiring PEM certificate, passthrough and plain HTTP hosts.
    static func estate(nowIsFixed: Bool = true) -> Estate {
        estate(paths: [root + "/estate"], nowIsFixed: nowIsFixed)
    }

    /// Report text with the machine-specific fixture folder replaced (`apps/admin.yaml`, input path `estate`).
    static func render(_ f: ReportFormat, _ e: Estate, options: ReportOptions = options) -> String {
        let text = Exporters.render(f, e, options: options)!
        return text.replacingOccurrences(of: root + "/estate/", with: "")
            .replacingOccurrences(of: root + "/", with: "")
    }

    /// Compares `text` with `Golden/<name>`; writes the file when it is missing or RECORD_GOLDEN=1.
    static func checkGolden(_ name: String, _ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let path = goldenDir + "/" + name
        let record = ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1"
        if record || !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(atPath: goldenDir, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        if expected != text {
            Issue.record(Comment(rawValue: "\(name) differs from the golden file (RECORD_GOLDEN=1 rewrites it):\n" + diff(expected, text)),
                         sourceLocation: sourceLocation)
        }
    }

    /// A short line diff: the first differing lines with a little context.
    static func diff(_ a: String, _ b: String, limit: Int = 12) -> String {
        let x = a.split(separator: "\n", omittingEmptySubsequences: false)
        let y = b.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        var i = 0
        while i < max(x.count, y.count) && out.count < limit * 2 {
            let l = i < x.count ? String(x[i]) : nil, r = i < y.count ? String(y[i]) : nil
            if l != r {
                out.append("line \(i + 1):")
                if let l { out.append("- " + l) }
                if let r { out.append("+ " + r) }
            }
            i += 1
        }
        if x.count != y.count { out.append("(\(x.count) lines expected, \(y.count) written)") }
        return out.joined(separator: "\n")
    }
}

/// Parsers used to check that each format reads back with its own kind of tool.
enum Readers {
    /// RFC 4180 records.
    static func csv(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if quoted {
                if c == "\"" {
                    let n = text.index(after: i)
                    if n < text.endIndex && text[n] == "\"" { field.append("\""); i = n } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\n" {
                row.append(field); rows.append(row); row = []; field = ""
            } else {
                field.append(c)
            }
            i = text.index(after: i)
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    final class XMLChecker: NSObject, XMLParserDelegate {
        var elements: [String: Int] = [:]
        var error: Error?
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) { elements[name, default: 0] += 1 }
        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { error = parseError }
    }

    /// Element counts, or nil with the parser's error when the XML is not well formed.
    static func xml(_ text: String) -> (elements: [String: Int]?, error: String?) {
        let parser = XMLParser(data: Data(text.utf8))
        let checker = XMLChecker()
        parser.delegate = checker
        let ok = parser.parse()
        return ok ? (checker.elements, nil) : (nil, "\(checker.error.map { "\($0)" } ?? "parse failed") at line \(parser.lineNumber)")
    }

    static func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    /// Rows of every Markdown table: the cells of each `|`-delimited line, split on unescaped pipes.
    static func markdownTables(_ text: String) -> [[Int]] {
        var tables: [[Int]] = [], current: [Int] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("|") {
                var cells = 0, escaped = false
                for c in line {
                    if escaped { escaped = false; continue }
                    if c == "\\" { escaped = true } else if c == "|" { cells += 1 }
                }
                current.append(cells - 1)
            } else if !current.isEmpty {
                tables.append(current); current = []
            }
        }
        if !current.isEmpty { tables.append(current) }
        return tables
    }

    /// Checks the Mermaid flowchart subset the exporter writes, line by line; returns the offending lines.
    static func mermaidErrors(_ text: String) -> [String] {
        let label = #"[^"\[\]{}()|`<>\n]*"#   // entity-encoded text, plus the literal <br/> handled below
        let patterns = [
            #"^flowchart LR$"#,
            #"^  [HRSC][0-9]+\(\[""# + label + #""\]\)$"#,
            #"^  [HRSC][0-9]+\[""# + label + #""\]$"#,
            #"^  [HRSC][0-9]+\(""# + label + #""\)$"#,
            #"^  [HRSC][0-9]+\{\{""# + label + #""\}\}$"#,
            #"^  [HRSC][0-9]+ (-->|-\.->) [HRSC][0-9]+$"#,
            #"^  classDef [a-z]+ [a-z-]+:[#0-9a-z ]+(,[a-z-]+:[#0-9a-z .]+)*$"#,
            #"^  class [HRSC][0-9]+(,[HRSC][0-9]+)* [a-z]+$"#,
            #"^  linkStyle [0-9]+(,[0-9]+)* stroke:#[0-9a-f]{6}(,stroke-width:[0-9]+px)?$"#,
        ].map { try! NSRegularExpression(pattern: $0) }
        var bad: [String] = []
        for line in text.split(separator: "\n") {
            let l = String(line).replacingOccurrences(of: "<br/>", with: " ")
            let range = NSRange(l.startIndex..., in: l)
            if !patterns.contains(where: { $0.firstMatch(in: l, range: range) != nil }) { bad.append(String(line)) }
        }
        return bad
    }

    /// Every scalar that must never be written raw: C0 controls but the newline, DEL, C1, bidi controls.
    static func rawControls(_ text: String) -> [String] {
        text.unicodeScalars.filter { $0 != "\n" && TextSafety.needsEscape($0) }.map { String(format: "U+%04X", $0.value) }
    }
}
