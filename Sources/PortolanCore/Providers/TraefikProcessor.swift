/// Traefik CRDs (`traefik.io/v1alpha1` and the legacy `traefik.containo.us/v1alpha1`): IngressRoute,
/// IngressRouteTCP and IngressRouteUDP become routes; TraefikServices are followed to the Kubernetes Services
/// behind them; Middleware, TLSOption and TLSStore references are checked; TLSStore `default` and route
/// secrets fill each Traefik instance's TLS store; a `certResolver` yields a `traefik-acme` certificate.
///
/// Semantics follow Traefik's `pkg/provider/kubernetes/crd` (kinds.md §3): one route per `routes[]` entry ×
/// alternative of its rule; cross-namespace references need `allowCrossNamespace`; ExternalName Services need
/// `allowExternalNameServices`; TLS is on when `spec.tls` is present or an entry point terminates TLS.
struct TraefikProcessor: GraphProcessor {
    static let groups = ["traefik.io", "traefik.containo.us"]

    func run(_ b: GraphBuilder) {
        let run = TraefikRun(b)
        run.tlsStores(run.objects("TLSStore"))
        run.objects("IngressRoute").forEachPrefetching { run.ingressRoute($0, layer: .http) }
        run.objects("IngressRouteTCP").forEachPrefetching { run.ingressRoute($0, layer: .tcp) }
        for r in run.objects("IngressRouteUDP") { run.ingressRouteUDP(r) }
    }
}

/// State of one processor run.
private final class TraefikRun {
    let b: GraphBuilder
    let options: ControllerProfile.Traefik
    /// Secrets that exist in the input or that something in it produces (cert-manager Certificate, shims).
    let producedSecrets: Set<NamespacedName>
    var problemsSeen = Set<Problem>()

    /// A `reference-missing` finding waiting for the hosts and route ids of the object at fault.
    struct Pending {
        var message: String
        var source: SourceLocation
    }

    init(_ b: GraphBuilder) {
        self.b = b
        self.options = b.profile.traefik
        var s = Set<NamespacedName>()
        for c in b.certificates where c.origin != .traefikACME {
            if let n = c.secret { s.insert(n) }
        }
        producedSecrets = s
    }

    // MARK: Helpers

    /// Objects of a kind, `traefik.io` first: where both groups hold the same namespace/name, Traefik (v2.10+)
    /// serves the `traefik.io` one, so that one keeps the plain route ids.
    func objects(_ kind: String) -> [Resource] {
        let all = b.store.all(kind, groups: Set(TraefikProcessor.groups))
        let current = all.filter { $0.group == "traefik.io" }
        let legacy = all.filter { $0.group != "traefik.io" }
        if !current.isEmpty {
            let names = Set(current.map(\.namespacedName))
            for r in legacy where names.contains(r.namespacedName) {
                problem(r.source, "\(label(r)) (\(r.apiVersion)) has the same namespace and name as a traefik.io/v1alpha1 \(kind); Traefik serves only the traefik.io one")
            }
        }
        return current + legacy
    }

    func problem(_ at: SourceLocation, _ message: String) {
        let p = Problem(at, message)
        if problemsSeen.insert(p).inserted { b.problem(at, message) }
    }

    func label(_ r: Resource) -> String { "\(r.kind) \(r.namespace)/\(r.name)" }

    func secretExists(_ n: NamespacedName) -> Bool {
        b.store.lookup(group: "", kind: "Secret", namespace: n.namespace, name: n.name) != nil || producedSecrets.contains(n) || b.externalSecrets[n] != nil
    }

    /// A Traefik object in either API group.
    func find(_ kind: String, _ namespace: String, _ name: String) -> Resource? {
        b.store.lookup(groups: TraefikProcessor.groups, kind: kind, namespace: namespace, name: name)
    }

    /// "a.com: " or "a.com, b.com (+3 more): " for messages.
    func hostPrefix(_ hosts: [String]) -> String {
        guard !hosts.isEmpty else { return "" }
        let shown = hosts.prefix(3).map { $0 == "*" ? "* (any host)" : $0 }.joined(separator: ", ")
        return shown + (hosts.count > 3 ? " (+\(hosts.count - 3) more)" : "") + ": "
    }

