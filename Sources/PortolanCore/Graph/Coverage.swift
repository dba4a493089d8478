/// Hostname matching for certificates (X.509 rules, RFC 6125/9525) and for routing.
public enum HostNames {
    /// Lower-cased, without a trailing dot.
    @inlinable
    public static func normalize(_ s: String) -> String {
        var t = s
        if t.utf8.contains(where: { $0 >= 65 && $0 <= 90 }) { t = t.lowercased() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }

    /// How `certName` covers `host`: "exact", "wildcard", or nil. A wildcard must be the whole left-most
    /// label and covers exactly one label; a wildcard host is covered only by the same wildcard.
    public static func covers(certName: String, host: String) -> String? {
        let c = normalize(certName), h = normalize(host)
        if c == h { return c.hasPrefix("*.") ? "wildcard \(c)" : "exact" }
        guard c.hasPrefix("*."), !h.hasPrefix("*") else { return nil }
        let rest = c.dropFirst(2)
        guard !rest.containsBytes("*"), let dot = h.firstIndex(of: ".") else { return nil }
        let first = h[..<dot]
        return (!first.isEmpty && h[h.index(after: dot)...] == rest) ? "wildcard \(c)" : nil
    }

    /// Why none of `names` covers `host`, for a person to read.
    public static func explainMiss(names: [String], commonName: String?, host: String) -> String {
        if names.isEmpty {
            if let cn = commonName, !cn.isEmpty {
                return "only a subject CN (\(cn)), no DNS subjectAltName: clients ignore the CN"
            }
            return "has no DNS names"
        }
        let h = normalize(host)
        for n in names {
            let c = normalize(n)
            guard c.hasPrefix("*.") else { continue }
            let rest = String(c.dropFirst(2))
            if h.hasPrefix("*.") && h != c && h.hasSuffix("." + rest) {
                return "\(c) does not cover the wildcard host \(h): only the same wildcard name does"
            }
            if h == rest { return "\(c) does not cover the bare domain \(h)" }
            if h.hasSuffix("." + rest) { return "\(c) covers one label only; \(h) is deeper (wildcard depth)" }
        }
        if let cn = commonName, normalize(cn) == h {
            return "\(host) appears only as the subject CN, not in the DNS names (\(names.joined(separator: ", ")))"
        }
        let shown = names.prefix(4).joined(separator: ", ") + (names.count > 4 ? ", … (\(names.count) names)" : "")
        return "names \(shown)"
    }

    /// The Gateway API intersection of a listener hostname and a route hostname (nil = no intersection).
    /// Empty/nil on either side behaves like `*`; Gateway wildcards match one or more labels.
    public static func gatewayIntersection(listener: String?, route: String?) -> String? {
        let l = listener.flatMap { $0.isEmpty ? nil : normalize($0) }
        let r = route.flatMap { $0.isEmpty ? nil : normalize($0) }
        switch (l, r) {
        case (nil, nil): return "*"
        case (nil, let r?): return r
        case (let l?, nil): return l
        case (let l?, let r?):
            if l == r { return l }
            let lw = l.hasPrefix("*."), rw = r.hasPrefix("*.")
            if lw && !rw { return r.hasSuffix(String(l.dropFirst(1))) ? r : nil }
            if rw && !lw { return l.hasSuffix(String(r.dropFirst(1))) ? l : nil }
            if lw && rw {
                if l.hasSuffix(String(r.dropFirst(1))) { return l }
                if r.hasSuffix(String(l.dropFirst(1))) { return r }
            }
            return nil
        }
    }
}

/// Certificates indexed by the names they cover, for store-wide SNI selection.
struct NameIndex {
    private var exact: [String: [Int]] = [:]
    private var wildcard: [String: [Int]] = [:]    // "rest" of "*.rest"

    mutating func add(_ certIndex: Int, names: [String]) {
        for n in names {
            let c = HostNames.normalize(n)
            if c.hasPrefix("*.") { wildcard[String(c.dropFirst(2)), default: []].append(certIndex) }
            exact[c, default: []].append(certIndex)
        }
    }

    /// Certificates whose names cover `host`, each once, in certificate order (the stores are filled
    /// from dictionaries, whose order changes from run to run).
    func covering(_ host: String) -> [Int] {
        let h = HostNames.normalize(host)
        var out = exact[h] ?? []
        if !h.hasPrefix("*"), let dot = h.firstIndex(of: "."), dot != h.startIndex {
            out += wildcard[String(h[h.index(after: dot)...])] ?? []
        }
        if out.count < 2 { return out }
        out.sort()
        var unique: [Int] = []
        for i in out where unique.last != i { unique.append(i) }
        return unique
    }
}
