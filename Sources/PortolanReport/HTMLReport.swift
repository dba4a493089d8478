import PortolanCore

/// One self-contained HTML file (inline CSS, JS and SVG; a Content-Security-Policy that forbids every network
/// request): summary cards, what needs attention, the findings table (sortable, filterable by severity, rule,
/// provider and text, also from the URL fragment such as `#severity=error`; readable with JS off), the route
/// graph drawn as SVG in four columns, the hosts and the certificates. Large estates get one collapsible
/// picture per namespace. The JSON report is embedded (`script#portolan-data`, `<`, `>`, `&` escaped).
public enum HTMLReport {
    /// Above these sizes the picture is split by namespace.
    static let singlePictureMaxHosts = 40
    static let singlePictureMaxRoutes = 80
    /// At most this many routes in one picture (the rest are listed in the tables).
    static let pictureMaxRoutes = 120
    /// Namespace pictures opened at load.
    static let openNamespaces = 6
    /// Routes drawn in all the namespace pictures together (namespaces with problems first); past this the
    /// remaining namespaces are listed without a picture, so a very large estate still opens quickly.
    static let pictureBudget = 1500
    /// The JSON report is embedded up to this many routes.
    static let embedJSONMaxRoutes = 5000

    public static func render(_ e: Estate, options: ReportOptions) -> String {
        let facts = ReportFacts(e)
        let g = e.graph
        var out = ""
        out.reserveCapacity(64 * 1024)
        let c = CheckReport.counts(e.findings)
        let title = "Portolan report" + (e.inputs.paths.isEmpty ? "" : " — " + e.inputs.paths.joined(separator: ", "))

        out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"generator\" content=\"portolan \(HTML.attr(options.version))\">\n"
        out += "<title>\(HTML.text(title))</title>\n<style>\n\(css)</style>\n</head>\n<body>\n"

        // MARK: Header
        out += "<header class=\"top\">\n<div class=\"wrap\">\n<div class=\"brand\">\(logo) Portolan report</div>\n"
        out += "<div class=\"meta\">"
        out += e.inputs.paths.map { "<code>\(HTML.text($0))</code>" }.joined(separator: " ")
        out += " · portolan \(HTML.text(options.version))"
        if e.nowIsFixed { out += " · as of <time>\(UTCDate.rfc3339(e.now))</time>" }
        out += "</div>\n"
        out += "<nav><a href=\"#summary\">Summary</a><a href=\"#findings\">Findings</a><a href=\"#graph\">Route graph</a>"
        out += "<a href=\"#hosts\">Hosts</a><a href=\"#certificates\">Certificates</a>"
        if !e.problems.isEmpty { out += "<a href=\"#problems\">Problems</a>" }
        out += "<a href=\"#assumptions\">Assumptions</a></nav>\n</div>\n</header>\n<main class=\"wrap\">\n"

        // MARK: Summary cards
        var byTLS: [HostTLS: Int] = [:]
        for h in g.hosts { byTLS[h.tls, default: 0] += 1 }
        let tlsHosts = (byTLS[.covered] ?? 0) + (byTLS[.uncovered] ?? 0)
        let covered = byTLS[.covered] ?? 0
        let conflicted = g.hosts.filter { facts.conflicts.contains($0.name) }.count
        let expired = g.certificates.filter { facts.expiry($0) == .expired }.count
        let expiring = g.certificates.filter { facts.expiry($0) == .expiring }.count

        out += "<section id=\"summary\" class=\"cards\" aria-label=\"Summary\">\n"
        out += "<div class=\"card\"><h2>Hosts</h2><div class=\"big\">\(g.hosts.count)</div><ul class=\"tally\">"
        for t in [HostTLS.uncovered, .covered, .passthrough, .none] where (byTLS[t] ?? 0) > 0 {
            out += "<li class=\"st-\(t.rawValue)\"><span class=\"sym\">\(ReportFacts.tlsSymbol(t))</span> \(byTLS[t]!) \(ReportFacts.tlsLabel(t))</li>"
        }
        if conflicted > 0 { out += "<li class=\"st-conflict\"><span class=\"sym\">⚠</span> \(conflicted) in conflict</li>" }
        out += "</ul></div>\n"
        let pct = tlsHosts == 0 ? 100 : covered * 100 / tlsHosts
        out += "<div class=\"card\"><h2>TLS coverage</h2><div class=\"big\">\(tlsHosts == 0 ? "—" : "\(covered)<small> / \(tlsHosts)</small>")</div>"
        out += "<div class=\"bar\" role=\"img\" aria-label=\"\(pct)% covered\"><span style=\"width:\(pct)%\"></span></div>"
        out += "<p class=\"sub\">\(tlsHosts == 0 ? "no host is served over TLS" : "\(pct)% of the hosts served over TLS have a certificate that covers them")</p></div>\n"
        out += "<div class=\"card\"><h2>Findings</h2><div class=\"big\">\(e.findings.count)</div><ul class=\"tally\">"
        out += "<li class=\"sev-error\"><a href=\"#severity=error\"><span class=\"sym\">✘</span> \(c[.error] ?? 0) error\((c[.error] ?? 0) == 1 ? "" : "s")</a></li>"
        out += "<li class=\"sev-warning\"><a href=\"#severity=warning\"><span class=\"sym\">⚠</span> \(c[.warning] ?? 0) warning\((c[.warning] ?? 0) == 1 ? "" : "s")</a></li>"
        out += "<li class=\"sev-info\"><a href=\"#severity=info\"><span class=\"sym\">ℹ</span> \(c[.info] ?? 0) info</a></li>"
        out += "</ul>"
        if let t = options.failOn {
            let failing = e.findings.filter { $0.severity >= t }.count
            out += "<p class=\"sub\">" + (failing > 0 ? "<b class=\"fail\">failing</b>: \(failing) at or above \(t.rawValue)" : "passing (fail on \(t.rawValue))") + "</p>"
        }
        out += "</div>\n"
        out += "<div class=\"card\"><h2>Certificates</h2><div class=\"big\">\(g.certificates.count)</div><ul class=\"tally\">"
        if expired > 0 { out += "<li class=\"sev-error\"><span class=\"sym\">✘</span> \(expired) expired</li>" }
        if expiring > 0 { out += "<li class=\"sev-warning\"><span class=\"sym\">⚠</span> \(expiring) expiring</li>" }
        out += "<li>\(g.usedCertificates.count) in use</li></ul></div>\n"
        out += "<div class=\"card\"><h2>Inputs</h2><div class=\"big\">\(e.inputs.files.count)<small> file\(e.inputs.files.count == 1 ? "" : "s")</small></div><ul class=\"tally\">"
        out += "<li>\(e.inputs.documents) documents</li><li>\(e.inputs.resources.count) resources</li><li>\(g.routes.count) routes</li>"
        if !e.problems.isEmpty { out += "<li class=\"sev-warning\"><a href=\"#problems\">\(e.problems.count) problem\(e.problems.count == 1 ? "" : "s") reading them</a></li>" }
        out += "</ul></div>\n</section>\n"

        // MARK: Needs attention
        let problemHosts = g.hosts.indices.filter { facts.isProblem(g.hosts[$0]) }
        if !problemHosts.isEmpty {
            var reason: [String: Finding] = [:]
            for f in e.findings where f.rule == "tls-host-uncovered" || f.rule.hasPrefix("host-") {
                for h in f.hosts where reason[h] == nil || (reason[h]!.rule != "tls-host-uncovered" && f.rule == "tls-host-uncovered") { reason[h] = f }
            }
            out += "<section id=\"attention\" class=\"panel attention\">\n<h2>Needs attention <span class=\"count\">\(problemHosts.count)</span>"
            out += " <a class=\"sub\" href=\"#hosts=problems\">in the host table</a></h2>\n<ul class=\"att\">\n"
            func item(_ i: Int) -> String {
                let h = g.hosts[i]
                var li = "<li><a class=\"hostlink\" href=\"#host-\(i)\"><span class=\"sym\">\(facts.symbols(h))</span> <b>\(HTML.text(h.name))</b></a> "
                li += "<span class=\"chip red\">\(HTML.text(facts.statusLabel(h)))</span> <a class=\"show js-only\" href=\"#focus=\(i)\">graph</a>"
                if let f = reason[h.name] { li += "<div class=\"why\">\(HTML.text(f.message))</div>" }
                return li + "</li>\n"
            }
            for i in problemHosts.prefix(12) { out += item(i) }
            out += "</ul>\n"
            if problemHosts.count > 12 {
                out += "<details><summary>\(problemHosts.count - 12) more</summary>\n<ul class=\"att\">\n"
                for i in problemHosts.dropFirst(12).prefix(300) { out += item(i) }
                out += "</ul>\n"
                if problemHosts.count > 312 { out += "<p><a href=\"#hosts=problems\">All of them in the host table</a></p>\n" }
                out += "</details>\n"
            }
            out += "</section>\n"
        }

        // MARK: Findings
        out += findingsSection(e, facts)

        // MARK: Graph
        out += graphSection(facts)

        // MARK: Hosts
        out += hostsSection(facts)

        // MARK: Certificates
        out += certificatesSection(facts)

        // MARK: Problems
        if !e.problems.isEmpty {
            out += "<section id=\"problems\" class=\"panel\">\n<h2>Problems reading the input <span class=\"count\">\(e.problems.count)</span></h2>\n"
            out += "<table class=\"grid\"><thead><tr><th>where</th><th>problem</th></tr></thead><tbody>\n"
            for p in e.problems {
                out += "<tr><td class=\"loc\"><code>\(HTML.text("\(p.file):\(p.line):\(p.column)"))</code></td><td>\(HTML.text(p.message))</td></tr>\n"
            }
            out += "</tbody></table>\n</section>\n"
        }

        // MARK: Assumptions
        var a = JSONWriter()
        JSONReport.writeAssumptions(g.profile, to: &a)
        out += "<section id=\"assumptions\" class=\"panel\">\n<details><summary><h2>Assumptions</h2> <span class=\"sub\">what the manifests cannot show: controller defaults, or <code>.portolan.yaml</code> <code>controllers:</code></span></summary>\n"
        out += "<pre>\(HTML.text(a.string))</pre>\n</details>\n</section>\n"

        out += "</main>\n<footer class=\"wrap\">Generated by portolan \(HTML.text(options.version)). Self-contained: this page makes no network request. "
        out += g.routes.count <= embedJSONMaxRoutes ? "The JSON report is embedded in <code>script#portolan-data</code>.</footer>\n"
            : "The JSON report is not embedded (more than \(embedJSONMaxRoutes) routes): use <code>portolan report --format json</code>.</footer>\n"

        // MARK: Data and script
        if g.routes.count <= embedJSONMaxRoutes {
            var w = JSONWriter(htmlSafe: true, pretty: false)
            JSONReport.write(e, version: options.version, to: &w)
            out += "<script type=\"application/json\" id=\"portolan-data\">" + w.string + "</script>\n"
        }
        out += "<script>\n\(script)</script>\n</body>\n</html>\n"
        return out
    }

