import Dispatch
import Foundation

/// A step of graph building: one per API family (Contour's DAG processors).
public protocol GraphProcessor {
    func run(_ builder: GraphBuilder)
}

/// Shared state while the processors run over the read-only store.
public final class GraphBuilder {
    public let store: ResourceStore
    public let profile: ControllerProfile

    public var routes: [Route] = []
    public var certificates: [CertificateInfo] = []
    public var services: [NamespacedName: ServiceInfo] = [:]
    /// Findings that processors observe while building (broken references, rejected backends...).
    public var findings: [Finding] = []
    /// Objects that are skipped or degraded in a way no rule covers.
    public var problems: [Problem] = []
    /// Traefik: per controller (instance), the secrets loaded into its TLS store.
    public var traefikStores: [String: TraefikStore] = [:]
    /// Controllers that are present in the estate (by IngressClass, GatewayClass, CRDs).
    public var presentControllers: Set<String> = []
    /// Secrets that an external secret operator writes at run time (ExternalSecret, SealedSecret), with
    /// the object that produces each.
    public var externalSecrets: [NamespacedName: String] = [:]

    public struct TraefikStore: Sendable {
        /// Each loaded secret, where it is named, and the object that names it.
        public var secrets: [NamespacedName: (at: SourceLocation, owner: ObjectRef?)] = [:]
        public var defaultCertificate: NamespacedName?
        public init() {}
    }

    public init(store: ResourceStore, profile: ControllerProfile) {
        self.store = store
        self.profile = profile
    }

    /// A builder that starts from this one's services, certificates and secret sources, for a processor
    /// running beside others; `absorb` merges what it adds.
    func child() -> GraphBuilder {
        let c = GraphBuilder(store: store, profile: profile)
        c.services = services
        c.certificates = certificates
        c.externalSecrets = externalSecrets
        c.presentControllers = presentControllers
        c.inheritedCertificates = certificates.count
        return c
    }

    private var inheritedCertificates = 0

    func absorb(_ c: GraphBuilder) {
        // Services and secret sources the child added (it started from copies of ours).
        if c.services.count != services.count {
            if services.isEmpty { services = c.services } else { services.merge(c.services) { mine, _ in mine } }
        }
        if c.externalSecrets.count != externalSecrets.count { externalSecrets.merge(c.externalSecrets) { mine, _ in mine } }
        routes += c.routes
        certificates += c.certificates[c.inheritedCertificates...]
        findings += c.findings
        problems += c.problems
        presentControllers.formUnion(c.presentControllers)
        for (controller, store) in c.traefikStores {
            for (secret, entry) in store.secrets {
                addTraefikStoreSecret(controller, secret, at: entry.at, owner: entry.owner)
            }
            if let d = store.defaultCertificate {
                if traefikStores[controller] == nil { traefikStores[controller] = TraefikStore() }
                traefikStores[controller]!.defaultCertificate = d
            }
        }
    }

    // MARK: Helpers for processors

    public func addTraefikStoreSecret(_ controller: String, _ secret: NamespacedName, at: SourceLocation,
                                      owner: ObjectRef? = nil, isDefault: Bool = false) {
        // In place: copying the store out and back would copy its dictionary on every call.
        if traefikStores[controller] == nil { traefikStores[controller] = TraefikStore() }
        if traefikStores[controller]!.secrets[secret] == nil { traefikStores[controller]!.secrets[secret] = (at, owner) }
        if isDefault { traefikStores[controller]!.defaultCertificate = secret }
    }

    public func add(_ route: Route) { routes.append(route) }

    public func add(_ certificate: CertificateInfo) { certificates.append(certificate) }

    public func report(_ finding: Finding) { findings.append(finding) }

    public func problem(_ at: SourceLocation, _ message: String) { problems.append(Problem(at, message)) }

