import PortolanCore

/// What a node of the route graph leads to: its place in a file, the item it opens, the findings on it.
public struct GraphPayload: Sendable {
    public var location: SourceLocation?
    public var target: NavTarget?
    /// Findings (indexes into `estate.findings`) shown with this node.
    public var findings: [Int]
    public init(location: SourceLocation? = nil, target: NavTarget? = nil, findings: [Int] = []) {
        self.location = location; self.target = target; self.findings = findings
    }
}

public typealias GraphNode = TreeNode<GraphPayload>
/// The route graph's backend (a Service and port), not the terminal `Backend`.
public typealias RouteBackend = PortolanCore.Backend

/// Builds the route graph tree for the selected item (lazygit's "presentation": model → display lines).
public struct GraphTrees {
    public let model: ExplorerModel
    public let theme: Theme

    public init(model: ExplorerModel, theme: Theme) { self.model = model; self.theme = theme }

    var g: RouteGraph { model.graph }
    var sym: Symbols { theme.symbols }
    var findings: [Finding] { model.estate.findings }

    /// The tree for an item of a view (one root).
    public func tree(for t: NavTarget) -> [GraphNode] {
        switch t.view {
        case .hosts: return g.host(t.key).map { [hostTree($0)] } ?? []
        case .routes: return g.route(t.key).map { [routeTree($0)] } ?? []
        case .services:
            guard let s = g.services.first(where: { "\($0.namespace)/\($0.name)" == t.key }) else { return [] }
            return [serviceTree(s)]
        case .certificates: return g.certificate(t.key).map { [certificateTree($0)] } ?? []
        case .findings:
            guard let i = model.row(.findings, key: t.key) else { return [] }
            return [findingTree(i)]
        case .files:
            guard let i = model.row(.files, key: t.key) else { return [] }
            return [fileTree(model.fileRows[i], key: t.key)]
        }
    }

    // MARK: Labels

    public func hostStateLabel(_ h: Host) -> Span {
        switch h.tls {
        case .covered: return Span("TLS covered", theme.covered)
        case .uncovered: return Span("TLS uncovered", theme.uncovered)
        case .passthrough: return Span("TLS passthrough", theme.passthrough)
        case .none: return Span("plain HTTP", theme.plainHTTP)
        }
    }

    public func hostLabel(_ h: Host) -> Line {
        var l = Line([theme.hostMarker(h.tls), Span(" "), Span(h.name, Style(modifiers: .bold)), Span("  "), hostStateLabel(h)])
        if h.controllers.count > 1 {
            l.append("  ")
            l.append(sym.conflict + " served by " + h.controllers.joined(separator: ", "), theme.conflict)
        }
        return l
    }

    public func providerBadge(_ p: Provider) -> Span { Span("[\(p.rawValue)]", theme.provider(p)) }

    public func matchText(_ r: Route) -> String {
        var s: String
        if !r.path.isEmpty {
            s = r.path + (r.pathType.isEmpty ? "" : " (\(r.pathType))")
        } else if !r.match.isEmpty {
            s = r.match
        } else {
            s = "(any path)"
        }
        if r.layer != "http" { s = r.layer.uppercased() + " " + s }
        return s
    }

    public func routeLabel(_ r: Route, showHosts: Bool = false) -> Line {
        var l = Line([providerBadge(r.provider), Span(" "), Span(r.controller, theme.dim), Span("  ")])
        if let env = r.environment { l.spans.insert(Span("[\(env)] ", theme.accent), at: 0) }
        if showHosts { l.append((r.hosts.first ?? "*") + (r.hosts.count > 1 ? " +\(r.hosts.count - 1)" : "") + " ") }
        l.append(matchText(r), Style(modifiers: .bold))
        l.append("  \(r.kind) \(r.namespace)/\(r.name)", theme.dim)
        if let w = worst(model.findingsByRoute[r.id]) {
            l.append("  ")
            l.append(theme.severitySymbol(w), theme.severity(w))
        }
        return l
    }

    public func backendIssue(_ b: RouteBackend) -> String {
        switch b.issue {
        case .serviceMissing?: return "Service not found"
        case .portMissing?: return "port \(b.port) not found on the Service"
        case .rejected(_, let reason)?: return reason
        case .referenceMissing?: return "\(b.kind) not found in the input"
        case nil: return "does not resolve"
        }
    }

    public func backendLabel(_ b: RouteBackend) -> Line {
        var what = "\(b.kind) \(b.display)"
        if let w = b.weight { what += "  weight \(w)" }
        if b.resolved {
            var l = Line([Span(sym.arrowRight + " ", theme.resolved), Span(what, theme.resolved)])
            if let via = b.via { l.append("  via \(via)", theme.dim) }
            return l
        }
        return Line([Span(sym.missing + " " + what, theme.missing), Span("  " + backendIssue(b), theme.missing)])
    }

