import Foundation
import PortolanCore

/// The text of input files for the YAML pane, read lazily (from disk, or the text kept for
/// standard input) with every Secret value replaced by `<redacted: N bytes>`.
public final class SourceCache: @unchecked Sendable {
    public enum Text: Sendable {
        case lines([String])
        case unavailable(String)
    }

    private let retained: [String: String]
    private let secrets: [String: [(at: SourceLocation, summary: SecretSummary)]]
    private let lock = NSLock()
    private var cache: [String: Text] = [:]
    private let read: @Sendable (String) -> String?

    /// `read` returns a file's text (the default reads from disk).
    public init(_ inputs: LoadedInputs, read: @escaping @Sendable (String) -> String? = SourceCache.readFile) {
        var r: [String: String] = [:]
        for f in inputs.files { if let t = f.retainedText { r[f.path] = t } }
        retained = r
        var s: [String: [(at: SourceLocation, summary: SecretSummary)]] = [:]
        for res in inputs.resources { if let sec = res.secret { s[res.source.file, default: []].append((res.source, sec)) } }
        secrets = s
        self.read = read
    }

    @Sendable public static func readFile(_ path: String) -> String? {
        guard let d = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: d, as: UTF8.self)
    }

    public func text(_ file: String) -> Text {
        lock.lock()
        if let hit = cache[file] { lock.unlock(); return hit }
        lock.unlock()
        let result: Text
        if let t = retained[file] ?? read(file) {
            var lines = t.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }
            for s in secrets[file] ?? [] { SourceCache.redact(&lines, secret: s.summary, at: s.at) }
            SourceCache.redactSecretDocuments(&lines)
            result = .lines(lines)
        } else {
            result = .unavailable(file == "-" || file.hasPrefix("<") ? "standard input was not kept" : "cannot read \(file)")
        }
        lock.lock()
        cache[file] = result
        lock.unlock()
        return result
    }

    /// Blanks a Secret's `data:`/`stringData:` values and shows their sizes: `tls.key: <redacted: 1704 bytes>`.
    /// `at` is the object's first line; its `data:`/`stringData:` keys are found in its extent.
    public static func redact(_ lines: inout [String], secret: SecretSummary, at: SourceLocation) {
        var keyLines = Set<Int>()
        let objIndent = max(0, at.column - 1)
        var i = at.line - 1
        while i >= 0 && i < lines.count {
            let t = lines[i]
            let ind = indent(t)
            let trimmed = t.dropFirst(ind)
            if i > at.line - 1 {
                if t.hasPrefix("---") || t.hasPrefix("...") { break }
                if !trimmed.isEmpty && !trimmed.hasPrefix("#") && ind < objIndent { break }
                if objIndent >= 2 && ind == objIndent - 2 && trimmed.hasPrefix("- ") { break }
            }
            if ind == objIndent && (trimmed.hasPrefix("data:") || trimmed.hasPrefix("stringData:")) { keyLines.insert(i + 1) }
            // The object's first key may itself follow a list dash (`- apiVersion: v1`).
            if i == at.line - 1, let r = t.range(of: "data:"), t.distance(from: t.startIndex, to: r.lowerBound) == objIndent,
               t.hasPrefix("data:") || t.hasPrefix("stringData:") { keyLines.insert(i + 1) }
            i += 1
        }
        for k in keyLines.sorted() { redactBlock(&lines, keyLine: k, sizes: secret.keySizes) }
    }

    /// A fallback for Secrets the loader could not read as objects: every top-level document whose
    /// `kind` is Secret has its `data:`/`stringData:` blanked.
    public static func redactSecretDocuments(_ lines: inout [String]) {
        var start = 0
        func finish(_ end: Int) {
            guard start < end else { return }
            let doc = start..<end
            guard doc.contains(where: { lines[$0].hasPrefix("kind:") && lines[$0].dropFirst(5).trimmingCharacters(in: .whitespaces) == "Secret" })
            else { return }
            for k in doc where lines[k].hasPrefix("data:") || lines[k].hasPrefix("stringData:") {
                if !alreadyRedacted(lines, keyLine: k, end: end) { redactBlock(&lines, keyLine: k + 1, sizes: [:]) }
            }
        }
        for (i, l) in lines.enumerated() where l.hasPrefix("---") {
            finish(i)
            start = i + 1
        }
        finish(lines.count)
    }

    /// True when every value under the key at 0-based `k` is already a placeholder (redacted, with sizes,
    /// through the loaded object).
    static func alreadyRedacted(_ lines: [String], keyLine k: Int, end: Int) -> Bool {
        let key = lines[k]
        let inline = key.drop(while: { $0 != ":" }).dropFirst().trimmingCharacters(in: .whitespaces)
        if !inline.isEmpty && !inline.hasPrefix("#") { return inline.hasPrefix("<redacted") }
        var j = k + 1
        while j < end, lines[j].isEmpty || lines[j].hasPrefix(" ") {
            let t = lines[j].trimmingCharacters(in: .whitespaces)
            if !t.isEmpty && !t.hasPrefix("#") && !t.contains("<redacted") { return false }
            j += 1
        }
        return true
    }

    /// Blanks the values under the key at 1-based `keyLine` (`SecretRedaction.blank`), then writes sizes.
    static func redactBlock(_ lines: inout [String], keyLine: Int, sizes: [String: Int]) {
        let k = keyLine - 1
        guard k >= 0 && k < lines.count else { return }
        SecretRedaction.blank(&lines, keyLine: keyLine)
        let keyIndent = indent(lines[k])
        var i = k + 1
        while i < lines.count {
            let t = lines[i]
            let trimmed = t.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty && indent(t) <= keyIndent { break }
            if trimmed.hasSuffix(": <redacted>") {
                var key = String(trimmed.dropLast(": <redacted>".count))
                if key.count >= 2, (key.hasPrefix("\"") && key.hasSuffix("\"")) || (key.hasPrefix("'") && key.hasSuffix("'")) {
                    key = String(key.dropFirst().dropLast())
                }
                if let n = sizes[key] {
                    lines[i] = String(t.dropLast("<redacted>".count)) + "<redacted: \(n) byte\(n == 1 ? "" : "s")>"
                }
            }
            i += 1
        }
    }

    static func indent(_ s: String) -> Int {
        var n = 0
        for c in s.utf8 { if c == 32 { n += 1 } else { break } }
        return n
    }
}
