/// Reads the identity of a document whose body Portolan does not need (a Deployment, a ConfigMap)
/// without running libyaml over it: `apiVersion`, `kind`, `metadata.name`, `namespace`,
/// `generateName` and the `portolan.dev/ignore` annotation, with their positions.
///
/// It accepts only a conservative subset of block YAML that it can check completely — plain keys,
/// one-line plain and quoted scalars, one-line flow collections, literal and folded block scalars,
/// consistent indentation, ASCII text — and answers nil for anything else (tabs, anchors, tags,
/// multi-line scalars, escapes, duplicate keys in what libyaml would build...), so the document goes
/// to libyaml exactly as before. Whatever it accepts is valid YAML with the same meaning; the tests
/// compare it with libyaml document by document.
struct Skimmer {
    /// A scalar in the file: byte range of its text (inside quotes for quoted ones) and position.
    struct Scalar {
        var start: Int
        var count: Int
        var style: Style
        var line: Int
        var column: Int
        enum Style { case plain, singleQuoted, doubleQuoted }
    }

    /// What a kept key maps to.
    enum Value {   // not indirect: the array in `.mapping` already breaks the recursion (no box per value)
        case scalar(Scalar)
        /// A mapping (metadata, annotations) with its first key's position and its kept entries.
        case mapping(line: Int, column: Int, entries: [Entry])
        /// A value that is not kept (a nested block or a flow collection): built as null.
        case dropped
    }

    struct Entry {
        var key: Scalar
        var value: Value
    }

    struct Document {
        /// The root mapping's first key position (where libyaml's mapping starts).
        var line: Int
        var column: Int
        /// Kept root entries: the first key whatever it is, apiVersion, kind, metadata.
        var entries: [Entry]
        var apiVersion: String
        var kind: String
    }

    private let b: UnsafeBufferPointer<UInt8>
    private let end: Int

    init(_ b: UnsafeBufferPointer<UInt8>, end: Int) {
        self.b = b
        self.end = end
    }

    // MARK: Frames

    enum Role { case root, metadata, annotations, inMetadata, other }

    struct Frame {
        var indent: Int
        var isSeq: Bool
        var role: Role
        /// Where this frame's keys start in `keys` (only maps whose duplicates libyaml would report keep keys).
        var keyBase: Int
        var tracks: Bool { role == .root || role == .metadata || role == .annotations || role == .inMetadata }
    }

    /// Keys seen (byte ranges) by the open frames that track duplicates, innermost last.
    private var keys: [Range<Int>] = []

    private mutating func push(_ frames: inout [Frame], indent: Int, isSeq: Bool, role: Role) {
        frames.append(Frame(indent: indent, isSeq: isSeq, role: role, keyBase: keys.count))
    }

    private mutating func pop(_ frames: inout [Frame]) {
        let f = frames.removeLast()
        if keys.count > f.keyBase { keys.removeSubrange(f.keyBase...) }
    }

    /// A key or dash whose value is a nested block that starts on a later line.
    private struct Pending {
        var indent: Int
        var isKey: Bool
        var role: Role
        /// Where a kept mapping (metadata, annotations) is recorded.
        var target: Target?
    }

    private enum Target { case metadata, annotations }

    private struct Fail: Error {}

    // MARK: Entry point

    /// Skims the document `b[start..<end]` (which starts at a line start, after any `---` line, on the
    /// 1-based line `firstLine`); nil when the document is outside the subset or its body is `wanted`.
    static func skim(_ b: UnsafeBufferPointer<UInt8>, start: Int, end: Int, firstLine: Int,
                     wanted: @escaping (String, String) -> Bool) -> Document? {
        if case .skimmed(let d) = outcome(b, start: start, end: end, firstLine: firstLine, wanted: wanted) { return d }
        return nil
    }

    enum Outcome {
        case skimmed(Document)
        /// Portolan needs the body (known as soon as apiVersion and kind are read).
        case wanted
        /// Outside the subset: libyaml reads it.
        case outside
    }

