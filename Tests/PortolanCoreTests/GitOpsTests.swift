import Foundation
import Testing
@testable import PortolanCore
import PortolanReport

/// GitOps repositories: kustomize overlays, Flux substitutions, shared secrets, controller instances.
@Suite struct GitOpsTests {
    static func options(_ relative: String) -> LoadOptions {
        var o = LoadOptions(paths: [Fixtures.path("gitops/" + relative)])
        o.displayRelativeTo = Fixtures.path("gitops")
        return o
    }

    static func estate(_ relative: String, gitops: GitOpsOptions = GitOpsOptions()) -> Estate {
        var a = AnalysisOptions()
        a.now = 1_780_000_000
        return GitOps.run(options(relative), gitops: gitops, analysis: a)
    }

    static func env(_ e: Estate, _ name: String) throws -> Estate {
        try #require(e.environments.first { $0.name == name }).estate
    }

    // MARK: kustomize

    @Test func overlaysAreEnvironments() throws {
        let e = Self.estate("kustomize")
        #expect(e.environments.map(\.name) == ["prod", "staging"])
        #expect(e.environments.map(\.environment.root) == ["kustomize/overlays/prod", "kustomize/overlays/staging"])
        let prod = try Self.env(e, "prod"), staging = try Self.env(e, "staging")
        // The placeholder host of the base is patched away in both.
        #expect(prod.graph.hosts.map(\.name) == ["shop.example.com"])
        #expect(staging.graph.hosts.map(\.name) == ["shop.staging.example.com"])
        let host = try #require(prod.graph.host("shop.example.com"))
        #expect(host.tls == .covered)
        #expect(host.certificates == ["certificate/shop-prod/web"])
        // The component's JSON patch adds an entry point (its Middleware comes along).
        #expect(prod.graph.routes.first?.entryPoints == ["websecure", "websecure-internal"])
        // namespace: and namePrefix: apply; the secret comes from the patch.
        let route = try #require(staging.graph.routes.first)
        #expect(route.id == "traefik/IngressRoute/shop-staging/staging-web#0.0")
        #expect(route.tls.secret == NamespacedName("shop-staging", "shop-staging-tls"))
        // The JSON 6902 patch moves the backend to port 8080, which the strategic-merge patch adds to the Service.
        #expect(route.backends.map(\.port) == ["8080"])
        #expect(route.backends.allSatisfy { $0.resolved })
        // Sources: the base object's first line; the patched host at the patch file's line.
        #expect(route.source == SourceLocation(file: "kustomize/base/web.yaml", line: 12, column: 1))
        #expect(route.hostSources["shop.staging.example.com"]?.file == "kustomize/overlays/staging/ingressroute.yaml")
        #expect(route.patchedBy.contains("kustomize/overlays/staging/ingressroute.yaml"))
        #expect(route.patchedBy.contains("kustomize/overlays/staging/backend-port.yaml"))
    }

    @Test func patchesAndKustomizationsAreNotResources() throws {
        let e = Self.estate("kustomize")
        for env in e.environments {
            let files = Set(env.estate.inputs.resources.map(\.source.file))
            let component: Set<String> = env.name == "prod" ? ["kustomize/components/hsts/middleware.yaml"] : []
            #expect(files == Set(["kustomize/base/web.yaml", "kustomize/base/certificate.yaml"]).union(component))
        }
        #expect(!e.problems.contains { $0.message.contains("defined again") || $0.message.contains("metadata.name") })
        // No finding comes from reading an overlay or a patch as a resource: no placeholder, no conflict, no
        // missing secret. The one finding is real: namePrefix renames the ClusterIssuer, not the issuerRef.
        #expect(e.findings.map(\.rule) == ["certificate-unissuable"])
        #expect(e.findings.first?.environment == "staging")
        #expect(e.findings.first?.message.contains("ClusterIssuer letsencrypt") == true)
        #expect(!e.graph.hosts.contains { $0.name.contains("placeholder") })
    }

