/// Gateway API routes: HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute. Attachment to listeners
/// (kinds.md §5.4–5.5), matches, filters and backendRefs (with ReferenceGrants, §5.6).
extension GatewayAPIState {
    /// One match of a rule. `description` is nil for L4 routes, whose description depends on the listener.
    struct ParsedMatch {
        var path: String
        var pathType: String
        var description: String?
        var source: SourceLocation
    }

    struct ParsedRule {
        var matches: [ParsedMatch]
        var middlewares: [String]
        var backends: [Backend]
        /// Findings about this rule's backendRefs, completed with hosts and route ids once entries exist.
        var findings: [Finding]
    }

    /// A listener a route attached to, with the hosts the intersection gives.
    struct Attachment {
        var listener: GatewayListener
        var hosts: [String]
        var hostSources: HostSources
    }

    enum ParentOutcome {
        case attached([Attachment])
        /// The reason, the objects concerned, and the hosts the route meant to serve there (nil: unknown).
        case refused(String, [ObjectRef], hosts: [String]? = nil)
        /// Not an ingress parent (a problem was recorded).
        case skipped
    }

    mutating func processRoute(_ r: Resource, layer: String) {
        let what = "\(r.kind) \(r.namespace)/\(r.name)"
        guard let spec = r.spec, spec.isMapping else {
            b.problem(r.source, "\(what) has no spec; it routes nothing")
            return
        }
        // Hostnames (HTTPRoute, GRPCRoute, TLSRoute).
        var hostnames: [(name: String, at: SourceLocation)] = []
        if let hn = spec["hostnames"], !hn.isNull {
            if layer == "tcp" || layer == "udp" {
                b.problem(r.at(hn), "\(what): \(r.kind) has no hostnames field; it is ignored")
            } else if !hn.isSequence {
                b.problem(r.at(hn), "\(what): hostnames is not a list; read as no hostnames")
            } else {
                for h in hn.items {
                    guard let s = h.string, !s.isEmpty else {
                        b.problem(r.at(h), "\(what): an empty or non-string hostname is ignored")
                        continue
                    }
                    hostnames.append((s, r.at(h)))
                }
            }
        }
        let declaredHosts = hostnames.map { HostNames.normalize($0.name) }
        let rules = parseRules(r, spec, layer: layer)

        // Parents.
        var attachments: [Attachment] = []
        var seenListeners = Set<String>()
        let refs = spec["parentRefs"]
        if let refs, !refs.isNull, !refs.isSequence {
            b.problem(r.at(refs), "\(what): parentRefs is not a list")
        }
        let refItems = refs?.items ?? []
        if refItems.isEmpty {
            b.report(Finding(rule: "gateway-attachment-invalid", severity: .error,
                             message: "\(what)\(hostSuffix(declaredHosts)) has no parentRefs: it is attached to no Gateway and serves nothing",
                             hosts: uniqueSorted(declaredHosts), resources: [r.ref], source: r.at(refs ?? spec)))
        }
        for ref in refItems {
            switch resolveParent(ref, route: r, layer: layer, hostnames: hostnames) {
            case .attached(let list):
                for a in list where seenListeners.insert(a.listener.key).inserted { attachments.append(a) }
            case .refused(let reason, let resources, let intended):
                let hosts = uniqueSorted(intended.flatMap { $0.isEmpty ? nil : $0 } ?? declaredHosts)
                b.report(Finding(rule: "gateway-attachment-invalid", severity: .error,
                                 message: "\(what)\(hostSuffix(hosts)): \(reason)",
                                 hosts: hosts, resources: [r.ref] + resources, source: r.at(ref)))
            case .skipped:
                break
            }
        }

        // Entries: rule × match × listener.
        var idsByRule: [Int: [String]] = [:]
        var hostsByRule: [Int: Set<String>] = [:]
        for a in attachments {
            hostsByListener[a.listener.key, default: []].formUnion(a.hosts)
            let l = a.listener
            for (ri, rule) in rules.enumerated() {
                for (mi, m) in rule.matches.enumerated() {
                    let desc = m.description ?? l4Description(layer: layer, listener: l, hosts: a.hosts)
                    var route = Route(provider: .gatewayAPI, resource: r, ruleIndex: ri, matchIndex: mi,
                                      idSuffix: "\(ri).\(mi)@\(l.key)", hosts: a.hosts, path: m.path, pathType: m.pathType,
                                      match: desc, tls: l.tls, backends: rule.backends, controllers: [l.owner.controller],
                                      matchSource: m.source, layer: layer)
                    route.hostSources = a.hostSources
                    route.parent = l.key
                    route.middlewares = rule.middlewares
                    route.entryPoints = ["\(l.protocolName):\(l.port.map(String.init) ?? "?")"]
                    idsByRule[ri, default: []].append(route.id)
                    hostsByRule[ri, default: []].formUnion(a.hosts)
                    b.add(route)
                }
            }
        }

        // Backend findings, now that the hosts and routes through each rule are known.
        for (ri, rule) in rules.enumerated() {
            for var f in rule.findings {
                let hosts = hostsByRule[ri].map { $0.sorted() } ?? uniqueSorted(declaredHosts)
                f.hosts = hosts
                f.routes = (idsByRule[ri] ?? []).sorted()
                if !hosts.isEmpty { f.message = hosts.joined(separator: ", ") + ": " + f.message }
                b.report(f)
            }
        }
    }

