import PortolanCore

/// `portolan check`: findings as `file:line: severity rule-id: message` lines grouped by host, then a summary.
public enum CheckReport {
    public struct Colors: Sendable {
        public var enabled: Bool
        public init(enabled: Bool) { self.enabled = enabled }
        func wrap(_ s: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        func severity(_ s: Severity) -> String {
            switch s {
            case .error: return wrap("error", "1;31")
            case .warning: return wrap("warning", "33")
            case .info: return wrap("info", "36")
            }
        }
        func host(_ s: String) -> String { wrap(s, "1") }
    }

    public static func line(_ f: Finding, colors: Colors = Colors(enabled: false)) -> String {
        let at = f.source.map { "\($0.file):\($0.line)" } ?? "-"
        return "\(TextSafety.visible(at)): \(colors.severity(f.severity)) \(f.rule): \(TextSafety.visible(f.message))"
    }

    public static func render(_ e: Estate, failOn: Severity?, colors: Colors = Colors(enabled: false)) -> String {
        var groups: [String: [Finding]] = [:]
        for f in e.findings { groups[f.hosts.first ?? "", default: []].append(f) }
        var out = ""
        for host in groups.keys.sorted(by: { a, b in a.isEmpty != b.isEmpty ? !a.isEmpty : a < b }) {
            if !out.isEmpty { out += "\n" }
            out += colors.host(host.isEmpty ? "(no host)" : TextSafety.visible(host)) + "\n"
            for f in groups[host]! {
                var l = "  " + line(f, colors: colors)
                if f.hosts.count > 1 { l += " [+\(f.hosts.count - 1) more host\(f.hosts.count == 2 ? "" : "s")]" }
                out += l + "\n"
            }
        }
        if !out.isEmpty { out += "\n" }
        out += summary(e, failOn: failOn) + "\n"
        return out
    }

    public static func summary(_ e: Estate, failOn: Severity?) -> String {
        let c = counts(e.findings)
        let problems = e.problems.count
        let failing = failOn.map { t in e.findings.filter { $0.severity >= t }.count } ?? 0
        var s = "\(e.findings.count) finding\(e.findings.count == 1 ? "" : "s"): \(c[.error] ?? 0) error\(c[.error] == 1 ? "" : "s"), "
        s += "\(c[.warning] ?? 0) warning\(c[.warning] == 1 ? "" : "s"), \(c[.info] ?? 0) info"
        s += " on \(e.graph.hosts.count) host\(e.graph.hosts.count == 1 ? "" : "s"), \(e.inputs.files.count) file\(e.inputs.files.count == 1 ? "" : "s")"
        if problems > 0 { s += "; \(problems) problem\(problems == 1 ? "" : "s") reading the input (see `portolan inventory`)" }
        if let t = failOn {
            s += failing > 0 ? " — failing: \(failing) at or above \(t.rawValue)" : " — passing (--fail-on \(t.rawValue))"
        }
        return s
    }

    public static func counts(_ findings: [Finding]) -> [Severity: Int] {
        var c: [Severity: Int] = [:]
        for f in findings { c[f.severity, default: 0] += 1 }
        return c
    }
}

/// `portolan rules`: the rule catalogue as a table, JSON or Markdown.
public enum RulesReport {
    public static func json() -> String {
        var w = JSONWriter()
        w.beginArray()
        for r in RuleCatalog.all {
            w.beginObject()
            w.field("id", r.id)
            w.field("severity", r.severity.rawValue)
            w.field("description", r.description)
            w.field("hint", r.hint)
            w.endObject()
        }
        w.endArray()
        return w.string + "\n"
    }

    public static func markdown() -> String {
        var out = "| id | severity | fires when | fix |\n| --- | --- | --- | --- |\n"
        for r in RuleCatalog.all {
            out += "| `\(r.id)` | \(r.severity.rawValue) | \(Markdown.cell(r.description)) | \(Markdown.cell(r.hint)) |\n"
        }
        return out
    }

    public static func text(width: Int = 100) -> String {
        var out = ""
        for r in RuleCatalog.all {
            out += "\(r.id) (\(r.severity.rawValue))\n"
            out += wrap(r.description, width: width, indent: "    ") + "\n"
            out += wrap("Fix: " + r.hint, width: width, indent: "    ") + "\n\n"
        }
        return out
    }

    static func wrap(_ s: String, width: Int, indent: String) -> String {
        var lines: [String] = []
        var line = indent
        for word in s.split(separator: " ") {
            if line.count + word.count + 1 > width && line.count > indent.count {
                lines.append(line)
                line = indent
            }
            line += (line.count > indent.count ? " " : "") + word
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }
}

/// Escaping for GitHub-flavoured Markdown table cells and inline text.
public enum Markdown {
    public static func cell(_ s: String) -> String {
        var out = ""
        for c in TextSafety.visible(s) {
            switch c {
            case "|": out += "\\|"
            case "`": out += "\\`"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "*", "_", "[", "]", "\\": out += "\\" + String(c)
            default: out.append(c)
            }
        }
        return out
    }
}
