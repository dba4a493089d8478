/// The API family a route comes from.
public enum Provider: String, Sendable, CaseIterable, Hashable, Comparable {
    case ingress
    case traefik
    case contour
    case gatewayAPI = "gateway-api"

    public static func < (a: Provider, b: Provider) -> Bool { a.rawValue < b.rawValue }
}

/// TLS of one route (or of the listener it is attached to).
public struct RouteTLS: Sendable, Hashable {
    /// TLS is terminated (or passed through) for this route.
    public var enabled: Bool
    /// The secret the route or listener names (namespace/name), if any.
    public var secret: NamespacedName?
    /// Where the secret is named.
    public var secretSource: SourceLocation?
    /// Traefik ACME certResolver.
    public var resolver: String?
    /// Traefik `tls.domains` (main and sans) for the resolver.
    public var domains: [String]
    /// TLS is not terminated by the proxy.
    public var passthrough: Bool
    /// Further secrets (a Gateway listener with several certificateRefs).
    public var extraSecrets: [NamespacedName] = []
    /// Why the controller refuses the named secret (missing ReferenceGrant or TLSCertificateDelegation...).
    public var secretIssue: String? = nil

    public init(enabled: Bool = false, secret: NamespacedName? = nil, secretSource: SourceLocation? = nil,
                resolver: String? = nil, domains: [String] = [], passthrough: Bool = false) {
        self.enabled = enabled; self.secret = secret; self.secretSource = secretSource
        self.resolver = resolver; self.domains = domains; self.passthrough = passthrough
    }

    public static let off = RouteTLS()
}

/// Why a backend does not resolve.
public enum BackendIssue: Sendable, Hashable {
    case serviceMissing
    case portMissing
    /// The controller refuses the reference (cross-namespace, ExternalName, missing ReferenceGrant...).
    case rejected(rule: String, reason: String)
    /// A TraefikService or other indirection that is not in the input.
    case referenceMissing
}

/// One backend of a route: normally a Service and port.
public struct Backend: Sendable, Hashable {
    /// `Service`, `TraefikService`, or the kind of an Ingress `resource` backend.
    public var kind: String
    public var group: String
    public var namespace: String
    public var name: String
    /// The port as written (number or name), "" when none.
    public var port: String
    public var weight: Int?
    public var resolved: Bool
    public var issue: BackendIssue?
    /// Where the backend is written.
    public var source: SourceLocation
    /// The chain it was reached through, e.g. "TraefikService shop/canary".
    public var via: String?

    public init(kind: String = "Service", group: String = "", namespace: String, name: String, port: String,
                weight: Int? = nil, resolved: Bool = false, issue: BackendIssue? = nil, source: SourceLocation, via: String? = nil) {
        self.kind = kind; self.group = group; self.namespace = namespace; self.name = name; self.port = port
        self.weight = weight; self.resolved = resolved; self.issue = issue; self.source = source; self.via = via
    }

    public var display: String {
        port.isEmpty ? "\(namespace)/\(name)" : "\(namespace)/\(name):\(port)"
    }
}

