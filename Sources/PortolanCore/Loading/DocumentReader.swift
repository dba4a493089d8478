import Foundation

/// Turns the bytes of one file into resources and problems.
enum DocumentReader {
    /// PORTOLAN_NO_SKIM=1 sends every document through libyaml (to compare; see Skimmer).
    static let skimming = ProcessInfo.processInfo.environment["PORTOLAN_NO_SKIM"] == nil

    static func read(_ bytes: [UInt8], into out: inout Loader.FileOutcome, options: LoadOptions) {
        let file = out.path
        if let nul = firstNUL(bytes) {
            let (l, c) = bytes.withUnsafeBufferPointer { YAMLBytes.lineColumn($0, offset: nul) }
            out.problems.append(Problem(file: file, line: l, column: c, message: "binary file (contains NUL bytes); skipped"))
            return
        }
        let helmMark = helmDirective(bytes)
        let parsed = YAMLParser.parse(bytes, limits: options.yaml, keepDocument: Kinds.documentNeedsBody, skim: skimming)

        if let helm = helmMark {
            // A template: its documents are not what the cluster will see.
            let templateDoc = parsed.issues.isEmpty ? treeLooksTemplated(parsed) : true
            if templateDoc {
                let detail = parsed.issues.first.map { ": \($0.message) at line \($0.line), column \($0.column)" } ?? ""
                let what = parsed.issues.isEmpty ? "looks like a Helm template" : "not valid YAML (looks like a Helm template)"
                out.problems.append(Problem(file: file, line: helm.line, column: helm.column,
                    message: "\(what); render it with `helm template` and pipe it in (`helm template ... | portolan -`)\(detail)"))
                return
            }
        }
        for issue in parsed.issues {
            let isSyntax = !issue.message.hasPrefix("duplicate key") && !issue.message.hasPrefix("not valid UTF-8")
            out.problems.append(Problem(file: file, line: issue.line, column: issue.column,
                                        message: isSyntax ? "not valid YAML: \(issue.message)" : issue.message))
        }
        for doc in parsed.documents {
            guard let root = doc.root, !root.isNull else { continue }
            out.documents += 1
            extract(root, document: doc.index, into: &out, options: options)
        }
    }

    /// Reads one document's root node.
    static func extract(_ root: Node, document: Int, into out: inout Loader.FileOutcome, options: LoadOptions) {
        let file = out.path
        switch root.kind {
        case .mapping:
            let apiVersion = root["apiVersion"]?.string
            let kind = root["kind"]?.string
            switch (apiVersion, kind) {
            case (nil, nil):
                out.notKubernetes += 1
            case (nil, .some(let k)):
                out.problems.append(Problem(file: file, line: root.mark.line, column: root.mark.column,
                    message: "object of kind \(TextSafety.visible(k)) has no apiVersion; skipped"))
            case (.some(let v), nil):
                out.problems.append(Problem(file: file, line: root.mark.line, column: root.mark.column,
                    message: "object with apiVersion \(TextSafety.visible(v)) has no kind; skipped"))
            case (.some(let v), .some(let k)):
                if let items = root["items"], items.isSequence, k == "List" || k.hasSuffix("List") {
                    let itemKind = k == "List" ? nil : String(k.dropLast(4))
                    for (i, item) in items.items.enumerated() {
                        guard item.isMapping else {
                            out.problems.append(Problem(file: file, line: item.mark.line, column: item.mark.column,
                                message: "item \(i) of \(TextSafety.visible(k)) is not a mapping; skipped"))
                            continue
                        }
                        let iv = item["apiVersion"]?.string ?? (itemKind != nil ? v : nil)
                        let ik = item["kind"]?.string ?? itemKind
                        guard let iv, let ik else {
                            out.problems.append(Problem(file: file, line: item.mark.line, column: item.mark.column,
                                message: "item \(i) of List has no apiVersion/kind; skipped"))
                            continue
                        }
                        makeResource(item, apiVersion: iv, kind: ik, document: document, item: i, into: &out, options: options)
                    }
                } else {
                    makeResource(root, apiVersion: v, kind: k, document: document, item: -1, into: &out, options: options)
                }
            }
        case .sequence:
            let objects = root.items.filter { $0.isMapping && $0["apiVersion"] != nil && $0["kind"] != nil }
            if !objects.isEmpty {
                out.problems.append(Problem(file: file, line: root.mark.line, column: root.mark.column,
                    message: "document is a YAML list of \(root.count) items, not a Kubernetes object; separate objects with `---` or wrap them in `kind: List`; skipped"))
            } else {
                out.notKubernetes += 1
            }
        case .scalar:
            let text = root.scalarText ?? ""
            if text.contains("apiVersion:") || text.contains("kind:") {
                out.problems.append(Problem(file: file, line: root.mark.line, column: root.mark.column,
                    message: "document is a single string that contains `apiVersion:`/`kind:`, not a mapping (broken indentation or quoting?); skipped"))
            } else {
                out.notKubernetes += 1
            }
        }
    }

