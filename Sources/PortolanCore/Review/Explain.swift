import Foundation

/// A request to explain: what a client sends (`portolan explain URL`).
public struct ExplainRequest: Sendable, Hashable {
    public var scheme: String
    /// Lower-cased, without a trailing dot.
    public var host: String
    /// The port written in the URL, if any.
    public var port: Int?
    /// Starts with `/`; as written (not decoded).
    public var path: String
    public var query: [QueryItem]
    public var method: String
    /// Header names lower-cased.
    public var headers: [String: String]
    /// The scheme was not written (https assumed).
    public var schemeAssumed = false

    public struct QueryItem: Sendable, Hashable {
        public var name: String
        public var value: String?
        public init(_ name: String, _ value: String?) { self.name = name; self.value = value }
    }

    public init(scheme: String, host: String, port: Int? = nil, path: String = "/", query: [QueryItem] = [],
                method: String = "GET", headers: [String: String] = [:]) {
        self.scheme = scheme; self.host = HostNames.normalize(host); self.port = port
        self.path = path.isEmpty ? "/" : path; self.query = query; self.method = method.uppercased(); self.headers = headers
    }

    public var defaultPort: Int { scheme == "https" ? 443 : 80 }
    public var effectivePort: Int { port ?? defaultPort }

    /// The query string as written (`a=1&b`), empty when there is none.
    public var queryString: String {
        query.map { q in q.value.map { "\(q.name)=\($0)" } ?? q.name }.joined(separator: "&")
    }

    /// `scheme://host[:port]/path[?query]`.
    public var url: String {
        var s = "\(scheme)://\(host)"
        if let port, port != defaultPort { s += ":\(port)" }
        s += path
        if !query.isEmpty { s += "?" + queryString }
        return s
    }

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Parses `https://host[:port]/path?query`. Without a scheme, https is assumed.
    public static func parse(_ text: String, method: String = "GET", headers: [String: String] = [:]) throws -> ExplainRequest {
        var s = text.trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty else { throw ParseError(description: "the URL is empty") }
        guard !s.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else {
            throw ParseError(description: "the URL contains spaces or control characters")
        }
        var scheme = "https"
        var assumed = true
        if let r = s.range(of: "://") {
            scheme = s[..<r.lowerBound].lowercased()
            s = String(s[r.upperBound...])
            assumed = false
            guard scheme == "http" || scheme == "https" else {
                throw ParseError(description: "scheme \"\(scheme)\" is not http or https")
            }
        }
        if let hash = s.firstIndex(of: "#") { s = String(s[..<hash]) }
        let authorityEnd = s.firstIndex { $0 == "/" || $0 == "?" } ?? s.endIndex
        var authority = String(s[..<authorityEnd])
        var rest = String(s[authorityEnd...])
        if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }
        var port: Int? = nil
        var host = authority
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw ParseError(description: "unterminated IPv6 address in \"\(authority)\"") }
            host = String(authority[...close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { port = Int(after.dropFirst()); if port == nil { throw ParseError(description: "port \"\(after.dropFirst())\" is not a number") } }
        } else if let colon = authority.lastIndex(of: ":") {
            let p = authority[authority.index(after: colon)...]
            guard let n = Int(p) else { throw ParseError(description: "port \"\(p)\" is not a number") }
            port = n
            host = String(authority[..<colon])
        }
        if let p = port, !(1...65535).contains(p) { throw ParseError(description: "port \(p) is out of range") }
        host = HostNames.normalize(host)
        guard !host.isEmpty else { throw ParseError(description: "the URL has no host") }
        guard !host.contains("*") else { throw ParseError(description: "a request host cannot be a wildcard (\(host))") }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || "-._[]:".contains($0) }) else {
            throw ParseError(description: "\"\(host)\" is not a host name")
        }
        var query: [QueryItem] = []
        if let q = rest.firstIndex(of: "?") {
            for part in rest[rest.index(after: q)...].split(separator: "&") where !part.isEmpty {
                if let eq = part.firstIndex(of: "=") {
                    let name = String(part[..<eq]), value = String(part[part.index(after: eq)...])
                    query.append(QueryItem(name.removingPercentEncoding ?? name, value.removingPercentEncoding ?? value))
                } else {
                    query.append(QueryItem(String(part).removingPercentEncoding ?? String(part), nil))
                }
            }
            rest = String(rest[..<q])
        }
        var req = ExplainRequest(scheme: scheme, host: host, port: port, path: rest.isEmpty ? "/" : rest, query: query,
                                 method: method, headers: Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a }))
        req.schemeAssumed = assumed
        return req
    }

    /// The same request at another URL (after a redirect).
    func following(_ location: String) -> ExplainRequest? {
        guard var next = try? ExplainRequest.parse(location, method: method, headers: headers) else { return nil }
        next.schemeAssumed = false
        return next
    }

    func header(_ name: String) -> String? {
        if name.lowercased() == "host" { return host }
        return headers[name.lowercased()]
    }
}