    /// Resolves a Service backend: the Service must exist and have the port (number or name).
    /// `rejection` is checked first: the controller refuses the reference whatever exists.
    public func serviceBackend(namespace: String, name: String, port: String, weight: Int? = nil,
                               source: SourceLocation, rejection: BackendIssue? = nil,
                               externalNameAllowed: Bool = true, controllerName: String = "") -> Backend {
        var b = Backend(kind: "Service", namespace: namespace, name: name, port: port, weight: weight, source: source)
        if let rejection {
            b.issue = rejection
            return b
        }
        guard let svc = services[NamespacedName(namespace, name)] else {
            b.issue = .serviceMissing
            return b
        }
        if svc.type == "ExternalName" {
            if !externalNameAllowed {
                b.issue = .rejected(rule: "backend-reference-rejected",
                                    reason: "\(namespace)/\(name) is an ExternalName Service, which \(controllerName) is not configured to allow")
                return b
            }
            // ExternalName services may have no ports at all.
            if svc.ports.isEmpty || port.isEmpty || svc.port(port) != nil { b.resolved = true; return b }
        }
        if port.isEmpty {
            b.resolved = svc.ports.count == 1
            if !b.resolved { b.issue = .portMissing }
            return b
        }
        if svc.port(port) != nil {
            b.resolved = true
        } else {
            b.issue = .portMissing
        }
        return b
    }

    // MARK: Finishing

    /// Services in order of namespace, then name (unique by both).
    static func sorted(_ services: [NamespacedName: ServiceInfo]) -> [ServiceInfo] {
        let slots = Array(services.indices)
        var keys = KeyOrder(capacity: slots.count)
        for s in slots { keys.add(services[s].key.namespace, services[s].key.name) }
        return keys.order { [services[slots[$0]].key.namespace, services[slots[$0]].key.name] }.map { services[slots[$0]].value }
    }

    /// Services sorted ahead of `finish` (alongside the route processors, which add none), with how
    /// many there were; `finish` sorts again if the count changed since.
    var presortedServices: (count: Int, list: [ServiceInfo])? = nil

    /// Routes in order of id, ids made unique: a second object with the same id (another API group)
    /// gets its group appended.
    static func uniqueIDs(_ routes: [Route]) -> [Route] {
        var routes = routes
        var seen = Set<String>()
        seen.reserveCapacity(routes.count)
        for i in routes.indices where !seen.insert(routes[i].id).inserted {
            let base = routes[i].id + "~" + routes[i].resource.group
            var id = base, n = 2
            while seen.contains(id) { id = base + "~\(n)"; n += 1 }
            routes[i].id = id
            seen.insert(id)
        }
        routes.sort { $0.id < $1.id }
        return routes
    }