    func report(_ pending: [Pending], resource r: Resource, hosts: [String], routes: [String]) {
        for p in pending {
            b.report(Finding(rule: "reference-missing", severity: .warning, message: hostPrefix(hosts) + p.message,
                             hosts: hosts, resources: [r.ref], source: p.source, routes: routes))
        }
    }

    /// The Traefik instance that serves the object: `spec.ingressClassName` (v3.7) first, else the
    /// `kubernetes.io/ingress.class` annotation.
    func controller(_ r: Resource, _ spec: Node) -> String {
        var cls: String? = nil
        var at = r.source
        if let n = spec["ingressClassName"], let s = n.string, !s.isEmpty {
            cls = s; at = r.at(n)
        } else if let n = r.metadata?["annotations"]?["kubernetes.io/ingress.class"], let s = n.scalarText {
            cls = s; at = r.at(n)
        }
        if let c = b.profile.traefikInstance(forClass: cls) {
            b.presentControllers.insert(c)
            return c
        }
        let accepted = options.ingressClass.isEmpty ? "no class or class \"traefik\"" : "class \"\(options.ingressClass)\""
        let others = options.instances.map { "\"\($0.ingressClass)\" (traefik@\($0.name))" }
        problem(at, "\(label(r)) has ingress class \"\(cls ?? "")\", which no configured Traefik instance serves "
                + "(the default instance takes \(accepted)" + (others.isEmpty ? "" : "; other instances: " + others.joined(separator: ", ")) + ")")
        return "unknown"
    }

    func strings(_ n: Node?, _ r: Resource, _ field: String) -> [String] {
        guard let n, !n.isNull else { return [] }
        guard n.isSequence else {
            problem(r.at(n), "\(label(r)): \(field) is not a list; ignored")
            return []
        }
        return n.strings
    }

    // MARK: TLSStore

    func tlsStores(_ stores: [Resource]) {
        let defaults = stores.filter { $0.name == "default" }
        let namespaces = Set(defaults.map(\.namespace)).sorted()
        if namespaces.count > 1 {
            for s in defaults {
                problem(s.source, "\(label(s)): a TLSStore named default exists in several namespaces (\(namespaces.joined(separator: ", "))); "
                        + "Traefik drops the default store's defaultCertificate")
            }
        }
        for s in stores {
            guard let spec = s.spec, spec.isMapping else {
                problem(s.source, "\(label(s)) has no spec; ignored")
                continue
            }
            guard s.name == "default" else {
                problem(s.source, "\(label(s)) is not named default: Traefik only uses the store named default, so its certificates are never presented")
                continue
            }
            if let g = spec["defaultGeneratedCert"], !g.isNull {
                problem(s.at(g), "\(label(s)): defaultGeneratedCert (a default certificate from a certResolver) is not modelled; certificate coverage does not count it")
            }
            var pending: [Pending] = []
            var defaultSecret: (NamespacedName, SourceLocation)? = nil
            if let d = spec["defaultCertificate"], !d.isNull {
                if let n = d["secretName"], let name = n.string, !name.isEmpty {
                    let secret = NamespacedName(s.namespace, name)
                    if secretExists(secret) {
                        defaultSecret = (secret, s.at(n))
                    } else {
                        pending.append(Pending(message: "\(label(s)) names defaultCertificate secret \(secret.description), which does not exist; Traefik ignores the whole TLSStore",
                                               source: s.at(n)))
                    }
                } else {
                    problem(s.at(d), "\(label(s)): defaultCertificate has no secretName; ignored")
                }
            }
            var loaded: [(NamespacedName, SourceLocation)] = []
            var complete = pending.isEmpty
            if complete, let list = spec["certificates"], !list.isNull {
                if !list.isSequence { problem(s.at(list), "\(label(s)): certificates is not a list; ignored") }
                for item in list.items {
                    guard let n = item["secretName"], let name = n.string, !name.isEmpty else {
                        problem(s.at(item), "\(label(s)): a certificates entry has no secretName; ignored")
                        continue
                    }
                    let secret = NamespacedName(s.namespace, name)
                    if secretExists(secret) {
                        loaded.append((secret, s.at(n)))
                    } else {
                        // Traefik stops loading this store's certificates at the first missing secret.
                        pending.append(Pending(message: "\(label(s)) lists certificate secret \(secret.description), which does not exist; Traefik stops loading this TLSStore there",
                                               source: s.at(n)))
                        complete = false
                        break
                    }
                }
            }
            for c in b.profile.traefikControllers {
                for (secret, at) in loaded { b.addTraefikStoreSecret(c, secret, at: at, owner: s.ref) }
                if complete, namespaces.count == 1, let (secret, at) = defaultSecret {
                    b.addTraefikStoreSecret(c, secret, at: at, owner: s.ref, isDefault: true)
                }
            }
            report(pending, resource: s, hosts: [], routes: [])
        }
    }