/// How a controller orders the routes that match one request.
public enum PrecedenceFamily: String, Sendable, CaseIterable {
    case traefik
    case contour
    case ingressNginx = "ingress-nginx"
    case gatewayAPI = "gateway-api"
    /// Any other Ingress controller: longest path, exact before prefix.
    case generic

    public var rule: String {
        switch self {
        case .traefik:
            return "Traefik: among the routers that match, the highest priority wins (default priority: the length of the rule)"
        case .contour:
            return "Contour: the virtual host for the most specific host name, then exact before regex before prefix, longest first, more header conditions first"
        case .ingressNginx:
            return "ingress-nginx: the server block for the most specific host name, then the longest path; exact before prefix on a tie"
        case .gatewayAPI:
            return "Gateway API: most specific host name, then Exact before PathPrefix (longest first), then method, header and query matches, then the oldest route, then namespace/name, then rule order"
        case .generic:
            return "Ingress: the most specific host name, then the longest path; exact before prefix on a tie"
        }
    }
}

/// A route as the explanation names it.
public struct ExplainRoute: Sendable, Hashable {
    public var id: String
    public var provider: Provider
    public var kind: String
    public var namespace: String
    public var name: String
    /// The match as written or described.
    public var match: String
    public var hosts: [String]
    public var path: String
    public var pathType: String
    public var source: SourceLocation

    init(_ r: Route) {
        id = r.id; provider = r.provider; kind = r.kind; namespace = r.namespace; name = r.name; match = r.match
        hosts = r.hosts; path = r.path; pathType = r.pathType; source = r.matchSource
    }

    public var display: String { "\(kind) \(namespace)/\(name)" }
}

/// A route that matches but loses, or does not match, and why.
public struct ExplainOther: Sendable, Hashable {
    public var route: ExplainRoute
    public var reason: String
}

public struct ExplainRedirect: Sendable, Hashable {
    public var status: Int
    public var location: String
    /// What redirects: `ingress-nginx ssl-redirect`, `Middleware shop/https (redirectScheme)`...
    public var by: String
    public var source: SourceLocation?
}

public struct ExplainBackend: Sendable, Hashable {
    /// `namespace/Service:port`
    public var display: String
    public var kind: String
    public var weight: Int?
    public var resolved: Bool
    public var issue: String?
    public var via: String?
}

/// The certificate presented for the request's SNI.
public struct ExplainCertificate: Sendable, Hashable {
    public var sni: String
    /// nil when no certificate in the input is presented (the controller's default, or nothing).
    public var id: String?
    public var origin: String?
    public var secret: String?
    public var names: [String]
    public var notAfter: Double?
    public var daysLeft: Int?
    public var covers: Bool
    /// How it covers the name, or why not / what is presented instead.
    public var reason: String
    public var source: SourceLocation?
}

/// One request/response step under one controller (a redirect leads to the next hop).
public struct ExplainHop: Sendable {
    public var url: String
    public var scheme: String
    /// Entry point, listener or port the request arrives on.
    public var entry: String
    public var winner: ExplainRoute?
    /// Why it wins: `priority 49 (rule length)`, `exact host, PathPrefix /api (4 characters)`.
    public var winnerDetail: String
    public var shadowed: [ExplainOther] = []
    /// Routes for the host that do not match this request.
    public var unmatched: [ExplainOther] = []
    public var redirect: ExplainRedirect?
    public var middlewares: [String] = []
    public var backends: [ExplainBackend] = []
    public var certificate: ExplainCertificate?
    /// One line: what happens.
    public var outcome: String
}

/// The answer of one controller (one Traefik instance, one ingress-nginx, one Gateway...).
public struct ExplainAnswer: Sendable {
    public var controller: String
    /// For Gateway API: `Gateway ns/name` (each Gateway is its own proxy).
    public var gateway: String?
    public var family: PrecedenceFamily
    public var hops: [ExplainHop]
    /// The redirects lead back to a URL already visited.
    public var redirectLoop = false
    /// A route answers at the end of the chain (a redirect that leaves this controller counts as an answer).
    public var served: Bool { !redirectLoop && hops.last?.winner != nil }
    public var title: String { gateway.map { "\(controller) (\($0))" } ?? controller }
}

public struct Explanation: Sendable {
    public var request: ExplainRequest
    public var answers: [ExplainAnswer]
    /// What the explanation assumes or could not know.
    public var notes: [String]
    public var served: Bool { answers.contains { $0.served } }
    /// "Today" for the certificates' days left.
    public var now: Double
}
