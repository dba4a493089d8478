import Foundation
import Dispatch

/// The analysis rules that read the whole graph (processors report the rest while building).
struct RuleContext {
    let graph: RouteGraph
    let store: ResourceStore
    let now: Double
    let expiryWarningDays: Int
    /// Hosts routed through each object.
    let hostsByResource: [ObjectRef: [String]]
    /// Certificates by the secret they produce.
    let certsBySecret: [NamespacedName: [CertificateInfo]]
    /// The routes (indexes into the graph's routes, in order) of each Ingress.
    let ingressRoutes: [ObjectRef: [Int]]
    /// Objects whose cert-manager annotations are ignored (their missing secrets are reported by that rule).
    var ignoredAnnotationObjects: Set<ObjectRef> = []

    init(graph: RouteGraph, now: Double, expiryWarningDays: Int) {
        self.graph = graph
        self.store = graph.store
        self.now = now
        self.expiryWarningDays = expiryWarningDays
        // The two indexes are independent: build them side by side.
        nonisolated(unsafe) var hosts: [ObjectRef: [String]] = [:]
        nonisolated(unsafe) var bySecret: [NamespacedName: [CertificateInfo]] = [:]
        nonisolated(unsafe) var ingress: [ObjectRef: [Int]] = [:]
        DispatchQueue.concurrentPerform(iterations: 3) { part in
            if part == 2 {
                var m: [ObjectRef: [Int]] = [:]
                for (i, r) in graph.routes.enumerated() where r.provider == .ingress { m[r.resource, default: []].append(i) }
                ingress = m
            } else if part == 0 {
                var h: [ObjectRef: [String]] = [:]
                h.reserveCapacity(graph.routes.count)
                for r in graph.routes { h[r.resource, default: []].append(contentsOf: r.hosts) }
                for (k, v) in h where v.count > 1 { h[k] = Analyzer.sortedUnique(v) }
                hosts = h
            } else {
                var b: [NamespacedName: [CertificateInfo]] = [:]
                for c in graph.certificates { if let s = c.secret { b[s, default: []].append(c) } }
                bySecret = b
            }
        }
        hostsByResource = hosts
        certsBySecret = bySecret
        ingressRoutes = ingress
    }

    func hosts(_ ref: ObjectRef) -> [String] { hostsByResource[ref] ?? [] }

    func resource(_ ref: ObjectRef) -> Resource? {
        store.lookup(group: ref.group, kind: ref.kind, namespace: ref.namespace, name: ref.name)
    }

    /// Location of an annotation's line on a resource.
    func annotationLocation(_ r: Resource, _ key: String) -> SourceLocation {
        let annotations = r.node?["metadata", "annotations"]
        return r.at(annotations?.pairs.first { $0.key.scalarText == key }?.key ?? annotations)
    }
}

enum Rules {
    /// Runs every rule. The first one records which objects carry ignored cert-manager annotations
    /// (others read that); the rest are independent and run in parallel, in a fixed output order.
    static func all(_ ctx: inout RuleContext) -> [Finding] {
        // The rules run in parallel; their findings come out in the order of `order`. One task records
        // which objects carry ignored cert-manager annotations and then runs tls-secret-missing, the
        // one rule that reads that record.
        let frozen = ctx
        let single: [@Sendable (RuleContext) -> [Finding]] = [
            tlsHostUncovered, hostProviderConflict, hostRouteConflict, backendIssues, deprecatedAPI,
            ingressClassAmbiguous, annotationControllerMismatch, tlsHostsMismatch, certificateUnissuable, certificateExpiry,
            certificateUnused, traefikACME, plaintextOnly, routingKindUnsupported,
        ]
        let tasks: [@Sendable (RuleContext) -> [[Finding]]] = [{ c in
            var own = c
            let ignored = certManagerAnnotationIgnored(&own)
            return [ignored, tlsSecretMissing(own)]
        }] + single.map { rule in { c in [rule(c)] } }
        // Longest tasks first (as measured on large estates), so that no long one starts last.
        let schedule = [0, 9, 2, 7, 6, 5, 8, 10, 14, 1, 3, 11, 13, 4, 12]
        assert(Set(schedule) == Set(tasks.indices))
        let results = ParallelSlots<[[Finding]]>(tasks.count)
        DispatchQueue.concurrentPerform(iterations: tasks.count) { k in
            let i = schedule[k]
            let start = Timings.enabled ? Date() : nil
            results.set(i, tasks[i](frozen).map { $0.map(Analyzer.normalized) })
            if let start { FileHandle.standardError.write(Data("  rule task \(i): \(Int(Date().timeIntervalSince(start) * 1000)) ms\n".utf8)) }
        }
        Timings.mark("rules")
        let first = results.values[0]!
        let others = results.values.dropFirst().map { $0![0] }
        // cert-manager-annotation-ignored, tls-host-uncovered, tls-secret-missing, then the rest.
        return first[0] + others[0] + first[1] + others.dropFirst().flatMap { $0 }
    }

    // MARK: cert-manager-annotation-ignored

    static let traefikGroups: Set<String> = ["traefik.io", "traefik.containo.us"]

    static func certManagerAnnotationIgnored(_ ctx: inout RuleContext) -> [Finding] {
        var out: [Finding] = []
        for r in ctx.store.mentioningCertManager {
            guard let ann = r.node?["metadata", "annotations"], ann.isMapping else { continue }
            let keys = ann.pairs.compactMap { $0.key.scalarText }
            let isTraefikRoute = traefikGroups.contains(r.group) && r.kind.hasPrefix("IngressRoute")
            let isContour = (r.group == "projectcontour.io" && r.kind == "HTTPProxy") || (r.group == "contour.heptio.com" && r.kind == "IngressRoute")
            let isGateway = r.group.hasPrefix("gateway.networking") && (r.kind == "Gateway" || r.kind.hasSuffix("ListenerSet"))
            var hits: [String] = []
            if isTraefikRoute || isContour {
                hits = keys.filter { $0.hasPrefix("cert-manager.io/") || $0.hasPrefix("acme.cert-manager.io/") || $0 == "kubernetes.io/tls-acme" }
            } else if isGateway {
                hits = keys.filter { $0 == "kubernetes.io/tls-acme" }
            }
            hits += keys.filter { $0.hasPrefix("certmanager.k8s.io/") }
            guard let first = hits.first else { continue }
            ctx.ignoredAnnotationObjects.insert(r.ref)
            let what: String
            if first.hasPrefix("certmanager.k8s.io/") {
                what = "uses the pre-0.11 annotation \(first), which current cert-manager ignores"
            } else if isGateway {
                what = "has kubernetes.io/tls-acme, which cert-manager honours only on Ingress"
            } else {
                what = "carries \(first), but cert-manager does not watch \(r.kind) objects"
            }
            var secretNote = ""
            if let s = tlsSecretName(of: r) {
                let produced = ctx.certsBySecret[NamespacedName(r.namespace, s)] != nil
                secretNote = produced ? "" : "; secret \(s) is produced by nothing"
            }
            out.append(Finding(rule: "cert-manager-annotation-ignored", severity: .error,
                message: "\(r.kind) \(r.namespace)/\(r.name) \(what): no certificate is issued\(secretNote)",
                hosts: ctx.hosts(r.ref), resources: [r.ref], source: ctx.annotationLocation(r, first)))
        }
        return out
    }

