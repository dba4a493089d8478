#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A compact, read-only tree of YAML nodes built from libyaml events.
///
/// All documents of one file share one arena: fixed-size node records, one byte buffer
/// holding every scalar's text, and one array of child indices. A `Node` is a cheap view
/// (tree + index). Every node keeps its 1-based line and column.
public final class YAMLTree: @unchecked Sendable {
    /// One node in 16 bytes (four records per cache line: key lookups read many of them).
    @usableFromInline
    struct Raw {
        /// Bits 0-1: NodeKind raw value; 2-4: ScalarStyle bits (scalars); 5-31: column (a column past
        /// 2^27 - 1 is stored as that).
        @usableFromInline var meta: UInt32
        @usableFromInline var line: UInt32
        @usableFromInline var start: UInt32     // scalar: byte offset; container: offset into children
        @usableFromInline var count: UInt32     // scalar: byte length; container: entries (a mapping stores key, value, key, value...)

        @usableFromInline static let maxColumn: UInt32 = (1 << 27) - 1

        @inlinable init(kind: UInt8, flags: UInt8, line: UInt32, column: UInt32, start: UInt32, count: UInt32) {
            meta = UInt32(kind & 3) | UInt32(flags & 7) << 2 | min(column, Raw.maxColumn) << 5
            self.line = line; self.start = start; self.count = count
        }

        @inlinable var kind: UInt8 { UInt8(truncatingIfNeeded: meta & 3) }
        @inlinable var flags: UInt8 { UInt8(truncatingIfNeeded: (meta >> 2) & 7) }
        @inlinable var column: UInt32 { meta >> 5 }
    }

    /// While the tree is built: growing arrays. `compact()` moves them into fixed buffers (the tree
    /// is then frozen), which nodes read directly: array access from a class property goes through
    /// closures and reference counting, and node lookups are among the hottest code there is.
    @usableFromInline var raw: ContiguousArray<Raw> = []
    @usableFromInline var bytes: ContiguousArray<UInt8> = []
    @usableFromInline var children: ContiguousArray<UInt32> = []
    @usableFromInline var frozen = false
    @usableFromInline var frozenRaw = UnsafeMutableBufferPointer<Raw>(start: nil, count: 0)
    @usableFromInline var frozenBytes = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)
    @usableFromInline var frozenChildren = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)

    deinit {
        if frozen { frozenRaw.deallocate(); frozenBytes.deallocate(); frozenChildren.deallocate() }
    }

    /// The record of node `i`.
    @inlinable func record(_ i: Int) -> Raw { frozen ? frozenRaw[i] : raw[i] }
    /// Entry `i` of the children list.
    @inlinable func child(_ i: Int) -> UInt32 { frozen ? frozenChildren[i] : children[i] }
    /// Number of nodes.
    public var nodeCount: Int { frozen ? frozenRaw.count : raw.count }

    /// Every scalar byte of the tree (scalars index into it).
    @inlinable func withAllBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        frozen ? body(UnsafeBufferPointer(frozenBytes)) : bytes.withUnsafeBufferPointer(body)
    }
    /// For trees built from several files (kustomize patches): the file of each node, as an index
    /// into `fileNames`. Nil for parsed trees, whose nodes all come from the resource's file.
    var nodeFiles: ContiguousArray<UInt16>? = nil
    var fileNames: [String] = []

    init() {}

    /// The file a node was written in, when the tree mixes files (nil: the resource's own file).
    public func file(of index: UInt32) -> String? {
        guard let nf = nodeFiles, Int(index) < nf.count else { return nil }
        let f = Int(nf[Int(index)])
        return f < fileNames.count ? fileNames[f] : nil
    }

    /// Bytes of memory held by this tree (for limits and diagnostics).
    public var footprint: Int {
        frozen ? frozenRaw.count * MemoryLayout<Raw>.stride + frozenBytes.count + frozenChildren.count * 4
               : raw.count * MemoryLayout<Raw>.stride + bytes.count + children.count * 4
    }

    public func node(_ index: Int) -> Node { Node(tree: self, index: UInt32(index)) }

    /// Where the records, child lists and scalar bytes of the subtree at `index` roughly start (a
    /// frozen tree's nodes come in document order; a container's child list is written when it ends,
    /// so a subtree's lists end with its root's). Addresses only: for prefetching.
    func spans(of index: UInt32) -> (records: UnsafeRawPointer, children: UnsafeRawPointer, bytes: UnsafeRawPointer)? {
        guard frozen, let raws = frozenRaw.baseAddress, let children = frozenChildren.baseAddress,
              let bytes = frozenBytes.baseAddress, Int(index) < frozenRaw.count else { return nil }
        let r = raws[Int(index)]
        let listsEnd = r.kind == NodeKind.scalar.rawValue ? 0 : Int(r.start + r.count)
        let firstScalar = Int(index) + 1 < frozenRaw.count ? Int(raws[Int(index) + 1].start) : 0
        return (UnsafeRawPointer(raws + Int(index)),
                UnsafeRawPointer(children + max(0, listsEnd - 128)),
                UnsafeRawPointer(bytes + min(firstScalar, frozenBytes.count)))
    }

    /// Freezes the tree: its arrays move into buffers of exactly their size (dropping the spare
    /// capacity growing left behind; trees live as long as the model). Nothing is added afterwards.
    func compact() {
        guard !frozen else { return }
        func exact<T>(_ a: inout ContiguousArray<T>) -> UnsafeMutableBufferPointer<T> {
            let b = UnsafeMutableBufferPointer<T>.allocate(capacity: a.count)
            _ = b.initialize(from: a)
            a = []
            return b
        }
        frozenRaw = exact(&raw)
        frozenBytes = exact(&bytes)
        frozenChildren = exact(&children)
        frozen = true
    }

    /// Overwrites a scalar's text with zero bytes (used for Secret values once they are read).
    func wipeScalar(_ index: UInt32) {
        let r = record(Int(index))
        guard r.kind == NodeKind.scalar.rawValue, r.count > 0 else { return }
        if frozen {
            for i in Int(r.start)..<Int(r.start + r.count) { frozenBytes[i] = 0 }
            frozenRaw[Int(index)].count = 0
        } else {
            for i in Int(r.start)..<Int(r.start + r.count) { bytes[i] = 0 }
            raw[Int(index)].count = 0
        }
    }
}