    static func outcome(_ b: UnsafeBufferPointer<UInt8>, start: Int, end: Int, firstLine: Int,
                        wanted: @escaping (String, String) -> Bool, scratch: ParseScratch? = nil) -> Outcome {
        var s = Skimmer(b, end: end)
        s.wanted = wanted
        if let scratch {
            s.keys = scratch.skimKeys; scratch.skimKeys = []
            s.keys.removeAll(keepingCapacity: true)
            s.framesBuffer = scratch.skimFrames; scratch.skimFrames = []
            // The capture lists are reused too (emptied, capacity kept): no allocation per document.
            s.rootEntries = scratch.skimRoot; scratch.skimRoot = []
            s.rootEntries.removeAll(keepingCapacity: true)
            s.metadataEntries = scratch.skimMetadata; scratch.skimMetadata = []
            s.metadataEntries.removeAll(keepingCapacity: true)
            s.annotationEntries = scratch.skimAnnotations; scratch.skimAnnotations = []
            s.annotationEntries.removeAll(keepingCapacity: true)
        }
        defer {
            if let scratch {
                scratch.skimKeys = s.keys; scratch.skimFrames = s.framesBuffer
                scratch.skimRoot = s.rootEntries; scratch.skimMetadata = s.metadataEntries
                scratch.skimAnnotations = s.annotationEntries
            }
        }
        do {
            return .skimmed(try s.run(start: start, firstLine: firstLine, wanted: wanted))
        } catch is Wanted {
            return .wanted
        } catch {
            return .outside
        }
    }

    /// The frame stack's storage, kept between documents.
    private var framesBuffer: [Frame] = []

    private struct Wanted: Error {}
    private var wanted: ((String, String) -> Bool)? = nil

    // Captured pieces.
    private var apiVersion: Scalar? = nil
    private var kind: Scalar? = nil
    private var metadataStart: (line: Int, column: Int)? = nil
    private var metadataEntries: [Entry] = []
    private var annotationsKey: Scalar? = nil
    private var annotationsStart: (line: Int, column: Int)? = nil
    private var annotationEntries: [Entry] = []

    private mutating func run(start: Int, firstLine: Int, wanted: (String, String) -> Bool) throws -> Document {
        var frames = framesBuffer
        framesBuffer = []
        frames.removeAll(keepingCapacity: true)
        defer { framesBuffer = frames }
        var pending: Pending? = nil
        var i = start
        var line = firstLine
        while i < end {
            let eol = YAMLBytes.lineEnd(b, from: i, end: end)
            try scanLine(i, eol, number: line, frames: &frames, pending: &pending)
            if blockEnd > 0 {
                // A block scalar consumed the lines after this one.
                i = blockEnd; line = blockEndLine; blockEnd = 0
            } else {
                i = eol + 1; line += 1
            }
        }
        guard let apiVersion, let kind else { throw Fail() }
        let v = text(apiVersion), k = text(kind)
        // Null values go to libyaml (the reader reports them); bodies the model needs too.
        guard !isNullPlain(apiVersion), !isNullPlain(kind), !wanted(v, k) else { throw Fail() }
        var entries: [Entry] = []
        for (key, what) in rootEntries {
            switch what {
            case .apiVersion: entries.append(Entry(key: key, value: .scalar(apiVersion)))
            case .kind: entries.append(Entry(key: key, value: .scalar(kind)))
            case .other: entries.append(Entry(key: key, value: .dropped))
            case .metadata:
                guard let ms = metadataStart else { entries.append(Entry(key: key, value: .dropped)); continue }
                var meta = metadataEntries
                if let ak = annotationsKey {
                    if let a = annotationsStart {
                        meta.append(Entry(key: ak, value: .mapping(line: a.line, column: a.column, entries: annotationEntries)))
                    } else {
                        meta.append(Entry(key: ak, value: .dropped))
                    }
                }
                entries.append(Entry(key: key, value: .mapping(line: ms.line, column: ms.column, entries: meta)))
            }
        }
        guard let first = entries.first?.key else { throw Fail() }
        return Document(line: first.line, column: first.column, entries: entries, apiVersion: v, kind: k)
    }

    enum RootEntry { case apiVersion, kind, metadata, other }
    /// Root keys kept, in document order: the first key whatever it is, apiVersion, kind, metadata.
    private var rootEntries: [(Scalar, RootEntry)] = []

