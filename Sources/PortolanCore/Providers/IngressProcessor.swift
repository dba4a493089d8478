/// Kubernetes Ingress (`networking.k8s.io/v1`, and the removed `networking.k8s.io/v1beta1` and
/// `extensions/v1beta1` shapes): one route per rule × path, the default backend as host `*`.
/// Which controller serves an Ingress follows each controller's own class precedence (kinds.md §2.4);
/// TLS follows the serving controller (§2.3).
struct IngressProcessor: GraphProcessor {
    static let groups: Set<String> = ["networking.k8s.io", "extensions"]

    func run(_ b: GraphBuilder) {
        let classes = IngressClasses(b.store)
        let ingresses = b.store.all("Ingress", groups: Self.groups)
        guard !ingresses.isEmpty else { return }
        let present = PresentControllers(b.store, classes: classes)
        let delegations = TLSCertificateDelegations(b.store)
        // The certificates each secret holds (ingress-nginx looks for covering ones per host).
        var certificatesBySecret: [NamespacedName: [Int]] = [:]
        for (i, c) in b.certificates.enumerated() { if let s = c.secret { certificatesBySecret[s, default: []].append(i) } }
        ingresses.forEachPrefetching { ing in
            process(ing, b, classes: classes, present: present, delegations: delegations, certificatesBySecret: certificatesBySecret)
        }
    }

