/// Gateway API (`gateway.networking.k8s.io`, and `gateway.networking.x-k8s.io` XListenerSet): GatewayClasses name
/// controllers, Gateways and ListenerSets declare listeners, routes attach to listeners through `parentRefs`
/// (kinds.md §5). One route entry per rule × match × attached listener.
struct GatewayAPIProcessor: GraphProcessor {
    func run(_ b: GraphBuilder) {
        var state = GatewayAPIState(b)
        state.readClasses()
        state.readGateways()
        state.readListenerSets()
        for (kind, layer) in GatewayAPI.routeKinds {
            b.store.all(kind, groups: [GatewayAPI.group]).forEachPrefetching { state.processRoute($0, layer: layer) }
        }
        state.emitListenerFindings()
    }
}

/// Everything the processor indexes once, then reads per route.
struct GatewayAPIState {
    let b: GraphBuilder
    let grants: ReferenceGrantIndex
    /// GatewayClass name → short controller.
    var classes: [String: String] = [:]
    /// Gateways by namespace/name.
    var gateways: [NamespacedName: GatewayInfo] = [:]
    /// Attached or refused ListenerSets by (group, kind, namespace, name).
    var listenerSets: [ObjectRef: ListenerSetInfo] = [:]
    /// Findings about listeners, waiting for the hosts routed through them.
    var pending: [PendingListenerFinding] = []
    /// Hosts routed through each listener (by listener key).
    var hostsByListener: [String: Set<String>] = [:]

    struct GatewayInfo {
        var resource: Resource
        var owner: ListenerOwner
        var listeners: [GatewayListener]
        var allowedListeners: NamespacePolicy
    }

    struct ListenerSetInfo {
        var resource: Resource
        var owner: ListenerOwner?
        var listeners: [GatewayListener]
        /// Why the ListenerSet is not attached to its Gateway (nil: attached).
        var refusal: String?
        /// The hostnames its listeners declare.
        var hosts: [String] = []
    }

    init(_ b: GraphBuilder) {
        self.b = b
        self.grants = ReferenceGrantIndex(b)
    }

    // MARK: Classes, Gateways, ListenerSets

    mutating func readClasses() {
        for c in b.store.all("GatewayClass", groups: [GatewayAPI.group]) {
            guard let name = c.spec?["controllerName"]?.string, !name.isEmpty else {
                b.problem(c.at(c.spec), "GatewayClass \(c.name) has no spec.controllerName; its Gateways are served by an unknown controller")
                classes[c.name] = "unknown"
                continue
            }
            let short = ControllerNames.short(name)
            classes[c.name] = short
            b.presentControllers.insert(short)
        }
    }

    mutating func readGateways() {
        for g in b.store.all("Gateway", groups: [GatewayAPI.group]) {
            let spec = g.spec
            var controller = "unknown"
            if let cls = spec?["gatewayClassName"]?.string, !cls.isEmpty {
                if let c = classes[cls] {
                    controller = c
                } else {
                    b.problem(g.at(spec?["gatewayClassName"]),
                              "Gateway \(g.namespace)/\(g.name): GatewayClass \(cls) is not in the input; controller unknown")
                }
            } else {
                b.problem(g.at(spec), "Gateway \(g.namespace)/\(g.name) has no spec.gatewayClassName; controller unknown")
            }
            let owner = ListenerOwner(kind: "Gateway", group: GatewayAPI.group, namespace: g.namespace, name: g.name, ref: g.ref,
                                      gateway: g.namespacedName, controller: controller)
            let listeners = GatewayListenerParser.parseListeners(g, spec?["listeners"], owner: owner, grants: grants, pending: &pending, b)
            let allowed = NamespacePolicy.parse(spec?["allowedListeners"]?["namespaces"], defaultFrom: "None", allowNone: true) { n, msg in
                b.problem(g.at(n), "Gateway \(g.namespace)/\(g.name) allowedListeners: \(msg)")
            }
            gateways[g.namespacedName] = GatewayInfo(resource: g, owner: owner, listeners: listeners, allowedListeners: allowed)
        }
    }

