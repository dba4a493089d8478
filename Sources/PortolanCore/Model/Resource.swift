import CYAML
/// Where something came from: the file as the user named it (relative), 1-based line and column.
public struct SourceLocation: Hashable, Sendable, Comparable {
    public var file: String
    public var line: Int
    public var column: Int
    public init(file: String, line: Int, column: Int = 1) {
        self.file = file; self.line = line; self.column = column
    }
    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        if a.file != b.file { return a.file < b.file }
        if a.line != b.line { return a.line < b.line }
        return a.column < b.column
    }
    public var description: String { "\(file):\(line)" }
}

/// Something in the input that could not be read or was skipped; never silently dropped.
public struct Problem: Hashable, Sendable, Comparable {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file; self.line = line; self.column = column; self.message = message
    }
    public init(_ at: SourceLocation, _ message: String) {
        self.init(file: at.file, line: at.line, column: at.column, message: message)
    }
    public static func < (a: Problem, b: Problem) -> Bool {
        if a.file != b.file { return a.file < b.file }
        if a.line != b.line { return a.line < b.line }
        if a.column != b.column { return a.column < b.column }
        return a.message < b.message
    }
}

/// Identity of an object: API group, kind, namespace ("" for cluster-scoped) and name.
public struct ObjectRef: Hashable, Sendable, Comparable {
    public var group: String
    public var kind: String
    public var namespace: String
    public var name: String
    public init(group: String, kind: String, namespace: String, name: String) {
        self.group = group; self.kind = kind; self.namespace = namespace; self.name = name
    }
    /// `Kind.group/namespace/name` (`Kind/namespace/name` for the core group; no namespace part when cluster-scoped).
    public var display: String {
        let k = group.isEmpty ? kind : "\(kind).\(group)"
        return namespace.isEmpty ? "\(k)/\(name)" : "\(k)/\(namespace)/\(name)"
    }
    public static func < (a: ObjectRef, b: ObjectRef) -> Bool { a.display < b.display }

    /// Kind, namespace and name only: objects that differ in nothing but their API group are rare, and
    /// the group (often a long string such as `gateway.networking.k8s.io`) is the costliest part to hash.
    /// Equality still compares all four.
    public func hash(into h: inout Hasher) {
        h.combine(kind)
        h.combine(namespace)
        h.combine(name)
    }

    /// FNV-1a over the bytes of kind, namespace and name (with separators): a cheap, stable hash for
    /// the store's identity index (whose table is seeded by Swift's hasher all the same).
    public static func identityHash(kind: String, namespace: String, name: String) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func add(_ part: String) {
            for b in part.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            h = (h ^ 0xFF) &* 0x100_0000_01b3
        }
        add(kind); add(namespace); add(name)
        return Int(truncatingIfNeeded: h)
    }
}

/// A namespace/name pair.
public struct NamespacedName: Hashable, Sendable, Comparable {
    public var namespace: String
    public var name: String
    public init(_ namespace: String, _ name: String) { self.namespace = namespace; self.name = name }
    public var description: String { "\(namespace)/\(name)" }
    public static func < (a: NamespacedName, b: NamespacedName) -> Bool {
        a.namespace != b.namespace ? a.namespace < b.namespace : a.name < b.name
    }
}

/// What the loader keeps of a TLS-capable Secret: never the values, only their sizes and the
/// parsed certificate metadata.
public struct SecretSummary: Sendable, Hashable {
    public var type: String
    /// Data keys with the decoded size of their value in bytes.
    public var keySizes: [String: Int]
    /// Lines (in the source file) of data/stringData values, for redaction when showing YAML.
    public var valueLines: [Int]
    /// Certificates parsed from `tls.crt`, leaf first.
    public var certificates: [ParsedCertificate]
    /// Why `tls.crt` could not be used, when present but unusable.
    public var certificateError: String?
    public var hasTLSCrt: Bool
    /// Annotations that copy the Secret to other namespaces (reflector, replicator); others are not kept.
    public var annotations: [String: String] = [:]
    public var isTLSType: Bool { type == "kubernetes.io/tls" }
}

/// Metadata of one X.509 certificate parsed from PEM.
public struct ParsedCertificate: Sendable, Hashable {
    public var subjectCommonName: String?
    public var dnsNames: [String]
    public var ipAddresses: [String]
    public var issuer: String
    public var notBefore: Double   // seconds since 1970
    public var notAfter: Double
    public var serial: String
    public init(subjectCommonName: String?, dnsNames: [String], ipAddresses: [String], issuer: String,
                notBefore: Double, notAfter: Double, serial: String) {
        self.subjectCommonName = subjectCommonName; self.dnsNames = dnsNames; self.ipAddresses = ipAddresses
        self.issuer = issuer; self.notBefore = notBefore; self.notAfter = notAfter; self.serial = serial
    }
}