    func process(_ ing: Resource, _ b: GraphBuilder, classes: IngressClasses, present: PresentControllers,
                 delegations: TLSCertificateDelegations, certificatesBySecret: [NamespacedName: [Int]]) {
        guard let spec = ing.spec, spec.isMapping else {
            b.problem(ing.source, "Ingress \(ing.namespace)/\(ing.name) has no spec; nothing is routed")
            return
        }
        let controllers = IngressClassResolution.controllers(for: ing, classes: classes, present: present, profile: b.profile)
        let primary = controllers.first ?? "unknown"
        let family = ControllerFamily(primary)
        let isBeta = ing.apiVersion != "networking.k8s.io/v1"

        // TLS entries
        struct TLSEntry { var hosts: [String]; var secret: String?; var node: Node; var secretNode: Node? }
        var entries: [TLSEntry] = []
        for t in spec["tls"]?.items ?? [] {
            entries.append(TLSEntry(hosts: t["hosts"]?.strings ?? [], secret: t["secretName"]?.string, node: t,
                                    secretNode: t["secretName"]))
        }
        let certNamespace = ing.annotation("projectcontour.io/tls-cert-namespace")

        // Traefik loads every spec.tls secret into its store, whatever the hosts say.
        for c in controllers where ControllerFamily(c) == .traefik {
            for e in entries {
                if let s = e.secret { b.addTraefikStoreSecret(c, NamespacedName(ing.namespace, s), at: ing.at(e.secretNode), owner: ing.ref) }
            }
        }

        // Traefik's annotations are read only for an Ingress that Traefik serves.
        let traefikTLS = family == .traefik ? TraefikIngressTLS(ing, profile: b.profile) : nil

        func tlsFor(host: String, isDefault: Bool) -> RouteTLS {
            switch family {
            case .traefik:
                guard let traefik = traefikTLS, traefik.enabled else { return .off }
                var t = RouteTLS(enabled: true, resolver: traefik.resolver, domains: traefik.domains)
                if let e = entries.first(where: { $0.hosts.contains { HostNames.normalize($0) == HostNames.normalize(host) } }),
                   let s = e.secret {
                    t.secret = NamespacedName(ing.namespace, s)
                    t.secretSource = ing.at(e.secretNode)
                }
                return t
            case .contour:
                if isDefault { return .off }   // Contour never serves a default backend over TLS
                guard let e = entries.first(where: { $0.hosts.contains { HostNames.normalize($0) == HostNames.normalize(host) } })
                else { return .off }
                guard let s = e.secret else { return RouteTLS(enabled: true) }
                var t = RouteTLS(enabled: true, secret: NamespacedName(ing.namespace, s), secretSource: ing.at(e.secretNode))
                if isBeta, s.contains("/") {
                    let parts = s.split(separator: "/", maxSplits: 1).map(String.init)
                    t.secret = NamespacedName(parts[0], parts[1])
                } else if let ns = certNamespace, ns != ing.namespace {
                    t.secret = NamespacedName(ns, s)
                }
                if let sec = t.secret, sec.namespace != ing.namespace,
                   !delegations.permits(sec, to: ing.namespace) {
                    t.secretIssue = "no TLSCertificateDelegation in \(sec.namespace) lets namespace \(ing.namespace) use secret \(sec.description)"
                }
                return t
            case .other:
                if isDefault { return .off }
                if let e = entries.first(where: { $0.hosts.contains { HostNames.normalize($0) == HostNames.normalize(host) } }) {
                    guard let s = e.secret else { return RouteTLS(enabled: true) }
                    return RouteTLS(enabled: true, secret: NamespacedName(ing.namespace, s), secretSource: ing.at(e.secretNode))
                }
                // ingress-nginx also uses any tls[] secret whose certificate covers the host.
                if primary == "ingress-nginx" {
                    for e in entries {
                        guard let s = e.secret else { continue }
                        let sec = NamespacedName(ing.namespace, s)
                        let covering = (certificatesBySecret[sec] ?? []).contains { i in
                            b.certificates[i].dnsNames.contains { HostNames.covers(certName: $0, host: host) != nil }
                        }
                        if covering { return RouteTLS(enabled: true, secret: sec, secretSource: ing.at(e.secretNode)) }
                    }
                }
                return .off
            }
        }

        func backend(_ n: Node?, at fallback: Node?) -> [Backend] {
            guard let n else {
                return []
            }
            let at = ing.at(n)
            if let res = n["resource"] {
                return [Backend(kind: res["kind"]?.string ?? "Resource", group: res["apiGroup"]?.string ?? "",
                                namespace: ing.namespace, name: res["name"]?.string ?? "", port: "", resolved: false, source: at)]
            }
            var name: String?, port: String?
            if let svc = n["service"] {
                name = svc["name"]?.string
                port = svc["port", "number"]?.scalarText ?? svc["port", "name"]?.string
            } else {
                name = n["serviceName"]?.string
                port = n["servicePort"]?.scalarText
            }
            guard let name else {
                b.problem(at, "Ingress \(ing.namespace)/\(ing.name): a backend without a service name is ignored")
                return []
            }
            let allowExternal: Bool
            switch family {
            case .traefik: allowExternal = b.profile.traefik.allowExternalNameServices
            case .contour: allowExternal = b.profile.contour.enableExternalNameService
            case .other: allowExternal = true
            }
            return [b.serviceBackend(namespace: ing.namespace, name: name, port: port ?? "", source: at,
                                     externalNameAllowed: allowExternal,
                                     controllerName: family == .traefik ? "Traefik" : family == .contour ? "Contour" : primary)]
        }

        var routes: [Route] = []
        if let def = spec["defaultBackend"] ?? spec["backend"] {
            var r = Route(provider: .ingress, resource: ing, ruleIndex: 0, matchIndex: 0, idSuffix: "default",
                          hosts: ["*"], path: "/", pathType: "Prefix", match: "default backend",
                          tls: tlsFor(host: "*", isDefault: true), backends: backend(def, at: def), controllers: controllers,
                          matchSource: ing.at(def))
            r.hostSources["*"] = ing.at(def)
            routes.append(r)
        }
        for (ri, rule) in (spec["rules"]?.items ?? []).enumerated() {
            let hostNode = rule["host"]
            let host = hostNode?.string.map(HostNames.normalize) ?? "*"
            guard let paths = rule["http", "paths"]?.items else {
                if rule["http"] != nil || hostNode != nil {
                    b.problem(ing.at(rule), "Ingress \(ing.namespace)/\(ing.name) rule \(ri) (\(host)) has no http paths; it routes nothing")
                }
                continue
            }
            for (pi, p) in paths.enumerated() {
                let path = p["path"]?.string ?? "/"
                var pathType = p["pathType"]?.string ?? (isBeta ? "ImplementationSpecific" : "")
                if pathType.isEmpty {
                    b.problem(ing.at(p), "Ingress \(ing.namespace)/\(ing.name): path \(path) has no pathType (required in networking.k8s.io/v1); read as ImplementationSpecific")
                    pathType = "ImplementationSpecific"
                }
                if pathType == "ImplementationSpecific", let m = traefikTLS?.pathMatcher { pathType = m }
                var r = Route(provider: .ingress, resource: ing, ruleIndex: ri, matchIndex: pi,
                              hosts: [host], path: path.isEmpty ? "/" : path, pathType: pathType,
                              match: "\(pathType) \(path.isEmpty ? "/" : path)",
                              tls: tlsFor(host: host, isDefault: false), backends: backend(p["backend"], at: p),
                              controllers: controllers, matchSource: ing.at(p["path"] ?? p))
                r.hostSources[host] = ing.at(hostNode ?? rule)
                routes.append(r)
            }
        }
        for var r in routes {
            if let traefik = traefikTLS {
                r.entryPoints = traefik.entryPoints
                r.priority = traefik.priority
                r.middlewares = traefik.middlewares
            }
            b.add(r)
        }
        if let traefik = traefikTLS { traefik.checkMiddlewares(ing, b, hosts: routes.flatMap(\.hosts)) }
    }
}

