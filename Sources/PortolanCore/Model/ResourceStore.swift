import Dispatch

/// All resources of one load, indexed (Contour's KubernetesCache idea): by identity, by kind,
/// and namespaces with their labels.
public final class ResourceStore: @unchecked Sendable {
    public let inputs: LoadedInputs
    public var resources: [Resource] { inputs.resources }
    private let byRef: IdentityTable
    private let byKind: [String: [Int]]
    private let namespaceLabels: [String: [String: String]]
    private let byGroup: [String: [Int]]
    private let certManagerMentions: [Int]

    /// The objects that carry a cert-manager annotation (`Resource.mentionsCertManager`), in load order.
    public var mentioningCertManager: [Resource] { certManagerMentions.map { inputs.resources[$0] } }

    /// Indexes the resources. The same object defined twice keeps its first definition (by path order);
    /// the second becomes a problem (one pass does both, so the loader need not deduplicate first).
    public init(_ inputs: LoadedInputs) {
        // The identity index and the kind index are built side by side; the kind index assumes no
        // duplicates and is built again over the kept resources in the rare case there are some.
        nonisolated(unsafe) var definitions: (kept: [Resource], index: IdentityTable, duplicates: [Problem]) = ([], IdentityTable(capacity: 0), [])
        nonisolated(unsafe) var byKindAll: KindIndex = ([:], [:], [:], [])
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            if part == 0 { definitions = ResourceStore.firstDefinitions(inputs.resources) }
            else { byKindAll = ResourceStore.kindIndex(inputs.resources) }
        }
        let (kept, refs, duplicates) = definitions
        let (kinds, labels, groups, mentions) = duplicates.isEmpty ? byKindAll : ResourceStore.kindIndex(kept)
        var deduplicated = inputs
        if !duplicates.isEmpty {
            deduplicated.resources = kept
            deduplicated.problems = (inputs.problems + duplicates).sorted()
        }
        self.inputs = deduplicated
        byRef = refs
        byKind = kinds
        namespaceLabels = labels
        byGroup = groups
        certManagerMentions = mentions
    }

    /// Whether any resource of this API group is in the input.
    public func hasGroup(_ group: String) -> Bool { byGroup[group] != nil }

    /// Every resource of one API group, in load order.
    public func all(inGroup group: String) -> [Resource] {
        (byGroup[group] ?? []).map { inputs.resources[$0] }
    }

    typealias KindIndex = (kinds: [String: [Int]], labels: [String: [String: String]], groups: [String: [Int]], certManager: [Int])

    /// Resource indexes by kind and by group, the labels of each namespace, and the objects that
    /// carry cert-manager annotations.
    static func kindIndex(_ resources: [Resource]) -> KindIndex {
        var labels: [String: [String: String]] = [:]
        var mentions: [Int] = []
        // An estate has a few dozen kinds and groups: a linear search over the distinct ones seen
        // (short strings compare in one step) is cheaper than hashing every object's kind and group.
        var kindNames: [String] = [], kindLists: [[Int]] = []
        var groupNames: [String] = [], groupLists: [[Int]] = []
        func bucket(_ key: String, _ names: inout [String], _ lists: inout [[Int]]) -> Int {
            if let k = names.firstIndex(of: key) { return k }
            names.append(key)
            lists.append([])
            return names.count - 1
        }
        var lastKind = -1, lastGroup = -1
        for (i, r) in resources.enumerated() {
            if i + 8 < resources.count { resources[i + 8].prefetchObject() }
            let k = lastKind >= 0 && kindNames[lastKind] == r.kind ? lastKind : bucket(r.kind, &kindNames, &kindLists)
            kindLists[k].append(i)
            lastKind = k
            let g = lastGroup >= 0 && groupNames[lastGroup] == r.group ? lastGroup : bucket(r.group, &groupNames, &groupLists)
            groupLists[g].append(i)
            lastGroup = g
            if r.mentionsCertManager { mentions.append(i) }
            if r.group.isEmpty && r.kind == "Namespace" {
                var l = r.labels
                // The API server adds this label to every namespace.
                if l["kubernetes.io/metadata.name"] == nil { l["kubernetes.io/metadata.name"] = r.name }
                labels[r.name] = l
            }
        }
        let kinds = Dictionary(uniqueKeysWithValues: zip(kindNames, kindLists))
        let groups = Dictionary(uniqueKeysWithValues: zip(groupNames, groupLists))
        return (kinds, labels, groups, mentions)
    }

    /// The first definition of every object, its index, and a problem for each later copy.
    static func firstDefinitions(_ resources: [Resource]) -> (kept: [Resource], index: IdentityTable, duplicates: [Problem]) {
        var table = IdentityTable(capacity: resources.count)
        var kept: [Resource] = []
        kept.reserveCapacity(resources.count)
        var duplicates: [Problem] = []
        for (i, r) in resources.enumerated() {
            if i + 8 < resources.count { resources[i + 8].prefetchObject() }
            if let first = table.insert(r, index: kept.count, in: kept) {
                let at = kept[first].source
                duplicates.append(Problem(r.source,
                    "\(TextSafety.visible(r.ref.display)) is defined again (first at \(at.file):\(at.line)); this copy is ignored"))
                continue
            }
            kept.append(r)
        }
        return (kept, table, duplicates)
    }

    public func lookup(group: String, kind: String, namespace: String, name: String) -> Resource? {
        byRef.find(group: group, kind: kind, namespace: namespace, name: name, in: inputs.resources).map { inputs.resources[$0] }
    }

    public func lookup(apiVersion: String, kind: String, namespace: String, name: String) -> Resource? {
        lookup(group: Kinds.splitAPIVersion(apiVersion).group, kind: kind, namespace: namespace, name: name)
    }

    /// First resource of `kind` in any of `groups` with that namespace/name (groups in order of preference).
    public func lookup(groups: [String], kind: String, namespace: String, name: String) -> Resource? {
        for g in groups {
            if let r = lookup(group: g, kind: kind, namespace: namespace, name: name) { return r }
        }
        return nil
    }

    /// Every resource of `kind`, in load order, optionally restricted to groups.
    public func all(_ kind: String, groups: Set<String>? = nil) -> [Resource] {
        guard let idx = byKind[kind] else { return [] }
        let resources = inputs.resources
        // The groups asked for are a handful: compared one by one (short strings compare in a step),
        // not hashed for each of thousands of objects. Each object is asked for a few places ahead
        // (reading its group and retaining it would otherwise wait for memory, object by object).
        let wanted = groups.map(Array.init)
        var out: [Resource] = []
        out.reserveCapacity(idx.count)
        for k in idx.indices {
            if k + 8 < idx.count { resources[idx[k + 8]].prefetchObject() }
            let r = resources[idx[k]]
            if let wanted, !wanted.contains(r.group) { continue }
            out.append(r)
        }
        return out
    }

    /// Labels of a namespace: from its Namespace object, or just the name label the API server adds.
    public func labels(ofNamespace ns: String) -> [String: String] {
        namespaceLabels[ns] ?? ["kubernetes.io/metadata.name": ns]
    }

    public var kinds: [String] { byKind.keys.sorted() }
}