    // MARK: - Sections

    static func severityBadge(_ s: Severity) -> String {
        let sym = s == .error ? "✘" : s == .warning ? "⚠" : "ℹ"
        return "<span class=\"badge sev-\(s.rawValue)\">\(sym) \(s.rawValue)</span>"
    }

    static func providerChip(_ p: Provider) -> String {
        "<span class=\"pchip p-\(MermaidReport.className(p))\">\(p.rawValue)</span>"
    }

    static func findingsSection(_ e: Estate, _ facts: ReportFacts) -> String {
        let g = e.graph
        var out = "<section id=\"findings\" class=\"panel\">\n<h2>Findings <span class=\"count\">\(e.findings.count)</span></h2>\n"
        if e.findings.isEmpty { return out + "<p class=\"empty\">No findings.</p>\n</section>\n" }
        let rules = Array(Set(e.findings.map(\.rule))).sorted()
        let providers = Array(Set(e.findings.flatMap { facts.providers(of: $0) })).sorted()
        out += "<form class=\"filters\" id=\"filters\" hidden onsubmit=\"return false\">\n"
        out += "<label>Severity <select id=\"f-severity\" data-key=\"severity\"><option value=\"\">all</option>"
        for s in [Severity.error, .warning, .info] { out += "<option value=\"\(s.rawValue)\">\(s.rawValue)</option>" }
        out += "</select></label>\n<label>Rule <select id=\"f-rule\" data-key=\"rule\"><option value=\"\">all</option>"
        for r in rules { out += "<option value=\"\(HTML.attr(r))\">\(HTML.text(r))</option>" }
        out += "</select></label>\n<label>Provider <select id=\"f-provider\" data-key=\"provider\"><option value=\"\">all</option>"
        for p in providers { out += "<option value=\"\(p.rawValue)\">\(p.rawValue)</option>" }
        out += "</select></label>\n<label class=\"grow\">Text <input id=\"f-q\" data-key=\"q\" type=\"search\" placeholder=\"host, file, message…\"></label>\n"
        out += "<button type=\"button\" id=\"f-reset\">Reset</button> <output id=\"f-count\" aria-live=\"polite\"></output>\n</form>\n"
        out += "<div class=\"scroll\"><table class=\"grid sortable\" id=\"findings-table\">\n<thead><tr>"
        out += "<th data-sort=\"num\">severity</th><th data-sort=\"text\">rule</th><th data-sort=\"text\">where</th><th data-sort=\"text\">hosts</th><th data-sort=\"text\">providers</th><th data-sort=\"text\">message</th>"
        out += "</tr></thead>\n<tbody>\n"
        for (i, f) in e.findings.enumerated() {
            let ps = facts.providers(of: f)
            out += "<tr data-i=\"\(i)\" data-severity=\"\(f.severity.rawValue)\" data-rule=\"\(HTML.attr(f.rule))\" data-provider=\"\(ps.map(\.rawValue).joined(separator: " "))\">"
            out += "<td data-v=\"\(f.severity.rank)\">\(severityBadge(f.severity))</td>"
            out += "<td><code>\(HTML.text(f.rule))</code></td>"
            out += "<td class=\"loc\">" + (f.source.map { "<code>\(HTML.text("\($0.file):\($0.line)"))</code>" } ?? "—") + "</td>"
            out += "<td class=\"hosts\">"
            out += f.hosts.prefix(5).map { h in
                g.hostIndex[h].map { "<a href=\"#host-\($0)\">\(HTML.text(h))</a>" } ?? HTML.text(h)
            }.joined(separator: "<br>")
            if f.hosts.count > 5 { out += "<br><span class=\"sub\">+\(f.hosts.count - 5) more</span>" }
            out += "</td><td>\(ps.map(providerChip).joined(separator: " "))</td>"
            out += "<td class=\"msg\">\(HTML.text(f.message))</td></tr>\n"
        }
        out += "</tbody></table></div>\n</section>\n"
        return out
    }

