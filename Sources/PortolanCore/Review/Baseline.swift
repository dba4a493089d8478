import Foundation

/// Findings accepted as they are today (`portolan check --write-baseline FILE`), so that `--baseline FILE`
/// fails only on new ones. Each finding is recorded by rule, resources and hosts: never by line or by the
/// scanned folder's path, so edits elsewhere in a file and a checkout in another folder do not change it.
///
/// File: `{"schemaVersion": 1, "findings": [{"rule": ..., "resources": [...], "hosts": [...]}]}`, sorted.
public struct Baseline: Sendable, Equatable {
    public static let schemaVersion = 1

    public struct Entry: Sendable, Hashable, Comparable {
        public var rule: String
        /// `Kind.group/namespace/name` (`ObjectRef.display`), sorted.
        public var resources: [String]
        public var hosts: [String]

        public init(rule: String, resources: [String], hosts: [String]) {
            self.rule = rule; self.resources = resources.sorted(); self.hosts = hosts.sorted()
        }

        public init(_ f: Finding) {
            self.init(rule: f.rule, resources: f.resources.map(\.display), hosts: f.hosts)
        }

        public static func < (a: Entry, b: Entry) -> Bool {
            if a.rule != b.rule { return a.rule < b.rule }
            if a.resources != b.resources { return a.resources.lexicographicallyPrecedes(b.resources) }
            return a.hosts.lexicographicallyPrecedes(b.hosts)
        }
    }

    /// One entry per finding (duplicates kept: two findings with the same identity count twice).
    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries.sorted() }
    public init(findings: [Finding]) { self.init(entries: findings.map(Entry.init)) }

    public struct Error: Swift.Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The outcome of a check against the baseline.
    public struct Comparison: Sendable {
        /// Findings not in the baseline.
        public var new: [Finding]
        /// Findings the baseline accepts.
        public var known: [Finding]
        /// Baseline entries no finding matches any more.
        public var fixed: [Entry]
    }

    public func compare(_ findings: [Finding]) -> Comparison {
        var counts: [Entry: Int] = [:]
        for e in entries { counts[e, default: 0] += 1 }
        var c = Comparison(new: [], known: [], fixed: [])
        for f in findings {
            let e = Entry(f)
            if let n = counts[e], n > 0 { counts[e] = n - 1; c.known.append(f) } else { c.new.append(f) }
        }
        for e in entries where (counts[e] ?? 0) > 0 {
            c.fixed.append(e)
            counts[e]! -= 1
        }
        return c
    }

    // MARK: File

    /// The file's text: deterministic, one finding per line.
    public func render() -> String {
        var out = "{\n  \"schemaVersion\": \(Baseline.schemaVersion),\n  \"findings\": ["
        for (i, e) in entries.enumerated() {
            out += i == 0 ? "\n" : ",\n"
            out += "    {\"rule\": \(Self.quote(e.rule)), \"resources\": [\(e.resources.map(Self.quote).joined(separator: ", "))], "
            out += "\"hosts\": [\(e.hosts.map(Self.quote).joined(separator: ", "))]}"
        }
        out += entries.isEmpty ? "]\n}\n" : "\n  ]\n}\n"
        return out
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if c.value < 0x20 || c.value == 0x7F || TextSafety.needsEscape(c) {
                    let h = String(c.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: max(0, 4 - h.count)) + h
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }

    public static func parse(_ data: Data) throws -> Baseline {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Error(description: "not a JSON object")
        }
        guard let v = root["schemaVersion"] as? Int else { throw Error(description: "no schemaVersion") }
        guard v == schemaVersion else {
            throw Error(description: "schemaVersion \(v) is not supported (this Portolan writes and reads \(schemaVersion))")
        }
        guard let list = root["findings"] as? [Any] else { throw Error(description: "no findings list") }
        var entries: [Entry] = []
        for (i, item) in list.enumerated() {
            guard let o = item as? [String: Any], let rule = o["rule"] as? String else {
                throw Error(description: "findings[\(i)] has no rule")
            }
            let resources = o["resources"] as? [String] ?? []
            let hosts = o["hosts"] as? [String] ?? []
            entries.append(Entry(rule: rule, resources: resources, hosts: hosts))
        }
        return Baseline(entries: entries)
    }

    public static func load(file: String) throws -> Baseline {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw Error(description: "cannot read '\(file)'")
        }
        do {
            return try parse(data)
        } catch let e as Error {
            throw Error(description: "'\(file)': \(e.description)")
        }
    }
}
