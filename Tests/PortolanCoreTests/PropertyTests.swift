import Foundation
import Testing
@testable import PortolanCore
import PortolanReport

/// Random but valid estates (seeded, so failures reproduce): invariants that must hold for any input.
@Suite struct PropertyTests {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return z ^ (z >> 31)
        }
    }

    /// A random estate: files of YAML documents (name → text).
    static func estate(seed: UInt64, ignore: (kind: String, ns: String, name: String, rule: String)? = nil) -> [String: String] {
        var rng = SplitMix(state: seed)
        let namespaces = (0..<Int.random(in: 2...4, using: &rng)).map { "ns\($0)" }
        let hosts = (0..<Int.random(in: 3...8, using: &rng)).map { "h\($0).example.com" }
        var files: [String: [String]] = [:]
        func add(_ file: String, _ doc: String) { files[file, default: []].append(doc) }
        var services = Set<String>()
        add("infra/classes.yaml", "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx}\nspec: {controller: k8s.io/ingress-nginx}")
        add("infra/classes.yaml", "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: traefik}\nspec: {controller: traefik.io/ingress-controller}")
        add("infra/classes.yaml", "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: envoy}\nspec: {controllerName: gateway.envoyproxy.io/gatewayclass-controller}")
        add("infra/gw.yaml", """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: ns0, annotations: {cert-manager.io/cluster-issuer: le}}
            spec:
              gatewayClassName: envoy
              listeners:
                - {name: https, protocol: HTTPS, port: 443, hostname: "*.example.com", tls: {certificateRefs: [{name: wild}]}, allowedRoutes: {namespaces: {from: All}}}
            """)
        for i in 0..<Int.random(in: 4...14, using: &rng) {
            let ns = namespaces.randomElement(using: &rng)!
            let host = hosts.randomElement(using: &rng)!
            let svc = "svc\(Int.random(in: 0...4, using: &rng))"
            let port = [80, 8080].randomElement(using: &rng)!
            let path = ["/", "/api", "/v1"].randomElement(using: &rng)!
            let file = "apps/\(ns)/f\(Int.random(in: 0...3, using: &rng)).yaml"
            let name = "r\(i)"
            var ann = ""
            if let ig = ignore, ig.name == name, ig.ns == ns { ann = "  annotations: {portolan.dev/ignore: \"\(ig.rule): test\"}\n" }
            if Bool.random(using: &rng), services.insert("\(ns)/\(svc)").inserted {
                add(file, "apiVersion: v1\nkind: Service\nmetadata: {name: \(svc), namespace: \(ns)}\nspec: {ports: [{name: http, port: \(port)}]}")
            }
            switch Int.random(in: 0...4, using: &rng) {
            case 0:
                add(file, """
                    apiVersion: networking.k8s.io/v1
                    kind: Ingress
                    metadata:
                      name: \(name)
                      namespace: \(ns)
                    \(ann)spec:
                      ingressClassName: \(Bool.random(using: &rng) ? "nginx" : "traefik")
                      tls: [{hosts: [\(host)], secretName: \(name)-tls}]
                      rules:
                        - host: \(host)
                          http: {paths: [{path: \(path), pathType: Prefix, backend: {service: {name: \(svc), port: {number: \(port)}}}}]}
                    """)
            case 1:
                add(file, """
                    apiVersion: traefik.io/v1alpha1
                    kind: IngressRoute
                    metadata:
                      name: \(name)
                      namespace: \(ns)
                    \(ann)spec:
                      entryPoints: [\(Bool.random(using: &rng) ? "websecure" : "web")]
                      routes:
                        - match: Host(`\(host)`) && PathPrefix(`\(path)`)
                          services: [{name: \(svc), port: \(port)}]
                    """)
            case 2:
                add(file, """
                    apiVersion: projectcontour.io/v1
                    kind: HTTPProxy
                    metadata:
                      name: \(name)
                      namespace: \(ns)
                    \(ann)spec:
                      virtualhost: {fqdn: \(host), tls: {secretName: \(name)-tls}}
                      routes:
                        - conditions: [{prefix: \(path)}]
                          services: [{name: \(svc), port: \(port)}]
                    """)
            case 3:
                add(file, """
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: HTTPRoute
                    metadata:
                      name: \(name)
                      namespace: \(ns)
                    \(ann)spec:
                      parentRefs: [{name: gw, namespace: ns0}]
                      hostnames: [\(host)]
                      rules:
                        - matches: [{path: {type: PathPrefix, value: \(path)}}]
                          backendRefs: [{name: \(svc), port: \(port)}]
                    """)
            default:
                add(file, """
                    apiVersion: cert-manager.io/v1
                    kind: Certificate
                    metadata:
                      name: \(name)
                      namespace: \(ns)
                    \(ann)spec:
                      secretName: r\(Int.random(in: 0...14, using: &rng))-tls
                      dnsNames: [\(hosts.randomElement(using: &rng)!)]
                      issuerRef: {name: le, kind: ClusterIssuer}
                    """)
            }
        }
        return files.mapValues { $0.joined(separator: "\n---\n") + "\n" }
    }

    static func write(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portolan-prop-\(UUID().uuidString)").path
        for (name, text) in files {
            let path = dir + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return dir
    }

    static func analyze(_ dir: String, workers: Int = 2) -> Estate {
        var o = LoadOptions(paths: [dir])
        o.displayRelativeTo = dir
        o.workers = workers
        var a = AnalysisOptions()
        a.now = UTCDate.parse("2026-12-01")!
        return Analyzer.run(Loader.load(o), options: a)
    }

    static let seeds: [UInt64] = Array(1...25)

    @Test(arguments: seeds)
    func invariants(_ seed: UInt64) throws {
        let dir = try Self.write(Self.estate(seed: seed))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let e = Self.analyze(dir)
        let g = e.graph
        #expect(e.inputs.problems.isEmpty, "seed \(seed): \(e.inputs.problems)")

        // Hosts are exactly the route hosts.
        let routeHosts = Set(g.routes.flatMap(\.hosts))
        #expect(Set(g.hosts.map(\.name)) == routeHosts)
        for h in g.hosts { #expect(h.routes.allSatisfy { g.route($0)?.hosts.contains(h.name) == true }) }

        // Every finding names existing hosts and resources.
        let refs = Set(e.inputs.resources.map(\.ref))
        for f in e.findings {
            #expect(f.hosts.allSatisfy(routeHosts.contains), "seed \(seed): \(f.rule) names unknown hosts \(f.hosts)")
            #expect(f.resources.allSatisfy { refs.contains($0) || $0.kind == "Secret" }, "seed \(seed): \(f.rule) names unknown resources")
        }

        // The JSON report round-trips: what it says is what the model holds.
        let text = JSONReport.render(e, version: "p")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let routes = try #require(json["routes"] as? [[String: Any]])
        #expect(routes.compactMap { $0["id"] as? String } == g.routes.map(\.id))
        let hosts = try #require(json["hosts"] as? [[String: Any]])
        #expect(hosts.compactMap { $0["name"] as? String } == g.hosts.map(\.name))
        #expect(hosts.compactMap { $0["tls"] as? String } == g.hosts.map(\.tls.rawValue))
        let findings = try #require(json["findings"] as? [[String: Any]])
        #expect(findings.compactMap { $0["rule"] as? String } == e.findings.map(\.rule))
        let again = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        #expect(try JSONSerialization.jsonObject(with: again) as? NSDictionary == json as NSDictionary)

        // Order is deterministic: another run, one worker, gives the same bytes.
        #expect(JSONReport.render(Self.analyze(dir, workers: 1), version: "p") == text)
    }

    @Test(arguments: seeds)
    func ignoreAnnotationRemovesExactlyTheNamedFindings(_ seed: UInt64) throws {
        let dir = try Self.write(Self.estate(seed: seed))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let before = Self.analyze(dir)
        // A finding on one of the generated route objects (r0, r1, ...).
        guard let target = before.findings.first(where: { f in f.resources.contains { $0.name.hasPrefix("r") && !$0.name.hasSuffix("-tls") } }),
              let obj = target.resources.first(where: { $0.name.hasPrefix("r") && !$0.name.hasSuffix("-tls") }) else { return }
        let dir2 = try Self.write(Self.estate(seed: seed, ignore: (obj.kind, obj.namespace, obj.name, target.rule)))
        defer { try? FileManager.default.removeItem(atPath: dir2) }
        let after = Self.analyze(dir2)
        func key(_ f: Finding) -> String { "\(f.rule) \(f.resources.map(\.display)) \(f.hosts)" }
        let expected = before.findings.filter { !($0.rule == target.rule && $0.resources.contains(obj)) }.map(key)
        #expect(after.findings.map(key) == expected, "seed \(seed): ignoring \(target.rule) on \(obj.display)")
    }
}