final class RouteStorage: @unchecked Sendable {
    var id: String
    var provider: Provider
    var controller: String
    var controllers: [String]
    var kind: String
    var apiVersion: String
    var namespace: String
    var name: String
    var resource: ObjectRef
    var hosts: [String]
    var hostSources: HostSources
    var path: String
    var pathType: String
    var match: String
    var tls: RouteTLS
    var backends: [Backend]
    var source: SourceLocation
    var matchSource: SourceLocation
    var entryPoints: [String]
    var priority: Int?
    var parent: String?
    var layer: String
    var middlewares: [String]
    var ruleIndex: Int
    var matchIndex: Int
    var environment: String? = nil
    var patchedBy: [String] = []
    init(id: String, provider: Provider, controller: String, controllers: [String], kind: String, apiVersion: String, namespace: String, name: String, resource: ObjectRef, hosts: [String], hostSources: HostSources, path: String, pathType: String, match: String, tls: RouteTLS, backends: [Backend], source: SourceLocation, matchSource: SourceLocation, entryPoints: [String], priority: Int?, parent: String?, layer: String, middlewares: [String], ruleIndex: Int, matchIndex: Int) {
        self.id = id
        self.provider = provider
        self.controller = controller
        self.controllers = controllers
        self.kind = kind
        self.apiVersion = apiVersion
        self.namespace = namespace
        self.name = name
        self.resource = resource
        self.hosts = hosts
        self.hostSources = hostSources
        self.path = path
        self.pathType = pathType
        self.match = match
        self.tls = tls
        self.backends = backends
        self.source = source
        self.matchSource = matchSource
        self.entryPoints = entryPoints
        self.priority = priority
        self.parent = parent
        self.layer = layer
        self.middlewares = middlewares
        self.ruleIndex = ruleIndex
        self.matchIndex = matchIndex
    }
    func copy() -> RouteStorage {
        let c = RouteStorage(id: id, provider: provider, controller: controller, controllers: controllers, kind: kind, apiVersion: apiVersion, namespace: namespace, name: name, resource: resource, hosts: hosts, hostSources: hostSources, path: path, pathType: pathType, match: match, tls: tls, backends: backends, source: source, matchSource: matchSource, entryPoints: entryPoints, priority: priority, parent: parent, layer: layer, middlewares: middlewares, ruleIndex: ruleIndex, matchIndex: matchIndex)
        c.environment = environment
        c.patchedBy = patchedBy
        return c
    }
}

/// One declared route: a host set and one path match leading to backends.
/// A value type backed by one shared, copy-on-write storage object: copying a route (sorting, filtering,
/// iterating) costs one reference count, not one per field.
public struct Route: Sendable {
    private var box: RouteStorage

    private mutating func unique() -> RouteStorage {
        if !isKnownUniquelyReferenced(&box) { box = box.copy() }
        return box
    }