    mutating func readListenerSets() {
        let sets = b.store.all("ListenerSet", groups: [GatewayAPI.group])
            + b.store.all("XListenerSet", groups: [GatewayAPI.experimentalGroup])
        for s in sets {
            let parent = s.spec?["parentRef"]
            let declaredHosts = (s.spec?["listeners"]?.items ?? []).compactMap { $0["hostname"]?.string }.map(HostNames.normalize)
            var info = ListenerSetInfo(resource: s, owner: nil, listeners: [], refusal: nil, hosts: uniqueSorted(declaredHosts))
            defer { listenerSets[s.ref] = info }
            func refuse(_ reason: String, resources: [ObjectRef]) {
                info.refusal = reason
                b.report(Finding(rule: "gateway-attachment-invalid", severity: .error,
                                 message: "\(s.kind) \(s.namespace)/\(s.name)" + hostSuffix(declaredHosts) + ": \(reason); its listeners serve nothing",
                                 hosts: uniqueSorted(declaredHosts), resources: [s.ref] + resources, source: s.at(parent ?? s.spec)))
            }
            guard let parent, let gwName = parent["name"]?.string else {
                refuse("spec.parentRef names no Gateway", resources: [])
                continue
            }
            let group = parent["group"]?.string ?? GatewayAPI.group
            let kind = parent["kind"]?.string ?? "Gateway"
            let ns = parent["namespace"]?.string ?? s.namespace
            let gwRef = ObjectRef(group: GatewayAPI.group, kind: "Gateway", namespace: ns, name: gwName)
            guard group == GatewayAPI.group, kind == "Gateway" else {
                refuse("spec.parentRef is \(GroupKind(group, kind).display) \(ns)/\(gwName), not a Gateway", resources: [])
                continue
            }
            guard let gw = gateways[NamespacedName(ns, gwName)] else {
                refuse("parent Gateway \(ns)/\(gwName) is not in the input", resources: [gwRef])
                continue
            }
            guard gw.allowedListeners.admits(s.namespace, owner: gw.owner.namespace, store: b.store) else {
                let why: String
                switch gw.allowedListeners {
                case .none: why = "allowedListeners.namespaces.from is None (the default): no ListenerSet may attach"
                case .same: why = "allowedListeners.namespaces.from is Same: only ListenerSets in namespace \(ns) may attach"
                default: why = "allowedListeners.namespaces \(gw.allowedListeners.description) does not admit namespace \(s.namespace)"
                }
                refuse("Gateway \(ns)/\(gwName) refuses it: \(why)", resources: [gwRef])
                continue
            }
            let owner = ListenerOwner(kind: s.kind, group: s.group, namespace: s.namespace, name: s.name, ref: s.ref,
                                      gateway: gw.resource.namespacedName, controller: gw.owner.controller)
            info.owner = owner
            info.listeners = GatewayListenerParser.parseListeners(s, s.spec?["listeners"], owner: owner, grants: grants, pending: &pending, b)
        }
    }

    // MARK: Listener findings

    mutating func emitListenerFindings() {
        for p in pending {
            var f = p.finding
            let hosts = (hostsByListener[p.listenerKey] ?? []).sorted()
            f.hosts = hosts
            f.message = (hosts.isEmpty ? "" : hosts.joined(separator: ", ") + ": ") + f.message
            b.report(f)
        }
        pending.removeAll()
    }
}

func uniqueSorted(_ xs: [String]) -> [String] { Array(Set(xs)).sorted() }

/// ` (a.example.com, b.example.com)` or "" when no host is known.
func hostSuffix(_ hosts: [String]) -> String {
    let u = uniqueSorted(hosts)
    return u.isEmpty ? "" : " (\(u.joined(separator: ", ")))"
}
