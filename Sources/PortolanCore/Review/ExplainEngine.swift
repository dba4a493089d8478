import Foundation

/// Answers "what serves this URL?": per controller that claims the host, the winning route under that
/// controller's own precedence, the routes it shadows, redirects on the way, middlewares, backends and the
/// certificate presented for the SNI (kinds.md §2.2, §3, §4, §5.4).
public enum Explainer {
    /// Redirects followed under one controller.
    public static let maxHops = 5

    public static func run(_ estate: Estate, _ request: ExplainRequest) -> Explanation {
        let ctx = ExplainContext(estate)
        var notes: [String] = []
        if request.schemeAssumed { notes.append("no scheme given: https assumed") }
        var answers: [(answer: ExplainAnswer, claim: HostMatch)] = []
        for group in ctx.groups {
            guard let claim = ctx.claim(group, host: request.host) else { continue }
            answers.append((ctx.answer(group, request), claim))
        }
        // The groups that name the host first; catch-all routes after.
        answers.sort { a, b in
            if (a.claim == .catchAll) != (b.claim == .catchAll) { return b.claim == .catchAll }
            return a.answer.title < b.answer.title
        }
        if answers.isEmpty {
            notes.append("no route in the input claims the host \(request.host)")
        }
        if !ctx.unknownTimestamps.isEmpty {
            notes.append("creation times are not in the manifests; where precedence falls back to age, namespace/name order is shown")
        }
        return Explanation(request: request, answers: answers.map(\.answer), notes: notes + ctx.notes, now: estate.now)
    }
}

/// Routes served by one controller (one Gateway for Gateway API).
struct ExplainGroup: Hashable {
    var controller: String
    var gateway: String?
    var family: PrecedenceFamily
    var routes: [Int]

    func hash(into h: inout Hasher) { h.combine(controller); h.combine(gateway) }
    static func == (a: ExplainGroup, b: ExplainGroup) -> Bool { a.controller == b.controller && a.gateway == b.gateway }
}

/// One route evaluated against one request.
struct Evaluated {
    var index: Int
    var route: Route
    /// How the host matched (nil: not at all).
    var host: HostMatch?
    /// The route host that matched.
    var hostWritten: String
    /// Why the route is not eligible or does not match (nil: it matches).
    var miss: String?
    /// 3 exact, 2 regex (Contour) or prefix (Gateway), 1..., 0 any.
    var kindRank = 0
    var kindName = ""
    var pathLength = 0
    var headers = 0
    var queries = 0
    var method = false
    var priority = 0
    var priorityNote = ""
    var created: Double?
    /// The route does not take this scheme (or port) at all.
    var schemeMiss = false
    var matches: Bool { miss == nil && host != nil }
}

/// Shared lookups for one explanation.
final class ExplainContext {
    let estate: Estate
    let graph: RouteGraph
    let store: ResourceStore
    let profile: ControllerProfile
    var notes: [String] = []
    var unknownTimestamps = Set<String>()
    let groups: [ExplainGroup]
    private var certsBySecret: [NamespacedName: [Int]] = [:]
    /// Traefik ACME certificates by the object that requests them.
    private var acmeByResource: [ObjectRef: [Int]] = [:]

    init(_ estate: Estate) {
        self.estate = estate
        graph = estate.graph
        store = estate.graph.store
        profile = estate.graph.profile
        var byKey: [String: ExplainGroup] = [:]
        var order: [String] = []
        for (i, r) in graph.routes.enumerated() where ["http", "tcp", "tls"].contains(r.layer) {
            for c in r.controllers {
                let gateway = r.provider == .gatewayAPI ? ExplainContext.gatewayName(r.parent, store: estate.graph.store) : nil
                let key = c + "|" + (gateway ?? "")
                if byKey[key] == nil {
                    byKey[key] = ExplainGroup(controller: c, gateway: gateway, family: ExplainContext.family(r, c), routes: [])
                    order.append(key)
                }
                byKey[key]!.routes.append(i)
            }
        }
        groups = order.map { byKey[$0]! }
        for (i, c) in graph.certificates.enumerated() {
            if let s = c.secret { certsBySecret[s, default: []].append(i) }
            if c.origin == .traefikACME { acmeByResource[c.resource, default: []].append(i) }
        }
    }

    static func family(_ r: Route, _ controller: String) -> PrecedenceFamily {
        if r.provider == .gatewayAPI { return .gatewayAPI }
        if r.provider == .traefik || controller == "traefik" || controller.hasPrefix("traefik@") { return .traefik }
        if r.provider == .contour || controller == "contour" || controller.hasPrefix("contour@") { return .contour }
        if controller == "ingress-nginx" || controller == "nginx" { return .ingressNginx }
        return .generic
    }

    /// `Gateway ns/name` for a listener key (`Gateway/ns/name/listener`; a ListenerSet's parent Gateway).
    static func gatewayName(_ parent: String?, store: ResourceStore) -> String? {
        guard let parent else { return nil }
        let parts = parent.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3 else { return parent }
        if parts[0] != "Gateway" {
            // ListenerSet: its spec.parentRef names the Gateway.
            for kind in ["ListenerSet", "XListenerSet"] {
                if let ls = store.all(kind).first(where: { $0.namespace == parts[1] && $0.name == parts[2] }),
                   let name = ls.spec?["parentRef", "name"]?.string {
                    let ns = ls.spec?["parentRef", "namespace"]?.string ?? ls.namespace
                    return "Gateway \(ns)/\(name)"
                }
            }
            return "\(parts[0]) \(parts[1])/\(parts[2])"
        }
        return "Gateway \(parts[1])/\(parts[2])"
    }

    func resource(_ r: Route) -> Resource? {
        store.lookup(group: r.resource.group, kind: r.resource.kind, namespace: r.resource.namespace, name: r.resource.name)
    }

    // MARK: Claims

    /// How the group's routes claim the host (the most specific), or nil.
    func claim(_ g: ExplainGroup, host: String) -> HostMatch? {
        var best: HostMatch? = nil
        for i in g.routes {
            if let m = hostMatch(graph.routes[i], g, host: host)?.match, best == nil || m > best! { best = m }
        }
        return best
    }

    /// How a route's host constraint matches `host`, with the host as written.
    func hostMatch(_ r: Route, _ g: ExplainGroup, host: String) -> (match: HostMatch, written: String)? {
        if g.family == .traefik, let alt = traefikAlternative(r, g) {
            return traefikHost(alt.literals, host: host)
        }
        var best: (HostMatch, String)? = nil
        for h in r.hosts {
            if let m = HostMatch.of(h, host: host, multiLabel: g.family == .gatewayAPI), best == nil || m > best!.0 { best = (m, h) }
        }
        return best.map { (match: $0.0, written: $0.1) }
    }

    // MARK: Answer

    func answer(_ g: ExplainGroup, _ request: ExplainRequest) -> ExplainAnswer {
        var hops: [ExplainHop] = []
        var req = request
        var seen = Set<String>()
        var loop = false
        while hops.count < Explainer.maxHops {
            seen.insert(req.url)
            var hop = evaluate(g, req)
            guard let redirect = hop.redirect else { hops.append(hop); break }
            guard let next = req.following(redirect.location) else {
                hop.outcome += " (the location is not a URL Portolan can follow)"
                hops.append(hop)
                break
            }
            if seen.contains(next.url) {
                hop.outcome += " — a redirect loop: \(next.url) was already visited"
                loop = true
                hops.append(hop)
                break
            }
            if claim(g, host: next.host) == nil {
                hop.outcome += " — \(next.host) is not served by \(g.controller), not followed"
                hops.append(hop)
                break
            }
            hops.append(hop)
            req = next
        }
        return ExplainAnswer(controller: g.controller, gateway: g.gateway, family: g.family, hops: hops, redirectLoop: loop)
    }