    private func l4Description(layer: String, listener l: GatewayListener, hosts: [String]) -> String {
        switch layer {
        case "tls": return "SNI " + hosts.joined(separator: ", ")
        default: return "\(layer.uppercased()) port \(l.port.map(String.init) ?? "?")"
        }
    }

    // MARK: Attachment

    /// Resolves one parentRef to the listeners it selects that accept the route (kinds.md §5.5).
    func resolveParent(_ ref: Node, route r: Resource, layer: String, hostnames: [(name: String, at: SourceLocation)]) -> ParentOutcome {
        let group = ref["group"]?.string ?? GatewayAPI.group
        let kind = ref["kind"]?.string ?? "Gateway"
        let ns = ref["namespace"]?.string ?? r.namespace
        guard let name = ref["name"]?.string, !name.isEmpty else {
            return .refused("a parentRef without a name selects nothing", [])
        }
        var section = ref["sectionName"]?.string
        if section?.isEmpty == true { section = nil }
        let portNode = ref["port"]
        let port = portNode?.int
        if let portNode, !portNode.isNull, port == nil {
            b.problem(r.at(portNode), "\(r.kind) \(r.namespace)/\(r.name): parentRef port is not a number; ignored")
        }

        let parentDisplay = "\(kind) \(ns)/\(name)"
        let parentRef = ObjectRef(group: group, kind: kind, namespace: ns, name: name)
        var candidates: [GatewayListener]
        switch (group, kind) {
        case (GatewayAPI.group, "Gateway"):
            guard let gw = gateways[NamespacedName(ns, name)] else {
                return .refused("parentRef Gateway \(ns)/\(name) is not in the input", [parentRef])
            }
            // A Gateway parent selects only the Gateway's own listeners, never those of its ListenerSets (GEP-1713).
            candidates = gw.listeners
        case (GatewayAPI.group, "ListenerSet"), (GatewayAPI.experimentalGroup, "XListenerSet"):
            guard let ls = listenerSets[parentRef] else {
                return .refused("parentRef \(parentDisplay) is not in the input", [parentRef])
            }
            if let refusal = ls.refusal {
                let intended = hostnames.isEmpty ? ls.hosts
                    : hostnames.map { HostNames.normalize($0.name) }.filter { h in ls.hosts.contains { HostNames.gatewayIntersection(listener: $0, route: h) != nil } }
                return .refused("parentRef \(parentDisplay) is not attached to a Gateway (\(refusal))", [parentRef], hosts: intended)
            }
            candidates = ls.listeners
        default:
            if GatewayAPI.coreGroup(group).isEmpty && kind == "Service" {
                b.problem(r.at(ref), "\(r.kind) \(r.namespace)/\(r.name): parentRef Service \(ns)/\(name) is mesh (GAMMA) routing, not ingress; not shown")
            } else {
                b.problem(r.at(ref), "\(r.kind) \(r.namespace)/\(r.name): parentRef \(GroupKind(group, kind).display) \(ns)/\(name) is not a Gateway or ListenerSet; not interpreted")
            }
            return .skipped
        }
        if candidates.isEmpty {
            return .refused("parentRef \(parentDisplay) has no listeners", [parentRef])
        }
        if let section {
            candidates = candidates.filter { $0.name == section }
            if candidates.isEmpty {
                return .refused("parentRef \(parentDisplay) has no listener named \"\(section)\"", [parentRef])
            }
        }
        if let port {
            candidates = candidates.filter { $0.port == port }
            if candidates.isEmpty {
                return .refused("parentRef \(parentDisplay)" + (section.map { " listener \"\($0)\"" } ?? "") +
                                " has no listener on port \(port)", [parentRef])
            }
        }
        let selected = section.map { "\(parentDisplay) listener \($0)" } ?? (port.map { "\(parentDisplay) port \($0)" } ?? parentDisplay)

        let routeKind = GroupKind(r.group, r.kind)
        var out: [Attachment] = []
        var reasons: [String] = []
        var intended: [String] = []
        for l in candidates {
            let why = l.refusal(kind: routeKind, namespace: r.namespace, store: b.store)
            var hosts: [String] = []
            var sources = HostSources()
            if layer == "tcp" || layer == "udp" {
                hosts = ["*"]
                sources["*"] = l.source
            } else if hostnames.isEmpty {
                let h = HostNames.gatewayIntersection(listener: l.hostname, route: nil) ?? "*"
                hosts = [h]
                sources[h] = l.hostnameSource ?? l.source
            } else {
                for (h, at) in hostnames {
                    guard let x = HostNames.gatewayIntersection(listener: l.hostname, route: h) else { continue }
                    if sources[x] == nil {
                        hosts.append(x)
                        sources[x] = at
                    }
                }
                if hosts.isEmpty && why == nil {
                    reasons.append((candidates.count > 1 ? "listener \(l.name): " : "") +
                                   "its hostname \(l.hostname ?? "*") intersects none of the route's hostnames (\(hostnames.map(\.name).joined(separator: ", ")))")
                    continue
                }
            }
            intended += hosts
            if let why {
                reasons.append((candidates.count > 1 ? "listener \(l.name): " : "") + why)
                continue
            }
            out.append(Attachment(listener: l, hosts: hosts, hostSources: sources))
        }
        if out.isEmpty {
            return .refused("parentRef \(selected) refuses it: " + reasons.joined(separator: "; "), [parentRef], hosts: intended)
        }
        return .attached(out)
    }

