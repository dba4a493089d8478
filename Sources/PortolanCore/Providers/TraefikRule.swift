/// Traefik router rules (the `match` of IngressRoute and IngressRouteTCP routes).
///
/// Traefik hands a rule to `vulcand/predicate`, which parses it with Go's expression parser: matchers are
/// function calls whose arguments are Go string literals (backtick raw strings or double-quoted strings with
/// escapes), combined with `&&`, `||`, `!` and parentheses. This file re-implements that grammar (including
/// Go's automatic semicolon at a line break after `)`), builds an AST, checks it against the matcher tables
/// of the v2 and v3 syntax, and expands it into alternatives (disjunctive normal form) from which the route
/// graph takes hosts and paths.

/// Which matcher table a rule is checked against (`routes[].syntax`, or the Traefik version).
public enum TraefikRuleSyntax: String, Sendable, Hashable, CaseIterable {
    case v2, v3
}

/// HTTP routers (IngressRoute) and TCP routers (IngressRouteTCP) have different matchers.
public enum TraefikRuleLayer: String, Sendable, Hashable {
    case http, tcp
}

/// Every matcher of the v2 and v3 syntax, HTTP and TCP.
public enum TraefikMatcherKind: String, Sendable, Hashable, CaseIterable {
    case host = "Host"
    case hostHeader = "HostHeader"
    case hostRegexp = "HostRegexp"
    case hostSNI = "HostSNI"
    case hostSNIRegexp = "HostSNIRegexp"
    case path = "Path"
    case pathPrefix = "PathPrefix"
    case pathRegexp = "PathRegexp"
    case header = "Header"
    case headerRegexp = "HeaderRegexp"
    case headers = "Headers"
    case headersRegexp = "HeadersRegexp"
    case method = "Method"
    case query = "Query"
    case queryRegexp = "QueryRegexp"
    case clientIP = "ClientIP"
    case alpn = "ALPN"

    /// Matchers whose arguments are literal host names.
    public var isHostLiteral: Bool { self == .host || self == .hostHeader || self == .hostSNI }
    public var isHostRegexp: Bool { self == .hostRegexp || self == .hostSNIRegexp }
    public var isPath: Bool { self == .path || self == .pathPrefix || self == .pathRegexp }

    /// Traefik registers each matcher under its name, lower case, upper case and title case
    /// (`Host`, `host`, `HOST`; `PathPrefix`, `pathprefix`, `PATHPREFIX`, `Pathprefix`).
    static let spellings: [String: TraefikMatcherKind] = {
        var out: [String: TraefikMatcherKind] = [:]
        for k in allCases {
            let n = k.rawValue, lower = n.lowercased()
            out[n] = k
            out[lower] = k
            out[n.uppercased()] = k
            out[lower.prefix(1).uppercased() + lower.dropFirst()] = k
        }
        return out
    }()

    public static func named(_ name: String) -> TraefikMatcherKind? { spellings[name] }

    static func matchers(_ syntax: TraefikRuleSyntax, _ layer: TraefikRuleLayer) -> Set<TraefikMatcherKind> {
        switch (syntax, layer) {
        case (.v3, .http):
            return [.clientIP, .method, .host, .hostRegexp, .path, .pathRegexp, .pathPrefix, .header, .headerRegexp, .query, .queryRegexp]
        case (.v2, .http):
            return [.host, .hostHeader, .hostRegexp, .clientIP, .path, .pathPrefix, .method, .headers, .headersRegexp, .query]
        case (_, .tcp):
            return [.hostSNI, .hostSNIRegexp, .clientIP, .alpn]
        }
    }
}

/// One matcher call, e.g. ``Host(`a.com`)``.
public struct TraefikMatcher: Sendable, Hashable {
    public var kind: TraefikMatcherKind
    /// The name as written (`host`, `Host`...).
    public var name: String
    public var arguments: [String]
    /// 1-based offset (in characters) of the name inside the rule.
    public var offset: Int
    /// 1-based offsets of the arguments' opening quotes.
    public var argumentOffsets: [Int]

    public init(kind: TraefikMatcherKind, name: String? = nil, arguments: [String], offset: Int = 1, argumentOffsets: [Int] = []) {
        self.kind = kind; self.name = name ?? kind.rawValue; self.arguments = arguments
        self.offset = offset; self.argumentOffsets = argumentOffsets
    }

    /// Matchers are equal when their kind and arguments are (spelling and positions are ignored).
    public static func == (a: TraefikMatcher, b: TraefikMatcher) -> Bool { a.kind == b.kind && a.arguments == b.arguments }
    public func hash(into h: inout Hasher) { h.combine(kind); h.combine(arguments) }
}