    @Test func combinedViewQualifiesEverything() throws {
        let e = Self.estate("kustomize")
        #expect(e.graph.hosts.map(\.name) == ["prod:shop.example.com", "staging:shop.staging.example.com"])
        #expect(e.graph.routes.map(\.id) == ["prod:traefik/IngressRoute/shop-prod/web#0.0",
                                             "staging:traefik/IngressRoute/shop-staging/staging-web#0.0"])
        #expect(e.graph.routes.map(\.environment) == ["prod", "staging"])
        #expect(e.graph.host("prod:shop.example.com")?.certificates == ["prod:certificate/shop-prod/web"])
        // The namespace filter applies inside each environment.
        let filtered = e.filtered(EstateFilter(namespaces: ["shop-prod"]))
        #expect(filtered.graph.routes.map(\.id) == ["prod:traefik/IngressRoute/shop-prod/web#0.0"])
    }

    @Test func jsonReportCarriesEnvironments() throws {
        let e = Self.estate("kustomize")
        let text = JSONReport.render(e, version: "test")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(json["schemaVersion"] as? Int == 1)
        let envs = try #require(json["environments"] as? [[String: Any]])
        #expect(envs.map { $0["name"] as? String } == ["prod", "staging"])
        let hosts = try #require(json["hosts"] as? [[String: Any]])
        #expect(hosts.map { $0["name"] as? String } == ["shop.example.com", "shop.staging.example.com"])
        #expect(hosts.map { $0["environment"] as? String } == ["prod", "staging"])
        #expect((hosts[0]["routes"] as? [String]) == ["prod:traefik/IngressRoute/shop-prod/web#0.0"])
        let routes = try #require(json["routes"] as? [[String: Any]])
        #expect(routes.map { $0["id"] as? String } == ["prod:traefik/IngressRoute/shop-prod/web#0.0",
                                                       "staging:traefik/IngressRoute/shop-staging/staging-web#0.0"])
        #expect((routes[1]["hosts"] as? [String]) == ["shop.staging.example.com"])
        let certs = try #require(json["certificates"] as? [[String: Any]])
        #expect(certs.map { $0["id"] as? String } == ["prod:certificate/shop-prod/web", "staging:certificate/shop-staging/staging-web"])
        let findings = try #require(json["findings"] as? [[String: Any]])
        #expect(findings.map { $0["environment"] as? String } == ["staging"])
    }

    @Test func envOptionKeepsOneEnvironment() throws {
        var g = GitOpsOptions()
        g.environment = "staging"
        let loaded = GitOps.load(Self.options("kustomize"), gitops: g)
        #expect(loaded.allEnvironmentNames == ["prod", "staging"])
        #expect(loaded.environments.map(\.name) == ["staging"])
        let e = GitOps.analyze(loaded)
        // Still labelled: the report says which environment it shows.
        #expect(e.graph.routes.map(\.id) == ["staging:traefik/IngressRoute/shop-staging/staging-web#0.0"])
    }

    @Test func unreferencedFilesAreSharedAndListed() throws {
        let e = Self.estate("unreferenced")
        #expect(e.environments.isEmpty)   // one root: one environment, shown as a plain tree
        let p = try #require(e.problems.first { $0.file == "unreferenced/app/legacy-ingress.yaml" })
        #expect(p.message.contains("not referenced by any kustomization"))
        // Still read: the retired Ingress is why two controllers seem to serve the host.
        #expect(e.graph.host("app.example.com")?.controllers == ["ingress-nginx", "traefik"])
        #expect(!e.problems.contains { $0.file.hasSuffix("kustomization.yaml") })
    }

    @Test func plainTreeIsUnchanged() throws {
        let plain = Analyzer.run(Fixtures.load("graph/traefik-rules.yaml"))
        let viaGitOps = GitOps.run(LoadOptions(paths: [Fixtures.path("graph/traefik-rules.yaml")]))
        #expect(viaGitOps.environments.isEmpty)
        #expect(JSONReport.render(plain, version: "t") == JSONReport.render(viaGitOps, version: "t"))
    }

    // MARK: Flux

    @Test func fluxSubstitutions() throws {
        let e = Self.estate("flux")
        #expect(e.environments.map(\.name) == ["prod", "staging"])
        #expect(e.environments.map(\.environment.flux) == ["flux-system/apps", "flux-system/apps"])
        let prod = try Self.env(e, "prod"), staging = try Self.env(e, "staging")
        // Resolved: postBuild.substitute and the ConfigMap it names (the copy in the cluster's folder).
        let host = try #require(prod.graph.host("shop.prod.example.com"))
        #expect(host.tls == .covered)
        #expect(prod.graph.certificates.map(\.issuer) == ["ClusterIssuer/letsencrypt-prod"])
        #expect(e.environments[0].environment.variables["cluster_fqdn"] == "prod.example.com")
        // Unresolved: shown as a pattern, excluded from conflict checks, said plainly.
        let pattern = try #require(staging.graph.host("shop.${cluster_fqdn}"))
        #expect(pattern.isUnresolved && pattern.variables == ["cluster_fqdn"])
        #expect(staging.graph.certificates.map(\.issuer) == ["ClusterIssuer/letsencrypt-staging"])
        #expect(e.environments[1].environment.unresolved == ["cluster_fqdn"])
        #expect(!e.findings.contains { $0.rule.hasPrefix("host-") || $0.rule == "plaintext-only" })
        #expect(e.problems.contains { $0.message.contains("${cluster_fqdn}") && $0.message.contains("Secret cluster-secrets") })
        #expect(e.findings.isEmpty)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONReport.render(e, version: "t").utf8)) as? [String: Any])
        let hosts = try #require(json["hosts"] as? [[String: Any]])
        let unresolved = try #require(hosts.first { $0["name"] as? String == "shop.${cluster_fqdn}" })
        #expect(unresolved["unresolved"] as? Bool == true)
        #expect(unresolved["variables"] as? [String] == ["cluster_fqdn"])
    }

    @Test func substitutionSyntax() {
        var missing = Set<String>()
        let vars = ["a": "x", "empty": ""]
        #expect(Substitution.apply("${a}.${b:=def}.${empty:-e}.$${a}.${c}", vars, unresolved: &missing) == "x.def.e.${a}.${c}")
        #expect(missing == ["c"])
        #expect(Substitution.apply("^/api$", vars, unresolved: &missing) == "^/api$")
    }

    // MARK: Secrets from elsewhere

    @Test func reflectedWildcardCertificate() throws {
        let e = Self.estate("shared-secrets")
        let g = e.graph
        #expect(g.host("shop.example.com")?.tls == .covered)
        // Each copy is named after the Secret it is; Traefik's TLS store holds both copies, so either serves by SNI.
        #expect(g.host("shop.example.com")?.certificates.contains("certificate/shop/wildcard-tls") == true)
        #expect(g.host("blog.example.com")?.certificates.contains("certificate/blog/wildcard-tls") == true)
        let copy = try #require(g.certificate("certificate/shop/wildcard-tls"))
        #expect(copy.reflectedFrom == "certificate/cert-manager/wildcard")
        #expect(g.usedCertificates.contains("certificate/cert-manager/wildcard"))
        // By position, as reports ask, the same answer as by id.
        let original = try #require(g.certificates.firstIndex { $0.id == "certificate/cert-manager/wildcard" })
        #expect(g.isCertificateUsed(at: original))
        #expect(g.certificates.indices.filter { g.isCertificateUsed(at: $0) }.map { g.certificates[$0].id } == g.usedCertificates.sorted())
        #expect(!e.findings.contains { $0.rule == "certificate-unused" || $0.rule == "tls-host-uncovered" })
        // Not allowed into vault: no copy there.
        #expect(g.certificate("certificate/vault/wildcard-tls") == nil)
    }

    @Test func externalSecretStaysAWarning() throws {
        let e = Self.estate("shared-secrets")
        let vault = e.findings.filter { $0.hosts.contains("vault.internal.example.net") }
        #expect(vault.map(\.rule) == ["tls-secret-missing"])
        #expect(vault.allSatisfy { $0.severity == .warning })
        #expect(vault.first?.message.contains("ExternalSecret vault/vault-tls") == true)
    }

    // MARK: Controller instances

    @Test func instancesByClass() throws {
        let e = Self.estate("instances")
        let g = e.graph
        #expect(g.route("traefik/IngressRoute/web/public#0.0")?.controller == "traefik")
        #expect(g.route("traefik/IngressRoute/web/internal#0.0")?.controller == "traefik@traefik-internal")
        #expect(g.route("traefik/IngressRoute/web/internal-dup#0.0")?.controller == "traefik@traefik-internal")
        #expect(g.route("contour/HTTPProxy/web/docs#0.0")?.controller == "contour@contour-internal")
        #expect(g.profile.traefik.instances.map(\.name) == ["traefik-internal"])
        #expect(g.profile.contour.instances.map(\.name) == ["contour-internal"])
        #expect(g.problems.isEmpty)
        // Distinct controllers: one host on two instances is a provider conflict, never a duplicate route.
        #expect(!e.findings.contains { $0.rule == "host-route-conflict" })
        let conflict = try #require(e.findings.first { $0.rule == "host-provider-conflict" })
        #expect(conflict.hosts == ["admin.example.com"])
        #expect(conflict.message.contains("traefik@traefik-internal"))
    }

    // MARK: Rendering with kustomize

    static var toolAvailable: Bool { KustomizeTool.command(GitOpsOptions()) != nil }

    /// The static reading gives the graph `kubectl kustomize` renders, environment by environment.
    @Test(.enabled(if: GitOpsTests.toolAvailable, "needs kustomize or kubectl on PATH"),
          arguments: ["kustomize", "flux", "unreferenced"])
    func staticReadingEqualsRendering(_ fixture: String) throws {
        var render = GitOpsOptions()
        render.render = .kustomize
        let rendered = Self.estate(fixture, gitops: render)
        let stat = Self.estate(fixture)
        #expect(!rendered.problems.contains { $0.message.contains("failed") || $0.message.contains("cannot be traced") })
        let a = JSONReport.render(stat, version: "t"), b = JSONReport.render(rendered, version: "t")
        let diff = zip(a.split(separator: "\n"), b.split(separator: "\n")).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(a == b, Comment(rawValue: diff.map { "line \($0.offset + 1): \($0.element.0) ≠ \($0.element.1)" } ?? "lengths differ"))
    }
}