    static func makeResource(_ node: Node, apiVersion: String, kind: String, document: Int, item: Int,
                             into out: inout Loader.FileOutcome, options: LoadOptions) {
        let file = out.path
        let firstKey = node.isMapping && node.count > 0 ? node.key(at: 0).mark : node.mark
        let at = SourceLocation(file: file, line: firstKey.line, column: firstKey.column)
        let meta = node["metadata"]
        guard let name = meta?["name"]?.string, !name.isEmpty else {
            let gen = meta?["generateName"]?.string
            out.problems.append(Problem(at, "\(TextSafety.visible(kind)) has no metadata.name\(gen != nil ? " (only generateName)" : ""); skipped"))
            return
        }
        let (group, version) = Kinds.splitAPIVersion(apiVersion)
        let namespace: String
        if Kinds.isClusterScoped(group: group, kind: kind) {
            namespace = ""
        } else {
            namespace = meta?["namespace"]?.string ?? options.defaultNamespace
        }
        let secret = group.isEmpty && kind == "Secret" ? secretSummary(node, at: at, problems: &out.problems) : nil
        out.resources.append(Resource(apiVersion: apiVersion, group: group, version: version, kind: kind, namespace: namespace,
                                      name: name, source: at, document: document, item: item,
                                      node: Kinds.keepsNode(group: group, kind: kind) ? node : nil, secret: secret,
                                      ignoreAnnotation: meta?["annotations"]?["portolan.dev/ignore"]?.scalarText))
    }

    // MARK: Secrets

    static func secretSummary(_ node: Node, at: SourceLocation, problems: inout [Problem]) -> SecretSummary {
        let type = node["type"]?.string ?? "Opaque"
        var sizes: [String: Int] = [:]
        var lines: [Int] = []
        var crt: [UInt8]? = nil
        var crtNode: Node? = nil
        // The lines of the `data:` and `stringData:` keys (not of their first values): redaction blanks
        // everything nested under them.
        for (k, _) in node.pairs where k.scalarText == "data" || k.scalarText == "stringData" { lines.append(k.mark.line) }
        if let data = node["data"] {
            for (k, v) in data.pairs {
                guard let key = k.scalarText else { continue }
                let text = v.scalarText ?? ""
                if key == "tls.crt" {
                    crtNode = v
                    if let d = Data(base64Encoded: text, options: .ignoreUnknownCharacters) {
                        crt = Array(d)
                    } else {
                        crt = []
                        problems.append(Problem(file: at.file, line: v.mark.line, column: v.mark.column,
                                                message: "Secret data tls.crt is not valid base64"))
                    }
                    sizes[key] = crt?.count ?? 0
                } else {
                    sizes[key] = base64DecodedLength(v)
                }
            }
        }
        if let data = node["stringData"] {
            for (k, v) in data.pairs {
                guard let key = k.scalarText else { continue }
                let bytes = Array((v.scalarText ?? "").utf8)
                sizes[key] = bytes.count
                if key == "tls.crt" { crt = bytes; crtNode = v }
            }
        }
        // Key material must not outlive this function: overwrite the values in the parse tree.
        for section in ["data", "stringData"] {
            for (_, v) in node[section]?.pairs ?? [] { v.tree.wipeScalar(v.index) }
        }
        var summary = SecretSummary(type: type, keySizes: sizes, valueLines: lines, certificates: [],
                                    certificateError: nil, hasTLSCrt: crt != nil)
        summary.annotations = SecretReflection.copyAnnotations(node["metadata"]?["annotations"])
        if let crt {
            let result = PEMCache.shared.parse(crt)
            summary.certificates = result.certificates
            if let e = result.error {
                summary.certificateError = e
                let m = crtNode?.mark ?? SourceMark(line: at.line, column: at.column)
                problems.append(Problem(file: at.file, line: m.line, column: m.column,
                                        message: "Secret tls.crt: \(e)"))
            }
        }
        return summary
    }

