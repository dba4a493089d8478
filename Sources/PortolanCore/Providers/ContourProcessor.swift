/// Contour: HTTPProxy (`projectcontour.io/v1`) roots, includes and tcpproxy, and the legacy
/// `contour.heptio.com/v1beta1` IngressRoute with delegation.
///
/// Follows Contour's HTTPProxyProcessor: a root (a proxy with a `virtualhost`) owns one host; the
/// proxies it includes inherit its fqdn, its TLS and the concatenated include conditions. Every
/// route the input declares is listed, also when Contour would refuse it; the refusal is reported
/// as a problem (or a finding for a missing include target).
struct ContourProcessor: GraphProcessor {
    func run(_ b: GraphBuilder) {
        let c = ContourGraph(b)
        c.httpProxies()
        c.legacyIngressRoutes()
        c.finish()
    }
}

/// State of one Contour pass over the store.
final class ContourGraph {
    static let httpProxyGroup = "projectcontour.io"
    static let legacyGroup = "contour.heptio.com"
    /// Proxy visits allowed per root before the include graph is considered runaway (diamond includes).
    static let visitBudget = 20_000

    let b: GraphBuilder
    let profile: ControllerProfile.Contour

    private var proxies: [NamespacedName: Resource] = [:]
    private var legacyRoutes: [NamespacedName: Resource] = [:]
    /// TLSCertificateDelegation grants by secret.
    private var delegations = TLSCertificateDelegations()
    /// Proxies reached from a root (HTTP include or tcpproxy include).
    private var reached = Set<NamespacedName>()
    private var legacyReached = Set<NamespacedName>()
    private var emitted: [Emitted] = []
    private var problemSeen = Set<Problem>()
    /// reference-missing findings by the include entry at fault, merged over roots.
    private var missing: [SourceLocation: MissingReference] = [:]

    /// A route plus what is needed to make its id unique when a child is reached several times.
    struct Emitted {
        var route: Route
        var rootKey: String
        var path: [String]
    }

    struct MissingReference {
        var resource: Resource
        var text: String
        var hosts: Set<String>
    }

    /// The root a route hangs from.
    struct Root {
        let resource: Resource
        let fqdn: String
        let fqdnSource: SourceLocation
        /// TLS of the HTTP routes (off when a tcpproxy takes the TLS traffic).
        let httpTLS: RouteTLS
        var key: String { "\(resource.kind)/\(resource.namespace)/\(resource.name)" }
    }

    /// One entry of `conditions`.
    struct Cond {
        var prefix: String?
        var exact: String?
        var regex: String?
        var header: String?
        var query: String?
        var at: SourceLocation
        var isPath: Bool { prefix != nil || exact != nil || regex != nil }
    }

    init(_ b: GraphBuilder) {
        self.b = b
        self.profile = b.profile.contour
        var reported: [(SourceLocation, String)] = []
        delegations = TLSCertificateDelegations(b.store) { reported.append(($0, $1)) }
        for (at, message) in reported { problem(at, message) }
    }

    // MARK: Helpers

    func problem(_ at: SourceLocation, _ message: String) {
        if problemSeen.insert(Problem(at, message)).inserted { b.problem(at, message) }
    }

    /// Items of a list field; a field of another type is a problem.
    func list(_ node: Node?, _ field: String, _ r: Resource) -> [Node] {
        guard let node, !node.isNull else { return [] }
        guard node.isSequence else {
            problem(r.at(node), "\(r.kind) \(r.namespace)/\(r.name): `\(field)` is not a list and is ignored")
            return []
        }
        return node.items
    }

    /// A mapping field, nil when absent or null; another type is a problem.
    func mapping(_ node: Node?, _ field: String, _ r: Resource) -> Node? {
        guard let node, !node.isNull else { return nil }
        guard node.isMapping else {
            problem(r.at(node), "\(r.kind) \(r.namespace)/\(r.name): `\(field)` is not a mapping and is ignored")
            return nil
        }
        return node
    }

    func display(_ r: Resource) -> String { "\(r.kind) \(r.namespace)/\(r.name)" }

    func rootAllowed(_ namespace: String) -> Bool {
        profile.rootNamespaces.isEmpty || profile.rootNamespaces.contains(namespace)
    }

    /// Whether a class name is one this Contour serves (`--ingress-class-name`).
    func serves(_ cls: String) -> Bool {
        profile.ingressClass.isEmpty ? (cls.isEmpty || cls == "contour") : cls == profile.ingressClass
    }