public enum NodeKind: UInt8, Sendable {
    case scalar = 0, sequence = 1, mapping = 2
}

/// 1-based position in a file.
public struct SourceMark: Hashable, Sendable, Comparable {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) { self.line = line; self.column = column }
    public static func < (a: SourceMark, b: SourceMark) -> Bool {
        a.line != b.line ? a.line < b.line : a.column < b.column
    }
}

public struct ScalarStyle: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let quoted = ScalarStyle(rawValue: 1)     // single or double quotes
    public static let block = ScalarStyle(rawValue: 2)      // literal | or folded >
    public static let tagged = ScalarStyle(rawValue: 4)     // an explicit tag such as !!str
}

/// A view of one node in a `YAMLTree`.
public struct Node: Sendable {
    public let tree: YAMLTree
    public let index: UInt32

    @inlinable var raw: YAMLTree.Raw { tree.record(Int(index)) }

    public var kind: NodeKind { NodeKind(rawValue: raw.kind)! }
    public var mark: SourceMark { let r = raw; return SourceMark(line: Int(r.line), column: Int(r.column)) }
    public var line: Int { Int(raw.line) }
    public var style: ScalarStyle { ScalarStyle(rawValue: raw.flags) }

    public var isScalar: Bool { raw.kind == NodeKind.scalar.rawValue }
    public var isMapping: Bool { raw.kind == NodeKind.mapping.rawValue }
    public var isSequence: Bool { raw.kind == NodeKind.sequence.rawValue }

    /// Number of scalar bytes (scalars) or entries (sequences) or pairs (mappings).
    public var count: Int {
        let r = raw
        switch r.kind {
        case NodeKind.mapping.rawValue: return Int(r.count) / 2
        default: return Int(r.count)
        }
    }

    /// A plain `~`, `null`, `Null`, `NULL` or empty scalar.
    public var isNull: Bool {
        let r = raw
        guard r.kind == NodeKind.scalar.rawValue, r.flags == 0 else { return false }
        if r.count == 0 { return true }
        return withBytes { b in
            b.count == 1 ? b[0] == UInt8(ascii: "~") :
                (b.count == 4 && (b.elementsEqual("null".utf8) || b.elementsEqual("Null".utf8) || b.elementsEqual("NULL".utf8)))
        }
    }

