import Testing
@testable import PortolanCore

/// The Traefik processor: what the fixture reports do not show (findings, TLS stores, sources) and
/// malformed input.
@Suite struct TraefikTests {
    /// Builds the graph of inline YAML (read as standard input).
    func graph(_ yaml: String, profile: ControllerProfile = ControllerProfile()) -> RouteGraph {
        RouteGraph.build(ResourceStore(Fixtures.load(["-"], stdin: Array(yaml.utf8))), profile: profile)
    }

    func problems(_ g: RouteGraph) -> [String] { g.problems.map(\.message) }

    // MARK: Findings

    @Test func missingMiddlewareAndTLSReferences() throws {
        let g = Fixtures.graph("graph/traefik-missing-references.yaml")
        let f = g.processorFindings.filter { $0.rule == "reference-missing" }
        #expect(f.count == 4)
        #expect(f.allSatisfy { $0.severity == .warning })
        let mw = try #require(f.first { $0.message.contains("Middleware shop/auth") })
        #expect(mw.hosts == ["shop.example.com"])
        #expect(mw.resources == [ObjectRef(group: "traefik.io", kind: "IngressRoute", namespace: "shop", name: "web")])
        #expect(mw.source?.line == 32)
        #expect(mw.routes == ["traefik/IngressRoute/shop/web#0.0"])
        #expect(mw.message.hasPrefix("shop.example.com: IngressRoute shop/web"))
        // The middleware of another provider and the existing ones are not reported.
        #expect(!f.contains { $0.message.contains("compress") || $0.message.contains("headers") })
        #expect(f.contains { $0.message.contains("TLSOption shop/paranoid") && $0.hosts == ["strict.example.com"] })
        #expect(f.contains { $0.message.contains("TLSStore shop/special") })
        #expect(f.contains { $0.message.contains("MiddlewareTCP shop/ip-allow") && $0.hosts == ["*"] })
        #expect(!f.contains { $0.message.contains("TLSOption shop/modern") })
        let route = try #require(g.route("traefik/IngressRoute/shop/web#0.0"))
        #expect(route.middlewares == ["shop/headers", "shop/auth", "compress@file"])
    }

    @Test func crossNamespaceMiddlewareIsRefused() throws {
        let g = Fixtures.graph("graph/traefik-cross-namespace.yaml")
        let f = try #require(g.processorFindings.first)
        #expect(g.processorFindings.count == 1)
        #expect(f.rule == "reference-missing")
        #expect(f.message.contains("Middleware security/auth in another namespace, which Traefik refuses"))
        #expect(f.hosts == ["front.example.com"])
        var p = ControllerProfile()
        p.traefik.allowCrossNamespace = true
        #expect(Fixtures.graph("graph/traefik-cross-namespace.yaml", profile: p).processorFindings.isEmpty)
    }

    @Test func missingTraefikService() throws {
        let g = Fixtures.graph("graph/traefik-services.yaml")
        #expect(g.processorFindings.count == 1)
        let f = try #require(g.processorFindings.first)
        #expect(f.rule == "reference-missing")
        #expect(f.message.contains("TraefikService shop/retired"))
        #expect(f.routes == ["traefik/IngressRoute/shop/shop#3.0"])
        #expect(f.source?.line == 74)
        let b = try #require(g.route("traefik/IngressRoute/shop/shop#3.0")?.backends.first)
        #expect(b.kind == "TraefikService")
        #expect(b.issue == .referenceMissing)
        #expect(!b.resolved)
    }

    // MARK: TLS stores

