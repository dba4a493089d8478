/// cert-manager: Certificates, and the certificates that ingress-shim and gateway-shim will create
/// from annotations (kinds.md §6.4–§6.6). Issuers are read by the analysis.
struct CertManagerProcessor: GraphProcessor {
    static let groups: Set<String> = ["cert-manager.io", "certmanager.k8s.io"]
    static let issuerAnnotations = ["cert-manager.io/issuer", "cert-manager.io/cluster-issuer"]

    /// Which half to run (the graph builder runs the two side by side; their output is merged in this order).
    enum Part { case all, certificates, shims }
    var part = Part.all

    func run(_ b: GraphBuilder) {
        if part != .shims {
            b.store.all("Certificate", groups: Self.groups).forEachPrefetching { certificate($0, b) }
        }
        guard part != .certificates else { return }
        b.store.all("Ingress", groups: IngressProcessor.groups).forEachPrefetching { ingressShim($0, b) }
        if b.profile.certManager.gatewayAPI {
            for gw in b.store.all("Gateway", groups: ["gateway.networking.k8s.io"]) { gatewayShim(gw, b) }
            for ls in b.store.all("ListenerSet", groups: ["gateway.networking.k8s.io"]) { gatewayShim(ls, b) }
            for ls in b.store.all("XListenerSet", groups: ["gateway.networking.x-k8s.io"]) { gatewayShim(ls, b) }
        }
    }

    func certificate(_ r: Resource, _ b: GraphBuilder) {
        guard let spec = r.spec else {
            b.problem(r.source, "Certificate \(r.namespace)/\(r.name) has no spec; ignored")
            return
        }
        guard let secret = spec["secretName"]?.string else {
            b.problem(r.at(spec), "Certificate \(r.namespace)/\(r.name) has no spec.secretName; it produces no secret")
            return
        }
        var c = CertificateInfo(origin: .certificate, namespace: r.namespace, name: r.name, secretName: secret,
                                dnsNames: spec["dnsNames"]?.strings ?? [], source: r.source, resource: r.ref)
        c.ipAddresses = spec["ipAddresses"]?.strings ?? []
        c.commonName = spec["commonName"]?.string
        if let ref = spec["issuerRef"] {
            let kind = ref["kind"]?.string ?? "Issuer"
            let name = ref["name"]?.string ?? ""
            c.issuerKind = kind
            c.issuerName = name
            c.issuerGroup = ref["group"]?.string ?? "cert-manager.io"
            c.issuer = "\(kind)/\(name)"
        }
        b.add(c)
    }

    /// The issuer named by shim annotations: (kind, name, group), or nil.
    static func shimIssuer(_ r: Resource, profile: ControllerProfile, allowTLSACME: Bool) -> (kind: String, name: String, group: String)? {
        // Looked up in the annotations node (no dictionary of every annotation is built).
        let ann = r.node?["metadata", "annotations"]
        func a(_ key: String) -> String? { ann?[key]?.scalarText }
        let group = a("cert-manager.io/issuer-group") ?? "cert-manager.io"
        if let n = a("cert-manager.io/cluster-issuer"), !n.isEmpty { return ("ClusterIssuer", n, group) }
        if let n = a("cert-manager.io/issuer"), !n.isEmpty {
            return (a("cert-manager.io/issuer-kind") ?? "Issuer", n, group)
        }
        if allowTLSACME, a("kubernetes.io/tls-acme")?.lowercased() == "true", let d = profile.certManager.defaultIssuer {
            return (profile.certManager.defaultIssuerKind, d, "cert-manager.io")
        }
        return nil
    }

