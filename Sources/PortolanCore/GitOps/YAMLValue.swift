/// A mutable YAML value, for patching objects: parsed trees are immutable arenas, so a patched
/// object is copied into a `YAMLValue`, changed, and built into a new `YAMLTree`. Every value keeps
/// the file, line and column it was written at, so `file:line` of a patched field names the patch.
public struct YAMLValue: Sendable {
    public enum Kind: Sendable { case scalar, sequence, mapping }

    /// Where a value (or a mapping key) was written.
    public struct Origin: Sendable, Hashable {
        public var file: String
        public var line: Int
        public var column: Int
        public init(file: String, line: Int, column: Int) { self.file = file; self.line = line; self.column = column }
    }

    public var kind: Kind
    /// Scalar text ("" for a container).
    public var text: String
    /// Scalar style bits (`ScalarStyle`).
    public var style: UInt8
    /// Sequence items, or mapping values (parallel to `keys`).
    public var items: [YAMLValue]
    /// Mapping keys.
    public var keys: [String]
    public var keyOrigins: [Origin]
    public var origin: Origin

    public init(scalar text: String, style: UInt8 = 0, origin: Origin) {
        kind = .scalar; self.text = text; self.style = style; items = []; keys = []; keyOrigins = []; self.origin = origin
    }

    public init(sequence items: [YAMLValue], origin: Origin) {
        kind = .sequence; text = ""; style = 0; self.items = items; keys = []; keyOrigins = []; self.origin = origin
    }

    public init(mapping origin: Origin) {
        kind = .mapping; text = ""; style = 0; items = []; keys = []; keyOrigins = []; self.origin = origin
    }

    /// Copies a node (and everything under it). `file` names the file of a parsed tree's nodes.
    public init(_ node: Node, file: String) {
        let m = node.mark
        let o = Origin(file: node.tree.file(of: node.index) ?? file, line: m.line, column: m.column)
        switch node.kind {
        case .scalar:
            self.init(scalar: node.scalarText ?? "", style: node.style.rawValue, origin: o)
        case .sequence:
            self.init(sequence: node.items.map { YAMLValue($0, file: file) }, origin: o)
        case .mapping:
            self.init(mapping: o)
            for (k, v) in node.pairs {
                let km = k.mark
                // Complex keys are kept as their text (none of the fields Portolan reads has one).
                set(k.scalarText ?? "", YAMLValue(v, file: file),
                    keyOrigin: Origin(file: k.tree.file(of: k.index) ?? file, line: km.line, column: km.column))
            }
        }
    }

    public var isScalar: Bool { kind == .scalar }
    public var isMapping: Bool { kind == .mapping }
    public var isSequence: Bool { kind == .sequence }

    /// A plain null scalar (`~`, `null`, empty).
    public var isNull: Bool {
        kind == .scalar && style == 0 && (text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL")
    }

    /// The text of a non-null scalar.
    public var string: String? { kind == .scalar && !isNull ? text : nil }

    public static func null(_ origin: Origin) -> YAMLValue { YAMLValue(scalar: "", origin: origin) }

    // MARK: Mappings

    public func index(of key: String) -> Int? { keys.lastIndex(of: key) }

    public subscript(key: String) -> YAMLValue? {
        get { index(of: key).map { items[$0] } }
    }

    /// Sets (or adds at the end) a mapping entry. A replaced value keeps its key's origin.
    public mutating func set(_ key: String, _ value: YAMLValue, keyOrigin: Origin? = nil) {
        if let i = index(of: key) {
            items[i] = value
        } else {
            keys.append(key)
            keyOrigins.append(keyOrigin ?? value.origin)
            items.append(value)
        }
    }

    public mutating func remove(_ key: String) {
        while let i = index(of: key) {
            keys.remove(at: i); keyOrigins.remove(at: i); items.remove(at: i)
        }
    }

    /// Follows mapping keys; nil when a step is missing or not a mapping.
    public func at(_ path: [String]) -> YAMLValue? {
        var v: YAMLValue? = self
        for p in path { v = v?[p] }
        return v
    }

    /// Reads and changes the value at a path of mapping keys, creating mappings on the way.
    public mutating func update(_ path: ArraySlice<String>, origin: Origin, _ body: (inout YAMLValue) -> Void) {
        guard let first = path.first else { body(&self); return }
        if kind != .mapping { self = YAMLValue(mapping: origin) }
        if let i = index(of: first) {
            if path.count > 1 && items[i].kind != .mapping { items[i] = YAMLValue(mapping: origin) }
            items[i].update(path.dropFirst(), origin: origin, body)
        } else {
            var child = path.count > 1 ? YAMLValue(mapping: origin) : YAMLValue.null(origin)
            child.update(path.dropFirst(), origin: origin, body)
            set(first, child, keyOrigin: origin)
        }
    }

    /// Calls `body` on every scalar (values, not keys), depth first.
    public mutating func visitScalars(_ body: (inout YAMLValue) -> Void) {
        switch kind {
        case .scalar: body(&self)
        case .sequence, .mapping:
            for i in items.indices { items[i].visitScalars(body) }
        }
    }

    // MARK: Building a tree

    /// Builds a read-only tree of this value; the root node is returned. Nodes remember their files.
    public func makeTree() -> Node {
        let tree = YAMLTree()
        var files: [String: UInt16] = [:]
        var nodeFiles = ContiguousArray<UInt16>()
        func fileIndex(_ f: String) -> UInt16 {
            if let i = files[f] { return i }
            let i = UInt16(truncatingIfNeeded: tree.fileNames.count)
            tree.fileNames.append(f)
            files[f] = i
            return i
        }
        func scalar(_ text: String, style: UInt8, origin: Origin) -> UInt32 {
            let start = UInt32(truncatingIfNeeded: tree.bytes.count)
            tree.bytes.append(contentsOf: text.utf8)
            let idx = UInt32(tree.raw.count)
            tree.raw.append(.init(kind: NodeKind.scalar.rawValue, flags: style, line: UInt32(max(0, origin.line)),
                                  column: UInt32(max(0, origin.column)), start: start,
                                  count: UInt32(truncatingIfNeeded: text.utf8.count)))
            nodeFiles.append(fileIndex(origin.file))
            return idx
        }
        func build(_ v: YAMLValue) -> UInt32 {
            switch v.kind {
            case .scalar:
                return scalar(v.text, style: v.style, origin: v.origin)
            case .sequence, .mapping:
                var kids: [UInt32] = []
                if v.kind == .mapping {
                    for i in v.keys.indices {
                        kids.append(scalar(v.keys[i], style: 0, origin: v.keyOrigins[i]))
                        kids.append(build(v.items[i]))
                    }
                } else {
                    for item in v.items { kids.append(build(item)) }
                }
                let idx = UInt32(tree.raw.count)
                let start = UInt32(tree.children.count)
                tree.children.append(contentsOf: kids)
                tree.raw.append(.init(kind: v.kind == .mapping ? NodeKind.mapping.rawValue : NodeKind.sequence.rawValue, flags: 0,
                                      line: UInt32(max(0, v.origin.line)), column: UInt32(max(0, v.origin.column)),
                                      start: start, count: UInt32(kids.count)))
                nodeFiles.append(fileIndex(v.origin.file))
                return idx
            }
        }
        let root = build(self)
        tree.nodeFiles = nodeFiles
        tree.compact()
        return tree.node(Int(root))
    }
}

extension YAMLValue.Origin {
    init(_ node: Node, file: String) {
        let m = node.mark
        self.init(file: node.tree.file(of: node.index) ?? file, line: m.line, column: m.column)
    }
}
