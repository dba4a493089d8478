import PortolanCore

/// JUnit XML for CI test dashboards: one test case per host and one per rule. A case fails when a finding at
/// or above `--fail-on` concerns it; findings below the threshold are listed in its `system-out`.
public enum JUnitReport {
    public static func render(_ e: Estate, options: ReportOptions) -> String {
        let facts = ReportFacts(e)
        let failing = { (f: Finding) -> Bool in options.failOn.map { f.severity >= $0 } ?? false }
        var byHost: [String: [Finding]] = [:], byRule: [String: [Finding]] = [:]
        for f in e.findings {
            for h in f.hosts { byHost[h, default: []].append(f) }
            byRule[f.rule, default: []].append(f)
        }
        let timestamp = e.nowIsFixed ? String(UTCDate.rfc3339(e.now).dropLast()) : nil

        struct Case { var name: String; var failures: [Finding]; var others: [Finding]; var info: String }
        var hostCases: [Case] = []
        for h in e.graph.hosts {
            let fs = byHost[h.name] ?? []
            var info = "status: \(facts.symbols(h)) \(facts.statusLabel(h))\n"
            info += "providers: \(h.providers.map(\.rawValue).joined(separator: ", ")); controllers: \(h.controllers.joined(separator: ", "))\n"
            info += "routes: \(h.routes.joined(separator: ", "))\n"
            if !h.certificates.isEmpty { info += "certificates: \(h.certificates.joined(separator: ", "))\n" }
            hostCases.append(Case(name: h.name, failures: fs.filter(failing), others: fs.filter { !failing($0) }, info: info))
        }
        var ruleIDs = RuleCatalog.all.map(\.id)
        for id in byRule.keys.sorted() where !ruleIDs.contains(id) { ruleIDs.append(id) }
        let ruleCases = ruleIDs.map { id -> Case in
            let fs = byRule[id] ?? []
            let rule = RuleCatalog.all.first { $0.id == id }
            return Case(name: id, failures: fs.filter(failing), others: fs.filter { !failing($0) },
                        info: rule.map { "\($0.severity.rawValue): \($0.description)\n" } ?? "")
        }
        // Findings that no host test case shows (no host): only in the rules suite.

        func suite(_ name: String, _ cases: [Case]) -> String {
            let failures = cases.filter { !$0.failures.isEmpty }.count
            var s = "  <testsuite name=\"\(XML.text(name))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\" time=\"0\""
            if let timestamp { s += " timestamp=\"\(timestamp)\"" }
            s += ">\n"
            s += "    <properties>\n"
            s += "      <property name=\"fail-on\" value=\"\(options.failOn?.rawValue ?? "none")\"/>\n"
            s += "      <property name=\"generator\" value=\"portolan \(XML.text(options.version))\"/>\n"
            s += "    </properties>\n"
            for c in cases {
                s += "    <testcase classname=\"\(XML.text(name))\" name=\"\(XML.text(c.name))\" time=\"0\""
                if c.failures.isEmpty && c.others.isEmpty && c.info.isEmpty { s += "/>\n"; continue }
                s += ">\n"
                if let first = c.failures.first {
                    let message = c.failures.count == 1 ? "\(first.rule): \(first.message)"
                        : "\(c.failures.count) findings at or above \(options.failOn!.rawValue), first: \(first.rule): \(first.message)"
                    let type = Array(Set(c.failures.map(\.rule))).sorted().joined(separator: " ")
                    s += "      <failure message=\"\(XML.text(message))\" type=\"\(XML.text(type))\">"
                    s += c.failures.map { XML.text(CheckReport.line($0)) }.joined(separator: "\n") + "</failure>\n"
                }
                var out = c.info.split(separator: "\n").map { XML.text(String($0)) }
                if !c.others.isEmpty {
                    out.append("below --fail-on:")
                    out += c.others.map { XML.text(CheckReport.line($0)) }
                }
                if !out.isEmpty { s += "      <system-out>" + out.joined(separator: "\n") + "</system-out>\n" }
                s += "    </testcase>\n"
            }
            s += "  </testsuite>\n"
            return s
        }

        let all = hostCases + ruleCases
        let failures = all.filter { !$0.failures.isEmpty }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"portolan\" tests=\"\(all.count)\" failures=\"\(failures)\" errors=\"0\" time=\"0\""
        if let timestamp { out += " timestamp=\"\(timestamp)\"" }
        out += ">\n"
        out += suite("portolan.hosts", hostCases)
        out += suite("portolan.rules", ruleCases)
        out += "</testsuites>\n"
        return out
    }
}
