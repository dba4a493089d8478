// portolan-bench: measures the explorer on a large tree without a terminal (the in-memory backend).
// Usage: portolan-bench PATH [--keys N]
// Prints: load+analysis time, time to the first frame, and per-key re-render times (median, p99) for
// moving, typing a filter and drilling down.
import Foundation
import PortolanCore
import PortolanTUI

@main
enum Bench {
    static func ms(_ since: Date) -> Double { Date().timeIntervalSince(since) * 1000 }

    static func main() {
        let args = CommandLine.arguments.dropFirst()
        guard let path = args.first else { print("usage: portolan-bench PATH [--keys N]"); exit(2) }
        let keys = Int(args.dropFirst().last ?? "") ?? 300
        // As the explorer does (`portolan PATH`): large heap steps, temporaries freed after the first frame.
        Lifetime.growHeapInLargeSteps()
        Lifetime.deferUntilRelease()
        let t0 = Date()
        var analysis = AnalysisOptions()
        analysis.now = Date().timeIntervalSince1970
        let estate = GitOps.run(LoadOptions(paths: [path]), analysis: analysis)
        let loaded = ms(t0)
        let model = ExplorerModel(estate)
        let modelBuilt = ms(t0)
        var state = AppState(theme: Theme(mode: .palette256, symbols: .unicode), size: Size(width: 200, height: 60), model: model)
        let backend = TestBackend(width: 200, height: 60)
        let terminal = Terminal(backend)
        terminal.draw { Screen.render(state, into: &$0) }
        let firstFrame = ms(t0)
        Lifetime.releaseDeferred()

        func measure(_ name: String, _ events: [KeyEvent]) {
            var times: [Double] = []
            for e in events {
                let t = Date()
                state = Reducer.reduce(state, e).0
                terminal.draw { Screen.render(state, into: &$0) }
                times.append(ms(t))
            }
            times.sort()
            let median = times[times.count / 2], p99 = times[min(times.count - 1, times.count * 99 / 100)]
            print(String(format: "%-28@ %5d keys  median %6.2f ms  p99 %6.2f ms", name as NSString, times.count, median, p99))
        }
        print(String(format: "routes %d, hosts %d; load and analysis %.0f ms; explorer model at %.0f ms; first frame at %.0f ms",
                     estate.graph.routes.count, estate.graph.hosts.count, loaded, modelBuilt, firstFrame))
        state = Reducer.reduce(state, .char("2")).0   // the Routes view: the longest list
        measure("move (j)", Array(repeating: .char("j"), count: keys))
        measure("filter keystroke", KeyEvent.typing("/") + KeyEvent.typing(String(repeating: "app-0", count: max(1, keys / 10))))
        state = Reducer.reduce(state, .key(.escape)).0
        measure("drill down and back", (0..<max(1, keys / 2)).flatMap { _ in [KeyEvent.key(.enter), .key(.left)] })
    }
}