/// Controller families whose Ingress handling differs.
enum ControllerFamily {
    case traefik, contour, other
    init(_ controller: String) {
        if controller == "traefik" || controller.hasPrefix("traefik@") { self = .traefik }
        else if controller == "contour" || controller.hasPrefix("contour@") { self = .contour }
        else { self = .other }
    }
}

/// IngressClass objects by name, with the default class.
struct IngressClasses {
    struct Class { var name: String; var controller: String; var isDefault: Bool; var source: SourceLocation }
    var byName: [String: Class] = [:]
    var defaults: [Class] = []

    init(_ store: ResourceStore) {
        for r in store.all("IngressClass", groups: ["networking.k8s.io"]) {
            let isDefault = r.annotation("ingressclass.kubernetes.io/is-default-class")?.lowercased() == "true"
            let c = Class(name: r.name, controller: r.spec?["controller"]?.string ?? "", isDefault: isDefault, source: r.source)
            byName[r.name] = c
            if isDefault { defaults.append(c) }
        }
        defaults.sort { $0.name < $1.name }
    }

    /// The default class when exactly one is marked default.
    var soleDefault: Class? { defaults.count == 1 ? defaults[0] : nil }
}

/// Which controllers are deployed, as far as the manifests show.
struct PresentControllers {
    var traefik: Bool
    var contour: Bool
    var nginx: Bool

    init(_ store: ResourceStore, classes: IngressClasses) {
        let controllers = Set(classes.byName.values.map { ControllerNames.short($0.controller) })
        let hasTraefikCRDs = store.hasGroup("traefik.io") || store.hasGroup("traefik.containo.us")
        let hasContourCRDs = store.hasGroup("projectcontour.io")
        traefik = controllers.contains("traefik") || hasTraefikCRDs
        contour = controllers.contains("contour") || hasContourCRDs
        nginx = controllers.contains("ingress-nginx")
    }
}

/// Each controller's own precedence between `spec.ingressClassName`, the legacy
/// `kubernetes.io/ingress.class` annotation and the default IngressClass.
public enum IngressClassResolution {
    static let traefikController = "traefik.io/ingress-controller"
    static let nginxController = "k8s.io/ingress-nginx"