    static func graphSection(_ facts: ReportFacts) -> String {
        let g = facts.graph
        var out = "<section id=\"graph\" class=\"panel\">\n<h2>Route graph</h2>\n"
        out += "<div class=\"legend\"><span class=\"lg\"><i class=\"sw\" style=\"background:\(ReportFacts.color(.ingress))\"></i>ingress</span>"
        out += "<span class=\"lg\"><i class=\"sw\" style=\"background:\(ReportFacts.color(.traefik))\"></i>traefik</span>"
        out += "<span class=\"lg\"><i class=\"sw\" style=\"background:\(ReportFacts.color(.contour))\"></i>contour</span>"
        out += "<span class=\"lg\"><i class=\"sw\" style=\"background:\(ReportFacts.color(.gatewayAPI))\"></i>gateway-api</span>"
        out += "<span class=\"lg\"><i class=\"sw red\"></i>problem: uncovered, conflict, missing, expired</span>"
        out += "<span class=\"lg\"><i class=\"sw amber\"></i>warning, expiring</span>"
        out += "<span class=\"lg\"><i class=\"dash\"></i>certificate presented</span>"
        out += "<span class=\"lg\">✔ covered · ✘ uncovered · ⚠ conflict · ○ plain HTTP · ⇄ passthrough</span></div>\n"
        if g.routes.isEmpty { return out + "<p class=\"empty\">No routes in the input.</p>\n</section>\n" }
        out += "<p class=\"hint js-only\">Click a host (or press Enter on it) to highlight its paths; click it again or press Esc to clear.</p>\n"
        if g.hosts.count <= singlePictureMaxHosts && g.routes.count <= singlePictureMaxRoutes {
            out += "<div class=\"pic\">" + svg(GraphPicture(facts), id: "g0") + "</div>\n"
        } else {
            var byNamespace: [String: [Route]] = [:]
            for r in g.routes { byNamespace[r.namespace, default: []].append(r) }
            out += "<p class=\"sub\">\(g.hosts.count) hosts and \(g.routes.count) routes: one picture per namespace of the routes"
            out += " (at most \(pictureMaxRoutes) routes each; the tables list everything). Namespaces with problems come first.</p>\n"
            var entries: [(ns: String, routes: [Route], problems: Int, hosts: Int)] = []
            for (ns, routes) in byNamespace {
                let hostNames = Set(routes.flatMap(\.hosts))
                let problems = hostNames.filter { n in g.host(n).map(facts.isProblem) ?? false }.count
                entries.append((ns, routes, problems, hostNames.count))
            }
            entries.sort { ($0.problems > 0 ? 0 : 1, $0.ns) < ($1.problems > 0 ? 0 : 1, $1.ns) }
            var budget = pictureBudget
            for (k, entry) in entries.enumerated() {
                let open = k < openNamespaces && entry.problems > 0
                out += "<details class=\"ns\"\(open ? " open" : "")><summary><b>\(HTML.text(entry.ns.isEmpty ? "(no namespace)" : entry.ns))</b>"
                out += " <span class=\"sub\">\(entry.hosts) host\(entry.hosts == 1 ? "" : "s") · \(entry.routes.count) route\(entry.routes.count == 1 ? "" : "s")</span>"
                if entry.problems > 0 { out += " <span class=\"chip red\">\(entry.problems) problem host\(entry.problems == 1 ? "" : "s")</span>" }
                out += "</summary>\n"
                let shown = Array(entry.routes.prefix(min(pictureMaxRoutes, budget)))
                budget -= shown.count
                if shown.isEmpty {
                    out += "<p class=\"sub\">Not drawn: this report draws at most \(pictureBudget) routes in all. "
                    out += "Write a report for this namespace alone (<code>portolan report -n NAMESPACE</code>) to see it.</p>\n</details>\n"
                    continue
                }
                if entry.routes.count > shown.count {
                    out += "<p class=\"sub\">Showing \(shown.count) of \(entry.routes.count) routes.</p>\n"
                }
                out += "<div class=\"pic\">" + svg(GraphPicture(facts, routes: shown), id: "g\(k)") + "</div>\n</details>\n"
            }
        }
        out += "</section>\n"
        return out
    }

