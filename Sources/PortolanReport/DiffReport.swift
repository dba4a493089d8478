import PortolanCore

/// `portolan diff`: what changes for users, as text, Markdown (a pull-request comment) or JSON (for bots).
public enum DiffReport {
    public static let schemaVersion = 1

    public struct Labels: Sendable {
        public var base: String
        public var head: String
        public init(base: String, head: String) { self.base = base; self.head = head }
    }

    static func plural(_ n: Int, _ word: String, _ plural: String? = nil) -> String {
        "\(n) " + (n == 1 ? word : (plural ?? word + "s"))
    }

    /// One line: `2 hosts added, 1 removed; 3 routes changed; ...`.
    public static func summary(_ d: EstateDiff, failOn: Severity?) -> String {
        if d.isEmpty { return "No change for users." }
        var parts: [String] = []
        if !d.hostsAdded.isEmpty || !d.hostsRemoved.isEmpty {
            parts.append("hosts: \(d.hostsAdded.count) added, \(d.hostsRemoved.count) removed")
        }
        if !d.routesAdded.isEmpty || !d.routesRemoved.isEmpty || !d.routesChanged.isEmpty {
            parts.append("routes: \(d.routesAdded.count) added, \(d.routesRemoved.count) removed, \(d.routesChanged.count) changed")
        }
        if !d.coverage.isEmpty {
            let worse = d.coverage.filter(\.isRegression).count
            parts.append(plural(d.coverage.count, "coverage change") + (worse > 0 ? " (\(worse) worse)" : ""))
        }
        if !d.findingsIntroduced.isEmpty || !d.findingsFixed.isEmpty {
            parts.append("findings: \(d.findingsIntroduced.count) introduced, \(d.findingsFixed.count) fixed")
        }
        var s = parts.joined(separator: "; ")
        if let t = failOn {
            let n = failing(d, t)
            s += n > 0 ? " — failing: \(n) introduced at or above \(t.rawValue)" : " — passing (--fail-on \(t.rawValue))"
        }
        return s
    }

    public static func failing(_ d: EstateDiff, _ t: Severity) -> Int { d.findingsIntroduced.filter { $0.severity >= t }.count }

    static func at(_ s: SourceLocation?) -> String { s.map { "\($0.file):\($0.line)" } ?? "-" }

    // MARK: Text

