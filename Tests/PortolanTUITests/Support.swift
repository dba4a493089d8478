import Foundation
import Testing
@testable import PortolanCore
@testable import PortolanTUI

/// The test estate: YAML fixtures read by the real loader; routes added from a table (so the
/// screens do not move when the provider processors change); findings written here.
enum Fixture {
    static let root: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path
    static let screens: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Screens").path

    /// 2027-01-01: the legacy certificate has expired, the others are valid.
    static let now = UTCDate.parse("2027-01-01")!

    /// Inputs with file names relative to the fixture folder (`estate/shop.yaml`).
    static func inputs(_ paths: [String] = ["estate"]) -> LoadedInputs {
        var o = LoadOptions(paths: paths.map { root + "/" + $0 })
        o.displayRelativeTo = root
        var i = Loader.load(o)
        let prefix = root + "/"
        i.paths = i.paths.map { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : $0 }
        for k in i.problems.indices where i.problems[k].file.hasPrefix(prefix) { i.problems[k].file.removeFirst(prefix.count) }
        return i
    }

    static func text(_ file: String) -> [String] {
        (try? String(contentsOfFile: root + "/" + file, encoding: .utf8))?.components(separatedBy: "\n") ?? []
    }

    /// The first line of `file` that contains `needle` (after line `after`).
    static func at(_ file: String, _ needle: String, after: Int = 0) -> PortolanCore.SourceLocation {
        let lines = text(file)
        for (i, l) in lines.enumerated() where i + 1 > after && l.contains(needle) {
            let col = l.distance(from: l.startIndex, to: l.range(of: needle)!.lowerBound) + 1
            return PortolanCore.SourceLocation(file: file, line: i + 1, column: col)
        }
        Issue.record("\(needle) not found in \(file)")
        return PortolanCore.SourceLocation(file: file, line: 1)
    }

    static func estate(findings: Bool = true) -> Estate {
        let inputs = inputs()
        let store = ResourceStore(inputs)
        let b = GraphBuilder(store: store, profile: ControllerProfile())
        CoreProcessor().run(b)

        func res(_ group: String, _ kind: String, _ ns: String, _ name: String) -> Resource {
            store.lookup(group: group, kind: kind, namespace: ns, name: name)!
        }
        func route(_ p: Provider, _ r: Resource, _ rule: Int, hosts: [String], path: String, pathType: String = "Prefix",
                   match: String = "", tls: RouteTLS = .off, backends: [PortolanCore.Backend], controller: String,
                   matchAt: PortolanCore.SourceLocation, layer: String = "http") -> Route {
            var route = Route(provider: p, resource: r, ruleIndex: rule, matchIndex: 0, hosts: hosts, path: path, pathType: pathType,
                              match: match, tls: tls, backends: backends, controllers: [controller], matchSource: matchAt, layer: layer)
            for h in hosts { route.hostSources[h] = at(r.source.file, h, after: r.source.line) }
            return route
        }
        func svc(_ ns: String, _ name: String, _ port: String, at loc: PortolanCore.SourceLocation) -> PortolanCore.Backend {
            b.serviceBackend(namespace: ns, name: name, port: port, source: loc)
        }
        let shop = "estate/shop.yaml", legacy = "estate/legacy.yaml", blog = "estate/blog.yaml"
        let web = res("networking.k8s.io", "Ingress", "shop", "web")
        let shopTLS = RouteTLS(enabled: true, secret: NamespacedName("shop", "shop-tls"), secretSource: at(shop, "secretName: shop-tls"))
        b.add(route(.ingress, web, 0, hosts: ["shop.example.com"], path: "/", tls: shopTLS,
                    backends: [svc("shop", "web", "80", at: at(shop, "service: {name: web"))], controller: "nginx",
                    matchAt: at(shop, "- path: /", after: web.source.line)))
        var api = route(.ingress, web, 0, hosts: ["shop.example.com"], path: "/api", tls: shopTLS,
                        backends: [svc("shop", "api", "8080", at: at(shop, "service: {name: api"))], controller: "nginx",
                        matchAt: at(shop, "- path: /api"))
        api.id = "ingress/Ingress/shop/web#0.1"
        api.matchIndex = 1
        b.add(api)
        let admin = res("traefik.io", "IngressRoute", "shop", "admin")
        b.add(route(.traefik, admin, 0, hosts: ["shop.example.com"], path: "/admin", pathType: "PathPrefix",
                    match: "Host(`shop.example.com`) && PathPrefix(`/admin`)",
                    backends: [svc("shop", "admin", "80", at: at(shop, "- name: admin"))], controller: "traefik",
                    matchAt: at(shop, "- match: Host")))
        let old = res("networking.k8s.io", "Ingress", "legacy", "old")
        b.add(route(.ingress, old, 0, hosts: ["legacy.example.org"], path: "/",
                    tls: RouteTLS(enabled: true, secret: NamespacedName("legacy", "old-tls"), secretSource: at(legacy, "secretName: old-tls")),
                    backends: [svc("legacy", "old", "80", at: at(legacy, "service: {name: old"))], controller: "nginx",
                    matchAt: at(legacy, "- path: /")))
        b.add(route(.ingress, old, 1, hosts: ["ghost.example.org"], path: "/",
                    tls: RouteTLS(enabled: true, secret: NamespacedName("legacy", "missing-tls"), secretSource: at(legacy, "secretName: missing-tls")),
                    backends: [svc("legacy", "old", "80", at: at(legacy, "service: {name: old", after: 40))], controller: "nginx",
                    matchAt: at(legacy, "- path: /", after: 40)))
        let httpRoute = res("gateway.networking.k8s.io", "HTTPRoute", "blog", "blog")
        b.add(route(.gatewayAPI, httpRoute, 0, hosts: ["blog.example.com"], path: "/", pathType: "PathPrefix",
                    backends: [svc("blog", "blog", "80", at: at(blog, "- name: blog"))], controller: "envoy-gateway",
                    matchAt: at(blog, "- backendRefs:")))
        let jp = res("projectcontour.io", "HTTPProxy", "blog", "jp")
        b.add(route(.contour, jp, 0, hosts: ["日本.example.jp"], path: "", pathType: "",
                    tls: RouteTLS(enabled: true, passthrough: true),
                    backends: [svc("blog", "blog", "443", at: at(blog, "port: 443"))], controller: "contour",
                    matchAt: at(blog, "fqdn:"), layer: "tcp"))
        let graph = b.finish()

        var fs: [Finding] = []
        if findings {
            fs = [
                Finding(rule: "tls-uncovered", severity: .error,
                        message: "ghost.example.org: no certificate covers the host (secret legacy/missing-tls is produced by nothing)",
                        hosts: ["ghost.example.org"], resources: [old.ref], source: at(legacy, "secretName: missing-tls"),
                        routes: ["ingress/Ingress/legacy/old#1.0"]),
                Finding(rule: "backend-service-missing", severity: .error,
                        message: "shop.example.com/admin: Service shop/admin does not exist",
                        hosts: ["shop.example.com"], resources: [admin.ref], source: at(shop, "- name: admin"),
                        routes: ["traefik/IngressRoute/shop/admin#0.0"]),
                Finding(rule: "host-conflict", severity: .warning,
                        message: "shop.example.com is served by two controllers: nginx and traefik",
                        hosts: ["shop.example.com"], resources: [web.ref, admin.ref], source: at(shop, "- host: shop.example.com")),
                Finding(rule: "certificate-expired", severity: .warning,
                        message: "secret legacy/old-tls expired on 2026-12-08",
                        hosts: ["legacy.example.org"], resources: [res("", "Secret", "legacy", "old-tls").ref],
                        source: at(legacy, "name: old-tls"), certificates: ["secret/legacy/old-tls"]),
                Finding(rule: "plain-http", severity: .info, message: "blog.example.com is served over plain HTTP only",
                        hosts: ["blog.example.com"], resources: [httpRoute.ref], source: at(blog, "hostnames:"),
                        routes: ["gateway-api/HTTPRoute/blog/blog#0.0"]),
            ].sorted(by: Finding.ordered)
        }
        return Estate(inputs: inputs, graph: graph, findings: fs, now: now, nowIsFixed: true)
    }

