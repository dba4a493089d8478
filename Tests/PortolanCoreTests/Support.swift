import Foundation
import Testing
@testable import PortolanCore
import PortolanReport

/// Locates and loads fixtures under Tests/PortolanCoreTests/Fixtures.
enum Fixtures {
    static let root: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    static func path(_ relative: String) -> String { root + "/" + relative }

    static func load(_ relatives: [String], defaultNamespace: String = "default", stdin: [UInt8]? = nil) -> LoadedInputs {
        var o = LoadOptions(paths: relatives.map { $0 == "-" ? "-" : path($0) })
        o.defaultNamespace = defaultNamespace
        o.stdin = stdin
        return Loader.load(o)
    }

    static func load(_ relative: String) -> LoadedInputs { load([relative]) }

    static func graph(_ relatives: [String], profile: ControllerProfile = ControllerProfile()) -> RouteGraph {
        RouteGraph.build(ResourceStore(load(relatives)), profile: profile)
    }

    static func graph(_ relative: String, profile: ControllerProfile = ControllerProfile()) -> RouteGraph {
        graph([relative], profile: profile)
    }

    /// The JSON report of a graph (no findings), parsed, with fixture paths made relative.
    static func reportJSON(_ g: RouteGraph, findings: [Finding] = []) -> [String: Any] {
        let e = Estate(inputs: g.store.inputs, graph: g, findings: findings, now: 0, nowIsFixed: false)
        let text = JSONReport.render(e, version: "test").replacingOccurrences(of: root + "/", with: "")
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// Compares `expected` against `actual`: every key of an expected object must be present and equal;
    /// arrays must have the same length and match element by element. Returns the differences.
    static func differences(_ expected: Any, _ actual: Any?, at path: String = "$") -> [String] {
        switch expected {
        case let e as [String: Any]:
            guard let a = actual as? [String: Any] else { return ["\(path): expected an object, got \(describe(actual))"] }
            return e.keys.sorted().flatMap { k in differences(e[k]!, a[k], at: "\(path).\(k)") }
        case let e as [Any]:
            guard let a = actual as? [Any] else { return ["\(path): expected an array, got \(describe(actual))"] }
            if e.count != a.count {
                return ["\(path): expected \(e.count) elements, got \(a.count): \(describe(a))"]
            }
            return zip(e, a).enumerated().flatMap { i, pair in differences(pair.0, pair.1, at: "\(path)[\(i)]") }
        case is NSNull:
            return actual == nil || actual is NSNull ? [] : ["\(path): expected null, got \(describe(actual))"]
        default:
            let es = describe(expected), as_ = describe(actual)
            return es == as_ ? [] : ["\(path): expected \(es), got \(as_)"]
        }
    }

    static func describe(_ v: Any?) -> String {
        guard let v else { return "nothing" }
        if v is NSNull { return "null" }
        if let d = try? JSONSerialization.data(withJSONObject: [v], options: [.sortedKeys, .fragmentsAllowed]) {
            return String(String(decoding: d, as: UTF8.self).dropFirst().dropLast())
        }
        if let s = v as? String { return "\"\(s)\"" }
        return "\(v)"
    }
}

/// Every `Fixtures/graph/<case>.yaml` with a `<case>.expected.json` beside it: the report (without
/// findings) must match the expected fields exactly (ingress2gateway's input/output pairs).
@Suite struct GraphFixtureTests {
    static var cases: [String] {
        let dir = Fixtures.path("graph")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".expected.json") }.map { String($0.dropLast(".expected.json".count)) }.sorted()
    }

    @Test(arguments: cases)
    func fixture(_ name: String) throws {
        let expectedData = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("graph/\(name).expected.json")))
        let expected = try JSONSerialization.jsonObject(with: expectedData)
        var profile = ControllerProfile()
        if let e = expected as? [String: Any], let p = e["assumptions"] as? [String: Any] {
            ProfileFixture.apply(p, to: &profile)
        }
        let report = Fixtures.reportJSON(Fixtures.graph("graph/\(name).yaml", profile: profile))
        let diffs = Fixtures.differences(expected, report)
        #expect(diffs.isEmpty, Comment(rawValue: "\(name):\n" + diffs.prefix(20).joined(separator: "\n")))
    }
}

/// Lets a fixture's expected.json set profile fields through its `assumptions` object.
enum ProfileFixture {
    static func apply(_ a: [String: Any], to p: inout ControllerProfile) {
        if let t = a["traefik"] as? [String: Any] {
            if let v = t["tlsEntryPoints"] as? [String] { p.traefik.tlsEntryPoints = v }
            if let v = t["allowCrossNamespace"] as? Bool { p.traefik.allowCrossNamespace = v }
            if let v = t["allowExternalNameServices"] as? Bool { p.traefik.allowExternalNameServices = v }
            if let v = t["version"] as? String { p.traefik.version = v }
            if let v = t["ingressClass"] as? String { p.traefik.ingressClass = v }
            if let v = t["instances"] as? [[String: Any]] {
                p.traefik.instances = v.map { .init(name: $0["name"] as? String ?? "", ingressClass: $0["ingressClass"] as? String ?? "") }
            }
        }
        if let c = a["contour"] as? [String: Any] {
            if let v = c["rootNamespaces"] as? [String] { p.contour.rootNamespaces = v }
            if let v = c["ingressClass"] as? String { p.contour.ingressClass = v }
            if let v = c["enableExternalNameService"] as? Bool { p.contour.enableExternalNameService = v }
        }
        if let c = a["certManager"] as? [String: Any] {
            if let v = c["defaultIssuer"] as? String { p.certManager.defaultIssuer = v }
            if let v = c["gatewayAPI"] as? Bool { p.certManager.gatewayAPI = v }
        }
    }
}
