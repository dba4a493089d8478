/// What changes for users between two estates (`portolan diff BASE HEAD`): hosts added and removed, routes
/// whose backend, path, controller or TLS change, coverage changes, findings introduced and fixed.
public struct EstateDiff: Sendable {
    /// A route as the diff shows it.
    public struct RouteSummary: Sendable, Hashable {
        public var id: String
        public var resource: String
        public var hosts: [String]
        public var path: String
        public var pathType: String
        public var match: String
        public var controllers: [String]
        public var backends: [String]
        public var tls: String
        public var middlewares: [String]
        public var entryPoints: [String]
        public var priority: Int?
        public var source: SourceLocation

        init(_ r: Route) {
            id = r.id
            resource = "\(r.kind) \(r.namespace)/\(r.name)"
            hosts = r.hosts
            path = r.path
            pathType = r.pathType
            match = r.match
            controllers = r.controllers
            backends = r.backends.map { b in
                var s = b.kind == "Service" || b.kind.isEmpty ? b.display : "\(b.kind) \(b.display)"
                if let w = b.weight { s += " (weight \(w))" }
                return s
            }
            tls = EstateDiff.describeTLS(r.tls)
            middlewares = r.middlewares
            entryPoints = r.entryPoints
            priority = r.priority
            source = r.matchSource
        }
    }

    public struct FieldChange: Sendable, Hashable {
        /// `backend`, `path`, `controller`, `tls`, `hosts`, `match`, `middlewares`, `entry points`, `priority`.
        public var field: String
        public var old: String
        public var new: String
    }

    public struct RouteChange: Sendable {
        public var base: RouteSummary
        public var head: RouteSummary
        public var changes: [FieldChange]
    }

    public struct CoverageChange: Sendable, Hashable {
        public var host: String
        public var oldTLS: HostTLS
        public var newTLS: HostTLS
        public var oldCertificates: [String]
        public var newCertificates: [String]
        /// covered → uncovered, or a TLS host that lost TLS.
        public var isRegression: Bool {
            (oldTLS == .covered && newTLS == .uncovered) || (oldTLS != .none && newTLS == .none)
        }
    }

    public var hostsAdded: [String] = []
    public var hostsRemoved: [String] = []
    public var routesAdded: [RouteSummary] = []
    public var routesRemoved: [RouteSummary] = []
    public var routesChanged: [RouteChange] = []
    public var coverage: [CoverageChange] = []
    public var findingsIntroduced: [Finding] = []
    public var findingsFixed: [Finding] = []

    public var isEmpty: Bool {
        hostsAdded.isEmpty && hostsRemoved.isEmpty && routesAdded.isEmpty && routesRemoved.isEmpty && routesChanged.isEmpty
            && coverage.isEmpty && findingsIntroduced.isEmpty && findingsFixed.isEmpty
    }

    public static func describeTLS(_ t: RouteTLS) -> String {
        guard t.enabled else { return "none" }
        if t.passthrough { return "passthrough" }
        var parts: [String] = []
        if let s = t.secret { parts.append("secret \(s.description)") }
        if let r = t.resolver { parts.append("certResolver \(r)") }
        return parts.isEmpty ? "terminated (default certificate)" : "terminated, " + parts.joined(separator: ", ")
    }

    /// The identity of a finding across trees: rule, resources and hosts (never lines or file paths).
    public static func findingKey(_ f: Finding) -> String {
        f.rule + "|" + f.resources.map(\.display).sorted().joined(separator: ",") + "|" + f.hosts.sorted().joined(separator: ",")
    }