    // MARK: IngressRoute and IngressRouteTCP

    func ingressRoute(_ r: Resource, layer: TraefikRuleLayer) {
        guard let spec = r.spec, spec.isMapping else {
            problem(r.source, "\(label(r)) has no spec; skipped")
            return
        }
        let controller = self.controller(r, spec)
        var entryPoints = strings(spec["entryPoints"], r, "spec.entryPoints")
        if entryPoints.isEmpty { entryPoints = options.defaultEntryPoints }

        // TLS of every router of this object.
        var tls = RouteTLS()
        var objectPending: [Pending] = []
        var tlsNode = spec["tls"]
        if let t = tlsNode, t.isNull { tlsNode = nil }
        if let t = tlsNode, !t.isMapping {
            problem(r.at(t), "\(label(r)): spec.tls is not a mapping; TLS settings ignored")
            tlsNode = nil
        }
        // Entry-point TLS (static config) applies to HTTP routers only.
        tls.enabled = tlsNode != nil || (layer == .http && entryPoints.contains { options.tlsEntryPoints.contains($0) })
        var resolverNode: Node? = nil
        if let t = tlsNode {
            if let n = t["secretName"], let s = n.string, !s.isEmpty {
                let secret = NamespacedName(r.namespace, s)
                tls.secret = secret
                tls.secretSource = r.at(n)
                if controller != "unknown" { b.addTraefikStoreSecret(controller, secret, at: r.at(n), owner: r.ref) }
            }
            if let n = t["certResolver"], let s = n.string, !s.isEmpty {
                tls.resolver = s
                resolverNode = n
            }
            if let d = t["domains"], !d.isNull {
                if !d.isSequence { problem(r.at(d), "\(label(r)): spec.tls.domains is not a list; ignored") }
                for item in d.items {
                    if let m = item["main"]?.string, !m.isEmpty { tls.domains.append(m) }
                    tls.domains += strings(item["sans"], r, "spec.tls.domains[].sans").filter { !$0.isEmpty }
                }
            }
            if layer == .tcp, t["passthrough"]?.bool == true { tls.passthrough = true }
            if let o = t["options"], !o.isNull { checkTLSOption(o, r, &objectPending) }
            if let st = t["store"], !st.isNull { checkTLSStore(st, r, &objectPending) }
        }
        if let pr = spec["parentRefs"], !pr.isNull, !pr.items.isEmpty {
            problem(r.at(pr), "\(label(r)): parentRefs (multi-layer routing, Traefik v3.6) are not modelled; its routes are shown with their own rule only")
        }

        guard let routesNode = spec["routes"], routesNode.isSequence, !routesNode.items.isEmpty else {
            problem(r.at(spec["routes"] ?? spec), "\(label(r)) has no routes; nothing is routed")
            return
        }
        var allIds: [String] = []
        var allHosts: [String] = []
        var allHostSet = Set<String>()
        var acmeHosts: [String] = []
        for (ri, item) in routesNode.items.enumerated() {
            let field = "routes[\(ri)]"
            guard item.isMapping else {
                problem(r.at(item), "\(label(r)): \(field) is not a mapping; skipped")
                continue
            }
            if layer == .http, let k = item["kind"], let ks = k.string, ks != "Rule" {
                problem(r.at(k), "\(label(r)): \(field).kind is \"\(ks)\"; Traefik only supports Rule and skips this route")
            }
            guard let matchNode = item["match"], let text = matchNode.scalarText,
                  !text.allSatisfy({ $0.isWhitespace }) else {
                problem(r.at(item["match"] ?? item), "\(label(r)): \(field) has no match rule; Traefik skips it")
                continue
            }
            let syntax = self.syntax(item, r, field)
            let expr: TraefikRuleExpr
            switch TraefikRule.parse(text) {
            case .failure(let e):
                problem(location(of: e.offset, in: matchNode, text: text, r),
                        "\(label(r)): \(field).match cannot be parsed at column \(e.offset) of the rule: \(e.message); Traefik rejects this route")
                continue
            case .success(let x):
                expr = x
            }
            for issue in TraefikRule.check(expr, syntax: syntax, layer: layer) {
                problem(location(of: issue.offset, in: matchNode, text: text, r),
                        "\(label(r)): \(field).match (\(syntax.rawValue) syntax) at column \(issue.offset): \(issue.message); Traefik rejects this route")
            }
            let expansion = TraefikRule.expand(expr)
            if expansion.truncated {
                problem(r.at(matchNode), expansion.alternatives.isEmpty
                        ? "\(label(r)): \(field).match is too complex to expand into alternatives; no route is shown for it"
                        : "\(label(r)): \(field).match expands into more than \(TraefikRule.maxAlternatives) alternatives; only the first \(expansion.alternatives.count) are shown")
            }
            acmeHosts += TraefikRule.literalHosts(expr)

            var pending: [Pending] = []
            let backends = self.backends(item["services"], holder: r, parentNamespace: r.namespace, chain: [],
                                         visited: [], allowTraefikService: layer == .http, pending: &pending)
            let middlewares = self.middlewares(item["middlewares"], r, kind: layer == .http ? "Middleware" : "MiddlewareTCP", field: field, pending: &pending)
            var priority: Int? = nil
            if let p = item["priority"], !p.isNull {
                if let v = p.int { priority = v == 0 ? nil : v } else { problem(r.at(p), "\(label(r)): \(field).priority is not an integer; ignored") }
            }

            var ids: [String] = []
            var hosts: [String] = []
            var hostSet = Set<String>()
            for (mi, alt) in expansion.alternatives.enumerated() {
                guard alt.satisfiable else {
                    problem(r.at(matchNode), "\(label(r)): \(field).match alternative \(mi) can never match (\(alt.unsatisfiableReason ?? "contradiction")); no route for it")
                    continue
                }
                var route = Route(provider: .traefik, resource: r, ruleIndex: ri, matchIndex: mi, hosts: alt.routeHosts,
                                  path: alt.path, pathType: alt.pathType, match: text, tls: tls, backends: backends,
                                  controllers: [controller], matchSource: r.at(matchNode), layer: layer.rawValue)
                for h in route.hosts { route.hostSources[h] = r.at(matchNode) }
                route.entryPoints = entryPoints
                route.priority = priority
                route.middlewares = middlewares
                b.add(route)
                ids.append(route.id)
                for h in route.hosts where hostSet.insert(h).inserted { hosts.append(h) }
                if layer == .tcp && !tls.enabled && alt.hosts.contains(where: { $0 != "*" }) {
                    problem(r.at(matchNode), "\(label(r)): \(field).match uses HostSNI with a name but the route has no tls section; "
                            + "Traefik rejects it (SNI exists only on TLS connections; use HostSNI(`*`) for plain TCP)")
                }
            }
            report(pending, resource: r, hosts: hosts, routes: ids)
            allIds += ids
            for h in hosts where allHostSet.insert(h).inserted { allHosts.append(h) }
        }
        report(objectPending, resource: r, hosts: allHosts, routes: allIds)

        if let resolver = tls.resolver {
            var seen = Set<String>()
            let names = (tls.domains.isEmpty ? acmeHosts : tls.domains).filter { seen.insert($0).inserted }
            var c = CertificateInfo(origin: .traefikACME, namespace: r.namespace, name: r.name, secretName: nil,
                                    dnsNames: names, source: r.source, resource: r.ref)
            c.issuer = "certResolver/\(resolver)"
            c.issuerKind = "certResolver"
            c.issuerName = resolver
            b.add(c)
            if names.isEmpty {
                problem(resolverNode.map { r.at($0) } ?? r.source,
                        "\(label(r)): certResolver \(resolver) has no domain to request (no tls.domains and no literal Host/HostSNI in the rules)")
            }
        }
    }

