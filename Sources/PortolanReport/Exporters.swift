import PortolanCore

/// Every report format. `portolan report --format` and the TUI's export share these exporters.
public enum ReportFormat: String, CaseIterable, Sendable {
    case json, sarif, markdown, html, dot, mermaid, junit, csv

    /// The usual file extension.
    public var fileExtension: String {
        switch self {
        case .json: return "json"
        case .sarif: return "sarif"
        case .markdown: return "md"
        case .html: return "html"
        case .dot: return "dot"
        case .mermaid: return "mmd"
        case .junit: return "xml"
        case .csv: return "csv"
        }
    }

    /// The format a file name implies (`report.md` → markdown), if any.
    public static func fromExtension(_ path: String) -> ReportFormat? {
        let lower = path.lowercased()
        if lower.hasSuffix(".sarif") || lower.hasSuffix(".sarif.json") { return .sarif }
        if lower.hasSuffix(".json") { return .json }
        if lower.hasSuffix(".md") || lower.hasSuffix(".markdown") { return .markdown }
        if lower.hasSuffix(".html") || lower.hasSuffix(".htm") { return .html }
        if lower.hasSuffix(".dot") || lower.hasSuffix(".gv") { return .dot }
        if lower.hasSuffix(".mmd") || lower.hasSuffix(".mermaid") { return .mermaid }
        if lower.hasSuffix(".xml") { return .junit }
        if lower.hasSuffix(".csv") { return .csv }
        return nil
    }

    public static func parse(_ s: String) -> ReportFormat? {
        let l = s.lowercased()
        if l == "md" { return .markdown }
        if l == "gv" || l == "graphviz" { return .dot }
        return ReportFormat(rawValue: l)
    }
}

public struct ReportOptions: Sendable {
    /// The generator version written into reports.
    public var version: String
    /// JUnit/SARIF: findings at or above this severity fail (nil: none).
    public var failOn: Severity?
    public init(version: String, failOn: Severity? = .error) {
        self.version = version
        self.failOn = failOn
    }
}

public enum Exporters {
    /// Formats that have an exporter.
    public static var available: [ReportFormat] { ReportFormat.allCases.filter { renderer($0) != nil } }

    static func renderer(_ f: ReportFormat) -> ((Estate, ReportOptions) -> String)? {
        switch f {
        case .json: return { e, o in JSONReport.render(e, version: o.version) }
        case .sarif: return { e, o in SARIFReport.render(e, options: o) }
        case .markdown: return { e, o in MarkdownReport.render(e, options: o) }
        case .html: return { e, o in HTMLReport.render(e, options: o) }
        case .dot: return { e, o in DOTReport.render(e, options: o) }
        case .mermaid: return { e, o in MermaidReport.render(e, options: o) }
        case .junit: return { e, o in JUnitReport.render(e, options: o) }
        case .csv: return { e, o in CSVReport.render(e, options: o) }
        }
    }

    /// Renders a report as UTF-8 bytes (the JSON exporter writes bytes directly).
    public static func renderBytes(_ f: ReportFormat, _ e: Estate, options: ReportOptions) -> [UInt8]? {
        if f == .json { return JSONReport.renderBytes(e, version: options.version) }
        return render(f, e, options: options).map { Array($0.utf8) }
    }

    /// Renders a report as consecutive pieces of UTF-8 to be written in order (the JSON exporter's large
    /// arrays stay in the chunks they were rendered in).
    public static func renderPieces(_ f: ReportFormat, _ e: Estate, options: ReportOptions,
                                    sink: (([[UInt8]]) -> Void)? = nil) -> [[UInt8]]? {
        if f == .json { return JSONReport.renderPieces(e, version: options.version, sink: sink) }
        return render(f, e, options: options).map { [Array($0.utf8)] }
    }

    /// Renders a report; nil when the format has no exporter.
    public static func render(_ f: ReportFormat, _ e: Estate, options: ReportOptions) -> String? {
        renderer(f).map { $0(e, options) }
    }
}
