import Foundation
import Testing

/// `--env` and `--render` on the command line.
@Suite struct GitOpsCLITests {
    static let fixtures = "Tests/PortolanCoreTests/Fixtures/gitops"

    @Test func envChoosesOneEnvironment() throws {
        let r = try CLI.run(["report", "--env", "prod", "kustomize"], cwd: CLI.packageRoot + "/" + Self.fixtures)
        #expect(r.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let routes = try #require(json["routes"] as? [[String: Any]])
        #expect(routes.map { $0["id"] as? String } == ["prod:traefik/IngressRoute/shop-prod/web#0.0"])
        #expect(routes.map { $0["environment"] as? String } == ["prod"])
    }

    @Test func unknownEnvIsAUsageError() throws {
        let r = try CLI.run(["check", "--env", "nope", "kustomize"], cwd: CLI.packageRoot + "/" + Self.fixtures)
        #expect(r.status == 2)
        #expect(r.stderr.contains("no such environment (environments: prod, staging)"))
    }

    @Test func renderWithoutToolIsAClearError() throws {
        let r = try CLI.run(["check", "--render", "kustomize", "kustomize"], cwd: CLI.packageRoot + "/" + Self.fixtures,
                            env: ["PATH": "/nonexistent"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("needs `kustomize` or `kubectl`"))
        let bad = try CLI.run(["check", "--render", "helm", "kustomize"], cwd: CLI.packageRoot + "/" + Self.fixtures)
        #expect(bad.status == 2)
    }

    @Test func checkGroupsByEnvironment() throws {
        let r = try CLI.run(["check", "flux"], cwd: CLI.packageRoot + "/" + Self.fixtures)
        #expect(r.status == 0)
        #expect(r.stdout.contains("passing"))
        let inventory = try CLI.run(["inventory", "unreferenced"], cwd: CLI.packageRoot + "/" + Self.fixtures)
        #expect(inventory.stdout.contains("not referenced by any kustomization"))
        #expect(!inventory.stdout.contains("kustomization.yaml"))
    }
}
