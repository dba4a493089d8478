import CYAML
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Limits that protect the loader from hostile input. Each is named in the problem it raises.
public struct YAMLLimits: Sendable, Hashable {
    /// Nodes that aliases may add to one document when expanded (billion laughs).
    public var aliasExpansion: Int = 1_000_000
    /// Nesting depth of sequences and mappings.
    public var maxDepth: Int = 512
    /// Documents in one file.
    public var maxDocuments: Int = 200_000
    /// Nodes in one document.
    public var maxNodesPerDocument: Int = 5_000_000
    public init() {}
}

/// A problem found while parsing one file: 1-based position and message.
public struct YAMLIssue: Sendable, Hashable {
    public var line: Int
    public var column: Int
    public var message: String
}

/// One YAML document of a file.
public struct YAMLDocument: Sendable {
    /// The root node, or nil for an empty document.
    public var root: Node?
    /// 0-based index of the document in its file.
    public var index: Int
    /// Line of the document start.
    public var line: Int
}

public struct YAMLFile: Sendable {
    public var tree: YAMLTree
    public var documents: [YAMLDocument]
    public var issues: [YAMLIssue]
    /// The documents that were skimmed (their bodies not kept) live in a tree of their own, which
    /// goes away with the file once their objects are read (nil when none was skimmed).
    public var skimmedTree: YAMLTree? = nil

    /// Every tree of the file.
    public var trees: [YAMLTree] { skimmedTree.map { [tree, $0] } ?? [tree] }
}

/// Parses a whole byte buffer (every document) with libyaml's event API.
public enum YAMLParser {
    /// `keepDocument(apiVersion, kind)`, when given, is asked once a document's top-level
    /// `apiVersion` and `kind` are known; when it answers false, the values of top-level keys other
    /// than apiVersion, kind and metadata are consumed without building nodes (aliases are still
    /// counted against the budget).
    public static func parse(_ data: [UInt8], limits: YAMLLimits = YAMLLimits(),
                             keepDocument: ((String, String) -> Bool)? = nil, skim: Bool = true) -> YAMLFile {
        let builder = TreeBuilder(limits: limits)
        builder.keepDocument = keepDocument
        data.withUnsafeBufferPointer { buf in
            // Documents whose bodies are not needed are skimmed without libyaml when they are simple
            // enough (see Skimmer); runs of the others go to libyaml as before.
            if let keep = keepDocument, skim, let segments = documentSegments(buf), segments.count <= limits.maxDocuments,
               !segments.isEmpty {
                var docIndex = 0
                var runStart: Int? = nil
                let scratch = ParseScratch.take()
                defer { ParseScratch.give(scratch) }
                func flush(_ upTo: Int) {
                    guard let a = runStart else { return }
                    runStart = nil
                    let lo = segments[a].start, hi = upTo < segments.count ? segments[upTo].start : buf.count
                    let issuesBefore = builder.issues.count
                    docIndex = parseRange(UnsafeBufferPointer(rebasing: buf[lo..<hi]), byteOffset: lo, lineOffset: segments[a].line - 1,
                                          firstDocument: docIndex, builder: builder, limits: limits)
                    // The run stops where a `---` follows: a quoted scalar left open there is reported as
                    // libyaml reports it when it reads on into the separator.
                    if hi < buf.count {
                        for k in issuesBefore..<builder.issues.count
                        where builder.issues[k].message == "while scanning a quoted scalar: found unexpected end of stream" {
                            builder.issues[k].message = "while scanning a quoted scalar: found unexpected document indicator"
                        }
                    }
                }
                for (i, seg) in segments.enumerated() {
                    let hi = i + 1 < segments.count ? segments[i + 1].start : buf.count
                    guard seg.bodyStart >= 0 else {
                        if runStart == nil { runStart = i }
                        continue
                    }
                    switch Skimmer.outcome(buf, start: seg.bodyStart, end: hi, firstLine: seg.bodyLine, wanted: keep, scratch: scratch) {
                    case .skimmed(let doc):
                        flush(i)
                        builder.addSkimmed(doc, source: buf, index: docIndex, line: seg.docLine)
                        docIndex += 1
                        continue
                    case .wanted:
                        // The whole tree is needed: built directly when the document is simple enough.
                        if let root = FastReader.read(buf, start: seg.bodyStart, end: hi, firstLine: seg.bodyLine, into: builder.tree, scratch: scratch) {
                            flush(i)
                            builder.documents.append(YAMLDocument(root: builder.tree.node(Int(root)), index: docIndex, line: seg.docLine))
                            docIndex += 1
                            continue
                        }
                    case .outside:
                        break
                    }
                    if runStart == nil { runStart = i }
                }
                flush(segments.count)
                return
            }
            _ = parseRange(buf, byteOffset: 0, lineOffset: 0, firstDocument: 0, builder: builder, limits: limits)
        }
        builder.tree.compact()
        return YAMLFile(tree: builder.tree, documents: builder.documents, issues: builder.issues, skimmedTree: builder.skimTree)
    }

