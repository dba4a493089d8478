import PortolanCore

/// What the human-readable formats (Markdown, HTML, DOT, Mermaid, JUnit, CSV) share: host status, symbols,
/// provider colours, certificate expiry and the four-layer picture of the route graph. Everything is derived
/// from the `Estate` and sorted, so every format is deterministic.
struct ReportFacts {
    let estate: Estate
    let graph: RouteGraph
    /// Hosts named by a `host-provider-conflict` or `host-route-conflict` finding.
    let conflicts: Set<String>
    /// Worst finding per host, route id and certificate id.
    let hostSeverity: [String: Severity]
    let routeSeverity: [String: Severity]
    let certificateSeverity: [String: Severity]
    /// Certificates with a `certificate-expiring` finding.
    let expiring: Set<String>

    init(_ e: Estate) {
        estate = e
        graph = e.graph
        var conflicts = Set<String>(), hs: [String: Severity] = [:], rs: [String: Severity] = [:], cs: [String: Severity] = [:]
        var expiring = Set<String>()
        for f in e.findings {
            if f.rule == "host-provider-conflict" || f.rule == "host-route-conflict" { conflicts.formUnion(f.hosts) }
            for h in f.hosts { hs[h] = max(hs[h] ?? f.severity, f.severity) }
            for r in f.routes { rs[r] = max(rs[r] ?? f.severity, f.severity) }
            if f.rule.hasPrefix("certificate-") {
                for c in f.certificates { cs[c] = max(cs[c] ?? f.severity, f.severity) }
            }
            if f.rule == "certificate-expiring" { expiring.formUnion(f.certificates) }
        }
        self.conflicts = conflicts; hostSeverity = hs; routeSeverity = rs; certificateSeverity = cs; self.expiring = expiring
    }

    // MARK: Hosts

    static func tlsSymbol(_ t: HostTLS) -> String {
        switch t {
        case .covered: return "✔"
        case .uncovered: return "✘"
        case .passthrough: return "⇄"
        case .none: return "○"
        }
    }

    static func tlsLabel(_ t: HostTLS) -> String {
        switch t {
        case .covered: return "covered"
        case .uncovered: return "uncovered"
        case .passthrough: return "passthrough"
        case .none: return "plain HTTP"
        }
    }

    /// `✔`, `✘ ⚠`...: the TLS symbol, then ⚠ when the host is in conflict.
    func symbols(_ h: Host) -> String {
        Self.tlsSymbol(h.tls) + (conflicts.contains(h.name) ? " ⚠" : "")
    }

    /// `covered`, `uncovered, conflict`...
    func statusLabel(_ h: Host) -> String {
        Self.tlsLabel(h.tls) + (conflicts.contains(h.name) ? ", conflict" : "")
    }

    /// Red in pictures: not covered or in conflict.
    func isProblem(_ h: Host) -> Bool { h.tls == .uncovered || conflicts.contains(h.name) }

    /// A status key for filtering: `uncovered`, `conflict`, `covered`, `passthrough`, `none`.
    func statusKey(_ h: Host) -> String {
        if h.tls == .uncovered { return "uncovered" }
        if conflicts.contains(h.name) { return "conflict" }
        return h.tls.rawValue
    }

    func routes(of h: Host) -> [Route] { h.routes.compactMap { graph.route($0) } }

    /// Every backend of the host's routes, once, sorted.
    func backends(of h: Host) -> [Backend] {
        var seen = Set<String>(), out: [Backend] = []
        for r in routes(of: h) {
            for b in r.backends where seen.insert(b.kind + "|" + b.display).inserted { out.append(b) }
        }
        return out.sorted { ($0.display, $0.kind) < ($1.display, $1.kind) }
    }

    /// Providers concerned by a finding: those of its routes and of its hosts.
    func providers(of f: Finding) -> [Provider] {
        var p = Set<Provider>()
        for r in f.routes { if let route = graph.route(r) { p.insert(route.provider) } }
        for h in f.hosts { if let host = graph.host(h) { p.formUnion(host.providers) } }
        return p.sorted()
    }

    // MARK: Certificates

    enum Expiry { case unknown, valid, expiring, expired }