    /// The rule syntax: `routes[].syntax` (v3), else the Traefik version of the profile.
    func syntax(_ item: Node, _ r: Resource, _ field: String) -> TraefikRuleSyntax {
        if let n = item["syntax"], let s = n.string {
            if let v = TraefikRuleSyntax(rawValue: s) { return v }
            problem(r.at(n), "\(label(r)): \(field).syntax \"\(s)\" is neither v2 nor v3; using the default")
        }
        return versionAtLeast(options.version, "v3") ? .v3 : .v2
    }

    /// Where column `offset` of the rule is in the file: exact for a plain one-line scalar, else the field.
    func location(of offset: Int, in node: Node, text: String, _ r: Resource) -> SourceLocation {
        var at = r.at(node)
        if node.style.isEmpty && !text.contains("\n") { at.column += offset - 1 }
        return at
    }

    func checkTLSOption(_ o: Node, _ r: Resource, _ pending: inout [Pending]) {
        guard let name = o["name"]?.string, !name.isEmpty else { return }
        if name.containsBytes("@") { return }   // another provider's options (name@file)
        let ns = o["namespace"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? r.namespace
        if ns != r.namespace && !options.allowCrossNamespace {
            pending.append(Pending(message: "\(label(r)) refers to TLSOption \(ns)/\(name) in another namespace, which Traefik refuses (allowCrossNamespace is false); its routers are not created",
                                   source: r.at(o)))
        } else if find("TLSOption", ns, name) == nil && name != "default" {
            pending.append(Pending(message: "\(label(r)) refers to TLSOption \(ns)/\(name), which does not exist; Traefik disables its routers (unknown TLS options)",
                                   source: r.at(o)))
        }
    }

    func checkTLSStore(_ st: Node, _ r: Resource, _ pending: inout [Pending]) {
        guard let name = st["name"]?.string, !name.isEmpty else { return }
        let ns = st["namespace"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? r.namespace
        if name == "default" { return }   // Traefik always has a default store
        if find("TLSStore", ns, name) == nil {
            pending.append(Pending(message: "\(label(r)) refers to TLSStore \(ns)/\(name), which does not exist",
                                   source: r.at(st)))
        } else {
            problem(r.at(st), "\(label(r)): tls.store \(ns)/\(name) is ignored; Traefik only uses the store named default")
        }
    }

    // MARK: Middlewares

    func middlewares(_ list: Node?, _ r: Resource, kind: String, field: String, pending: inout [Pending]) -> [String] {
        guard let list, !list.isNull else { return [] }
        guard list.isSequence else {
            problem(r.at(list), "\(label(r)): \(field).middlewares is not a list; ignored")
            return []
        }
        var out: [String] = []
        for item in list.items {
            guard let n = item["name"], let name = n.string, !name.isEmpty else {
                problem(r.at(item), "\(label(r)): a \(field).middlewares entry has no name; ignored")
                continue
            }
            if name.containsBytes("@") {
                out.append(name)   // another provider's middleware (name@file): not in the manifests
                continue
            }
            let ns = item["namespace"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? r.namespace
            out.append("\(ns)/\(name)")
            if ns != r.namespace && !options.allowCrossNamespace {
                pending.append(Pending(message: "\(label(r)) refers to \(kind) \(ns)/\(name) in another namespace, which Traefik refuses (allowCrossNamespace is false); the route is not created",
                                       source: r.at(item)))
            } else if find(kind, ns, name) == nil {
                pending.append(Pending(message: "\(label(r)) refers to \(kind) \(ns)/\(name), which does not exist; Traefik does not serve the route",
                                       source: r.at(item)))
            }
        }
        return out
    }

    // MARK: Services

    func backends(_ list: Node?, holder: Resource, parentNamespace: String, chain: [String], visited: Set<NamespacedName>,
                  allowTraefikService: Bool, pending: inout [Pending]) -> [Backend] {
        guard let list, !list.isNull else { return [] }
        guard list.isSequence else {
            problem(holder.at(list), "\(label(holder)): services is not a list; ignored")
            return []
        }
        var out: [Backend] = []
        for item in list.items {
            out += backend(item, holder: holder, parentNamespace: parentNamespace, chain: chain, visited: visited,
                           allowTraefikService: allowTraefikService, pending: &pending)
        }
        return out
    }

    /// One `LoadBalancerSpec` (a route service, a weighted entry, a mirroring main service or mirror...).
    func backend(_ item: Node, holder: Resource, parentNamespace: String, chain: [String], visited: Set<NamespacedName>,
                 allowTraefikService: Bool, pending: inout [Pending]) -> [Backend] {
        guard item.isMapping, let name = item["name"]?.string, !name.isEmpty else {
            problem(holder.at(item), "\(label(holder)): a service entry has no name; ignored")
            return []
        }
        let via = chain.isEmpty ? nil : chain.joined(separator: " → ")
        let at = holder.at(item)
        var weight: Int? = nil
        if let w = item["weight"], !w.isNull {
            if let v = w.int { weight = v } else { problem(holder.at(w), "\(label(holder)): service \(name) has a weight that is not an integer; ignored") }
        }
        let port = item["port"].flatMap { $0.isNull ? nil : $0.scalarText } ?? ""
        let kind = item["kind"]?.string ?? "Service"

        if name.containsBytes("@") {
            // Another provider's service (api@internal, x@file) is not a Kubernetes object.
            var bk = Backend(kind: "TraefikInternal", namespace: "", name: name, port: port, weight: weight,
                             resolved: true, source: at, via: via)
            if name.hasSuffix("@kubernetescrd") && !options.allowCrossNamespace {
                bk.resolved = false
                bk.issue = .rejected(rule: "backend-reference-rejected",
                                     reason: "\(name): Traefik refuses namespace-name@kubernetescrd service references when allowCrossNamespace is false")
            }
            return [bk]
        }
        let ns = item["namespace"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? parentNamespace
        let crossRefused = ns != parentNamespace && !options.allowCrossNamespace
        let refusal = "\(label(holder)) refers to \(kind) \(ns)/\(name) in another namespace, which Traefik refuses (allowCrossNamespace is false)"

        switch kind {
        case "Service", "":
            var bk = b.serviceBackend(namespace: ns, name: name, port: port, weight: weight, source: at,
                                      rejection: crossRefused ? .rejected(rule: "backend-reference-rejected", reason: refusal) : nil,
                                      externalNameAllowed: options.allowExternalNameServices, controllerName: "Traefik")
            bk.via = via
            return [bk]
        case "TraefikService" where allowTraefikService:
            let key = NamespacedName(ns, name)
            var ref = Backend(kind: "TraefikService", group: holder.group, namespace: ns, name: name, port: port,
                              weight: weight, source: at, via: via)
            if crossRefused {
                ref.issue = .rejected(rule: "backend-reference-rejected", reason: refusal)
                return [ref]
            }
            guard let ts = find("TraefikService", ns, name) else {
                ref.issue = .referenceMissing
                pending.append(Pending(message: "\(label(holder)) refers to TraefikService \(ns)/\(name), which does not exist", source: at))
                return [ref]
            }
            if visited.contains(key) {
                problem(at, "\(label(holder)): TraefikService \(ns)/\(name) refers back to itself (\((chain + ["TraefikService \(ns)/\(name)"]).joined(separator: " → "))); Traefik cannot build a looping service")
                return []
            }
            if chain.count >= 16 {
                problem(at, "\(label(holder)): TraefikService chain deeper than 16 levels; not followed further")
                return []
            }
            return traefikService(ts, chain: chain + ["TraefikService \(ns)/\(name)"], visited: visited.union([key]), pending: &pending)
        default:
            problem(holder.at(item["kind"] ?? item), "\(label(holder)): service \(name) has kind \"\(kind)\", which \(allowTraefikService ? "Traefik does not support (Service or TraefikService)" : "a TCP or UDP route cannot use (Kubernetes Services only)")")
            var bk = Backend(kind: kind, group: "", namespace: ns, name: name, port: port, weight: weight, source: at, via: via)
            bk.issue = .rejected(rule: "backend-reference-rejected", reason: "\(label(holder)) refers to a service of kind \(kind), which Traefik does not support here")
            return [bk]
        }
    }

    /// Follows a TraefikService to the services behind it: weighted and highestRandomWeight lists, mirroring
    /// (the main service and its mirrors) and failover (service and fallback).
    func traefikService(_ ts: Resource, chain: [String], visited: Set<NamespacedName>, pending: inout [Pending]) -> [Backend] {
        guard let spec = ts.spec, spec.isMapping else {
            problem(ts.source, "\(label(ts)) has no spec; it leads nowhere")
            return []
        }
        var out: [Backend] = []
        var understood = false
        func follow(_ n: Node?) {
            guard let n, !n.isNull else { return }
            understood = true
            out += backend(n, holder: ts, parentNamespace: ts.namespace, chain: chain, visited: visited,
                           allowTraefikService: true, pending: &pending)
        }
        for list in ["weighted", "highestRandomWeight"] {
            if let w = spec[list], !w.isNull {
                understood = true
                out += backends(w["services"], holder: ts, parentNamespace: ts.namespace, chain: chain, visited: visited,
                                allowTraefikService: true, pending: &pending)
            }
        }
        if let m = spec["mirroring"], !m.isNull {
            follow(m)
            if let mirrors = m["mirrors"], !mirrors.isNull {
                for item in mirrors.items { follow(item) }
            }
        }
        if let f = spec["failover"], !f.isNull {
            understood = true
            follow(f["service"])
            follow(f["fallback"])
        }
        if !understood {
            problem(ts.source, "\(label(ts)) has no weighted, mirroring, failover or highestRandomWeight section; it leads nowhere")
        }
        return out
    }

    // MARK: IngressRouteUDP

    func ingressRouteUDP(_ r: Resource) {
        guard let spec = r.spec, spec.isMapping else {
            problem(r.source, "\(label(r)) has no spec; skipped")
            return
        }
        let controller = self.controller(r, spec)
        // UDP routers listen on UDP entry points; the profile's default entry points are HTTP ones.
        let entryPoints = strings(spec["entryPoints"], r, "spec.entryPoints")
        guard let routesNode = spec["routes"], routesNode.isSequence, !routesNode.items.isEmpty else {
            problem(r.at(spec["routes"] ?? spec), "\(label(r)) has no routes; nothing is routed")
            return
        }
        for (ri, item) in routesNode.items.enumerated() {
            guard item.isMapping else {
                problem(r.at(item), "\(label(r)): routes[\(ri)] is not a mapping; skipped")
                continue
            }
            var pending: [Pending] = []
            let backends = self.backends(item["services"], holder: r, parentNamespace: r.namespace, chain: [], visited: [],
                                         allowTraefikService: false, pending: &pending)
            var route = Route(provider: .traefik, resource: r, ruleIndex: ri, matchIndex: 0, hosts: ["*"], path: "/",
                              pathType: "Any", match: "", tls: .off, backends: backends, controllers: [controller],
                              matchSource: r.at(item), layer: "udp")
            route.entryPoints = entryPoints
            b.add(route)
            report(pending, resource: r, hosts: ["*"], routes: [route.id])
        }
    }
}