/// The patch engine on its own.
@Suite struct PatchTests {
    func value(_ yaml: String) -> YAMLValue {
        YAMLValue(YAMLParser.parse(Array(yaml.utf8)).documents[0].root!, file: "t.yaml")
    }

    @Test func strategicMergeOfMappings() {
        var v = value("spec: {a: 1, b: {c: 2, d: 3}, list: [1, 2]}\n")
        Patches.strategicMerge(&v, value("spec: {a: 5, b: {c: null, e: 4}, list: [9]}\n"), group: "x", kind: "Y")
        #expect(v.at(["spec", "a"])?.text == "5")
        #expect(v.at(["spec", "b", "c"]) == nil)
        #expect(v.at(["spec", "b", "e"])?.text == "4")
        #expect(v.at(["spec", "b", "d"])?.text == "3")
        #expect(v.at(["spec", "list"])?.items.map(\.text) == ["9"])   // custom resources: lists are replaced
    }

    @Test func servicePortsMergeByPort() {
        var v = value("spec: {ports: [{name: a, port: 1}, {name: b, port: 2}]}\n")
        Patches.strategicMerge(&v, value("spec: {ports: [{name: x, port: 9}, {name: b2, port: 2}]}\n"), group: "", kind: "Service")
        #expect(v.at(["spec", "ports"])?.items.map { $0["name"]?.text ?? "" } == ["x", "b2", "a"])
    }

