/// Joins the estates of several environments into one for the views: every id and host name that
/// views use as a key is qualified by its environment (`prod:shop.example.com`,
/// `prod:traefik/IngressRoute/shop/web#0.0`), so nothing of one environment meets another's.
public enum EnvironmentCombiner {
    public static func qualify(_ env: String, _ s: String) -> String { "\(env):\(s)" }

    public static func combine(_ envs: [EnvironmentEstate], inputs: LoadedInputs, now: Double, nowIsFixed: Bool) -> Estate {
        var routes: [Route] = [], hosts: [Host] = [], services: [ServiceInfo] = [], certificates: [CertificateInfo] = []
        var findings: [Finding] = [], processorFindings: [Finding] = []
        var problems = Set<Problem>()
        var used = Set<String>()
        var allInputs = inputs
        var inputProblems = Set(inputs.problems)
        for e in envs {
            let n = e.name
            let g = e.estate.graph
            for r in g.routes { routes.append(route(r, n)) }
            for h in g.hosts { hosts.append(host(h, n)) }
            for s in g.services {
                var q = s
                q.namespace = qualify(n, s.namespace)
                q.environment = n
                services.append(q)
            }
            for c in g.certificates { certificates.append(certificate(c, n)) }
            for f in e.estate.findings { findings.append(finding(f, n)) }
            for f in g.processorFindings { processorFindings.append(finding(f, n)) }
            for id in g.usedCertificates { used.insert(qualify(n, id)) }
            problems.formUnion(g.problems)
            inputProblems.formUnion(e.estate.inputs.problems)
        }
        allInputs.problems = inputProblems.sorted()
        routes.sort { $0.id < $1.id }
        hosts.sort { $0.name < $1.name }
        services.sort { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        certificates.sort { $0.id < $1.id }
        findings.sort(by: Finding.ordered)
        let profile = envs.first?.estate.graph.profile ?? ControllerProfile()
        let graph = RouteGraph(store: ResourceStore(allInputs), profile: profile, routes: routes, hosts: hosts, services: services,
                               certificates: certificates, findings: processorFindings, problems: problems.sorted(),
                               usedCertificates: used, traefikStores: [:])
        var estate = Estate(inputs: allInputs, graph: graph, findings: findings, now: now, nowIsFixed: nowIsFixed)
        estate.environments = envs
        return estate
    }

    static func route(_ r: Route, _ n: String) -> Route {
        var q = r
        q.id = qualify(n, r.id)
        q.hosts = r.hosts.map { qualify(n, $0) }
        q.hostSources = HostSources(r.hostSources.map { (key: qualify(n, $0.key), value: $0.value) })
        q.backends = r.backends.map { b in
            var c = b
            c.namespace = qualify(n, b.namespace)
            return c
        }
        q.environment = n
        return q
    }

    static func host(_ h: Host, _ n: String) -> Host {
        var q = h
        q.name = qualify(n, h.name)
        q.routes = h.routes.map { qualify(n, $0) }
        q.certificates = h.certificates.map { qualify(n, $0) }
        q.candidates = h.candidates.map { c in
            var x = c
            x.certificate = c.certificate.map { qualify(n, $0) }
            x.route = qualify(n, c.route)
            return x
        }
        q.environment = n
        return q
    }

    static func certificate(_ c: CertificateInfo, _ n: String) -> CertificateInfo {
        var q = c
        q.id = qualify(n, c.id)
        q.reflectedFrom = c.reflectedFrom.map { qualify(n, $0) }
        q.environment = n
        return q
    }

    static func finding(_ f: Finding, _ n: String) -> Finding {
        var q = f
        q.hosts = f.hosts.map { qualify(n, $0) }
        q.routes = f.routes.map { qualify(n, $0) }
        q.certificates = f.certificates.map { qualify(n, $0) }
        q.environment = n
        return q
    }
}
