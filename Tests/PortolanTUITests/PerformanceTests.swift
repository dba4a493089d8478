import Foundation
import Testing
@testable import PortolanCore
@testable import PortolanTUI

/// 50,000 routes: a key press re-renders in well under a frame because only visible rows are built.
@Suite struct PerformanceTests {
    static func bigEstate(routes n: Int) -> Estate {
        var resources: [Resource] = []
        resources.reserveCapacity(n)
        for i in 0..<n {
            resources.append(Resource(apiVersion: "networking.k8s.io/v1", group: "networking.k8s.io", version: "v1", kind: "Ingress",
                                      namespace: "ns\(i % 100)", name: "app\(i)", source: SourceLocation(file: "big.yaml", line: i * 20 + 1),
                                      document: i, item: -1, node: nil, secret: nil))
        }
        let inputs = LoadedInputs(paths: ["big.yaml"], files: [], resources: resources, problems: [], documents: n,
                                  notKubernetes: 0, unreadablePaths: [])
        let b = GraphBuilder(store: ResourceStore(inputs), profile: ControllerProfile())
        for (i, r) in resources.enumerated() {
            let backend = PortolanCore.Backend(namespace: r.namespace, name: "svc\(i % 500)", port: "80", source: r.source)
            b.add(Route(provider: i % 3 == 0 ? .traefik : .ingress, resource: r, ruleIndex: 0, matchIndex: 0,
                        hosts: ["host\(i / 5).example.com"], path: "/p\(i % 5)", pathType: "Prefix", match: "", tls: .off,
                        backends: [backend], controllers: [i % 3 == 0 ? "traefik" : "nginx"], matchSource: r.source))
        }
        return Estate(inputs: inputs, graph: b.finish(), findings: [], now: 0, nowIsFixed: true)
    }

    static func millis(_ f: () -> Void) -> Double {
        let t = DispatchTime.now().uptimeNanoseconds
        f()
        return Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6
    }

    @Test func keyPressWith50000Routes() {
        let estate = Self.bigEstate(routes: 50_000)
        var model: ExplorerModel!
        let build = Self.millis { model = ExplorerModel(estate) }
        var s = AppState(theme: Fixture.theme256, size: Size(width: 200, height: 60), model: model)
        s = s.after(.char("2"))
        #expect(s.list.rows.count == 50_000)
        var buf = Buffer(size: s.size)
        Screen.render(s, into: &buf)
        var times: [Double] = []
        for key in [KeyEvent.down, .down, .key(.pageDown), .key(.end), .up, .key(.home), .down, .down, .key(.pageDown), .up] {
            times.append(Self.millis {
                s = Reducer.reduce(s, key).0
                buf.reset()
                Screen.render(s, into: &buf)
            })
        }
        times.sort()
        let median = times[times.count / 2]
        let filter = Self.millis { s = s.typing("/host4") }
        print("50,000 routes: model \(Int(build)) ms; key press median \(String(format: "%.1f", median)) ms, max \(String(format: "%.1f", times.last!)) ms; filter of 6 keys \(Int(filter)) ms")
        #expect(s.list.rows.count == 5 * 1_111)
        // A frame is 16 ms; this is a debug build, on a shared machine.
        #expect(median < 16)
    }
}