    /// One line `[i, eol)` of the document.
    private mutating func scanLine(_ i: Int, _ eol: Int, number line: Int, frames: inout [Frame], pending: inout Pending?) throws {
        var c = i
        while c < eol && b[c] == 32 { c += 1 }
        if c == eol { return }                              // blank
        if b[c] == 35 { try checkText(c, eol); return }     // comment line
        try checkText(i, eol)
        let indent = c - i
        let isDash = b[c] == 45 && (c + 1 == eol || b[c + 1] == 32)

        if let p = pending {
            if (isDash && (p.isKey ? indent >= p.indent : indent > p.indent)) || (!isDash && indent > p.indent) {
                // The nested block starts. Kept mappings (metadata, annotations) must be mappings.
                if isDash && p.target != nil { throw Fail() }
                push(&frames, indent: indent, isSeq: isDash, role: p.role)
                if !isDash { open(p.target, line: line, column: indent + 1) }
                pending = nil
            } else if indent <= p.indent {
                pending = nil                                // the value was null
            } else {
                throw Fail()
            }
        }
        if frames.isEmpty {
            // The root: a block mapping at column 1.
            guard indent == 0, !isDash else { throw Fail() }
            push(&frames, indent: 0, isSeq: false, role: .root)
        }
        while !frames.isEmpty && frames[frames.count - 1].indent > indent { pop(&frames) }
        guard !frames.isEmpty, frames[frames.count - 1].indent == indent else { throw Fail() }
        let top = (isSeq: frames[frames.count - 1].isSeq, indent: indent)
        if top.isSeq && !isDash {
            // A compact sequence under a key ends at the next key of that mapping.
            pop(&frames)
            guard let parent = frames.last, !parent.isSeq, parent.indent == indent else { throw Fail() }
        } else if !top.isSeq && isDash {
            throw Fail()
        }
        if frames.count > 64 { throw Fail() }

        if isDash {
            // A sequence entry: `-`, `- value`, `- key: value`.
            let role = frames[frames.count - 1].role
            var v = c + 1
            while v < eol && b[v] == 32 { v += 1 }
            if v == eol || b[v] == 35 {
                pending = Pending(indent: indent, isKey: false, role: childRole(role), target: nil)
                return
            }
            if b[v] == 45 && (v + 1 == eol || b[v + 1] == 32) { throw Fail() }   // `- - x`
            if let colon = keyEnd(v, eol) {
                // A mapping starts inside the entry, at the key's column.
                push(&frames, indent: v - i, isSeq: false, role: childRole(role))
                pending = try entry(&frames[frames.count - 1], keyStart: v, colon: colon, eol: eol, line: line, lineStart: i)
            } else {
                _ = try value(v, eol, line: line, lineStart: i, parentIndent: indent)
            }
            return
        }
        guard let colon = keyEnd(c, eol) else { throw Fail() }
        pending = try entry(&frames[frames.count - 1], keyStart: c, colon: colon, eol: eol, line: line, lineStart: i)
    }

    private var blockEnd = 0
    private var blockEndLine = 0

    private func childRole(_ r: Role) -> Role {
        switch r {
        case .metadata, .annotations, .inMetadata: return .inMetadata
        default: return .other
        }
    }

    private mutating func open(_ t: Target?, line: Int, column: Int) {
        switch t {
        case .metadata?: metadataStart = (line, column)
        case .annotations?: annotationsStart = (line, column)
        case nil: break
        }
    }

    private enum Keep { case none, apiVersion, kind, metadata(Scalar), annotation(Scalar) }