    /// `provider/Kind/namespace/name#R.M` (+ `@Gateway/ns/name/listener` for Gateway API; `#default` for an Ingress default backend).
    public var id: String {
        _read { yield box.id }
        set { unique().id = newValue }
        _modify { let b = unique(); yield &b.id }
    }
    public var provider: Provider {
        _read { yield box.provider }
        set { unique().provider = newValue }
        _modify { let b = unique(); yield &b.provider }
    }
    /// The controller that serves it (the first of `controllers`).
    public var controller: String {
        _read { yield box.controller }
        set { unique().controller = newValue }
        _modify { let b = unique(); yield &b.controller }
    }
    /// Every controller that accepts the object (two for a doubly served Ingress).
    public var controllers: [String] {
        _read { yield box.controllers }
        set { unique().controllers = newValue }
        _modify { let b = unique(); yield &b.controllers }
    }
    public var kind: String {
        _read { yield box.kind }
        set { unique().kind = newValue }
        _modify { let b = unique(); yield &b.kind }
    }
    public var apiVersion: String {
        _read { yield box.apiVersion }
        set { unique().apiVersion = newValue }
        _modify { let b = unique(); yield &b.apiVersion }
    }
    public var namespace: String {
        _read { yield box.namespace }
        set { unique().namespace = newValue }
        _modify { let b = unique(); yield &b.namespace }
    }
    public var name: String {
        _read { yield box.name }
        set { unique().name = newValue }
        _modify { let b = unique(); yield &b.name }
    }
    public var resource: ObjectRef {
        _read { yield box.resource }
        set { unique().resource = newValue }
        _modify { let b = unique(); yield &b.resource }
    }
    /// Hostnames that reach this route; `*` for a catch-all.
    public var hosts: [String] {
        _read { yield box.hosts }
        set { unique().hosts = newValue }
        _modify { let b = unique(); yield &b.hosts }
    }
    /// Where each host is written (for findings).
    public var hostSources: HostSources {
        _read { yield box.hostSources }
        set { unique().hostSources = newValue }
        _modify { let b = unique(); yield &b.hostSources }
    }
    public var path: String {
        _read { yield box.path }
        set { unique().path = newValue }
        _modify { let b = unique(); yield &b.path }
    }
    /// Prefix, Exact, ImplementationSpecific, PathPrefix, RegularExpression, Regexp... (as the API calls it).
    public var pathType: String {
        _read { yield box.pathType }
        set { unique().pathType = newValue }
        _modify { let b = unique(); yield &b.pathType }
    }
    /// The match as written (Traefik rule) or described.
    public var match: String {
        _read { yield box.match }
        set { unique().match = newValue }
        _modify { let b = unique(); yield &b.match }
    }
    public var tls: RouteTLS {
        _read { yield box.tls }
        set { unique().tls = newValue }
        _modify { let b = unique(); yield &b.tls }
    }
    public var backends: [Backend] {
        _read { yield box.backends }
        set { unique().backends = newValue }
        _modify { let b = unique(); yield &b.backends }
    }
    /// The resource's first line.
    public var source: SourceLocation {
        _read { yield box.source }
        set { unique().source = newValue }
        _modify { let b = unique(); yield &b.source }
    }
    /// The field that defines this match (rule, path, condition).
    public var matchSource: SourceLocation {
        _read { yield box.matchSource }
        set { unique().matchSource = newValue }
        _modify { let b = unique(); yield &b.matchSource }
    }
    /// Traefik entry points; Gateway listener protocol ports...
    public var entryPoints: [String] {
        _read { yield box.entryPoints }
        set { unique().entryPoints = newValue }
        _modify { let b = unique(); yield &b.entryPoints }
    }
    public var priority: Int? {
        _read { yield box.priority }
        set { unique().priority = newValue }
        _modify { let b = unique(); yield &b.priority }
    }
    /// For Gateway API: `Gateway/ns/name/listener` (or ListenerSet) the route is attached to.
    public var parent: String? {
        _read { yield box.parent }
        set { unique().parent = newValue }
        _modify { let b = unique(); yield &b.parent }
    }
    /// `http`, `tcp`, `udp`, `tls`, `grpc`.
    public var layer: String {
        _read { yield box.layer }
        set { unique().layer = newValue }
        _modify { let b = unique(); yield &b.layer }
    }
    /// Middlewares/filters applied, as `ns/name` or filter type.
    public var middlewares: [String] {
        _read { yield box.middlewares }
        set { unique().middlewares = newValue }
        _modify { let b = unique(); yield &b.middlewares }
    }
    /// Rule index R and match index M.
    public var ruleIndex: Int {
        _read { yield box.ruleIndex }
        set { unique().ruleIndex = newValue }
        _modify { let b = unique(); yield &b.ruleIndex }
    }
    public var matchIndex: Int {
        _read { yield box.matchIndex }
        set { unique().matchIndex = newValue }
        _modify { let b = unique(); yield &b.matchIndex }
    }
    public init(provider: Provider, resource: Resource, ruleIndex: Int, matchIndex: Int, idSuffix: String? = nil,
                hosts: [String], path: String, pathType: String, match: String, tls: RouteTLS, backends: [Backend],
                controllers: [String], matchSource: SourceLocation, layer: String = "http") {
        let all = controllers.isEmpty ? ["unknown"] : controllers
        box = RouteStorage(
            id: "\(provider.rawValue)/\(resource.kind)/\(resource.namespace)/\(resource.name)#" + (idSuffix ?? "\(ruleIndex).\(matchIndex)"),
            provider: provider, controller: all[0], controllers: all, kind: resource.kind, apiVersion: resource.apiVersion,
            namespace: resource.namespace, name: resource.name, resource: resource.ref, hosts: hosts, hostSources: [:],
            path: path, pathType: pathType, match: match, tls: tls, backends: backends, source: resource.source,
            matchSource: matchSource, entryPoints: [], priority: nil, parent: nil, layer: layer, middlewares: [],
            ruleIndex: ruleIndex, matchIndex: matchIndex)
        box.patchedBy = resource.patchedBy
    }

    /// The GitOps environment (only in a view that combines several).
    public var environment: String? {
        _read { yield box.environment }
        set { unique().environment = newValue }
    }
    /// Patch files that changed the object (kustomize overlays).
    public var patchedBy: [String] {
        _read { yield box.patchedBy }
        set { unique().patchedBy = newValue }
        _modify { let b = unique(); yield &b.patchedBy }
    }

    /// TLS is terminated by the proxy for this route.
    public var terminatesTLS: Bool { box.tls.enabled && !box.tls.passthrough }
}

