import PortolanCore

/// SARIF 2.1.0 for code scanning: every rule with help text, every finding with the real file and line
/// of the field at fault.
public enum SARIFReport {
    public static func render(_ e: Estate, options: ReportOptions) -> String {
        var w = JSONWriter()
        let rules = RuleCatalog.all
        let index = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
        w.beginObject()
        w.field("$schema", "https://json.schemastore.org/sarif-2.1.0.json")
        w.field("version", "2.1.0")
        w.key("runs")
        w.beginArray()
        w.beginObject()
        w.key("tool")
        w.beginObject()
        w.key("driver")
        w.beginObject()
        w.field("name", "portolan")
        w.field("version", options.version)
        w.field("semanticVersion", options.version)
        w.field("informationUri", "https://github.com/portolan-dev/portolan")
        w.key("rules")
        w.beginArray()
        for r in rules {
            w.beginObject()
            w.field("id", r.id)
            w.field("name", camel(r.id))
            w.key("shortDescription"); w.beginObject(); w.field("text", r.description); w.endObject()
            w.key("fullDescription"); w.beginObject(); w.field("text", r.explanation); w.endObject()
            w.key("help")
            w.beginObject()
            w.field("text", "\(r.explanation)\n\nFix: \(r.hint)")
            w.field("markdown", "\(r.explanation)\n\n**Fix:** \(r.hint)")
            w.endObject()
            w.key("defaultConfiguration"); w.beginObject(); w.field("level", level(r.severity)); w.endObject()
            w.key("properties"); w.beginObject(); w.field("tags", ["kubernetes", "ingress"]); w.endObject()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.endObject()
        w.key("originalUriBaseIds")
        w.beginObject()
        w.key("SRCROOT"); w.beginObject(); w.field("uri", "./"); w.endObject()
        w.endObject()
        w.key("results")
        w.beginArray()
        for f in e.findings {
            w.beginObject()
            w.field("ruleId", f.rule)
            if let i = index[f.rule] { w.field("ruleIndex", i) }
            w.field("level", level(f.severity))
            w.key("message"); w.beginObject(); w.field("text", f.message); w.endObject()
            if let s = f.source, s.line > 0, s.file != "<stdin>" {
                w.key("locations")
                w.beginArray()
                w.beginObject()
                w.key("physicalLocation")
                w.beginObject()
                w.key("artifactLocation")
                w.beginObject()
                w.field("uri", uri(s.file))
                w.field("uriBaseId", "SRCROOT")
                w.endObject()
                w.key("region")
                w.beginObject()
                w.field("startLine", s.line)
                w.field("startColumn", max(1, s.column))
                w.endObject()
                w.endObject()
                w.endObject()
                w.endArray()
            }
            w.key("partialFingerprints")
            w.beginObject()
            w.field("portolan/v1", fingerprint(f))
            w.endObject()
            w.key("properties")
            w.beginObject()
            w.field("hosts", f.hosts)
            w.field("resources", f.resources.map(\.display))
            w.endObject()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.endArray()
        w.endObject()
        return w.string + "\n"
    }

    static func level(_ s: Severity) -> String {
        switch s { case .error: return "error"; case .warning: return "warning"; case .info: return "note" }
    }

    static func camel(_ id: String) -> String {
        id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// Relative URIs with percent-encoding of what is not allowed in a URI path.
    static func uri(_ path: String) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        var out = ""
        for b in p.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// Stable across line shifts: rule, resources and hosts.
    public static func fingerprint(_ f: Finding) -> String {
        let key = ([f.rule] + f.resources.map(\.display) + f.hosts).joined(separator: "|")
        var h: UInt64 = 0xcbf29ce484222325
        for b in key.utf8 { h ^= UInt64(b); h = h &* 0x100000001b3 }
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
