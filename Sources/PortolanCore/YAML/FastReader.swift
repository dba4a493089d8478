import Foundation
/// Builds the node tree of a simple document without libyaml, for the documents whose bodies
/// Portolan reads (Ingresses, Services, routes...). It accepts the same conservative subset of block
/// YAML as `Skimmer` (minus folded and keep-chomped block scalars) and builds exactly the nodes,
/// texts, styles and positions libyaml's events would give; anything else — or any duplicate key,
/// which libyaml reports — makes it give up, and the document goes to libyaml. The tests compare
/// the two trees node by node.
struct FastReader {
    private let b: UnsafeBufferPointer<UInt8>
    private let end: Int
    private let tree: YAMLTree

    /// An open block container.
    struct Open {
        var node: Int
        var indent: Int
        var isSeq: Bool
        var childBase: Int
    }

    /// A key or dash whose value starts on a later line (or is empty: a null at `emptyLine:emptyColumn`).
    private struct Pending {
        var indent: Int
        var isKey: Bool
        var emptyLine: Int
        var emptyColumn: Int
    }

    private struct Fail: Error {}

    fileprivate(set) var open: [Open] = []
    fileprivate(set) var pending: [UInt32] = []
    private var waiting: Pending? = nil
    private var root: UInt32? = nil
    private var nextLine = 0     // set by a block scalar that consumed lines
    private var nextLineNumber = 0

    private init(_ b: UnsafeBufferPointer<UInt8>, end: Int, tree: YAMLTree) {
        self.b = b
        self.end = end
        self.tree = tree
    }

    /// Reads the document `b[start..<end]` (starting on line `firstLine`) into `tree`; returns its root,
    /// or nil (with the tree as it was) when the document is outside the subset.
    static func read(_ b: UnsafeBufferPointer<UInt8>, start: Int, end: Int, firstLine: Int, into tree: YAMLTree,
                     scratch: ParseScratch? = nil) -> UInt32? {
        let marks = (tree.raw.count, tree.bytes.count, tree.children.count)
        var r = FastReader(b, end: end, tree: tree)
        if let scratch {
            r.open = scratch.fastOpen; scratch.fastOpen = []
            r.pending = scratch.fastPending; scratch.fastPending = []
            r.open.removeAll(keepingCapacity: true)
            r.pending.removeAll(keepingCapacity: true)
        }
        defer {
            if let scratch { scratch.fastOpen = r.open; scratch.fastPending = r.pending }
        }
        if let root = try? r.run(start: start, firstLine: firstLine) { return root }
        tree.raw.removeSubrange(marks.0...)
        tree.bytes.removeSubrange(marks.1...)
        tree.children.removeSubrange(marks.2...)
        return nil
    }

    private mutating func run(start: Int, firstLine: Int) throws -> UInt32 {
        var i = start
        var line = firstLine
        while i < end {
            let eol = YAMLBytes.lineEnd(b, from: i, end: end)
            try scanLine(i, eol, line)
            if nextLine > 0 {
                i = nextLine; line = nextLineNumber; nextLine = 0
            } else {
                i = eol + 1; line += 1
            }
        }
        if let w = waiting { attach(empty(w.emptyLine, w.emptyColumn)); waiting = nil }
        while !open.isEmpty { try close() }
        guard let root else { throw Fail() }
        return root
    }

    // MARK: Lines