    /// The TLS secret an IngressRoute/HTTPProxy names (for messages).
    static func tlsSecretName(of r: Resource) -> String? {
        r.spec?["tls", "secretName"]?.string ?? r.spec?["virtualhost", "tls", "secretName"]?.string
    }

    // MARK: tls-host-uncovered

    static func tlsHostUncovered(_ ctx: RuleContext) -> [Finding] {
        var out: [Finding] = []
        // Hosts are tested in place and copied only when they qualify (a copy reference-counts every field).
        let hosts = ctx.graph.hosts
        for hi in hosts.indices where hosts[hi].tls == .uncovered && !hosts[hi].isUnresolved {
            let h = hosts[hi]
            // Only missing secrets: reported by tls-secret-missing (or by the ignored annotation that should have made them).
            let real = h.candidates.filter { $0.certificate != nil || $0.secret == nil || $0.reason.hasPrefix("no TLSCertificateDelegation") || $0.reason.containsBytes("ReferenceGrant") }
            let refusedSecrets = h.candidates.filter {
                $0.certificate == nil && $0.secret != nil && !$0.reason.containsBytes("produced by nothing") && !$0.reason.containsBytes("written at run time")
            }
            guard !real.isEmpty || !refusedSecrets.isEmpty else { continue }
            let routes = ctx.graph.routes(ofHostAt: hi).filter { $0.terminatesTLS }
            let first = routes.first
            var reasons: [String] = []
            for c in h.candidates {
                let name = c.certificate ?? c.secret.map { "secret \($0.description)" } ?? "default certificate"
                let line = "\(name): \(c.reason)"
                if !reasons.contains(line) { reasons.append(line) }
            }
            let why = reasons.prefix(3).joined(separator: "; ") + (reasons.count > 3 ? "; …" : "")
            let resources = Array(Set(routes.map(\.resource))).sorted()
            let objects = resources.map { "\($0.kind) \($0.namespace)/\($0.name)" }.joined(separator: ", ")
            out.append(Finding(rule: "tls-host-uncovered", severity: .error,
                message: "\(h.name) is served over TLS by \(objects) but no certificate covers it (\(why))",
                hosts: [h.name], resources: resources,
                source: first?.tls.secretSource ?? first?.hostSources[h.name] ?? first?.source,
                routes: routes.map(\.id), certificates: h.candidates.compactMap { $0.certificate }))
        }
        return out
    }

    // MARK: tls-secret-missing

    static func tlsSecretMissing(_ ctx: RuleContext) -> [Finding] {
        struct Key: Hashable { var secret: NamespacedName; var resource: ObjectRef }
        var refs: [Key: (at: SourceLocation, hosts: Set<String>, routes: [String])] = [:]
        for r in ctx.graph.routes {
            let tls = r.tls   // read once (each read of r.tls copies the whole TLS description)
            guard tls.enabled && !tls.passthrough && tls.secretIssue == nil else { continue }
            func missing(_ s: NamespacedName) {
                guard ctx.certsBySecret[s] == nil, !ctx.ignoredAnnotationObjects.contains(r.resource) else { return }
                let k = Key(secret: s, resource: r.resource)
                var e = refs[k] ?? (tls.secretSource ?? r.source, [], [])
                e.hosts.formUnion(r.hosts)
                e.routes.append(r.id)
                refs[k] = e
            }
            if let s = tls.secret { missing(s) }
            for s in tls.extraSecrets { missing(s) }
        }
        // Secrets loaded into a Traefik store by objects without a TLS route (Ingress spec.tls, TLSStore).
        let routed = Set(refs.keys.map(\.secret))
        for (_, store) in ctx.graph.traefikStores {
            for (s, entry) in store.secrets where ctx.certsBySecret[s] == nil {
                guard !routed.contains(s) else { continue }
                let at = entry.at
                let ref = entry.owner ?? ObjectRef(group: "", kind: "Secret", namespace: s.namespace, name: s.name)
                if ctx.ignoredAnnotationObjects.contains(ref) { continue }
                refs[Key(secret: s, resource: ref)] = (at, Set(ctx.hosts(ref)), [])
            }
        }
        return refs.map { k, v in
            if let producer = ctx.graph.externalSecrets[k.secret] {
                return Finding(rule: "tls-secret-missing", severity: .warning,
                    message: "\(k.resource.kind) \(k.resource.namespace)/\(k.resource.name) uses TLS secret \(k.secret.description), which \(producer) writes at run time: its certificate is not in the input, so the hosts' coverage cannot be checked",
                    hosts: v.hosts.sorted(), resources: [k.resource], source: v.at, routes: v.routes)
            }
            return Finding(rule: "tls-secret-missing", severity: .warning,
                    message: "\(k.resource.kind) \(k.resource.namespace)/\(k.resource.name) uses TLS secret \(k.secret.description), which nothing in the input produces (no Secret, Certificate or shim)",
                    hosts: v.hosts.sorted(), resources: [k.resource], source: v.at, routes: v.routes)
        }
    }

    // MARK: host-provider-conflict