    public func expiryText(_ c: CertificateInfo) -> Span? {
        guard let na = c.notAfter else { return nil }
        let days = Int(((na - model.estate.now) / 86400).rounded(.down))
        if days < 0 { return Span("expired \(UTCDate.day(na)) (\(-days) d ago)", theme.expired) }
        let s = "expires \(UTCDate.day(na)) (in \(days) d)"
        return Span(s, days < 30 ? theme.expiringSoon : theme.dim)
    }

    public func certificateName(_ c: CertificateInfo) -> String {
        "\(c.origin.rawValue) \(c.namespace)/\(c.name)"
    }

    public func certificateLabel(_ c: CertificateInfo) -> Line {
        var l = Line(certificateName(c), Style(modifiers: .bold))
        if let e = expiryText(c) { l.append("  "); l.append(e) }
        return l
    }

    public func candidateLabel(_ c: CoverageCandidate, host: String? = nil) -> Line {
        let mark = c.covers ? Span(sym.covered, theme.covered) : Span(sym.uncovered, theme.uncovered)
        var l = Line([mark, Span(" ")])
        if let host { l.append(host + "  ", Style(modifiers: .bold)) }
        if let id = c.certificate, let cert = g.certificate(id) {
            l.append(certificateName(cert), c.covers ? theme.covered : theme.uncovered)
            if host == nil, let e = expiryText(cert) { l.append("  "); l.append(e) }
        } else {
            // No certificate: the reason names the secret.
            l.append(c.reason, theme.uncovered)
            return l
        }
        l.append(" \(sym.dash) " + c.reason, c.covers ? theme.dim : theme.uncovered)
        return l
    }

    public func findingLabel(_ i: Int) -> Line {
        let f = findings[i]
        return Line([Span(theme.severitySymbol(f.severity) + " " + f.rule + ":", theme.severity(f.severity)), Span(" " + f.message)])
    }

    func findingNodes(_ idx: [Int], parent: String) -> [GraphNode] {
        idx.map { i in
            GraphNode(id: "\(parent)/finding:\(i)", label: findingLabel(i),
                      payload: GraphPayload(location: findings[i].source, target: NavTarget(.findings, ExplorerModel.findingKey(findings[i])),
                                            findings: [i]))
        }
    }

    func worst(_ idx: [Int]?) -> Severity? { idx?.map { findings[$0].severity }.max() }

    // MARK: Trees

    func backendNode(_ b: RouteBackend, parent: String, index: Int) -> GraphNode {
        let exists = b.kind == "Service" && g.service(b.namespace, b.name) != nil
        return GraphNode(id: "\(parent)/backend:\(index)", label: backendLabel(b),
                         payload: GraphPayload(location: b.source, target: exists ? NavTarget(.services, "\(b.namespace)/\(b.name)") : nil))
    }

    func candidateNode(_ c: CoverageCandidate, parent: String, index: Int, host: String? = nil) -> GraphNode {
        let cert = c.certificate.flatMap { g.certificate($0) }
        var children: [GraphNode] = []
        if let cert {
            let names = cert.dnsNames.isEmpty ? "(none)" : cert.dnsNames.joined(separator: ", ")
            children.append(GraphNode(id: "\(parent)/cand:\(index)/names", label: Line("names: " + names, theme.dim),
                                      payload: GraphPayload(location: cert.source)))
            if let issuer = cert.issuer {
                children.append(GraphNode(id: "\(parent)/cand:\(index)/issuer", label: Line("issuer: " + issuer, theme.dim),
                                          payload: GraphPayload(location: cert.source)))
            }
        }
        return GraphNode(id: "\(parent)/cand:\(index)", label: candidateLabel(c, host: host),
                         payload: GraphPayload(location: cert?.source ?? g.route(c.route)?.tls.secretSource,
                                               target: cert.map { NavTarget(.certificates, $0.id) },
                                               findings: cert.flatMap { model.findingsByCertificate[$0.id] } ?? []),
                         startsCollapsed: true, children: children)
    }

    /// A note for routes without terminated TLS (passthrough, plain HTTP); terminated TLS is shown with the host.
    func tlsNode(_ r: Route, parent: String) -> GraphNode? {
        if r.tls.enabled && r.tls.passthrough {
            return GraphNode(id: "\(parent)/tls", label: Line(sym.passthrough + " TLS passthrough (the backend terminates TLS)", theme.passthrough),
                             payload: GraphPayload(location: r.tls.secretSource ?? r.matchSource))
        }
        if !r.tls.enabled {
            return GraphNode(id: "\(parent)/tls", label: Line(sym.plainHTTP + " plain HTTP (no TLS on this route)", theme.plainHTTP),
                             payload: GraphPayload(location: r.matchSource))
        }
        return nil
    }