    private mutating func scanLine(_ i: Int, _ eol: Int, _ line: Int) throws {
        var c = i
        while c < eol && b[c] == 32 { c += 1 }
        if c == eol { return }
        if b[c] == 35 { try checkText(c, eol); return }
        try checkText(i, eol)
        let indent = c - i
        let isDash = b[c] == 45 && (c + 1 == eol || b[c + 1] == 32)

        if let p = waiting {
            if (isDash && (p.isKey ? indent >= p.indent : indent > p.indent)) || (!isDash && indent > p.indent) {
                waiting = nil
                try begin(isSeq: isDash, indent: indent, line: line)
            } else if indent <= p.indent {
                waiting = nil
                attach(empty(p.emptyLine, p.emptyColumn))
            } else {
                throw Fail()
            }
        }
        if open.isEmpty {
            guard indent == 0, !isDash, root == nil else { throw Fail() }
            try begin(isSeq: false, indent: 0, line: line)
        }
        while let top = open.last, top.indent > indent { try close() }
        guard let top = open.last, top.indent == indent else { throw Fail() }
        if top.isSeq && !isDash {
            try close()
            guard let parent = open.last, !parent.isSeq, parent.indent == indent else { throw Fail() }
        } else if !top.isSeq && isDash {
            throw Fail()
        }
        if open.count > 64 { throw Fail() }

        if isDash {
            var v = c + 1
            while v < eol && b[v] == 32 { v += 1 }
            if v == eol || b[v] == 35 {
                waiting = Pending(indent: indent, isKey: false, emptyLine: line, emptyColumn: c + 2 - i)
                return
            }
            if b[v] == 45 && (v + 1 == eol || b[v + 1] == 32) { throw Fail() }
            if let colon = keyEnd(v, eol) {
                try begin(isSeq: false, indent: v - i, line: line)
                try entry(keyStart: v, colon: colon, eol: eol, line: line, lineStart: i)
            } else {
                attach(try value(v, eol, line: line, lineStart: i, parentIndent: indent))
            }
            return
        }
        guard let colon = keyEnd(c, eol) else { throw Fail() }
        try entry(keyStart: c, colon: colon, eol: eol, line: line, lineStart: i)
    }

    private mutating func entry(keyStart: Int, colon: Int, eol: Int, line: Int, lineStart: Int) throws {
        attach(scalar(keyStart, colon - keyStart, flags: 0, line: line, column: keyStart - lineStart + 1))
        var v = colon + 1
        while v < eol && b[v] == 32 { v += 1 }
        let indent = open[open.count - 1].indent
        if v == eol || b[v] == 35 {
            waiting = Pending(indent: indent, isKey: true, emptyLine: line, emptyColumn: colon + 2 - lineStart)
            return
        }
        attach(try value(v, eol, line: line, lineStart: lineStart, parentIndent: indent))
    }

    // MARK: Values

    private mutating func value(_ v: Int, _ eol: Int, line: Int, lineStart: Int, parentIndent: Int) throws -> UInt32 {
        let col = v - lineStart + 1
        switch b[v] {
        case 34:
            var j = v + 1
            while j < eol && b[j] != 34 { if b[j] == 92 { throw Fail() }; j += 1 }
            guard j < eol, restIsComment(j + 1, eol) else { throw Fail() }
            return scalar(v + 1, j - v - 1, flags: ScalarStyle.quoted.rawValue, line: line, column: col)
        case 39:
            var j = v + 1
            var doubled = false
            while j < eol {
                if b[j] == 39 { if j + 1 < eol && b[j + 1] == 39 { doubled = true; j += 2; continue }; break }
                j += 1
            }
            guard j < eol, restIsComment(j + 1, eol) else { throw Fail() }
            return scalar(v + 1, j - v - 1, flags: ScalarStyle.quoted.rawValue, line: line, column: col, undouble: doubled)
        case 91, 123:
            var j = v
            let node = try flow(&j, eol, line: line, lineStart: lineStart, depth: 0)
            guard restIsComment(j, eol) else { throw Fail() }
            return node
        case 124:
            var j = v + 1
            var strip = false
            if j < eol && b[j] == 45 { strip = true; j += 1 }
            guard restIsComment(j, eol) else { throw Fail() }
            return try literal(from: eol + 1, parentIndent: parentIndent, firstLine: line + 1, strip: strip, line: line, column: col)
        default:
            let (s, n) = try plain(v, eol)
            return scalar(s, n, flags: 0, line: line, column: col)
        }
    }

    private func plain(_ v: Int, _ eol: Int) throws -> (Int, Int) {
        let r = try YAMLBytes(b: b).plain(v, eol)
        return (r.start, r.count)
    }

