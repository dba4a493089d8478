import PortolanCore

/// `portolan explain`: what serves a URL, as text (for people) or JSON (for scripts).
public enum ExplainReport {
    public static let schemaVersion = 1

    // MARK: Text

    /// Every string from a manifest passes `TextSafety.visible`.
    public static func text(_ x: Explanation) -> String {
        lines(x).joined(separator: "\n") + "\n"
    }

    /// The text as lines (the explorer shows the same lines).
    public static func lines(_ x: Explanation) -> [String] {
        let v = TextSafety.visible
        var out: [String] = []
        out.append("\(v(x.request.url)) (\(v(x.request.method)))")
        for n in x.notes { out.append("note: \(v(n))") }
        for a in x.answers {
            out.append("")
            out.append("\(v(a.title))")
            out.append("  precedence: \(a.family.rule)")
            for (i, hop) in a.hops.enumerated() {
                if a.hops.count > 1 || i > 0 {
                    out.append("  \(i + 1). \(v(hop.url)) on the \(v(hop.entry))")
                } else {
                    out.append("  on the \(v(hop.entry))")
                }
                out += hopLines(hop)
            }
        }
        out.append("")
        out.append(x.served ? "Served: a route serves \(v(x.request.url))."
                            : "Not served: no route serves \(v(x.request.url)).")
        return out
    }

    static func routeLine(_ r: ExplainRoute) -> String {
        let v = TextSafety.visible
        let match = r.match.isEmpty ? "\(r.pathType) \(r.path)".trimmingCharacters(in: .whitespaces) : r.match
        return "\(v(r.display))  \(v(match))  (\(v(r.source.file)):\(r.source.line))"
    }

    static func hopLines(_ h: ExplainHop) -> [String] {
        let v = TextSafety.visible
        let pad = "    "
        func field(_ name: String, _ value: String) -> String {
            pad + (name + ":").padding(toLength: 13, withPad: " ", startingAt: 0) + value
        }
        let cont = pad + String(repeating: " ", count: 13)
        var out: [String] = []
        if let w = h.winner {
            out.append(field("winner", routeLine(w)))
            if !h.winnerDetail.isEmpty { out.append(cont + v(h.winnerDetail)) }
        }
        for s in h.shadowed {
            out.append(field("shadows", routeLine(s.route)))
            out.append(cont + v(s.reason))
        }
        for s in h.unmatched {
            out.append(field("no match", routeLine(s.route)))
            out.append(cont + v(s.reason))
        }
        if let r = h.redirect {
            var l = "\(r.status) to \(v(r.location)) by \(v(r.by))"
            if let s = r.source { l += " (\(v(s.file)):\(s.line))" }
            out.append(field("redirect", l))
        }
        if !h.middlewares.isEmpty { out.append(field("middlewares", h.middlewares.map(v).joined(separator: ", "))) }
        for b in h.backends {
            var l = v(b.display)
            if let w = b.weight { l += " weight \(w)" }
            if let via = b.via { l += " via \(v(via))" }
            if let i = b.issue { l += " — \(v(i))" }
            out.append(field("backend", l))
        }
        if let c = h.certificate {
            var l = "SNI \(v(c.sni)): "
            if let id = c.id {
                l += "\(v(id))" + (c.covers ? " (\(v(c.reason)))" : "")
                if !c.names.isEmpty { l += "; names \(c.names.prefix(6).map(v).joined(separator: ", "))\(c.names.count > 6 ? ", …" : "")" }
                if let na = c.notAfter {
                    l += "; expires \(UTCDate.day(na))"
                    if let d = c.daysLeft { l += d < 0 ? " (expired \(-d) day\(d == -1 ? "" : "s") ago)" : " (\(d) day\(d == 1 ? "" : "s") left)" }
                } else {
                    l += "; expiry unknown (not a parsed certificate)"
                }
                out.append(field("certificate", l))
                if !c.covers { out.append(cont + v(c.reason)) }
            } else {
                out.append(field("certificate", l + v(c.reason)))
            }
        }
        out.append(field("result", v(h.outcome)))
        return out
    }

    // MARK: JSON

    public static func json(_ x: Explanation, version: String) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("schemaVersion", schemaVersion)
        w.key("generator")
        w.beginObject(); w.field("name", "portolan"); w.field("version", version); w.endObject()
        w.field("url", x.request.url)
        w.key("request")
        w.beginObject()
        w.field("scheme", x.request.scheme)
        w.field("host", x.request.host)
        w.field("port", x.request.effectivePort)
        w.field("path", x.request.path)
        w.field("query", x.request.queryString)
        w.field("method", x.request.method)
        w.endObject()
        w.field("served", x.served)
        w.key("answers")
        w.beginArray()
        for a in x.answers {
            w.beginObject()
            w.field("controller", a.controller)
            w.field("gateway", a.gateway)
            w.field("family", a.family.rawValue)
            w.field("precedence", a.family.rule)
            w.field("served", a.served)
            w.key("hops")
            w.beginArray()
            for h in a.hops { writeHop(h, &w) }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.field("notes", x.notes)
        w.endObject()
        return w.string + "\n"
    }

    static func writeSource(_ s: SourceLocation?, _ w: inout JSONWriter) {
        w.key("source")
        guard let s else { w.null(); return }
        w.beginObject(); w.field("file", s.file); w.field("line", s.line); w.endObject()
    }

    static func writeRoute(_ r: ExplainRoute, _ w: inout JSONWriter) {
        w.field("id", r.id)
        w.field("provider", r.provider.rawValue)
        w.field("kind", r.kind)
        w.field("namespace", r.namespace)
        w.field("name", r.name)
        w.field("match", r.match)
        w.field("hosts", r.hosts)
        w.field("path", r.path)
        w.field("pathType", r.pathType)
        writeSource(r.source, &w)
    }

    static func writeHop(_ h: ExplainHop, _ w: inout JSONWriter) {
        w.beginObject()
        w.field("url", h.url)
        w.field("entry", h.entry)
        w.key("winner")
        if let r = h.winner {
            w.beginObject(); writeRoute(r, &w); w.field("why", h.winnerDetail); w.endObject()
        } else {
            w.null()
        }
        for (key, list) in [("shadowed", h.shadowed), ("unmatched", h.unmatched)] {
            w.key(key)
            w.beginArray()
            for o in list { w.beginObject(); writeRoute(o.route, &w); w.field("reason", o.reason); w.endObject() }
            w.endArray()
        }
        w.key("redirect")
        if let r = h.redirect {
            w.beginObject()
            w.field("status", r.status); w.field("location", r.location); w.field("by", r.by)
            writeSource(r.source, &w)
            w.endObject()
        } else {
            w.null()
        }
        w.field("middlewares", h.middlewares)
        w.key("backends")
        w.beginArray()
        for b in h.backends {
            w.beginObject()
            w.field("backend", b.display); w.field("kind", b.kind); w.field("weight", b.weight)
            w.field("resolved", b.resolved); w.field("issue", b.issue); w.field("via", b.via)
            w.endObject()
        }
        w.endArray()
        w.key("certificate")
        if let c = h.certificate {
            w.beginObject()
            w.field("sni", c.sni); w.field("id", c.id); w.field("origin", c.origin); w.field("secret", c.secret)
            w.field("names", c.names)
            w.field("notAfter", c.notAfter.map(UTCDate.rfc3339))
            w.field("daysLeft", c.daysLeft)
            w.field("covers", c.covers)
            w.field("reason", c.reason)
            w.endObject()
        } else {
            w.null()
        }
        w.field("outcome", h.outcome)
        w.endObject()
    }
}