    static func hostProviderConflict(_ ctx: RuleContext) -> [Finding] {
        var out: [Finding] = []
        let hosts = ctx.graph.hosts
        for hi in hosts.indices where hosts[hi].name != "*" && !hosts[hi].isUnresolved {
            // Most hosts have one controller: find out without building anything (or copying the host).
            // A host's controllers are the union of its routes' (each once).
            var named = 0
            for c in hosts[hi].controllers where c != "unknown" { named += 1 }
            guard named > 1 else { continue }
            let h = hosts[hi]
            let routes = ctx.graph.routes(ofHostAt: hi)
            var byController: [String: [Route]] = [:]
            for r in routes { for c in r.controllers where c != "unknown" { byController[c, default: []].append(r) } }
            guard byController.count > 1 else { continue }
            let parts = byController.keys.sorted().map { c -> String in
                let objs = Set(byController[c]!.map { "\($0.kind) \($0.namespace)/\($0.name)" }).sorted()
                return "\(c) (\(objs.joined(separator: ", ")))"
            }
            let resources = Array(Set(routes.map(\.resource))).sorted()
            // Point at the host field of the object that adds the second controller.
            let second = byController.keys.sorted()[1]
            let r = byController[second]!.first!
            let doubly = routes.contains { $0.controllers.count > 1 }
            out.append(Finding(rule: "host-provider-conflict", severity: .error,
                message: "\(h.name) is claimed by \(parts.joined(separator: " and "))\(doubly ? " — one Ingress is accepted by two controllers" : "")",
                hosts: [h.name], resources: resources, source: r.hostSources[h.name] ?? r.matchSource, routes: routes.map(\.id)))
        }
        return out
    }

    // MARK: host-route-conflict

    static func hostRouteConflict(_ ctx: RuleContext) -> [Finding] {
        var out: [Finding] = []
        struct Key: Hashable { var controller: String; var host: String; var layer: String; var path: String; var pathType: String; var extra: String }
        var groups: [Key: [Route]] = [:]
        var contourRoots: [String: [Route]] = [:]
        // Only hosts reached from more than one object can conflict.
        let hosts = ctx.graph.hosts
        for hi in hosts.indices where hosts[hi].routes.count > 1 && !hosts[hi].isUnresolved {
            let h = hosts[hi]
            let routes = ctx.graph.routes(ofHostAt: hi)
            guard Set(routes.map(\.resource)).count > 1 else { continue }
            for r in routes {
                if r.provider == .contour && r.kind == "HTTPProxy" { contourRoots[h.name, default: []].append(r) }
                let pathType = normalizedPathType(r)
                var extra = ""
                if ControllerFamily(r.controller) == .traefik {
                    // Traefik routers compete only on the same entry point; an Ingress becomes a router too.
                    let m = r.match
                    if r.provider == .traefik,
                       ["Header", "Method", "Query", "ClientIP", "HostRegexp", "ALPN"].contains(where: { m.containsBytes($0) }) { continue }
                    extra = r.entryPoints.sorted().joined(separator: ",")
                } else if r.provider == .gatewayAPI {
                    // Routes on different listeners (HTTP and HTTPS) do not compete.
                    extra = (r.parent ?? "") + "|" + r.match.components(separatedBy: ", ").dropFirst().joined(separator: ",")
                }
                groups[Key(controller: r.controller, host: h.name, layer: r.layer, path: r.path, pathType: pathType, extra: extra), default: []].append(r)
            }
        }
        for (k, routes) in groups {
            let objects = Set(routes.map(\.resource))
            guard objects.count > 1 else { continue }
            if ControllerFamily(k.controller) == .contour && routes.allSatisfy({ $0.provider == .contour }) { continue }
            let sorted = routes.sorted { $0.id < $1.id }
            let names = Set(sorted.map { "\($0.kind) \($0.namespace)/\($0.name)" }).sorted().joined(separator: " and ")
            let what: String
            switch sorted[0].provider {
            case _ where ControllerFamily(k.controller) == .traefik:
                let ranked = sorted.map { ($0, traefikPriority($0)) }.sorted { $0.1 > $1.1 }
                if ranked.count > 1 && ranked[0].1 == ranked[1].1 {
                    what = "both have priority \(ranked[0].1) (default: the rule's length), so which router Traefik picks is not determined"
                } else {
                    let best = ranked[0].0
                    what = "Traefik picks the router with the highest priority (default: the rule's length), \(best.kind) \(best.namespace)/\(best.name) (\(ranked[0].1))"
                }
            case .gatewayAPI:
                what = "Gateway API keeps the oldest route (then by namespace/name); the other is not served for this match"
            default:
                what = "\(k.controller) serves one of them (the first created); the other is ignored"
            }
            out.append(Finding(rule: "host-route-conflict", severity: .warning,
                message: "\(k.host)\(k.path) is claimed twice under \(k.controller) by \(names): \(what)",
                hosts: [k.host], resources: objects.sorted(),
                source: sorted.last!.hostSources[k.host] ?? sorted.last!.matchSource, routes: sorted.map(\.id)))
        }
        // Contour: two root HTTPProxies with the same fqdn are both invalid.
        for (host, routes) in contourRoots {
            let roots = Set(routes.compactMap { r -> ObjectRef? in
                guard let res = ctx.resource(r.resource), res.spec?["virtualhost", "fqdn"] != nil else { return nil }
                return r.resource
            })
            guard roots.count > 1 else { continue }
            let sorted = roots.sorted()
            let last = ctx.resource(sorted.last!)
            out.append(Finding(rule: "host-route-conflict", severity: .error,
                message: "\(host) is the fqdn of \(sorted.count) root HTTPProxies (\(sorted.map { "\($0.namespace)/\($0.name)" }.joined(separator: ", "))): Contour marks them all invalid and the host serves nothing",
                hosts: [host], resources: sorted,
                source: last.map { $0.at($0.spec?["virtualhost", "fqdn"]) }, routes: routes.map(\.id).sorted()))
        }
        return out
    }

    /// A Traefik router's priority: the explicit one, or the length of its rule (for an Ingress, the rule
    /// Traefik's Ingress provider builds: ``Host(`h`) && PathPrefix(`/p`)``).
    static func traefikPriority(_ r: Route) -> Int {
        if let p = r.priority, p != 0 { return p }
        if r.provider == .traefik { return r.match.count }
        let path = r.pathType == "Exact" || r.pathType == "Path" ? "Path(`\(r.path)`)" : "PathPrefix(`\(r.path)`)"
        let host = r.hosts.first.map { $0 == "*" ? "" : "Host(`\($0)`)" } ?? ""
        return (host.isEmpty ? path : "\(host) && \(path)").count
    }