    /// Sorts, makes ids unique, and computes hosts and certificate coverage.
    public func finish(processorsRan: [String] = []) -> RouteGraph {
        // Routes, certificates and services are put in order side by side.
        nonisolated(unsafe) var sortedRoutes = routes
        nonisolated(unsafe) var certs: [CertificateInfo] = []
        nonisolated(unsafe) var sortedServices: [ServiceInfo] = []
        let allCertificates = certificates, allServices = services
        let presorted = presortedServices
        routes = []
        // Routes and certificates are put in order through their ids (compact arrays sorted as index
        // permutations: nothing large moves while sorting); equal ids end up side by side.
        DispatchQueue.concurrentPerform(iterations: 3) { part in
            switch part {
            case 0:
                let ids = sortedRoutes.map(\.id)
                let order = KeyOrder.orderInPlace(of: ids)
                if zip(order, order.dropFirst()).contains(where: { ids[$0] == ids[$1] }) {
                    sortedRoutes = GraphBuilder.uniqueIDs(sortedRoutes)
                } else {
                    sortedRoutes = order.map { sortedRoutes[$0] }
                }
            case 1:
                // The first of several certificates with one id is kept.
                let ids = allCertificates.map(\.id)
                let order = KeyOrder.orderInPlace(of: ids)
                certs.reserveCapacity(order.count)
                for (k, i) in order.enumerated() where k == 0 || ids[order[k - 1]] != ids[i] {
                    certs.append(allCertificates[i])
                }
            default:
                if let p = presorted, p.count == allServices.count {
                    sortedServices = p.list
                } else {
                    sortedServices = GraphBuilder.sorted(allServices)
                }
            }
        }
        routes = sortedRoutes
        certificates = certs
        Timings.mark("finish: ids and sort")
        // The certificate indexes and the routes of each host are built side by side.
        nonisolated(unsafe) var computer: CoverageComputer? = nil
        nonisolated(unsafe) var groups: [(key: String, value: [Int])] = []
        let (sortedRoutes2, certs2, stores, external) = (routes, certificates, traefikStores, externalSecrets)
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            if part == 0 {
                var c = CoverageComputer(routes: sortedRoutes2, certificates: certs2, traefikStores: stores)
                c.externalSecrets = external
                computer = c
            } else {
                groups = CoverageComputer.routesByHost(sortedRoutes2)
            }
        }
        var coverage = computer!
        Timings.mark("finish: certificates, indexes")
        let hosts = coverage.hosts(groups)
        Timings.mark("finish: hosts")
        // Hosts that still hold Flux variables: say so once, where the host is written.
        for hi in hosts.indices where hosts[hi].isUnresolved {
            let h = hosts[hi]
            guard let r = h.routes.lazy.compactMap({ id in self.routes.first { $0.id == id } }).first else { continue }
            let vars = h.variables.map { "${\($0)}" }.joined(separator: ", ")
            problems.append(Problem(r.hostSources[h.name] ?? r.matchSource,
                "host \(h.name) holds \(vars), whose value is not in the input: shown as a pattern and left out of conflict and coverage checks"))
        }
        var used = coverage.usedFlags
        Lifetime.discard(coverage)
        // A certificate copied to other namespaces (reflector, replicator) is used when a copy is
        // (certificates are in order of id: the original is found by halving).
        for i in certificates.indices where used[i] {
            guard let from = certificates[i].reflectedFrom else { continue }
            var lo = 0, hi = certificates.count
            while lo < hi { let mid = (lo + hi) / 2; if certificates[mid].id < from { lo = mid + 1 } else { hi = mid } }
            if lo < certificates.count && certificates[lo].id == from { used[lo] = true }
        }
        Timings.mark("finish: unresolved hosts, used certificates")
        let graph = RouteGraph(store: store, profile: profile, routes: routes, hosts: hosts,
                               services: sortedServices,
                               certificates: certificates, findings: findings, problems: problems.sorted(),
                               used: .flags(used), traefikStores: traefikStores, hostRouteSlots: groups.map(\.value))
        graph.externalSecrets = externalSecrets
        return graph
    }
}

/// The built graph: hosts → routes → services → certificates.
public final class RouteGraph: @unchecked Sendable {
    public let store: ResourceStore
    public let profile: ControllerProfile
    public let routes: [Route]
    public let hosts: [Host]
    public let services: [ServiceInfo]
    public let certificates: [CertificateInfo]
    /// Findings observed by the processors (the analysis adds the rest).
    public let processorFindings: [Finding]
    /// Objects skipped or degraded while building.
    public let problems: [Problem]
    /// Certificate ids that some route can present (built on first use from `used`).
    public var usedCertificates: Set<String> { usedIDs.value }
    private let usedIDs: Once<Set<String>>
    private let usedFlags: [Bool]?

    /// Which certificates are used: by id, or by position in `certificates`.
    enum Used { case ids(Set<String>), flags([Bool]) }

    /// Whether `certificates[i]` is used (see `usedCertificates`).
    public func isCertificateUsed(at i: Int) -> Bool {
        if let usedFlags { return usedFlags[i] }
        return usedCertificates.contains(certificates[i].id)
    }
    public let traefikStores: [String: GraphBuilder.TraefikStore]
    /// Secrets written at run time by an external secret operator, with the object that produces each.
    public var externalSecrets: [NamespacedName: String] = [:]