    /// Entry point, listener or port the request arrives on.
    func entry(_ g: ExplainGroup, _ req: ExplainRequest) -> String {
        switch g.family {
        case .traefik:
            let ep = traefikEntryPoint(req)
            return "entry point \(ep) (\(req.scheme.uppercased()))"
        case .gatewayAPI:
            return "\(req.scheme == "https" ? "HTTPS" : "HTTP") listener" + (req.port.map { " on port \($0)" } ?? "")
        default:
            return "\(req.scheme.uppercased()) port \(req.effectivePort)"
        }
    }

    var traefikTLSEntryPoints: Set<String> { Set(profile.traefik.tlsEntryPoints) }

    /// The entry point a request arrives on: the first default entry point of the right kind.
    func traefikEntryPoint(_ req: ExplainRequest) -> String {
        let tls = traefikTLSEntryPoints
        let eps = profile.traefik.defaultEntryPoints + profile.traefik.tlsEntryPoints
        if req.scheme == "https" { return eps.first { tls.contains($0) } ?? "websecure" }
        return eps.first { !tls.contains($0) } ?? "web"
    }

    func evaluate(_ g: ExplainGroup, _ req: ExplainRequest) -> ExplainHop {
        var hop = ExplainHop(url: req.url, scheme: req.scheme, entry: entry(g, req), winner: nil, winnerDetail: "", outcome: "")
        let httpRoutes = g.routes.filter { graph.routes[$0].layer == "http" }
        let evaluated = httpRoutes.compactMap { evaluateRoute(graph.routes[$0], $0, g, req) }

        // Traefik: an entry-point redirect answers before any router.
        if g.family == .traefik && req.scheme == "http" {
            let ep = traefikEntryPoint(req)
            if let to = profile.traefik.entryPointRedirects[ep] {
                var next = req
                next.scheme = "https"
                next.port = nil
                hop.redirect = ExplainRedirect(status: 301, location: next.url,
                                               by: "Traefik entry point \(ep) redirects to \(to) (static configuration, .portolan.yaml entryPointRedirects)",
                                               source: nil)
                hop.shadowed = evaluated.filter(\.matches).map {
                    ExplainOther(route: ExplainRoute($0.route), reason: "the entry point \(ep) redirects every request before routers are consulted")
                }
                hop.unmatched = evaluated.filter { !$0.matches && $0.host != nil }.map { ExplainOther(route: ExplainRoute($0.route), reason: $0.miss ?? "") }
                hop.outcome = "redirected \(301) to \(next.url) by the entry point \(ep) → \(to)"
                return hop
            }
        }

        // TLS: a TCP/TLS route for the SNI takes the connection before HTTP routing.
        if req.scheme == "https", let l4 = layer4Winner(g, req) {
            hop.winner = ExplainRoute(l4.route)
            hop.winnerDetail = l4.route.tls.passthrough ? "TLS passthrough for SNI \(req.host)" : "TCP route terminating TLS for SNI \(req.host)"
            hop.shadowed = evaluated.filter(\.matches).map {
                ExplainOther(route: ExplainRoute($0.route), reason: "TLS connections for \(req.host) go to the TCP/TLS route \(l4.route.kind) \(l4.route.namespace)/\(l4.route.name) first")
            }
            hop.backends = backends(l4.route)
            hop.certificate = certificate(l4.route, g, sni: req.host, evaluated: [])
            hop.outcome = l4.route.tls.passthrough
                ? "TLS passed through to \(hop.backends.map(\.display).joined(separator: ", ")); HTTP routing happens in the backend"
                : "TCP connection to \(hop.backends.map(\.display).joined(separator: ", "))"
            return hop
        }

        var matching = evaluated.filter(\.matches)
        var unmatched = evaluated.filter { !$0.matches && $0.host != nil }
        var shadowed: [ExplainOther] = []
        var notConsulted: [ExplainOther] = []

        // nginx and Contour pick a server block / virtual host by name first: less specific hosts are not consulted.
        if g.family == .ingressNginx || g.family == .contour || g.family == .generic {
            let named = evaluated.filter { $0.host != nil }
            if let best = named.map({ $0.host! }).max() {
                let tier = named.filter { $0.host == best }
                let blockHost = tier.first.map { HostNames.normalize($0.hostWritten) } ?? req.host
                let block = g.family == .contour ? "virtual host" : "server block"
                for e in named where e.host != best {
                    notConsulted.append(ExplainOther(route: ExplainRoute(e.route),
                        reason: "not consulted: the \(block) for \(blockHost) (more specific than \(e.hostWritten)) takes the request"))
                }
                matching = matching.filter { $0.host == best }
                unmatched = unmatched.filter { $0.host == best }
            }
        }

        let criteria = self.criteria(g.family)
        matching.sort { a, b in order(a, b, criteria) }
        hop.unmatched = unmatched.map { ExplainOther(route: ExplainRoute($0.route), reason: $0.miss ?? "does not match") }

        guard let win = matching.first else {
            hop.shadowed = notConsulted
            hop.outcome = noWinner(g, req, evaluated: evaluated)
            return hop
        }
        hop.winner = ExplainRoute(win.route)
        hop.winnerDetail = describeWin(win, g.family)
        for e in matching.dropFirst() {
            shadowed.append(ExplainOther(route: ExplainRoute(e.route), reason: loses(e, to: win, criteria, g.family)))
        }
        hop.shadowed = shadowed + notConsulted
        let (middlewares, mwRedirect) = self.middlewares(win.route, g, req)
        hop.middlewares = middlewares
        hop.redirect = mwRedirect ?? redirect(win, g, req, evaluated: evaluated)
        if req.scheme == "https" { hop.certificate = certificate(win.route, g, sni: req.host, evaluated: evaluated) }
        if let r = hop.redirect {
            hop.outcome = "redirected \(r.status) to \(r.location)"
        } else {
            hop.backends = backends(win.route)
            hop.outcome = hop.backends.isEmpty
                ? "matched by \(win.route.kind) \(win.route.namespace)/\(win.route.name), which has no backend"
                : "served by \(hop.backends.map(\.display).joined(separator: ", "))"
        }
        return hop
    }

    func noWinner(_ g: ExplainGroup, _ req: ExplainRequest, evaluated: [Evaluated]) -> String {
        let named = evaluated.filter { $0.host != nil }
        if named.isEmpty {
            return "no route of \(g.controller) serves \(req.host)"
        }
        if named.allSatisfy(\.schemeMiss) {
            let why = named.first?.miss.map { " (\($0))" } ?? ""
            return "no route of \(g.controller) serves \(req.host) over \(req.scheme.uppercased())\(why)"
        }
        switch g.family {
        case .ingressNginx: return "404 from ingress-nginx's default backend: no path of the server block for \(req.host) matches \(req.path)"
        case .contour: return "404 from Contour: no route of the virtual host for \(req.host) matches \(req.path)"
        case .traefik: return "404 from Traefik: no router on this entry point matches"
        case .gatewayAPI: return "404: no rule attached to the Gateway matches"
        case .generic: return "no path of \(req.host) matches \(req.path) (the controller's default backend answers)"
        }
    }