/// The AST of a rule. `&&` and `||` chains are n-ary (`a && b && c` is one `.and` of three).
public indirect enum TraefikRuleExpr: Sendable, Hashable {
    case matcher(TraefikMatcher)
    case not(TraefikRuleExpr)
    case and([TraefikRuleExpr])
    case or([TraefikRuleExpr])

    /// Every matcher, in rule order.
    public var matchers: [TraefikMatcher] {
        var out: [TraefikMatcher] = []
        func walk(_ e: TraefikRuleExpr) {
            switch e {
            case .matcher(let m): out.append(m)
            case .not(let x): walk(x)
            case .and(let xs), .or(let xs): xs.forEach(walk)
            }
        }
        walk(self)
        return out
    }
}

/// Why a rule cannot be parsed: a 1-based offset (column) inside the rule and a message.
public struct TraefikRuleError: Error, Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var message: String
    public init(offset: Int, message: String) { self.offset = offset; self.message = message }
    public var description: String { "column \(offset): \(message)" }
}

/// Something Traefik rejects when it builds the router, although the rule parses (an unknown matcher
/// for the syntax, a wrong number of arguments, an empty value...).
public struct TraefikRuleIssue: Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var message: String
    public var description: String { "column \(offset): \(message)" }
}

/// A matcher of one alternative, possibly negated. For a path matcher with several (v2) arguments,
/// `argument` selects the one this alternative uses.
public struct TraefikRuleLiteral: Sendable, Hashable {
    public var matcher: TraefikMatcher
    public var argument: Int?
    public var negated: Bool

    public var values: [String] { argument.map { [matcher.arguments[$0]] } ?? matcher.arguments }

    public var rendered: String {
        let m = TraefikMatcher(kind: matcher.kind, arguments: values)
        return (negated ? "!" : "") + TraefikRule.render(.matcher(m))
    }
}

/// One alternative of a rule in disjunctive normal form: a conjunction of (possibly negated) matchers,
/// summarised as hosts and a path.
public struct TraefikRuleAlternative: Sendable, Hashable {
    /// Literal `Host`/`HostHeader`/`HostSNI` values that this alternative requires (lower-cased, trailing dot
    /// removed; several matchers are intersected). Empty: no literal host constraint.
    public var hosts: [String] = []
    /// `HostRegexp`/`HostSNIRegexp` values it requires (no literal host comes from them).
    public var hostRegexps: [String] = []
    /// Hosts of negated host matchers (`!Host(...)`): they yield no host.
    public var excludedHosts: [String] = []
    public var excludedHostRegexps: [String] = []
    /// The path of `Path` / `PathPrefix` / `PathRegexp`; `/` when there is none.
    public var path: String = "/"
    /// `Path`, `PathPrefix`, `PathRegexp`, or `Any` when no path matcher applies.
    public var pathType: String = "Any"
    /// Negated path matchers, rendered (``!PathPrefix(`/admin`)``).
    public var excludedPaths: [String] = []
    /// Other matchers (Method, Header, Query, ClientIP, ALPN...), rendered, `!` when negated.
    public var conditions: [String] = []
    /// Some matcher of this alternative is negated.
    public var negated: Bool = false
    /// False when the conjunction can never match (two different hosts or exact paths...).
    public var satisfiable: Bool = true
    /// Why it can never match.
    public var unsatisfiableReason: String? = nil
    /// The conjunction itself.
    public var literals: [TraefikRuleLiteral] = []

    /// Hosts for the route graph: the literal hosts, or `*` when the alternative names none (it matches every
    /// host, or only hosts described by a regexp).
    public var routeHosts: [String] { hosts.isEmpty ? ["*"] : hosts }
}

public struct TraefikRuleExpansion: Sendable {
    public var alternatives: [TraefikRuleAlternative]
    /// The expansion stopped at the limit. When the rule is too complex to expand at all (an internal work
    /// budget), `alternatives` is empty and `truncated` is true.
    public var truncated: Bool
    /// Number of alternatives of the full expansion, or nil when it exceeds the limit.
    public var total: Int?
}

public enum TraefikRule {
    /// Longest rule accepted (in UTF-8 bytes).
    public static let maxLength = 64 * 1024
    /// Most host arguments in one rule.
    public static let maxHosts = 10_000
    /// Most alternatives produced by `expand`.
    public static let maxAlternatives = 256
    /// Deepest nesting of parentheses and `!`.
    public static let maxDepth = 100

    // MARK: Parsing

    /// Parses a rule into its AST, or returns where and why it cannot be parsed.
    public static func parse(_ rule: String) -> Result<TraefikRuleExpr, TraefikRuleError> {
        if rule.utf8.count > maxLength {
            return .failure(TraefikRuleError(offset: 1,
                message: "the rule is \(rule.utf8.count) bytes long, over the limit of \(maxLength) bytes (64 KiB)"))
        }
        do {
            var lexer = Lexer(Array(rule.unicodeScalars))
            let tokens = lexer.tokens()
            var parser = Parser(tokens: tokens)
            return .success(try parser.parseRule())
        } catch {
            return .failure(error)
        }
    }

    // MARK: Rendering

