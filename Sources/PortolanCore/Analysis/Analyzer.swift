import Foundation

/// Options that shape an analysis run.
public struct AnalysisOptions: Sendable {
    public var config = PortolanConfig()
    /// "Today" in seconds since 1970 (nil: the clock).
    public var now: Double? = nil
    public var profile: ControllerProfile {
        get { config.profile }
        set { config.profile = newValue }
    }
    public init() {}
}

/// Runs the pipeline after loading: graph, then findings, then configuration and suppressions.
public enum Analyzer {
    public static let ignoreAnnotation = "portolan.dev/ignore"

    public static func run(_ inputs: LoadedInputs, options: AnalysisOptions = AnalysisOptions()) -> Estate {
        let store = ResourceStore(inputs)
        Timings.mark("resource store")
        let graph = RouteGraph.build(store, profile: options.profile)
        let now = options.now ?? Date().timeIntervalSince1970
        let findings = analyze(graph, now: now, config: options.config)
        Timings.mark("analysis")
        return Estate(inputs: store.inputs, graph: graph, findings: findings, now: now, nowIsFixed: options.now != nil)
    }

    public static func analyze(_ graph: RouteGraph, now: Double, config: PortolanConfig) -> [Finding] {
        var ctx = RuleContext(graph: graph, now: now, expiryWarningDays: config.expiryWarningDays)
        var all = graph.processorFindings + Rules.all(&ctx)
        all = all.filter { !config.disabledRules.contains($0.rule) }
        for i in all.indices {
            if let s = config.severities[all[i].rule] { all[i].severity = s }
            all[i].hosts = Array(Set(all[i].hosts)).sorted()
            all[i].resources = Array(Set(all[i].resources)).sorted()
            all[i].message = TextSafety.visible(all[i].message)
        }
        let ignores = suppressions(graph.store)
        if !ignores.isEmpty {
            all = all.filter { f in !f.resources.contains { ignores[$0]?.contains(f.rule) == true } }
        }
        var seen = Set<Finding>()
        return all.sorted(by: Finding.ordered).filter { seen.insert($0).inserted }
    }

    /// `portolan.dev/ignore: "rule-id,rule-id: optional reason"` on any object.
    public static func suppressions(_ store: ResourceStore) -> [ObjectRef: Set<String>] {
        var out: [ObjectRef: Set<String>] = [:]
        for r in store.resources {
            guard let v = r.ignoreAnnotation else { continue }
            let ids = v.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            let rules = ids.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            out[r.ref, default: []].formUnion(rules)
        }
        return out
    }
}