    // MARK: Precedence

    struct Criterion {
        var name: String
        var key: (Evaluated) -> Int
        var show: (Evaluated) -> String
    }

    func criteria(_ f: PrecedenceFamily) -> [Criterion] {
        let host = Criterion(name: "more specific host name", key: { $0.host?.rank ?? -1 }, show: { $0.hostWritten })
        let length = Criterion(name: "longer path", key: { $0.pathLength }, show: { "\($0.kindName) \($0.route.path) (\($0.pathLength) character\($0.pathLength == 1 ? "" : "s"))" })
        let kind = Criterion(name: "match type", key: { $0.kindRank }, show: { $0.kindName })
        switch f {
        case .traefik:
            return [Criterion(name: "higher priority", key: { $0.priority }, show: { "priority \($0.priority)\($0.priorityNote)" })]
        case .ingressNginx, .generic:
            return [host, length, Criterion(name: "Exact before Prefix", key: { $0.kindRank == 3 ? 1 : 0 }, show: { $0.kindName })]
        case .contour:
            return [host, Criterion(name: "exact before regex before prefix", key: { $0.kindRank }, show: { $0.kindName }), length,
                    Criterion(name: "more header conditions", key: { $0.headers }, show: { "\($0.headers) header condition\($0.headers == 1 ? "" : "s")" }),
                    Criterion(name: "more query conditions", key: { $0.queries }, show: { "\($0.queries) query condition\($0.queries == 1 ? "" : "s")" })]
        case .gatewayAPI:
            return [host, kind, length,
                    Criterion(name: "method match", key: { $0.method ? 1 : 0 }, show: { $0.method ? "a method match" : "no method match" }),
                    Criterion(name: "more header matches", key: { $0.headers }, show: { "\($0.headers) header match\($0.headers == 1 ? "" : "es")" }),
                    Criterion(name: "more query matches", key: { $0.queries }, show: { "\($0.queries) query match\($0.queries == 1 ? "" : "es")" })]
        }
    }

    /// Ordering after the criteria: the oldest (when both creation times are known), then namespace/name,
    /// then rule and match order.
    func order(_ a: Evaluated, _ b: Evaluated, _ criteria: [Criterion]) -> Bool {
        for c in criteria {
            let ka = c.key(a), kb = c.key(b)
            if ka != kb { return ka > kb }
        }
        if let ca = a.created, let cb = b.created, ca != cb { return ca < cb }
        let na = "\(a.route.namespace)/\(a.route.name)", nb = "\(b.route.namespace)/\(b.route.name)"
        if na != nb { return na < nb }
        if a.route.ruleIndex != b.route.ruleIndex { return a.route.ruleIndex < b.route.ruleIndex }
        if a.route.matchIndex != b.route.matchIndex { return a.route.matchIndex < b.route.matchIndex }
        return a.route.id < b.route.id
    }

    func loses(_ e: Evaluated, to w: Evaluated, _ criteria: [Criterion], _ f: PrecedenceFamily) -> String {
        for c in criteria where c.key(e) != c.key(w) {
            return "\(c.name): the winner has \(c.show(w)), this one \(c.show(e))"
        }
        if let ce = e.created, let cw = w.created, ce != cw {
            return "created later (\(UTCDate.rfc3339(ce)) after \(UTCDate.rfc3339(cw)))"
        }
        let same = "\(e.route.namespace)/\(e.route.name)" == "\(w.route.namespace)/\(w.route.name)"
        switch f {
        case .traefik:
            return "same priority \(w.priority)\(w.priorityNote): Traefik does not define which of two equal-priority routers wins (shown in name order)"
        case .gatewayAPI:
            if same { return "a later \(e.route.ruleIndex != w.route.ruleIndex ? "rule" : "match") of the same route: the first one wins" }
            unknownTimestamps.insert(e.route.id)
            return "equal match; the older route would win, but creation times are not in the manifests: namespace/name order decides (\(w.route.namespace)/\(w.route.name) before \(e.route.namespace)/\(e.route.name))"
        case .ingressNginx:
            unknownTimestamps.insert(e.route.id)
            return "the same path twice: ingress-nginx keeps the oldest Ingress (namespace/name order shown)"
        case .contour:
            return "identical conditions: Contour keeps one of them (namespace/name order shown)"
        case .generic:
            return "the same path twice: which one the controller keeps is not defined (namespace/name order shown)"
        }
    }

    func describeWin(_ w: Evaluated, _ f: PrecedenceFamily) -> String {
        switch f {
        case .traefik: return "priority \(w.priority)\(w.priorityNote)"
        default:
            var parts: [String] = []
            switch w.host {
            case .exact?: parts.append("exact host \(w.hostWritten)")
            case .wildcard?: parts.append("wildcard host \(w.hostWritten)")
            case .catchAll?: parts.append("any host")
            case nil: break
            }
            parts.append("\(w.kindName) \(w.route.path)")
            if w.method { parts.append("method") }
            if w.headers > 0 { parts.append("\(w.headers) header match\(w.headers == 1 ? "" : "es")") }
            if w.queries > 0 { parts.append("\(w.queries) query match\(w.queries == 1 ? "" : "es")") }
            return parts.joined(separator: ", ")
        }
    }

    // MARK: Evaluating one route

    func evaluateRoute(_ r: Route, _ index: Int, _ g: ExplainGroup, _ req: ExplainRequest) -> Evaluated? {
        guard let hm = hostMatch(r, g, host: req.host) else { return nil }
        var e = Evaluated(index: index, route: r, host: hm.match, hostWritten: hm.written)
        if let res = resource(r), let ts = res.metadata?["creationTimestamp"]?.string { e.created = UTCDate.parse(ts) }
        if let why = schemeMiss(r, g, req) { e.miss = why; e.schemeMiss = true; return e }
        switch g.family {
        case .traefik: traefikMatch(&e, g, req)
        case .contour: contourMatch(&e, req)
        case .ingressNginx, .generic: ingressMatch(&e, g.family, req)
        case .gatewayAPI: gatewayMatch(&e, req)
        }
        return e
    }