    static func normalizedPathType(_ r: Route) -> String {
        switch r.pathType.lowercased() {
        case "prefix", "pathprefix", "implementationspecific", "any": return "prefix"
        case "exact", "path": return "exact"
        default: return r.pathType.lowercased()
        }
    }

    // MARK: backend-service-missing / backend-port-missing / backend-reference-rejected

    static func backendIssues(_ ctx: RuleContext) -> [Finding] {
        struct Key: Hashable { var resource: ObjectRef; var at: SourceLocation; var rule: String }
        var found: [Key: (Finding, Set<String>, [String])] = [:]
        for r in ctx.graph.routes {
            for b in r.backends {
                guard let issue = b.issue else { continue }
                let rule: String, severity: Severity, message: String
                switch issue {
                case .serviceMissing:
                    rule = "backend-service-missing"; severity = .warning
                    message = "\(r.kind) \(r.namespace)/\(r.name) routes to Service \(b.namespace)/\(b.name), which is not in the input"
                case .portMissing:
                    rule = "backend-port-missing"; severity = .warning
                    let ports = ctx.graph.service(b.namespace, b.name)?.ports.map { p in p.name.map { "\($0) (\(p.port))" } ?? String(p.port) } ?? []
                    message = "\(r.kind) \(r.namespace)/\(r.name) routes to port \(b.port.isEmpty ? "(none)" : b.port) of Service \(b.namespace)/\(b.name), which has \(ports.isEmpty ? "no ports" : "only " + ports.joined(separator: ", "))"
                case .rejected(let ruleID, let reason):
                    guard ruleID == "backend-reference-rejected" else { continue }
                    rule = ruleID; severity = .error
                    message = "\(r.kind) \(r.namespace)/\(r.name): \(r.controller) refuses backend \(b.display): \(reason)"
                case .referenceMissing:
                    continue
                }
                let key = Key(resource: r.resource, at: b.source, rule: rule)
                var e = found[key] ?? (Finding(rule: rule, severity: severity, message: message, resources: [r.resource], source: b.source), [], [])
                e.1.formUnion(r.hosts)
                e.2.append(r.id)
                found[key] = e
            }
        }
        return found.values.map { f, hosts, routes in
            var f = f
            f.hosts = hosts.sorted()
            f.routes = routes
            return f
        }
    }

    // MARK: deprecated-api

    struct Deprecation {
        var group: String
        var versions: Set<String>     // empty: every version
        var kinds: Set<String>        // empty: every kind
        var component: String         // kubernetes, traefik, contour, cert-manager, gateway-api
        var deprecatedIn: String
        var removedIn: String?
        var replacement: String
    }

    static let deprecations: [Deprecation] = [
        Deprecation(group: "extensions", versions: ["v1beta1"], kinds: ["Ingress"], component: "kubernetes",
                    deprecatedIn: "1.14", removedIn: "1.22", replacement: "networking.k8s.io/v1 Ingress"),
        Deprecation(group: "networking.k8s.io", versions: ["v1beta1"], kinds: ["Ingress", "IngressClass"], component: "kubernetes",
                    deprecatedIn: "1.19", removedIn: "1.22", replacement: "networking.k8s.io/v1"),
        Deprecation(group: "traefik.containo.us", versions: [], kinds: [], component: "traefik",
                    deprecatedIn: "v2.10", removedIn: "v3.0", replacement: "traefik.io/v1alpha1 (same kinds)"),
        Deprecation(group: "contour.heptio.com", versions: [], kinds: ["IngressRoute"], component: "contour",
                    deprecatedIn: "1.0", removedIn: "1.6", replacement: "projectcontour.io/v1 HTTPProxy"),
        Deprecation(group: "contour.heptio.com", versions: [], kinds: ["TLSCertificateDelegation"], component: "contour",
                    deprecatedIn: "1.0", removedIn: "1.7", replacement: "projectcontour.io/v1 TLSCertificateDelegation"),
        Deprecation(group: "certmanager.k8s.io", versions: [], kinds: [], component: "cert-manager",
                    deprecatedIn: "0.11", removedIn: "0.11", replacement: "cert-manager.io/v1"),
        Deprecation(group: "cert-manager.io", versions: ["v1alpha2", "v1alpha3", "v1beta1"], kinds: [], component: "cert-manager",
                    deprecatedIn: "1.4", removedIn: "1.7", replacement: "cert-manager.io/v1"),
        Deprecation(group: "acme.cert-manager.io", versions: ["v1alpha2", "v1alpha3", "v1beta1"], kinds: [], component: "cert-manager",
                    deprecatedIn: "1.4", removedIn: "1.7", replacement: "acme.cert-manager.io/v1"),
        Deprecation(group: "gateway.networking.k8s.io", versions: ["v1alpha2"], kinds: ["Gateway", "GatewayClass", "HTTPRoute"],
                    component: "gateway-api", deprecatedIn: "0.5", removedIn: "0.8", replacement: "gateway.networking.k8s.io/v1"),
        Deprecation(group: "gateway.networking.k8s.io", versions: ["v1alpha2"], kinds: ["GRPCRoute", "ReferenceGrant"],
                    component: "gateway-api", deprecatedIn: "1.1", removedIn: "1.2", replacement: "gateway.networking.k8s.io/v1 (ReferenceGrant: v1beta1 or v1)"),
        Deprecation(group: "gateway.networking.k8s.io", versions: ["v1alpha2"], kinds: ["TLSRoute"],
                    component: "gateway-api", deprecatedIn: "1.5", removedIn: "1.5", replacement: "gateway.networking.k8s.io/v1 TLSRoute"),
        Deprecation(group: "gateway.networking.k8s.io", versions: ["v1alpha2"], kinds: ["TCPRoute", "UDPRoute"],
                    component: "gateway-api", deprecatedIn: "1.6", removedIn: "1.6", replacement: "gateway.networking.k8s.io/v1"),
        Deprecation(group: "gateway.networking.x-k8s.io", versions: [], kinds: ["XListenerSet"],
                    component: "gateway-api", deprecatedIn: "1.5", removedIn: "1.5", replacement: "gateway.networking.k8s.io/v1 ListenerSet"),
    ]