    func daysLeft(_ c: CertificateInfo) -> Int? {
        c.notAfter.map { Int((($0 - estate.now) / 86400).rounded(.down)) }
    }

    func expiry(_ c: CertificateInfo) -> Expiry {
        guard let na = c.notAfter else { return .unknown }
        if na <= estate.now { return .expired }
        return expiring.contains(c.id) ? .expiring : .valid
    }

    /// `expires 2026-06-11 (10 days)`, `expired 2026-05-01 (31 days ago)`, `expiry unknown` (not issued yet).
    func expiryText(_ c: CertificateInfo) -> String {
        guard let na = c.notAfter, let d = daysLeft(c) else { return "expiry unknown" }
        if na <= estate.now {
            let ago = -d
            return "expired \(UTCDate.day(na)) (\(ago) day\(ago == 1 ? "" : "s") ago)"
        }
        return "expires \(UTCDate.day(na)) (\(d) day\(d == 1 ? "" : "s"))"
    }

    /// For pictures: `expires 2026-06-11 (10 d)`, `expired 2026-05-01`, or the issuer when not issued yet.
    func shortExpiry(_ c: CertificateInfo) -> String {
        guard let na = c.notAfter, let d = daysLeft(c) else { return c.issuer ?? "expiry unknown" }
        return na <= estate.now ? "expired \(UTCDate.day(na))" : "expires \(UTCDate.day(na)) (\(d) d)"
    }

    // MARK: Providers

    /// One colour per provider, used by every picture (HTML, DOT, Mermaid).
    static func color(_ p: Provider) -> String {
        switch p {
        case .ingress: return "#2f6fdb"
        case .traefik: return "#0e9bb0"
        case .contour: return "#8a4fd0"
        case .gatewayAPI: return "#23955f"
        }
    }

    static let red = "#d33b3b"
    static let amber = "#c77d0a"
    static let grey = "#8a94a3"
}

/// The route graph as four layers of nodes (hosts → routes → services → certificates) and the edges between
/// them, for pictures. Missing Services and secrets that nothing produces are nodes too, marked missing.
struct GraphPicture {
    enum Layer: Int, CaseIterable {
        case host, route, service, certificate
        var title: String {
            switch self {
            case .host: return "Hosts"
            case .route: return "Routes"
            case .service: return "Services"
            case .certificate: return "Certificates"
            }
        }
    }

    struct Node {
        var key: String
        var layer: Layer
        /// First line: the name.
        var title: String
        /// Second line: kind, path, ports, expiry...
        var detail: String
        var namespace: String
        var provider: Provider?
        /// Red: uncovered host, conflict, missing or rejected backend, missing secret, expired certificate.
        var problem = false
        /// Amber: a warning finding, an expiring certificate.
        var warning = false
        var missing = false
        /// Host status symbols (hosts only).
        var symbol = ""
        /// Indices (into `graph.hosts`) of the hosts whose paths go through this node.
        var hosts: [Int] = []
    }

    struct Edge: Hashable {
        var from: Int
        var to: Int
        var problem: Bool
        var provider: Provider?
        /// Certificate edges are dashed.
        var dashed: Bool
        var hosts: [Int]
    }

    var nodes: [Node] = []
    var edges: [Edge] = []

    func nodes(in layer: Layer) -> [Int] { nodes.indices.filter { nodes[$0].layer == layer } }