    /// The class of an object as Contour reads it: the first present annotation, then (HTTPProxy)
    /// `spec.ingressClassName`. Returns the value and the field it comes from.
    func ingressClass(_ r: Resource, annotations keys: [String], specField: Bool) -> (value: String, field: String, node: Node?) {
        let ann = r.metadata?["annotations"]
        for k in keys {
            if let n = ann?[k], n.isScalar {
                let v = n.scalarText ?? ""
                if !v.isEmpty { return (v, "annotation \(k)", n) }
                break   // a present but empty annotation hides the later ones (Contour reads the first present key)
            }
        }
        if specField, let n = r.spec?["ingressClassName"], let v = n.string, !v.isEmpty {
            return (v, "spec.ingressClassName", n)
        }
        return ("", "", nil)
    }

    var servedClasses: String {
        profile.ingressClass.isEmpty ? "objects without a class or with class \"contour\"" : "class \"\(profile.ingressClass)\""
    }

    /// The controller for an object: `contour`, or `unknown` (with a problem) when its class is not served.
    func controller(for r: Resource, legacy: Bool, context: String) -> String {
        let keys = legacy
            ? ["projectcontour.io/ingress.class", "contour.heptio.com/ingress.class", "kubernetes.io/ingress.class"]
            : ["projectcontour.io/ingress.class", "kubernetes.io/ingress.class"]
        let c = ingressClass(r, annotations: keys, specField: !legacy)
        if let instance = profile.instance(forClass: c.value) { return instance }
        let has = c.value.isEmpty ? "has no ingress class" : "has ingress class \"\(c.value)\" (\(c.field))"
        problem(r.at(c.node), "\(display(r)) \(has), but Contour serves \(servedClasses): "
                + "Contour ignores it\(context); its routes get controller unknown")
        return "unknown"
    }

    func isRoot(_ r: Resource) -> Bool {
        guard let vh = r.spec?["virtualhost"] else { return false }
        return !vh.isNull
    }

    // MARK: TLS

    /// `name` or `namespace/name`.
    func secretRef(_ written: String, namespace: String) -> NamespacedName? {
        guard let slash = written.firstIndex(of: "/") else { return NamespacedName(namespace, written) }
        let ns = String(written[..<slash]), name = String(written[written.index(after: slash)...])
        guard !ns.isEmpty, !name.isEmpty, !name.contains("/") else { return nil }
        return NamespacedName(ns, name)
    }

    /// Contour's delegationPermitted: same namespace, or a TLSCertificateDelegation in the secret's namespace.
    func delegationPermitted(_ secret: NamespacedName, to namespace: String) -> Bool {
        delegations.permits(secret, to: namespace)
    }

    /// The TLS of a root's virtual host (terminated with a secret, passed through, or off).
    func virtualHostTLS(_ r: Resource, vh: Node, legacy: Bool) -> RouteTLS {
        guard let tls = mapping(vh["tls"], "spec.virtualhost.tls", r) else { return .off }
        let secretNode = tls["secretName"]
        let secretName = secretNode?.string?.contourTrimmed ?? ""
        let passthrough = tls["passthrough"]?.bool ?? false
        if passthrough {
            if !secretName.isEmpty {
                problem(r.at(secretNode), legacy
                    ? "\(display(r)): tls.passthrough is set, so Contour ignores tls.secretName"
                    : "\(display(r)): tls sets both passthrough and secretName: Contour rejects this HTTPProxy")
                if !legacy { return terminatedTLS(r, secretName: secretName, node: secretNode) }
            }
            return RouteTLS(enabled: true, passthrough: true)
        }
        if secretName.isEmpty {
            problem(r.at(tls), "\(display(r)): tls has neither secretName nor passthrough: Contour rejects this \(r.kind)")
            return .off
        }
        return terminatedTLS(r, secretName: secretName, node: secretNode)
    }

    private func terminatedTLS(_ r: Resource, secretName: String, node: Node?) -> RouteTLS {
        guard let secret = secretRef(secretName, namespace: r.namespace) else {
            problem(r.at(node), "\(display(r)): tls.secretName \"\(secretName)\" is neither name nor namespace/name: TLS is ignored")
            return .off
        }
        var t = RouteTLS(enabled: true, secret: secret, secretSource: r.at(node))
        if !delegationPermitted(secret, to: r.namespace) {
            t.secretIssue = "no TLSCertificateDelegation in \(secret.namespace) lets \(r.namespace) use secret \(secret.description)"
        }
        return t
    }

    // MARK: Emitting

    func emit(_ route: Route, root: Root, path: [String]) {
        emitted.append(Emitted(route: route, rootKey: root.key, path: path))
    }

    func missingReference(_ r: Resource, at node: Node, text: String, host: String) {
        let at = r.at(node)
        var m = missing[at] ?? MissingReference(resource: r, text: text, hosts: [])
        m.hosts.insert(host)
        missing[at] = m
    }

