import Foundation
import Testing
@testable import PortolanCore

/// Gateway API processor: findings, problems and route fields the JSON fixtures do not show.
@Suite struct GatewayAPITests {
    static func graph(_ name: String) -> RouteGraph { Fixtures.graph("graph/\(name).yaml") }

    /// Builds a graph from YAML text (read as standard input).
    static func graph(yaml: String) -> RouteGraph {
        RouteGraph.build(ResourceStore(Fixtures.load(["-"], stdin: Array(yaml.utf8))))
    }

    /// 1-based line of the `occurrence`-th line containing `text` in a fixture.
    static func line(_ name: String, _ text: String, occurrence: Int = 1) -> Int {
        let content = (try? String(contentsOfFile: Fixtures.path("graph/\(name).yaml"), encoding: .utf8)) ?? ""
        var seen = 0
        for (i, l) in content.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where l.contains(text) {
            seen += 1
            if seen == occurrence { return i + 1 }
        }
        return -1
    }

    /// Line of the list item (`- ...`) that holds the `occurrence`-th line containing `text`.
    static func itemLine(_ name: String, _ text: String, occurrence: Int = 1) -> Int {
        let content = (try? String(contentsOfFile: Fixtures.path("graph/\(name).yaml"), encoding: .utf8)) ?? ""
        let lines = content.split(separator: "\n", omittingEmptySubsequences: false)
        var i = line(name, text, occurrence: occurrence) - 1
        while i >= 0, !lines[i].trimmingCharacters(in: .whitespaces).hasPrefix("- ") { i -= 1 }
        return i + 1
    }

    static func findings(_ g: RouteGraph, _ rule: String) -> [Finding] {
        g.processorFindings.filter { $0.rule == rule }.sorted(by: Finding.ordered)
    }

    // MARK: Hostnames

    @Test func hostnameSourcesAndMatchSource() throws {
        let g = Self.graph("gateway-hostnames")
        let wild = try #require(g.route("gateway-api/HTTPRoute/web/wild#0.0@Gateway/web/public/http"))
        #expect(wild.hosts == ["*.shop.example.com", "other.org"])
        #expect(wild.hostSources["*.shop.example.com"]?.line == Self.line("gateway-hostnames", "- \"*.shop.example.com\""))
        #expect(wild.hostSources["other.org"]?.line == Self.line("gateway-hostnames", "- other.org"))
        #expect(wild.matchSource.line == Self.line("gateway-hostnames", "- path:"))
        #expect(wild.parent == "Gateway/web/public/http")
        #expect(wild.entryPoints == ["HTTP:80"])
        // A route without hostnames takes the listener's hostname, and its source.
        let nohost = try #require(g.route("gateway-api/HTTPRoute/web/nohost#0.0@Gateway/web/public/https"))
        #expect(nohost.hosts == ["*.example.com"])
        #expect(nohost.hostSources["*.example.com"]?.line == Self.line("gateway-hostnames", "hostname: \"*.example.com\""))
        #expect(nohost.tls.secretSource?.line == Self.line("gateway-hostnames", "- name: wildcard-example-com"))
        // Listener without hostname and route without hostnames: `*`.
        #expect(g.route("gateway-api/HTTPRoute/web/nohost#0.0@Gateway/web/public/http")?.hosts == ["*"])
        // The multi-label match attaches; the one-label certificate does not cover it.
        #expect(g.host("a.b.example.com")?.tls == .uncovered)
        #expect(g.host("shop.example.com")?.tls == .covered)
        #expect(g.problems.isEmpty)
    }