    static func hostsSection(_ facts: ReportFacts) -> String {
        let g = facts.graph
        var out = "<section id=\"hosts\" class=\"panel\">\n<h2>Hosts <span class=\"count\">\(g.hosts.count)</span></h2>\n"
        if g.hosts.isEmpty { return out + "<p class=\"empty\">No hosts.</p>\n</section>\n" }
        out += "<div class=\"seg js-only\" id=\"host-filter\" role=\"group\" aria-label=\"Show hosts\">"
        for (v, label) in [("", "All"), ("problems", "Problems"), ("uncovered", "✘ Uncovered"), ("conflict", "⚠ Conflicts"),
                           ("covered", "✔ Covered"), ("passthrough", "⇄ Passthrough"), ("none", "○ Plain HTTP")] {
            out += "<button type=\"button\" data-value=\"\(v)\">\(label)</button>"
        }
        out += "</div>\n"
        let findingsByHost = Dictionary(grouping: facts.estate.findings.flatMap { f in f.hosts.map { ($0, f) } }, by: { $0.0 })
        out += "<div class=\"scroll\"><table class=\"grid sortable\" id=\"hosts-table\">\n<thead><tr>"
        out += "<th data-sort=\"text\">status</th><th data-sort=\"text\">host</th><th data-sort=\"text\">providers / controllers</th>"
        out += "<th data-sort=\"num\">routes</th><th data-sort=\"text\">backends</th><th data-sort=\"text\">certificate</th><th data-sort=\"num\">findings</th>"
        out += "</tr></thead>\n<tbody>\n"
        for (i, h) in g.hosts.enumerated() {
            let problem = facts.isProblem(h)
            let status = facts.statusKey(h)
            let statuses = [h.tls.rawValue] + (facts.conflicts.contains(h.name) ? ["conflict"] : []) + (problem ? ["problems"] : [])
            out += "<tr id=\"host-\(i)\" data-i=\"\(i)\" data-status=\"\(statuses.joined(separator: " "))\"\(problem ? " class=\"bad\"" : "")>"
            out += "<td data-v=\"\(status)\"><span class=\"sym st-\(status)\">\(facts.symbols(h))</span> \(HTML.text(facts.statusLabel(h)))</td>"
            out += "<td class=\"host\"><b>\(HTML.text(h.name))</b> <a class=\"show js-only\" href=\"#focus=\(i)\" title=\"show in the route graph\">graph</a></td>"
            out += "<td>\(h.providers.map(providerChip).joined(separator: " "))<br><span class=\"sub\">\(HTML.text(h.controllers.joined(separator: ", ")))</span></td>"
            let routes = facts.routes(of: h)
            out += "<td data-v=\"\(routes.count)\">"
            out += routes.prefix(6).map { r in
                "<span class=\"rt\"><i class=\"dot p-\(MermaidReport.className(r.provider))\"></i>\(HTML.text("\(r.kind) \(r.namespace)/\(r.name)"))"
                    + " <code>\(HTML.text(r.path))</code></span>"
            }.joined(separator: "<br>")
            if routes.count > 6 { out += "<br><span class=\"sub\">+\(routes.count - 6) more</span>" }
            out += "</td><td>"
            let backends = facts.backends(of: h)
            out += backends.prefix(6).map { b in
                b.resolved ? HTML.text(b.display) : "<span class=\"bad-text\">✘ \(HTML.text(b.display))</span> <span class=\"sub\">\(HTML.text(issueText(b.issue)))</span>"
            }.joined(separator: "<br>")
            if backends.count > 6 { out += "<br><span class=\"sub\">+\(backends.count - 6) more</span>" }
            out += "</td><td>" + certificateCell(h, facts) + "</td>"
            let n = findingsByHost[h.name]?.count ?? 0
            out += "<td data-v=\"\(n)\">" + (n == 0 ? "—" : "\(n)") + "</td></tr>\n"
        }
        out += "</tbody></table></div>\n</section>\n"
        return out
    }

    static func issueText(_ issue: BackendIssue?) -> String {
        switch issue {
        case .serviceMissing?: return "not in the input"
        case .portMissing?: return "no such port"
        case .referenceMissing?: return "reference missing"
        case .rejected(_, let reason)?: return reason
        case nil: return "unresolved"
        }
    }

    static func certificateCell(_ h: Host, _ facts: ReportFacts) -> String {
        switch h.tls {
        case .none: return "<span class=\"sub\">plain HTTP</span>"
        case .passthrough: return "<span class=\"sub\">TLS passthrough to the backend</span>"
        case .covered:
            return h.certificates.prefix(3).map { id -> String in
                guard let c = facts.graph.certificate(id) else { return HTML.text(id) }
                let cls = facts.expiry(c) == .expired ? "bad-text" : facts.expiry(c) == .expiring ? "warn-text" : "sub"
                return "\(HTML.text(id))<br><span class=\"\(cls)\">\(HTML.text(facts.expiryText(c)))</span>"
            }.joined(separator: "<br>")
        case .uncovered:
            let reasons = h.candidates.filter { !$0.covers }.prefix(3).map { c in
                "<span class=\"sub\">\(HTML.text((c.certificate ?? c.secret?.description ?? "default certificate") + ": " + c.reason))</span>"
            }
            return "<span class=\"bad-text\">✘ no certificate covers it</span>" + (reasons.isEmpty ? "" : "<br>" + reasons.joined(separator: "<br>"))
        }
    }

    static func certificatesSection(_ facts: ReportFacts) -> String {
        let g = facts.graph
        var out = "<section id=\"certificates\" class=\"panel\">\n<h2>Certificates <span class=\"count\">\(g.certificates.count)</span></h2>\n"
        if g.certificates.isEmpty { return out + "<p class=\"empty\">No certificates.</p>\n</section>\n" }
        var hostsOf: [String: [String]] = [:]
        for h in g.hosts { for id in h.certificates { hostsOf[id, default: []].append(h.name) } }
        out += "<div class=\"scroll\"><table class=\"grid sortable\" id=\"certificates-table\">\n<thead><tr>"
        out += "<th data-sort=\"text\">certificate</th><th data-sort=\"text\">origin</th><th data-sort=\"text\">secret</th><th data-sort=\"text\">names</th>"
        out += "<th data-sort=\"text\">not after</th><th data-sort=\"num\">days left</th><th data-sort=\"text\">issuer</th><th data-sort=\"text\">covers hosts</th>"
        out += "</tr></thead>\n<tbody>\n"
        for (i, c) in g.certificates.enumerated() {
            let ex = facts.expiry(c)
            out += "<tr data-i=\"\(i)\"\(ex == .expired ? " class=\"bad\"" : "")>"
            out += "<td><code>\(HTML.text(c.id))</code></td><td>\(HTML.text(c.origin.rawValue))</td>"
            out += "<td>\(HTML.text(c.secret?.description ?? "—"))</td>"
            out += "<td>\(c.dnsNames.prefix(8).map(HTML.text).joined(separator: "<br>"))\(c.dnsNames.count > 8 ? "<br><span class=\"sub\">+\(c.dnsNames.count - 8) more</span>" : "")</td>"
            out += "<td class=\"date\">\(c.notAfter.map { UTCDate.day($0) } ?? "—")</td>"
            let d = facts.daysLeft(c)
            let cls = ex == .expired ? "bad-text" : ex == .expiring ? "warn-text" : ""
            out += "<td data-v=\"\(d.map(String.init) ?? "99999")\"><span class=\"\(cls)\">\(d.map(String.init) ?? "—")</span></td>"
            out += "<td>\(HTML.text(c.issuer ?? "—"))</td>"
            let hs = hostsOf[c.id] ?? []
            out += "<td>" + (hs.isEmpty ? (g.usedCertificates.contains(c.id) ? "<span class=\"sub\">none</span>" : "<span class=\"sub\">unused</span>")
                : hs.prefix(5).map { h in g.hostIndex[h].map { "<a href=\"#host-\($0)\">\(HTML.text(h))</a>" } ?? HTML.text(h) }.joined(separator: "<br>")
                    + (hs.count > 5 ? "<br><span class=\"sub\">+\(hs.count - 5) more</span>" : "")) + "</td></tr>\n"
        }
        out += "</tbody></table></div>\n</section>\n"
        return out
    }

    // MARK: - SVG

    static let colWidth = 250
    static let colGap = 74
    static let nodeHeight = 40
    static let rowGap = 14
    static let top = 44
    static let margin = 12

    /// Truncates to about what fits in a node, keeping the start (the full text is in the node's title).
    static func fit(_ s: String, _ max: Int) -> String {
        let v = TextSafety.visible(s)
        return v.count <= max ? v : String(v.prefix(max - 1)) + "…"
    }

    static func svg(_ pic: GraphPicture, id: String) -> String {
        let columns = pic.columnOrder()
        var y = [Int](repeating: 0, count: pic.nodes.count)
        let step = nodeHeight + rowGap
        // Hosts first in sequence, routes at the mean height of their hosts, then hosts re-centred on their
        // routes, then backends and certificates at the mean height of their routes (never overlapping).
        var neighbours = [[Int]](repeating: [], count: pic.nodes.count)
        for e in pic.edges { neighbours[e.from].append(e.to); neighbours[e.to].append(e.from) }
        // Every node sits on a row of one grid, so the gutters between rows are free in every column: the
        // dashed route → certificate edges run through the services column in the gutter under their route.
        func placeSequential(_ list: [Int]) { for (k, i) in list.enumerated() { y[i] = top + k * step } }
        func placeByNeighbours(_ list: [Int], layer: GraphPicture.Layer) {
            var next = top
            for i in list {
                let ns = neighbours[i].filter { pic.nodes[$0].layer == layer }.map { y[$0] }
                var want = ns.isEmpty ? next : ns.reduce(0, +) / ns.count
                want = top + Int((Double(want - top) / Double(step)).rounded()) * step
                y[i] = max(want, next)
                next = y[i] + step
            }
        }
        placeSequential(columns[0])
        placeByNeighbours(columns[1], layer: .host)
        placeByNeighbours(columns[0], layer: .route)
        placeByNeighbours(columns[2], layer: .route)
        placeByNeighbours(columns[3], layer: .route)
        let height = (pic.nodes.indices.map { y[$0] }.max() ?? top) + nodeHeight + margin
        let width = margin * 2 + 4 * colWidth + 3 * colGap
        func x(_ layer: GraphPicture.Layer) -> Int { margin + layer.rawValue * (colWidth + colGap) }

        var out = "<svg id=\"\(id)\" class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"Route graph: hosts, routes, services, certificates\">\n"
        for layer in GraphPicture.Layer.allCases {
            out += "<text class=\"col\" x=\"\(x(layer) + 4)\" y=\"22\">\(layer.title) <tspan class=\"cnt\">\(pic.nodes(in: layer).count)</tspan></text>\n"
        }
        out += "<g class=\"edges\">\n"
        for e in pic.edges {
            let a = pic.nodes[e.from], b = pic.nodes[e.to]
            let x1 = x(a.layer) + colWidth, y1 = y[e.from] + nodeHeight / 2
            let x2 = x(b.layer), y2 = y[e.to] + nodeHeight / 2
            var cls = "e"
            if e.problem { cls += " bad" }
            if e.dashed { cls += " cert" }
            let stroke = e.problem ? ReportFacts.red : e.provider.map(ReportFacts.color) ?? ReportFacts.grey
            let d: String
            if e.dashed && b.layer == .certificate && a.layer == .route {
                // Through the gutter under the route's row, across the services column.
                let gy = y[e.from] + nodeHeight + rowGap / 2
                let xs = x(.service) - 10, xe = x(.service) + colWidth + 10
                d = "M\(x1) \(y1) C\(x1 + 26) \(y1) \(xs - 26) \(gy) \(xs) \(gy) L\(xe) \(gy) C\(xe + 26) \(gy) \(x2 - 26) \(y2) \(x2 - 4) \(y2)"
            } else {
                let dx = max(30, (x2 - x1) / 2)
                d = "M\(x1) \(y1) C\(x1 + dx) \(y1) \(x2 - dx) \(y2) \(x2 - 4) \(y2)"
            }
            out += "<path class=\"\(cls)\" data-h=\"\(e.hosts.map(String.init).joined(separator: " "))\" stroke=\"\(stroke)\" d=\"\(d)\"/>\n"
        }
        out += "</g>\n<g class=\"nodes\">\n"
        for layer in GraphPicture.Layer.allCases {
            for i in columns[layer.rawValue] {
                let n = pic.nodes[i]
                var cls = "n " + ["host", "route", "svc", "cert"][layer.rawValue]
                if n.problem { cls += " bad" } else if n.warning { cls += " warn" }
                if n.missing { cls += " missing" }
                let hosts = n.hosts.map(String.init).joined(separator: " ")
                let interactive = layer == .host
                out += "<g class=\"\(cls)\" data-h=\"\(hosts)\" transform=\"translate(\(x(layer)) \(y[i]))\""
                if interactive, let h = n.hosts.first { out += " data-host=\"\(h)\" tabindex=\"0\" role=\"button\" aria-label=\"\(HTML.attr("highlight " + n.title))\"" }
                out += ">"
                out += "<title>\(HTML.text((n.symbol.isEmpty ? "" : n.symbol + " ") + n.title))"
                out += (n.detail.isEmpty ? "" : "\n" + HTML.text(n.detail)) + "</title>"
                out += "<rect width=\"\(colWidth)\" height=\"\(nodeHeight)\" rx=\"7\"/>"
                if let p = n.provider, layer == .route || layer == .host {
                    out += "<rect class=\"pbar\" x=\"1\" y=\"1\" width=\"5\" height=\"\(nodeHeight - 2)\" rx=\"3\" style=\"fill:\(ReportFacts.color(p))\"/>"
                }
                var tx = 12
                if !n.symbol.isEmpty {
                    let symClass = n.problem ? "bad" : n.warning ? "warn" : "ok"
                    out += "<text class=\"sym \(symClass)\" x=\"12\" y=\"17\">\(HTML.text(n.symbol))</text>"
                    tx = n.symbol.count > 1 ? 46 : 28
                }
                let titleMax = (colWidth - tx - 8) / 7
                out += "<text class=\"t\" x=\"\(tx)\" y=\"17\">\(HTML.text(fit(n.title, titleMax)))</text>"
                if !n.detail.isEmpty {
                    out += "<text class=\"d\" x=\"\(tx)\" y=\"32\">\(HTML.text(fit(n.detail, (colWidth - tx - 8) / 6)))</text>"
                }
                out += "</g>\n"
            }
        }
        out += "</g>\n</svg>"
        return out
    }

    // MARK: - Style and behaviour

    /// A compass rose, inline (no font needs to have a glyph for it).
    static let logo = "<svg class=\"logo\" width=\"22\" height=\"22\" viewBox=\"0 0 24 24\" aria-hidden=\"true\">"
        + "<circle cx=\"12\" cy=\"12\" r=\"10.5\" fill=\"none\" stroke=\"#6fa8ff\" stroke-width=\"1.6\"/>"
        + "<path d=\"M12 3.5 14.2 12 12 20.5 9.8 12Z\" fill=\"#6fa8ff\"/><path d=\"M3.5 12 12 9.8 20.5 12 12 14.2Z\" fill=\"#3d6fc0\"/></svg>"

    static let css = """
    :root{--bg:#f4f6f9;--card:#fff;--ink:#1b2230;--muted:#5d6778;--line:#e2e6ec;--head:#f7f8fa;
      --red:#d33b3b;--red-bg:#fdecec;--amber:#c77d0a;--amber-bg:#fff5e3;--ok:#1f8a52;
      --p-ingress:#2f6fdb;--p-traefik:#0e9bb0;--p-contour:#8a4fd0;--p-gatewayapi:#23955f}
    *{box-sizing:border-box}
    html{-webkit-text-size-adjust:100%}
    body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
    code,pre,.loc{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px}
    a{color:#1d5fc9;text-decoration:none}a:hover{text-decoration:underline}
    .wrap{max-width:1400px;margin:0 auto;padding:0 24px}
    .top{background:#161c28;color:#e9edf3;padding:18px 0 0}
    .brand{font-size:22px;font-weight:650;letter-spacing:.2px;display:flex;align-items:center;gap:9px}
    .top .meta{color:#aeb7c6;margin:4px 0 12px;word-break:break-all}.top code{color:#dfe6f1}
    nav{display:flex;gap:2px;flex-wrap:wrap}
    nav a{color:#cdd5e2;padding:8px 12px;border-radius:8px 8px 0 0;font-weight:500}
    nav a:hover{background:#232b3a;color:#fff;text-decoration:none}
    main{padding-top:20px}
    h2{font-size:17px;margin:0 0 12px;font-weight:650}
    .count{display:inline-block;min-width:24px;padding:0 7px;border-radius:10px;background:#e8ecf2;color:var(--muted);font-size:12.5px;text-align:center;vertical-align:2px}
    .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(210px,1fr));gap:14px;margin-bottom:16px}
    .card,.panel{background:var(--card);border:1px solid var(--line);border-radius:12px;box-shadow:0 1px 2px rgba(20,30,50,.05)}
    .card{padding:14px 16px}.card h2{font-size:12.5px;text-transform:uppercase;letter-spacing:.6px;color:var(--muted);margin:0}
    .big{font-size:34px;font-weight:700;line-height:1.15;margin:4px 0 6px}.big small{font-size:16px;color:var(--muted);font-weight:500}
    .tally{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 12px;font-size:13px}
    .tally a{color:inherit}
    .sym{font-weight:700}
    .st-uncovered,.st-conflict,.sev-error,.bad-text{color:var(--red)}
    .st-covered{color:var(--ok)}.st-passthrough{color:var(--p-contour)}.st-none{color:var(--muted)}
    .sev-warning,.warn-text{color:var(--amber)}.sev-info{color:#3a6ea5}
    .sub{color:var(--muted);font-size:12.5px}.fail{color:var(--red)}
    .bar{height:8px;border-radius:4px;background:var(--red-bg);overflow:hidden;margin:6px 0}
    .bar span{display:block;height:100%;background:var(--ok)}
    .panel{padding:16px 18px;margin-bottom:16px}
    .attention{border-left:5px solid var(--red)}
    .att{margin:0;padding:0;list-style:none;display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:8px 18px}
    .att li{padding:6px 10px;border:1px solid var(--line);border-radius:8px;background:#fffafa;min-width:0}
    .attention .hostlink{color:var(--red);word-break:break-all}.attention details{margin-top:10px}.attention summary{cursor:pointer;color:#1d5fc9}
    .att .why{color:var(--muted);font-size:12.5px;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden}
    .attention h2 .sub{font-weight:400;margin-left:6px}
    .chip{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;font-weight:600}
    .chip.red{background:var(--red-bg);color:#9b1f1f}
    .pchip{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;color:#fff;white-space:nowrap}
    .p-ingress{background:var(--p-ingress)}.p-traefik{background:var(--p-traefik)}.p-contour{background:var(--p-contour)}.p-gatewayapi{background:var(--p-gatewayapi)}
    .dot{display:inline-block;width:8px;height:8px;border-radius:50%;margin-right:6px;vertical-align:1px}
    .badge{white-space:nowrap;font-weight:600;font-size:12.5px}
    .scroll{overflow-x:auto}
    table.grid{border-collapse:collapse;width:100%;font-size:13px}
    .grid th{background:var(--head);text-align:left;font-weight:600;color:var(--muted);padding:7px 9px;border-bottom:1px solid var(--line);white-space:nowrap;position:sticky;top:0}
    .grid td{padding:7px 9px;border-bottom:1px solid var(--line);vertical-align:top}
    .grid tbody tr:hover{background:#f8fafd}
    .grid tr.bad td:first-child{box-shadow:inset 4px 0 0 var(--red)}
    .grid tr:target{background:#fff8d6}
    .msg{min-width:260px}.host b{font-weight:600;word-break:break-all}.loc{min-width:220px;max-width:360px;overflow-wrap:anywhere}.hosts{min-width:170px;max-width:300px;overflow-wrap:anywhere}.grid td:not(.loc)>code:only-child,.grid td.date{white-space:nowrap}
    .js .sortable th{cursor:pointer;user-select:none}.js .sortable th:hover{color:var(--ink)}
    .sortable th[aria-sort=ascending]::after{content:" ▲";font-size:10px}.sortable th[aria-sort=descending]::after{content:" ▼";font-size:10px}
    .filters{display:flex;flex-wrap:wrap;gap:10px 14px;align-items:end;margin:0 0 12px;padding:10px 12px;background:var(--head);border:1px solid var(--line);border-radius:10px}
    .filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:3px}.filters .grow{flex:1;min-width:180px}
    .filters select,.filters input,.filters button,.seg button{font:inherit;font-size:13px;padding:5px 8px;border:1px solid #cfd5de;border-radius:7px;background:#fff;color:var(--ink)}
    .filters button{cursor:pointer}.filters output{color:var(--muted);font-size:12.5px;padding-bottom:6px}
    .seg{display:flex;flex-wrap:wrap;gap:6px;margin:0 0 10px}.seg button{cursor:pointer}
    .seg button[aria-pressed=true]{background:#1b2230;color:#fff;border-color:#1b2230}
    .js-only{display:none}.js .js-only{display:revert}
    .legend{display:flex;flex-wrap:wrap;gap:6px 16px;font-size:12.5px;color:var(--muted);margin-bottom:8px}
    .lg{display:inline-flex;align-items:center;gap:6px}
    .sw{display:inline-block;width:14px;height:10px;border-radius:3px}.sw.red{background:var(--red)}.sw.amber{background:var(--amber)}
    .dash{display:inline-block;width:22px;border-top:2px dashed #8a94a3}
    .hint{color:var(--muted);font-size:12.5px;margin:0 0 8px}
    .pic{overflow-x:auto;border:1px solid var(--line);border-radius:10px;background:#fbfcfd}
    details.ns{border:1px solid var(--line);border-radius:10px;margin:8px 0;padding:6px 10px;background:#fff}
    details.ns>summary{cursor:pointer;padding:4px 0}
    details.ns .pic{margin:8px 0 4px}
    #assumptions summary{cursor:pointer}#assumptions summary h2{display:inline;margin:0}
    pre{background:var(--head);border:1px solid var(--line);border-radius:8px;padding:10px;overflow:auto;max-height:420px}
    svg.graph{display:block;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
    svg .col{font-size:13px;font-weight:700;fill:#3b4455;text-transform:uppercase;letter-spacing:.6px}
    svg .cnt{font-weight:500;fill:#8a94a3}
    svg .e{fill:none;stroke-width:1.6;opacity:.7}
    svg .e.cert{stroke-dasharray:5 4;opacity:.75}
    svg .e.bad{stroke-width:2.4;opacity:.95}
    svg .n rect{fill:#fff;stroke:#c9d0da;stroke-width:1.2}
    svg .n rect.pbar{stroke:none}
    svg .n.route rect:first-of-type{stroke:#b7c0cc}
    svg .n.warn>rect:first-of-type{fill:var(--amber-bg);stroke:var(--amber);stroke-width:1.6}
    svg .n.bad>rect:first-of-type{fill:var(--red-bg);stroke:var(--red);stroke-width:2}
    svg .n.missing>rect:first-of-type{stroke-dasharray:5 3}
    svg .t{font-size:12.5px;font-weight:600;fill:#1b2230}
    svg .d{font-size:11px;fill:#5d6778}
    svg .bad .t{fill:#8c1d1d}
    svg .sym{font-size:13px;font-weight:700}svg .sym.ok{fill:var(--ok)}svg .sym.bad{fill:var(--red)}svg .sym.warn{fill:var(--amber)}
    svg .host{cursor:pointer}svg .host:focus{outline:none}svg .host:focus>rect:first-of-type{stroke:#1d5fc9;stroke-width:2.5}
    svg.focus .n:not(.on),svg.focus .e:not(.on){opacity:.12}
    svg.focus .e.on{opacity:1;stroke-width:2.6}
    svg .n.sel>rect:first-of-type{stroke:#1d5fc9;stroke-width:3}
    footer{color:var(--muted);font-size:12.5px;padding:8px 24px 32px}
    .empty{color:var(--muted)}
    @media print{
      body{background:#fff;font-size:11px}.top{background:#fff;color:#000;padding:0}.top .meta,.top code{color:#333}
      nav,.filters,.seg,.hint,.show,.js-only{display:none!important}
      .panel,.card{box-shadow:none;break-inside:avoid-page}.panel{border:0;padding:8px 0}
      .grid th{position:static}.grid tr{break-inside:avoid}.scroll{overflow:visible}.msg,.loc,.hosts{min-width:0}.grid td,.grid th{padding:4px 5px}
      .pic{overflow:visible;border:0}svg.graph{max-width:100%;height:auto}
      *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
      tr[hidden]{display:table-row!important}
    }

    """

    static let script = """
    (function () {
      'use strict';
      var doc = document;
      doc.documentElement.classList.add('js');
      function $(s, r) { return (r || doc).querySelector(s); }
      function $$(s, r) { return Array.prototype.slice.call((r || doc).querySelectorAll(s)); }

      // Findings filters: severity, rule, provider and text; mirrored in the URL fragment (#severity=error&rule=...).
      var table = $('#findings-table');
      var form = $('#filters');
      var keys = ['severity', 'rule', 'provider', 'q'];
      var controls = {};
      if (form) { form.hidden = false; keys.forEach(function (k) { controls[k] = $('[data-key="' + k + '"]', form); }); }
      function applyFilters() {
        if (!table) return;
        var v = {}; keys.forEach(function (k) { v[k] = controls[k] ? controls[k].value.trim() : ''; });
        var q = v.q.toLowerCase(), shown = 0, rows = table.tBodies[0].rows;
        for (var i = 0; i < rows.length; i++) {
          var r = rows[i];
          var ok = (!v.severity || r.getAttribute('data-severity') === v.severity) &&
            (!v.rule || r.getAttribute('data-rule') === v.rule) &&
            (!v.provider || (' ' + r.getAttribute('data-provider') + ' ').indexOf(' ' + v.provider + ' ') >= 0) &&
            (!q || r.textContent.toLowerCase().indexOf(q) >= 0);
          r.hidden = !ok;
          if (ok) shown++;
        }
        var out = $('#f-count'); if (out) out.textContent = shown + ' of ' + rows.length + ' shown';
      }
      function params() {
        var h = location.hash.replace(/^#/, '');
        if (h.indexOf('=') < 0) return null;
        try { return new URLSearchParams(h); } catch (e) { return null; }
      }
      function writeHash() {
        var p = new URLSearchParams();
        keys.forEach(function (k) { if (controls[k] && controls[k].value) p.set(k, controls[k].value); });
        var hs = hostFilterValue(); if (hs) p.set('hosts', hs);
        var s = p.toString();
        history.replaceState(null, '', s ? '#' + s : location.pathname + location.search);
      }
      function setSelect(el, value) {
        if (el.tagName === 'SELECT' && value && !$$('option', el).some(function (o) { return o.value === value; })) {
          var o = doc.createElement('option'); o.value = value; o.textContent = value; el.appendChild(o);
        }
        el.value = value;
      }
      keys.forEach(function (k) {
        var el = controls[k]; if (!el) return;
        el.addEventListener(el.tagName === 'SELECT' ? 'change' : 'input', function () { applyFilters(); writeHash(); });
      });
      var reset = $('#f-reset');
      if (reset) reset.addEventListener('click', function () { keys.forEach(function (k) { if (controls[k]) controls[k].value = ''; }); applyFilters(); writeHash(); });

      // Host table: status buttons.
      var hostFilter = $('#host-filter'), hostTable = $('#hosts-table');
      function hostFilterValue() { var b = hostFilter && $('button[aria-pressed="true"]', hostFilter); return b ? b.getAttribute('data-value') : ''; }
      function applyHostFilter(value) {
        if (!hostFilter || !hostTable) return;
        $$('button', hostFilter).forEach(function (b) { b.setAttribute('aria-pressed', String(b.getAttribute('data-value') === value)); });
        $$('tbody tr', hostTable).forEach(function (r) {
          r.hidden = !!value && (' ' + r.getAttribute('data-status') + ' ').indexOf(' ' + value + ' ') < 0;
        });
      }
      if (hostFilter) $$('button', hostFilter).forEach(function (b) {
        b.addEventListener('click', function () { applyHostFilter(b.getAttribute('data-value')); writeHash(); });
      });

      // Sortable tables: click a header; again to reverse.
      $$('table.sortable th').forEach(function (th) {
        th.setAttribute('aria-sort', 'none');
        th.addEventListener('click', function () {
          var t = th.closest('table'), idx = th.cellIndex, numeric = th.getAttribute('data-sort') === 'num';
          var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
          $$('th', t).forEach(function (o) { o.setAttribute('aria-sort', 'none'); });
          th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
          var body = t.tBodies[0], rows = Array.prototype.slice.call(body.rows);
          function key(r) { var c = r.cells[idx]; var v = c.getAttribute('data-v'); return v !== null ? v : c.textContent.trim().toLowerCase(); }
          rows.sort(function (a, b) {
            var x = key(a), y = key(b), c;
            if (numeric) c = (parseFloat(x) || 0) - (parseFloat(y) || 0);
            else c = x < y ? -1 : x > y ? 1 : 0;
            return c * dir || (+a.getAttribute('data-i')) - (+b.getAttribute('data-i'));
          });
          rows.forEach(function (r) { body.appendChild(r); });
        });
      });

      // Route graph: click a host to highlight every node and edge on its paths.
      function clearFocus() {
        $$('svg.graph.focus').forEach(function (s) { s.classList.remove('focus'); });
        $$('svg.graph .on, svg.graph .sel').forEach(function (n) { n.classList.remove('on'); n.classList.remove('sel'); });
      }
      function focusHost(svg, h) {
        clearFocus();
        svg.classList.add('focus');
        $$('[data-h~="' + h + '"]', svg).forEach(function (n) { n.classList.add('on'); });
        $$('[data-host="' + h + '"]', svg).forEach(function (n) { n.classList.add('sel'); });
      }
      $$('svg.graph .host').forEach(function (g) {
        function toggle() {
          var svg = g.ownerSVGElement, h = g.getAttribute('data-host');
          if (g.classList.contains('sel')) clearFocus(); else focusHost(svg, h);
        }
        g.addEventListener('click', toggle);
        g.addEventListener('keydown', function (ev) { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); toggle(); } });
      });
      doc.addEventListener('keydown', function (ev) { if (ev.key === 'Escape') clearFocus(); });
      function showInGraph(h) {
        if (!/^[0-9]+$/.test(h)) return;
        var node = $('svg.graph [data-host="' + h + '"]');
        if (!node) return;
        var d = node.closest('details'); if (d) d.open = true;
        focusHost(node.ownerSVGElement, h);
        node.scrollIntoView({ block: 'center' });
      }

      function fromHash() {
        var p = params();
        if (!p) return;
        keys.forEach(function (k) { if (controls[k]) setSelect(controls[k], p.get(k) || ''); });
        applyFilters();
        if (p.has('hosts')) applyHostFilter(p.get('hosts'));
        if (p.has('severity') || p.has('rule') || p.has('provider') || p.has('q')) { var f = $('#findings'); if (f) f.scrollIntoView(); }
        if (p.has('hosts')) { var hs = $('#hosts'); if (hs) hs.scrollIntoView(); }
        if (p.has('focus')) showInGraph(p.get('focus'));
      }
      window.addEventListener('hashchange', fromHash);
      window.addEventListener('beforeprint', function () { $$('details').forEach(function (d) { d.open = true; }); });
      applyFilters();
      applyHostFilter('');
      fromHash();
    })();

    """
}