    /// The picture of `routes` (default: every route) with their hosts, backends and certificates.
    init(_ facts: ReportFacts, routes subset: [Route]? = nil) {
        let g = facts.graph
        let routes = subset ?? g.routes
        var index: [String: Int] = [:]
        var edgeSet = Set<Edge>()
        var hostSets: [Int: Set<Int>] = [:]

        func node(_ n: Node) -> Int {
            if let i = index[n.key] { return i }
            nodes.append(n)
            index[n.key] = nodes.count - 1
            return nodes.count - 1
        }
        func mark(_ i: Int, _ hosts: [Int]) { hostSets[i, default: []].formUnion(hosts) }

        let routeIDs = Set(routes.map(\.id))
        var hostsOfRoute: [String: [Int]] = [:]
        for (hi, h) in g.hosts.enumerated() {
            for r in h.routes where routeIDs.contains(r) { hostsOfRoute[r, default: []].append(hi) }
        }

        for r in routes {
            let hostIdx = hostsOfRoute[r.id] ?? []
            var rn = Node(key: "route:" + r.id, layer: .route, title: "\(r.kind) \(r.namespace)/\(r.name)",
                          detail: Self.routeDetail(r), namespace: r.namespace, provider: r.provider)
            let sev = facts.routeSeverity[r.id]
            rn.problem = sev == .error || r.backends.contains { !$0.resolved }
            rn.warning = sev == .warning
            let ri = node(rn)
            mark(ri, hostIdx)
            for hi in hostIdx {
                let h = g.hosts[hi]
                var hn = Node(key: "host:" + h.name, layer: .host, title: h.name,
                              detail: h.providers.map(\.rawValue).joined(separator: ", ") + " · " + facts.statusLabel(h),
                              namespace: "", provider: h.providers.count == 1 ? h.providers[0] : nil)
                hn.problem = facts.isProblem(h) || facts.hostSeverity[h.name] == .error
                hn.warning = facts.hostSeverity[h.name] == .warning
                hn.symbol = facts.symbols(h)
                let hni = node(hn)
                mark(hni, [hi])
                edgeSet.insert(Edge(from: hni, to: ri, problem: facts.isProblem(h), provider: r.provider, dashed: false, hosts: [hi]))
            }
            for b in r.backends {
                let isService = b.kind == "Service"
                let key = "service:" + (isService ? "" : b.kind + "/") + b.namespace + "/" + b.name
                var sn = Node(key: key, layer: .service, title: "\(b.namespace)/\(b.name)", detail: "", namespace: b.namespace)
                if let svc = isService ? g.service(b.namespace, b.name) : nil {
                    sn.detail = (svc.type == "ClusterIP" || svc.type.isEmpty ? "Service" : svc.type) + " " +
                        svc.ports.map { p in p.name.map { "\($0):\(p.port)" } ?? String(p.port) }.joined(separator: ", ")
                } else {
                    sn.detail = isService ? "Service not in the input" : b.kind
                    sn.missing = b.issue == .serviceMissing || b.issue == .referenceMissing
                    sn.problem = sn.missing
                }
                let si = node(sn)
                if sn.problem { nodes[si].problem = true; nodes[si].missing = nodes[si].missing || sn.missing }
                mark(si, hostIdx)
                edgeSet.insert(Edge(from: ri, to: si, problem: !b.resolved, provider: r.provider, dashed: false, hosts: hostIdx))
            }
        }

        // Certificate edges: every candidate a route brought in, red when it covers none of the route's hosts.
        var certEdges: [String: (route: Int, target: Int, covers: Bool, hosts: Set<Int>)] = [:]
        for (hi, h) in g.hosts.enumerated() {
            for c in h.candidates where routeIDs.contains(c.route) {
                guard let ri = index["route:" + c.route] else { continue }
                let target: Int
                if let id = c.certificate, let cert = g.certificate(id) {
                    var cn = Node(key: "cert:" + id, layer: .certificate, title: "\(cert.namespace)/\(cert.name)",
                                  detail: cert.origin.rawValue + " · " + facts.shortExpiry(cert),
                                  namespace: cert.namespace)
                    let e = facts.expiry(cert)
                    cn.problem = e == .expired || facts.certificateSeverity[id] == .error
                    cn.warning = e == .expiring || facts.certificateSeverity[id] == .warning
                    target = node(cn)
                } else if let id = c.certificate {
                    // A certificate outside a filtered view (-n/--provider): shown, not judged.
                    target = node(Node(key: "cert:" + id, layer: .certificate, title: id, detail: "outside this view", namespace: ""))
                } else if let s = c.secret {
                    var cn = Node(key: "secret:" + s.description, layer: .certificate, title: s.description,
                                  detail: c.certificate == nil ? "secret produced by nothing" : "secret", namespace: s.namespace)
                    cn.missing = c.certificate == nil
                    cn.problem = true
                    target = node(cn)
                } else {
                    continue
                }
                mark(target, [hi])
                let k = c.route + "|" + nodes[target].key
                var entry = certEdges[k] ?? (ri, target, false, [])
                entry.covers = entry.covers || c.covers
                entry.hosts.insert(hi)
                certEdges[k] = entry
            }
        }
        for k in certEdges.keys.sorted() {
            let e = certEdges[k]!
            edgeSet.insert(Edge(from: e.route, to: e.target, problem: !e.covers, provider: nil, dashed: true, hosts: e.hosts.sorted()))
        }

        for (i, s) in hostSets { nodes[i].hosts = s.sorted() }

        // Canonical order: by layer, then key; edges by their ends.
        let order = nodes.indices.sorted {
            (nodes[$0].layer.rawValue, nodes[$0].key) < (nodes[$1].layer.rawValue, nodes[$1].key)
        }
        var remap = [Int](repeating: 0, count: nodes.count)
        for (new, old) in order.enumerated() { remap[old] = new }
        nodes = order.map { nodes[$0] }
        var merged: [String: Edge] = [:]
        for var e in edgeSet {
            e.from = remap[e.from]; e.to = remap[e.to]
            let k = "\(e.from)|\(e.to)|\(e.dashed)"
            if var m = merged[k] {
                m.problem = m.problem || e.problem
                m.hosts = Array(Set(m.hosts + e.hosts)).sorted()
                merged[k] = m
            } else {
                merged[k] = e
            }
        }
        edges = merged.values.sorted { ($0.from, $0.to, $0.dashed ? 1 : 0) < ($1.from, $1.to, $1.dashed ? 1 : 0) }
    }