/// One Kubernetes object from the input. A class: the store, the graph and every view share one
/// instance per object instead of copying a dozen fields around.
public final class Resource: Sendable {
    public let apiVersion: String
    public let group: String
    public let version: String
    public let kind: String
    /// The namespace; "" for cluster-scoped kinds.
    public let namespace: String
    public let name: String
    public let source: SourceLocation
    /// Index of the document in its file (0-based) and of the item in a List (or -1).
    public let document: Int
    public let item: Int
    /// The object's root mapping, kept for kinds the route graph reads; nil otherwise.
    public let node: Node?
    /// For Secrets: what is kept instead of the values.
    public var secret: SecretSummary? { secretBox?.summary }
    /// Boxed: only Secrets have one, and inline it would make every object 80 bytes larger.
    private let secretBox: SecretBox?
    private final class SecretBox: Sendable {
        let summary: SecretSummary
        init(_ s: SecretSummary) { summary = s }
    }
    /// The `portolan.dev/ignore` annotation (kept for every kind, even when the node is not).
    public let ignoreAnnotation: String?
    /// Built from the fields above when asked (copying a stored one costs the same, and storing it
    /// made every object 64 bytes larger).
    public var ref: ObjectRef { ObjectRef(group: group, kind: kind, namespace: namespace, name: name) }
    /// Patch files that changed this object (kustomize overlays); its `source` stays the original's.
    public let patchedBy: [String]
    /// The object carries a cert-manager annotation (`cert-manager.io/...`, `acme.cert-manager.io/...`,
    /// the legacy `certmanager.k8s.io/...`, or `kubernetes.io/tls-acme`): worked out once, when the
    /// object is read, so that the rule about ignored annotations need not look at every object.
    public let mentionsCertManager: Bool
    /// `ObjectRef.identityHash` of this object, worked out once when it is read (on the reading
    /// threads), so that indexing every object by identity hashes nothing.
    public let identityHash: Int
    /// `metadata.annotations` (found once: processors and rules ask for annotations of the same
    /// objects again and again).
    public let annotationsNode: Node?
    /// Where this object's part of its YAML tree starts (node records, child lists, scalar bytes),
    /// for `prefetch()`: worked out while the tree is still in cache.
    nonisolated(unsafe) private let treeSpans: (records: UnsafeRawPointer, children: UnsafeRawPointer, bytes: UnsafeRawPointer)?

    public init(apiVersion: String, group: String, version: String, kind: String, namespace: String, name: String,
                source: SourceLocation, document: Int, item: Int, node: Node?, secret: SecretSummary?,
                ignoreAnnotation: String? = nil, patchedBy: [String] = []) {
        self.apiVersion = apiVersion; self.group = group; self.version = version; self.kind = kind
        self.namespace = namespace; self.name = name; self.source = source; self.document = document
        self.item = item; self.node = node; self.secretBox = secret.map(SecretBox.init); self.ignoreAnnotation = ignoreAnnotation
        self.identityHash = ObjectRef.identityHash(kind: kind, namespace: namespace, name: name)
        self.patchedBy = patchedBy
        treeSpans = node.flatMap { $0.tree.spans(of: $0.index) }
        let ann = node?["metadata", "annotations"]
        annotationsNode = ann
        if let ann, ann.isMapping {
            mentionsCertManager = (0..<ann.count).contains { i in
                ann.key(at: i).withBytes { b in
                    b.starts(with: "cert-manager.io/".utf8) || b.starts(with: "acme.cert-manager.io/".utf8)
                        || b.starts(with: "certmanager.k8s.io/".utf8) || b.elementsEqual("kubernetes.io/tls-acme".utf8)
                }
            }
        } else {
            mentionsCertManager = false
        }
    }

    public var namespacedName: NamespacedName { NamespacedName(namespace, name) }

    /// Starts loading the object itself (its fields) into the cache.
    @inline(__always)
    public func prefetchObject() {
        portolan_prefetch(UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque()), 256)
    }

    /// Starts loading this object's tree into the cache. Processors walk objects one after another,
    /// each in a tree last touched while its file was read: asking for the next object's tree while
    /// working on this one turns a chain of cache misses into one wait at most.
    @inline(__always)
    public func prefetch() {
        guard let s = treeSpans else { return }
        portolan_prefetch(s.records, 1536)
        portolan_prefetch(s.children, 512)
        portolan_prefetch(s.bytes, 1024)
    }

    public var metadata: Node? { node?["metadata"] }
    public var spec: Node? { node?["spec"] }
    public var annotations: [String: String] { annotationsNode?.stringMap ?? [:] }
    public var labels: [String: String] { node?["metadata"]?["labels"]?.stringMap ?? [:] }
    public func annotation(_ key: String) -> String? { annotationsNode?[key]?.scalarText }

    /// Location of a node of this resource.
    public func at(_ n: Node?) -> SourceLocation {
        guard let n else { return source }
        let m = n.mark
        // A patched object's fields may come from the patch file.
        return SourceLocation(file: n.tree.file(of: n.index) ?? source.file, line: m.line, column: m.column)
    }
}

extension Array where Element == Resource {
    /// Visits the objects in order, asking for the tree of the one two places ahead while each is
    /// visited (see `Resource.prefetch`).
    @inline(__always)
    public func forEachPrefetching(_ body: (Resource) throws -> Void) rethrows {
        for k in indices {
            if k + 2 < count { self[k + 2].prefetch() }
            try body(self[k])
        }
    }
}