    /// One `key: value` at `keyStart`; returns the pending nested value, if any.
    private mutating func entry(_ frame: inout Frame, keyStart: Int, colon: Int, eol: Int, line: Int, lineStart: Int) throws -> Pending? {
        let key = Scalar(start: keyStart, count: colon - keyStart, style: .plain, line: line, column: keyStart - lineStart + 1)
        if frame.tracks {
            let r = keyStart..<colon
            var k = frame.keyBase
            while k < keys.count {
                if keys[k].count == r.count && bytesEqual(keys[k].lowerBound, r.lowerBound, r.count) { throw Fail() }
                k += 1
            }
            keys.append(r)
        }
        var v = colon + 1
        while v < eol && b[v] == 32 { v += 1 }
        let nested = v == eol || b[v] == 35
        let role = frame.role

        // What the identity needs, by where the key is.
        var target: Target? = nil
        var childRole = self.childRole(role)
        var keep = Keep.none
        switch role {
        case .root:
            if equals(key, "apiVersion") || equals(key, "kind") {
                guard !nested else { throw Fail() }
                let isKind = equals(key, "kind")
                keep = isKind ? .kind : .apiVersion
                rootEntries.append((key, isKind ? .kind : .apiVersion))
            } else if equals(key, "metadata") {
                guard nested else { throw Fail() }
                rootEntries.append((key, .metadata))
                target = .metadata
                childRole = .metadata
            } else {
                // libyaml builds (and checks) values that come before both apiVersion and kind.
                guard apiVersion != nil && kind != nil else { throw Fail() }
                if rootEntries.isEmpty { rootEntries.append((key, .other)) }
            }
        case .metadata:
            if equals(key, "name") || equals(key, "namespace") || equals(key, "generateName") {
                guard !nested else { throw Fail() }
                keep = .metadata(key)
            } else if equals(key, "annotations") {
                annotationsKey = key
                if nested {
                    target = .annotations
                    childRole = .annotations
                } else {
                    // `annotations: {}` holds nothing; any other inline form goes to libyaml.
                    guard eol - v >= 2, b[v] == 123, b[v + 1] == 125, restIsComment(v + 2, eol) else { throw Fail() }
                    return nil
                }
            }
        case .annotations:
            if equals(key, "portolan.dev/ignore") {
                guard !nested else { throw Fail() }
                keep = .annotation(key)
            }
        default:
            break
        }
        if nested {
            return Pending(indent: frame.indent, isKey: true, role: childRole, target: target)
        }
        let s = try value(v, eol, line: line, lineStart: lineStart, parentIndent: frame.indent)
        if case .none = keep { return nil }
        guard let s else { throw Fail() }    // kept values must be one-line scalars
        switch keep {
        case .apiVersion, .kind:
            if case .kind = keep { kind = s } else { apiVersion = s }
            // Once both are known, a document whose body is needed stops here (the caller reads it whole).
            if let a = apiVersion, let k = kind, let wanted, !isNullPlain(a), !isNullPlain(k), wanted(text(a), text(k)) {
                throw Wanted()
            }
        case .metadata(let k): metadataEntries.append(Entry(key: k, value: .scalar(s)))
        case .annotation(let k): annotationEntries.append(Entry(key: k, value: .scalar(s)))
        case .none: break
        }
        return nil
    }

    /// An inline value starting at `v`: a scalar (returned), a flow collection, or a block scalar
    /// (which consumes the following lines: `blockEnd` says where the next line starts).
    private mutating func value(_ v: Int, _ eol: Int, line: Int, lineStart: Int, parentIndent: Int) throws -> Scalar? {
        let col = v - lineStart + 1
        switch b[v] {
        case 34:   // "..."
            var j = v + 1
            while j < eol && b[j] != 34 { if b[j] == 92 { throw Fail() }; j += 1 }
            guard j < eol, restIsComment(j + 1, eol) else { throw Fail() }
            return Scalar(start: v + 1, count: j - v - 1, style: .doubleQuoted, line: line, column: col)
        case 39:   // '...'
            var j = v + 1
            while j < eol {
                if b[j] == 39 { if j + 1 < eol && b[j + 1] == 39 { j += 2; continue }; break }
                j += 1
            }
            guard j < eol, restIsComment(j + 1, eol) else { throw Fail() }
            return Scalar(start: v + 1, count: j - v - 1, style: .singleQuoted, line: line, column: col)
        case 91, 123:   // [ or {
            var j = v
            try flow(&j, eol, depth: 0)
            guard restIsComment(j, eol) else { throw Fail() }
            return nil
        case 124, 62:   // | or >
            var j = v + 1
            if j < eol && (b[j] == 45 || b[j] == 43) { j += 1 }
            guard restIsComment(j, eol) else { throw Fail() }
            try blockScalar(from: eol + 1, parentIndent: parentIndent, firstLine: line + 1)
            return nil
        default:
            return try plain(v, eol, line: line, column: col)
        }
    }

    /// A one-line plain scalar in block context.
    private func plain(_ v: Int, _ eol: Int, line: Int, column: Int) throws -> Scalar {
        let (start, count) = try YAMLBytes(b: b).plain(v, eol)
        return Scalar(start: start, count: count, style: .plain, line: line, column: column)
    }