    static func routeDetail(_ r: Route) -> String {
        var s = r.layer == "http" || r.layer.isEmpty ? r.path : "\(r.layer) \(r.path)"
        if r.path.isEmpty { s = r.layer }
        if r.tls.passthrough { s += " · passthrough" } else if r.tls.enabled { s += " · TLS" }
        s += " · " + r.controller
        return s
    }

    /// Layout for a column picture: the order of the nodes in each layer, chosen to avoid crossings where it is
    /// cheap (hosts by namespace and name, then each layer by the mean position of its neighbours).
    func columnOrder() -> [[Int]] {
        var neighbours = [[Int]](repeating: [], count: nodes.count)
        for e in edges {
            neighbours[e.from].append(e.to)
            neighbours[e.to].append(e.from)
        }
        var position = [Double](repeating: 0, count: nodes.count)
        func barycentre(_ i: Int, from layers: Set<Layer>) -> Double? {
            let ps = neighbours[i].filter { layers.contains(nodes[$0].layer) }.map { position[$0] }
            return ps.isEmpty ? nil : ps.reduce(0, +) / Double(ps.count)
        }
        func place(_ list: [Int]) { for (k, i) in list.enumerated() { position[i] = Double(k) } }

        // Hosts: by the first namespace of their routes, then by name.
        var hosts = nodes(in: .host)
        let firstNamespace: [Int: String] = Dictionary(uniqueKeysWithValues: hosts.map { h in
            (h, neighbours[h].filter { nodes[$0].layer == .route }.map { nodes[$0].namespace }.min() ?? "")
        })
        hosts.sort { (firstNamespace[$0]!, nodes[$0].key) < (firstNamespace[$1]!, nodes[$1].key) }
        place(hosts)
        func sortByBarycentre(_ list: [Int], from layers: Set<Layer>) -> [Int] {
            let b = Dictionary(uniqueKeysWithValues: list.map { ($0, barycentre($0, from: layers) ?? Double.greatestFiniteMagnitude) })
            return list.sorted { (b[$0]!, nodes[$0].namespace, nodes[$0].key) < (b[$1]!, nodes[$1].namespace, nodes[$1].key) }
        }
        let routes = sortByBarycentre(nodes(in: .route), from: [.host])
        place(routes)
        let services = sortByBarycentre(nodes(in: .service), from: [.route])
        let certificates = sortByBarycentre(nodes(in: .certificate), from: [.route])
        place(services); place(certificates)
        return [hosts, routes, services, certificates]
    }
}
