/// `-n/--namespace` and `--provider` filters: a view of the estate restricted to some routes.
/// Coverage and findings are computed on the whole estate first (a certificate in another namespace can
/// still cover a host); the filter only chooses what is shown.
public struct EstateFilter: Sendable, Hashable {
    public var namespaces: Set<String> = []
    public var providers: Set<Provider> = []
    public init(namespaces: Set<String> = [], providers: Set<Provider> = []) {
        self.namespaces = namespaces
        self.providers = providers
    }
    public var isEmpty: Bool { namespaces.isEmpty && providers.isEmpty }

    func keeps(_ r: Route) -> Bool {
        (namespaces.isEmpty || namespaces.contains(r.namespace)) && (providers.isEmpty || providers.contains(r.provider))
    }
}

extension Estate {
    public func filtered(_ f: EstateFilter) -> Estate {
        guard !f.isEmpty else { return self }
        if !environments.isEmpty {
            let envs = environments.map { EnvironmentEstate(environment: $0.environment, estate: $0.estate.filtered(f)) }
            return EnvironmentCombiner.combine(envs, inputs: inputs, now: now, nowIsFixed: nowIsFixed)
        }
        let g = graph
        let routes = g.routes.filter(f.keeps)
        let kept = Set(routes.map(\.id))
        var hosts: [Host] = []
        for var h in g.hosts {
            let rs = h.routes.filter { kept.contains($0) }
            guard !rs.isEmpty else { continue }
            let own = rs.compactMap { g.route($0) }
            h.routes = rs
            h.providers = Array(Set(own.map(\.provider))).sorted()
            h.controllers = Array(Set(own.flatMap(\.controllers))).sorted()
            hosts.append(h)
        }
        let hostNames = Set(hosts.map(\.name))
        let services = g.services.filter { f.namespaces.isEmpty || f.namespaces.contains($0.namespace) }
        let certs = g.certificates.filter { f.namespaces.isEmpty || f.namespaces.contains($0.namespace) }
        let resourceNS = { (fd: Finding) -> Bool in
            f.namespaces.isEmpty || fd.resources.contains { f.namespaces.contains($0.namespace) }
        }
        let findings = self.findings.filter { fd in
            if !fd.routes.isEmpty && fd.routes.contains(where: kept.contains) { return true }
            if !fd.hosts.isEmpty { return fd.hosts.contains(where: hostNames.contains) && resourceNS(fd) }
            return f.providers.isEmpty && resourceNS(fd)
        }
        let filteredGraph = RouteGraph(store: g.store, profile: g.profile, routes: routes, hosts: hosts, services: services,
                                       certificates: certs, findings: g.processorFindings, problems: g.problems,
                                       usedCertificates: g.usedCertificates, traefikStores: g.traefikStores)
        return Estate(inputs: inputs, graph: filteredGraph, findings: findings, now: now, nowIsFixed: nowIsFixed)
    }
}