/// Where a certificate comes from.
public enum CertificateOrigin: String, Sendable, CaseIterable, Hashable {
    case certificate
    case ingressShim = "ingress-shim"
    case gatewayShim = "gateway-shim"
    case secret
    case traefikACME = "traefik-acme"
}

final class CertificateStorage: @unchecked Sendable {
    var id: String
    var origin: CertificateOrigin
    var namespace: String
    var name: String
    var secretName: String?
    var dnsNames: [String]
    var ipAddresses: [String] = []
    var commonName: String? = nil
    var notBefore: Double? = nil
    var notAfter: Double? = nil
    var issuer: String? = nil
    var issuerKind: String? = nil
    var issuerName: String? = nil
    var issuerGroup: String? = nil
    var source: SourceLocation
    var resource: ObjectRef
    var secretType: String? = nil
    var reflectedFrom: String? = nil
    var environment: String? = nil
    init(id: String, origin: CertificateOrigin, namespace: String, name: String, secretName: String?, dnsNames: [String], source: SourceLocation, resource: ObjectRef) {
        self.id = id
        self.origin = origin
        self.namespace = namespace
        self.name = name
        self.secretName = secretName
        self.dnsNames = dnsNames
        self.source = source
        self.resource = resource
    }
    func copy() -> CertificateStorage {
        let c = CertificateStorage(id: id, origin: origin, namespace: namespace, name: name, secretName: secretName, dnsNames: dnsNames, source: source, resource: resource)
        c.ipAddresses = ipAddresses
        c.commonName = commonName
        c.notBefore = notBefore
        c.notAfter = notAfter
        c.issuer = issuer
        c.issuerKind = issuerKind
        c.issuerName = issuerName
        c.issuerGroup = issuerGroup
        c.secretType = secretType
        c.reflectedFrom = reflectedFrom
        c.environment = environment
        return c
    }
}

/// A certificate that can be presented: declared (cert-manager), implied (shims, Traefik ACME) or parsed (Secret PEM).
/// A value type backed by one copy-on-write storage object (like `Route`): copies cost one reference count.
public struct CertificateInfo: Sendable, Hashable {
    private var box: CertificateStorage

    private mutating func unique() -> CertificateStorage {
        if !isKnownUniquelyReferenced(&box) { box = box.copy() }
        return box
    }