/// Counts per apiVersion/kind.
public struct KindCount: Hashable, Sendable {
    public var apiVersion: String
    public var kind: String
    public var count: Int
}

extension LoadedInputs {
    public var kindCounts: [KindCount] {
        var counts: [String: [String: Int]] = [:]
        for r in resources { counts[r.apiVersion, default: [:]][r.kind, default: 0] += 1 }
        return counts.flatMap { v, ks in ks.map { KindCount(apiVersion: v, kind: $0.key, count: $0.value) } }
            .sorted { ($0.apiVersion, $0.kind) < ($1.apiVersion, $1.kind) }
    }
}

/// The store's identity index: open addressing over the objects' precomputed `identityHash`, holding
/// indexes into the resources array (no keys copied, no strings hashed or reference-counted).
struct IdentityTable: Sendable {
    private var hashes: [Int]
    private var slots: [Int32]     // index into the resources, or -1
    private let mask: Int

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        hashes = Array(repeating: 0, count: size)
        slots = Array(repeating: -1, count: size)
        mask = size - 1
    }

    /// Where probing for `hash` starts (the hash's bits mixed, so that similar names spread out).
    private func start(_ hash: Int) -> Int { Int(truncatingIfNeeded: (UInt64(bitPattern: Int64(hash)) &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask }

    /// Probes from `hash`'s start: the slot of the entry `matches` accepts (found), or the first empty one.
    private func probe(_ hash: Int, _ matches: (Int) -> Bool) -> (slot: Int, found: Bool) {
        var i = start(hash)
        while slots[i] >= 0 {
            if hashes[i] == hash && matches(Int(slots[i])) { return (i, true) }
            i = (i + 1) & mask
        }
        return (i, false)
    }

    /// Adds `r` as `resources[index]`; when an object with its identity is there already, adds nothing
    /// and returns that object's index.
    mutating func insert(_ r: Resource, index: Int, in resources: [Resource]) -> Int? {
        let h = r.identityHash
        let (i, found) = probe(h) { j in Self.same(resources[j], r.group, r.kind, r.namespace, r.name) }
        if found { return Int(slots[i]) }
        slots[i] = Int32(index)
        hashes[i] = h
        return nil
    }

    func find(group: String, kind: String, namespace: String, name: String, in resources: [Resource]) -> Int? {
        let h = ObjectRef.identityHash(kind: kind, namespace: namespace, name: name)
        let (i, found) = probe(h) { j in Self.same(resources[j], group, kind, namespace, name) }
        return found ? Int(slots[i]) : nil
    }

    /// Whether `o` has this identity (the name first: it differs most often).
    private static func same(_ o: Resource, _ group: String, _ kind: String, _ namespace: String, _ name: String) -> Bool {
        o.name == name && o.namespace == namespace && o.kind == kind && o.group == group
    }
}