    static func controllers(for ing: Resource, classes: IngressClasses, present: PresentControllers,
                            profile: ControllerProfile) -> [String] {
        var field = ing.spec?["ingressClassName"]?.string
        let annotation = ing.annotation("kubernetes.io/ingress.class")
        let contourAnnotation = ing.annotation("projectcontour.io/ingress.class")
        // Admission writes the (single) default class into Ingresses created without one.
        if field == nil && annotation == nil && contourAnnotation == nil, let d = classes.soleDefault { field = d.name }

        var out: [String] = []
        // Traefik: the field wins; with a field, the IngressClass must be Traefik's.
        let traefikPresent = present.traefik || annotation == "traefik"
            || (field.flatMap { classes.byName[$0]?.controller } == traefikController)
        if traefikPresent {
            let instances: [(String, String)] = [("traefik", profile.traefik.ingressClass)]
                + profile.traefik.instances.map { ("traefik@\($0.name)", $0.ingressClass) }
            for (name, cls) in instances {
                let accepts: Bool
                if let f = field {
                    accepts = classes.byName[f]?.controller == traefikController && (cls.isEmpty || f == cls)
                } else {
                    let a = annotation ?? ""
                    accepts = cls.isEmpty ? (a.isEmpty || a == "traefik") : a == cls
                }
                if accepts { out.append(name) }
            }
        }
        // Contour: filters by class name; its annotations win over the field.
        let contourPresent = present.contour || annotation == "contour" || contourAnnotation != nil
        if contourPresent {
            let cls = contourAnnotation ?? annotation ?? field
            let wanted = profile.contour.ingressClass
            let accepts: Bool
            if let cls { accepts = wanted.isEmpty ? cls == "contour" : cls == wanted } else { accepts = wanted.isEmpty }
            if accepts { out.append("contour") }
            if let cls, let i = profile.contour.instances.first(where: { $0.ingressClass == cls }) { out.append("contour@\(i.name)") }
        }
        // ingress-nginx: the annotation, then the class's controller; without a class only with --watch-ingress-without-class.
        let nginxPresent = present.nginx || annotation == profile.ingressNginx.ingressClass
        if nginxPresent {
            let accepts: Bool
            if let a = annotation { accepts = a == profile.ingressNginx.ingressClass }
            else if let f = field { accepts = classes.byName[f]?.controller == nginxController }
            else { accepts = profile.ingressNginx.watchIngressWithoutClass }
            if accepts { out.append("ingress-nginx") }
        }
        // Any other controller named by the class; a well-known class name when no IngressClass defines it.
        if out.isEmpty, let name = field ?? annotation {
            if let c = classes.byName[name] {
                let short = ControllerNames.short(c.controller)
                if !["traefik", "contour", "ingress-nginx"].contains(short) { out.append(short) }
            } else if let legacy = ControllerNames.legacyClassNames[name] {
                out.append(legacy)
            }
        }
        return out.isEmpty ? ["unknown"] : out
    }
}

/// How Traefik's Ingress provider reads TLS and routing annotations.
struct TraefikIngressTLS {
    static let prefix = "traefik.ingress.kubernetes.io/"
    var enabled: Bool
    var resolver: String?
    var domains: [String]
    var entryPoints: [String]
    var priority: Int?
    var middlewares: [String]
    var pathMatcher: String?
    private var middlewareNode: SourceLocation?

    static let tlsKey = prefix + "router.tls", resolverKey = prefix + "router.tls.certresolver"
    static let entryPointsKey = prefix + "router.entrypoints", priorityKey = prefix + "router.priority"
    static let middlewaresKey = prefix + "router.middlewares", pathMatcherKey = prefix + "router.pathmatcher"