    // MARK: Rules

    func parseRules(_ r: Resource, _ spec: Node, layer: String) -> [ParsedRule] {
        let what = "\(r.kind) \(r.namespace)/\(r.name)"
        let rulesNode = spec["rules"]
        if let rulesNode, !rulesNode.isNull, !rulesNode.isSequence {
            b.problem(r.at(rulesNode), "\(what): rules is not a list; it routes nothing")
            return []
        }
        var ruleNodes: [Node?] = (rulesNode?.items ?? []).map { Optional($0) }
        if ruleNodes.isEmpty {
            if layer == "http" {
                // The CRD default: one rule matching PathPrefix / with no backends.
                ruleNodes = [nil]
            } else {
                b.problem(r.at(rulesNode ?? spec), "\(what) has no rules; it routes nothing")
                return []
            }
        }
        return ruleNodes.map { rn in
            var rule = ParsedRule(matches: parseMatches(r, rn, spec: spec, layer: layer), middlewares: [], backends: [], findings: [])
            for f in rn?["filters"]?.items ?? [] { rule.middlewares.append(describeFilter(f, route: r)) }
            for br in rn?["backendRefs"]?.items ?? [] {
                guard let be = backend(br, route: r, findings: &rule.findings) else { continue }
                rule.backends.append(be)
                for f in br["filters"]?.items ?? [] {
                    rule.middlewares.append("backend \(be.display): " + describeFilter(f, route: r))
                }
            }
            return rule
        }
    }