    /// Parses `buf` with libyaml; after a syntax error, resumes at the next document separator so one
    /// broken document never hides the ones after it. Returns the index the next document gets.
    static func parseRange(_ buf: UnsafeBufferPointer<UInt8>, byteOffset: Int, lineOffset base: Int, firstDocument: Int,
                           builder: TreeBuilder, limits: YAMLLimits) -> Int {
        var offset = 0
        var lineOffset = base
        var docIndex = firstDocument
        while true {
            let slice = UnsafeBufferPointer(rebasing: buf[offset...])
            let outcome = builder.run(slice, lineOffset: lineOffset, firstDocument: docIndex, byteOffset: byteOffset + offset)
            docIndex = outcome.nextDocument
            guard let errorLine = outcome.errorLine else { break }
            // Resume at the first separator after the start of the broken document.
            let after = min(errorLine, outcome.brokenDocumentLine ?? errorLine) - lineOffset
            guard let next = nextDocumentStart(buf, from: offset, afterLine: max(1, after)) else { break }
            lineOffset += next.lines
            offset = next.offset
            if builder.documents.count >= limits.maxDocuments { break }
        }
        return docIndex
    }

    /// One document of a file as the separators cut it: where it starts (its `---` line, or the file
    /// start), and where its body starts (the line after a bare `---`; nil when the `---` line holds more).
    struct Segment {
        var start: Int
        var line: Int
        /// Where libyaml says the document starts: its `---` line, or its first content line.
        var docLine: Int
        var bodyStart: Int
        var bodyLine: Int
    }

    /// Cuts a file at its `---` lines. Nil when the file has directives (`%`) or document end
    /// markers (`...`), which this cut does not model: libyaml then reads the file whole.
    /// A leading part with no content (comments) is not a document, as for libyaml; it joins the next run.
    static func documentSegments(_ buf: UnsafeBufferPointer<UInt8>) -> [Segment]? {
        var out: [Segment] = []
        let n = buf.count
        var i = 0
        var line = 1
        var leadingHasContent = false
        while i < n {
            let eol = YAMLBytes.lineEnd(buf, from: i, end: n)
            var carriageReturns = 0
            var k = i
            while let cr = YAMLBytes.firstIndex(of: 13, in: buf, from: k, end: eol) {
                carriageReturns += 1
                k = cr + 1
            }
            let c = buf[i]
            if c == 37 { return nil }                                   // %YAML, %TAG
            if eol - i >= 3 && (c == 45 || c == 46) && buf[i + 1] == c && buf[i + 2] == c
                && (eol - i == 3 || buf[i + 3] == 32 || buf[i + 3] == 9 || buf[i + 3] == 13) {
                if c == 46 { return nil }                               // `...`
                // The rest of the `---` line must be empty or a comment for the body to be skimmed.
                var j = i + 3
                while j < eol && buf[j] == 32 { j += 1 }
                let bare = j == eol || (buf[j] == 35 && j > i + 3)
                out.append(Segment(start: i, line: line, docLine: line, bodyStart: bare ? eol + 1 : -1, bodyLine: line + 1))
            } else if out.isEmpty && !leadingHasContent {
                var j = i
                while j < eol && buf[j] == 32 { j += 1 }
                if j < eol && buf[j] != 35 {
                    leadingHasContent = true
                    out.append(Segment(start: 0, line: 1, docLine: line, bodyStart: 0, bodyLine: 1))
                }
            }
            // libyaml also counts a lone carriage return as a line break: so must the line numbers here
            // (one that ends the line is half of a CRLF).
            if carriageReturns > 0 { line += carriageReturns - (buf[eol - 1] == 13 ? 1 : 0) }
            i = eol + 1
            line += 1
        }
        if out.isEmpty { return [] }
        // A leading comment-only part before the first `---` is read with it (libyaml makes no document of it).
        if out[0].start != 0 { out[0].start = 0; out[0].line = 1 }
        return out
    }