    static let deprecatedGroups = Set(deprecations.map(\.group))

    static func deprecatedAPI(_ ctx: RuleContext) -> [Finding] {
        let p = ctx.graph.profile
        func target(_ component: String) -> (String, String) {
            switch component {
            case "kubernetes": return ("Kubernetes", p.kubernetesVersion)
            case "traefik": return ("Traefik", p.traefik.version)
            case "contour": return ("Contour", p.contourVersion)
            case "cert-manager": return ("cert-manager", p.certManagerVersion)
            default: return ("Gateway API", p.gatewayAPIVersion)
            }
        }
        var out: [Finding] = []
        for r in deprecatedGroups.sorted().flatMap({ ctx.store.all(inGroup: $0) }) {
            guard let d = deprecations.first(where: { d in
                d.group == r.group && (d.versions.isEmpty || d.versions.contains(r.version)) && (d.kinds.isEmpty || d.kinds.contains(r.kind))
            }) else { continue }
            let (name, version) = target(d.component)
            let removed = d.removedIn.map { versionAtLeast(version, $0) } ?? false
            let removal = d.removedIn.map { ", removed in \(name) \($0)" } ?? ""
            let status = removed ? "no longer served by the target \(name) \(version)" : "still served by \(name) \(version)"
            out.append(Finding(rule: "deprecated-api", severity: removed ? .error : .warning,
                message: "\(r.kind) \(r.namespace.isEmpty ? "" : r.namespace + "/")\(r.name) uses \(r.apiVersion), deprecated in \(name) \(d.deprecatedIn)\(removal) (\(status)): use \(d.replacement)",
                hosts: ctx.hosts(r.ref), resources: [r.ref], source: r.at(r.node?["apiVersion"])))
        }
        return out
    }

    // MARK: ingress-class-ambiguous

    static func ingressClassAmbiguous(_ ctx: RuleContext) -> [Finding] {
        let classes = IngressClasses(ctx.store)
        var out: [Finding] = []
        if classes.defaults.count > 1 {
            for c in classes.defaults {
                out.append(Finding(rule: "ingress-class-ambiguous", severity: .warning,
                    message: "IngressClass \(c.name) is marked default, and so \(classes.defaults.count == 2 ? "is" : "are") \(classes.defaults.filter { $0.name != c.name }.map(\.name).joined(separator: ", ")): the API server rejects new Ingresses without a class",
                    resources: [ObjectRef(group: "networking.k8s.io", kind: "IngressClass", namespace: "", name: c.name)], source: c.source))
            }
        }
        // Controllers of each Ingress (one lookup table, not a scan of every route per Ingress).
        func controllers(of ref: ObjectRef) -> [String]? { ctx.ingressRoutes[ref].map { ctx.graph.routes[$0[0]].controllers } }
        for ing in ctx.store.all("Ingress", groups: IngressProcessor.groups) {
            let field = ing.spec?["ingressClassName"]
            let annotation = ing.annotation("kubernetes.io/ingress.class")
            let hosts = ctx.hosts(ing.ref)
            if let f = field?.string, classes.byName[f] == nil {
                out.append(Finding(rule: "ingress-class-ambiguous", severity: .warning,
                    message: "Ingress \(ing.namespace)/\(ing.name) names class \(f), which no IngressClass defines",
                    hosts: hosts, resources: [ing.ref], source: ing.at(field)))
            } else if field == nil, let a = annotation, classes.byName[a] == nil,
                      controllers(of: ing.ref)?.first == "unknown" {
                out.append(Finding(rule: "ingress-class-ambiguous", severity: .warning,
                    message: "Ingress \(ing.namespace)/\(ing.name) names class \(a) in kubernetes.io/ingress.class; no IngressClass or known controller answers to it",
                    hosts: hosts, resources: [ing.ref], source: ctx.annotationLocation(ing, "kubernetes.io/ingress.class")))
            } else if field == nil && annotation == nil && ing.annotation("projectcontour.io/ingress.class") == nil && classes.soleDefault == nil {
                let controllers = controllers(of: ing.ref) ?? []
                let who = controllers == ["unknown"] || controllers.isEmpty ? "no controller known to take it" : "taken by \(controllers.joined(separator: " and "))"
                out.append(Finding(rule: "ingress-class-ambiguous", severity: .warning,
                    message: "Ingress \(ing.namespace)/\(ing.name) has no class and no IngressClass is the default: which controllers serve it depends on their flags (\(who))",
                    hosts: hosts, resources: [ing.ref], source: ing.at(ing.spec)))
            }
        }
        return out
    }

    // MARK: annotation-controller-mismatch

    static let annotationFamilies: [(prefix: String, controller: String)] = [
        ("nginx.ingress.kubernetes.io/", "ingress-nginx"), ("nginx.org/", "nginx-inc"), ("nginx.com/", "nginx-inc"),
        ("traefik.ingress.kubernetes.io/", "traefik"), ("projectcontour.io/", "contour"), ("haproxy.org/", "haproxy"),
        ("haproxy-ingress.github.io/", "haproxy-ingress"), ("konghq.com/", "kong"), ("alb.ingress.kubernetes.io/", "aws-alb"),
        ("appgw.ingress.kubernetes.io/", "azure-agic"), ("k8s.apisix.apache.org/", "apisix"),
    ]

    /// The prefixes as bytes, with their family's index: a key's prefix is compared in place (no string
    /// is made of every annotation key of every Ingress).
    static let annotationPrefixBytes: [(bytes: [UInt8], family: Int)] = annotationFamilies.enumerated().map { (Array($0.element.prefix.utf8), $0.offset) }