    private func parseMatches(_ r: Resource, _ rn: Node?, spec: Node, layer: String) -> [ParsedMatch] {
        let ruleAt = r.at(rn ?? spec)
        switch layer {
        case "http":
            let ms = rn?["matches"]?.items ?? []
            if ms.isEmpty { return [ParsedMatch(path: "/", pathType: "PathPrefix", description: "PathPrefix /", source: ruleAt)] }
            return ms.map { m in
                let p = m["path"]
                var type = p?["type"]?.string ?? "PathPrefix"
                if !["PathPrefix", "Exact", "RegularExpression"].contains(type) {
                    b.problem(r.at(p?["type"]), "\(r.kind) \(r.namespace)/\(r.name): path type \"\(type)\" is not PathPrefix, Exact or RegularExpression; read as PathPrefix")
                    type = "PathPrefix"
                }
                let value = p?["value"]?.string ?? "/"
                var parts = ["\(type) \(value)"]
                parts += headerLike(m["headers"], label: "header")
                parts += headerLike(m["queryParams"], label: "query")
                if let method = m["method"]?.string { parts.append("method \(method)") }
                return ParsedMatch(path: value, pathType: type, description: parts.joined(separator: ", "), source: r.at(m))
            }
        case "grpc":
            let ms = rn?["matches"]?.items ?? []
            if ms.isEmpty { return [ParsedMatch(path: "/", pathType: "GRPC", description: "any gRPC method", source: ruleAt)] }
            return ms.map { m in
                let method = m["method"]
                let type = method?["type"]?.string ?? "Exact"
                let svc = method?["service"]?.string, name = method?["method"]?.string
                let path: String
                switch (svc, name) {
                case let (s?, n?): path = "/\(s)/\(n)"
                case let (s?, nil): path = "/\(s)/"
                case let (nil, n?): path = "/*/\(n)"
                case (nil, nil): path = "/"
                }
                var parts: [String] = []
                if svc != nil || name != nil {
                    parts.append("GRPC " + (type == "Exact" ? "" : "\(type) ") + "\(svc ?? "*")/\(name ?? "*")")
                }
                parts += headerLike(m["headers"], label: "header")
                return ParsedMatch(path: path, pathType: "GRPC", description: parts.isEmpty ? "any gRPC method" : parts.joined(separator: ", "),
                                   source: r.at(m))
            }
        default:
            // TLSRoute, TCPRoute, UDPRoute: no matches; one entry per rule.
            return [ParsedMatch(path: "/", pathType: "", description: nil, source: ruleAt)]
        }
    }

    /// `header name=value` (Exact) or `header name~value` (RegularExpression).
    private func headerLike(_ n: Node?, label: String) -> [String] {
        (n?.items ?? []).compactMap { h in
            guard let name = h["name"]?.string else { return nil }
            let value = h["value"]?.scalarText ?? ""
            let op = (h["type"]?.string ?? "Exact") == "RegularExpression" ? "~" : "="
            return "\(label) \(name)\(op)\(value)"
        }
    }

    /// A filter as a readable string: `RequestRedirect scheme=https statusCode=301`, `ExtensionRef Kind.group ns/name`...
    func describeFilter(_ f: Node, route r: Resource) -> String {
        guard let type = f["type"]?.string else {
            b.problem(r.at(f), "\(r.kind) \(r.namespace)/\(r.name): a filter without a type is ignored")
            return "filter without type"
        }
        func pathModifier(_ p: Node?) -> String? {
            guard let p else { return nil }
            let t = p["type"]?.string ?? "?"
            let v = p["replaceFullPath"]?.string ?? p["replacePrefixMatch"]?.string ?? ""
            return "path \(t) \(v)"
        }
        func headerModifier(_ m: Node?) -> String {
            var parts: [String] = []
            for h in m?["set"]?.items ?? [] { parts.append("set \(h["name"]?.string ?? "?")=\(h["value"]?.scalarText ?? "")") }
            for h in m?["add"]?.items ?? [] { parts.append("add \(h["name"]?.string ?? "?")=\(h["value"]?.scalarText ?? "")") }
            for h in m?["remove"]?.items ?? [] { parts.append("remove \(h.scalarText ?? "?")") }
            return parts.joined(separator: ", ")
        }
        var detail: [String] = []
        switch type {
        case "RequestHeaderModifier":
            detail.append(headerModifier(f["requestHeaderModifier"]))
        case "ResponseHeaderModifier":
            detail.append(headerModifier(f["responseHeaderModifier"]))
        case "RequestRedirect":
            let rr = f["requestRedirect"]
            for k in ["scheme", "hostname", "port"] { if let v = rr?[k]?.scalarText { detail.append("\(k)=\(v)") } }
            if let p = pathModifier(rr?["path"]) { detail.append(p) }
            detail.append("statusCode=\(rr?["statusCode"]?.scalarText ?? "302")")
        case "URLRewrite":
            let u = f["urlRewrite"]
            if let h = u?["hostname"]?.string { detail.append("hostname=\(h)") }
            if let p = pathModifier(u?["path"]) { detail.append(p) }
        case "RequestMirror":
            let m = f["requestMirror"]
            if let br = m?["backendRef"] {
                let ns = br["namespace"]?.string ?? r.namespace
                let port = br["port"]?.scalarText.map { ":\($0)" } ?? ""
                let kind = br["kind"]?.string ?? "Service"
                detail.append((kind == "Service" ? "" : "\(kind) ") + "\(ns)/\(br["name"]?.string ?? "?")\(port)")
            }
            if let pct = m?["percent"]?.scalarText { detail.append("\(pct)%") }
            if let fr = m?["fraction"], let num = fr["numerator"]?.scalarText {
                detail.append("\(num)/\(fr["denominator"]?.scalarText ?? "100")")
            }
        case "ExtensionRef":
            let e = f["extensionRef"]
            let g = e?["group"]?.string ?? ""
            detail.append("\(GroupKind(g, e?["kind"]?.string ?? "?").display) \(r.namespace)/\(e?["name"]?.string ?? "?")")
        default:
            break
        }
        let d = detail.filter { !$0.isEmpty }.joined(separator: ", ")
        return d.isEmpty ? type : "\(type) \(d)"
    }