    /// Why a route does not take requests of this scheme (and port).
    func schemeMiss(_ r: Route, _ g: ExplainGroup, _ req: ExplainRequest) -> String? {
        let https = req.scheme == "https"
        switch g.family {
        case .traefik:
            let eps = r.entryPoints.isEmpty ? profile.traefik.defaultEntryPoints : r.entryPoints
            let tlsEPs = traefikTLSEntryPoints
            let tlsRouter = traefikTLSRouter(r)
            if https {
                if tlsRouter || eps.contains(where: tlsEPs.contains) { return nil }
                return "router only on plain-HTTP entry point\(eps.count == 1 ? "" : "s") \(eps.joined(separator: ", "))"
            }
            if !eps.contains(where: { !tlsEPs.contains($0) }) {
                return "router only on TLS entry point\(eps.count == 1 ? "" : "s") \(eps.joined(separator: ", ")) (HTTPS)"
            }
            if tlsRouter { return "a TLS router (spec.tls or router.tls): it only answers HTTPS" }
            return nil
        case .gatewayAPI:
            let ep = r.entryPoints.first ?? ""
            let parts = ep.split(separator: ":")
            let proto = parts.first.map(String.init)?.uppercased() ?? ""
            if let p = req.port, parts.count == 2, let lp = Int(parts[1]), lp != p {
                return "attached to listener \(r.parent ?? "") on port \(lp), not \(p)"
            }
            if https {
                return r.terminatesTLS ? nil : "attached to the \(proto.isEmpty ? "plain" : proto) listener \(r.parent ?? ""): not HTTPS"
            }
            return r.tls.enabled ? "attached to the \(proto) listener \(r.parent ?? ""): HTTPS only" : nil
        case .contour:
            if https { return r.terminatesTLS ? nil : "the virtual host has no TLS: HTTPS is not served" }
            if r.provider == .ingress, let res = resource(r), res.annotation("kubernetes.io/ingress.allow-http")?.lowercased() == "false" {
                return "kubernetes.io/ingress.allow-http is false: plain HTTP is not served"
            }
            return nil
        case .ingressNginx:
            return nil   // ingress-nginx answers HTTPS for every server block (with its default certificate when none is set)
        case .generic:
            if https && !r.tls.enabled { return "no TLS for this host: HTTPS is not served" }
            return nil
        }
    }

    // MARK: Traefik

    /// A Traefik router's rule: the CRD's match, or the rule Traefik's Ingress provider builds.
    func traefikRule(_ r: Route) -> String {
        if r.provider == .traefik { return r.match }
        if r.id.hasSuffix("#default") { return "PathPrefix(`/`)" }
        var parts: [String] = []
        let h = r.hosts.first ?? "*"
        if h != "*" {
            if h.hasPrefix("*.") {
                let rest = h.dropFirst(2).replacingOccurrences(of: ".", with: "\\.")
                parts.append("HostRegexp(`[a-zA-Z0-9-]+\\.\(rest)`)")
            } else {
                parts.append("Host(`\(h)`)")
            }
        }
        let matcher: String
        switch r.pathType {
        case "Exact", "Path": matcher = "Path"
        case "PathRegexp": matcher = "PathRegexp"
        default: matcher = "PathPrefix"
        }
        if !r.path.isEmpty { parts.append("\(matcher)(`\(r.path)`)") }
        return parts.joined(separator: " && ")
    }

    private var altCache: [String: TraefikRuleAlternative?] = [:]

    func traefikAlternative(_ r: Route, _ g: ExplainGroup) -> TraefikRuleAlternative? {
        if let c = altCache[r.id] { return c }
        var alt: TraefikRuleAlternative? = nil
        if case .success(let expr) = TraefikRule.parse(traefikRule(r)) {
            let x = TraefikRule.expand(expr)
            let i = r.provider == .traefik ? r.matchIndex : 0
            if i < x.alternatives.count { alt = x.alternatives[i] }
        }
        altCache[r.id] = alt
        return alt
    }

    func traefikTLSRouter(_ r: Route) -> Bool {
        guard let res = resource(r) else { return false }
        if r.provider == .traefik {
            if let t = res.spec?["tls"], !t.isNull { return true }
            return false
        }
        let a = res.annotations
        return a["traefik.ingress.kubernetes.io/router.tls"]?.lowercased() == "true"
            || !(a["traefik.ingress.kubernetes.io/router.tls.certresolver"] ?? "").isEmpty
    }

    func traefikHost(_ lits: [TraefikRuleLiteral], host: String) -> (match: HostMatch, written: String)? {
        var best: HostMatch = .catchAll
        var written = "*"
        for l in lits where l.matcher.kind.isHostLiteral || l.matcher.kind.isHostRegexp {
            let (ok, _) = traefikLiteral(l, host: host, req: nil)
            if ok != true { return nil }
            if l.negated { continue }
            if l.matcher.kind.isHostLiteral {
                for v in l.values where TraefikRule.hostPatternMatches(TraefikRule.normalizeHost(v), host) {
                    let m: HostMatch = v == "*" ? .catchAll : (v.hasPrefix("*.") ? .wildcard(v.count - 1) : .exact)
                    if m > best { best = m; written = TraefikRule.normalizeHost(v) }
                }
            } else if best < .wildcard(0) {
                best = .wildcard(0); written = l.rendered
            }
        }
        return (best, written)
    }

    func traefikMatch(_ e: inout Evaluated, _ g: ExplainGroup, _ req: ExplainRequest) {
        let rule = traefikRule(e.route)
        if let p = e.route.priority {
            e.priority = p; e.priorityNote = ""
        } else if e.route.id.hasSuffix("#default") && e.route.provider == .ingress {
            e.priority = Int(Int32.min); e.priorityNote = " (an Ingress default backend: the lowest)"
        } else {
            e.priority = rule.utf8.count
            e.priorityNote = e.route.provider == .traefik ? " (the rule's length)" : " (the length of the rule Traefik builds: \(rule))"
        }
        guard let alt = traefikAlternative(e.route, g) else {
            e.miss = "its rule cannot be parsed or expanded; not evaluated"
            return
        }
        e.kindName = alt.pathType
        for l in alt.literals {
            let (ok, why) = traefikLiteral(l, host: req.host, req: req)
            if ok == true { continue }
            e.miss = why
            return
        }
    }

    /// Whether a Traefik literal holds for the request: true, false, or nil (cannot be known offline).
    func traefikLiteral(_ l: TraefikRuleLiteral, host: String, req: ExplainRequest?) -> (Bool?, String) {
        let values = l.values
        var result: Bool?
        var subject = ""
        switch l.matcher.kind {
        case .host, .hostHeader, .hostSNI:
            result = values.contains { TraefikRule.hostPatternMatches(TraefikRule.normalizeHost($0), host) }
            subject = "host \(host)"
        case .hostRegexp, .hostSNIRegexp:
            subject = "host \(host)"
            result = values.contains { v in
                if RegexMatching.isTraefikTemplate(v) {
                    return RegexMatching.matches(RegexMatching.traefikTemplate(v, prefix: false), host, mode: .search, caseInsensitive: true) ?? false
                }
                return RegexMatching.matches(v, host, mode: .search) ?? false
            }
        case .path, .pathPrefix, .pathRegexp:
            guard let req else { return (true, "") }
            subject = "path \(req.path)"
            result = values.contains { v in
                switch l.matcher.kind {
                case .path:
                    if RegexMatching.isTraefikTemplate(v) { return RegexMatching.matches(RegexMatching.traefikTemplate(v, prefix: false), req.path, mode: .search) ?? false }
                    return v == req.path
                case .pathPrefix:
                    if RegexMatching.isTraefikTemplate(v) { return RegexMatching.matches(RegexMatching.traefikTemplate(v, prefix: true), req.path, mode: .search) ?? false }
                    return PathMatching.stringPrefix(v, req.path)
                default:
                    return RegexMatching.matches(v, req.path, mode: .search) ?? false
                }
            }
        case .method:
            guard let req else { return (true, "") }
            subject = "method \(req.method)"
            result = values.contains { $0.uppercased() == req.method }
        case .header, .headers, .headerRegexp, .headersRegexp:
            guard let req else { return (true, "") }
            guard values.count >= 2 else { return (nil, "\(l.rendered) is malformed") }
            let value = req.header(values[0])
            subject = value.map { "header \(values[0]): \($0)" } ?? "no \(values[0]) header sent"
            if let value {
                if l.matcher.kind == .header || l.matcher.kind == .headers { result = value == values[1] }
                else { result = RegexMatching.matches(values[1], value, mode: .search) ?? false }
            } else {
                result = false
            }
        case .query, .queryRegexp:
            guard let req else { return (true, "") }
            subject = req.query.isEmpty ? "no query" : "query \(req.queryString)"
            if l.matcher.kind == .queryRegexp {
                guard values.count >= 2 else { return (nil, "\(l.rendered) is malformed") }
                result = req.query.contains { $0.name == values[0] && (RegexMatching.matches(values[1], $0.value ?? "", mode: .search) ?? false) }
            } else if values.count == 2 {
                result = req.query.contains { $0.name == values[0] && ($0.value ?? "") == values[1] }
            } else if values.count == 1 && values[0].contains("=") && !req.query.isEmpty {
                // v2: Query(`k=v`)
                let kv = values[0].split(separator: "=", maxSplits: 1).map(String.init)
                result = req.query.contains { $0.name == kv[0] && ($0.value ?? "") == (kv.count > 1 ? kv[1] : "") }
            } else if values.count == 1 && values[0].contains("=") {
                result = false
            } else {
                result = values.contains { v in req.query.contains { $0.name == v } }
            }
        case .clientIP, .alpn:
            return (nil, "\(l.rendered) depends on the client, which Portolan cannot know; assumed not to match")
        }
        guard let r = result else { return (nil, "\(l.rendered) cannot be evaluated") }
        let holds = l.negated ? !r : r
        return (holds, holds ? "" : "\(l.rendered) does not hold (\(subject.isEmpty ? "the request" : subject))")
    }