    func backends(_ node: Node?, field: String, namespace: String, _ r: Resource) -> [Backend] {
        var out: [Backend] = []
        for s in list(node, field, r) {
            guard let name = s["name"]?.string, !name.isEmpty else {
                problem(r.at(s), "\(display(r)): a service without a name in `\(field)` is ignored")
                continue
            }
            var port = ""
            if let p = s["port"] {
                if let n = p.int {
                    port = String(n)
                    if n < 1 || n > 65535 {
                        problem(r.at(p), "\(display(r)): service \(name) port \(n) is outside 1-65535: Contour rejects the route")
                    }
                } else {
                    port = p.scalarText ?? ""
                    problem(r.at(p), "\(display(r)): service \(name) port \"\(port)\" is not a number: Contour needs the Service port number")
                }
            } else {
                problem(r.at(s), "\(display(r)): service \(name) has no port: Contour rejects the route")
            }
            var backend = b.serviceBackend(namespace: namespace, name: name, port: port, weight: s["weight"]?.int,
                                           source: r.at(s), externalNameAllowed: profile.enableExternalNameService,
                                           controllerName: "Contour")
            if s["mirror"]?.bool == true { backend.via = "mirror" }
            out.append(backend)
        }
        return out
    }

    // MARK: HTTPProxy

    func httpProxies() {
        let all = b.store.all("HTTPProxy", groups: [Self.httpProxyGroup])
        guard !all.isEmpty else { return }
        for r in all { proxies[r.namespacedName] = r }
        let sorted = KeyOrder.sorted(all)
        sorted.forEachPrefetching { r in if isRoot(r) { httpProxyRoot(r) } }
        for r in sorted where !isRoot(r) && !reached.contains(r.namespacedName) {
            problem(r.source, "orphaned HTTPProxy \(r.namespace)/\(r.name): not included by any root; serves nothing")
        }
    }

    private func httpProxyRoot(_ r: Resource) {
        guard let spec = r.spec, spec.isMapping, let vh = mapping(spec["virtualhost"], "spec.virtualhost", r) else {
            problem(r.source, "\(display(r)): unreadable spec.virtualhost: Contour rejects it and its includes are not followed")
            return
        }
        let fqdnNode = vh["fqdn"]
        guard let written = fqdnNode?.string?.contourTrimmed, !written.isEmpty else {
            problem(r.at(vh), "root \(display(r)) has a virtualhost without fqdn: Contour rejects it and its includes are not followed")
            return
        }
        let fqdn = HostNames.normalize(written)
        checkWildcard(fqdn, r, fqdnNode)
        let controller = controller(for: r, legacy: false, context: " and serves nothing for \(fqdn)")
        if !rootAllowed(r.namespace) {
            problem(r.at(vh), "root \(display(r)) is outside the root namespaces (\(profile.rootNamespaces.joined(separator: ", "))): "
                    + "Contour will not serve \(fqdn) nor anything it includes (root namespace restriction)")
        }
        let tcp = mapping(spec["tcpproxy"], "spec.tcpproxy", r)
        let routes = list(spec["routes"], "spec.routes", r)
        let includes = list(spec["includes"], "spec.includes", r)
        if routes.isEmpty && includes.isEmpty && tcp == nil {
            problem(r.source, "root \(display(r)) defines no routes, includes or tcpproxy: Contour rejects it")
        }
        let tls = virtualHostTLS(r, vh: vh, legacy: false)
        if tls.passthrough && tcp == nil {
            problem(r.at(vh["tls"]), "\(display(r)): tls.passthrough without spec.tcpproxy: Contour has no service to pass TLS connections for \(fqdn) to")
        }
        var httpTLS = tls.passthrough ? RouteTLS.off : tls
        if let tcp {
            httpTLS = .off
            if !routes.isEmpty || !includes.isEmpty {
                problem(r.at(tcp), "\(display(r)) sets spec.tcpproxy and also routes/includes: Contour sends TLS connections for \(fqdn) "
                        + "to the tcpproxy; the routes only answer plain HTTP")
            }
        }
        let root = Root(resource: r, fqdn: fqdn, fqdnSource: r.at(fqdnNode), httpTLS: httpTLS)
        if let tcp {
            if !tls.enabled {
                problem(r.at(tcp), "\(display(r)): spec.tcpproxy requires tls.secretName or tls.passthrough: Contour rejects it")
            }
            tcpProxy(r, tcp: tcp, root: root, tls: tls, chain: [r.namespacedName], path: [], controller: controller)
        }
        var budget = Self.visitBudget
        visit(r, root: root, inherited: [], chain: [r.namespacedName], path: [], controller: controller, budget: &budget)
    }