    /// Finds the first line after `afterLine` (1-based, relative to `from`) that starts a new document
    /// (`---`), returning its byte offset and how many lines were skipped.
    static func nextDocumentStart(_ buf: UnsafeBufferPointer<UInt8>, from: Int, afterLine: Int) -> (offset: Int, lines: Int)? {
        var line = 1
        var i = from
        let n = buf.count
        while i < n {
            // i is at the start of line `line`
            if line > afterLine, i + 3 <= n, buf[i] == 45, buf[i + 1] == 45, buf[i + 2] == 45,
               i + 3 == n || buf[i + 3] == 10 || buf[i + 3] == 13 || buf[i + 3] == 32 || buf[i + 3] == 9 {
                return (i, line - 1)
            }
            while i < n && buf[i] != 10 {
                // A lone carriage return is a line break for libyaml too.
                if buf[i] == 13 && i + 1 < n && buf[i + 1] != 10 { line += 1 }
                i += 1
            }
            i += 1
            line += 1
        }
        return nil
    }
}

/// Builds the node arena from events. Uses explicit stacks: no recursion, so deep nesting
/// cannot overflow the call stack.
final class TreeBuilder {
    let limits: YAMLLimits
    let tree = YAMLTree()
    /// Where skimmed documents go (see `YAMLFile.skimmedTree`).
    private(set) var skimTree: YAMLTree? = nil
    var documents: [YAMLDocument] = []
    var issues: [YAMLIssue] = []

    struct Frame {
        var node: Int
        var childBase: Int       // height of `pending` when the container started
        var weight: UInt64       // expanded size of the subtree so far
        var anchor: String?
        var hasMergeKey: Bool
    }
    private var frames: [Frame] = []
    private var pending: [UInt32] = []
    private var anchors: [String: (node: UInt32?, weight: UInt64)] = [:]
    var keepDocument: ((String, String) -> Bool)?

    // Skipping the values of top-level keys that an uninteresting document does not need.
    private enum Expect { case none, apiVersion, kind }
    private var expect = Expect.none
    private var docAPIVersion: String?
    private var docKind: String?
    private var docUninteresting = false
    private var dropNextValue = false
    private var skipStack: [(weight: UInt64, anchor: String?)] = []

    init(limits: YAMLLimits) {
        self.limits = limits
    }

    struct Outcome { var errorLine: Int?; var nextDocument: Int; var brokenDocumentLine: Int? = nil }

    /// `byteOffset` and `lineOffset` place `input` in its file (for positions in messages).
    func run(_ input: UnsafeBufferPointer<UInt8>, lineOffset: Int, firstDocument: Int, byteOffset: Int = 0) -> Outcome {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) != 0 else {
            issues.append(YAMLIssue(line: 1, column: 1, message: "libyaml could not be initialised (out of memory)"))
            return Outcome(errorLine: nil, nextDocument: firstDocument)
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, input.baseAddress ?? UnsafePointer(bitPattern: 1)!, input.count)

        var docIndex = firstDocument
        var docLine = 1
        var inDocument = false
        var skipping = false          // the current document exceeded a limit: drain its events
        var root: UInt32? = nil
        var docNodes = 0
        var aliasWeight: UInt64 = 0
        var event = yaml_event_t()

        func fail(_ mark: yaml_mark_t, _ message: String) {
            issues.append(YAMLIssue(line: Int(mark.line) + 1 + lineOffset, column: Int(mark.column) + 1, message: message))
            skipping = true
            frames.removeAll(keepingCapacity: true)
            pending.removeAll(keepingCapacity: true)
        }