    /// A one-line flow collection at `j`; moves `j` past it.
    private mutating func flow(_ j: inout Int, _ eol: Int, line: Int, lineStart: Int, depth: Int) throws -> UInt32 {
        guard depth < 16 else { throw Fail() }
        let isMap = b[j] == 123
        let close: UInt8 = isMap ? 125 : 93
        let node = tree.raw.count
        tree.raw.append(.init(kind: isMap ? NodeKind.mapping.rawValue : NodeKind.sequence.rawValue, flags: 0,
                              line: UInt32(line), column: UInt32(j - lineStart + 1), start: 0, count: 0))
        let base = pending.count
        j += 1
        func skipSpaces() { while j < eol && b[j] == 32 { j += 1 } }
        skipSpaces()
        if j < eol && b[j] == close {
            j += 1
        } else {
            while true {
                skipSpaces()
                guard j < eol else { throw Fail() }
                if isMap {
                    pending.append(try flowScalar(&j, eol, isKey: true, line: line, lineStart: lineStart))
                    guard j + 1 < eol, b[j] == 58, b[j + 1] == 32 else { throw Fail() }
                    j += 2
                    skipSpaces()
                    guard j < eol else { throw Fail() }
                }
                if b[j] == 91 || b[j] == 123 {
                    pending.append(try flow(&j, eol, line: line, lineStart: lineStart, depth: depth + 1))
                } else {
                    pending.append(try flowScalar(&j, eol, isKey: false, line: line, lineStart: lineStart))
                }
                skipSpaces()
                guard j < eol else { throw Fail() }
                if b[j] == close { j += 1; break }
                guard b[j] == 44 else { throw Fail() }
                j += 1
                skipSpaces()
                guard j < eol, b[j] != close, b[j] != 44 else { throw Fail() }
            }
        }
        try finish(node, isMap: isMap, base: base)
        return UInt32(node)
    }

    private mutating func flowScalar(_ j: inout Int, _ eol: Int, isKey: Bool, line: Int, lineStart: Int) throws -> UInt32 {
        let col = j - lineStart + 1
        let (text, quoted) = try YAMLBytes(b: b).flowScalar(&j, eol, isKey: isKey)
        return scalar(text.lowerBound, text.count, flags: quoted ? ScalarStyle.quoted.rawValue : 0, line: line, column: col)
    }

