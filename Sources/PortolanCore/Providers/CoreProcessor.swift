/// Services (ports by number and name) and TLS Secrets (parsed certificate metadata).
struct CoreProcessor: GraphProcessor {
    /// Which half to run (the graph builder runs Services and Secrets side by side).
    enum Part { case all, services, secrets }
    var part = Part.all

    func run(_ b: GraphBuilder) {
        if part != .secrets { runServices(b) }
        if part != .services { runSecrets(b) }
    }

    func runServices(_ b: GraphBuilder) {
        let services = b.store.all("Service", groups: [""])
        b.services.reserveCapacity(b.services.count + services.count)
        services.forEachPrefetching { r in
            guard let spec = r.spec else {
                b.services[r.namespacedName] = ServiceInfo(namespace: r.namespace, name: r.name, type: "ClusterIP",
                                                           externalName: nil, ports: [], source: r.source)
                return
            }
            var ports: [ServicePort] = []
            for p in spec["ports"]?.items ?? [] {
                guard let n = p["port"]?.int else {
                    b.problem(r.at(p), "Service \(r.namespace)/\(r.name): a port without a valid `port` number is ignored")
                    continue
                }
                ports.append(ServicePort(name: p["name"]?.string, port: n, targetPort: p["targetPort"]?.string,
                                         protocolName: p["protocol"]?.string ?? "TCP"))
            }
            b.services[r.namespacedName] = ServiceInfo(namespace: r.namespace, name: r.name,
                                                       type: spec["type"]?.string ?? "ClusterIP",
                                                       externalName: spec["externalName"]?.string, ports: ports, source: r.source)
        }
    }

    func runSecrets(_ b: GraphBuilder) {
        for r in b.store.all("Secret", groups: [""]) {
            guard let s = r.secret, s.hasTLSCrt, let leaf = s.certificates.first else { continue }
            var c = CertificateInfo(origin: .secret, namespace: r.namespace, name: r.name, secretName: r.name,
                                    dnsNames: leaf.dnsNames, source: r.source, resource: r.ref)
            c.ipAddresses = leaf.ipAddresses
            c.commonName = leaf.subjectCommonName
            c.notBefore = leaf.notBefore
            c.notAfter = leaf.notAfter
            c.issuer = leaf.issuer
            c.secretType = s.type
            b.add(c)
        }
    }
}