    @Test func noHostnameIntersectionIsAFinding() throws {
        let g = Self.graph("gateway-hostnames")
        let fs = Self.findings(g, "gateway-attachment-invalid")
        #expect(fs.count == 1)
        let f = try #require(fs.first)
        #expect(f.severity == .error)
        #expect(f.hosts == ["foo.org"])
        #expect(f.source?.line == Self.itemLine("gateway-hostnames", "sectionName: https", occurrence: 3))
        #expect(f.message.contains("HTTPRoute web/mismatch"))
        #expect(f.message.contains("intersects none of the route's hostnames (foo.org)"))
        #expect(f.resources.map(\.display) == ["HTTPRoute.gateway.networking.k8s.io/web/mismatch",
                                               "Gateway.gateway.networking.k8s.io/web/public"])
        #expect(!g.routes.contains { $0.name == "mismatch" })
    }

    // MARK: Attachment

    @Test func attachmentFindingsNameTheReason() {
        let g = Self.graph("gateway-attachment")
        let fs = Self.findings(g, "gateway-attachment-invalid")
        let name = "gateway-attachment"
        let expected: [(line: Int, hosts: [String], text: String)] = [
            (Self.itemLine(name, "sectionName: selected"), ["sel.example.com"],
             "admits no route from namespace batch (allowedRoutes.namespaces from Selector (team=web, env in (prod,staging), !quarantine))"),
            (Self.itemLine(name, "sectionName: same"), ["same.example.com"],
             "admits no route from namespace batch (allowedRoutes.namespaces from Same = infra)"),
            (Self.itemLine(name, "sectionName: grpc-only", occurrence: 2), ["grpc.example.com"],
             "it allows GRPCRoute (protocol HTTP), not HTTPRoute"),
            (Self.line(name, "- name: nowhere"), ["lost.example.com"], "parentRef Gateway web/nowhere is not in the input"),
            (Self.itemLine(name, "sectionName: nope"), ["lost.example.com"], "parentRef Gateway infra/shared has no listener named \"nope\""),
            (Self.itemLine(name, "port: 443"), ["lost.example.com"], "parentRef Gateway infra/shared has no listener on port 443"),
        ]
        #expect(fs.count == expected.count)
        for (f, e) in zip(fs, expected) {
            #expect(f.source?.line == e.line, "\(f.message)")
            #expect(f.hosts == e.hosts, "\(f.message)")
            #expect(f.message.contains(e.text), "\(f.message)")
        }
        // Partial acceptance by a whole-Gateway parentRef is not a finding.
        #expect(!fs.contains { $0.message.contains("infra/admin") })
        #expect(g.routes.filter { $0.name == "admin" }.map(\.parent) == ["Gateway/infra/shared/all", "Gateway/infra/shared/same"])
        #expect(g.problems.isEmpty)
    }

    @Test func labelSelectorOperators() throws {
        var problems: [String] = []
        // Parse a selector from a small YAML tree.
        let inputs = Fixtures.load(["-"], stdin: Array("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: s
            spec:
              selector:
                matchLabels:
                  team: web
                matchExpressions:
                - {key: env, operator: NotIn, values: [dev]}
                - {key: tier, operator: Exists}
                - {key: quarantine, operator: DoesNotExist}
              bad:
                matchExpressions:
                - {key: env, operator: Near}
            """.utf8))
        let spec = try #require(inputs.resources.first?.spec)
        let selectorNode = try #require(spec["selector"])
        let badNode = try #require(spec["bad"])
        let s = try #require(GatewayLabelSelector.parse(selectorNode) { _, m in problems.append(m) })
        #expect(s.matches(["team": "web", "env": "prod", "tier": "front"]))
        #expect(!s.matches(["team": "web", "env": "dev", "tier": "front"]))
        #expect(!s.matches(["team": "web", "env": "prod"]))
        #expect(!s.matches(["team": "web", "tier": "front", "quarantine": "yes"]))
        #expect(s.matches(["team": "web", "tier": "front"]))   // NotIn admits a missing key
        #expect(!s.matches(["team": "db", "tier": "front"]))
        #expect(GatewayLabelSelector.parse(badNode) { _, m in problems.append(m) } == nil)
        #expect(problems.count == 1 && problems[0].contains("Near"))
    }

    // MARK: ListenerSets

    @Test func listenerSetAttachmentAndRefusal() throws {
        let g = Self.graph("gateway-listenerset")
        let fs = Self.findings(g, "gateway-attachment-invalid")
        #expect(fs.count == 2)
        let refused = try #require(fs.first { $0.resources.first?.kind == "ListenerSet" })
        #expect(refused.hosts == ["b.example.com"])
        #expect(refused.source?.line == Self.line("gateway-listenerset", "  parentRef:", occurrence: 3) + 1)
        #expect(refused.message.contains("does not admit namespace team-b"))
        let route = try #require(fs.first { $0.resources.first?.kind == "HTTPRoute" })
        #expect(route.message.contains("parentRef ListenerSet team-b/refused is not attached to a Gateway"))
        #expect(route.hosts == ["b.example.com"])
        // A Gateway parentRef reaches only the Gateway's own listeners.
        #expect(g.routes.filter { $0.name == "www" }.map(\.parent) == ["Gateway/infra/main/www"])
        let api = try #require(g.route("gateway-api/HTTPRoute/team-a/api#0.0@ListenerSet/team-a/apps/api"))
        #expect(api.controller == "nginx-gateway-fabric")
        #expect(api.tls.secret == NamespacedName("team-a", "api-cert"))
    }

    @Test func listenerSetDefaultsAndCrossNamespaceSecrets() throws {
        // allowedListeners defaults to None; Same admits only the Gateway's namespace. A ListenerSet's
        // certificateRef defaults to its own namespace; a cross-namespace one needs a grant from the ListenerSet.
        let g = Self.graph(yaml: """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: closed, namespace: infra}
            spec:
              gatewayClassName: none
              listeners: [{name: http, port: 80, protocol: HTTP}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: same, namespace: infra}
            spec:
              gatewayClassName: none
              allowedListeners: {namespaces: {from: Same}}
              listeners: [{name: http, port: 80, protocol: HTTP}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: ListenerSet
            metadata: {name: a, namespace: apps}
            spec:
              parentRef: {name: closed, namespace: infra}
              listeners: [{name: l, port: 81, protocol: HTTP, hostname: a.example.com}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: ListenerSet
            metadata: {name: b, namespace: apps}
            spec:
              parentRef: {name: same, namespace: infra}
              listeners: [{name: l, port: 81, protocol: HTTP}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: ListenerSet
            metadata: {name: c, namespace: infra}
            spec:
              parentRef: {name: same}
              listeners:
              - name: tls
                port: 443
                protocol: HTTPS
                hostname: c.example.com
                tls:
                  certificateRefs:
                  - {name: own}
                  - {name: far, namespace: certs}
                  - {name: granted, namespace: certs}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: ReferenceGrant
            metadata: {name: g, namespace: certs}
            spec:
              from: [{group: gateway.networking.k8s.io, kind: ListenerSet, namespace: infra}]
              to: [{group: "", kind: Secret, name: granted}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: ReferenceGrant
            metadata: {name: gw, namespace: certs}
            spec:
              from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: infra}]
              to: [{group: "", kind: Secret}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r, namespace: infra}
            spec:
              parentRefs: [{kind: ListenerSet, name: c}, {kind: ListenerSet, name: c, sectionName: tls}]
              rules: [{backendRefs: [{name: svc, port: 80}]}]
            """)
        let attach = Self.findings(g, "gateway-attachment-invalid")
        #expect(attach.count == 2)
        #expect(attach.contains { $0.message.contains("ListenerSet apps/a") && $0.message.contains("from is None (the default)") && $0.hosts == ["a.example.com"] })
        #expect(attach.contains { $0.message.contains("ListenerSet apps/b") && $0.message.contains("only ListenerSets in namespace infra") })
        // The Gateway's grant for Secrets does not extend to its ListenerSets; the ListenerSet's own grant names one Secret.
        let grants = Self.findings(g, "reference-grant-missing")
        #expect(grants.count == 1)
        #expect(grants.first?.message.contains("Secret certs/far") == true)
        #expect(grants.first?.hosts == ["c.example.com"])
        // Two parentRefs to the same listener give one entry.
        let routes = g.routes.filter { $0.name == "r" }
        #expect(routes.map(\.id) == ["gateway-api/HTTPRoute/infra/r#0.0@ListenerSet/infra/c/tls"])
        let tls = try #require(routes.first?.tls)
        #expect(tls.secret == NamespacedName("infra", "own"))
        #expect(tls.secretIssue == nil)
        #expect(tls.extraSecrets == [NamespacedName("certs", "granted")])
        #expect(routes.first?.controller == "unknown")
    }

    // MARK: ReferenceGrants

    @Test func referenceGrantFindings() throws {
        let g = Self.graph("gateway-referencegrant")
        let fs = Self.findings(g, "reference-grant-missing")
        #expect(fs.count == 2)
        let cert = try #require(fs.first { $0.message.contains("Secret vault/team-tls") })
        #expect(cert.severity == .error)
        #expect(cert.hosts == ["team.example.com"])
        #expect(cert.source?.line == Self.line("gateway-referencegrant", "- name: team-tls"))
        #expect(cert.resources.map(\.display) == ["Gateway.gateway.networking.k8s.io/infra/edge", "Secret/vault/team-tls"])
        let backend = try #require(fs.first { $0.message.contains("Service backend/admin") })
        #expect(backend.hosts == ["shop.example.com"])
        #expect(backend.routes == ["gateway-api/HTTPRoute/shop/web#0.0@Gateway/infra/edge/granted"])
        #expect(backend.source?.line == Self.line("gateway-referencegrant", "- name: admin"))
        #expect(backend.message.hasPrefix("shop.example.com: HTTPRoute shop/web"))
        // The refused secret is named on the route with the reason, and the host is uncovered for it.
        let portal = try #require(g.route("gateway-api/HTTPRoute/team/portal#0.0@Gateway/infra/edge/refused"))
        #expect(portal.tls.secret == NamespacedName("vault", "team-tls"))
        #expect(portal.tls.secretIssue?.contains("no ReferenceGrant in namespace vault") == true)
        #expect(g.host("team.example.com")?.candidates.first?.reason == portal.tls.secretIssue)
        // The ExternalName backend carries its own rejection: no processor finding for it.
        #expect(g.processorFindings.allSatisfy { $0.rule != "backend-reference-rejected" })
        let legacy = try #require(g.route("gateway-api/HTTPRoute/shop/web#1.0@Gateway/infra/edge/granted")?.backends.first)
        if case .rejected(let rule, _)? = legacy.issue { #expect(rule == "backend-reference-rejected") } else { Issue.record("not rejected") }
    }

    @Test func routeKindGrantsAreDistinct() {
        // A grant for HTTPRoute does not cover a GRPCRoute in the same namespace.
        let g = Self.graph(yaml: """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: app}
            spec:
              gatewayClassName: none
              listeners: [{name: http, port: 80, protocol: HTTP}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: ReferenceGrant
            metadata: {name: g, namespace: backend}
            spec:
              from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: app}]
              to: [{group: "", kind: Service}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: svc, namespace: backend}
            spec: {ports: [{port: 80}]}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: h, namespace: app}
            spec:
              parentRefs: [{name: gw}]
              rules: [{backendRefs: [{name: svc, namespace: backend, port: 80}]}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: g, namespace: app}
            spec:
              parentRefs: [{name: gw}]
              rules: [{backendRefs: [{name: svc, namespace: backend, port: 80}]}]
            """)
        #expect(g.routes.first { $0.kind == "HTTPRoute" }?.backends.first?.resolved == true)
        #expect(g.routes.first { $0.kind == "GRPCRoute" }?.backends.first?.resolved == false)
        let fs = Self.findings(g, "reference-grant-missing")
        #expect(fs.count == 1)
        #expect(fs.first?.message.contains("GRPCRoute app/g") == true)
        #expect(fs.first?.hosts == ["*"])
    }

    // MARK: L4, GRPC and problems

    @Test func l4RoutesAndInvalidHTTPSListener() throws {
        let g = Self.graph("gateway-l4")
        #expect(g.processorFindings.isEmpty)
        #expect(g.problems.count == 1)
        #expect(g.problems.first?.message.contains("listener grpcs terminates TLS but has no certificateRefs") == true)
        let pg = try #require(g.route("gateway-api/TLSRoute/infra/pg#0.0@Gateway/infra/l4/tls-pass"))
        #expect(pg.layer == "tls" && pg.tls.passthrough && pg.tls.enabled)
        #expect(g.host("pg.db.example.com")?.tls == .passthrough)
        let tcp = try #require(g.route("gateway-api/TCPRoute/infra/raw#0.0@Gateway/infra/l4/tcp"))
        #expect(tcp.hosts == ["*"] && !tcp.tls.enabled && tcp.match == "TCP port 5432")
        let grpc = try #require(g.route("gateway-api/GRPCRoute/infra/greeter#0.0@Gateway/infra/l4/grpcs"))
        #expect(grpc.path == "/helloworld.Greeter/SayHello" && grpc.pathType == "GRPC" && grpc.layer == "grpc")
        #expect(grpc.tls.enabled && grpc.tls.secret == nil)
    }

    @Test func missingClassAndFilters() throws {
        let g = Self.graph("gateway-httproute")
        #expect(g.problems.map(\.message) == ["Gateway shop/web: GatewayClass missing-class is not in the input; controller unknown"])
        let r = try #require(g.route("gateway-api/HTTPRoute/shop/web#0.2@Gateway/shop/web/http"))
        #expect(r.controller == "unknown")
        #expect(r.matchSource.line == Self.itemLine("gateway-httproute", "type: RegularExpression"))
        #expect(r.hostSources["shop.example.com"]?.line == Self.line("gateway-httproute", "hostname: shop.example.com"))
        #expect(g.processorFindings.isEmpty)
    }

    @Test func malformedInputBecomesProblems() {
        let g = Self.graph("gateway-malformed")
        let messages = g.problems.map(\.message)
        for text in [
            "GatewayClass broken has no spec.controllerName",
            "a listener without a name is ignored",
            "listener plain is HTTP; its tls block is ignored",
            "HTTPS allows only tls.mode Terminate; read as Terminate",
            "listener tls is TLS without tls.mode",
            "certificateRef ConfigMap not-a-secret is not a Secret",
            "namespaces.from \"Sometimes\" is not a known value",
            "Gateway default/listless: listeners is not a list",
            "parentRef Service default/app is mesh (GAMMA) routing",
            "hostnames is not a list",
            "backendRef Service default/app has no port",
            "backendRef ServiceImport.multicluster.x-k8s.io default/app is not a Service",
            "a backendRef without a name is ignored",
            "HTTPRoute default/orphan: rules is not a list",
            "TCPRoute default/nospec has no spec",
            "GRPCRoute default/grpc: parentRefs is not a list",
        ] {
            #expect(messages.contains { $0.contains(text) }, "missing problem: \(text)")
        }
        let fs = Self.findings(g, "gateway-attachment-invalid")
        #expect(fs.map(\.message) == [
            "HTTPRoute default/orphan (orphan.example.com) has no parentRefs: it is attached to no Gateway and serves nothing",
            "GRPCRoute default/grpc has no parentRefs: it is attached to no Gateway and serves nothing",
        ])
        #expect(g.routes.allSatisfy { $0.controller == "unknown" })
    }

    @Test func twoWildcardsGiveTheMoreSpecific() {
        #expect(HostNames.gatewayIntersection(listener: "*.com", route: "*.example.com") == "*.example.com")
        #expect(HostNames.gatewayIntersection(listener: "*.example.com", route: "*.com") == "*.example.com")
        #expect(HostNames.gatewayIntersection(listener: "*.example.com", route: "a.b.example.com") == "a.b.example.com")
        #expect(HostNames.gatewayIntersection(listener: "www.example.com", route: "*.example.com") == "www.example.com")
        #expect(HostNames.gatewayIntersection(listener: "*.example.com", route: "example.com") == nil)
    }
}