    // MARK: Ingress (ingress-nginx and others)

    func ingressMatch(_ e: inout Evaluated, _ f: PrecedenceFamily, _ req: ExplainRequest) {
        let r = e.route
        let res = resource(r)
        let annotations = res?.annotations ?? [:]
        let useRegex = f == .ingressNginx && (annotations["nginx.ingress.kubernetes.io/use-regex"]?.lowercased() == "true"
                                             || annotations["nginx.ingress.kubernetes.io/rewrite-target"] != nil)
        e.pathLength = r.path.count
        switch r.pathType {
        case "Exact":
            e.kindRank = 3; e.kindName = "Exact"
            if useRegex {
                if RegexMatching.matches(r.path, req.path, mode: .full, caseInsensitive: true) != true { e.miss = "Exact \(r.path) (regex, use-regex) does not match \(req.path)" }
            } else if r.path != req.path { e.miss = "Exact \(r.path) does not match \(req.path)" }
        case "Prefix":
            e.kindRank = 1; e.kindName = "Prefix"
            if useRegex {
                if RegexMatching.matches(r.path, req.path, mode: .prefix, caseInsensitive: true) != true { e.miss = "Prefix \(r.path) (regex, use-regex) does not match \(req.path)" }
            } else if !PathMatching.elementPrefix(r.path, req.path) {
                e.miss = "Prefix \(r.path) does not match \(req.path) (compared element by element)"
            }
        default:
            e.kindRank = 1; e.kindName = r.pathType.isEmpty ? "ImplementationSpecific" : r.pathType
            if useRegex {
                e.kindName += " (regex)"
                switch RegexMatching.matches(r.path, req.path, mode: .prefix, caseInsensitive: true) {
                case true?: break
                case false?: e.miss = "the regular expression \(r.path) (use-regex, case-insensitive, anchored at the start) does not match \(req.path)"
                case nil: e.miss = "the regular expression \(r.path) cannot be evaluated"
                }
            } else if !PathMatching.stringPrefix(r.path, req.path) {
                e.miss = "\(e.kindName) \(r.path) (a character prefix) does not match \(req.path)"
            }
        }
    }

    // MARK: Contour

    func contourMatch(_ e: inout Evaluated, _ req: ExplainRequest) {
        let r = e.route
        e.pathLength = r.path.count
        if r.provider == .ingress {
            // An Ingress served by Contour.
            switch r.pathType {
            case "Exact":
                e.kindRank = 3; e.kindName = "Exact"
                if r.path != req.path { e.miss = "Exact \(r.path) does not match \(req.path)" }
            case "Prefix":
                e.kindRank = 1; e.kindName = "Prefix"
                if !PathMatching.elementPrefix(r.path, req.path) { e.miss = "Prefix \(r.path) does not match \(req.path) (compared element by element)" }
            default:
                if PathMatching.contourLooksLikeRegex(r.path) {
                    e.kindRank = 2; e.kindName = "regex"
                    if RegexMatching.matches(r.path, req.path, mode: .full) != true { e.miss = "the regular expression \(r.path) does not match \(req.path)" }
                } else {
                    e.kindRank = 1; e.kindName = "prefix"
                    if !PathMatching.stringPrefix(r.path, req.path) { e.miss = "prefix \(r.path) does not match \(req.path)" }
                }
            }
            return
        }
        switch r.pathType {
        case "exact":
            e.kindRank = 3; e.kindName = "exact"
            if r.path != req.path { e.miss = "exact \(r.path) does not match \(req.path)" }
        case "regex":
            e.kindRank = 2; e.kindName = "regex"
            if RegexMatching.matches(r.path, req.path, mode: .full) != true { e.miss = "regex \(r.path) does not match \(req.path)" }
        default:
            e.kindRank = 1; e.kindName = "prefix"
            if !PathMatching.stringPrefix(r.path, req.path) { e.miss = "prefix \(r.path) does not match \(req.path)" }
        }
        if e.miss != nil { return }
        // Header and query conditions, as the processor describes them: "header NAME op VALUE", "query NAME op VALUE".
        for part in r.match.components(separatedBy: ", ").dropFirst() {
            if part.hasPrefix("header ") {
                e.headers += 1
                if let why = contourCondition(String(part.dropFirst(7)), req: req, header: true) { e.miss = why; return }
            } else if part.hasPrefix("query ") {
                e.queries += 1
                if let why = contourCondition(String(part.dropFirst(6)), req: req, header: false) { e.miss = why; return }
            }
        }
    }