    /// Compares two estates.
    public static func compare(_ base: Estate, _ head: Estate) -> EstateDiff {
        var d = EstateDiff()
        let bg = base.graph, hg = head.graph
        let baseHosts = Set(bg.hosts.map(\.name)), headHosts = Set(hg.hosts.map(\.name))
        d.hostsAdded = headHosts.subtracting(baseHosts).sorted()
        d.hostsRemoved = baseHosts.subtracting(headHosts).sorted()

        // Routes: first by what they match (so an inserted path does not renumber every route after it),
        // then by id (a path or match that changed), the rest are added or removed.
        func signature(_ r: Route) -> String {
            [r.resource.display, r.hosts.sorted().joined(separator: ","), r.pathType, r.path, r.match, r.parent ?? "", r.layer]
                .joined(separator: "|")
        }
        var headBySignature: [String: [Int]] = [:]
        for (i, r) in hg.routes.enumerated() { headBySignature[signature(r), default: []].append(i) }
        var pairedHead = Set<Int>()
        var pairs: [(Int, Int)] = []
        var unpairedBase: [Int] = []
        for (i, r) in bg.routes.enumerated() {
            let sig = signature(r)
            if var list = headBySignature[sig], !list.isEmpty {
                let j = list.removeFirst()
                headBySignature[sig] = list
                pairs.append((i, j))
                pairedHead.insert(j)
            } else {
                unpairedBase.append(i)
            }
        }
        var headByID: [String: Int] = [:]
        for (j, r) in hg.routes.enumerated() where !pairedHead.contains(j) { headByID[r.id] = j }
        var removed: [Int] = []
        for i in unpairedBase {
            if let j = headByID[bg.routes[i].id], !pairedHead.contains(j) {
                pairs.append((i, j))
                pairedHead.insert(j)
            } else {
                removed.append(i)
            }
        }
        d.routesRemoved = removed.map { RouteSummary(bg.routes[$0]) }
        d.routesAdded = hg.routes.indices.filter { !pairedHead.contains($0) }.map { RouteSummary(hg.routes[$0]) }
        for (i, j) in pairs {
            let a = RouteSummary(bg.routes[i]), b = RouteSummary(hg.routes[j])
            let changes = fieldChanges(a, b)
            if !changes.isEmpty { d.routesChanged.append(RouteChange(base: a, head: b, changes: changes)) }
        }
        d.routesChanged.sort { $0.head.id < $1.head.id }

        // Coverage of hosts present in both.
        for h in hg.hosts {
            guard let old = bg.host(h.name) else { continue }
            if old.tls != h.tls || old.certificates != h.certificates {
                d.coverage.append(CoverageChange(host: h.name, oldTLS: old.tls, newTLS: h.tls,
                                                 oldCertificates: old.certificates, newCertificates: h.certificates))
            }
        }

        // Findings, as multisets keyed by rule, resources and hosts.
        d.findingsIntroduced = multisetDifference(head.findings, base.findings)
        d.findingsFixed = multisetDifference(base.findings, head.findings)
        return d
    }

    /// Findings of `a` that `b` does not have (counting duplicates).
    static func multisetDifference(_ a: [Finding], _ b: [Finding]) -> [Finding] {
        var counts: [String: Int] = [:]
        for f in b { counts[findingKey(f), default: 0] += 1 }
        var out: [Finding] = []
        for f in a {
            let k = findingKey(f)
            if let n = counts[k], n > 0 { counts[k] = n - 1 } else { out.append(f) }
        }
        return out
    }

    static func fieldChanges(_ a: RouteSummary, _ b: RouteSummary) -> [FieldChange] {
        var out: [FieldChange] = []
        func list(_ xs: [String]) -> String { xs.isEmpty ? "none" : xs.joined(separator: ", ") }
        if a.hosts != b.hosts { out.append(FieldChange(field: "hosts", old: list(a.hosts), new: list(b.hosts))) }
        if a.path != b.path || a.pathType != b.pathType {
            out.append(FieldChange(field: "path", old: "\(a.pathType) \(a.path)", new: "\(b.pathType) \(b.path)"))
        } else if a.match != b.match {
            out.append(FieldChange(field: "match", old: a.match, new: b.match))
        }
        if a.backends != b.backends { out.append(FieldChange(field: "backend", old: list(a.backends), new: list(b.backends))) }
        if a.controllers != b.controllers { out.append(FieldChange(field: "controller", old: list(a.controllers), new: list(b.controllers))) }
        if a.tls != b.tls { out.append(FieldChange(field: "tls", old: a.tls, new: b.tls)) }
        if a.middlewares != b.middlewares { out.append(FieldChange(field: "middlewares", old: list(a.middlewares), new: list(b.middlewares))) }
        if a.entryPoints != b.entryPoints { out.append(FieldChange(field: "entry points", old: list(a.entryPoints), new: list(b.entryPoints))) }
        if a.priority != b.priority {
            out.append(FieldChange(field: "priority", old: a.priority.map(String.init) ?? "default", new: b.priority.map(String.init) ?? "default"))
        }
        return out
    }
}
