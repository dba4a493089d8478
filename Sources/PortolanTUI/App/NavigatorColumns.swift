import PortolanCore

/// The navigator's columns for a view at a width: narrow screens drop the less important ones.
struct NavigatorColumns {
    let state: AppState
    let model: ExplorerModel
    let width: Int
    var widths: [Constraint] = []
    var header: [Line] = []
    var theme: Theme { state.theme }
    var sym: Symbols { theme.symbols }
    var wide: Bool { width >= 38 }

    init(state: AppState, model: ExplorerModel, width: Int) {
        self.state = state; self.model = model; self.width = width
        switch state.view {
        case .hosts:
            widths = [.length(2), .fill(1)] + (wide ? [.length(8)] : []) + [.length(4)]
            header = [Line(""), Line("HOST")] + (wide ? [Line("VIA")] : []) + [Line("FIND")]
        case .routes:
            widths = [.length(3), .fill(3)] + (wide ? [.fill(2)] : []) + [.length(2)]
            header = [Line(""), Line("HOST/PATH")] + (wide ? [Line("BACKEND")] : []) + [Line("")]
        case .services:
            widths = [.length(1), .fill(1)] + (wide ? [.length(9)] : []) + [.length(6)]
            header = [Line(""), Line("SERVICE")] + (wide ? [Line("TYPE")] : []) + [Line("ROUTES")]
        case .certificates:
            widths = [.length(1), .fill(1)] + (wide ? [.length(12)] : []) + [.length(8)]
            header = [Line(""), Line("CERTIFICATE")] + (wide ? [Line("ORIGIN")] : []) + [Line("EXPIRES")]
        case .findings:
            widths = [.length(1)] + (wide ? [.length(16)] : []) + [.fill(1)]
            header = [Line("")] + (wide ? [Line("RULE")] : []) + [Line("MESSAGE")]
        case .files:
            widths = [.fill(1), .length(5), .length(4)]
            header = [Line("FILE"), Line("OBJ"), Line("PROB")]
        }
    }

    func findingsCell(_ v: NavView, _ row: Int, count: Int) -> Line {
        guard let sev = model.worstSeverity(v, row) else { return Line("") }
        return Line(theme.severitySymbol(sev) + (count > 0 ? "\(count)" : ""), theme.severity(sev))
    }

    func row(_ r: Int) -> [Line] {
        let g = model.graph
        switch state.view {
        case .hosts:
            let h = g.hosts[r]
            var marker = Line([theme.hostMarker(h.tls)])
            marker.append(h.controllers.count > 1 ? Span(sym.conflict, theme.conflict) : Span(" "))
            var cells = [marker, Line(h.name)]
            if wide {
                var via = Line([])
                for (i, p) in h.providers.enumerated() {
                    if i > 0 { via.append(" ") }
                    via.append(Span(Theme.providerBadge(p), theme.provider(p)))
                }
                cells.append(via)
            }
            cells.append(findingsCell(.hosts, r, count: model.findingsByHost[h.name]?.count ?? 0))
            return cells
        case .routes:
            let route = g.routes[r]
            let host = route.hosts.isEmpty ? "*" : route.hosts[0] + (route.hosts.count > 1 ? "+\(route.hosts.count - 1)" : "")
            let path = route.path.isEmpty ? (route.match.isEmpty ? "" : " " + route.match) : route.path
            var cells = [Line(Theme.providerBadge(route.provider), theme.provider(route.provider)), Line(host + path)]
            if wide {
                if let b = route.backends.first {
                    let more = route.backends.count > 1 ? " +\(route.backends.count - 1)" : ""
                    cells.append(b.resolved ? Line(b.display + more)
                                            : Line([Span(sym.missing + " " + b.display, theme.missing), Span(more)]))
                } else {
                    cells.append(Line(sym.missing + " none", theme.missing))
                }
            }
            cells.append(findingsCell(.routes, r, count: 0))
            return cells
        case .services:
            let s = g.services[r]
            let used = !(model.routesByService[NamespacedName(s.namespace, s.name)] ?? []).isEmpty
            let worst = model.worstSeverity(.services, r)
            let mark = worst.map { Span(theme.severitySymbol($0), theme.severity($0)) }
                ?? (used ? Span(sym.ok, theme.resolved) : Span(sym.plainHTTP, theme.dim))
            var cells = [Line([mark]), Line("\(s.namespace)/\(s.name)")]
            if wide { cells.append(Line(s.type, theme.dim)) }
            let n = model.routesByService[NamespacedName(s.namespace, s.name)]?.count ?? 0
            cells.append(Line(String(repeating: " ", count: max(0, 5 - String(n).count)) + "\(n)", n == 0 ? theme.dim : theme.text))
            return cells
        case .certificates:
            let c = g.certificates[r]
            let days = c.notAfter.map { Int((($0 - model.estate.now) / 86400).rounded(.down)) }
            let used = !(model.coverageByCertificate[c.id] ?? []).isEmpty || g.usedCertificates.contains(c.id)
            let mark: Span
            if let d = days, d < 0 { mark = Span(sym.uncovered, theme.expired) }
            else if let sev = model.worstSeverity(.certificates, r) { mark = Span(theme.severitySymbol(sev), theme.severity(sev)) }
            else { mark = used ? Span(sym.covered, theme.covered) : Span(sym.plainHTTP, theme.dim) }
            var cells = [Line([mark]), Line("\(c.namespace)/\(c.name)")]
            if wide { cells.append(Line(c.origin.rawValue, theme.dim)) }
            let exp: Line
            if let d = days {
                exp = d < 0 ? Line("expired", theme.expired) : Line("\(d) d", d < 30 ? theme.expiringSoon : theme.text)
            } else {
                exp = Line("-", theme.dim)
            }
            cells.append(exp)
            return cells
        case .findings:
            let f = model.estate.findings[r]
            var cells = [Line(theme.severitySymbol(f.severity), theme.severity(f.severity))]
            if wide { cells.append(Line(f.rule, theme.dim)) }
            cells.append(Line(f.message))
            return cells
        case .files:
            switch model.fileRows[r] {
            case .file(let i):
                let f = model.estate.inputs.files[i]
                let probs = model.problems.reduce(0) { $1.file == f.path ? $0 + 1 : $0 }
                return [Line(f.path), Line("\(f.resources)"), Line(probs > 0 ? "\(probs)" : "", theme.warningStyle)]
            case .path(let p):
                return [Line([Span(p), Span("  not read", theme.warningStyle)]), Line(""), Line("")]
            case .problem(let p):
                return [Line([Span("  " + sym.warning + " ", theme.warningStyle), Span(p.line > 0 ? "L\(p.line) " : "", theme.dim), Span(p.message)]),
                        Line(""), Line("")]
            }
        }
    }
}