    public var id: String {
        _read { yield box.id }
        set { unique().id = newValue }
        _modify { let b = unique(); yield &b.id }
    }
    public var origin: CertificateOrigin {
        _read { yield box.origin }
        set { unique().origin = newValue }
        _modify { let b = unique(); yield &b.origin }
    }
    public var namespace: String {
        _read { yield box.namespace }
        set { unique().namespace = newValue }
        _modify { let b = unique(); yield &b.namespace }
    }
    public var name: String {
        _read { yield box.name }
        set { unique().name = newValue }
        _modify { let b = unique(); yield &b.name }
    }
    /// The Secret it is stored in (nil for Traefik ACME).
    public var secretName: String? {
        _read { yield box.secretName }
        set { unique().secretName = newValue }
        _modify { let b = unique(); yield &b.secretName }
    }
    /// Names clients accept (never the CN).
    public var dnsNames: [String] {
        _read { yield box.dnsNames }
        set { unique().dnsNames = newValue }
        _modify { let b = unique(); yield &b.dnsNames }
    }
    public var ipAddresses: [String] {
        _read { yield box.ipAddresses }
        set { unique().ipAddresses = newValue }
        _modify { let b = unique(); yield &b.ipAddresses }
    }
    public var commonName: String? {
        _read { yield box.commonName }
        set { unique().commonName = newValue }
        _modify { let b = unique(); yield &b.commonName }
    }
    public var notBefore: Double? {
        _read { yield box.notBefore }
        set { unique().notBefore = newValue }
        _modify { let b = unique(); yield &b.notBefore }
    }
    public var notAfter: Double? {
        _read { yield box.notAfter }
        set { unique().notAfter = newValue }
        _modify { let b = unique(); yield &b.notAfter }
    }
    /// `ClusterIssuer/name`, `Issuer/name` (cert-manager), the PEM issuer DN, or `certResolver/name`.
    public var issuer: String? {
        _read { yield box.issuer }
        set { unique().issuer = newValue }
        _modify { let b = unique(); yield &b.issuer }
    }
    public var issuerKind: String? {
        _read { yield box.issuerKind }
        set { unique().issuerKind = newValue }
        _modify { let b = unique(); yield &b.issuerKind }
    }
    public var issuerName: String? {
        _read { yield box.issuerName }
        set { unique().issuerName = newValue }
        _modify { let b = unique(); yield &b.issuerName }
    }
    public var issuerGroup: String? {
        _read { yield box.issuerGroup }
        set { unique().issuerGroup = newValue }
        _modify { let b = unique(); yield &b.issuerGroup }
    }
    public var source: SourceLocation {
        _read { yield box.source }
        set { unique().source = newValue }
        _modify { let b = unique(); yield &b.source }
    }
    /// The object that defines it (Certificate, Ingress, Gateway, Secret, IngressRoute).
    public var resource: ObjectRef {
        _read { yield box.resource }
        set { unique().resource = newValue }
        _modify { let b = unique(); yield &b.resource }
    }
    /// For Secrets: the Secret type (Contour and Gateway API need kubernetes.io/tls).
    public var secretType: String? {
        _read { yield box.secretType }
        set { unique().secretType = newValue }
        _modify { let b = unique(); yield &b.secretType }
    }
    /// A copy made by a reflector or replicator: the id of the certificate it copies.
    public var reflectedFrom: String? {
        _read { yield box.reflectedFrom }
        set { unique().reflectedFrom = newValue }
        _modify { let b = unique(); yield &b.reflectedFrom }
    }
    /// The GitOps environment (only in a view that combines several).
    public var environment: String? {
        _read { yield box.environment }
        set { unique().environment = newValue }
        _modify { let b = unique(); yield &b.environment }
    }

    public init(origin: CertificateOrigin, namespace: String, name: String, secretName: String?, dnsNames: [String],
                source: SourceLocation, resource: ObjectRef) {
        box = CertificateStorage(id: "\(origin.rawValue)/\(namespace)/\(name)", origin: origin, namespace: namespace, name: name,
                                 secretName: secretName, dnsNames: dnsNames, source: source, resource: resource)
    }

    public var secret: NamespacedName? { box.secretName.map { NamespacedName(box.namespace, $0) } }

    public static func == (a: CertificateInfo, b: CertificateInfo) -> Bool {
        if a.box === b.box { return true }
        let x = a.box, y = b.box
        return x.id == y.id
            && x.origin == y.origin
            && x.namespace == y.namespace
            && x.name == y.name
            && x.secretName == y.secretName
            && x.dnsNames == y.dnsNames
            && x.ipAddresses == y.ipAddresses
            && x.commonName == y.commonName
            && x.notBefore == y.notBefore
            && x.notAfter == y.notAfter
            && x.issuer == y.issuer
            && x.issuerKind == y.issuerKind
            && x.issuerName == y.issuerName
            && x.issuerGroup == y.issuerGroup
            && x.source == y.source
            && x.resource == y.resource
            && x.secretType == y.secretType
            && x.reflectedFrom == y.reflectedFrom
            && x.environment == y.environment
    }

    public func hash(into h: inout Hasher) {
        let x = box
        h.combine(x.id)
        h.combine(x.origin)
        h.combine(x.namespace)
        h.combine(x.name)
        h.combine(x.secretName)
        h.combine(x.dnsNames)
        h.combine(x.ipAddresses)
        h.combine(x.commonName)
        h.combine(x.notBefore)
        h.combine(x.notAfter)
        h.combine(x.issuer)
        h.combine(x.issuerKind)
        h.combine(x.issuerName)
        h.combine(x.issuerGroup)
        h.combine(x.source)
        h.combine(x.resource)
        h.combine(x.secretType)
        h.combine(x.reflectedFrom)
        h.combine(x.environment)
    }
}

public struct ServicePort: Sendable, Hashable {
    public var name: String?
    public var port: Int
    public var targetPort: String?
    public var protocolName: String
}