    /// `NAME op [VALUE] [(ignoreCase)]`; nil when it holds, else why not.
    func contourCondition(_ text: String, req: ExplainRequest, header: Bool) -> String? {
        var t = text
        var ignoreCase = false
        if t.hasSuffix(" (ignoreCase)") { ignoreCase = true; t.removeLast(13) }
        let words = t.split(separator: " ", maxSplits: 2).map(String.init)
        guard words.count >= 2 else { return nil }
        let name = words[0], op = words[1], value = words.count > 2 ? words[2] : ""
        let actual: String? = header ? req.header(name) : req.query.first(where: { $0.name == name }).map { $0.value ?? "" }
        let what = header ? "header \(name)" : "query parameter \(name)"
        func eq(_ a: String, _ b: String) -> Bool { ignoreCase ? a.lowercased() == b.lowercased() : a == b }
        func has(_ a: String, _ b: String) -> Bool { ignoreCase ? a.lowercased().contains(b.lowercased()) : a.contains(b) }
        let holds: Bool
        switch op {
        case "present": holds = actual != nil
        case "notpresent": holds = actual == nil
        case "exact": holds = actual.map { eq($0, value) } ?? false
        case "notexact": holds = actual.map { !eq($0, value) } ?? true
        case "contains": holds = actual.map { has($0, value) } ?? false
        case "notcontains": holds = actual.map { !has($0, value) } ?? true
        case "prefix": holds = actual.map { ignoreCase ? $0.lowercased().hasPrefix(value.lowercased()) : $0.hasPrefix(value) } ?? false
        case "suffix": holds = actual.map { ignoreCase ? $0.lowercased().hasSuffix(value.lowercased()) : $0.hasSuffix(value) } ?? false
        case "regex": holds = actual.flatMap { RegexMatching.matches(value, $0, mode: .full) } ?? false
        default: return nil
        }
        if holds { return nil }
        return "\(what) \(op)\(value.isEmpty ? "" : " \(value)") does not hold (\(actual.map { "it is \"\($0)\"" } ?? "not sent"))"
    }

    // MARK: Gateway API

    func gatewayMatch(_ e: inout Evaluated, _ req: ExplainRequest) {
        let r = e.route
        var pathType = r.pathType, pathValue = r.path
        var headers: [(type: String, name: String, value: String)] = []
        var queries: [(type: String, name: String, value: String)] = []
        var method: String? = nil
        let ruleNode = resource(r)?.spec?["rules"]?.items.dropFirst(r.ruleIndex).first
        if let m = ruleNode?["matches"]?.items.dropFirst(r.matchIndex).first {
            pathType = m["path", "type"]?.string ?? "PathPrefix"
            pathValue = m["path", "value"]?.string ?? "/"
            for h in m["headers"]?.items ?? [] {
                headers.append((h["type"]?.string ?? "Exact", h["name"]?.string ?? "", h["value"]?.scalarText ?? ""))
            }
            for q in m["queryParams"]?.items ?? [] {
                queries.append((q["type"]?.string ?? "Exact", q["name"]?.string ?? "", q["value"]?.scalarText ?? ""))
            }
            method = m["method"]?.string
        } else {
            // From the description: "PathPrefix /api, header x=y, query a~b, method GET".
            for part in r.match.components(separatedBy: ", ").dropFirst() {
                func split(_ s: Substring) -> (String, String, String) {
                    if let i = s.firstIndex(where: { $0 == "=" || $0 == "~" }) {
                        return (s[i] == "~" ? "RegularExpression" : "Exact", String(s[..<i]), String(s[s.index(after: i)...]))
                    }
                    return ("Exact", String(s), "")
                }
                if part.hasPrefix("header ") { headers.append(split(part.dropFirst(7))) }
                else if part.hasPrefix("query ") { queries.append(split(part.dropFirst(6))) }
                else if part.hasPrefix("method ") { method = String(part.dropFirst(7)) }
            }
        }
        e.pathLength = pathValue.count
        e.headers = headers.count
        e.queries = queries.count
        e.method = method != nil
        switch pathType {
        case "Exact":
            e.kindRank = 3; e.kindName = "Exact"
            if pathValue != req.path { e.miss = "Exact \(pathValue) does not match \(req.path)"; return }
        case "RegularExpression":
            e.kindRank = 1; e.kindName = "RegularExpression"
            switch RegexMatching.matches(pathValue, req.path, mode: .full) {
            case true?: break
            case false?: e.miss = "RegularExpression \(pathValue) does not match \(req.path)"; return
            case nil: e.miss = "RegularExpression \(pathValue) cannot be evaluated"; return
            }
        default:
            e.kindRank = 2; e.kindName = "PathPrefix"
            if !PathMatching.elementPrefix(pathValue, req.path) { e.miss = "PathPrefix \(pathValue) does not match \(req.path) (compared element by element)"; return }
        }
        if let m = method, m.uppercased() != req.method { e.miss = "method \(m) does not match \(req.method)"; return }
        for h in headers {
            let v = req.header(h.name)
            let ok = v.map { h.type == "RegularExpression" ? (RegexMatching.matches(h.value, $0, mode: .full) ?? false) : $0 == h.value } ?? false
            if !ok { e.miss = "header \(h.name)\(h.type == "RegularExpression" ? "~" : "=")\(h.value) does not hold (\(v.map { "it is \"\($0)\"" } ?? "not sent"))"; return }
        }
        for q in queries {
            let v = req.query.first { $0.name == q.name }.map { $0.value ?? "" }
            let ok = v.map { q.type == "RegularExpression" ? (RegexMatching.matches(q.value, $0, mode: .full) ?? false) : $0 == q.value } ?? false
            if !ok { e.miss = "query \(q.name)\(q.type == "RegularExpression" ? "~" : "=")\(q.value) does not hold (\(v.map { "it is \"\($0)\"" } ?? "not sent"))"; return }
        }
    }

    // MARK: Layer 4 (TLS passthrough, TCP routes with SNI)

    func layer4Winner(_ g: ExplainGroup, _ req: ExplainRequest) -> Evaluated? {
        var best: Evaluated? = nil
        for i in g.routes {
            let r = graph.routes[i]
            guard r.layer == "tcp" || r.layer == "tls", r.tls.enabled else { continue }
            var hm: (match: HostMatch, written: String)? = nil
            if g.family == .traefik, let alt = traefikAlternative(r, g) {
                hm = traefikHost(alt.literals, host: req.host)
            } else {
                for h in r.hosts {
                    if let m = HostMatch.of(h, host: req.host, multiLabel: g.family == .gatewayAPI), hm == nil || m > hm!.match { hm = (m, h) }
                }
            }
            guard let m = hm else { continue }
            if g.family == .traefik {
                let eps = r.entryPoints.isEmpty ? profile.traefik.defaultEntryPoints : r.entryPoints
                if !eps.contains(where: traefikTLSEntryPoints.contains) { continue }
            }
            var e = Evaluated(index: i, route: r, host: m.match, hostWritten: m.written)
            e.priority = r.priority ?? r.match.utf8.count
            if best == nil || (e.host!, e.priority) > (best!.host!, best!.priority) { best = e }
        }
        return best
    }

    // MARK: Middlewares and redirects

    func traefikMiddleware(_ ref: String, namespace: String) -> Resource? {
        let groups = ["traefik.io", "traefik.containo.us"]
        if let at = ref.firstIndex(of: "@") {
            guard ref[ref.index(after: at)...] == "kubernetescrd" else { return nil }
            let key = String(ref[..<at])
            return store.all("Middleware", groups: Set(groups)).first { "\($0.namespace)-\($0.name)" == key }
        }
        if let slash = ref.firstIndex(of: "/") {
            return store.lookup(groups: groups, kind: "Middleware", namespace: String(ref[..<slash]), name: String(ref[ref.index(after: slash)...]))
        }
        return store.lookup(groups: groups, kind: "Middleware", namespace: namespace, name: ref)
            ?? store.all("Middleware", groups: Set(groups)).first { "\($0.namespace)-\($0.name)" == ref }
    }

    /// The route's middlewares or filters as shown, and the first redirect among them that applies.
    func middlewares(_ r: Route, _ g: ExplainGroup, _ req: ExplainRequest) -> ([String], ExplainRedirect?) {
        var shown: [String] = []
        var redirect: ExplainRedirect? = nil
        if g.family == .traefik {
            func visit(_ ref: String, namespace: String, depth: Int) {
                guard let m = traefikMiddleware(ref, namespace: namespace) else {
                    shown.append("\(ref) (not in the input)")
                    return
                }
                let type = m.spec?.pairs.first?.key.string ?? "?"
                var label = "Middleware \(m.namespace)/\(m.name) (\(type))"
                if type == "chain", depth < 8 {
                    shown.append(label)
                    for item in m.spec?["chain", "middlewares"]?.items ?? [] {
                        if let n = item["name"]?.string { visit(n.contains("@") ? n : "\(item["namespace"]?.string ?? m.namespace)/\(n)", namespace: m.namespace, depth: depth + 1) }
                    }
                    return
                }
                if redirect == nil, let rd = traefikRedirect(m, type: type, req) {
                    redirect = rd
                    label += " → \(rd.status) \(rd.location)"
                }
                shown.append(label)
            }
            for ref in r.middlewares { visit(ref, namespace: r.namespace, depth: 0) }
            return (shown, redirect)
        }
        if g.family == .gatewayAPI {
            shown = r.middlewares
            if let rule = resource(r)?.spec?["rules"]?.items.dropFirst(r.ruleIndex).first {
                for f in rule["filters"]?.items ?? [] where f["type"]?.string == "RequestRedirect" {
                    redirect = gatewayRedirect(f["requestRedirect"], r, req, source: resource(r)?.at(f))
                    break
                }
            } else if let desc = r.middlewares.first(where: { $0.hasPrefix("RequestRedirect") }) {
                redirect = gatewayRedirectFromDescription(desc, req)
            }
            return (shown, redirect)
        }
        return (r.middlewares, nil)
    }

    func traefikRedirect(_ m: Resource, type: String, _ req: ExplainRequest) -> ExplainRedirect? {
        let permanent = m.spec?[type]?["permanent"]?.bool ?? false
        switch type {
        case "redirectScheme":
            let scheme = m.spec?["redirectScheme", "scheme"]?.string ?? "https"
            let port = m.spec?["redirectScheme", "port"]?.scalarText.flatMap { Int($0) }
            if scheme == req.scheme && (port == nil || port == req.effectivePort) { return nil }
            var next = req
            next.scheme = scheme
            next.port = port
            return ExplainRedirect(status: permanent ? 301 : 302, location: next.url,
                                   by: "Middleware \(m.namespace)/\(m.name) redirectScheme", source: m.at(m.spec?["redirectScheme"]))
        case "redirectRegex":
            guard let re = m.spec?["redirectRegex", "regex"]?.string,
                  let replacement = m.spec?["redirectRegex", "replacement"]?.string,
                  let regex = try? NSRegularExpression(pattern: re.replacingOccurrences(of: "(?P<", with: "(?<")) else { return nil }
            let url = req.url
            let range = NSRange(url.startIndex..<url.endIndex, in: url)
            guard regex.firstMatch(in: url, range: range) != nil else { return nil }
            // Go writes ${1}; NSRegularExpression $1.
            var template = replacement
            for i in 0...9 { template = template.replacingOccurrences(of: "${\(i)}", with: "$\(i)") }
            let location = regex.stringByReplacingMatches(in: url, range: range, withTemplate: template)
            if location == url { return nil }
            return ExplainRedirect(status: permanent ? 301 : 302, location: location,
                                   by: "Middleware \(m.namespace)/\(m.name) redirectRegex", source: m.at(m.spec?["redirectRegex"]))
        default:
            return nil
        }
    }

    func gatewayRedirect(_ rr: Node?, _ r: Route, _ req: ExplainRequest, source: SourceLocation?) -> ExplainRedirect? {
        var next = req
        let scheme = rr?["scheme"]?.string
        if let s = scheme { next.scheme = s.lowercased() }
        if let h = rr?["hostname"]?.string { next.host = HostNames.normalize(h) }
        if let p = rr?["port"]?.int { next.port = p } else if scheme != nil { next.port = nil }
        if let p = rr?["path"] {
            switch p["type"]?.string {
            case "ReplaceFullPath": next.path = p["replaceFullPath"]?.string ?? "/"
            case "ReplacePrefixMatch":
                let prefix = r.path == "/" ? "" : r.path
                let replacement = p["replacePrefixMatch"]?.string ?? "/"
                let rest = next.path.hasPrefix(prefix) ? String(next.path.dropFirst(prefix.count)) : next.path
                var joined = (replacement.hasSuffix("/") && rest.hasPrefix("/")) ? replacement + rest.dropFirst() : replacement + rest
                if joined.isEmpty { joined = "/" }
                next.path = joined
            default: break
            }
        }
        let status = rr?["statusCode"]?.int ?? 302
        return ExplainRedirect(status: status, location: next.url, by: "RequestRedirect filter of \(r.kind) \(r.namespace)/\(r.name)", source: source)
    }

    func gatewayRedirectFromDescription(_ desc: String, _ req: ExplainRequest) -> ExplainRedirect? {
        var next = req
        var status = 302
        for word in desc.split(separator: " ") {
            let kv = word.trimmingCharacters(in: CharacterSet(charactersIn: ",")).split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { continue }
            switch kv[0] {
            case "scheme": next.scheme = kv[1]; next.port = nil
            case "hostname": next.host = kv[1]
            case "port": next.port = Int(kv[1])
            case "statusCode": status = Int(kv[1]) ?? 302
            default: break
            }
        }
        return ExplainRedirect(status: status, location: next.url, by: "RequestRedirect filter", source: nil)
    }

    /// Redirects that the controller adds for the winning route (not middlewares or filters).
    func redirect(_ w: Evaluated, _ g: ExplainGroup, _ req: ExplainRequest, evaluated: [Evaluated]) -> ExplainRedirect? {
        let r = w.route
        let res = resource(r)
        let a = res?.annotations ?? [:]
        var https = req
        https.scheme = "https"
        https.port = nil
        switch g.family {
        case .ingressNginx:
            let p = "nginx.ingress.kubernetes.io/"
            if let to = a[p + "permanent-redirect"], !to.isEmpty {
                return ExplainRedirect(status: Int(a[p + "permanent-redirect-code"] ?? "") ?? 301, location: to,
                                       by: "ingress-nginx permanent-redirect annotation", source: annotationSource(res, p + "permanent-redirect"))
            }
            if let to = a[p + "temporal-redirect"], !to.isEmpty {
                return ExplainRedirect(status: 302, location: to, by: "ingress-nginx temporal-redirect annotation",
                                       source: annotationSource(res, p + "temporal-redirect"))
            }
            guard req.scheme == "http" else { return nil }
            if a[p + "force-ssl-redirect"]?.lowercased() == "true" {
                return ExplainRedirect(status: 308, location: https.url, by: "ingress-nginx force-ssl-redirect annotation",
                                       source: annotationSource(res, p + "force-ssl-redirect"))
            }
            // ssl-redirect is on by default when the server block has TLS (a tls section names the host).
            let hostHasTLS = r.tls.enabled || evaluated.contains { $0.host == w.host && HostNames.normalize($0.hostWritten) == HostNames.normalize(w.hostWritten) && $0.route.tls.enabled }
            if hostHasTLS && a[p + "ssl-redirect"]?.lowercased() != "false" {
                let source = r.tls.secretSource ?? res.flatMap { $0.at($0.spec?["tls"]) }
                return ExplainRedirect(status: 308, location: https.url,
                                       by: "ingress-nginx ssl-redirect (on by default: the Ingress has a tls section for \(w.hostWritten))", source: source)
            }
            return nil
        case .contour:
            guard req.scheme == "http", r.terminatesTLS else { return nil }
            if r.provider == .ingress {
                if a["ingress.kubernetes.io/force-ssl-redirect"]?.lowercased() == "true" {
                    return ExplainRedirect(status: 301, location: https.url, by: "Contour: ingress.kubernetes.io/force-ssl-redirect",
                                           source: annotationSource(res, "ingress.kubernetes.io/force-ssl-redirect"))
                }
                return nil
            }
            let routeNode = res?.spec?["routes"]?.items.dropFirst(r.ruleIndex).first
            if routeNode?["permitInsecure"]?.bool == true { return nil }
            return ExplainRedirect(status: 301, location: https.url,
                                   by: "Contour: the virtual host has TLS and the route does not set permitInsecure", source: r.tls.secretSource)
        default:
            return nil
        }
    }

    func annotationSource(_ res: Resource?, _ key: String) -> SourceLocation? {
        guard let res, let n = res.metadata?["annotations"]?[key] else { return nil }
        return res.at(n)
    }

    // MARK: Backends and certificates

    func backends(_ r: Route) -> [ExplainBackend] {
        r.backends.map { b in
            var issue: String? = nil
            switch b.issue {
            case .serviceMissing?: issue = "Service \(b.namespace)/\(b.name) is not in the input"
            case .portMissing?: issue = "Service \(b.namespace)/\(b.name) has no port \(b.port.isEmpty ? "(none named)" : b.port)"
            case .rejected(_, let reason)?: issue = reason
            case .referenceMissing?: issue = "\(b.kind) \(b.namespace)/\(b.name) is not in the input"
            case nil: break
            }
            let display = b.kind == "Service" || b.kind.isEmpty ? b.display : "\(b.kind) \(b.display)"
            return ExplainBackend(display: display, kind: b.kind, weight: b.weight, resolved: b.resolved, issue: issue, via: b.via)
        }
    }

    /// Certificates of a secret: the parsed Secret first (real names and dates), then declarations.
    func certificates(of secret: NamespacedName) -> [Int] {
        (certsBySecret[secret] ?? []).sorted { a, b in
            let oa = graph.certificates[a].origin == .secret ? 0 : 1, ob = graph.certificates[b].origin == .secret ? 0 : 1
            return oa != ob ? oa < ob : a < b
        }
    }

    func certificate(_ r: Route, _ g: ExplainGroup, sni: String, evaluated: [Evaluated]) -> ExplainCertificate {
        if r.tls.passthrough {
            return ExplainCertificate(sni: sni, id: nil, origin: nil, secret: nil, names: [], notAfter: nil, daysLeft: nil, covers: false,
                                      reason: "TLS is passed through: the backend presents its own certificate", source: nil)
        }
        if let issue = r.tls.secretIssue, let s = r.tls.secret {
            return ExplainCertificate(sni: sni, id: nil, origin: nil, secret: s.description, names: [], notAfter: nil, daysLeft: nil, covers: false,
                                      reason: "the secret is refused: \(issue); the controller presents its default certificate", source: r.tls.secretSource)
        }
        var candidates: [Int] = []
        var secretsNamed: [NamespacedName] = []
        var added = Set<Int>()
        func add(_ list: [Int]) { for i in list where added.insert(i).inserted { candidates.append(i) } }
        switch g.family {
        case .traefik:
            // Chosen by SNI from every certificate in the instance's store, whatever loaded it.
            if let s = r.tls.secret { secretsNamed.append(s); add(certificates(of: s)) }
            if let store = graph.traefikStores[g.controller] {
                for s in store.secrets.keys.sorted() { add(certificates(of: s)) }
            }
            for i in g.routes where graph.routes[i].tls.resolver != nil { add(acmeByResource[graph.routes[i].resource] ?? []) }
        default:
            if let s = r.tls.secret { secretsNamed.append(s); add(certificates(of: s)) }
            for s in r.tls.extraSecrets { secretsNamed.append(s); add(certificates(of: s)) }
            if r.tls.resolver != nil { add(acmeByResource[r.resource] ?? []) }
            if g.family == .ingressNginx {
                // Another Ingress of the same server block may set the certificate.
                for e in evaluated where e.host == .exact && e.route.tls.enabled {
                    if let s = e.route.tls.secret { add(certificates(of: s)) }
                }
            }
        }
        func make(_ i: Int, covers how: String?) -> ExplainCertificate {
            let c = graph.certificates[i]
            let days = c.notAfter.map { Int(floor(($0 - estate.now) / 86400)) }
            let reason = how ?? HostNames.explainMiss(names: c.dnsNames, commonName: c.commonName, host: sni)
            return ExplainCertificate(sni: sni, id: c.id, origin: c.origin.rawValue, secret: c.secret?.description, names: c.dnsNames,
                                      notAfter: c.notAfter, daysLeft: days, covers: how != nil, reason: reason, source: c.source)
        }
        // The most specific name: exact first, then wildcard.
        var best: (Int, String)? = nil
        for i in candidates {
            for n in graph.certificates[i].dnsNames {
                guard let how = HostNames.covers(certName: n, host: sni) else { continue }
                if best == nil || (how == "exact" && best!.1 != "exact") { best = (i, how) }
            }
        }
        if let (i, how) = best {
            var c = make(i, covers: how)
            if g.family == .traefik && !(r.tls.secret.map { certificates(of: $0).contains(i) } ?? false) {
                c.reason += ", selected by SNI from \(g.controller)'s TLS store"
            }
            return c
        }
        if g.family == .traefik, let def = graph.traefikStores[g.controller]?.defaultCertificate, let i = certificates(of: def).first {
            var c = make(i, covers: nil)
            c.reason = "no certificate in the TLS store covers \(sni): the store's default certificate is presented, and it does not cover it either (\(c.reason))"
            return c
        }
        if let i = candidates.first, g.family != .traefik {
            var c = make(i, covers: nil)
            c.reason = "presented, but it does not cover \(sni): \(c.reason)"
            if g.family == .ingressNginx { c.reason = "it does not cover \(sni) (\(HostNames.explainMiss(names: graph.certificates[i].dnsNames, commonName: graph.certificates[i].commonName, host: sni))): ingress-nginx presents its default certificate instead" }
            return c
        }
        let none: String
        if let s = secretsNamed.first {
            none = "secret \(s.description) is produced by nothing in the input (no Secret, Certificate or shim)"
        } else {
            switch g.family {
            case .traefik: none = "no certificate in \(g.controller)'s TLS store covers \(sni): Traefik presents its default (self-signed) certificate"
            case .ingressNginx: none = "no tls section names \(sni): ingress-nginx presents its default certificate (the fake certificate unless --default-ssl-certificate is set)"
            default: none = "no secret named: the controller's default certificate is presented"
            }
        }
        return ExplainCertificate(sni: sni, id: nil, origin: nil, secret: secretsNamed.first?.description, names: [], notAfter: nil, daysLeft: nil,
                                  covers: false, reason: none, source: r.tls.secretSource)
    }
}
