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
        // The rules' findings come normalised (each rule task does its own, in parallel).
        var all = graph.processorFindings.map(normalized) + Rules.all(&ctx)
        Lifetime.discard(ctx)
        if !config.disabledRules.isEmpty { all = all.filter { !config.disabledRules.contains($0.rule) } }
        if !config.severities.isEmpty {
            for i in all.indices { if let s = config.severities[all[i].rule] { all[i].severity = s } }
        }
        Timings.mark("analysis: normalise \(all.count) findings")
        let ignores = suppressions(graph.store)
        if !ignores.isEmpty {
            all = all.filter { f in !f.resources.contains { ignores[$0]?.contains(f.rule) == true } }
        }
        Timings.mark("analysis: suppressions")
        // Sort positions, not the findings themselves (large values), files compared once as ranks.
        let files = all.map { $0.source?.file ?? "" }
        let distinct = Array(Set(files)).sorted()
        var rankOf: [String: Int] = [:]
        rankOf.reserveCapacity(distinct.count)
        for (i, f) in distinct.enumerated() { rankOf[f] = i }
        let rank = files.map { rankOf[$0]! }
        let order = all.indices.sorted { i, j in
            if rank[i] != rank[j] { return rank[i] < rank[j] }
            return all.withUnsafeBufferPointer { Finding.ordered($0[i], $0[j]) }
        }
        Timings.mark("analysis: sort")
        // Drop repeats: equal findings have the same position, so after sorting they fall in the same
        // run of findings at one file and line (a few at most), and comparing within the run is enough.
        var out: [Finding] = []
        out.reserveCapacity(all.count)
        var run: [Int] = []
        var runKey = (-1, 0)
        for i in order {
            let key = (rank[i], all[i].source?.line ?? 0)
            if key != runKey { run.removeAll(keepingCapacity: true); runKey = key }
            if run.contains(where: { all[$0] == all[i] }) { continue }
            run.append(i)
            out.append(all[i])
        }
        Lifetime.discard(all)
        return out
    }

    /// A finding as reports show it: hosts and resources sorted, each once; the message with control
    /// characters made visible.
    static func normalized(_ f: Finding) -> Finding {
        var f = f
        f.hosts = sortedUnique(f.hosts)
        f.resources = sortedUnique(f.resources)
        f.message = TextSafety.visible(f.message)
        return f
    }

    /// The values sorted, each once (most lists have one element: no set is built for them).
    static func sortedUnique<T: Comparable & Hashable>(_ v: [T]) -> [T] {
        if v.count < 2 { return v }
        var sorted = v.sorted()
        var w = 1
        for i in 1..<sorted.count where sorted[i] != sorted[w - 1] { sorted[w] = sorted[i]; w += 1 }
        sorted.removeLast(sorted.count - w)
        return sorted
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