    /// Position of each route, host, certificate and service by id or name: built on first use (the
    /// JSON report needs none of them), each once, behind a lock; `prepareIndexes` builds all four
    /// side by side for a program that will look things up (the explorer).
    public var routeIndex: [String: Int] { indexes.routes.value }
    public var hostIndex: [String: Int] { indexes.hosts.value }
    public var certificateIndex: [String: Int] { indexes.certificates.value }
    var serviceIndex: [NamespacedName: Int] { indexes.services.value }
    private let indexes: Indexes
    /// For graphs built by `GraphBuilder.finish`: the positions in `routes` of each host's routes.
    private let hostRouteSlots: [[Int]]?

    private struct Indexes {
        let routes: Once<[String: Int]>
        let hosts: Once<[String: Int]>
        let certificates: Once<[String: Int]>
        let services: Once<[NamespacedName: Int]>
    }

    convenience init(store: ResourceStore, profile: ControllerProfile, routes: [Route], hosts: [Host], services: [ServiceInfo],
         certificates: [CertificateInfo], findings: [Finding], problems: [Problem], usedCertificates: Set<String>,
         traefikStores: [String: GraphBuilder.TraefikStore]) {
        self.init(store: store, profile: profile, routes: routes, hosts: hosts, services: services, certificates: certificates,
                  findings: findings, problems: problems, used: .ids(usedCertificates), traefikStores: traefikStores)
    }

    init(store: ResourceStore, profile: ControllerProfile, routes: [Route], hosts: [Host], services: [ServiceInfo],
         certificates: [CertificateInfo], findings: [Finding], problems: [Problem], used: Used,
         traefikStores: [String: GraphBuilder.TraefikStore], hostRouteSlots: [[Int]]? = nil) {
        self.store = store; self.profile = profile; self.routes = routes; self.hosts = hosts; self.services = services
        self.certificates = certificates; self.processorFindings = findings; self.problems = problems
        self.traefikStores = traefikStores
        switch used {
        case .ids(let ids):
            usedFlags = nil
            usedIDs = Once { ids }
        case .flags(let flags):
            usedFlags = flags
            usedIDs = Once {
                var ids = Set<String>(minimumCapacity: certificates.count)
                for i in certificates.indices where flags[i] { ids.insert(certificates[i].id) }
                return ids
            }
        }
        self.hostRouteSlots = hostRouteSlots
        indexes = Indexes(
            routes: Once {
                var ri: [String: Int] = [:]
                ri.reserveCapacity(routes.count)
                for (i, r) in routes.enumerated() { ri[r.id] = i }
                return ri
            },
            hosts: Once {
                var hi: [String: Int] = [:]
                hi.reserveCapacity(hosts.count)
                for (i, h) in hosts.enumerated() { hi[h.name] = i }
                return hi
            },
            certificates: Once {
                var ci: [String: Int] = [:]
                ci.reserveCapacity(certificates.count)
                for (i, c) in certificates.enumerated() { ci[c.id] = i }
                return ci
            },
            services: Once {
                var si: [NamespacedName: Int] = [:]
                si.reserveCapacity(services.count)
                for (i, svc) in services.enumerated() where si[NamespacedName(svc.namespace, svc.name)] == nil {
                    si[NamespacedName(svc.namespace, svc.name)] = i
                }
                return si
            })
    }

    /// Builds the four lookup tables now, side by side (each is otherwise built on first use).
    public func prepareIndexes() {
        let ix = indexes
        DispatchQueue.concurrentPerform(iterations: 4) { part in
            switch part {
            case 0: _ = ix.routes.value
            case 1: _ = ix.hosts.value
            case 2: _ = ix.certificates.value
            default: _ = ix.services.value
            }
        }
    }

