import Foundation

/// Path, host and regular-expression matching as each controller does it (kinds.md §2.2, §3.4, §4.2, §5.4).
public enum PathMatching {
    /// Ingress `Prefix` and Gateway API `PathPrefix`: element by element on `/`, trailing slashes ignored.
    /// `/foo/bar` matches `/foo/bar` and `/foo/bar/baz`, not `/foo/barbaz`.
    public static func elementPrefix(_ prefix: String, _ path: String) -> Bool {
        var p = prefix
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        if p.isEmpty || p == "/" { return true }
        if path == p { return true }
        return path.hasPrefix(p + "/")
    }

    /// Traefik `PathPrefix`, Contour HTTPProxy `prefix` and nginx prefix locations: character by character,
    /// so `/products` matches `/products-for-sale`.
    public static func stringPrefix(_ prefix: String, _ path: String) -> Bool {
        prefix.isEmpty || path.hasPrefix(prefix)
    }

    /// Contour reads an Ingress ImplementationSpecific path as a regular expression when it has one of `^+*[]%`.
    public static func contourLooksLikeRegex(_ path: String) -> Bool {
        path.contains { "^+*[]%".contains($0) }
    }
}

/// How a regular expression is applied.
public enum RegexMode: Sendable {
    /// The whole subject must match (Envoy's `safe_regex`: Contour, most Gateway API implementations).
    case full
    /// A match anywhere (Go's `MatchString`: Traefik `PathRegexp`, v3 `HostRegexp`).
    case search
    /// Anchored at the start (nginx `location ~*`, ingress-nginx prefixes `^`).
    case prefix
}

public enum RegexMatching {
    /// Longest pattern tried; longer ones are reported as not evaluated.
    public static let maxPatternLength = 4096

    /// nil when the pattern cannot be compiled (the caller says so instead of guessing).
    public static func matches(_ pattern: String, _ subject: String, mode: RegexMode, caseInsensitive: Bool = false) -> Bool? {
        guard pattern.utf8.count <= maxPatternLength else { return nil }
        // Go's named groups `(?P<name>` are `(?<name>` in ICU.
        var p = pattern.replacingOccurrences(of: "(?P<", with: "(?<")
        switch mode {
        case .full: p = "^(?:" + p + ")$"
        case .prefix: p = "^(?:" + p + ")"
        case .search: break
        }
        guard let re = try? NSRegularExpression(pattern: p, options: caseInsensitive ? [.caseInsensitive] : []) else { return nil }
        let range = NSRange(subject.startIndex..<subject.endIndex, in: subject)
        return re.firstMatch(in: subject, options: [], range: range) != nil
    }

    /// Traefik v2 templates (`{id:[0-9]+}`, `{name}`) as a regular expression anchored at both ends
    /// (or only at the start, for a prefix).
    public static func traefikTemplate(_ template: String, prefix: Bool) -> String {
        var out = "^"
        var i = template.startIndex
        while i < template.endIndex {
            let c = template[i]
            if c == "{", let close = template[i...].firstIndex(of: "}") {
                let inner = template[template.index(after: i)..<close]
                if let colon = inner.firstIndex(of: ":") {
                    out += "(" + inner[inner.index(after: colon)...] + ")"
                } else {
                    out += "([^/]+)"
                }
                i = template.index(after: close)
                continue
            }
            out += NSRegularExpression.escapedPattern(for: String(c))
            i = template.index(after: i)
        }
        return prefix ? out : out + "$"
    }

    static func isTraefikTemplate(_ s: String) -> Bool { s.contains("{") && s.contains("}") }
}

/// Host matching for routing (not certificates: see `HostNames.covers`).
public enum HostMatch: Sendable, Hashable, Comparable {
    /// A catch-all (`*`, no host).
    case catchAll
    /// A wildcard; the number is the length of the suffix after `*` (longer is more specific).
    case wildcard(Int)
    case exact

    var rank: Int {
        switch self {
        case .catchAll: return 0
        case .wildcard(let n): return 1 + n
        case .exact: return Int.max
        }
    }

    public static func < (a: HostMatch, b: HostMatch) -> Bool { a.rank < b.rank }

    /// How `pattern` (a route host: name, `*.suffix` or `*`) matches `host`. Ingress, Contour and Traefik
    /// wildcards cover exactly one label; Gateway API wildcards one or more (`multiLabel`).
    public static func of(_ pattern: String, host: String, multiLabel: Bool) -> HostMatch? {
        let p = HostNames.normalize(pattern), h = HostNames.normalize(host)
        if p == "*" || p.isEmpty { return .catchAll }
        if p == h { return .exact }
        guard p.hasPrefix("*."), !h.hasPrefix("*") else { return nil }
        let rest = p.dropFirst(1)   // ".suffix"
        guard h.hasSuffix(rest), h.count > rest.count else { return nil }
        let label = h.dropLast(rest.count)
        if label.isEmpty { return nil }
        if !multiLabel && label.contains(".") { return nil }
        return .wildcard(rest.count)
    }
}
