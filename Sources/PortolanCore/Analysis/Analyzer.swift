import Foundation

/// Options that shape an analysis run.
public struct AnalysisOptions: Sendable {
    public var profile = ControllerProfile()
    /// "Today" in seconds since 1970 (nil: the clock).
    public var now: Double? = nil
    public init() {}
}

/// Runs the pipeline after loading: graph, then findings.
public enum Analyzer {
    public static func run(_ inputs: LoadedInputs, options: AnalysisOptions = AnalysisOptions()) -> Estate {
        let store = ResourceStore(inputs)
        let graph = RouteGraph.build(store, profile: options.profile)
        let findings = graph.processorFindings.sorted(by: Finding.ordered)
        return Estate(inputs: inputs, graph: graph, findings: findings,
                      now: options.now ?? Date().timeIntervalSince1970, nowIsFixed: options.now != nil)
    }
}