    /// ingress-shim: one Certificate per `spec.tls[]` entry, named after its secret.
    func ingressShim(_ ing: Resource, _ b: GraphBuilder) {
        let wantsACME = ing.annotation("kubernetes.io/tls-acme")?.lowercased() == "true"
        guard let issuer = Self.shimIssuer(ing, profile: b.profile, allowTLSACME: true) else {
            if wantsACME {
                let n = ing.node?["metadata", "annotations", "kubernetes.io/tls-acme"]
                b.report(Finding(rule: "certificate-unissuable", severity: .warning,
                    message: "Ingress \(ing.namespace)/\(ing.name) asks cert-manager for certificates with kubernetes.io/tls-acme, which works only when cert-manager has a default issuer (none in the controller profile)",
                    hosts: ingressHosts(ing), resources: [ing.ref], source: ing.at(n)))
            }
            return
        }
        let entries = ing.spec?["tls"]?.items ?? []
        var secrets: [String: Int] = [:]
        for e in entries { if let s = e["secretName"]?.string { secrets[s, default: 0] += 1 } }
        if let dup = secrets.first(where: { $0.value > 1 })?.key {
            let at = entries.first { $0["secretName"]?.string == dup }.map { ing.at($0["secretName"]) } ?? ing.source
            b.report(Finding(rule: "certificate-unissuable", severity: .error,
                message: "Ingress \(ing.namespace)/\(ing.name) uses secret \(dup) in two tls entries: cert-manager rejects the whole Ingress and issues no certificate",
                hosts: ingressHosts(ing), resources: [ing.ref], source: at))
            return
        }
        for e in entries {
            let hosts = e["hosts"]?.strings ?? []
            guard let secret = e["secretName"]?.string, !hosts.isEmpty else {
                b.problem(ing.at(e), "Ingress \(ing.namespace)/\(ing.name): cert-manager skips a tls entry without hosts or secretName")
                continue
            }
            var names: [String] = [], ips: [String] = []
            for h in hosts {
                if isIPLiteral(h) { if !ips.contains(h) { ips.append(h) } }
                else if !names.contains(h) { names.append(h) }
            }
            var c = CertificateInfo(origin: .ingressShim, namespace: ing.namespace, name: secret, secretName: secret,
                                    dnsNames: names, source: ing.at(e), resource: ing.ref)
            c.ipAddresses = ips
            c.issuerKind = issuer.kind
            c.issuerName = issuer.name
            c.issuerGroup = issuer.group
            c.issuer = "\(issuer.kind)/\(issuer.name)"
            b.add(c)
        }
    }

    /// gateway-shim: one Certificate per referenced Secret, covering the hostnames of every qualifying listener.
    func gatewayShim(_ gw: Resource, _ b: GraphBuilder) {
        guard let issuer = Self.shimIssuer(gw, profile: b.profile, allowTLSACME: false) else { return }
        let ignored = Set((gw.annotation("cert-manager.io/ignore-tls-listeners") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) })
        var bySecret: [String: (names: [String], at: SourceLocation)] = [:]
        var order: [String] = []
        for l in gw.spec?["listeners"]?.items ?? [] {
            let name = l["name"]?.string ?? ""
            if ignored.contains(name) { continue }
            let proto = l["protocol"]?.string ?? ""
            guard proto == "HTTPS" || proto == "TLS" else { continue }
            guard (l["tls", "mode"]?.string ?? "Terminate") == "Terminate" else { continue }
            guard let host = l["hostname"]?.string, !host.isEmpty else { continue }
            for ref in l["tls", "certificateRefs"]?.items ?? [] {
                let group = ref["group"]?.string ?? ""
                let kind = ref["kind"]?.string ?? "Secret"
                guard group == "" || group == "core", kind == "Secret", let secret = ref["name"]?.string else { continue }
                if let ns = ref["namespace"]?.string, ns != gw.namespace { continue }
                if bySecret[secret] == nil { order.append(secret); bySecret[secret] = ([], gw.at(ref)) }
                if !bySecret[secret]!.names.contains(host) { bySecret[secret]!.names.append(host) }
            }
        }
        for secret in order {
            let entry = bySecret[secret]!
            var c = CertificateInfo(origin: .gatewayShim, namespace: gw.namespace, name: secret, secretName: secret,
                                    dnsNames: entry.names, source: entry.at, resource: gw.ref)
            c.issuerKind = issuer.kind
            c.issuerName = issuer.name
            c.issuerGroup = issuer.group
            c.issuer = "\(issuer.kind)/\(issuer.name)"
            b.add(c)
        }
    }

    func ingressHosts(_ ing: Resource) -> [String] {
        var hosts = Set<String>()
        for r in ing.spec?["rules"]?.items ?? [] { hosts.insert(r["host"]?.string.map(HostNames.normalize) ?? "*") }
        if ing.spec?["defaultBackend"] != nil || ing.spec?["backend"] != nil { hosts.insert("*") }
        return hosts.sorted()
    }

    func isIPLiteral(_ s: String) -> Bool {
        if s.containsBytes(":") { return true }
        let parts = s.split(separator: ".")
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }
}