    static func base64DecodedLength(_ v: Node) -> Int {
        v.withBytes { b in
            var n = 0, pad = 0
            for c in b {
                if c == 61 { pad += 1 } else if c > 32 { n += 1 }
            }
            return max(0, (n + pad) / 4 * 3 - pad)
        }
    }


    // MARK: Helm templates and binary data

    static func firstNUL(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { YAMLBytes.firstIndex(of: 0, in: $0, from: 0, end: $0.count) }
    }

    /// Position of the first `{{` that looks like a template directive, if any.
    static func helmDirective(_ bytes: [UInt8]) -> SourceMark? {
        bytes.withUnsafeBufferPointer { b -> SourceMark? in
            var from = 0
            while let i = YAMLBytes.firstIndex(of: 123, in: b, from: from, end: b.count - 1) {
                if b[i + 1] == 123 {
                    let (l, c) = YAMLBytes.lineColumn(b, offset: i)
                    return SourceMark(line: l, column: c)
                }
                from = i + 1
            }
            return nil
        }
    }

    /// True when the parsed tree shows template syntax outside quoted or block scalars: a plain
    /// scalar containing `{{`, or a flow mapping used as a key (`{{ .Values.x }}` parses that way).
    static func treeLooksTemplated(_ file: YAMLFile) -> Bool {
        for tree in file.trees where treeLooksTemplated(tree) { return true }
        return false
    }

    static func treeLooksTemplated(_ tree: YAMLTree) -> Bool {
        for i in 0..<tree.nodeCount {
            let r = tree.record(i)
            if r.kind == NodeKind.scalar.rawValue && r.flags == 0 && r.count >= 2 {
                let s = Int(r.start), e = Int(r.start + r.count)
                let templated = tree.withAllBytes { bytes in
                    var j = s
                    while j + 1 < e {
                        if bytes[j] == 123 && bytes[j + 1] == 123 { return true }
                        j += 1
                    }
                    return false
                }
                if templated { return true }
            } else if r.kind == NodeKind.mapping.rawValue {
                let node = tree.node(i)
                for (k, _) in node.pairs where !k.isScalar { return true }
            }
        }
        return false
    }

    /// Text of standard input kept for display, with Secret values blanked out.
    static func redactedText(_ bytes: [UInt8], resources: [Resource]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        let secrets = resources.filter { $0.secret != nil }
        guard !secrets.isEmpty else { return text }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for r in secrets {
            for l in r.secret!.valueLines { SecretRedaction.blank(&lines, keyLine: l) }
        }
        return lines.joined(separator: "\n")
    }
}

/// Blanks the values under a `data:`/`stringData:` key in source lines.
public enum SecretRedaction {
    /// Replaces every line nested under the key at 1-based `keyLine` by its indentation and a placeholder.
    public static func blank(_ lines: inout [String], keyLine: Int) {
        let k = keyLine - 1
        guard k >= 0, k < lines.count else { return }
        let keyIndent = indent(lines[k])
        // Inline values on the key line itself (`data: {a: b}`).
        if let colon = lines[k].firstIndex(of: ":") {
            let after = lines[k][lines[k].index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if !after.isEmpty && !after.hasPrefix("#") {
                lines[k] = String(lines[k][...colon]) + " <redacted>"
            }
        }
        var i = k + 1
        while i < lines.count {
            let t = lines[i]
            let trimmed = t.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty && indent(t) <= keyIndent && !trimmed.hasPrefix("}") { break }
            if trimmed.isEmpty || trimmed == "}" || trimmed == "}," { i += 1; continue }
            let ind = indent(t)
            if let colon = t.firstIndex(of: ":"), t.distance(from: t.startIndex, to: colon) > ind {
                let key = t[t.index(t.startIndex, offsetBy: ind)..<colon]
                lines[i] = String(repeating: " ", count: ind) + key + ": <redacted>"
            } else {
                lines[i] = String(repeating: " ", count: ind) + "<redacted>"
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

/// Parses each distinct PEM once (estates often reuse one certificate in many namespaces).
final class PEMCache: @unchecked Sendable {
    static let shared = PEMCache()
    private let lock = NSLock()
    private var cache: [[UInt8]: PEM.Result] = [:]

    func parse(_ bytes: [UInt8]) -> PEM.Result {
        lock.lock()
        if let hit = cache[bytes] { lock.unlock(); return hit }
        lock.unlock()
        let result = PEM.parseChain(bytes)
        lock.lock()
        if cache.count > 4096 { cache.removeAll() }
        cache[bytes] = result
        lock.unlock()
        return result
    }
}
