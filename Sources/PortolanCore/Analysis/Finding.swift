public enum Severity: String, Sendable, CaseIterable, Hashable, Comparable {
    case error, warning, info

    /// error > warning > info
    public var rank: Int {
        switch self { case .error: return 3; case .warning: return 2; case .info: return 1 }
    }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// One reported issue: a rule that fired on some object, with where it happened.
public struct Finding: Sendable, Hashable {
    public var rule: String
    public var severity: Severity
    /// One line naming the host and resource.
    public var message: String
    /// Every host routed through the object at fault (empty when no host is concerned).
    public var hosts: [String]
    /// The objects concerned.
    public var resources: [ObjectRef]
    /// The field at fault.
    public var source: SourceLocation?
    /// Route ids concerned (for highlighting in views).
    public var routes: [String]
    /// Certificate ids concerned.
    public var certificates: [String]
    /// The GitOps environment (only in a view that combines several).
    public var environment: String? = nil

    public init(rule: String, severity: Severity, message: String, hosts: [String] = [], resources: [ObjectRef] = [],
                source: SourceLocation? = nil, routes: [String] = [], certificates: [String] = []) {
        self.rule = rule; self.severity = severity; self.message = message; self.hosts = hosts
        self.resources = resources; self.source = source; self.routes = routes; self.certificates = certificates
    }

    /// Sorting: by file and line, then rule, then message.
    public static func ordered(_ a: Finding, _ b: Finding) -> Bool {
        let fa = a.source?.file ?? "", fb = b.source?.file ?? ""
        if fa != fb { return fa < fb }
        let la = a.source?.line ?? 0, lb = b.source?.line ?? 0
        if la != lb { return la < lb }
        if a.rule != b.rule { return a.rule < b.rule }
        if a.message != b.message { return a.message < b.message }
        return a.hosts.lexicographicallyPrecedes(b.hosts)
    }
}