    func routeNode(_ r: Route, host: String?, parent: String, showHosts: Bool = false) -> GraphNode {
        let id = "\(parent)/route:\(r.id)"
        var children: [GraphNode] = []
        let fs = (model.findingsByRoute[r.id] ?? []).filter { host == nil || findings[$0].hosts.isEmpty || findings[$0].hosts.contains(host!) }
        children += findingNodes(fs, parent: id)
        for (i, b) in r.backends.enumerated() { children.append(backendNode(b, parent: id, index: i)) }
        if r.backends.isEmpty {
            children.append(GraphNode(id: "\(id)/nobackend", label: Line(sym.missing + " no backend", theme.missing),
                                      payload: GraphPayload(location: r.matchSource)))
        }
        if let t = tlsNode(r, parent: id) { children.append(t) }
        return GraphNode(id: id, label: routeLabel(r, showHosts: showHosts),
                         payload: GraphPayload(location: r.matchSource, target: NavTarget(.routes, r.id), findings: fs),
                         children: children)
    }

    public func hostTree(_ h: Host) -> GraphNode {
        let id = "host:\(h.name)"
        let all = model.findingsByHost[h.name] ?? []
        let routeIDs = Set(h.routes)
        let hostLevel = all.filter { Set(findings[$0].routes).isDisjoint(with: routeIDs) }
        var children = findingNodes(hostLevel, parent: id)
        for rid in h.routes { if let r = g.route(rid) { children.append(routeNode(r, host: h.name, parent: id)) } }
        if h.tls == .covered || h.tls == .uncovered || !h.candidates.isEmpty {
            let covering = h.candidates.filter(\.covers).count
            let n = h.candidates.count
            let text = covering == 0 ? " TLS: not covered (\(n) candidate\(n == 1 ? "" : "s"))"
                                     : " TLS: covered by \(covering) of \(n) candidate\(n == 1 ? "" : "s")"
            let title = Line([Span(covering == 0 ? sym.uncovered : sym.covered, covering == 0 ? theme.uncovered : theme.covered),
                              Span(text, covering == 0 ? theme.uncovered : theme.text)])
            let cands = h.candidates.enumerated().map { candidateNode($1, parent: id + "/tls", index: $0) }
            children.append(GraphNode(id: id + "/tls", label: title, payload: GraphPayload(location: firstSource(h)), children: cands))
        }
        return GraphNode(id: id, label: hostLabel(h),
                         payload: GraphPayload(location: firstSource(h), target: NavTarget(.hosts, h.name), findings: all),
                         children: children)
    }

    /// Where a host is first written.
    public func firstSource(_ h: Host) -> SourceLocation? {
        for rid in h.routes { if let r = g.route(rid) { return r.hostSources[h.name] ?? r.matchSource } }
        return nil
    }

    public func routeTree(_ r: Route) -> GraphNode {
        var node = routeNode(r, host: nil, parent: "", showHosts: false)
        var hostNodes: [GraphNode] = []
        for name in r.hosts {
            guard let h = g.host(name) else { continue }
            var cands = h.candidates.filter { $0.route == r.id }
            if cands.isEmpty && r.terminatesTLS { cands = h.candidates }
            let children = r.terminatesTLS ? cands.enumerated().map { candidateNode($1, parent: "host:\(name)", index: $0) } : []
            hostNodes.append(GraphNode(id: "host:\(name)", label: hostLabel(h),
                                       payload: GraphPayload(location: r.hostSources[name] ?? r.matchSource, target: NavTarget(.hosts, name),
                                                             findings: model.findingsByHost[name] ?? []),
                                       children: children))
        }
        node.children = hostNodes + node.children
        return node
    }

