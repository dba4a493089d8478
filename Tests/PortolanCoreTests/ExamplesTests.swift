import Foundation
import Testing
@testable import PortolanCore

/// The bundled demo estate, `Examples/`, analysed as `portolan check --now 2026-12-01 Examples` does
/// (with its `.portolan.yaml`): every rule fires, each exactly as often as the table of planted problems
/// in `Examples/README.md` says, and the estate has the size the README promises.
@Suite struct ExamplesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples").path
    /// The reference date the demo is pinned to (Examples/README.md).
    static let now = "2026-12-01"

    /// Findings per rule: the planted problems of Examples/README.md.
    static let expected: [String: Int] = [
        "cert-manager-annotation-ignored": 1,   // IngressRoute marketing/landing
        "tls-host-uncovered": 1,                // search.shop.example.com
        "tls-secret-missing": 1,                // Ingress internal-tools/metabase
        "host-provider-conflict": 1,            // blog.example.com
        "host-route-conflict": 1,               // shop.example.com/ (storefront-canary)
        "backend-service-missing": 1,           // IngressRoute marketing/newsletter
        "backend-port-missing": 1,              // HTTPRoute auth/account
        "backend-reference-rejected": 1,        // IngressRoute shop/storefront → payments
        "deprecated-api": 1,                    // IngressRoute traefik/dashboard (traefik.containo.us)
        "ingress-class-ambiguous": 1,           // Ingress internal-tools/wiki
        "annotation-controller-mismatch": 1,    // Ingress marketing/cms
        "tls-hosts-mismatch": 1,                // Ingress marketing/careers
        "gateway-attachment-invalid": 1,        // HTTPRoute marketing/spring-campaign
        "reference-grant-missing": 1,           // HTTPRoute gateway/public-api → payments
        "certificate-unissuable": 1,            // Certificate shop/checkout
        "certificate-expired": 1,               // Secret marketing/sale-tls
        "certificate-expiring": 1,              // Secret payments/pay-ev-tls
        "certificate-unused": 1,                // Certificate marketing/summer-sale
        "traefik-acme-single-instance": 1,      // IngressRoute marketing/events
        "plaintext-only": 1,                    // go.example.com
        "reference-missing": 1,                 // IngressRoute payments/invoices
        "routing-kind-unsupported": 1,          // Istio VirtualService internal-tools/grafana
    ]

    static func estate() throws -> Estate {
        let file = try #require(PortolanConfig.discover(paths: [root]), "Examples/.portolan.yaml")
        let config = try PortolanConfig.load(file: file)
        var load = LoadOptions(paths: [root])
        load.ignore = config.ignorePaths
        load.ignoreRoot = config.root ?? root
        var options = AnalysisOptions()
        options.config = config
        let date: Double = try #require(UTCDate.parse(now))
        options.now = date
        return Analyzer.run(Loader.load(load), options: options)
    }

    @Test func everyRuleFiresAsOftenAsDocumented() throws {
        let e = try Self.estate()
        var counts: [String: Int] = [:]
        for f in e.findings { counts[f.rule, default: 0] += 1 }
        for rule in RuleCatalog.all {
            #expect(counts[rule.id, default: 0] >= 1, "\(rule.id) does not fire in Examples/ with --now \(Self.now)")
        }
        #expect(Set(Self.expected.keys) == Set(RuleCatalog.all.map(\.id)), "the table must name every rule exactly once")
        for id in Set(counts.keys).union(Self.expected.keys).sorted() {
            let messages = e.findings.filter { $0.rule == id }.map(\.message).joined(separator: "\n")
            #expect(counts[id, default: 0] == Self.expected[id, default: 0],
                    "\(id): \(counts[id, default: 0]) findings, documented \(Self.expected[id, default: 0]):\n\(messages)")
        }
    }

    @Test func theConfigurationDisablesNothing() throws {
        let config = try PortolanConfig.load(file: Self.root + "/.portolan.yaml")
        #expect(config.disabledRules.isEmpty)
        #expect(config.severities.isEmpty)
        #expect(config.ignorePaths.isEmpty)
    }

    @Test func theEstateHasTheDocumentedSize() throws {
        let e = try Self.estate()
        #expect(e.inputs.problems.isEmpty, "\(e.inputs.problems)")
        #expect(e.graph.problems.isEmpty, "\(e.graph.problems.map(\.message))")
        let hosts = e.graph.hosts.map(\.name).filter { $0 != "*" }
        #expect((30...60).contains(hosts.count), "\(hosts.count) hosts")
        let namespaces = Set(e.graph.routes.map(\.namespace))
        #expect((6...10).contains(namespaces.count), "\(namespaces.sorted())")
        // Mostly healthy: the planted problems touch a minority of the hosts.
        let touched = Set(e.findings.flatMap(\.hosts)).intersection(hosts)
        #expect(touched.count * 2 < hosts.count, "\(touched.count) of \(hosts.count) hosts have findings")
    }

    @Test func theReadmeNamesEveryRuleAndThePinnedDate() throws {
        let readme = try String(contentsOfFile: Self.root + "/README.md", encoding: .utf8)
        #expect(readme.contains("--now \(Self.now)"))
        for id in Self.expected.keys.sorted() {
            #expect(readme.contains("`\(id)`"), "Examples/README.md does not mention \(id)")
        }
    }
}
