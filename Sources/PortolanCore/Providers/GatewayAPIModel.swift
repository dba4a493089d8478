/// Gateway API building blocks: listeners, namespace policies, label selectors and ReferenceGrants,
/// parsed once per object so that route attachment is a dictionary lookup plus cheap checks.
enum GatewayAPI {
    static let group = "gateway.networking.k8s.io"
    static let experimentalGroup = "gateway.networking.x-k8s.io"

    /// Route kinds with their layer.
    static let routeKinds: [(kind: String, layer: String)] = [
        ("HTTPRoute", "http"), ("GRPCRoute", "grpc"), ("TLSRoute", "tls"), ("TCPRoute", "tcp"), ("UDPRoute", "udp"),
    ]

    /// `""` and `core` both name the core group.
    static func coreGroup(_ g: String?) -> String {
        let s = g ?? ""
        return s == "core" ? "" : s
    }

    /// Route kinds a listener accepts when `allowedRoutes.kinds` is empty.
    static func defaultKinds(forProtocol p: String) -> [GroupKind] {
        switch p.uppercased() {
        case "HTTP", "HTTPS": return [GroupKind(group, "HTTPRoute"), GroupKind(group, "GRPCRoute")]
        case "TLS": return [GroupKind(group, "TLSRoute")]
        case "TCP": return [GroupKind(group, "TCPRoute")]
        case "UDP": return [GroupKind(group, "UDPRoute")]
        default: return []
        }
    }
}

struct GroupKind: Hashable, Sendable {
    var group: String
    var kind: String
    init(_ group: String, _ kind: String) { self.group = group; self.kind = kind }
    var display: String { group.isEmpty ? kind : "\(kind).\(group)" }
}

/// A Kubernetes LabelSelector over namespace labels (`matchLabels` and `matchExpressions`).
struct GatewayLabelSelector: Sendable {
    enum Operator: Sendable { case isIn([String]), notIn([String]), exists, doesNotExist }
    var matchLabels: [(key: String, value: String)] = []
    var expressions: [(key: String, op: Operator)] = []

    /// Parses a selector; nil when it cannot be interpreted (a problem is recorded through `problem`).
    static func parse(_ node: Node, problem: (Node, String) -> Void) -> GatewayLabelSelector? {
        guard node.isMapping else {
            problem(node, "label selector is not a mapping")
            return nil
        }
        var s = GatewayLabelSelector()
        if let ml = node["matchLabels"] {
            guard ml.isMapping || ml.isNull else {
                problem(ml, "matchLabels is not a mapping")
                return nil
            }
            for (k, v) in ml.pairs {
                guard let key = k.scalarText, let value = v.scalarText else {
                    problem(v, "matchLabels entry is not a string")
                    return nil
                }
                s.matchLabels.append((key, value))
            }
        }
        if let me = node["matchExpressions"] {
            guard me.isSequence || me.isNull else {
                problem(me, "matchExpressions is not a list")
                return nil
            }
            for e in me.items {
                guard let key = e["key"]?.string, let op = e["operator"]?.string else {
                    problem(e, "matchExpressions entry needs `key` and `operator`")
                    return nil
                }
                let values = e["values"]?.items.compactMap { $0.scalarText } ?? []
                switch op {
                case "In": s.expressions.append((key, .isIn(values)))
                case "NotIn": s.expressions.append((key, .notIn(values)))
                case "Exists": s.expressions.append((key, .exists))
                case "DoesNotExist": s.expressions.append((key, .doesNotExist))
                default:
                    problem(e, "matchExpressions operator \"\(op)\" is not In, NotIn, Exists or DoesNotExist")
                    return nil
                }
            }
        }
        return s
    }

    func matches(_ labels: [String: String]) -> Bool {
        for (k, v) in matchLabels where labels[k] != v { return false }
        for (k, op) in expressions {
            switch op {
            case .isIn(let vs): guard let v = labels[k], vs.contains(v) else { return false }
            case .notIn(let vs): if let v = labels[k], vs.contains(v) { return false }
            case .exists: if labels[k] == nil { return false }
            case .doesNotExist: if labels[k] != nil { return false }
            }
        }
        return true
    }

    var description: String {
        var parts = matchLabels.map { "\($0.key)=\($0.value)" }
        for (k, op) in expressions {
            switch op {
            case .isIn(let vs): parts.append("\(k) in (\(vs.joined(separator: ",")))")
            case .notIn(let vs): parts.append("\(k) notin (\(vs.joined(separator: ",")))")
            case .exists: parts.append(k)
            case .doesNotExist: parts.append("!\(k)")
            }
        }
        return parts.isEmpty ? "everything" : parts.joined(separator: ", ")
    }
}