    @Test func jsonPatchOperations() throws {
        var v = value("spec: {routes: [{port: 80}], tags: [a]}\n")
        try Patches.applyJSONPatch(&v, value("""
            - {op: replace, path: /spec/routes/0/port, value: 8080}
            - {op: add, path: /spec/tags/-, value: b}
            - {op: remove, path: /spec/tags/0}
            - {op: add, path: /spec/x~1y, value: z}
            """))
        #expect(v.at(["spec", "routes"])?.items.first?["port"]?.text == "8080")
        #expect(v.at(["spec", "tags"])?.items.map(\.text) == ["b"])
        #expect(v.at(["spec", "x/y"])?.text == "z")
        #expect(throws: Patches.JSONPatchError.self) { try Patches.applyJSONPatch(&v, value("- {op: replace, path: /nope, value: 1}\n")) }
    }

    @Test func builtTreesKeepTheirFiles() {
        var v = value("a: 1\nb: 2\n")
        var p = YAMLValue(scalar: "3", origin: .init(file: "patch.yaml", line: 7, column: 3))
        p.style = 0
        v.set("b", p)
        let node = v.makeTree()
        #expect(node["a"]?.string == "1")
        let b = node["b"]!
        #expect(b.string == "3")
        #expect(b.tree.file(of: b.index) == "patch.yaml")
        #expect(b.mark.line == 7)
    }
}