    private func checkWildcard(_ fqdn: String, _ r: Resource, _ node: Node?) {
        guard fqdn.containsBytes("*") else { return }
        let rest = fqdn.hasPrefix("*.") ? fqdn.dropFirst(2) : Substring(fqdn)
        if !fqdn.hasPrefix("*.") || rest.containsBytes("*") || rest.isEmpty {
            problem(r.at(node), "\(display(r)): fqdn \(fqdn) is not a valid wildcard (only a whole leading `*.` label is allowed)")
        }
    }

    /// Routes of one proxy reached from `root`, then the proxies it includes.
    private func visit(_ p: Resource, root: Root, inherited: [Cond], chain: [NamespacedName], path: [String],
                       controller: String, budget: inout Int) {
        budget -= 1
        if budget == 0 {
            problem(root.resource.source, "\(display(root.resource)): more than \(Self.visitBudget) proxies reached through includes; the rest is not followed")
        }
        guard budget > 0 else { return }
        guard let spec = p.spec, spec.isMapping else {
            problem(p.source, "\(display(p)) has no readable spec: it serves nothing")
            return
        }
        let rejectAll = "Contour rejects every route of \(display(p)) and of the proxies it includes"
        for (i, rt) in list(spec["routes"], "spec.routes", p).enumerated() {
            guard rt.isMapping else {
                problem(p.at(rt), "\(display(p)): spec.routes[\(i)] is not a mapping and is ignored")
                continue
            }
            let condNode = rt["conditions"]
            let conds = conditions(condNode, p)
            let pathConds = conds.filter(\.isPath)
            if pathConds.count > 1 {
                problem(p.at(condNode), "\(display(p)): route \(i) has more than one prefix/exact/regex condition: \(rejectAll)")
            }
            for c in pathConds {
                let v = c.prefix ?? c.exact ?? c.regex ?? ""
                if !v.hasPrefix("/") {
                    problem(c.at, "\(display(p)): route \(i) condition \(v) does not start with /: \(rejectAll)")
                }
            }
            let all = inherited + conds
            let merged = Self.mergePath(all)
            if pathConds.contains(where: { $0.exact != nil }) && merged.type == "prefix" && pathConds.count == 1 {
                problem(p.at(condNode), "\(display(p)): route \(i) lists a header/queryParameter condition after `exact`: "
                        + "Contour takes the match type from the last condition and matches \(merged.path) as a prefix")
            }
            var route = Route(provider: .contour, resource: p, ruleIndex: i, matchIndex: 0,
                              hosts: [root.fqdn], path: merged.path, pathType: merged.type,
                              match: Self.describe(merged, all), tls: root.httpTLS,
                              backends: backends(rt["services"], field: "spec.routes[\(i)].services", namespace: p.namespace, p),
                              controllers: [controller], matchSource: p.at(condNode ?? rt))
            route.hostSources = [root.fqdn: root.fqdnSource]
            emit(route, root: root, path: path)
        }
        for (j, inc) in list(spec["includes"], "spec.includes", p).enumerated() {
            let at = p.at(inc)
            guard inc.isMapping, let name = inc["name"]?.string, !name.isEmpty else {
                problem(at, "\(display(p)): spec.includes[\(j)] has no name and is ignored")
                continue
            }
            let ns = inc["namespace"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? p.namespace
            let target = NamespacedName(ns, name)
            let conds = conditions(inc["conditions"], p)
            if conds.contains(where: { $0.exact != nil || $0.regex != nil }) {
                problem(p.at(inc["conditions"]), "\(display(p)): include \(target.description) uses an exact or regex condition "
                        + "(includes allow only prefix and header): Contour skips this include")
                continue
            }
            let prefixes = conds.compactMap(\.prefix)
            if prefixes.count > 1 || prefixes.contains(where: { !$0.hasPrefix("/") }) {
                problem(p.at(inc["conditions"]), "\(display(p)): include \(target.description) needs at most one prefix condition, "
                        + "starting with /: Contour skips this include")
                continue
            }
            guard let child = proxies[target] else {
                missingReference(p, at: inc, text: "includes HTTPProxy \(target.description), which is not in the input (Contour answers 502 for it)",
                                 host: root.fqdn)
                continue
            }
            if isRoot(child) {
                problem(at, "\(display(p)) includes \(display(child)), which is a root (it has a virtualhost): "
                        + "Contour refuses root-to-root includes and answers 502 for it")
                continue
            }
            if chain.contains(target) {
                let cycle = (chain + [target]).map(\.description).joined(separator: " -> ")
                problem(at, "\(display(p)): include cycle \(cycle): Contour stops following it")
                continue
            }
            reached.insert(target)
            var childController = controller
            if controller == "contour" {
                childController = self.controller(for: child, legacy: false, context: ", so the include from \(p.namespace)/\(p.name) answers 502")
            }
            visit(child, root: root, inherited: inherited + conds, chain: chain + [target], path: path + ["includes[\(j)]"],
                  controller: childController, budget: &budget)
        }
    }

    /// The one route of a `spec.tcpproxy` (HTTPProxy and the legacy IngressRoute alike).
    private func emitTCPRoute(_ p: Resource, tcp: Node, root: Root, tls: RouteTLS, path: [String], controller: String,
                              backends: [Backend]) {
        var route = Route(provider: .contour, resource: p, ruleIndex: 0, matchIndex: 0, idSuffix: "tcp",
                          hosts: [root.fqdn], path: "/", pathType: "tcp",
                          match: "tcpproxy: SNI \(root.fqdn)" + (tls.passthrough ? " (TLS passthrough)" : tls.enabled ? " (TLS terminated)" : ""),
                          tls: tls, backends: backends, controllers: [controller], matchSource: p.at(tcp), layer: "tcp")
        route.hostSources = [root.fqdn: root.fqdnSource]
        emit(route, root: root, path: path)
    }

    /// `spec.tcpproxy` of `p` (the root, or a proxy reached through tcpproxy includes).
    private func tcpProxy(_ p: Resource, tcp: Node, root: Root, tls: RouteTLS, chain: [NamespacedName], path: [String], controller: String) {
        let services = tcp["services"]
        let serviceItems = list(services, "spec.tcpproxy.services", p)
        var include = mapping(tcp["include"], "spec.tcpproxy.include", p)
        if include == nil { include = mapping(tcp["includes"], "spec.tcpproxy.includes", p) }
        func emitHere(_ backends: [Backend]) {
            emitTCPRoute(p, tcp: tcp, root: root, tls: tls, path: path, controller: controller, backends: backends)
        }
        guard let include, serviceItems.isEmpty else {
            if include != nil {
                problem(p.at(tcp), "\(display(p)): spec.tcpproxy sets both services and include: Contour rejects it")
            } else if serviceItems.isEmpty {
                problem(p.at(tcp), "\(display(p)): spec.tcpproxy has neither services nor include: Contour rejects it")
            }
            emitHere(backends(services, field: "spec.tcpproxy.services", namespace: p.namespace, p))
            return
        }
        guard let name = include["name"]?.string, !name.isEmpty else {
            problem(p.at(include), "\(display(p)): spec.tcpproxy include has no name and is ignored")
            emitHere([])
            return
        }
        let ns = include["namespace"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? p.namespace
        let target = NamespacedName(ns, name)
        guard let child = proxies[target] else {
            missingReference(p, at: include, text: "includes HTTPProxy \(target.description) in spec.tcpproxy, which is not in the input",
                             host: root.fqdn)
            emitHere([])
            return
        }
        if isRoot(child) {
            problem(p.at(include), "\(display(p)): tcpproxy includes \(display(child)), which is a root: Contour rejects it")
            emitHere([])
            return
        }
        if chain.contains(target) {
            let cycle = (chain + [target]).map(\.description).joined(separator: " -> ")
            problem(p.at(include), "\(display(p)): tcpproxy include cycle \(cycle): Contour rejects it")
            emitHere([])
            return
        }
        reached.insert(target)
        guard let childTCP = mapping(child.spec?["tcpproxy"], "spec.tcpproxy", child) else {
            problem(p.at(include), "\(display(p)): tcpproxy includes \(display(child)), which has no spec.tcpproxy: nothing serves \(root.fqdn) over TLS")
            emitHere([])
            return
        }
        var childController = controller
        if controller == "contour" {
            childController = self.controller(for: child, legacy: false, context: ", so the tcpproxy include from \(p.namespace)/\(p.name) fails")
        }
        tcpProxy(child, tcp: childTCP, root: root, tls: tls, chain: chain + [target], path: path + ["tcpproxy.include"],
                 controller: childController)
    }

    // MARK: Conditions

    func conditions(_ node: Node?, _ r: Resource) -> [Cond] {
        var out: [Cond] = []
        for item in list(node, "conditions", r) {
            guard item.isMapping else {
                problem(r.at(item), "\(display(r)): a condition that is not a mapping is ignored")
                continue
            }
            var c = Cond(at: r.at(item))
            func text(_ key: String) -> String? { item[key]?.string.flatMap { $0.isEmpty ? nil : $0 } }
            c.prefix = text("prefix")
            c.exact = text("exact")
            c.regex = text("regex")
            if let h = mapping(item["header"], "conditions[].header", r) { c.header = headerCondition(h, r) }
            if let q = mapping(item["queryParameter"], "conditions[].queryParameter", r) { c.query = queryCondition(q, r) }
            if !c.isPath && c.header == nil && c.query == nil {
                problem(c.at, "\(display(r)): a condition with no prefix, exact, regex, header or queryParameter is ignored")
                continue
            }
            out.append(c)
        }
        return out
    }

    /// A header condition in words, in Contour's order of precedence.
    private func headerCondition(_ h: Node, _ r: Resource) -> String? {
        guard let name = h["name"]?.string, !name.isEmpty else {
            problem(r.at(h), "\(display(r)): a header condition without a name is ignored")
            return nil
        }
        let ignoreCase = h["ignoreCase"]?.bool == true ? " (ignoreCase)" : ""
        if h["present"]?.bool == true { return "header \(name) present" }
        if h["notpresent"]?.bool == true { return "header \(name) notpresent" }
        for op in ["contains", "notcontains", "exact", "notexact"] {
            if let v = h[op]?.string, !v.isEmpty { return "header \(name) \(op) \(v)\(ignoreCase)" }
        }
        if let v = h["regex"]?.string, !v.isEmpty { return "header \(name) regex \(v)" }
        problem(r.at(h), "\(display(r)): header condition on \(name) has no match (present, notpresent, exact, contains, regex...) and is ignored")
        return nil
    }

    private func queryCondition(_ q: Node, _ r: Resource) -> String? {
        guard let name = q["name"]?.string, !name.isEmpty else {
            problem(r.at(q), "\(display(r)): a queryParameter condition without a name is ignored")
            return nil
        }
        let ignoreCase = q["ignoreCase"]?.bool == true ? " (ignoreCase)" : ""
        for op in ["exact", "prefix", "suffix", "regex", "contains"] {
            if let v = q[op]?.string, !v.isEmpty { return "query \(name) \(op) \(v)\(op == "regex" ? "" : ignoreCase)" }
        }
        if q["present"]?.bool == true { return "query \(name) present" }
        problem(r.at(q), "\(display(r)): queryParameter condition on \(name) has no match and is ignored")
        return nil
    }

    /// Contour's mergePathMatchConditions: path values concatenated along the include chain with
    /// repeated slashes collapsed; any regex makes the whole a regex; otherwise the last condition
    /// decides between exact and prefix; nothing at all is prefix `/`.
    static func mergePath(_ conds: [Cond]) -> (path: String, type: String) {
        var merged = ""
        var isRegex = false
        for c in conds {
            if let p = c.prefix { merged += p } else if let e = c.exact { merged += e } else if let r = c.regex { merged += r; isRegex = true }
        }
        var collapsed = ""
        collapsed.reserveCapacity(merged.utf8.count)
        var lastSlash = false
        for ch in merged {
            if ch == "/" {
                if lastSlash { continue }
                lastSlash = true
            } else {
                lastSlash = false
            }
            collapsed.append(ch)
        }
        guard !collapsed.isEmpty, let last = conds.last else { return ("/", "prefix") }
        if isRegex { return (collapsed, "regex") }
        if last.prefix != nil { return (collapsed, "prefix") }
        if last.exact != nil { return (collapsed, "exact") }
        return (collapsed, "prefix")
    }

    static func describe(_ merged: (path: String, type: String), _ conds: [Cond]) -> String {
        var parts = ["\(merged.type): \(merged.path)"]
        for c in conds {
            if let h = c.header { parts.append(h) }
            if let q = c.query { parts.append(q) }
        }
        return parts.joined(separator: ", ")
    }

    // MARK: Legacy IngressRoute (contour.heptio.com/v1beta1)

    func legacyIngressRoutes() {
        let all = b.store.all("IngressRoute", groups: [Self.legacyGroup])
        guard !all.isEmpty else { return }
        for r in all { legacyRoutes[r.namespacedName] = r }
        let sorted = KeyOrder.sorted(all)
        for r in sorted where isRoot(r) { legacyRoot(r) }
        for r in sorted where !isRoot(r) && !legacyReached.contains(r.namespacedName) {
            problem(r.source, "orphaned IngressRoute \(r.namespace)/\(r.name): not delegated to by any root; serves nothing")
        }
    }

    private func legacyRoot(_ r: Resource) {
        guard let spec = r.spec, spec.isMapping, let vh = mapping(spec["virtualhost"], "spec.virtualhost", r) else {
            problem(r.source, "\(display(r)): unreadable spec.virtualhost: Contour rejects it and its delegations are not followed")
            return
        }
        let fqdnNode = vh["fqdn"]
        guard let written = fqdnNode?.string?.contourTrimmed, !written.isEmpty else {
            problem(r.at(vh), "root \(display(r)) has a virtualhost without fqdn: Contour rejects it and its delegations are not followed")
            return
        }
        let fqdn = HostNames.normalize(written)
        let controller = controller(for: r, legacy: true, context: " and serves nothing for \(fqdn)")
        if !rootAllowed(r.namespace) {
            problem(r.at(vh), "root \(display(r)) is outside the root namespaces (\(profile.rootNamespaces.joined(separator: ", "))): "
                    + "Contour will not serve \(fqdn) nor anything it delegates to (root namespace restriction)")
        }
        let tls = virtualHostTLS(r, vh: vh, legacy: true)
        let tcp = mapping(spec["tcpproxy"], "spec.tcpproxy", r)
        if tcp == nil && list(spec["routes"], "spec.routes", r).isEmpty {
            problem(r.source, "root \(display(r)) defines no routes or tcpproxy: it serves nothing")
        }
        if tls.passthrough && tcp == nil {
            problem(r.at(vh["tls"]), "\(display(r)): tls.passthrough without spec.tcpproxy: Contour has no service to pass TLS connections for \(fqdn) to")
        }
        // With a tcpproxy, TLS connections go to it; routes only answer plain HTTP.
        let httpTLS = (tls.passthrough || tcp != nil) ? RouteTLS.off : tls
        let root = Root(resource: r, fqdn: fqdn, fqdnSource: r.at(fqdnNode), httpTLS: httpTLS)
        if let tcp {
            if !tls.enabled {
                problem(r.at(tcp), "\(display(r)): spec.tcpproxy requires tls.secretName or tls.passthrough: Contour rejects it")
            }
            legacyTCPProxy(r, tcp: tcp, root: root, tls: tls, chain: [r.namespacedName], path: [], controller: controller)
        }
        var budget = Self.visitBudget
        legacyVisit(r, root: root, delegatedPrefix: nil, chain: [r.namespacedName], path: [], controller: controller, budget: &budget)
    }

    private func legacyVisit(_ p: Resource, root: Root, delegatedPrefix: String?, chain: [NamespacedName], path: [String],
                             controller: String, budget: inout Int) {
        budget -= 1
        if budget == 0 {
            problem(root.resource.source, "\(display(root.resource)): more than \(Self.visitBudget) IngressRoutes reached through delegation; the rest is not followed")
        }
        guard budget > 0 else { return }
        guard let spec = p.spec, spec.isMapping else {
            problem(p.source, "\(display(p)) has no readable spec: it serves nothing")
            return
        }
        for (i, rt) in list(spec["routes"], "spec.routes", p).enumerated() {
            guard rt.isMapping else {
                problem(p.at(rt), "\(display(p)): spec.routes[\(i)] is not a mapping and is ignored")
                continue
            }
            let matchNode = rt["match"]
            var match = matchNode?.string ?? ""
            if match.isEmpty {
                problem(p.at(rt), "\(display(p)): route \(i) has no match: Contour rejects this IngressRoute")
                match = "/"
            }
            if let prefix = delegatedPrefix, !match.hasPrefix(prefix) {
                problem(p.at(matchNode ?? rt), "\(display(p)): route match \(match) is outside the prefix \(prefix) delegated to it: "
                        + "Contour rejects this IngressRoute")
            }
            let services = rt["services"]
            let hasServices = !list(services, "spec.routes[\(i)].services", p).isEmpty
            if let d = mapping(rt["delegate"], "spec.routes[\(i)].delegate", p) {
                if hasServices {
                    problem(p.at(d), "\(display(p)): route \(i) both delegates and lists services: Contour rejects this IngressRoute")
                }
                legacyDelegate(p, delegate: d, root: root, prefix: match, chain: chain, path: path + ["routes[\(i)].delegate"],
                               controller: controller, budget: &budget)
                if !hasServices { continue }
            }
            var route = Route(provider: .contour, resource: p, ruleIndex: i, matchIndex: 0, hosts: [root.fqdn],
                              path: match, pathType: "prefix", match: "prefix: \(match)", tls: root.httpTLS,
                              backends: backends(services, field: "spec.routes[\(i)].services", namespace: p.namespace, p),
                              controllers: [controller], matchSource: p.at(matchNode ?? rt))
            route.hostSources = [root.fqdn: root.fqdnSource]
            emit(route, root: root, path: path)
        }
    }

    private func legacyDelegate(_ p: Resource, delegate d: Node, root: Root, prefix: String, chain: [NamespacedName], path: [String],
                                controller: String, budget: inout Int) {
        guard let name = d["name"]?.string, !name.isEmpty else {
            problem(p.at(d), "\(display(p)): a delegate without a name is ignored")
            return
        }
        let ns = d["namespace"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? p.namespace
        let target = NamespacedName(ns, name)
        guard let child = legacyRoutes[target] else {
            missingReference(p, at: d, text: "delegates \(prefix) to IngressRoute \(target.description), which is not in the input", host: root.fqdn)
            return
        }
        if isRoot(child) {
            problem(p.at(d), "\(display(p)) delegates to \(display(child)), which is a root (it has a virtualhost): Contour rejects the delegation")
            return
        }
        if chain.contains(target) {
            let cycle = (chain + [target]).map(\.description).joined(separator: " -> ")
            problem(p.at(d), "\(display(p)): delegation cycle \(cycle): Contour stops following it")
            return
        }
        legacyReached.insert(target)
        var childController = controller
        if controller == "contour" {
            childController = self.controller(for: child, legacy: true, context: ", so the delegation from \(p.namespace)/\(p.name) fails")
        }
        legacyVisit(child, root: root, delegatedPrefix: prefix, chain: chain + [target], path: path, controller: childController, budget: &budget)
    }

    private func legacyTCPProxy(_ p: Resource, tcp: Node, root: Root, tls: RouteTLS, chain: [NamespacedName], path: [String], controller: String) {
        let services = tcp["services"]
        let serviceItems = list(services, "spec.tcpproxy.services", p)
        let delegate = mapping(tcp["delegate"], "spec.tcpproxy.delegate", p)
        func emitHere(_ backends: [Backend]) {
            emitTCPRoute(p, tcp: tcp, root: root, tls: tls, path: path, controller: controller, backends: backends)
        }
        guard let delegate, serviceItems.isEmpty else {
            if delegate != nil {
                problem(p.at(tcp), "\(display(p)): spec.tcpproxy sets both services and delegate: Contour rejects it")
            } else if serviceItems.isEmpty {
                problem(p.at(tcp), "\(display(p)): spec.tcpproxy has neither services nor delegate: Contour rejects it")
            }
            emitHere(backends(services, field: "spec.tcpproxy.services", namespace: p.namespace, p))
            return
        }
        guard let name = delegate["name"]?.string, !name.isEmpty else {
            problem(p.at(delegate), "\(display(p)): spec.tcpproxy delegate has no name and is ignored")
            emitHere([])
            return
        }
        let ns = delegate["namespace"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? p.namespace
        let target = NamespacedName(ns, name)
        guard let child = legacyRoutes[target] else {
            missingReference(p, at: delegate, text: "delegates its tcpproxy to IngressRoute \(target.description), which is not in the input",
                             host: root.fqdn)
            emitHere([])
            return
        }
        if isRoot(child) || chain.contains(target) {
            problem(p.at(delegate), isRoot(child)
                    ? "\(display(p)): tcpproxy delegates to \(display(child)), which is a root: Contour rejects it"
                    : "\(display(p)): tcpproxy delegation cycle \((chain + [target]).map(\.description).joined(separator: " -> ")): Contour rejects it")
            emitHere([])
            return
        }
        legacyReached.insert(target)
        guard let childTCP = mapping(child.spec?["tcpproxy"], "spec.tcpproxy", child) else {
            problem(p.at(delegate), "\(display(p)): tcpproxy delegates to \(display(child)), which has no spec.tcpproxy: nothing serves \(root.fqdn) over TLS")
            emitHere([])
            return
        }
        var childController = controller
        if controller == "contour" {
            childController = self.controller(for: child, legacy: true, context: ", so the tcpproxy delegation from \(p.namespace)/\(p.name) fails")
        }
        legacyTCPProxy(child, tcp: childTCP, root: root, tls: tls, chain: chain + [target], path: path + ["tcpproxy.delegate"],
                       controller: childController)
    }

    // MARK: Finishing

    /// Makes ids unique (a child reached from several roots or include paths) and hands routes
    /// and findings to the builder.
    func finish() {
        var byID: [String: [Int]] = [:]
        for (i, e) in emitted.enumerated() { byID[e.route.id, default: []].append(i) }
        for (_, idx) in byID where idx.count > 1 {
            var withRoot: [String: [Int]] = [:]
            for i in idx { withRoot[emitted[i].route.id + "@" + emitted[i].rootKey, default: []].append(i) }
            for (id, same) in withRoot {
                for i in same {
                    emitted[i].route.id = same.count == 1 ? id : id + "/" + emitted[i].path.joined(separator: "/")
                }
            }
        }
        for e in emitted { b.add(e.route) }
        for at in missing.keys.sorted() {
            let m = missing[at]!
            let hosts = m.hosts.sorted()
            b.report(Finding(rule: "reference-missing", severity: .warning,
                             message: "\(hosts.joined(separator: ", ")): \(display(m.resource)) \(m.text)",
                             hosts: hosts, resources: [m.resource.ref], source: at))
        }
    }
}

extension String {
    /// Without leading and trailing blanks (Contour's isBlank uses strings.TrimSpace).
    var contourTrimmed: String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else { return "" }
        return String(self[first...last])
    }
}