/// Which namespaces may attach (routes to a listener, or ListenerSets to a Gateway).
enum NamespacePolicy: Sendable {
    case none, same, all
    case selector(GatewayLabelSelector)
    /// Not interpretable: nothing is admitted.
    case invalid(String)

    /// Parses `namespaces: {from, selector}`; `defaultFrom` when `from` is absent.
    static func parse(_ namespaces: Node?, defaultFrom: String, allowNone: Bool,
                      problem: (Node, String) -> Void) -> NamespacePolicy {
        let fromNode = namespaces?["from"]
        let from = fromNode?.string ?? defaultFrom
        switch from {
        case "Same": return .same
        case "All": return .all
        case "None" where allowNone: return .none
        case "Selector":
            guard let sel = namespaces?["selector"], !sel.isNull else {
                if let n = namespaces { problem(n, "from: Selector without a selector admits no namespace") }
                return .invalid("from: Selector has no selector")
            }
            guard let s = GatewayLabelSelector.parse(sel, problem: problem) else {
                return .invalid("its namespace selector cannot be interpreted")
            }
            return .selector(s)
        default:
            if let n = fromNode ?? namespaces { problem(n, "namespaces.from \"\(from)\" is not a known value; no namespace is admitted") }
            return .invalid("namespaces.from \"\(from)\" is not valid")
        }
    }

    func admits(_ namespace: String, owner: String, store: ResourceStore) -> Bool {
        switch self {
        case .none, .invalid: return false
        case .same: return namespace == owner
        case .all: return true
        case .selector(let s): return s.matches(store.labels(ofNamespace: namespace))
        }
    }

    var description: String {
        switch self {
        case .none: return "from None"
        case .same: return "from Same"
        case .all: return "from All"
        case .selector(let s): return "from Selector (\(s.description))"
        case .invalid(let why): return why
        }
    }
}

/// ReferenceGrants, indexed by (target namespace, from, to).
struct ReferenceGrantIndex {
    private struct Key: Hashable {
        var toNamespace: String
        var fromGroup: String
        var fromKind: String
        var fromNamespace: String
        var toGroup: String
        var toKind: String
        /// "" when the grant covers every name.
        var toName: String
    }
    private var keys = Set<Key>()

    init(_ b: GraphBuilder) {
        for g in b.store.all("ReferenceGrant", groups: [GatewayAPI.group]) {
            guard let spec = g.spec else {
                b.problem(g.source, "ReferenceGrant \(g.namespace)/\(g.name) has no spec: it grants nothing")
                continue
            }
            var froms: [(String, String, String)] = []
            for f in spec["from"]?.items ?? [] {
                guard let kind = f["kind"]?.string, let ns = f["namespace"]?.string else {
                    b.problem(g.at(f), "ReferenceGrant \(g.namespace)/\(g.name): a `from` entry without kind or namespace is ignored")
                    continue
                }
                froms.append((GatewayAPI.coreGroup(f["group"]?.string), kind, ns))
            }
            var tos: [(String, String, String)] = []
            for t in spec["to"]?.items ?? [] {
                guard let kind = t["kind"]?.string else {
                    b.problem(g.at(t), "ReferenceGrant \(g.namespace)/\(g.name): a `to` entry without kind is ignored")
                    continue
                }
                tos.append((GatewayAPI.coreGroup(t["group"]?.string), kind, t["name"]?.string ?? ""))
            }
            if froms.isEmpty || tos.isEmpty {
                b.problem(g.at(spec), "ReferenceGrant \(g.namespace)/\(g.name) has no usable `from` or `to` entry: it grants nothing")
            }
            for f in froms {
                for t in tos {
                    keys.insert(Key(toNamespace: g.namespace, fromGroup: f.0, fromKind: f.1, fromNamespace: f.2,
                                    toGroup: t.0, toKind: t.1, toName: t.2))
                }
            }
        }
    }

    func allows(from: GroupKind, fromNamespace: String, to: GroupKind, toNamespace: String, toName: String) -> Bool {
        var k = Key(toNamespace: toNamespace, fromGroup: from.group, fromKind: from.kind, fromNamespace: fromNamespace,
                    toGroup: to.group, toKind: to.kind, toName: toName)
        if keys.contains(k) { return true }
        k.toName = ""
        return keys.contains(k)
    }
}

/// The object that declares listeners: a Gateway, or a ListenerSet attached to one.
struct ListenerOwner: Sendable {
    /// `Gateway`, `ListenerSet` or `XListenerSet`.
    var kind: String
    var group: String
    var namespace: String
    var name: String
    var ref: ObjectRef
    /// The Gateway that serves the listeners.
    var gateway: NamespacedName
    var controller: String

    var display: String { "\(kind) \(namespace)/\(name)" }
}

