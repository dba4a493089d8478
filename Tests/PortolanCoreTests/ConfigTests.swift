import Foundation
import Testing
@testable import PortolanCore

@Suite struct ConfigTests {
    @Test func readsEverySection() throws {
        let text = """
        rules:
          disable: [plaintext-only]
          severity:
            certificate-unused: warning
        ignorePaths: ["charts/**", "legacy/*.yaml"]
        expiryWarningDays: 30
        controllers:
          traefik:
            tlsEntryPoints: [websecure, internal-tls]
            allowCrossNamespace: true
            instances: [{name: internal, ingressClass: traefik-internal}]
            entryPointRedirects: {web: websecure}
          contour: {rootNamespaces: [projectcontour], ingressClass: contour-public}
          certManager: {defaultIssuer: letsencrypt, gatewayAPI: false}
          kubernetes: {version: "1.21"}
        """
        let c = try PortolanConfig.parse(Array(text.utf8), file: ".portolan.yaml")
        #expect(c.disabledRules == ["plaintext-only"])
        #expect(c.severities == ["certificate-unused": .warning])
        #expect(c.ignorePaths == ["charts/**", "legacy/*.yaml"])
        #expect(c.expiryWarningDays == 30)
        #expect(c.profile.traefik.tlsEntryPoints == ["websecure", "internal-tls"])
        #expect(c.profile.traefik.allowCrossNamespace)
        #expect(c.profile.traefik.instances == [.init(name: "internal", ingressClass: "traefik-internal")])
        #expect(c.profile.traefik.entryPointRedirects == ["web": "websecure"])
        #expect(c.profile.contour.rootNamespaces == ["projectcontour"])
        #expect(c.profile.contour.ingressClass == "contour-public")
        #expect(c.profile.certManager.defaultIssuer == "letsencrypt")
        #expect(!c.profile.certManager.gatewayAPI)
        #expect(c.profile.kubernetesVersion == "1.21")
        #expect(c.ignores("charts/web/templates/x.yaml"))
        #expect(c.ignores("legacy/a.yaml"))
        #expect(!c.ignores("legacy/deeper/a.yaml"))
    }

    @Test(arguments: [
        ("rules:\n  disable: [no-such-rule]\n", ".portolan.yaml:2:13: unknown rule id \"no-such-rule\""),
        ("controllers:\n  traefik:\n    allowCrossNamespaces: true\n", ".portolan.yaml:3:5: unknown key \"allowCrossNamespaces\""),
        ("expiryWarningDays: soon\n", ".portolan.yaml:1:20: expiryWarningDays must be a whole number"),
        ("rules: [a\n", ".portolan.yaml:2:1: not valid YAML"),
        ("rules:\n  severity: {tls-host-uncovered: fatal}\n", ".portolan.yaml:2:34: severity must be error, warning or info"),
    ])
    func badConfigurationNamesFileAndLine(_ text: String, _ message: String) {
        #expect(throws: PortolanConfig.Error.self) { try PortolanConfig.parse(Array(text.utf8), file: ".portolan.yaml") }
        do { _ = try PortolanConfig.parse(Array(text.utf8), file: ".portolan.yaml") } catch {
            #expect("\(error)".hasPrefix(message), "\(error)")
        }
    }

    @Test func disableSeverityAndSuppression() throws {
        let inputs = Fixtures.load("rules/tls-secret-missing.yaml")
        var o = AnalysisOptions()
        o.now = 0
        let plain = Analyzer.run(inputs, options: o).findings.map(\.rule).sorted()
        #expect(plain.contains("tls-secret-missing"))
        #expect(plain.contains("plaintext-only") == false)
        o.config.severities["tls-secret-missing"] = .error
        #expect(Analyzer.run(inputs, options: o).findings.first { $0.rule == "tls-secret-missing" }?.severity == .error)
        o.config.disabledRules = ["tls-secret-missing"]
        #expect(!Analyzer.run(inputs, options: o).findings.contains { $0.rule == "tls-secret-missing" })
    }

    @Test func ignoreAnnotationRemovesExactlyTheNamedRules() throws {
        let yaml = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          namespace: shop
          annotations:
            portolan.dev/ignore: "tls-secret-missing: the secret comes from Vault"
        spec:
          ingressClassName: nginx
          tls: [{hosts: [shop.example.com], secretName: web-tls}]
          rules:
            - host: shop.example.com
              http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: gone, port: {number: 80}}}}]}
        """
        let inputs = Fixtures.load(["-"], stdin: Array(yaml.utf8))
        let without = Analyzer.run(inputs, options: AnalysisOptions()).findings.map(\.rule)
        #expect(without.contains("backend-service-missing"))
        #expect(!without.contains("tls-secret-missing"))
        let unannotated = Fixtures.load(["-"], stdin: Array(yaml.replacingOccurrences(of: "portolan.dev/ignore", with: "x.dev/other").utf8))
        let with = Analyzer.run(unannotated, options: AnalysisOptions()).findings.map(\.rule)
        #expect(Set(with).subtracting(without) == ["tls-secret-missing"])
    }

    @Test func limitsAreConfigurable() throws {
        let c = try PortolanConfig.parse(Array("limits: {aliasExpansion: 10, maxDepth: 20, maxDocumentsPerFile: 3, maxNodesPerDocument: 1000, maxFileSize: 2048}\n".utf8), file: "c")
        #expect(c.limits.aliasExpansion == 10 && c.limits.maxDepth == 20 && c.limits.maxDocuments == 3)
        #expect(c.limits.maxNodesPerDocument == 1000 && c.maxFileSize == 2048)
        var o = LoadOptions(paths: ["-"])
        o.yaml = c.limits
        o.stdin = Array("a: &a [x, x]\nb: [*a, *a, *a, *a, *a, *a]\n---\nk: 1\n---\nk: 2\n---\nk: 3\n---\nk: 4\n".utf8)
        let inputs = Loader.load(o)
        #expect(inputs.problems.map(\.message).contains { $0.contains("more than 10 nodes (limit alias-expansion") })
        #expect(inputs.problems.map(\.message).contains { $0.contains("more than 3 documents in one file (limit max-documents)") })
    }

    @Test func aFileThatVanishesIsAProblem() {
        let out = Loader.loadFile(InputFile(display: "gone.yaml", origin: .path("/nonexistent/portolan/gone.yaml"), size: 10),
                                  options: LoadOptions())
        #expect(out.problems.map(\.message) == ["cannot read: No such file or directory"])
        #expect(!out.read)
    }

    @Test func globs() {
        #expect(Glob.matches("**/*.yaml", "a/b/c.yaml"))
        #expect(Glob.matches("**/*.yaml", "c.yaml"))
        #expect(Glob.matches("apps/*/values.yaml", "apps/web/values.yaml"))
        #expect(!Glob.matches("apps/*/values.yaml", "apps/web/x/values.yaml"))
        #expect(Glob.matches("charts/**", "charts/a/b.yaml"))
    }
}