    /// The routes of `hosts[i]`, in the order of its `routes` ids.
    public func routes(ofHostAt i: Int) -> [Route] {
        if let slots = hostRouteSlots { return slots[i].map { routes[$0] } }
        return hosts[i].routes.compactMap { route($0) }
    }

    public func route(_ id: String) -> Route? { routeIndex[id].map { routes[$0] } }
    public func host(_ name: String) -> Host? { hostIndex[name].map { hosts[$0] } }
    public func certificate(_ id: String) -> CertificateInfo? { certificateIndex[id].map { certificates[$0] } }
    public func service(_ ns: String, _ name: String) -> ServiceInfo? {
        serviceIndex[NamespacedName(ns, name)].map { services[$0] }
    }

    /// Hosts a resource routes (for findings).
    public func hosts(of ref: ObjectRef) -> [String] {
        var out = Set<String>()
        for r in routes where r.resource == ref { out.formUnion(r.hosts) }
        return out.sorted()
    }
}

/// The fields of one route that coverage reads, without copying the route.
struct RouteView {
    let tls: RouteTLS
    let controller: String
    let provider: Provider
    let resource: ObjectRef
    let id: String
    init(_ routes: [Route], _ i: Int) {
        tls = routes[i].tls; controller = routes[i].controller; provider = routes[i].provider
        resource = routes[i].resource; id = routes[i].id
    }
}

/// Computes each host's TLS state and which certificates cover it.
struct CoverageComputer {
    let routes: [Route]
    let certificates: [CertificateInfo]
    let traefikStores: [String: GraphBuilder.TraefikStore]
    /// Which certificates some route can present, by position (set while hosts are worked out).
    private(set) var usedFlags: [Bool]
    var externalSecrets: [NamespacedName: String] = [:]

    private var bySecret: [NamespacedName: [Int]] = [:]
    private var acmeByRoute: [ObjectRef: [Int]] = [:]
    /// Per Traefik controller: index of every certificate in its store.
    private var storeIndex: [String: NameIndex] = [:]
    private var storeCounts: [String: Int] = [:]

    init(routes: [Route], certificates: [CertificateInfo], traefikStores: [String: GraphBuilder.TraefikStore]) {
        self.routes = routes
        self.certificates = certificates
        self.traefikStores = traefikStores
        usedFlags = Array(repeating: false, count: certificates.count)
        for (i, c) in certificates.enumerated() {
            if let s = c.secret { bySecret[s, default: []].append(i) }
            if c.origin == .traefikACME { acmeByRoute[c.resource, default: []].append(i) }
        }
        // A Traefik store holds the certificates of every secret loaded into it, and every ACME certificate
        // obtained by its routes.
        var acmeByController: [String: [Int]] = [:]
        for r in routes where r.controller.hasPrefix("traefik") && r.tls.resolver != nil {
            for i in acmeByRoute[r.resource] ?? [] { acmeByController[r.controller, default: []].append(i) }
        }
        for (controller, store) in traefikStores {
            var idx = NameIndex()
            var n = 0
            for secret in store.secrets.keys {
                for i in bySecret[secret] ?? [] { idx.add(i, names: certificates[i].dnsNames); usedFlags[i] = true; n += 1 }
            }
            for i in Set(acmeByController[controller] ?? []) { idx.add(i, names: certificates[i].dnsNames); n += 1 }
            storeIndex[controller] = idx
            storeCounts[controller] = n
        }
        for (controller, ids) in acmeByController where traefikStores[controller] == nil {
            var idx = NameIndex()
            for i in Set(ids) { idx.add(i, names: certificates[i].dnsNames) }
            storeIndex[controller] = idx
            storeCounts[controller] = Set(ids).count
        }
    }

    /// Contour and Gateway API only use Secrets of type kubernetes.io/tls.
    private func requiresTLSType(_ r: RouteView) -> Bool {
        r.provider == .contour || r.provider == .gatewayAPI || r.controller == "contour"
    }