/// One listener, with its TLS and what it admits.
struct GatewayListener {
    var name: String
    /// As written; nil when absent or empty (any host).
    var hostname: String?
    var hostnameSource: SourceLocation?
    var port: Int?
    var protocolName: String
    var tls: RouteTLS
    var allowedKinds: [GroupKind]
    var namespaces: NamespacePolicy
    var source: SourceLocation
    var owner: ListenerOwner

    /// `Gateway/ns/name/listener` or `ListenerSet/ns/name/listener`.
    var key: String { "\(owner.kind)/\(owner.namespace)/\(owner.name)/\(name)" }

    /// Why a route of this kind from this namespace may not attach (nil: it may).
    func refusal(kind: GroupKind, namespace: String, store: ResourceStore) -> String? {
        if !allowedKinds.contains(kind) {
            let allowed = allowedKinds.isEmpty ? "no route kind" : allowedKinds.map(\.kind).joined(separator: ", ")
            return "it allows \(allowed) (protocol \(protocolName.isEmpty ? "none" : protocolName)), not \(kind.kind)"
        }
        if !namespaces.admits(namespace, owner: owner.namespace, store: store) {
            return "it admits no route from namespace \(namespace) (allowedRoutes.namespaces \(namespaces.description)" +
                (isSame ? " = \(owner.namespace)" : "") + ")"
        }
        return nil
    }

    private var isSame: Bool { if case .same = namespaces { return true } else { return false } }
}

/// A listener-level finding whose hosts are known only once routes have attached.
struct PendingListenerFinding {
    var listenerKey: String
    var finding: Finding
}

enum GatewayListenerParser {
    /// Parses the listeners of a Gateway or ListenerSet.
    static func parseListeners(_ r: Resource, _ listeners: Node?, owner: ListenerOwner, grants: ReferenceGrantIndex,
                        pending: inout [PendingListenerFinding], _ b: GraphBuilder) -> [GatewayListener] {
        guard let listeners, !listeners.isNull else { return [] }
        guard listeners.isSequence else {
            b.problem(r.at(listeners), "\(owner.display): listeners is not a list; no listener is read")
            return []
        }
        var out: [GatewayListener] = []
        var names = Set<String>()
        for l in listeners.items {
            guard let name = l["name"]?.string, !name.isEmpty else {
                b.problem(r.at(l), "\(owner.display): a listener without a name is ignored")
                continue
            }
            if !names.insert(name).inserted {
                b.problem(r.at(l), "\(owner.display): listener name \"\(name)\" is used twice; the second is ignored")
                continue
            }
            let proto = l["protocol"]?.string ?? ""
            if proto.isEmpty {
                b.problem(r.at(l), "\(owner.display): listener \(name) has no protocol; no route kind can attach")
            }
            let port = l["port"]?.int
            if port == nil {
                b.problem(r.at(l["port"] ?? l), "\(owner.display): listener \(name) has no valid port")
            }
            var hostname = l["hostname"]?.string
            if hostname?.isEmpty == true { hostname = nil }
            let upper = proto.uppercased()
            if hostname != nil && (upper == "TCP" || upper == "UDP") {
                b.problem(r.at(l["hostname"]), "\(owner.display): listener \(name) is \(upper), which takes no hostname; the hostname is ignored")
                hostname = nil
            }
            let tls = listenerTLS(r, l, name: name, protocolName: proto, owner: owner, grants: grants, pending: &pending, b)
            let allowed = l["allowedRoutes"]
            var kinds: [GroupKind] = []
            let kindsNode = allowed?["kinds"]
            for k in kindsNode?.items ?? [] {
                guard let kind = k["kind"]?.string else {
                    b.problem(r.at(k), "\(owner.display): listener \(name): an allowedRoutes.kinds entry without kind is ignored")
                    continue
                }
                kinds.append(GroupKind(k["group"]?.string ?? GatewayAPI.group, kind))
            }
            // No kinds listed: the protocol's defaults. (Listed kinds that are all unusable allow nothing.)
            if kinds.isEmpty && (kindsNode?.items.isEmpty ?? true) {
                kinds = GatewayAPI.defaultKinds(forProtocol: proto)
                if kinds.isEmpty && !proto.isEmpty {
                    b.problem(r.at(l), "\(owner.display): listener \(name) has protocol \(proto), which has no default route kinds; set allowedRoutes.kinds")
                }
            }
            let ns = NamespacePolicy.parse(allowed?["namespaces"], defaultFrom: "Same", allowNone: false) { n, msg in
                b.problem(r.at(n), "\(owner.display): listener \(name) allowedRoutes: \(msg)")
            }
            out.append(GatewayListener(name: name, hostname: hostname, hostnameSource: hostname == nil ? nil : l["hostname"].map { r.at($0) },
                                       port: port, protocolName: proto, tls: tls, allowedKinds: kinds, namespaces: ns,
                                       source: r.at(l), owner: owner))
        }
        return out
    }