    public func serviceTree(_ s: ServiceInfo) -> GraphNode {
        let key = "\(s.namespace)/\(s.name)"
        let id = "service:\(key)"
        var label = Line([Span("Service ", theme.dim), Span(key, Style(modifiers: .bold)), Span("  \(s.type)", theme.dim)])
        if let e = s.externalName { label.append(" \(sym.arrowRight) \(e)", theme.dim) }
        var children: [GraphNode] = []
        let fs = model.findingsByResource[ExplorerModel.serviceRef(s)] ?? []
        children += findingNodes(fs, parent: id)
        for (i, p) in s.ports.enumerated() {
            var t = "port \(p.port)"
            if let n = p.name { t += " (\(n))" }
            if let tp = p.targetPort { t += " \(sym.arrowRight) \(tp)" }
            t += " \(p.protocolName)"
            children.append(GraphNode(id: "\(id)/port:\(i)", label: Line(t), payload: GraphPayload(location: s.source)))
        }
        if s.ports.isEmpty && s.type != "ExternalName" {
            children.append(GraphNode(id: "\(id)/noports", label: Line(sym.warning + " no ports", theme.warningStyle),
                                      payload: GraphPayload(location: s.source)))
        }
        let routes = model.routesByService[NamespacedName(s.namespace, s.name)] ?? []
        let routeNodes: [GraphNode] = routes.map { i in
            let r = g.routes[i]
            var n = routeNode(r, host: nil, parent: id, showHosts: true)
            n.startsCollapsed = true
            return n
        }
        children.append(GraphNode(id: "\(id)/routes", label: Line("Routes to it (\(routes.count))", routes.isEmpty ? theme.dim : Style(modifiers: .bold)),
                                  payload: GraphPayload(location: s.source), children: routeNodes))
        return GraphNode(id: id, label: label, payload: GraphPayload(location: s.source, target: NavTarget(.services, key), findings: fs),
                         children: children)
    }

    public func certificateTree(_ c: CertificateInfo) -> GraphNode {
        let id = "cert:\(c.id)"
        var children: [GraphNode] = []
        let fs = model.findingsByCertificate[c.id] ?? []
        children += findingNodes(fs, parent: id)
        let info: [(String, String)] = [
            ("names", c.dnsNames.isEmpty ? "(none)" : c.dnsNames.joined(separator: ", ")),
            ("common name", c.commonName ?? ""),
            ("ip addresses", c.ipAddresses.joined(separator: ", ")),
            ("issuer", c.issuer ?? ""),
            ("secret", c.secretName.map { "\(c.namespace)/\($0)" + (c.secretType.map { " (\($0))" } ?? "") } ?? ""),
            ("valid from", c.notBefore.map(UTCDate.day) ?? ""),
        ]
        for (k, v) in info where !v.isEmpty {
            children.append(GraphNode(id: "\(id)/\(k)", label: Line([Span(k + ": ", theme.dim), Span(v)]), payload: GraphPayload(location: c.source)))
        }
        if let e = expiryText(c) {
            children.append(GraphNode(id: "\(id)/expiry", label: Line([Span("valid until: ", theme.dim), e]), payload: GraphPayload(location: c.source)))
        }
        let cov = model.coverageByCertificate[c.id] ?? []
        let covers = cov.filter { $0.candidate.covers }, misses = cov.filter { !$0.candidate.covers }
        func hostNodes(_ list: [(host: String, candidate: CoverageCandidate)], _ tag: String) -> [GraphNode] {
            list.enumerated().map { i, e in
                GraphNode(id: "\(id)/\(tag):\(i)", label: candidateLabel(e.candidate, host: e.host),
                          payload: GraphPayload(location: g.route(e.candidate.route)?.tls.secretSource, target: NavTarget(.hosts, e.host)))
            }
        }
        children.append(GraphNode(id: "\(id)/covers", label: Line("Covers (\(covers.count))", covers.isEmpty ? theme.dim : theme.covered),
                                  payload: GraphPayload(location: c.source), children: hostNodes(covers, "covers")))
        if !misses.isEmpty {
            children.append(GraphNode(id: "\(id)/misses", label: Line("Named but not covering (\(misses.count))", theme.uncovered),
                                      payload: GraphPayload(location: c.source), children: hostNodes(misses, "misses")))
        }
        if cov.isEmpty && !model.graph.usedCertificates.contains(c.id) {
            children.append(GraphNode(id: "\(id)/unused", label: Line(sym.plainHTTP + " no route presents it", theme.dim),
                                      payload: GraphPayload(location: c.source)))
        }
        return GraphNode(id: id, label: certificateLabel(c), payload: GraphPayload(location: c.source, target: NavTarget(.certificates, c.id), findings: fs),
                         children: children)
    }