    /// Renders an AST as a rule (canonical matcher names, backticks, minimal parentheses).
    /// `parse(render(e))` gives back `e`.
    public static func render(_ e: TraefikRuleExpr) -> String {
        switch e {
        case .matcher(let m):
            return m.kind.rawValue + "(" + m.arguments.map(quote).joined(separator: ", ") + ")"
        case .not(let x):
            switch x {
            case .and, .or: return "!(" + render(x) + ")"
            default: return "!" + render(x)
            }
        case .and(let xs):
            return xs.map { x -> String in
                switch x {
                case .and, .or: return "(" + render(x) + ")"
                default: return render(x)
                }
            }.joined(separator: " && ")
        case .or(let xs):
            return xs.map { x -> String in
                if case .or = x { return "(" + render(x) + ")" }
                return render(x)
            }.joined(separator: " || ")
        }
    }

    /// A Go string literal for a value: backticks when possible, else double quotes with escapes.
    public static func quote(_ s: String) -> String {
        if !s.contains("`") && !s.contains("\r") { return "`" + s + "`" }
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7f {
                    let hex = String(u.value, radix: 16)
                    out += "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    // MARK: Checking against Traefik's matcher tables

    /// What Traefik would reject when building a router from this rule with this syntax and layer.
    public static func check(_ e: TraefikRuleExpr, syntax: TraefikRuleSyntax, layer: TraefikRuleLayer) -> [TraefikRuleIssue] {
        var out: [TraefikRuleIssue] = []
        let allowed = TraefikMatcherKind.matchers(syntax, layer)
        let other: TraefikRuleSyntax = syntax == .v3 ? .v2 : .v3
        let otherLayer: TraefikRuleLayer = layer == .http ? .tcp : .http
        for m in e.matchers {
            let name = m.kind.rawValue
            if !allowed.contains(m.kind) {
                let msg: String
                if TraefikMatcherKind.matchers(other, layer).contains(m.kind) {
                    msg = syntax == .v3
                        ? "`\(name)` exists only in the v2 syntax; Traefik v3 rejects it unless the route sets `syntax: v2`"
                        : "`\(name)` does not exist in the v2 syntax"
                } else if TraefikMatcherKind.matchers(syntax, otherLayer).contains(m.kind)
                            || TraefikMatcherKind.matchers(other, otherLayer).contains(m.kind) {
                    msg = layer == .http
                        ? "`\(name)` is a TCP matcher; an HTTP router (IngressRoute) cannot use it"
                        : "`\(name)` is an HTTP matcher; a TCP router (IngressRouteTCP) uses HostSNI, HostSNIRegexp, ClientIP and ALPN"
                } else {
                    msg = "`\(name)` is not a \(syntax.rawValue) \(layer.rawValue == "http" ? "HTTP" : "TCP") matcher"
                }
                out.append(TraefikRuleIssue(offset: m.offset, message: msg))
                continue
            }
            let n = m.arguments.count
            if n == 0 {
                out.append(TraefikRuleIssue(offset: m.offset, message: "`\(name)` has no argument"))
                continue
            }
            if syntax == .v3 {
                let counts: [Int]
                switch m.kind {
                case .header, .headerRegexp: counts = [2]
                case .query, .queryRegexp: counts = [1, 2]
                default: counts = [1]
                }
                if !counts.contains(n) {
                    var msg = "`\(name)` takes \(counts == [2] ? "two arguments" : counts == [1] ? "one argument" : "one or two arguments") in the v3 syntax, got \(n)"
                    if counts == [1] {
                        msg += "; write `\(name)(a) || \(name)(b)`, or set `syntax: v2`"
                    }
                    out.append(TraefikRuleIssue(offset: m.offset, message: msg))
                }
            } else if (m.kind == .headers || m.kind == .headersRegexp) && n % 2 != 0 {
                out.append(TraefikRuleIssue(offset: m.offset, message: "`\(name)` takes key/value pairs, got \(n) arguments"))
            }
            for (i, a) in m.arguments.enumerated() {
                let at = i < m.argumentOffsets.count ? m.argumentOffsets[i] : m.offset
                if a.isEmpty {
                    out.append(TraefikRuleIssue(offset: at, message: "`\(name)` has an empty argument"))
                } else if (m.kind.isHostLiteral || m.kind.isHostRegexp) && !a.unicodeScalars.allSatisfy(\.isASCII) {
                    out.append(TraefikRuleIssue(offset: at, message: "`\(name)` value \"\(a)\" has non-ASCII characters, which Traefik refuses (use the punycode form)"))
                } else if syntax == .v3 && (m.kind == .path || m.kind == .pathPrefix) && !a.hasPrefix("/") {
                    out.append(TraefikRuleIssue(offset: at, message: "`\(name)` value \"\(a)\" does not start with `/`"))
                }
            }
        }
        return out
    }

    // MARK: Values

    /// Host name as Traefik compares it: lower-cased, without a trailing dot.
    public static func normalizeHost(_ s: String) -> String {
        var h = s.lowercased()
        if h.count > 1 && h.hasSuffix(".") { h.removeLast() }
        return h
    }

    /// Every literal `Host`/`HostHeader`/`HostSNI` value of a rule, negated or not (what Traefik's ACME
    /// `ParseDomains`/`ParseHostSNI` request certificates for), normalized, without `*`.
    public static func literalHosts(_ e: TraefikRuleExpr) -> [String] {
        var seen = Set<String>(), out: [String] = []
        for m in e.matchers where m.kind.isHostLiteral {
            for a in m.arguments {
                let h = normalizeHost(a)
                if h.isEmpty || h == "*" { continue }
                if seen.insert(h).inserted { out.append(h) }
            }
        }
        return out
    }

    // MARK: Expansion into alternatives

    /// Expands a rule into disjunctive normal form: `!` is pushed down to the matchers (De Morgan), `&&` is
    /// distributed over `||`, and a v2 path matcher with several arguments gives one alternative per path.
    /// At most `limit` alternatives are produced, in the order of the rule (first operand first).
    public static func expand(_ e: TraefikRuleExpr, limit: Int = maxAlternatives) -> TraefikRuleExpansion {
        var x = Expander(limit: max(1, limit))
        let r = x.dnf(e, negate: false)
        if x.budgetExceeded {
            // Partial conjunctions would be wider than the rule: give none rather than wrong ones.
            return TraefikRuleExpansion(alternatives: [], truncated: true, total: nil)
        }
        let alts = r.alts.map { summarize($0, pool: x.pool) }
        return TraefikRuleExpansion(alternatives: alts, truncated: r.total > r.alts.count, total: r.total > x.limit ? nil : r.total)
    }

    /// `pattern` (a host value, maybe `*.x` or `*`) matches `host`.
    static func hostPatternMatches(_ pattern: String, _ host: String) -> Bool {
        if pattern == host || pattern == "*" { return true }
        guard pattern.hasPrefix("*."), !host.hasPrefix("*"), let dot = host.firstIndex(of: ".") else { return false }
        return dot != host.startIndex && host[host.index(after: dot)...] == pattern.dropFirst(2)
    }

    fileprivate static func summarize(_ lits: [Lit], pool: [TraefikMatcher]) -> TraefikRuleAlternative {
        var a = TraefikRuleAlternative()
        var hostSets: [[String]] = []
        var exact: [String] = [], prefixes: [String] = [], regexps: [String] = []
        var excludedExact: [String] = [], excludedPrefixes: [String] = []
        for l in lits {
            let lit = TraefikRuleLiteral(matcher: pool[Int(l.matcher)], argument: l.argument < 0 ? nil : Int(l.argument), negated: l.negated)
            a.literals.append(lit)
            if lit.negated { a.negated = true }
            let kind = lit.matcher.kind
            let values = lit.values
            if kind.isHostLiteral {
                let hs = values.map(normalizeHost)
                if lit.negated {
                    a.excludedHosts += hs
                } else if !hs.contains("*") {
                    hostSets.append(hs)
                }
            } else if kind.isHostRegexp {
                if lit.negated { a.excludedHostRegexps += values } else { a.hostRegexps += values }
            } else if kind.isPath {
                if lit.negated {
                    a.excludedPaths.append(lit.rendered)
                    if kind == .path { excludedExact += values }
                    if kind == .pathPrefix { excludedPrefixes += values }
                } else {
                    switch kind {
                    case .path: exact += values
                    case .pathPrefix: prefixes += values
                    default: regexps += values
                    }
                }
            } else {
                a.conditions.append(lit.rendered)
            }
        }
        func unsatisfiable(_ why: String) {
            if a.satisfiable { a.satisfiable = false; a.unsatisfiableReason = why }
        }
        // Hosts: every positive host matcher must match, so their sets intersect.
        if var hosts = hostSets.first.map(ordered) {
            for s in hostSets.dropFirst() {
                let other = HostPatterns(s), mine = HostPatterns(hosts)
                hosts = ordered(hosts.filter(other.matches) + s.filter(mine.matches))
            }
            if hosts.isEmpty {
                unsatisfiable("its host matchers have no host in common")
            } else if !a.excludedHosts.isEmpty {
                let before = hosts
                let excluded = HostPatterns(a.excludedHosts)
                hosts.removeAll(where: excluded.matches)
                if hosts.isEmpty { unsatisfiable("it excludes every host it requires (\(before.joined(separator: ", ")))") }
            }
            a.hosts = hosts
        }
        a.excludedHosts = ordered(a.excludedHosts)
        // Path: an exact path wins over prefixes, the longest prefix over shorter ones, a regexp comes last.
        if let p = exact.first {
            a.path = p; a.pathType = "Path"
            if Set(exact).count > 1 { unsatisfiable("it requires two different exact paths") }
            if let q = prefixes.first(where: { !p.hasPrefix($0) }) { unsatisfiable("the exact path \(p) does not start with \(q)") }
        } else if !prefixes.isEmpty {
            let longest = prefixes.max { $0.count < $1.count }!
            a.path = prefixes.first { $0.count == longest.count }!
            a.pathType = "PathPrefix"
            if let q = prefixes.first(where: { !a.path.hasPrefix($0) }) { unsatisfiable("the path prefixes \(a.path) and \(q) exclude each other") }
        } else if let r = regexps.first {
            a.path = r; a.pathType = "PathRegexp"
        }
        if a.pathType == "Path" || a.pathType == "PathPrefix" {
            if a.pathType == "Path" && excludedExact.contains(a.path) { unsatisfiable("it excludes its own path \(a.path)") }
            if let q = excludedPrefixes.first(where: { a.path.hasPrefix($0) }) { unsatisfiable("it excludes the prefix \(q) of its own path") }
        }
        return a
    }

    /// A set of host values (names, `*.x` wildcards, `*`) that answers "does one of them match this host" without
    /// scanning every name.
    struct HostPatterns {
        let exact: Set<String>
        let wildcards: [String]
        init(_ values: [String]) {
            exact = Set(values)
            wildcards = values.filter { $0 == "*" || $0.hasPrefix("*.") }
        }
        func matches(_ host: String) -> Bool {
            exact.contains(host) || wildcards.contains { TraefikRule.hostPatternMatches($0, host) }
        }
    }

    static func ordered(_ xs: [String]) -> [String] {
        var seen = Set<String>()
        return xs.filter { seen.insert($0).inserted }
    }
}

// MARK: - Lexer

private enum TokenKind: Equatable {
    case ident(String)
    case string(String)
    case number(String)
    case lparen, rparen, comma
    case and, or, not
    /// Go's automatic semicolon at a line break after an identifier, a literal or `)`.
    case semicolon
    case eof
    /// Where the lexer gave up; the parser reports it when it reaches it.
    case error(String)

    var display: String {
        switch self {
        case .ident(let s): return "`\(s)`"
        case .string: return "a string"
        case .number(let s): return "the number \(s)"
        case .lparen: return "`(`"
        case .rparen: return "`)`"
        case .comma: return "`,`"
        case .and: return "`&&`"
        case .or: return "`||`"
        case .not: return "`!`"
        case .semicolon: return "a line break"
        case .eof: return "the end of the rule"
        case .error(let m): return m
        }
    }
}

private struct Token {
    var kind: TokenKind
    /// 1-based offset in characters (Unicode scalars).
    var offset: Int
}

private struct Lexer {
    let s: [Unicode.Scalar]
    var i = 0
    var out: [Token] = []
    var insertSemicolon = false

    init(_ s: [Unicode.Scalar]) { self.s = s }

    func fail(_ at: Int, _ message: String) -> TraefikRuleError { TraefikRuleError(offset: at + 1, message: message) }

    static func isLetter(_ u: Unicode.Scalar) -> Bool {
        (u >= "a" && u <= "z") || (u >= "A" && u <= "Z") || u == "_" || (u.value > 0x7f && u.properties.isAlphabetic)
    }
    static func isDigit(_ u: Unicode.Scalar) -> Bool { u >= "0" && u <= "9" }

    mutating func emit(_ k: TokenKind, _ at: Int) {
        out.append(Token(kind: k, offset: at + 1))
        switch k {
        case .ident, .string, .number, .rparen: insertSemicolon = true
        default: insertSemicolon = false
        }
    }

    mutating func newline(_ at: Int) {
        if insertSemicolon { emit(.semicolon, at) }
    }

    /// The tokens, ending with `.eof`; a lexical error becomes an `.error` token so that a parse error
    /// before it (an unquoted value...) is reported first.
    mutating func tokens() -> [Token] {
        do {
            try scan()
        } catch {
            out.append(Token(kind: .error(error.message), offset: error.offset))
        }
        out.append(Token(kind: .eof, offset: s.count + 1))
        return out
    }

    mutating func scan() throws(TraefikRuleError) {
        while i < s.count {
            let c = s[i]
            switch c {
            case " ", "\t", "\r":
                i += 1
            case "\n":
                newline(i); i += 1
            case "/":
                if i + 1 < s.count && s[i + 1] == "/" {
                    while i < s.count && s[i] != "\n" { i += 1 }
                } else if i + 1 < s.count && s[i + 1] == "*" {
                    let start = i
                    i += 2
                    var sawNewline = false
                    while i < s.count && !(s[i] == "*" && i + 1 < s.count && s[i + 1] == "/") {
                        if s[i] == "\n" { sawNewline = true }
                        i += 1
                    }
                    if i >= s.count { throw fail(start, "comment not terminated (missing `*/`)") }
                    i += 2
                    if sawNewline { newline(start) }
                } else {
                    throw fail(i, "unexpected `/` (operators other than `&&`, `||` and `!` are not supported)")
                }
            case "(": emit(.lparen, i); i += 1
            case ")": emit(.rparen, i); i += 1
            case ",": emit(.comma, i); i += 1
            case "&":
                guard i + 1 < s.count, s[i + 1] == "&" else { throw fail(i, "expected `&&`, found a single `&`") }
                emit(.and, i); i += 2
            case "|":
                guard i + 1 < s.count, s[i + 1] == "|" else { throw fail(i, "expected `||`, found a single `|`") }
                emit(.or, i); i += 2
            case "!":
                if i + 1 < s.count && s[i + 1] == "=" { throw fail(i, "unexpected `!=` (only `&&`, `||` and `!` are supported)") }
                emit(.not, i); i += 1
            case "`":
                try rawString()
            case "\"":
                try interpretedString()
            case "'":
                throw fail(i, "single quotes are not valid in Traefik rules; quote values with backticks or double quotes")
            default:
                if Lexer.isLetter(c) {
                    let start = i
                    while i < s.count && (Lexer.isLetter(s[i]) || Lexer.isDigit(s[i]) || (s[i].value > 0x7f && s[i].properties.numericType != nil)) { i += 1 }
                    var name = String.UnicodeScalarView()
                    name.append(contentsOf: s[start..<i])
                    emit(.ident(String(name)), start)
                } else if Lexer.isDigit(c) {
                    let start = i
                    while i < s.count && (Lexer.isDigit(s[i]) || Lexer.isLetter(s[i]) || s[i] == ".") { i += 1 }
                    var text = String.UnicodeScalarView()
                    text.append(contentsOf: s[start..<i])
                    emit(.number(String(text)), start)
                } else if "=<>+-*%^~.:;[]{}?#$@".unicodeScalars.contains(c) {
                    throw fail(i, "unexpected `\(Character(c))` (only matchers, `&&`, `||`, `!` and parentheses are allowed)")
                } else {
                    let hex = String(c.value, radix: 16, uppercase: true)
                    let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                    let shown = c.properties.generalCategory == .control || c.properties.isWhitespace ? code : "`\(Character(c))` (\(code))"
                    throw fail(i, "unexpected character \(shown)")
                }
            }
        }
    }

    /// A Go raw string: everything up to the next backtick; carriage returns are dropped.
    mutating func rawString() throws(TraefikRuleError) {
        let start = i
        i += 1
        var v = String.UnicodeScalarView()
        while i < s.count && s[i] != "`" {
            if s[i] != "\r" { v.append(s[i]) }
            i += 1
        }
        if i >= s.count { throw fail(start, "string not terminated (missing closing backtick)") }
        i += 1
        emit(.string(String(v)), start)
    }

    /// A Go interpreted string: `\a \b \f \n \r \t \v \\ \"`, octal `\NNN`, `\xHH` (bytes), `\uHHHH`, `\UHHHHHHHH`.
    mutating func interpretedString() throws(TraefikRuleError) {
        let start = i
        i += 1
        var bytes: [UInt8] = []
        func append(_ u: Unicode.Scalar) { bytes.append(contentsOf: Array(String(Character(u)).utf8)) }
        func hexValue(_ u: Unicode.Scalar) -> UInt32? {
            switch u {
            case "0"..."9": return u.value - 48
            case "a"..."f": return u.value - 87
            case "A"..."F": return u.value - 55
            default: return nil
            }
        }
        while true {
            guard i < s.count else { throw fail(start, "string not terminated (missing closing double quote)") }
            let c = s[i]
            if c == "\"" { i += 1; break }
            if c == "\n" { throw fail(i, "line break inside a double-quoted string") }
            if c != "\\" { append(c); i += 1; continue }
            let esc = i
            guard i + 1 < s.count else { throw fail(start, "string not terminated (missing closing double quote)") }
            let e = s[i + 1]
            i += 2
            switch e {
            case "a": bytes.append(7)
            case "b": bytes.append(8)
            case "f": bytes.append(12)
            case "n": bytes.append(10)
            case "r": bytes.append(13)
            case "t": bytes.append(9)
            case "v": bytes.append(11)
            case "\\": bytes.append(92)
            case "\"": bytes.append(34)
            case "0"..."7":
                var v: UInt32 = e.value - 48
                for _ in 0..<2 {
                    guard i < s.count, s[i] >= "0", s[i] <= "7" else { throw fail(esc, "octal escape needs three digits") }
                    v = v * 8 + s[i].value - 48
                    i += 1
                }
                guard v <= 255 else { throw fail(esc, "octal escape value \(v) is over 255") }
                bytes.append(UInt8(v))
            case "x", "u", "U":
                let n = e == "x" ? 2 : e == "u" ? 4 : 8
                var v: UInt32 = 0
                for _ in 0..<n {
                    guard i < s.count, let d = hexValue(s[i]) else { throw fail(esc, "`\\\(Character(e))` escape needs \(n) hexadecimal digits") }
                    v = v * 16 + d
                    i += 1
                }
                if e == "x" {
                    bytes.append(UInt8(v))
                } else {
                    guard let u = Unicode.Scalar(v) else { throw fail(esc, "escape \\\(Character(e)) names an invalid Unicode code point") }
                    append(u)
                }
            default:
                throw fail(esc, "unknown escape sequence `\\\(Character(e))` in a double-quoted string")
            }
        }
        emit(.string(String(decoding: bytes, as: UTF8.self)), start)
    }
}

// MARK: - Parser

private struct Parser {
    let tokens: [Token]
    var p = 0
    var hostCount = 0

    init(tokens: [Token]) { self.tokens = tokens }

    var tok: Token { tokens[p] }

    /// Moves to the next token; reaching a lexical error throws it.
    mutating func advance() throws(TraefikRuleError) {
        if p < tokens.count - 1 { p += 1 }
        try checkLexical()
    }

    func checkLexical() throws(TraefikRuleError) {
        if case .error(let m) = tokens[p].kind { throw TraefikRuleError(offset: tokens[p].offset, message: m) }
    }

    func fail(_ t: Token, _ message: String) -> TraefikRuleError { TraefikRuleError(offset: t.offset, message: message) }

    func unexpected(_ t: Token, expected: String) -> TraefikRuleError {
        if t.kind == .semicolon {
            return fail(t, "a line break after a value or `)` ends the expression (Go inserts a semicolon there); expected \(expected): keep it on one line or put the operator or comma before the line break")
        }
        return fail(t, "expected \(expected), found \(t.kind.display)")
    }

    mutating func parseRule() throws(TraefikRuleError) -> TraefikRuleExpr {
        try checkLexical()
        if tok.kind == .eof {
            throw TraefikRuleError(offset: 1, message: "the rule is empty")
        }
        let e = try parseOr(depth: 0)
        // A line break at the very end is fine (Go's ParseExpr accepts the inserted semicolon).
        if tok.kind == .semicolon && tokens[p + 1].kind == .eof { try advance() }
        guard tok.kind == .eof else {
            if tok.kind == .semicolon {
                let next = tokens[p + 1]
                throw fail(next, "a line break after `)` ends the rule (Go inserts a semicolon there), so \(next.kind.display) is left over: put `&&` or `||` at the end of the line, not at the start of the next")
            }
            switch tok.kind {
            case .ident, .not, .lparen:
                throw fail(tok, "expected `&&` or `||` before \(tok.kind.display)")
            default:
                throw fail(tok, "unexpected \(tok.kind.display) after the end of the expression")
            }
        }
        return e
    }

    mutating func parseOr(depth: Int) throws(TraefikRuleError) -> TraefikRuleExpr {
        var terms = [try parseAnd(depth: depth)]
        while tok.kind == .or {
            try advance()
            terms.append(try parseAnd(depth: depth))
        }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    mutating func parseAnd(depth: Int) throws(TraefikRuleError) -> TraefikRuleExpr {
        var terms = [try parseUnary(depth: depth)]
        while tok.kind == .and {
            try advance()
            terms.append(try parseUnary(depth: depth))
        }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    mutating func parseUnary(depth: Int) throws(TraefikRuleError) -> TraefikRuleExpr {
        if tok.kind == .not {
            guard depth < TraefikRule.maxDepth else {
                throw fail(tok, "nesting deeper than \(TraefikRule.maxDepth) levels of `!` and parentheses (limit)")
            }
            try advance()
            return .not(try parseUnary(depth: depth + 1))
        }
        return try parsePrimary(depth: depth)
    }

    mutating func parsePrimary(depth: Int) throws(TraefikRuleError) -> TraefikRuleExpr {
        let t = tok
        switch t.kind {
        case .lparen:
            guard depth < TraefikRule.maxDepth else {
                throw fail(t, "nesting deeper than \(TraefikRule.maxDepth) levels of `!` and parentheses (limit)")
            }
            try advance()
            let e = try parseOr(depth: depth + 1)
            guard tok.kind == .rparen else { throw unexpected(tok, expected: "`)` to close the `(` at column \(t.offset)") }
            try advance()
            return e
        case .ident(let name):
            guard let kind = TraefikMatcherKind.named(name) else {
                let lower = name.lowercased()
                if let k = TraefikMatcherKind.allCases.first(where: { $0.rawValue.lowercased() == lower }) {
                    throw fail(t, "unknown matcher `\(name)`: Traefik accepts `\(k.rawValue)`, `\(lower)` or `\(k.rawValue.uppercased())`")
                }
                throw fail(t, "unknown matcher `\(name)`")
            }
            try advance()
            guard tok.kind == .lparen else { throw unexpected(tok, expected: "`(` after `\(name)`") }
            try advance()
            var args: [String] = [], offsets: [Int] = []
            while tok.kind != .rparen {
                guard case .string(let v) = tok.kind else {
                    if case .number = tok.kind {
                        throw fail(tok, "matcher arguments are strings: quote the value with backticks")
                    }
                    if case .ident = tok.kind {
                        throw fail(tok, "matcher arguments are strings: quote the value with backticks")
                    }
                    throw unexpected(tok, expected: "a value in backticks or double quotes")
                }
                args.append(v)
                offsets.append(tok.offset)
                if kind.isHostLiteral {
                    hostCount += 1
                    if hostCount > TraefikRule.maxHosts {
                        throw fail(tok, "more than \(TraefikRule.maxHosts) hosts in one rule (limit)")
                    }
                }
                try advance()
                if tok.kind == .comma {
                    try advance()
                } else if tok.kind != .rparen {
                    throw unexpected(tok, expected: "`,` or `)` after an argument of `\(name)`")
                }
            }
            try advance()
            return .matcher(TraefikMatcher(kind: kind, name: name, arguments: args, offset: t.offset, argumentOffsets: offsets))
        case .string:
            throw fail(t, "a value must be the argument of a matcher, e.g. Host(`example.com`)")
        case .eof:
            throw fail(t, "the rule ends where a matcher was expected")
        default:
            throw unexpected(t, expected: "a matcher, `!` or `(`")
        }
    }
}

// MARK: - DNF expansion

/// A literal of the expansion: an index into the matcher pool, the selected argument (-1: all), negation.
fileprivate struct Lit: Hashable {
    var matcher: Int32
    var argument: Int32
    var negated: Bool
}

private struct Expander {
    let limit: Int
    var pool: [TraefikMatcher] = []
    /// Literal copies allowed in total: guards against adversarial rules.
    var budget = 4_000_000
    var budgetExceeded = false

    init(limit: Int) { self.limit = limit }

    struct Result {
        var alts: [[Lit]]
        /// Size of the full expansion, saturated at limit + 1.
        var total: Int
    }

    func saturate(_ n: Int) -> Int { min(n, limit + 1) }

    mutating func dnf(_ e: TraefikRuleExpr, negate: Bool) -> Result {
        switch e {
        case .matcher(let m):
            let idx = Int32(pool.count)
            pool.append(m)
            if m.kind.isPath && m.arguments.count > 1 {
                if negate {
                    // !(a || b) = !a && !b
                    return Result(alts: [m.arguments.indices.map { Lit(matcher: idx, argument: Int32($0), negated: true) }], total: 1)
                }
                let alts = m.arguments.indices.prefix(limit).map { [Lit(matcher: idx, argument: Int32($0), negated: false)] }
                return Result(alts: Array(alts), total: saturate(m.arguments.count))
            }
            return Result(alts: [[Lit(matcher: idx, argument: -1, negated: negate)]], total: 1)
        case .not(let x):
            return dnf(x, negate: !negate)
        case .and(let xs):
            return negate ? disjunction(xs, negate: true) : conjunction(xs, negate: false)
        case .or(let xs):
            return negate ? conjunction(xs, negate: true) : disjunction(xs, negate: false)
        }
    }

    mutating func disjunction(_ xs: [TraefikRuleExpr], negate: Bool) -> Result {
        var out: [[Lit]] = []
        var total = 0
        for x in xs {
            let r = dnf(x, negate: negate)
            total = saturate(total + r.total)
            for a in r.alts where out.count < limit { out.append(a) }
        }
        return Result(alts: out, total: total)
    }

    mutating func conjunction(_ xs: [TraefikRuleExpr], negate: Bool) -> Result {
        // Children, with runs of single-alternative children merged so that long `&&` chains stay linear.
        var parts: [Result] = []
        for x in xs {
            let r = dnf(x, negate: negate)
            if r.alts.count == 1, r.total == 1, let last = parts.last, last.alts.count == 1, last.total == 1 {
                parts[parts.count - 1].alts[0].append(contentsOf: r.alts[0])
            } else {
                parts.append(r)
            }
        }
        var total = 1
        for r in parts { total = saturate(total * r.total) }
        // Only the last parts vary within the first `limit` alternatives; the earlier ones stay at their first.
        var k = parts.count, product = 1
        while k > 0 && product < limit {
            product = saturate(product * parts[k - 1].alts.count)
            k -= 1
        }
        var base: [Lit] = []
        for r in parts[0..<k] { base.append(contentsOf: r.alts[0]) }
        var result: [[Lit]] = [base]
        for r in parts[k...] {
            var next: [[Lit]] = []
            next.reserveCapacity(min(limit, result.count * r.alts.count))
            outer: for a in result {
                for c in r.alts {
                    budget -= a.count + c.count
                    if budget < 0 { budgetExceeded = true; break outer }
                    next.append(a + c)
                    if next.count >= limit { break outer }
                }
            }
            if next.isEmpty { break }
            result = next
            if budgetExceeded { break }
        }
        return Result(alts: result, total: total)
    }
}