    /// The family of an annotation key: the one whose prefix is the key's text up to its first `/`.
    static func annotationFamily(_ key: UnsafeBufferPointer<UInt8>) -> (prefix: String, controller: String)? {
        guard let slash = key.firstIndex(of: 47) else { return nil }
        let n = slash + 1
        for (bytes, family) in annotationPrefixBytes where bytes.count == n {
            if bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, key.baseAddress!, n) == 0 }) { return annotationFamilies[family] }
        }
        return nil
    }

    static func annotationControllerMismatch(_ ctx: RuleContext) -> [Finding] {
        var out: [Finding] = []
        for ing in ctx.store.all("Ingress", groups: IngressProcessor.groups) {
            guard let idx = ctx.ingressRoutes[ing.ref], case let controllers = ctx.graph.routes[idx[idx.count - 1]].controllers,
                  controllers != ["unknown"] else { continue }
            guard let ann = ing.annotationsNode, ann.isMapping, ann.count > 0 else { continue }
            let families = controllers.map { ControllerFamily($0) == .traefik ? "traefik" : $0 }
            var reported: [String] = []
            for i in 0..<ann.count {
                let keyNode = ann.key(at: i)
                guard keyNode.isScalar, let fam = keyNode.withBytes(annotationFamily), let k = keyNode.scalarText else { continue }
                if k == "projectcontour.io/ingress.class" || k == "projectcontour.io/tls-cert-namespace" && families.contains("contour") { continue }
                guard !families.contains(fam.controller), !reported.contains(fam.controller) else { continue }
                reported.append(fam.controller)
                out.append(Finding(rule: "annotation-controller-mismatch", severity: .warning,
                    message: "Ingress \(ing.namespace)/\(ing.name) is served by \(controllers.joined(separator: " and ")) but carries \(fam.controller) annotations (\(k)...), which have no effect",
                    hosts: ctx.hosts(ing.ref), resources: [ing.ref], source: ctx.annotationLocation(ing, k)))
            }
        }
        return out
    }

    // MARK: tls-hosts-mismatch

    static func tlsHostsMismatch(_ ctx: RuleContext) -> [Finding] {
        var out: [Finding] = []
        for ing in ctx.store.all("Ingress", groups: IngressProcessor.groups) {
            guard let routes = ctx.ingressRoutes[ing.ref].map({ $0.map { ctx.graph.routes[$0] } }), let primary = routes.first?.controller,
                  ControllerFamily(primary) != .traefik, primary != "unknown" else { continue }
            let ruleHosts = Set((ing.spec?["rules"]?.items ?? []).compactMap { $0["host"]?.string.map(HostNames.normalize) })
            var tlsHosts = Set<String>()
            for entry in ing.spec?["tls"]?.items ?? [] {
                for hn in entry["hosts"]?.items ?? [] {
                    guard let h = hn.string.map(HostNames.normalize) else { continue }
                    tlsHosts.insert(h)
                    if !ruleHosts.contains(h) {
                        out.append(Finding(rule: "tls-hosts-mismatch", severity: .warning,
                            message: "Ingress \(ing.namespace)/\(ing.name): tls host \(h) matches no rule host (\(ruleHosts.sorted().joined(separator: ", ")))",
                            hosts: ctx.hosts(ing.ref), resources: [ing.ref], source: ing.at(hn)))
                    }
                }
            }
            for r in routes where r.terminatesTLS {
                for h in r.hosts where h != "*" && !tlsHosts.contains(h) {
                    out.append(Finding(rule: "tls-hosts-mismatch", severity: .warning,
                        message: "Ingress \(ing.namespace)/\(ing.name): \(h) is served over TLS (a tls secret's certificate covers it) but is missing from tls[].hosts",
                        hosts: [h], resources: [ing.ref], source: r.hostSources[h] ?? r.source, routes: [r.id]))
                }
            }
        }
        return out
    }

    // MARK: certificate-unissuable

    static func certificateUnissuable(_ ctx: RuleContext) -> [Finding] {
        var out: [Finding] = []
        let issuers = ctx.store.all("Issuer", groups: CertManagerProcessor.groups)
        let clusterIssuers = ctx.store.all("ClusterIssuer", groups: CertManagerProcessor.groups)
        // Controllers per host, built on first need (only HTTP-01 solvers ask).
        var routeControllersBuilt: [String: Set<String>]? = nil
        func routeControllers(_ host: String) -> Set<String>? {
            if routeControllersBuilt == nil {
                var m: [String: Set<String>] = [:]
                for r in ctx.graph.routes { for h in r.hosts { m[h, default: []].formUnion(r.controllers) } }
                routeControllersBuilt = m
            }
            return routeControllersBuilt![host]
        }
        let classes = IngressClasses(ctx.store)
        // Each issuer's solvers, read once (thousands of certificates share a few issuers).
        var solversByIssuer: [ObjectIdentifier: [Solver]] = [:]
        for c in ctx.graph.certificates {
            switch c.origin {
            case .certificate, .ingressShim, .gatewayShim: break
            default: continue
            }
            guard let kind = c.issuerKind, let name = c.issuerName else { continue }
            if let g = c.issuerGroup, g != "cert-manager.io", !g.isEmpty { continue }   // an external issuer
            // Worked out only for a finding (most certificates have none).
            var hosts: [String] { c.dnsNames.filter { ctx.graph.hostIndex[$0] != nil }.sorted() }
            var what: String {
                c.origin == .certificate ? "Certificate \(c.namespace)/\(c.name)" : "the \(c.origin.rawValue) certificate for secret \(c.namespace)/\(c.secretName ?? c.name)"
            }
            let issuer: Resource?
            if kind == "ClusterIssuer" {
                issuer = clusterIssuers.first { $0.name == name }
                if issuer == nil {
                    out.append(Finding(rule: "certificate-unissuable", severity: .warning,
                        message: "\(what) names ClusterIssuer \(name), which is not in the input",
                        hosts: hosts, resources: [c.resource], source: c.source, certificates: [c.id]))
                    continue
                }
            } else if kind == "Issuer" {
                issuer = issuers.first { $0.namespace == c.namespace && $0.name == name }
                if issuer == nil {
                    if let elsewhere = issuers.first(where: { $0.name == name }) {
                        out.append(Finding(rule: "certificate-unissuable", severity: .error,
                            message: "\(what) names Issuer \(name), but that Issuer is in namespace \(elsewhere.namespace): a namespaced Issuer only serves its own namespace (use a ClusterIssuer)",
                            hosts: hosts, resources: [c.resource], source: c.source, certificates: [c.id]))
                    } else {
                        out.append(Finding(rule: "certificate-unissuable", severity: .warning,
                            message: "\(what) names Issuer \(c.namespace)/\(name), which is not in the input",
                            hosts: hosts, resources: [c.resource], source: c.source, certificates: [c.id]))
                    }
                    continue
                }
            } else {
                continue
            }
            guard let issuer, issuer.spec?["acme"] != nil else { continue }
            let solvers: [Solver]
            if let known = solversByIssuer[ObjectIdentifier(issuer)] { solvers = known } else {
                solvers = (issuer.spec?["acme", "solvers"]?.items ?? []).map(Solver.init)
                solversByIssuer[ObjectIdentifier(issuer)] = solvers
            }
            for dns in c.dnsNames {
                guard let solver = Self.selectSolver(solvers, dnsName: dns, certLabels: [:]) else { continue }
                if dns.hasPrefix("*.") && solver["http01"] != nil && solver["dns01"] == nil {
                    out.append(Finding(rule: "certificate-unissuable", severity: .error,
                        message: "\(what) asks for wildcard \(dns), but the solver \(issuer.kind) \(issuer.name) picks for it is HTTP-01: wildcards need DNS-01",
                        hosts: hosts, resources: [c.resource, issuer.ref], source: c.source, certificates: [c.id]))
                    continue
                }
                guard let http = solver["http01"], !dns.hasPrefix("*.") else { continue }
                var solverController: String? = nil
                if let ing = http["ingress"] {
                    if let cls = ing["ingressClassName"]?.string ?? ing["class"]?.string {
                        solverController = classes.byName[cls].map { ControllerNames.short($0.controller) } ?? ControllerNames.legacyClassNames[cls]
                    }
                } else if let gw = http["gatewayHTTPRoute"], let parent = gw["parentRefs"]?.items.first, let gname = parent["name"]?.string {
                    let gns = parent["namespace"]?.string ?? c.namespace
                    let cls = ctx.store.lookup(group: "gateway.networking.k8s.io", kind: "Gateway", namespace: gns, name: gname)?.spec?["gatewayClassName"]?.string
                    solverController = cls.flatMap { ctx.store.lookup(group: "gateway.networking.k8s.io", kind: "GatewayClass", namespace: "", name: $0)?.spec?["controllerName"]?.string }
                        .map(ControllerNames.short)
                }
                guard let sc = solverController, let served = routeControllers(HostNames.normalize(dns)), !served.isEmpty,
                      !served.contains(sc), !served.contains(where: { ControllerFamily($0) == .traefik && sc == "traefik" }) else { continue }
                out.append(Finding(rule: "certificate-unissuable", severity: .error,
                    message: "\(what): the HTTP-01 challenge for \(dns) is answered through \(sc), but \(served.sorted().joined(separator: ", ")) serves that host, so the challenge never reaches the solver",
                    hosts: [HostNames.normalize(dns)], resources: [c.resource, issuer.ref], source: c.source, certificates: [c.id]))
            }
        }
        return out
    }

    /// An ACME solver with its selector read out.
    struct Solver {
        let node: Node
        let labels: [String: String]
        let names: [String]   // normalised
        let zones: [String]   // normalised
        init(_ node: Node) {
            self.node = node
            let sel = node["selector"]
            labels = sel?["matchLabels"]?.stringMap ?? [:]
            names = (sel?["dnsNames"]?.strings ?? []).map(HostNames.normalize)
            zones = (sel?["dnsZones"]?.strings ?? []).map(HostNames.normalize)
        }
    }

    /// cert-manager's ACME solver selection: dnsNames match beats dnsZones (longest zone), then label count, then order.
    static func selectSolver(_ solvers: [Solver], dnsName: String, certLabels: [String: String]) -> Node? {
        let name = HostNames.normalize(dnsName)
        var best: (Node, Int, Int)? = nil   // (solver, specificity, labels)
        for s in solvers {
            if !s.labels.allSatisfy({ certLabels[$0.key] == $0.value }) { continue }
            var spec = 0
            if !s.names.isEmpty || !s.zones.isEmpty {
                if s.names.contains(name) { spec = 10_000 }
                else if let z = s.zones.filter({ name == $0 || name.hasSuffix("." + $0) }).max(by: { $0.count < $1.count }) { spec = 1 + z.count }
                else { continue }
            }
            if best == nil || spec > best!.1 || (spec == best!.1 && s.labels.count > best!.2) { best = (s.node, spec, s.labels.count) }
        }
        return best?.0
    }

    // MARK: certificate-expired / certificate-expiring

    static func certificateExpiry(_ ctx: RuleContext) -> [Finding] {
        let day = 86400.0
        // Which certificates get a finding, first: the hosts covered are then gathered for those only.
        enum Verdict { case expired, expiring(days: Int) }
        var due: [(certificate: Int, notAfter: Double, verdict: Verdict)] = []
        for (i, c) in ctx.graph.certificates.enumerated() {
            guard let notAfter = c.notAfter else { continue }
            let left = notAfter - ctx.now
            if left <= 0 { due.append((i, notAfter, .expired)); continue }
            var threshold = Double(ctx.expiryWarningDays) * day
            if let nb = c.notBefore, notAfter > nb { threshold = min(threshold, (notAfter - nb) / 3) }
            if left < threshold { due.append((i, notAfter, .expiring(days: Int(left / day)))) }
        }
        guard !due.isEmpty else { return [] }
        let wanted = Set(due.map { ctx.graph.certificates[$0.certificate].id })
        var coveredHosts: [String: Set<String>] = [:]
        let hosts = ctx.graph.hosts
        for hi in hosts.indices {
            for c in hosts[hi].certificates where wanted.contains(c) { coveredHosts[c, default: []].insert(hosts[hi].name) }
        }
        return due.map { d in
            let c = ctx.graph.certificates[d.certificate]
            let hosts = (coveredHosts[c.id] ?? []).sorted()
            let what = "the certificate in \(c.origin == .secret ? "Secret" : c.origin.rawValue) \(c.namespace)/\(c.name) (\(c.dnsNames.prefix(3).joined(separator: ", ")))"
            switch d.verdict {
            case .expired:
                return Finding(rule: "certificate-expired", severity: .error,
                    message: "\(what) expired on \(UTCDate.day(d.notAfter))",
                    hosts: hosts, resources: [c.resource], source: c.source, certificates: [c.id])
            case .expiring(let days):
                return Finding(rule: "certificate-expiring", severity: .warning,
                    message: "\(what) expires on \(UTCDate.day(d.notAfter)), in \(days) day\(days == 1 ? "" : "s")",
                    hosts: hosts, resources: [c.resource], source: c.source, certificates: [c.id])
            }
        }
    }

    // MARK: certificate-unused

    static func certificateUnused(_ ctx: RuleContext) -> [Finding] {
        var caSecrets = Set<NamespacedName>()
        for i in ctx.store.all("Issuer", groups: CertManagerProcessor.groups) + ctx.store.all("ClusterIssuer", groups: CertManagerProcessor.groups) {
            if let s = i.spec?["ca", "secretName"]?.string {
                caSecrets.insert(NamespacedName(i.kind == "ClusterIssuer" ? "cert-manager" : i.namespace, s))
            }
        }
        var out: [Finding] = []
        for (i, c) in ctx.graph.certificates.enumerated() where (c.origin == .certificate || (c.origin == .secret && c.secretType == "kubernetes.io/tls"))
            && !ctx.graph.isCertificateUsed(at: i) {
            if let s = c.secret, caSecrets.contains(s) || caSecrets.contains(where: { $0.name == s.name && c.origin == .secret }) { continue }
            // A Secret written by a Certificate is used when its Certificate is.
            if c.origin == .secret, let s = c.secret, (ctx.certsBySecret[s] ?? []).contains(where: { ctx.graph.usedCertificates.contains($0.id) }) { continue }
            let what = c.origin == .certificate ? "Certificate \(c.namespace)/\(c.name) (secret \(c.secretName ?? ""))" : "TLS Secret \(c.namespace)/\(c.name)"
            out.append(Finding(rule: "certificate-unused", severity: .info,
                message: "\(what) for \(c.dnsNames.prefix(3).joined(separator: ", ")) is used by no route",
                hosts: [], resources: [c.resource], source: c.source, certificates: [c.id]))
        }
        return out
    }

    // MARK: traefik-acme-single-instance

    static func traefikACME(_ ctx: RuleContext) -> [Finding] {
        var byResource: [ObjectRef: (resolver: String, routes: [Route])] = [:]
        for r in ctx.graph.routes where ControllerFamily(r.controller) == .traefik {
            guard let res = r.tls.resolver else { continue }
            byResource[r.resource, default: (res, [])].routes.append(r)
        }
        return byResource.map { ref, v in
            Finding(rule: "traefik-acme-single-instance", severity: .info,
                    message: "\(ref.kind) \(ref.namespace)/\(ref.name) gets its certificate from Traefik's certResolver \(v.resolver): ACME inside Traefik keeps it in one instance's storage",
                    hosts: ctx.hosts(ref), resources: [ref], source: v.routes[0].source, routes: v.routes.map(\.id))
        }
    }

    // MARK: plaintext-only

    static func plaintextOnly(_ ctx: RuleContext) -> [Finding] {
        var out: [Finding] = []
        let hosts = ctx.graph.hosts
        for hi in hosts.indices where hosts[hi].tls == .none && hosts[hi].name != "*" && !hosts[hi].isUnresolved {
            let h = hosts[hi]
            let routes = ctx.graph.routes(ofHostAt: hi)
            guard routes.allSatisfy({ $0.layer == "http" || $0.layer == "grpc" }) else { continue }
            let resources = Array(Set(routes.map(\.resource))).sorted()
            out.append(Finding(rule: "plaintext-only", severity: .info,
                message: "\(h.name) is reachable only over plain HTTP (\(resources.map { "\($0.kind) \($0.namespace)/\($0.name)" }.joined(separator: ", ")))",
                hosts: [h.name], resources: resources, source: routes.first?.hostSources[h.name] ?? routes.first?.source, routes: h.routes))
        }
        return out
    }

    // MARK: routing-kind-unsupported

    static let unsupportedKinds: [(group: String, kinds: Set<String>, label: String, hostField: [String])] = [
        ("route.openshift.io", ["Route"], "OpenShift Route", ["spec", "host"]),
        ("networking.istio.io", ["Gateway"], "Istio Gateway", []),
        ("networking.istio.io", ["VirtualService"], "Istio VirtualService", ["spec", "hosts"]),
        ("k8s.nginx.org", ["VirtualServer", "VirtualServerRoute", "TransportServer"], "NGINX Inc. VirtualServer/TransportServer", ["spec", "host"]),
        ("getambassador.io", ["Mapping", "Host", "TCPMapping", "TLSContext"], "Emissary-ingress", ["spec", "hostname"]),
        ("apisix.apache.org", ["ApisixRoute", "ApisixTls"], "APISIX", []),
        ("configuration.konghq.com", ["TCPIngress", "UDPIngress", "KongIngress"], "Kong", []),
    ]

    static let unsupportedGroups = Set(unsupportedKinds.map(\.group))

    static func routingKindUnsupported(_ ctx: RuleContext) -> [Finding] {
        var groups: [String: (entry: Int, kind: String, resources: [Resource])] = [:]
        for r in unsupportedGroups.sorted().flatMap({ ctx.store.all(inGroup: $0) }) {
            guard let i = unsupportedKinds.firstIndex(where: { $0.group == r.group && $0.kinds.contains(r.kind) }) else { continue }
            groups["\(r.kind).\(r.group)", default: (i, r.kind, [])].resources.append(r)
        }
        return groups.map { key, v in
            let e = unsupportedKinds[v.entry]
            var hosts = Set<String>()
            for r in v.resources where !e.hostField.isEmpty {
                if let n = r.node.flatMap({ node in e.hostField.reduce(Optional(node)) { $0?[$1] } }) {
                    if n.isSequence { hosts.formUnion(n.strings.map(HostNames.normalize)) }
                    else if let s = n.string { hosts.insert(HostNames.normalize(s)) }
                }
            }
            let n = v.resources.count
            return Finding(rule: "routing-kind-unsupported", severity: .info,
                message: "\(n) \(v.kind) object\(n == 1 ? "" : "s") (\(key), \(e.label)) \(n == 1 ? "is" : "are") not analysed: hosts they claim are not checked for conflicts or coverage",
                hosts: hosts.sorted(), resources: v.resources.map(\.ref).sorted(), source: v.resources[0].source)
        }
    }
}
