import Testing
@testable import PortolanCore

/// The Contour processor: HTTPProxy includes and tcpproxy, TLS delegation, class filtering, the legacy
/// contour.heptio.com IngressRoute. The graph fixtures (`graph/contour-*.yaml`) check the routes and
/// hosts; these tests check findings, problems, sources and the corner cases.
@Suite struct ContourTests {
    static func graph(_ yaml: String, profile: ControllerProfile = ControllerProfile()) -> RouteGraph {
        RouteGraph.build(ResourceStore(Fixtures.load(["-"], stdin: Array(yaml.utf8))), profile: profile)
    }

    static func contourRoutes(_ g: RouteGraph) -> [Route] { g.routes.filter { $0.provider == .contour } }

    static let service = "\n" + """
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: web}
        spec:
          ports: [{port: 80}]
        """

    // MARK: Findings

    @Test func missingIncludeTargetIsAReferenceMissingWarning() throws {
        let g = Fixtures.graph("graph/contour-include-errors.yaml")
        let findings = g.processorFindings.filter { $0.rule == "reference-missing" }
        #expect(findings.count == 1)
        let f = try #require(findings.first)
        #expect(f.severity == .warning)
        #expect(f.hosts == ["errors.example.com"])
        #expect(f.resources.map(\.display) == ["HTTPProxy.projectcontour.io/web/errors"])
        #expect(f.source?.line == 21)
        #expect(f.message.contains("errors.example.com") && f.message.contains("HTTPProxy web/errors")
                && f.message.contains("nowhere/ghost") && f.message.contains("502"))
        // The rest is still built: the root, a and b (once each despite the cycle) and the other root.
        #expect(Self.contourRoutes(g).map(\.id) == [
            "contour/HTTPProxy/web/a#0.0", "contour/HTTPProxy/web/b#0.0",
            "contour/HTTPProxy/web/errors#0.0", "contour/HTTPProxy/web/other#0.0",
        ])
    }

    @Test func oneMissingTargetReachedFromTwoRootsIsOneFindingWithBothHosts() throws {
        let g = Self.graph("""
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: one, namespace: web}
            spec:
              virtualhost: {fqdn: one.example.com}
              includes: [{name: shared}]
            ---
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: two, namespace: web}
            spec:
              virtualhost: {fqdn: two.example.com}
              includes: [{name: shared, conditions: [{prefix: /two}]}]
            ---
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: shared, namespace: web}
            spec:
              routes: [{services: [{name: web, port: 80}]}]
              includes: [{name: ghost}]
            """ + Self.service)
        let f = try #require(g.processorFindings.first)
        #expect(g.processorFindings.count == 1)
        #expect(f.hosts == ["one.example.com", "two.example.com"])
        #expect(f.resources.map(\.display) == ["HTTPProxy.projectcontour.io/web/shared"])
        // The shared child is listed once per root, with the root in its id.
        #expect(Self.contourRoutes(g).map(\.id) == [
            "contour/HTTPProxy/web/shared#0.0@HTTPProxy/web/one",
            "contour/HTTPProxy/web/shared#0.0@HTTPProxy/web/two",
        ])
        #expect(Self.contourRoutes(g).map(\.path) == ["/", "/two"])
    }

    @Test func legacyMissingDelegateAndMissingTCPIncludeAreFindings() throws {
        let g = Self.graph("""
            apiVersion: contour.heptio.com/v1beta1
            kind: IngressRoute
            metadata: {name: root, namespace: web}
            spec:
              virtualhost: {fqdn: legacy.example.com}
              routes:
                - match: /
                  services: [{name: web, port: 80}]
                - match: /blog
                  delegate: {name: blog, namespace: marketing}
            ---
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: tcp, namespace: web}
            spec:
              virtualhost:
                fqdn: tcp.example.com
                tls: {passthrough: true}
              tcpproxy:
                include: {name: backend}
            """ + Self.service)
        let findings = g.processorFindings.sorted(by: Finding.ordered)
        try #require(findings.count == 2)
        #expect(findings.map(\.rule) == ["reference-missing", "reference-missing"])
        #expect(findings.map(\.hosts) == [["legacy.example.com"], ["tcp.example.com"]])
        #expect(findings[0].resources.map(\.display) == ["IngressRoute.contour.heptio.com/web/root"])
        #expect(findings[0].message.contains("marketing/blog"))
        #expect(findings[1].resources.map(\.display) == ["HTTPProxy.projectcontour.io/web/tcp"])
        // The passthrough host keeps a tcp route, with nothing behind it.
        let tcp = try #require(g.route("contour/HTTPProxy/web/tcp#tcp"))
        #expect(tcp.backends.isEmpty && tcp.layer == "tcp" && tcp.tls.passthrough)
        #expect(g.host("tcp.example.com")?.tls == .passthrough)
    }

    // MARK: TLS delegation

    @Test func delegationWildcardCountsOnlyWhenItIsTheOnlyTarget() throws {
        let g = Self.graph("""
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: a, namespace: team-a}
            spec:
              virtualhost:
                fqdn: a.example.com
                tls: {secretName: certs/only-star}
              routes: [{services: [{name: web, port: 80}]}]
            ---
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: b, namespace: team-b}
            spec:
              virtualhost:
                fqdn: b.example.com
                tls: {secretName: certs/star-and-more}
              routes: [{services: [{name: web, port: 80}]}]
            ---
            apiVersion: projectcontour.io/v1
            kind: TLSCertificateDelegation
            metadata: {name: d, namespace: certs}
            spec:
              delegations:
                - {secretName: only-star, targetNamespaces: ["*"]}
                - {secretName: star-and-more, targetNamespaces: ["*", team-c]}
            """)
        let a = try #require(g.route("contour/HTTPProxy/team-a/a#0.0"))
        let b = try #require(g.route("contour/HTTPProxy/team-b/b#0.0"))
        #expect(a.tls.secret == NamespacedName("certs", "only-star"))
        #expect(a.tls.secretIssue == nil)
        #expect(b.tls.secretIssue == "no TLSCertificateDelegation in certs lets team-b use secret certs/star-and-more")
        let candidate = try #require(g.host("b.example.com")?.candidates.first)
        #expect(!candidate.covers && candidate.reason == b.tls.secretIssue)
    }

    // MARK: Sources

    @Test func sourcesPointAtTheResourceTheConditionAndTheRootFQDN() throws {
        let g = Fixtures.graph("graph/contour-includes.yaml")
        let users = try #require(g.route("contour/HTTPProxy/api/v1#0.0"))
        #expect(users.source.line == 44)           // the v1 proxy's first line
        #expect(users.matchSource.line == 52)      // its route's `conditions`
        #expect(users.hostSources["shop.example.com"]?.line == 11)   // the root's fqdn
        #expect(users.tls.secretSource?.line == 13)
        #expect(users.resource.display == "HTTPProxy.projectcontour.io/api/v1")
        #expect(users.controllers == ["contour"] && users.provider == .contour)
        #expect(users.kind == "HTTPProxy" && users.apiVersion == "projectcontour.io/v1")
    }

    // MARK: Ids

    @Test func diamondIncludesGetTheIncludePathInTheirIds() {
        let g = Self.graph("""
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: root, namespace: web}
            spec:
              virtualhost: {fqdn: diamond.example.com}
              includes:
                - {name: left, conditions: [{prefix: /l}]}
                - {name: right, conditions: [{prefix: /r}]}
            ---
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: left, namespace: web}
            spec:
              includes: [{name: leaf}]
            ---
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: right, namespace: web}
            spec:
              includes: [{name: leaf}]
            ---
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: leaf, namespace: web}
            spec:
              routes: [{services: [{name: web, port: 80}]}]
            """ + Self.service)
        let routes = Self.contourRoutes(g)
        #expect(routes.map(\.id) == [
            "contour/HTTPProxy/web/leaf#0.0@HTTPProxy/web/root/includes[0]/includes[0]",
            "contour/HTTPProxy/web/leaf#0.0@HTTPProxy/web/root/includes[1]/includes[0]",
        ])
        #expect(routes.map(\.path) == ["/l", "/r"])
        #expect(g.problems.isEmpty)
    }

    // MARK: Paths

    @Test func pathMergeFollowsContour() {
        typealias C = ContourGraph.Cond
        let at = SourceLocation(file: "x", line: 1)
        func merge(_ c: [C]) -> String { let m = ContourGraph.mergePath(c); return "\(m.type) \(m.path)" }
        #expect(merge([]) == "prefix /")
        #expect(merge([C(prefix: "/api/", at: at), C(prefix: "/v1", at: at)]) == "prefix /api/v1")
        #expect(merge([C(prefix: "/docs", at: at), C(exact: "/index.html", at: at)]) == "exact /docs/index.html")
        #expect(merge([C(prefix: "/api", at: at), C(regex: "/v[0-9]+", at: at)]) == "regex /api/v[0-9]+")
        // Contour takes the match type from the last condition: a header after exact makes it a prefix.
        #expect(merge([C(exact: "/login", at: at), C(header: "header x present", at: at)]) == "prefix /login")
        #expect(merge([C(header: "header x present", at: at)]) == "prefix /")
    }

    // MARK: Classes

    @Test func legacyClassAnnotationCountsForIngressRouteOnly() {
        let g = Self.graph("""
            apiVersion: contour.heptio.com/v1beta1
            kind: IngressRoute
            metadata:
              name: legacy
              namespace: web
              annotations: {contour.heptio.com/ingress.class: nginx}
            spec:
              virtualhost: {fqdn: legacy.example.com}
              routes: [{match: /, services: [{name: web, port: 80}]}]
            ---
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata:
              name: proxy
              namespace: web
              annotations: {contour.heptio.com/ingress.class: nginx}
            spec:
              virtualhost: {fqdn: proxy.example.com}
              routes: [{services: [{name: web, port: 80}]}]
            """ + Self.service)
        #expect(g.route("contour/IngressRoute/web/legacy#0.0")?.controller == "unknown")
        #expect(g.route("contour/HTTPProxy/web/proxy#0.0")?.controller == "contour")
        #expect(g.problems.map(\.message).contains { $0.hasPrefix("IngressRoute web/legacy has ingress class \"nginx\"") })
    }

    @Test func emptyProjectcontourAnnotationFallsBackToTheSpecField() {
        var profile = ControllerProfile()
        profile.contour.ingressClass = "internal"
        let g = Self.graph("""
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata:
              name: proxy
              namespace: web
              annotations:
                projectcontour.io/ingress.class: ""
                kubernetes.io/ingress.class: nginx
            spec:
              ingressClassName: internal
              virtualhost: {fqdn: proxy.example.com}
              routes: [{services: [{name: web, port: 80}]}]
            """ + Self.service, profile: profile)
        // Contour reads the first annotation present (empty here), so kubernetes.io/ingress.class is never read.
        #expect(g.route("contour/HTTPProxy/web/proxy#0.0")?.controller == "contour")
    }

    @Test func traefikIngressRouteIsNotContours() {
        let g = Self.graph("""
            apiVersion: traefik.io/v1alpha1
            kind: IngressRoute
            metadata: {name: web, namespace: web}
            spec:
              routes: [{match: "Host(`a.example.com`)", kind: Rule, services: [{name: web, port: 80}]}]
            """ + Self.service)
        #expect(Self.contourRoutes(g).isEmpty)
        #expect(!g.problems.contains { $0.message.contains("IngressRoute") && $0.message.contains("orphaned") })
    }

    // MARK: Robustness

    @Test func malformedProxiesBecomeProblemsNotCrashes() {
        let g = Self.graph("""
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: wrong-types, namespace: web}
            spec:
              virtualhost:
                fqdn: wrong.example.com
                tls: just-a-string
              routes:
                - conditions: [/not-a-mapping, {prefix: api}]
                  services: {name: web}
                - services:
                    - {name: web, port: http}
                    - {port: 80}
                - plain-string
              includes: not-a-list
            ---
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: no-fqdn, namespace: web}
            spec:
              virtualhost: {tls: {secretName: x}}
              includes: [{name: child}]
            ---
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: child, namespace: web}
            spec:
              routes: [{services: [{name: web, port: 80}]}]
            ---
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: no-spec, namespace: web}
            ---
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: bad-tls, namespace: web}
            spec:
              virtualhost:
                fqdn: bad.example.com
                tls: {secretName: /x, passthrough: false}
              tcpproxy: {}
            """ + Self.service)
        let messages = g.problems.map(\.message)
        func has(_ s: String) -> Bool { messages.contains { $0.contains(s) } }
        #expect(has("`spec.virtualhost.tls` is not a mapping"))
        #expect(has("a condition that is not a mapping is ignored"))
        #expect(has("condition api does not start with /"))
        #expect(has("`spec.routes[0].services` is not a list"))
        #expect(has("service web port \"http\" is not a number"))
        #expect(has("a service without a name"))
        #expect(has("spec.routes[2] is not a mapping"))
        #expect(has("`spec.includes` is not a list"))
        #expect(has("root HTTPProxy web/no-fqdn has a virtualhost without fqdn"))
        #expect(has("orphaned HTTPProxy web/child"))
        #expect(has("orphaned HTTPProxy web/no-spec"))
        #expect(has("tls.secretName \"/x\" is neither name nor namespace/name"))
        #expect(has("spec.tcpproxy has neither services nor include"))
        #expect(has("spec.tcpproxy requires tls.secretName or tls.passthrough"))
        let wrong = Self.contourRoutes(g).filter { $0.name == "wrong-types" }
        #expect(wrong.map(\.id) == ["contour/HTTPProxy/web/wrong-types#0.0", "contour/HTTPProxy/web/wrong-types#1.0"])
        #expect(wrong.first?.path == "api" && wrong.first?.backends.isEmpty == true)
        #expect(g.route("contour/HTTPProxy/web/bad-tls#tcp")?.tls.enabled == false)
    }

    @Test func rootIncludingItselfIsRefusedAsRootToRoot() {
        let g = Self.graph("""
            apiVersion: projectcontour.io/v1
            kind: HTTPProxy
            metadata: {name: self, namespace: web}
            spec:
              virtualhost: {fqdn: self.example.com}
              routes: [{services: [{name: web, port: 80}]}]
              includes: [{name: self, conditions: [{prefix: /again}]}]
            """ + Self.service)
        #expect(Self.contourRoutes(g).map(\.id) == ["contour/HTTPProxy/web/self#0.0"])
        #expect(g.problems.map(\.message) == [
            "HTTPProxy web/self includes HTTPProxy web/self, which is a root (it has a virtualhost): Contour refuses root-to-root includes and answers 502 for it",
        ])
    }
}