        while true {
            if yaml_parser_parse(&parser, &event) == 0 {
                let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
                let mark = parser.problem_mark
                var message = problem
                if let ctx = parser.context { message = "\(String(cString: ctx)): \(problem)" }
                if parser.error == YAML_READER_ERROR {
                    message = "not valid UTF-8 text (\(problem), byte offset \(Int(parser.problem_offset) + byteOffset))"
                    // Reader errors carry an offset, not a line: compute the line ourselves.
                    let (l, c) = YAMLBytes.lineColumn(input, offset: Int(parser.problem_offset))
                    issues.append(YAMLIssue(line: l + lineOffset, column: c, message: message))
                    return Outcome(errorLine: nil, nextDocument: docIndex + (inDocument ? 1 : 0))
                }
                let line = Int(mark.line) + 1
                issues.append(YAMLIssue(line: line + lineOffset, column: Int(mark.column) + 1, message: message))
                frames.removeAll(keepingCapacity: true)
                pending.removeAll(keepingCapacity: true)
                return Outcome(errorLine: line + lineOffset, nextDocument: docIndex + (inDocument ? 1 : 0),
                               brokenDocumentLine: inDocument ? docLine : nil)
            }
            defer { yaml_event_delete(&event) }
            let type = event.type
            let mark = event.start_mark

            switch type {
            case YAML_STREAM_START_EVENT:
                continue
            case YAML_STREAM_END_EVENT:
                return Outcome(errorLine: nil, nextDocument: docIndex)
            case YAML_DOCUMENT_START_EVENT:
                inDocument = true
                skipping = false
                root = nil
                docNodes = 0
                aliasWeight = 0
                anchors.removeAll(keepingCapacity: true)
                expect = .none; docAPIVersion = nil; docKind = nil; docUninteresting = false
                dropNextValue = false; skipStack.removeAll(keepingCapacity: true)
                docLine = Int(mark.line) + 1 + lineOffset
                if documents.count >= limits.maxDocuments {
                    issues.append(YAMLIssue(line: docLine, column: 1,
                        message: "more than \(limits.maxDocuments) documents in one file (limit max-documents); the rest is skipped"))
                    return Outcome(errorLine: nil, nextDocument: docIndex)
                }
                continue
            case YAML_DOCUMENT_END_EVENT:
                if !skipping {
                    documents.append(YAMLDocument(root: root.map { tree.node(Int($0)) }, index: docIndex, line: docLine))
                }
                docIndex += 1
                inDocument = false
                continue
            default:
                break
            }
            if skipping { continue }

            if dropNextValue {
                // Consume the value without building nodes; keep counting alias expansion.
                switch type {
                case YAML_ALIAS_EVENT:
                    let w = anchors[String(cString: event.data.alias.anchor)]?.weight ?? 1
                    aliasWeight &+= w
                    if aliasWeight > UInt64(limits.aliasExpansion) {
                        fail(mark, "aliases expand to more than \(limits.aliasExpansion) nodes (limit alias-expansion, a \"billion laughs\" document); the document is skipped")
                        continue
                    }
                    if !skipStack.isEmpty { skipStack[skipStack.count - 1].weight &+= w }
                case YAML_SCALAR_EVENT:
                    if let a = event.data.scalar.anchor { anchors[String(cString: a)] = (nil, 1) }
                    if !skipStack.isEmpty { skipStack[skipStack.count - 1].weight &+= 1 }
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let a = type == YAML_MAPPING_START_EVENT ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                    skipStack.append((1, a.map { String(cString: $0) }))
                    if skipStack.count > limits.maxDepth {
                        fail(mark, "nesting deeper than \(limits.maxDepth) levels (limit max-depth); the document is skipped")
                        continue
                    }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    if let f = skipStack.popLast() {
                        if let a = f.anchor { anchors[a] = (nil, f.weight) }
                        if !skipStack.isEmpty { skipStack[skipStack.count - 1].weight &+= f.weight }
                    }
                default: break
                }
                if skipStack.isEmpty { dropNextValue = false }
                continue
            }

            switch type {
            case YAML_ALIAS_EVENT:
                let name = String(cString: event.data.alias.anchor)
                guard let target = anchors[name] else {
                    fail(mark, "alias *\(name) refers to an anchor that is not defined before it")
                    continue
                }
                aliasWeight &+= target.weight
                if aliasWeight > UInt64(limits.aliasExpansion) {
                    fail(mark, "aliases expand to more than \(limits.aliasExpansion) nodes (limit alias-expansion, a \"billion laughs\" document); the document is skipped")
                    continue
                }
                if let node = target.node {
                    attach(node, weight: target.weight, root: &root)
                } else {
                    // The anchor sits in a part that was not built (a skipped value): use a null.
                    let idx = UInt32(tree.raw.count)
                    tree.raw.append(.init(kind: NodeKind.scalar.rawValue, flags: 0,
                                          line: UInt32(Int(mark.line) + 1 + lineOffset), column: UInt32(mark.column + 1),
                                          start: UInt32(truncatingIfNeeded: tree.bytes.count), count: 0))
                    attach(idx, weight: target.weight, root: &root)
                }
            case YAML_SCALAR_EVENT:
                docNodes += 1
                let s = event.data.scalar
                var flags: UInt8 = 0
                switch s.style {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE, YAML_DOUBLE_QUOTED_SCALAR_STYLE: flags |= ScalarStyle.quoted.rawValue
                case YAML_LITERAL_SCALAR_STYLE, YAML_FOLDED_SCALAR_STYLE: flags |= ScalarStyle.block.rawValue
                default: break
                }
                if s.tag != nil && s.plain_implicit == 0 && s.quoted_implicit == 0 { flags |= ScalarStyle.tagged.rawValue }
                if frames.count == 1, keepDocument != nil, tree.raw[frames[0].node].kind == NodeKind.mapping.rawValue {
                    let isKey = (pending.count - frames[0].childBase) % 2 == 0
                    let text = UnsafeBufferPointer(start: s.value, count: Int(s.length))
                    if isKey {
                        if text.elementsEqual("apiVersion".utf8) { expect = .apiVersion }
                        else if text.elementsEqual("kind".utf8) { expect = .kind }
                        else if docUninteresting && !text.elementsEqual("metadata".utf8) {
                            dropNextValue = true
                            continue
                        } else { expect = .none }
                    } else if expect != .none {
                        let value = String(decoding: text, as: UTF8.self)
                        if expect == .apiVersion { docAPIVersion = value } else { docKind = value }
                        expect = .none
                        if let v = docAPIVersion, let k = docKind, let keep = keepDocument { docUninteresting = !keep(v, k) }
                    }
                }
                let start = UInt32(truncatingIfNeeded: tree.bytes.count)
                if s.length > 0, let v = s.value {
                    tree.bytes.append(contentsOf: UnsafeBufferPointer(start: v, count: Int(s.length)))
                }
                let idx = UInt32(tree.raw.count)
                tree.raw.append(.init(kind: NodeKind.scalar.rawValue, flags: flags,
                                      line: UInt32(Int(mark.line) + 1 + lineOffset), column: UInt32(mark.column + 1),
                                      start: start, count: UInt32(truncatingIfNeeded: s.length)))
                if let a = s.anchor { anchors[String(cString: a)] = (idx, 1) }
                attach(idx, weight: 1, root: &root)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                docNodes += 1
                if frames.count >= limits.maxDepth {
                    fail(mark, "nesting deeper than \(limits.maxDepth) levels (limit max-depth); the document is skipped")
                    continue
                }
                if docNodes > limits.maxNodesPerDocument {
                    fail(mark, "more than \(limits.maxNodesPerDocument) nodes in one document (limit max-nodes); the document is skipped")
                    continue
                }
                let isMap = type == YAML_MAPPING_START_EVENT
                let anchorPtr = isMap ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                let idx = tree.raw.count
                tree.raw.append(.init(kind: isMap ? NodeKind.mapping.rawValue : NodeKind.sequence.rawValue, flags: 0,
                                      line: UInt32(Int(mark.line) + 1 + lineOffset), column: UInt32(mark.column + 1),
                                      start: 0, count: 0))
                frames.append(Frame(node: idx, childBase: pending.count, weight: 1,
                                    anchor: anchorPtr.map { String(cString: $0) }, hasMergeKey: false))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = frames.popLast() else { continue }
                let base = frame.childBase
                let start = UInt32(tree.children.count)
                // No slice of `pending` may outlive this block: removeSubrange would then copy the whole
                // buffer (quadratic on long sequences).
                if frame.hasMergeKey {
                    tree.children.append(contentsOf: applyMerge(Array(pending[base...])))
                } else {
                    if type == YAML_MAPPING_END_EVENT && pending.count - base > 2 { checkDuplicates(pending[base...]) }
                    tree.children.append(contentsOf: pending[base...])
                }
                tree.raw[frame.node].start = start
                tree.raw[frame.node].count = UInt32(tree.children.count) - start
                pending.removeSubrange(base...)
                if let a = frame.anchor { anchors[a] = (UInt32(frame.node), frame.weight) }
                attach(UInt32(frame.node), weight: frame.weight, root: &root)
            default:
                continue
            }
        }
    }

    /// Adds a skimmed document: its kept entries as nodes with their real positions.
    func addSkimmed(_ doc: Skimmer.Document, source: UnsafeBufferPointer<UInt8>, index: Int, line: Int) {
        let tree: YAMLTree
        if let t = skimTree {
            tree = t
        } else {
            // Room for a few skimmed documents (a Deployment and a ConfigMap take about 15 nodes each).
            tree = YAMLTree()
            tree.raw.reserveCapacity(64)
            tree.children.reserveCapacity(64)
            tree.bytes.reserveCapacity(1024)
            skimTree = tree
        }
        func scalar(_ s: Skimmer.Scalar) -> UInt32 {
            let start = tree.bytes.count
            let text = UnsafeBufferPointer(rebasing: source[s.start..<(s.start + s.count)])
            if s.style == .singleQuoted {
                // `''` reads as `'`.
                var j = 0
                while j < text.count {
                    tree.bytes.append(text[j])
                    j += text[j] == 39 && j + 1 < text.count && text[j + 1] == 39 ? 2 : 1
                }
            } else {
                tree.bytes.append(contentsOf: text)
            }
            let idx = UInt32(tree.raw.count)
            tree.raw.append(.init(kind: NodeKind.scalar.rawValue, flags: s.style == .plain ? 0 : ScalarStyle.quoted.rawValue,
                                  line: UInt32(s.line), column: UInt32(s.column), start: UInt32(truncatingIfNeeded: start),
                                  count: UInt32(tree.bytes.count - start)))
            return idx
        }
        func null(_ line: Int, _ column: Int) -> UInt32 {
            let idx = UInt32(tree.raw.count)
            tree.raw.append(.init(kind: NodeKind.scalar.rawValue, flags: 0, line: UInt32(line), column: UInt32(column),
                                  start: UInt32(truncatingIfNeeded: tree.bytes.count), count: 0))
            return idx
        }
        func mapping(_ line: Int, _ column: Int, _ entries: [Skimmer.Entry]) -> UInt32 {
            // The children are collected on the stack (nested mappings add theirs to the tree first).
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 2 * entries.count) { kids in
                var n = 0
                for e in entries {
                    let k = e.key
                    kids[n] = scalar(k)
                    switch e.value {
                    case .scalar(let s): kids[n + 1] = scalar(s)
                    case .mapping(let l, let c, let e): kids[n + 1] = mapping(l, c, e)
                    case .dropped: kids[n + 1] = null(k.line, k.column + k.count + 1)
                    }
                    n += 2
                }
                let idx = UInt32(tree.raw.count)
                tree.raw.append(.init(kind: NodeKind.mapping.rawValue, flags: 0, line: UInt32(line), column: UInt32(column),
                                      start: UInt32(tree.children.count), count: UInt32(n)))
                tree.children.append(contentsOf: UnsafeBufferPointer(rebasing: kids[..<n]))
                return idx
            }
        }
        let root = mapping(doc.line, doc.column, doc.entries)
        documents.append(YAMLDocument(root: tree.node(Int(root)), index: index, line: line))
    }

    @inline(__always)
    private func attach(_ node: UInt32, weight: UInt64, root: inout UInt32?) {
        if frames.isEmpty {
            root = node
            return
        }
        let top = frames.count - 1
        frames[top].weight &+= weight
        // A plain `<<` key in a mapping marks a merge.
        if tree.raw[frames[top].node].kind == NodeKind.mapping.rawValue,
           (pending.count - frames[top].childBase) % 2 == 0 {
            let r = tree.raw[Int(node)]
            if r.kind == NodeKind.scalar.rawValue, r.flags == 0, r.count == 2,
               tree.bytes[Int(r.start)] == 60, tree.bytes[Int(r.start) + 1] == 60 {
                frames[top].hasMergeKey = true
            }
        }
        pending.append(node)
    }

    private func keyBytes(_ node: UInt32) -> ArraySlice<UInt8>? {
        let r = tree.raw[Int(node)]
        guard r.kind == NodeKind.scalar.rawValue else { return nil }
        return tree.bytes[Int(r.start)..<Int(r.start + r.count)]
    }

    private func isMergeKey(_ node: UInt32) -> Bool {
        let r = tree.raw[Int(node)]
        return r.kind == NodeKind.scalar.rawValue && r.flags == 0 && keyBytes(node) == [60, 60][...]
    }

    /// Resolves `<<` merge keys: explicit keys win, then the merged mappings in order.
    private func applyMerge(_ entries: [UInt32]) -> [UInt32] {
        var own: [UInt32] = []
        var sources: [UInt32] = []
        var i = 0
        while i + 1 < entries.count {
            if isMergeKey(entries[i]) {
                let v = tree.raw[Int(entries[i + 1])]
                if v.kind == NodeKind.mapping.rawValue {
                    sources.append(entries[i + 1])
                } else if v.kind == NodeKind.sequence.rawValue {
                    for j in 0..<Int(v.count) {
                        let c = tree.children[Int(v.start) + j]
                        if tree.raw[Int(c)].kind == NodeKind.mapping.rawValue { sources.append(c) }
                    }
                }
            } else {
                own.append(entries[i]); own.append(entries[i + 1])
            }
            i += 2
        }
        var seen = Set<ArraySlice<UInt8>>()
        for k in stride(from: 0, to: own.count, by: 2) { if let b = keyBytes(own[k]) { seen.insert(b) } }
        var out = own
        for s in sources {
            let r = tree.raw[Int(s)]
            for j in stride(from: 0, to: Int(r.count), by: 2) {
                let k = tree.children[Int(r.start) + j]
                let v = tree.children[Int(r.start) + j + 1]
                if let b = keyBytes(k) {
                    if seen.contains(b) { continue }
                    seen.insert(b)
                }
                out.append(k); out.append(v)
            }
        }
        return out
    }

    private func checkDuplicates(_ entries: ArraySlice<UInt32>) {
        let n = entries.count / 2
        let base = entries.startIndex
        if n <= 24 {
            for a in 0..<n {
                guard let ka = keyBytes(entries[base + 2 * a]) else { continue }
                for b in (a + 1)..<n where keyBytes(entries[base + 2 * b]) == ka {
                    reportDuplicate(first: entries[base + 2 * a], second: entries[base + 2 * b])
                }
            }
        } else {
            var seen: [ArraySlice<UInt8>: UInt32] = [:]
            for a in 0..<n {
                let k = entries[base + 2 * a]
                guard let kb = keyBytes(k) else { continue }
                if let first = seen[kb] { reportDuplicate(first: first, second: k) } else { seen[kb] = k }
            }
        }
    }

    private func reportDuplicate(first: UInt32, second: UInt32) {
        let f = tree.raw[Int(first)], s = tree.raw[Int(second)]
        let name = String(decoding: keyBytes(second) ?? [], as: UTF8.self)
        issues.append(YAMLIssue(line: Int(s.line), column: Int(s.column),
            message: "duplicate key \"\(TextSafety.visible(name))\" (first at line \(f.line)); the last value is used"))
    }
}