    @Test func tlsStoreDefaultAndCertificates() throws {
        let g = Fixtures.graph("graph/traefik-tls-store.yaml")
        let store = try #require(g.traefikStores["traefik"])
        #expect(store.defaultCertificate == NamespacedName("traefik", "store-default"))
        #expect(Set(store.secrets.keys) == [NamespacedName("traefik", "store-default"), NamespacedName("traefik", "store-extra"),
                                            NamespacedName("api", "wildcard-tls")])
        #expect(store.secrets[NamespacedName("api", "wildcard-tls")]?.at.line == 51)
        #expect(g.host("shop.example.com")?.certificates == ["secret/api/wildcard-tls"])
        #expect(g.host("nothing.example.net")?.tls == .uncovered)
    }

    @Test func storesArePerInstance() throws {
        var p = ControllerProfile()
        p.traefik.instances = [.init(name: "internal", ingressClass: "traefik-internal")]
        let g = Fixtures.graph("graph/traefik-ingress-class.yaml", profile: p)
        #expect(g.traefikStores["traefik@internal"]?.secrets.keys.contains(NamespacedName("internal", "wildcard-tls")) == true)
        #expect(g.traefikStores["traefik"] == nil)
        let problem = try #require(g.problems.first)
        #expect(problem.message.contains("ingress class \"nginx\""))
        #expect(problem.line == 61)
        #expect(g.route("traefik/IngressRoute/misc/other#0.0")?.controller == "unknown")
        #expect(g.route("traefik/IngressRoute/internal/metrics#0.0")?.controller == "traefik@internal")
    }

    @Test func tlsStoreEdgeCases() {
        let yaml = """
        apiVersion: traefik.io/v1alpha1
        kind: TLSStore
        metadata: {name: default, namespace: a}
        spec:
          defaultCertificate: {secretName: missing}
          certificates: [{secretName: also-missing}]
        ---
        apiVersion: traefik.io/v1alpha1
        kind: TLSStore
        metadata: {name: default, namespace: b}
        spec:
          defaultGeneratedCert: {resolver: le}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: TLSStore
        metadata: {name: other, namespace: a}
        spec:
          certificates: [{secretName: x}]
        """
        let g = graph(yaml)
        let msgs = problems(g)
        #expect(msgs.contains { $0.contains("several namespaces (a, b)") })
        #expect(msgs.contains { $0.contains("TLSStore a/other is not named default") })
        #expect(msgs.contains { $0.contains("defaultGeneratedCert") })
        let f = g.processorFindings
        #expect(f.count == 1)   // Traefik ignores the whole store at the missing default certificate
        #expect(f.first?.message.contains("defaultCertificate secret a/missing") == true)
        #expect(f.first?.hosts == [])
        #expect(g.traefikStores["traefik"]?.defaultCertificate == nil)
    }

    // MARK: Routes

    @Test func routeFields() throws {
        let g = Fixtures.graph("graph/traefik-rules.yaml")
        let r = try #require(g.route("traefik/IngressRoute/shop/web#0.1"))
        #expect(r.source.line == 34)
        #expect(r.matchSource.line == 42)
        #expect(r.matchSource.column == 14)
        #expect(r.hostSources["www.shop.example.com"] == r.matchSource)
        #expect(r.priority == 10)
        #expect(r.entryPoints == ["web"])
        #expect(r.layer == "http")
        #expect(r.ruleIndex == 0 && r.matchIndex == 1)
        #expect(r.pathType == "PathPrefix")
        #expect(r.resource.group == "traefik.io")
        #expect(g.route("traefik/IngressRoute/shop/web#1.0")?.priority == nil)
        #expect(g.problems.isEmpty)
        #expect(g.processorFindings.isEmpty)
    }

    @Test func defaultEntryPointsAndTLS() throws {
        let yaml = """
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: a, namespace: n}
        spec:
          routes:
            - match: Host(`a.example.com`)
              services: [{name: a, port: 80}]
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: b, namespace: n}
        spec:
          entryPoints: [web]
          tls: null
          routes:
            - match: Host(`b.example.com`)
              services: [{name: b, port: 80}]
        """
        var p = ControllerProfile()
        #expect(graph(yaml).route("traefik/IngressRoute/n/a#0.0")?.tls.enabled == true)
        #expect(graph(yaml).route("traefik/IngressRoute/n/a#0.0")?.entryPoints == ["web", "websecure"])
        #expect(graph(yaml).route("traefik/IngressRoute/n/b#0.0")?.tls.enabled == false)
        p.traefik.tlsEntryPoints = []
        #expect(graph(yaml, profile: p).route("traefik/IngressRoute/n/a#0.0")?.tls.enabled == false)
    }

    @Test func parseErrorsKeepTheRestAndPointIntoTheRule() throws {
        let g = Fixtures.graph("graph/traefik-bad-rule.yaml")
        #expect(g.routes.map(\.id) == ["traefik/IngressRoute/broken/a#1.0", "traefik/IngressRoute/broken/d#0.0", "traefik/IngressRoute/fine/ok#0.0"])
        let first = try #require(g.problems.first)
        #expect(first.line == 15)
        #expect(first.column == 54)
        #expect(first.message.contains("column 41 of the rule"))
    }

    @Test func v2SyntaxFromProfile() throws {
        let yaml = """
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: a, namespace: n}
        spec:
          entryPoints: [web]
          routes:
            - match: Host(`a.example.com`, `b.example.com`) && Headers(`X-Env`, `prod`)
              services: [{name: a, port: 80}]
            - match: PathRegexp(`^/x`)
              syntax: v3
              services: [{name: a, port: 80}]
        """
        var p = ControllerProfile()
        p.traefik.version = "v2.11"
        let g = graph(yaml, profile: p)
        #expect(g.problems.isEmpty)
        #expect(g.route("traefik/IngressRoute/n/a#0.0")?.hosts == ["a.example.com", "b.example.com"])
        let v3 = graph(yaml)
        #expect(v3.problems.count == 2)   // Host with two arguments, Headers
    }

    @Test func tcpWithoutTLSCannotUseSNI() {
        let yaml = """
        apiVersion: traefik.io/v1alpha1
        kind: IngressRouteTCP
        metadata: {name: t, namespace: n}
        spec:
          entryPoints: [websecure]
          routes:
            - match: HostSNI(`db.example.com`) || Host(`x`)
              services: [{name: db, port: 5432}]
        """
        let g = graph(yaml)
        let msgs = problems(g)
        #expect(msgs.contains { $0.contains("HostSNI with a name but the route has no tls section") })
        #expect(msgs.contains { $0.contains("`Host` is an HTTP matcher") })
        #expect(g.route("traefik/IngressRouteTCP/n/t#0.0")?.tls.enabled == false)   // entry-point TLS is HTTP only
        #expect(g.route("traefik/IngressRouteTCP/n/t#0.0")?.layer == "tcp")
    }

    @Test func traefikServiceCycleAndFailover() throws {
        let yaml = """
        apiVersion: v1
        kind: Service
        metadata: {name: s, namespace: n}
        spec: {ports: [{port: 80}]}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: TraefikService
        metadata: {name: a, namespace: n}
        spec:
          weighted:
            services:
              - {name: s, port: 80, weight: 2}
              - {name: b, kind: TraefikService, weight: 1}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: TraefikService
        metadata: {name: b, namespace: n}
        spec:
          failover:
            service: {name: a, kind: TraefikService}
            fallback: {name: s, port: 80}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: TraefikService
        metadata: {name: empty, namespace: n}
        spec: {}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: r, namespace: n}
        spec:
          entryPoints: [web]
          routes:
            - match: Host(`a.example.com`)
              services: [{name: a, kind: TraefikService}]
            - match: Host(`b.example.com`)
              services: [{name: empty, kind: TraefikService}]
            - match: Host(`c.example.com`)
              services: [{name: s, kind: Ingress}]
        """
        let g = graph(yaml)
        let r = try #require(g.route("traefik/IngressRoute/n/r#0.0"))
        #expect(r.backends.map(\.name) == ["s", "s"])
        #expect(r.backends.map(\.via) == ["TraefikService n/a", "TraefikService n/a → TraefikService n/b"])
        #expect(r.backends.map(\.weight) == [2, nil])
        let msgs = problems(g)
        #expect(msgs.contains { $0.contains("refers back to itself (TraefikService n/a → TraefikService n/b → TraefikService n/a)") })
        #expect(msgs.contains { $0.contains("TraefikService n/empty has no weighted") })
        #expect(g.route("traefik/IngressRoute/n/r#1.0")?.backends.isEmpty == true)
        let odd = try #require(g.route("traefik/IngressRoute/n/r#2.0")?.backends.first)
        #expect(odd.kind == "Ingress")
        if case .rejected(let rule, _) = odd.issue { #expect(rule == "backend-reference-rejected") } else { Issue.record("not rejected") }
    }

    @Test func unsatisfiableAlternativesAreProblems() {
        let yaml = """
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: r, namespace: n}
        spec:
          entryPoints: [web]
          routes:
            - match: (Host(`a`) && Host(`b`)) || Host(`c`)
              services: [{name: s, port: 80}]
        """
        let g = graph(yaml)
        #expect(g.routes.map(\.id) == ["traefik/IngressRoute/n/r#0.1"])
        #expect(problems(g).contains { $0.contains("alternative 0 can never match (its host matchers have no host in common)") })
    }

    @Test func malformedInputNeverCrashes() {
        let yaml = """
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: a, namespace: n}
        spec: just a string
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: b, namespace: n}
        spec:
          entryPoints: web
          tls: [1, 2]
          parentRefs: [{name: parent}]
          routes:
            - just a string
            - match: {nested: map}
            - match: ""
            - match: Host(`b.example.com`)
              kind: Foo
              syntax: v9
              priority: high
              services: not-a-list
              middlewares: {name: x}
            - match: Host(`c.example.com`)
              services:
                - 42
                - {port: 80}
                - {name: c, port: 80, weight: heavy}
                - {name: d, port: [1]}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: c, namespace: n}
        spec:
          routes: {}
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRouteUDP
        metadata: {name: u, namespace: n}
        spec:
          routes: [7, {services: [{name: dns, port: 53}]}]
        ---
        apiVersion: traefik.io/v1alpha1
        kind: IngressRoute
        metadata: {name: acme, namespace: n}
        spec:
          tls: {certResolver: le, domains: [{sans: [""]}]}
          routes:
            - match: HostRegexp(`.*`)
              services: [{name: s, port: 80}]
        """
        let g = graph(yaml)
        let msgs = problems(g)
        for fragment in ["IngressRoute n/a has no spec", "spec.entryPoints is not a list", "spec.tls is not a mapping",
                         "parentRefs", "routes[0] is not a mapping", "routes[1] has no match rule", "routes[2] has no match rule",
                         "routes[3].kind is \"Foo\"", "routes[3].syntax \"v9\"", "routes[3].priority is not an integer",
                         "services is not a list", "routes[3].middlewares is not a list", "a service entry has no name",
                         "weight that is not an integer", "IngressRoute n/c has no routes", "IngressRouteUDP n/u: routes[0] is not a mapping",
                         "certResolver le has no domain to request"] {
            #expect(msgs.contains { $0.contains(fragment) }, "missing problem: \(fragment)\n\(msgs.joined(separator: "\n"))")
        }
        #expect(g.route("traefik/IngressRoute/n/b#3.0")?.backends.isEmpty == true)
        #expect(g.route("traefik/IngressRoute/n/b#4.0")?.backends.map(\.name) == ["c", "d"])
        #expect(g.route("traefik/IngressRoute/n/b#4.0")?.entryPoints == ["web", "websecure"])
        #expect(g.route("traefik/IngressRouteUDP/n/u#1.0")?.layer == "udp")
        #expect(g.certificate("traefik-acme/n/acme")?.dnsNames == [])
    }
}