    public static func text(_ d: EstateDiff, labels: Labels, failOn: Severity?) -> String {
        let v = TextSafety.visible
        var out = "portolan diff \(v(labels.base)) → \(v(labels.head))\n"
        func section(_ title: String, _ lines: [String]) {
            guard !lines.isEmpty else { return }
            out += "\n\(title)\n" + lines.map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        section("Hosts", d.hostsAdded.map { "+ \(v($0))" } + d.hostsRemoved.map { "- \(v($0))" })
        var routes: [String] = []
        for r in d.routesAdded { routes.append("+ \(routeText(r))") }
        for r in d.routesRemoved { routes.append("- \(routeText(r))") }
        for c in d.routesChanged {
            routes.append("~ \(routeText(c.head))")
            for f in c.changes { routes.append("    \(f.field): \(v(f.old)) → \(v(f.new))") }
        }
        section("Routes", routes)
        section("Coverage", d.coverage.map { c in
            var l = "\(v(c.host)): \(c.oldTLS.rawValue) → \(c.newTLS.rawValue)"
            if c.oldCertificates != c.newCertificates {
                l += " (certificates: \(list(c.oldCertificates)) → \(list(c.newCertificates)))"
            }
            return l
        })
        section("Findings introduced", d.findingsIntroduced.map { CheckReport.line($0) })
        section("Findings fixed", d.findingsFixed.map { CheckReport.line($0) })
        out += "\n" + summary(d, failOn: failOn) + "\n"
        return out
    }

    static func list(_ xs: [String]) -> String { xs.isEmpty ? "none" : xs.map(TextSafety.visible).joined(separator: ", ") }

    static func routeText(_ r: EstateDiff.RouteSummary) -> String {
        let v = TextSafety.visible
        let hosts = r.hosts.map(v).joined(separator: ", ")
        let backends = r.backends.isEmpty ? "no backend" : r.backends.map(v).joined(separator: ", ")
        return "\(v(r.resource)) \(hosts) \(v(r.pathType)) \(v(r.path)) → \(backends) [\(list(r.controllers))] (\(v(at(r.source))))"
    }

    // MARK: Markdown

    public static func markdown(_ d: EstateDiff, labels: Labels, failOn: Severity?, maxRows: Int = 200) -> String {
        let c = Markdown.code, cell = Markdown.cell
        var out = "## Portolan: what changes for users\n\n"
        out += c(labels.base) + " → " + c(labels.head) + ": "
        out += cell(summary(d, failOn: failOn)) + "\n"
        func table(_ title: String, _ header: [String], _ rows: [[String]]) {
            guard !rows.isEmpty else { return }
            out += "\n### \(title)\n\n| " + header.joined(separator: " | ") + " |\n|" + String(repeating: " --- |", count: header.count) + "\n"
            for r in rows.prefix(maxRows) { out += "| " + r.joined(separator: " | ") + " |\n" }
            if rows.count > maxRows { out += "\n… and \(rows.count - maxRows) more (see `portolan diff --format json`).\n" }
        }
        table("Hosts", ["change", "host"],
              d.hostsAdded.map { ["added", c($0)] } + d.hostsRemoved.map { ["removed", c($0)] })
        func routeCells(_ r: EstateDiff.RouteSummary) -> [String] {
            [cell(r.resource), r.hosts.map(c).joined(separator: ", "), c("\(r.pathType) \(r.path)".trimmingCharacters(in: .whitespaces)),
             cell(at(r.source))]
        }
        var rows: [[String]] = []
        for r in d.routesAdded { rows.append(["added"] + routeCells(r) + [cell("→ " + (r.backends.isEmpty ? "no backend" : r.backends.joined(separator: ", ")))]) }
        for r in d.routesRemoved { rows.append(["removed"] + routeCells(r) + [cell("was → " + (r.backends.isEmpty ? "no backend" : r.backends.joined(separator: ", ")))]) }
        for ch in d.routesChanged {
            let what = ch.changes.map { "\($0.field): " + c($0.old) + " → " + c($0.new) }.joined(separator: "<br>")
            rows.append(["changed"] + routeCells(ch.head) + [what])
        }
        table("Routes", ["change", "route", "hosts", "match", "where", "what"], rows)
        table("Coverage", ["host", "before", "after", "certificates"], d.coverage.map { ch in
            [c(ch.host), ch.oldTLS.rawValue, (ch.isRegression ? "**\(ch.newTLS.rawValue)**" : ch.newTLS.rawValue),
             ch.oldCertificates == ch.newCertificates ? "" : cell(list(ch.oldCertificates) + " → " + list(ch.newCertificates))]
        })
        func findingRows(_ fs: [Finding]) -> [[String]] {
            fs.map { [$0.severity.rawValue, c($0.rule), cell(at($0.source)), cell($0.message)] }
        }
        table("Findings introduced", ["severity", "rule", "where", "message"], findingRows(d.findingsIntroduced))
        table("Findings fixed", ["severity", "rule", "where (before)", "message"], findingRows(d.findingsFixed))
        return out
    }

    // MARK: JSON

    public static func json(_ d: EstateDiff, labels: Labels, failOn: Severity?, version: String) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("schemaVersion", schemaVersion)
        w.key("generator")
        w.beginObject(); w.field("name", "portolan"); w.field("version", version); w.endObject()
        w.field("base", labels.base)
        w.field("head", labels.head)
        w.field("changed", !d.isEmpty)
        w.field("failOn", failOn?.rawValue)
        w.field("failing", failOn.map { failing(d, $0) } ?? 0)
        w.key("hosts")
        w.beginObject(); w.field("added", d.hostsAdded); w.field("removed", d.hostsRemoved); w.endObject()
        w.key("routes")
        w.beginObject()
        w.key("added"); w.beginArray(); for r in d.routesAdded { writeRoute(r, &w) }; w.endArray()
        w.key("removed"); w.beginArray(); for r in d.routesRemoved { writeRoute(r, &w) }; w.endArray()
        w.key("changed")
        w.beginArray()
        for ch in d.routesChanged {
            w.beginObject()
            w.field("id", ch.head.id)
            w.field("baseId", ch.base.id)
            w.field("resource", ch.head.resource)
            w.field("hosts", ch.head.hosts)
            w.key("changes")
            w.beginArray()
            for f in ch.changes { w.beginObject(); w.field("field", f.field); w.field("old", f.old); w.field("new", f.new); w.endObject() }
            w.endArray()
            writeSource(ch.head.source, &w)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.key("coverage")
        w.beginArray()
        for ch in d.coverage {
            w.beginObject()
            w.field("host", ch.host)
            w.field("before", ch.oldTLS.rawValue); w.field("after", ch.newTLS.rawValue)
            w.field("certificatesBefore", ch.oldCertificates); w.field("certificatesAfter", ch.newCertificates)
            w.field("worse", ch.isRegression)
            w.endObject()
        }
        w.endArray()
        w.key("findings")
        w.beginObject()
        for (key, list) in [("introduced", d.findingsIntroduced), ("fixed", d.findingsFixed)] {
            w.key(key)
            w.beginArray()
            for f in list {
                w.beginObject()
                w.field("rule", f.rule); w.field("severity", f.severity.rawValue); w.field("message", f.message)
                w.field("hosts", f.hosts); w.field("resources", f.resources.map(\.display))
                writeSource(f.source, &w)
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
        w.endObject()
        return w.string + "\n"
    }

    static func writeSource(_ s: SourceLocation?, _ w: inout JSONWriter) {
        w.key("source")
        guard let s else { w.null(); return }
        w.beginObject(); w.field("file", s.file); w.field("line", s.line); w.endObject()
    }

    static func writeRoute(_ r: EstateDiff.RouteSummary, _ w: inout JSONWriter) {
        w.beginObject()
        w.field("id", r.id)
        w.field("resource", r.resource)
        w.field("hosts", r.hosts)
        w.field("pathType", r.pathType)
        w.field("path", r.path)
        w.field("match", r.match)
        w.field("controllers", r.controllers)
        w.field("backends", r.backends)
        w.field("tls", r.tls)
        writeSource(r.source, &w)
        w.endObject()
    }
}