    // MARK: Backends

    /// A backendRef as a Backend: Services resolve through the builder, with the ReferenceGrant and ExternalName checks.
    func backend(_ br: Node, route r: Resource, findings: inout [Finding]) -> Backend? {
        let what = "\(r.kind) \(r.namespace)/\(r.name)"
        let at = r.at(br)
        guard let name = br["name"]?.string, !name.isEmpty else {
            b.problem(at, "\(what): a backendRef without a name is ignored")
            return nil
        }
        let group = GatewayAPI.coreGroup(br["group"]?.string)
        let kind = br["kind"]?.string ?? "Service"
        let ns = br["namespace"]?.string ?? r.namespace
        let port = br["port"]?.scalarText ?? ""
        var weight = 1
        if let w = br["weight"], !w.isNull {
            if let v = w.int { weight = v } else { b.problem(r.at(w), "\(what): backendRef weight is not a number; read as 1") }
        }
        guard group.isEmpty && kind == "Service" else {
            b.problem(at, "\(what): backendRef \(GroupKind(group, kind).display) \(ns)/\(name) is not a Service; it is not resolved")
            return Backend(kind: kind, group: group, namespace: ns, name: name, port: port, weight: weight, resolved: false, source: at)
        }
        var rejection: BackendIssue? = nil
        if ns != r.namespace,
           !grants.allows(from: GroupKind(r.group, r.kind), fromNamespace: r.namespace, to: GroupKind("", "Service"),
                          toNamespace: ns, toName: name) {
            let reason = "no ReferenceGrant in namespace \(ns) allows \(r.kind) \(r.namespace)/\(r.name) to reference Service \(ns)/\(name)"
            rejection = .rejected(rule: "reference-grant-missing", reason: reason)
            findings.append(Finding(rule: "reference-grant-missing", severity: .error,
                                    message: "\(what) backendRef Service \(ns)/\(name) is in another namespace, but \(reason)",
                                    resources: [r.ref, ObjectRef(group: "", kind: "Service", namespace: ns, name: name)], source: at))
        } else if let svc = b.services[NamespacedName(ns, name)], svc.type == "ExternalName" {
            rejection = .rejected(rule: "backend-reference-rejected",
                                  reason: "\(ns)/\(name) is an ExternalName Service; Gateway API implementations should not support ExternalName Services")
        }
        var be = b.serviceBackend(namespace: ns, name: name, port: port, weight: weight, source: at, rejection: rejection)
        if port.isEmpty && rejection == nil {
            b.problem(at, "\(what): backendRef Service \(ns)/\(name) has no port; Gateway API requires the Service port")
            be.resolved = false
            be.issue = .portMissing
        }
        return be
    }
}