    mutating func candidates(forRouteAt index: Int, host: String) -> [CoverageCandidate] {
        // Read the fields in place: copying a whole Route per host is measurable on large estates.
        let route = RouteView(routes, index)
        var out: [CoverageCandidate] = []
        let isTraefik = route.controller.hasPrefix("traefik")
        func consider(_ i: Int, secret: NamespacedName?) {
            let c = certificates[i]
            usedFlags[i] = true
            if c.origin == .secret, requiresTLSType(route), c.secretType != "kubernetes.io/tls" {
                out.append(CoverageCandidate(certificate: c.id, secret: secret, covers: false,
                    reason: "Secret type is \(c.secretType ?? "Opaque"); \(route.controller) needs kubernetes.io/tls", route: route.id))
                return
            }
            if host == "*" {
                out.append(CoverageCandidate(certificate: c.id, secret: secret, covers: true,
                                             reason: "presented for any name (catch-all route)", route: route.id))
                return
            }
            let how = c.dnsNames.lazy.compactMap { HostNames.covers(certName: $0, host: host) }.first
            out.append(CoverageCandidate(certificate: c.id, secret: secret, covers: how != nil,
                reason: how ?? HostNames.explainMiss(names: c.dnsNames, commonName: c.commonName, host: host), route: route.id))
        }
        if let issue = route.tls.secretIssue, let secret = route.tls.secret {
            out.append(CoverageCandidate(certificate: nil, secret: secret, covers: false, reason: issue, route: route.id))
        } else if let secret = route.tls.secret {
            for extra in route.tls.extraSecrets { for i in bySecret[extra] ?? [] { consider(i, secret: extra) } }
            let list = bySecret[secret] ?? []
            if list.isEmpty, let producer = externalSecrets[secret] {
                out.append(CoverageCandidate(certificate: nil, secret: secret, covers: false,
                    reason: "secret \(secret.description) is written at run time by \(producer): its certificate is not in the input, so coverage cannot be checked",
                    route: route.id))
            } else if list.isEmpty {
                out.append(CoverageCandidate(certificate: nil, secret: secret, covers: false,
                    reason: "secret \(secret.description) is produced by nothing in the input (no Secret, Certificate or shim)",
                    route: route.id))
            }
            for i in list { consider(i, secret: secret) }
        }
        if route.tls.resolver != nil {
            for i in acmeByRoute[route.resource] ?? [] { consider(i, secret: nil) }
        }
        if isTraefik, let idx = storeIndex[route.controller] {
            // Traefik picks by SNI from every certificate in the store.
            let already = Set(out.compactMap { $0.certificate })
            for i in idx.covering(host) where !already.contains(certificates[i].id) {
                let how = certificates[i].dnsNames.lazy.compactMap { HostNames.covers(certName: $0, host: host) }.first ?? "exact"
                usedFlags[i] = true
                out.append(CoverageCandidate(certificate: certificates[i].id, secret: certificates[i].secret, covers: true,
                    reason: "\(how), selected by SNI from \(route.controller)'s TLS store", route: route.id))
            }
            if let def = traefikStores[route.controller]?.defaultCertificate, !out.contains(where: { $0.covers }) {
                for i in bySecret[def] ?? [] where !out.contains(where: { $0.certificate == certificates[i].id }) {
                    let c = certificates[i]
                    let how = c.dnsNames.lazy.compactMap { HostNames.covers(certName: $0, host: host) }.first
                    usedFlags[i] = true
                    out.append(CoverageCandidate(certificate: c.id, secret: def, covers: how != nil,
                        reason: how.map { "\($0), the TLS store's default certificate" }
                            ?? "the TLS store's default certificate, but " + HostNames.explainMiss(names: c.dnsNames, commonName: c.commonName, host: host),
                        route: route.id))
                }
            }
        }
        if route.tls.secret == nil && route.tls.resolver == nil && out.isEmpty {
            out.append(CoverageCandidate(certificate: nil, secret: nil, covers: false,
                reason: isTraefik ? "no certificate in \(route.controller)'s TLS store covers it (\(storeCounts[route.controller] ?? 0) certificates); Traefik serves its default certificate"
                                  : "no secret named: the controller's default certificate is served",
                route: route.id))
        }
        return out
    }