    /// A literal block scalar (`|` or `|-`) whose lines start at `start`; consumes them.
    private mutating func literal(from start: Int, parentIndent: Int, firstLine: Int, strip: Bool, line: Int, column: Int) throws -> UInt32 {
        var i = start
        var number = firstLine
        var contentIndent = -1
        let textStart = tree.bytes.count
        var pendingBreaks = 0      // empty lines not yet written (dropped at the end by clip and strip)
        var wroteContent = false
        while i < end {
            let eol = YAMLBytes.lineEnd(b, from: i, end: end)
            var c = i
            while c < eol && b[c] == 32 { c += 1 }
            let indent = c - i
            if c < eol && b[c] == 9 && (contentIndent < 0 || indent < contentIndent) { throw Fail() }
            if contentIndent < 0 {
                // Leading empty lines and empty scalars are left to libyaml.
                if c == eol { throw Fail() }
                if indent <= parentIndent { throw Fail() }
                contentIndent = indent
            }
            if c == eol && indent <= contentIndent {
                pendingBreaks += 1          // an empty line
            } else if indent < contentIndent {
                if indent <= parentIndent { break }
                throw Fail()
            } else {
                try checkText(i, eol, allowTabs: true)
                if wroteContent { tree.bytes.append(10) }
                for _ in 0..<pendingBreaks { tree.bytes.append(10) }
                pendingBreaks = 0
                tree.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: b[(i + contentIndent)..<eol]))
                wroteContent = true
            }
            i = eol + 1
            number += 1
        }
        // An empty block scalar (the document ends first) is left to libyaml.
        guard wroteContent else { throw Fail() }
        if !strip { tree.bytes.append(10) }
        nextLine = i
        nextLineNumber = number
        let idx = UInt32(tree.raw.count)
        tree.raw.append(.init(kind: NodeKind.scalar.rawValue, flags: ScalarStyle.block.rawValue, line: UInt32(line),
                              column: UInt32(column), start: UInt32(truncatingIfNeeded: textStart),
                              count: UInt32(tree.bytes.count - textStart)))
        return idx
    }

    // MARK: Nodes

    private mutating func scalar(_ s: Int, _ n: Int, flags: UInt8, line: Int, column: Int, undouble: Bool = false) -> UInt32 {
        let start = tree.bytes.count
        if undouble {
            var k = s
            while k < s + n {
                tree.bytes.append(b[k])
                k += b[k] == 39 && k + 1 < s + n && b[k + 1] == 39 ? 2 : 1
            }
        } else if n > 0 {
            tree.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: b[s..<(s + n)]))
        }
        let idx = UInt32(tree.raw.count)
        tree.raw.append(.init(kind: NodeKind.scalar.rawValue, flags: flags, line: UInt32(line), column: UInt32(column),
                              start: UInt32(truncatingIfNeeded: start), count: UInt32(tree.bytes.count - start)))
        return idx
    }

    private mutating func empty(_ line: Int, _ column: Int) -> UInt32 {
        let idx = UInt32(tree.raw.count)
        tree.raw.append(.init(kind: NodeKind.scalar.rawValue, flags: 0, line: UInt32(line), column: UInt32(column),
                              start: UInt32(truncatingIfNeeded: tree.bytes.count), count: 0))
        return idx
    }

    private mutating func attach(_ node: UInt32) {
        if open.isEmpty { root = node } else { pending.append(node) }
    }

    /// Opens a block container whose first entry is on this line at `indent`.
    private mutating func begin(isSeq: Bool, indent: Int, line: Int) throws {
        let node = tree.raw.count
        tree.raw.append(.init(kind: isSeq ? NodeKind.sequence.rawValue : NodeKind.mapping.rawValue, flags: 0,
                              line: UInt32(line), column: UInt32(indent + 1), start: 0, count: 0))
        if open.isEmpty && root == nil && pending.isEmpty { root = UInt32(node) }
        open.append(Open(node: node, indent: indent, isSeq: isSeq, childBase: pending.count))
    }

    private mutating func close() throws {
        if let w = waiting { attach(empty(w.emptyLine, w.emptyColumn)); waiting = nil }
        let o = open.removeLast()
        try finish(o.node, isMap: !o.isSeq, base: o.childBase)
        if !open.isEmpty { pending.append(UInt32(o.node)) }
    }

    /// Moves a container's children from `pending` into the tree; duplicate keys go to libyaml.
    private mutating func finish(_ node: Int, isMap: Bool, base: Int) throws {
        let n = pending.count - base
        if isMap {
            guard n % 2 == 0 else { throw Fail() }
            try checkDuplicates(base: base, pairs: n / 2)
        }
        let start = UInt32(tree.children.count)
        tree.children.append(contentsOf: pending[base...])
        tree.raw[node].start = start
        tree.raw[node].count = UInt32(n)
        pending.removeSubrange(base...)
    }

    private func checkDuplicates(base: Int, pairs: Int) throws {
        guard pairs > 1 else { return }
        func text(_ k: Int) -> (Int, Int) {
            let r = tree.raw[Int(pending[base + 2 * k])]
            return (Int(r.start), Int(r.count))
        }
        if pairs <= 32 {
            for x in 0..<pairs {
                let a = text(x)
                for y in (x + 1)..<pairs {
                    let c = text(y)
                    if a.1 == c.1 && tree.bytes[a.0..<(a.0 + a.1)].elementsEqual(tree.bytes[c.0..<(c.0 + c.1)]) { throw Fail() }
                }
            }
        } else {
            var seen = Set<ArraySlice<UInt8>>()
            for x in 0..<pairs {
                let a = text(x)
                if !seen.insert(tree.bytes[a.0..<(a.0 + a.1)]).inserted { throw Fail() }
            }
        }
    }

    // MARK: Bytes

    private func keyEnd(_ k: Int, _ eol: Int) -> Int? { YAMLBytes(b: b).keyEnd(k, eol) }

    private func checkText(_ s: Int, _ e: Int, allowTabs: Bool = false) throws {
        try YAMLBytes(b: b).checkText(s, e, allowTabs: allowTabs)
    }

    private func restIsComment(_ s: Int, _ eol: Int) -> Bool { YAMLBytes(b: b).restIsComment(s, eol) }
}

/// Buffers that the skimmer and the fast reader keep from one document to the next (one per file
/// being parsed), so that each document does not allocate its stacks again.
final class ParseScratch {
    var skimKeys: [Range<Int>] = []
    var skimFrames: [Skimmer.Frame] = []
    var skimRoot: [(Skimmer.Scalar, Skimmer.RootEntry)] = []
    var skimMetadata: [Skimmer.Entry] = []
    var skimAnnotations: [Skimmer.Entry] = []

    /// Scratch objects are handed from one file to the next (a file's parse takes one and gives it back).
    nonisolated(unsafe) private static var pool: [ParseScratch] = []
    private static let poolLock = NSLock()

    static func take() -> ParseScratch {
        poolLock.lock()
        defer { poolLock.unlock() }
        return pool.popLast() ?? ParseScratch()
    }

    static func give(_ s: ParseScratch) {
        poolLock.lock()
        if pool.count < 16 { pool.append(s) }
        poolLock.unlock()
    }
    var fastOpen: [FastReader.Open] = []
    var fastPending: [UInt32] = []
}