    /// TLS of a listener: HTTPS, or TLS in Terminate mode, names its certificate secrets; TLS Passthrough
    /// passes through; everything else is plain.
    static func listenerTLS(_ r: Resource, _ l: Node, name: String, protocolName: String, owner: ListenerOwner,
                     grants: ReferenceGrantIndex, pending: inout [PendingListenerFinding], _ b: GraphBuilder) -> RouteTLS {
        let upper = protocolName.uppercased()
        let tlsNode = l["tls"].flatMap { $0.isNull ? nil : $0 }
        let listenerKey = "\(owner.kind)/\(owner.namespace)/\(owner.name)/\(name)"
        switch upper {
        case "HTTP", "TCP", "UDP":
            if let t = tlsNode {
                b.problem(r.at(t), "\(owner.display): listener \(name) is \(upper); its tls block is ignored")
            }
            return .off
        case "HTTPS", "TLS":
            break
        default:
            // A custom protocol: TLS only when a tls block says so.
            if tlsNode == nil { return .off }
        }
        var mode = tlsNode?["mode"]?.string ?? "Terminate"
        if mode != "Terminate" && mode != "Passthrough" {
            b.problem(r.at(tlsNode?["mode"]), "\(owner.display): listener \(name): tls.mode \"\(mode)\" is not Terminate or Passthrough; read as Terminate")
            mode = "Terminate"
        }
        if upper == "HTTPS" && mode == "Passthrough" {
            b.problem(r.at(tlsNode?["mode"]), "\(owner.display): listener \(name): HTTPS allows only tls.mode Terminate; read as Terminate")
            mode = "Terminate"
        }
        if upper == "TLS" && tlsNode?["mode"] == nil {
            b.problem(r.at(tlsNode ?? l), "\(owner.display): listener \(name) is TLS without tls.mode; read as Terminate (the default)")
        }
        if mode == "Passthrough" {
            return RouteTLS(enabled: true, passthrough: true)
        }
        var tls = RouteTLS(enabled: true)
        let refs = tlsNode?["certificateRefs"]?.items ?? []
        // Every Secret reference in order, with the reason the controller refuses it (missing ReferenceGrant).
        var secrets: [(secret: NamespacedName, at: SourceLocation, refused: String?)] = []
        for ref in refs {
            let group = GatewayAPI.coreGroup(ref["group"]?.string)
            let kind = ref["kind"]?.string ?? "Secret"
            guard let secretName = ref["name"]?.string else {
                b.problem(r.at(ref), "\(owner.display): listener \(name): a certificateRef without a name is ignored")
                continue
            }
            guard group.isEmpty && kind == "Secret" else {
                b.problem(r.at(ref), "\(owner.display): listener \(name): certificateRef \(GroupKind(group, kind).display) \(secretName) is not a Secret; it is not interpreted")
                continue
            }
            let ns = ref["namespace"]?.string ?? owner.namespace
            let secret = NamespacedName(ns, secretName)
            let at = r.at(ref)
            var refused: String? = nil
            if ns != owner.namespace,
               !grants.allows(from: GroupKind(owner.group, owner.kind), fromNamespace: owner.namespace,
                              to: GroupKind("", "Secret"), toNamespace: ns, toName: secretName) {
                let reason = "no ReferenceGrant in namespace \(ns) allows \(owner.kind) \(owner.namespace)/\(owner.name) to use Secret \(secret.description)"
                pending.append(PendingListenerFinding(listenerKey: listenerKey, finding: Finding(
                    rule: "reference-grant-missing", severity: .error,
                    message: "\(owner.display) listener \(name) references Secret \(secret.description) in another namespace, but \(reason)",
                    resources: [owner.ref, ObjectRef(group: "", kind: "Secret", namespace: ns, name: secretName)],
                    source: at)))
                refused = reason
            }
            secrets.append((secret, at, refused))
        }
        if let first = secrets.first {
            tls.secret = first.secret
            tls.secretSource = first.at
            tls.secretIssue = first.refused
            // Further secrets the controller accepts (refused ones are reported above).
            tls.extraSecrets = secrets.dropFirst().filter { $0.refused == nil }.map(\.secret)
        } else if refs.isEmpty {
            b.problem(r.at(tlsNode ?? l), "\(owner.display): listener \(name) terminates TLS but has no certificateRefs: the listener is invalid (no certificate to present)")
        } else {
            b.problem(r.at(tlsNode ?? l), "\(owner.display): listener \(name) terminates TLS but none of its certificateRefs names a Secret")
        }
        return tls
    }
}