    public func findingTree(_ i: Int) -> GraphNode {
        let f = findings[i]
        let id = "finding:\(i)"
        var children: [GraphNode] = []
        children.append(GraphNode(id: id + "/msg", label: Line(f.message), payload: GraphPayload(location: f.source)))
        if let s = f.source {
            children.append(GraphNode(id: id + "/at", label: Line([Span("at ", theme.dim), Span(s.description)]), payload: GraphPayload(location: s)))
        }
        for h in f.hosts {
            let host = g.host(h)
            let label = host.map(hostLabel) ?? Line(h)
            children.append(GraphNode(id: id + "/host:\(h)", label: label,
                                      payload: GraphPayload(location: host.flatMap(firstSource), target: host != nil ? NavTarget(.hosts, h) : nil)))
        }
        for rid in f.routes {
            if let r = g.route(rid) {
                children.append(GraphNode(id: id + "/route:\(rid)", label: routeLabel(r, showHosts: true),
                                          payload: GraphPayload(location: r.matchSource, target: NavTarget(.routes, rid))))
            }
        }
        for cid in f.certificates {
            if let c = g.certificate(cid) {
                children.append(GraphNode(id: id + "/cert:\(cid)", label: certificateLabel(c),
                                          payload: GraphPayload(location: c.source, target: NavTarget(.certificates, cid))))
            }
        }
        for r in f.resources {
            let loc = model.graph.store.lookup(group: r.group, kind: r.kind, namespace: r.namespace, name: r.name)?.source
            children.append(GraphNode(id: id + "/res:\(r.display)", label: Line([Span("object ", theme.dim), Span(r.display)]),
                                      payload: GraphPayload(location: loc)))
        }
        let label = Line([Span(theme.severitySymbol(f.severity) + " " + f.severity.rawValue, theme.severity(f.severity)),
                          Span("  " + f.rule, Style(modifiers: .bold))])
        return GraphNode(id: id, label: label,
                         payload: GraphPayload(location: f.source, target: NavTarget(.findings, ExplorerModel.findingKey(f)), findings: [i]),
                         children: children)
    }

    /// Where a resource leads in the explorer (a route, a Service, a certificate), if anywhere.
    func target(of r: Resource) -> NavTarget? {
        if r.group.isEmpty && r.kind == "Service" { return NavTarget(.services, "\(r.namespace)/\(r.name)") }
        if let route = g.routes.first(where: { $0.resource == r.ref }) { return NavTarget(.routes, route.id) }
        if let c = g.certificates.first(where: { $0.resource == r.ref }) { return NavTarget(.certificates, c.id) }
        return nil
    }

    public func fileTree(_ row: FileRow, key: String) -> GraphNode {
        switch row {
        case .problem(let p):
            let loc = SourceLocation(file: p.file, line: max(1, p.line), column: max(1, p.column))
            return GraphNode(id: "problem:\(key)", label: Line([Span(sym.warning + " problem", theme.warningStyle), Span("  \(p.file):\(p.line)")]),
                             payload: GraphPayload(location: loc),
                             children: [GraphNode(id: "problem:\(key)/msg", label: Line(p.message), payload: GraphPayload(location: loc))])
        case .path(let p):
            return GraphNode(id: "file:\(p)", label: Line([Span(p, Style(modifiers: .bold)), Span("  not read", theme.warningStyle)]),
                             payload: GraphPayload())
        case .file(let i):
            let f = model.estate.inputs.files[i]
            let id = "file:\(f.path)"
            var children: [GraphNode] = []
            let resources = model.resourcesByFile[f.path] ?? []
            let numWidth = String(resources.map { model.estate.inputs.resources[$0].source.line }.max() ?? 0).count
            for ri in resources {
                let r = model.estate.inputs.resources[ri]
                let num = String(r.source.line)
                let label = Line([Span("L" + num + String(repeating: " ", count: numWidth - num.count + 2), theme.dim), Span(r.ref.display)])
                children.append(GraphNode(id: "\(id)/res:\(ri)", label: label, payload: GraphPayload(location: r.source, target: target(of: r))))
            }
            let probs = model.problems.filter { $0.file == f.path }
            for (j, p) in probs.enumerated() {
                let loc = SourceLocation(file: p.file, line: max(1, p.line), column: max(1, p.column))
                children.append(GraphNode(id: "\(id)/problem:\(j)", label: Line([Span(sym.warning + " L\(p.line) ", theme.warningStyle), Span(p.message)]),
                                          payload: GraphPayload(location: loc)))
            }
            let fs = model.findingsByFile[f.path] ?? []
            children += findingNodes(fs, parent: id)
            let label = Line([Span(f.path, Style(modifiers: .bold)),
                              Span("  \(f.documents) document\(f.documents == 1 ? "" : "s"), \(f.resources) object\(f.resources == 1 ? "" : "s"), \(f.bytes) bytes", theme.dim)])
            return GraphNode(id: id, label: label, payload: GraphPayload(location: SourceLocation(file: f.path, line: 1), findings: fs),
                             children: children)
        }
    }
}
