/// Everything the views (TUI screens, report formats) read: inputs, graph and findings.
public struct Estate: Sendable {
    public var inputs: LoadedInputs
    public var graph: RouteGraph
    public var findings: [Finding]
    /// "Today" (seconds since 1970), fixed by `--now` or the clock.
    public var now: Double
    /// Whether `now` was given explicitly (reports print a timestamp only then).
    public var nowIsFixed: Bool
    /// GitOps environments, each analysed on its own; empty for a plain tree (or a single environment).
    /// When present, `graph` and `findings` combine them, with ids and host names qualified
    /// (`prod:shop.example.com`, `prod:traefik/IngressRoute/...`).
    public var environments: [EnvironmentEstate] = []

    public init(inputs: LoadedInputs, graph: RouteGraph, findings: [Finding], now: Double, nowIsFixed: Bool) {
        self.inputs = inputs; self.graph = graph; self.findings = findings; self.now = now; self.nowIsFixed = nowIsFixed
    }

    public var isMultiEnvironment: Bool { !environments.isEmpty }

    /// Every problem: load problems and graph problems, sorted.
    public var problems: [Problem] { (inputs.problems + graph.problems).sorted() }
}

/// One environment's own estate (names and ids as in a plain tree).
public struct EnvironmentEstate: Sendable {
    public var environment: Environment
    public var estate: Estate
    public var name: String { environment.name }
    public init(environment: Environment, estate: Estate) { self.environment = environment; self.estate = estate }
}