    init(_ ing: Resource, profile: ControllerProfile) {
        // Most Ingresses carry no Traefik annotation at all: then every setting is the default.
        let ann = ing.annotationsNode
        let prefix = Self.prefix
        let hasOwn = ann.map { a in a.isMapping && (0..<a.count).contains { a.key(at: $0).withBytes { $0.starts(with: prefix.utf8) } } } ?? false
        guard hasOwn else {
            resolver = nil
            entryPoints = profile.traefik.defaultEntryPoints
            enabled = entryPoints.contains { profile.traefik.tlsEntryPoints.contains($0) }
            domains = []
            priority = nil
            middlewares = []
            pathMatcher = nil
            middlewareNode = nil
            return
        }
        // Looked up one by one: an Ingress has a few annotations, and building a dictionary of them
        // all costs more than the handful of lookups.
        let explicitTLS = ing.annotation(Self.tlsKey)?.lowercased() == "true"
        resolver = ing.annotation(Self.resolverKey).flatMap { $0.isEmpty ? nil : $0 }
        if let eps = ing.annotation(Self.entryPointsKey) {
            entryPoints = eps.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        } else {
            entryPoints = profile.traefik.defaultEntryPoints
        }
        let tlsEntry = entryPoints.contains { profile.traefik.tlsEntryPoints.contains($0) }
        enabled = explicitTLS || resolver != nil || tlsEntry
        var d: [String] = []
        var i = 0
        while let main = ing.annotation(Self.prefix + "router.tls.domains.\(i).main") {
            d.append(main)
            if let sans = ing.annotation(Self.prefix + "router.tls.domains.\(i).sans") {
                d += sans.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            }
            i += 1
        }
        domains = d
        priority = ing.annotation(Self.priorityKey).flatMap { Int($0) }
        middlewares = (ing.annotation(Self.middlewaresKey) ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        switch ing.annotation(Self.pathMatcherKey) {
        case "Path": pathMatcher = "Path"
        case "PathRegexp": pathMatcher = "PathRegexp"
        case "PathPrefix": pathMatcher = "PathPrefix"
        default: pathMatcher = nil
        }
        if let n = ing.annotationsNode?[Self.middlewaresKey] { middlewareNode = ing.at(n) }
    }

    /// `ns-name@kubernetescrd` references must name a Middleware in the input.
    func checkMiddlewares(_ ing: Resource, _ b: GraphBuilder, hosts: [String]) {
        guard !middlewares.isEmpty else { return }
        let known = Set(b.store.all("Middleware", groups: ["traefik.io", "traefik.containo.us"]).map { "\($0.namespace)-\($0.name)" })
        for m in middlewares {
            let parts = m.split(separator: "@", maxSplits: 1)
            let provider = parts.count > 1 ? String(parts[1]) : "kubernetescrd"
            guard provider == "kubernetescrd" else { continue }
            let key = String(parts[0])
            if !known.contains(key) {
                b.report(Finding(rule: "reference-missing", severity: .warning,
                    message: "Ingress \(ing.namespace)/\(ing.name) uses Traefik middleware \(m), which is not in the input",
                    hosts: Array(Set(hosts)).sorted(), resources: [ing.ref], source: middlewareNode ?? ing.source))
            }
        }
    }
}

/// Contour's TLSCertificateDelegations (both API groups), for HTTPProxy, the legacy IngressRoute and
/// Ingresses with `projectcontour.io/tls-cert-namespace`.
struct TLSCertificateDelegations {
    struct Grant {
        var all = false
        var namespaces = Set<String>()
    }
    private var grants: [NamespacedName: Grant] = [:]

    init() {}

    /// Reads every delegation; entries Contour ignores are passed to `problem`.
    init(_ store: ResourceStore, problem: (SourceLocation, String) -> Void = { _, _ in }) {
        for r in store.all("TLSCertificateDelegation", groups: ["projectcontour.io", "contour.heptio.com"]) {
            guard let list = r.spec?["delegations"], !list.isNull else { continue }
            guard list.isSequence else {
                problem(r.at(list), "\(r.kind) \(r.namespace)/\(r.name): `spec.delegations` is not a list and is ignored")
                continue
            }
            for d in list.items {
                guard let secret = d["secretName"]?.string, !secret.isEmpty else {
                    problem(r.at(d), "TLSCertificateDelegation \(r.namespace)/\(r.name): a delegation without secretName is ignored")
                    continue
                }
                let targets = d["targetNamespaces"]?.strings ?? []
                var g = grants[NamespacedName(r.namespace, secret)] ?? Grant()
                // Contour: "*" means every namespace only when it is the single entry.
                if targets.count == 1 && targets[0] == "*" { g.all = true } else { g.namespaces.formUnion(targets) }
                grants[NamespacedName(r.namespace, secret)] = g
            }
        }
    }

    /// Contour's delegationPermitted: the same namespace, or a delegation in the secret's namespace.
    func permits(_ secret: NamespacedName, to namespace: String) -> Bool {
        if secret.namespace == namespace { return true }
        guard let g = grants[secret] else { return false }
        return g.all || g.namespaces.contains(namespace)
    }
}