    @inlinable
    public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let r = raw
        if tree.frozen {
            return body(UnsafeBufferPointer(start: tree.frozenBytes.baseAddress.map { $0 + Int(r.start) }, count: Int(r.count)))
        }
        return tree.bytes.withUnsafeBufferPointer { all in
            body(UnsafeBufferPointer(rebasing: all[Int(r.start)..<Int(r.start + r.count)]))
        }
    }

    /// The text of a scalar; nil for containers and null scalars.
    public var string: String? {
        guard isScalar, !isNull else { return nil }
        return withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// The text of a scalar, "" for null; nil for containers.
    public var scalarText: String? {
        guard isScalar else { return nil }
        return withBytes { String(decoding: $0, as: UTF8.self) }
    }

    public var int: Int? {
        guard let s = string else { return nil }
        return Int(s)
    }

    /// YAML 1.1 and JSON booleans.
    public var bool: Bool? {
        guard let s = string?.lowercased() else { return nil }
        switch s {
        case "true", "yes", "on", "y": return true
        case "false", "no", "off", "n": return false
        default: return nil
        }
    }

    @inlinable
    func scalarEquals(_ key: String) -> Bool {
        let r = raw
        guard r.kind == NodeKind.scalar.rawValue else { return false }
        var k = key
        return k.withUTF8 { kb in
            guard kb.count == Int(r.count) else { return false }
            return tree.withAllBytes { all in
                kb.count == 0 || memcmp(all.baseAddress! + Int(r.start), kb.baseAddress!, kb.count) == 0
            }
        }
    }

    /// Value for `key` in a mapping (the last one when a key repeats).
    public subscript(key: String) -> Node? {
        let r = raw
        guard r.kind == NodeKind.mapping.rawValue, r.count > 0 else { return nil }
        var k = key
        let t = tree
        let found: UInt32? = k.withUTF8 { kb in
            if t.frozen {
                return Self.find(kb, in: r, raws: UnsafeBufferPointer(t.frozenRaw), children: UnsafeBufferPointer(t.frozenChildren),
                                 bytes: UnsafeBufferPointer(t.frozenBytes))
            }
            return t.children.withUnsafeBufferPointer { children in
                t.raw.withUnsafeBufferPointer { raws in
                    t.bytes.withUnsafeBufferPointer { bytes in Self.find(kb, in: r, raws: raws, children: children, bytes: bytes) }
                }
            }
        }
        return found.map { Node(tree: t, index: $0) }
    }

    /// The value index for the key `kb` in the mapping `r`, scanning from its last entry.
    @inline(__always)
    static func find(_ kb: UnsafeBufferPointer<UInt8>, in r: YAMLTree.Raw, raws: UnsafeBufferPointer<YAMLTree.Raw>,
                     children: UnsafeBufferPointer<UInt32>, bytes: UnsafeBufferPointer<UInt8>) -> UInt32? {
        var i = Int(r.start + r.count) - 2
        let start = Int(r.start)
        let n = kb.count
        // First and last bytes are compared before the rest: most keys differ there.
        let first: UInt8 = n > 0 ? kb[0] : 0, last: UInt8 = n > 0 ? kb[n - 1] : 0
        while i >= start {
            let kr = raws[Int(children[i])]
            if kr.kind == NodeKind.scalar.rawValue && Int(kr.count) == n {
                if n == 0 { return children[i + 1] }
                let at = Int(kr.start)
                if bytes[at] == first && bytes[at + n - 1] == last
                    && (n <= 2 || memcmp(bytes.baseAddress! + at, kb.baseAddress!, n) == 0) {
                    return children[i + 1]
                }
            }
            i -= 2
        }
        return nil
    }

    /// Follows mapping keys (non-variadic forms avoid an array allocation in hot paths).
    public subscript(a: String, b: String) -> Node? { self[a]?[b] }
    public subscript(a: String, b: String, c: String) -> Node? { self[a]?[b]?[c] }

    /// Follows a path of mapping keys.
    public subscript(path: String...) -> Node? {
        var n: Node? = self
        for p in path { n = n?[p] }
        return n
    }

    public var items: [Node] {
        let r = raw
        guard r.kind == NodeKind.sequence.rawValue else { return [] }
        let s = Int(r.start)
        return (0..<Int(r.count)).map { Node(tree: tree, index: tree.child(s + $0)) }
    }

    /// The key of the i-th entry of a mapping (no array is built, unlike `pairs`).
    public func key(at i: Int) -> Node {
        Node(tree: tree, index: tree.child(Int(raw.start) + 2 * i))
    }

    /// The value of the i-th entry of a mapping.
    public func value(at i: Int) -> Node {
        Node(tree: tree, index: tree.child(Int(raw.start) + 2 * i + 1))
    }

    public var pairs: [(key: Node, value: Node)] {
        let r = raw
        guard r.kind == NodeKind.mapping.rawValue else { return [] }
        let s = Int(r.start)
        return stride(from: 0, to: Int(r.count), by: 2).map {
            (Node(tree: tree, index: tree.child(s + $0)), Node(tree: tree, index: tree.child(s + $0 + 1)))
        }
    }

    /// String-to-string view of a mapping such as labels or annotations (non-scalar values skipped).
    public var stringMap: [String: String] {
        var out: [String: String] = [:]
        for (k, v) in pairs {
            guard let key = k.scalarText, let value = v.scalarText else { continue }
            out[key] = value
        }
        return out
    }

    /// The strings of a sequence of scalars.
    public var strings: [String] { items.compactMap { $0.string } }
}

extension Optional where Wrapped == Node {
    public var string: String? { self?.string }
}