    static func model(findings: Bool = true) -> ExplorerModel {
        let e = estate(findings: findings)
        let root = Fixture.root
        return ExplorerModel(e, sources: SourceCache(e.inputs, read: { SourceCache.readFile(root + "/" + $0) }))
    }

    static let theme256 = Theme(mode: .palette256, symbols: .unicode)

    static func state(width: Int = 80, height: Int = 24, theme: Theme = theme256, findings: Bool = true) -> AppState {
        var s = AppState(theme: theme, size: Size(width: width, height: height), model: model(findings: findings))
        s.exportFormats = [.json]
        return s
    }
}

extension AppState {
    /// Applies keys, dropping effects.
    func after(_ keys: [KeyEvent]) -> AppState { Reducer.reduce(self, keys).0 }
    func after(_ keys: KeyEvent...) -> AppState { after(keys) }
    func typing(_ s: String) -> AppState { after(KeyEvent.typing(s)) }
    var screen: [String] { Screen.buffer(self).lines() }
    var selectedKey: String? { subject?.key }
}

extension KeyEvent {
    static let enter = KeyEvent.key(.enter)
    static let esc = KeyEvent.key(.escape)
    static let up = KeyEvent.key(.up)
    static let down = KeyEvent.key(.down)
    static let left = KeyEvent.key(.left)
    static let right = KeyEvent.key(.right)
    static let tab = KeyEvent.key(.tab)
}

/// Compares a screen with `Screens/<name>.txt`; records it when missing or when RECORD_SNAPSHOTS is set
/// (swift-argument-parser's assertSnapshot, without dependencies).
func assertScreen(_ lines: [String], named name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let path = Fixture.screens + "/" + name + ".txt"
    let actual = lines.joined(separator: "\n") + "\n"
    let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"].map { !$0.isEmpty && $0 != "0" } ?? false
    guard !record, let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
        try? FileManager.default.createDirectory(atPath: Fixture.screens, withIntermediateDirectories: true)
        try? actual.write(toFile: path, atomically: true, encoding: .utf8)
        print("recorded screen \(name)")
        return
    }
    if expected == actual { return }
    let e = expected.components(separatedBy: "\n"), a = actual.components(separatedBy: "\n")
    var diff: [String] = []
    for i in 0..<max(e.count, a.count) {
        let el = i < e.count ? e[i] : "<none>", al = i < a.count ? a[i] : "<none>"
        if el != al { diff.append("line \(i + 1):\n  expected: |\(el)|\n  actual:   |\(al)|") }
    }
    let message = "screen \(name) differs from \(path) (RECORD_SNAPSHOTS=1 re-records):\n" + diff.joined(separator: "\n")
        + "\n--- actual screen ---\n" + actual
    Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
}