public struct ServiceInfo: Sendable, Hashable {
    public var namespace: String
    public var name: String
    public var type: String
    public var externalName: String?
    public var ports: [ServicePort]
    public var source: SourceLocation
    /// The GitOps environment (only in a view that combines several).
    public var environment: String? = nil

    public func port(_ written: String) -> ServicePort? {
        if let n = Int(written) { return ports.first { $0.port == n } }
        return ports.first { $0.name == written }
    }
}

/// TLS state of a host.
public enum HostTLS: String, Sendable, Hashable, CaseIterable {
    case covered, uncovered, passthrough, none
}

/// Why a candidate certificate does or does not cover a host.
public struct CoverageCandidate: Sendable, Hashable {
    /// The certificate id, or nil when the secret is produced by nothing.
    public var certificate: String?
    /// The secret the route named, when that is how the candidate was found.
    public var secret: NamespacedName?
    public var covers: Bool
    /// How it covers (`exact`, `wildcard *.example.com`) or why it misses.
    public var reason: String
    /// The route whose TLS brought this candidate in.
    public var route: String
}

public struct Host: Sendable {
    public var name: String {
        didSet { isUnresolved = Host.holdsVariable(name) }
    }
    public var routes: [String]
    public var providers: [Provider]
    public var controllers: [String]
    public var tls: HostTLS
    /// Certificates that cover the host.
    public var certificates: [String]
    /// Every candidate considered, covering or not.
    public var candidates: [CoverageCandidate]
    /// The GitOps environment (only in a view that combines several).
    public var environment: String? = nil

    /// Flux variables (`${name}`) the host still contains: their values are not in the input.
    public var variables: [String] { HostNames.variables(name) }
    /// The host is a pattern with unresolved variables, not a name clients use (worked out when the
    /// name is set: several rules ask for every host).
    public private(set) var isUnresolved: Bool

    init(name: String, routes: [String], providers: [Provider], controllers: [String], tls: HostTLS,
         certificates: [String], candidates: [CoverageCandidate], environment: String? = nil) {
        self.name = name; self.routes = routes; self.providers = providers; self.controllers = controllers
        self.tls = tls; self.certificates = certificates; self.candidates = candidates; self.environment = environment
        isUnresolved = Host.holdsVariable(name)
    }

    /// Whether a name holds `${`.
    static func holdsVariable(_ name: String) -> Bool {
        var previous: UInt8 = 0
        for b in name.utf8 {
            if previous == 36 && b == 123 { return true }
            previous = b
        }
        return false
    }
}

extension HostNames {
    /// Names of the `${var}` (and `${var:=default}`) variables in a host.
    public static func variables(_ host: String) -> [String] {
        guard host.containsBytes("${") else { return [] }
        var out: [String] = []
        var rest = Substring(host)
        while let open = rest.range(of: "${") {
            let after = rest[open.upperBound...]
            guard let close = after.firstIndex(of: "}") else { break }
            let expr = after[..<close]
            let name = expr.prefix { $0 == "_" || $0.isLetter || $0.isNumber }
            if !name.isEmpty && !out.contains(String(name)) { out.append(String(name)) }
            rest = after[after.index(after: close)...]
        }
        return out
    }
}

/// Where each host of a route is written: a handful of entries, kept as a list (a dictionary per
/// route costs an allocation of a few hundred bytes and a hash per lookup). Read and written like
/// a dictionary: `sources[host]`, `sources[host] = location`.
public struct HostSources: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    private var entries: [(key: String, value: SourceLocation)] = []

    public init() {}
    public init(dictionaryLiteral elements: (String, SourceLocation)...) {
        for (k, v) in elements { self[k] = v }
    }
    /// From pairs; a later pair for the same host replaces an earlier one.
    public init<S: Sequence>(_ pairs: S) where S.Element == (key: String, value: SourceLocation) {
        for (k, v) in pairs { self[k] = v }
    }

    public subscript(host: String) -> SourceLocation? {
        get { entries.first { $0.key == host }?.value }
        set {
            if let i = entries.firstIndex(where: { $0.key == host }) {
                if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append((host, newValue))
            }
        }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public func makeIterator() -> IndexingIterator<[(key: String, value: SourceLocation)]> { entries.makeIterator() }
}