    /// The routes of each host name, in name order.
    static func routesByHost(_ routes: [Route]) -> [(key: String, value: [Int])] {
        // Each name gets a group; the groups are put in order of name as an index permutation.
        var group: [String: Int] = [:]
        group.reserveCapacity(routes.count)
        var names: [String] = [], members: [[Int]] = []
        for (i, r) in routes.enumerated() {
            for h in r.hosts {
                if let g = group[h] { members[g].append(i); continue }
                group[h] = names.count
                names.append(h)
                members.append([i])
            }
        }
        return KeyOrder.order(of: names).map { (key: names[$0], value: members[$0]) }
    }

    /// Hosts are independent: computed on all cores, each worker with its own copy of the (read-only)
    /// indexes and its own flags of used certificates, merged at the end. `entries` are in name order, so the chunks
    /// come back sorted.
    mutating func hosts(_ entries: [(key: String, value: [Int])]) -> [Host] {
        let n = entries.count
        let chunks = n > 2048 ? 8 : 1
        let usedSets = ParallelSlots<[Bool]>(chunks)
        let base = self
        // Each worker writes its hosts straight into their places in the result (no chunk arrays to
        // concatenate: copying 20,000 hosts would reference-count every field of each).
        let out = [Host](unsafeUninitializedCapacity: n) { buffer, count in
            nonisolated(unsafe) let buffer = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                var worker = base
                for k in (n * c / chunks)..<(n * (c + 1) / chunks) {
                    (buffer.baseAddress! + k).initialize(to: worker.host(entries[k].key, entries[k].value))
                }
                usedSets.set(c, worker.usedFlags)
            }
            count = n
        }
        for u in usedSets.values { for (i, f) in u!.enumerated() where f { usedFlags[i] = true } }
        return out
    }

    mutating func host(_ name: String, _ idx: [Int]) -> Host {
        // Small arrays, not sets: most hosts have one route, one provider and one controller.
        var providers: [Provider] = [], controllers: [String] = []
        var found: [CoverageCandidate] = []
        var terminating = false, passthrough = false
        for i in idx {
            let p = routes[i].provider
            if !providers.contains(p) { providers.append(p) }
            for c in routes[i].controllers where !controllers.contains(c) { controllers.append(c) }
            if routes[i].terminatesTLS {
                terminating = true
                found += candidates(forRouteAt: i, host: name)
            } else if routes[i].tls.enabled && routes[i].tls.passthrough {
                passthrough = true
            }
        }
        // One entry per certificate (the first route that brought it), keeping missing secrets apart.
        var candidates = found
        if found.count > 1 {
            var seen = Set<String>()
            candidates = found.filter { c in
                let key = (c.certificate ?? "") + "|" + (c.secret?.description ?? "") + (c.certificate == nil ? "|" + c.route : "")
                return seen.insert(key).inserted
            }
        }
        var covering = candidates.compactMap { $0.covers ? $0.certificate : nil }
        if covering.count > 1 { covering = Array(Set(covering)).sorted() }
        let tls: HostTLS = terminating ? (covering.isEmpty ? .uncovered : .covered) : (passthrough ? .passthrough : .none)
        return Host(name: name, routes: idx.map { routes[$0].id },
                    providers: providers.count == 1 ? providers : providers.sorted(),
                    controllers: controllers.count == 1 ? controllers : controllers.sorted(),
                    tls: tls, certificates: covering, candidates: candidates)
    }
}