    /// A one-line flow collection starting at `j` (`[` or `{`); moves `j` past its end.
    private func flow(_ j: inout Int, _ eol: Int, depth: Int) throws {
        guard depth < 16 else { throw Fail() }
        let isMap = b[j] == 123
        let close: UInt8 = isMap ? 125 : 93
        j += 1
        var keys: [Range<Int>] = []
        func skipSpaces() { while j < eol && b[j] == 32 { j += 1 } }
        skipSpaces()
        if j < eol && b[j] == close { j += 1; return }
        while true {
            skipSpaces()
            guard j < eol else { throw Fail() }
            if isMap {
                let k = try flowScalar(&j, eol, isKey: true)
                if k.count >= 1000 { throw Fail() }
                for r in keys where r.count == k.count && bytesEqual(r.lowerBound, k.lowerBound, k.count) { throw Fail() }
                keys.append(k)
                guard j + 1 < eol, b[j] == 58, b[j + 1] == 32 else { throw Fail() }
                j += 2
                skipSpaces()
                guard j < eol else { throw Fail() }
            }
            if b[j] == 91 || b[j] == 123 { try flow(&j, eol, depth: depth + 1) } else { _ = try flowScalar(&j, eol, isKey: false) }
            skipSpaces()
            guard j < eol else { throw Fail() }
            if b[j] == close { j += 1; return }
            guard b[j] == 44 else { throw Fail() }
            j += 1
            skipSpaces()
            guard j < eol, b[j] != close, b[j] != 44 else { throw Fail() }   // no empty or trailing entries
        }
    }

    /// A scalar inside a flow collection; returns its text range (for duplicate keys).
    private func flowScalar(_ j: inout Int, _ eol: Int, isKey: Bool) throws -> Range<Int> {
        try YAMLBytes(b: b).flowScalar(&j, eol, isKey: isKey).text
    }

    /// Consumes the lines of a literal or folded block scalar after its header line.
    private mutating func blockScalar(from start: Int, parentIndent: Int, firstLine: Int) throws {
        var i = start
        var line = firstLine
        var contentIndent = -1
        while i < end {
            let eol = YAMLBytes.lineEnd(b, from: i, end: end)
            var c = i
            while c < eol && b[c] == 32 { c += 1 }
            let indent = c - i
            // libyaml reads indentation up to the block's indent (any, while it is still being
            // detected): a tab there is an error.
            if c < eol && b[c] == 9 && (contentIndent < 0 || indent < contentIndent) { throw Fail() }
            if c == eol {
                // A blank line: before the first content line it may not hold spaces (libyaml is strict there).
                if contentIndent < 0 && indent > 0 { throw Fail() }
            } else {
                if contentIndent < 0 {
                    if indent <= parentIndent { break }
                    contentIndent = indent
                }
                if indent < contentIndent {
                    if indent <= parentIndent { break }
                    throw Fail()
                }
                try checkText(i, eol, allowTabs: true)
            }
            i = eol + 1
            line += 1
        }
        blockEnd = i
        blockEndLine = line
    }

    // MARK: Bytes

    private func keyEnd(_ k: Int, _ eol: Int) -> Int? { YAMLBytes(b: b).keyEnd(k, eol) }

    private func checkText(_ s: Int, _ e: Int, allowTabs: Bool = false) throws {
        try YAMLBytes(b: b).checkText(s, e, allowTabs: allowTabs)
    }

    private func restIsComment(_ s: Int, _ eol: Int) -> Bool { YAMLBytes(b: b).restIsComment(s, eol) }

    private func bytesEqual(_ a: Int, _ c: Int, _ n: Int) -> Bool {
        var k = 0
        while k < n { if b[a + k] != b[c + k] { return false }; k += 1 }
        return true
    }

    private func equals(_ s: Scalar, _ text: StaticString) -> Bool {
        guard text.utf8CodeUnitCount == s.count else { return false }
        let p = text.utf8Start
        var k = 0
        while k < s.count { if b[s.start + k] != p[k] { return false }; k += 1 }
        return true
    }

    private func isNullPlain(_ s: Scalar) -> Bool {
        guard s.style == .plain else { return false }
        return s.count == 0 || equals(s, "~") || equals(s, "null") || equals(s, "Null") || equals(s, "NULL")
    }

    /// The scalar's text (single-quoted `''` read as `'`).
    func text(_ s: Scalar) -> String {
        String(decoding: bytes(s), as: UTF8.self)
    }

    /// The scalar's value as bytes (single-quoted `''` read as `'`).
    func bytes(_ s: Scalar) -> [UInt8] {
        let raw = UnsafeBufferPointer(rebasing: b[s.start..<(s.start + s.count)])
        guard s.style == .singleQuoted else { return Array(raw) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var j = 0
        while j < raw.count {
            out.append(raw[j])
            j += raw[j] == 39 && j + 1 < raw.count && raw[j + 1] == 39 ? 2 : 1
        }
        return out
    }
}
