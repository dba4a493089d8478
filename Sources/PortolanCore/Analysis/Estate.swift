/// Everything the views (TUI screens, report formats) read: inputs, graph and findings.
public struct Estate: Sendable {
    public var inputs: LoadedInputs
    public var graph: RouteGraph
    public var findings: [Finding]
    /// "Today" (seconds since 1970), fixed by `--now` or the clock.
    public var now: Double
    /// Whether `now` was given explicitly (reports print a timestamp only then).
    public var nowIsFixed: Bool

    public init(inputs: LoadedInputs, graph: RouteGraph, findings: [Finding], now: Double, nowIsFixed: Bool) {
        self.inputs = inputs; self.graph = graph; self.findings = findings; self.now = now; self.nowIsFixed = nowIsFixed
    }

    /// Every problem: load problems and graph problems, sorted.
    public var problems: [Problem] { (inputs.problems + graph.problems).sorted() }
}
