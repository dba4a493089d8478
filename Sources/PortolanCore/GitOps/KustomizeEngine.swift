import Foundation

/// An object on its way through kustomize: the resource it was read as, its current identity and,
/// once something changed its fields, a mutable copy of its tree.
struct KObject {
    var base: Resource
    var value: YAMLValue?
    var namespace: String
    var name: String
    /// Every namespace/name it had before (patch targets and references may use any of them).
    var previousNames: [String] = []
    var previousNamespaces: [String] = []
    /// Files of the patches applied to it.
    var patchedBy: [String] = []
    /// Annotations added to a Secret (kept without its node).
    var secretAnnotations: [String: String] = [:]

    init(_ r: Resource) {
        base = r
        namespace = r.namespace
        name = r.name
    }

    var kind: String { base.kind }
    var group: String { base.group }
    var names: [String] { [name] + previousNames }
    var namespaces: [String] { [namespace] + previousNamespaces }

    /// Changes the object's tree; false when the object has no tree (kinds Portolan does not read).
    @discardableResult
    mutating func edit(_ body: (inout YAMLValue) -> Void) -> Bool {
        if value == nil {
            guard let node = base.node else { return false }
            value = YAMLValue(node, file: base.source.file)
        }
        body(&value!)
        return true
    }

    mutating func rename(_ newName: String) {
        guard newName != name else { return }
        previousNames.append(name)
        name = newName
    }

    mutating func move(to ns: String) {
        guard ns != namespace else { return }
        previousNamespaces.append(namespace)
        namespace = ns
    }

    /// Labels as they are now.
    var labels: [String: String] {
        if let v = value { return Self.map(v.at(["metadata", "labels"])) }
        return base.labels
    }

    var annotations: [String: String] {
        if let v = value { return Self.map(v.at(["metadata", "annotations"])) }
        return base.node == nil ? secretAnnotations : base.annotations
    }

    static func map(_ v: YAMLValue?) -> [String: String] {
        guard let v, v.isMapping else { return [:] }
        var out: [String: String] = [:]
        for (i, k) in v.keys.enumerated() where v.items[i].isScalar { out[k] = v.items[i].text }
        return out
    }

    /// The resource the graph reads: the original when nothing changed, else a new one whose
    /// `source` stays the original's first line.
    func resource() -> Resource {
        if value == nil && namespace == base.namespace && name == base.name && secretAnnotations.isEmpty && patchedBy.isEmpty { return base }
        var node = base.node
        if var v = value {
            v.update(["metadata"][...], origin: v.origin) { m in
                if m["name"]?.string != name { m.set("name", YAMLValue(scalar: name, origin: m["name"]?.origin ?? m.origin)) }
                if !base.namespace.isEmpty, m["namespace"]?.string != namespace {
                    m.set("namespace", YAMLValue(scalar: namespace, origin: m["namespace"]?.origin ?? m.origin))
                }
            }
            node = v.makeTree()
        }
        var secret = base.secret
        if !secretAnnotations.isEmpty, secret != nil {
            for (k, v) in secretAnnotations { secret!.annotations[k] = v }
        }
        let ignore = node?["metadata", "annotations"]?["portolan.dev/ignore"]?.scalarText ?? base.ignoreAnnotation
        return Resource(apiVersion: base.apiVersion, group: base.group, version: base.version, kind: base.kind,
                        namespace: namespace, name: name, source: base.source, document: base.document, item: base.item,
                        node: node, secret: secret, ignoreAnnotation: ignore, patchedBy: Array(Set(patchedBy)).sorted())
    }
}

/// Reads kustomizations and applies what `kustomize build` would, without running anything:
/// resources and components (files and folders), strategic-merge and JSON 6902 patches, namespace,
/// name prefix and suffix (with the Ingress references kustomize renames), labels and annotations.
final class KustomizeEngine {
    let kustomizations: [String: Kustomization]
    /// Folders a Flux Kustomization points at that have no kustomization file: Flux generates one
    /// holding every manifest below them.
    let generatedUnits: Set<String>
    let resourcesByFile: [String: [Resource]]
    let files: Set<String>
    let defaultNamespace: String
    let documents: DocumentSource

    var problems: [Problem] = []
    /// Files read as resources by some kustomization.
    var reached = Set<String>()
    /// Files read as patches.
    var patchFiles = Set<String>()
    private var cache: [String: [KObject]] = [:]
    private var building = Set<String>()
    private var problemSeen = Set<Problem>()
    private var regexCache: [String: NSRegularExpression?] = [:]

    init(kustomizations: [String: Kustomization], generatedUnits: Set<String>, resourcesByFile: [String: [Resource]],
         files: Set<String>, defaultNamespace: String, documents: DocumentSource) {
        self.kustomizations = kustomizations
        self.generatedUnits = generatedUnits
        self.resourcesByFile = resourcesByFile
        self.files = files
        self.defaultNamespace = defaultNamespace
        self.documents = documents
    }

    func problem(_ at: SourceLocation, _ message: String) {
        let p = Problem(at, message)
        if problemSeen.insert(p).inserted { problems.append(p) }
    }

    static func isRemote(_ s: String) -> Bool {
        s.contains("://") || s.hasPrefix("github.com/") || s.hasPrefix("git@") || s.hasPrefix("git::") || s.hasPrefix("gitlab.com/")
            || s.hasPrefix("bitbucket.org/")
    }

    /// Folders directly included by a unit (resources and components that are folders, or the
    /// sub-kustomizations of a generated unit).
    func children(of dir: String) -> [String] {
        if let k = kustomizations[dir] {
            return (k.resources + k.components).map { Paths.join(dir, $0.text) }.filter { kustomizations[$0] != nil }
        }
        if generatedUnits.contains(dir) { return generatedEntries(dir).dirs }
        return []
    }

    /// What Flux's generated kustomization holds: manifests below `dir`, and the topmost folders with
    /// their own kustomization instead of their files.
    func generatedEntries(_ dir: String) -> (files: [String], dirs: [String]) {
        var subs = Set<String>()
        for d in kustomizations.keys where d != dir && Paths.isInside(d, dir) {
            // Only the topmost.
            if !kustomizations.keys.contains(where: { $0 != d && $0 != dir && Paths.isInside($0, dir) && Paths.isInside(d, $0) }) {
                subs.insert(d)
            }
        }
        let fs = files.filter { f in
            Paths.isInside(f, dir) && !subs.contains { Paths.isInside(f, $0) } && !KustomizeFiles.isKustomization(f)
        }
        return (fs.sorted(), subs.sorted())
    }

    // MARK: Rendering

    /// The objects a folder renders to (memoised; folders are kustomizations or generated units).
    func render(_ dir: String) -> [KObject] {
        if let hit = cache[dir] { return hit }
        guard !building.contains(dir) else {
            if let k = kustomizations[dir] {
                problem(SourceLocation(file: k.file, line: 1), "kustomization \(dir) includes itself (a cycle); kustomize build fails")
            }
            return []
        }
        building.insert(dir)
        defer { building.remove(dir) }
        var objects: [KObject] = []
        if let k = kustomizations[dir] {
            for p in k.problems { problem(SourceLocation(file: p.file, line: p.line, column: p.column), p.message) }
            if k.kind == "Component" {
                problem(SourceLocation(file: k.file, line: 1), "\(dir) is a Component, which kustomize only applies from `components:`")
            }
            apply(k, to: &objects, addingResources: true)
        } else if generatedUnits.contains(dir) {
            let (fs, ds) = generatedEntries(dir)
            for f in fs { objects += fileObjects(f) }
            for d in ds { objects += render(d) }
        }
        cache[dir] = objects
        return objects
    }

    func fileObjects(_ f: String) -> [KObject] {
        reached.insert(f)
        return (resourcesByFile[f] ?? []).map(KObject.init)
    }

    /// Adds a kustomization's resources and components to `objects`, then applies its transformers
    /// in kustomize's order.
    func apply(_ k: Kustomization, to objects: inout [KObject], addingResources: Bool) {
        if addingResources {
            for e in k.resources {
                if Self.isRemote(e.text) {
                    problem(e.at, "remote resource \(e.text) is not fetched (Portolan never contacts the network): what it holds is missing from this environment")
                    continue
                }
                let path = Paths.join(k.dir, e.text)
                if files.contains(path) {
                    objects += fileObjects(path)
                } else if kustomizations[path] != nil || generatedUnits.contains(path) {
                    if kustomizations[path]?.kind == "Component" {
                        problem(e.at, "\(e.text) is a Component listed under resources: kustomize build fails (list it under components:)")
                        continue
                    }
                    objects += render(path)
                } else {
                    problem(e.at, "resource \(e.text) is not in the input (no such file, or a folder without a kustomization): kustomize build fails here")
                }
            }
        }
        for c in k.components {
            if Self.isRemote(c.text) {
                problem(c.at, "remote component \(c.text) is not fetched (Portolan never contacts the network)")
                continue
            }
            let path = Paths.join(k.dir, c.text)
            guard let ck = kustomizations[path] else {
                problem(c.at, "component \(c.text) is not in the input (no folder with a kustomization): kustomize build fails here")
                continue
            }
            guard !building.contains(path) else { continue }
            building.insert(path)
            for p in ck.problems { problem(SourceLocation(file: p.file, line: p.line, column: p.column), p.message) }
            apply(ck, to: &objects, addingResources: true)
            building.remove(path)
        }
        transform(k, &objects)
    }

    /// Patches, namespace, prefix and suffix, labels, annotations, JSON patches.
    func transform(_ k: Kustomization, _ objects: inout [KObject]) {
        for p in k.patches where p.phase == .strategicMerge { applyPatch(p, &objects) }
        for p in k.patches where p.phase == .patches { applyPatch(p, &objects) }
        var renamed = false
        if let ns = k.namespace, !ns.isEmpty {
            for i in objects.indices {
                if objects[i].group.isEmpty && objects[i].kind == "Namespace" {
                    objects[i].rename(ns)
                } else if !objects[i].base.namespace.isEmpty {
                    // Namespaced (cluster-scoped kinds have no namespace in the model).
                    objects[i].move(to: ns)
                }
            }
        }
        if !k.namePrefix.isEmpty || !k.nameSuffix.isEmpty {
            for i in objects.indices where !(objects[i].group.isEmpty && objects[i].kind == "Namespace")
                && objects[i].kind != "CustomResourceDefinition" {
                objects[i].rename(k.namePrefix + objects[i].name + k.nameSuffix)
                renamed = true
            }
        }
        if renamed || k.namespace != nil { renameReferences(&objects) }
        if !k.labels.isEmpty { setMetadata("labels", k.labels, &objects) }
        if !k.annotations.isEmpty { setMetadata("annotations", k.annotations, &objects) }
        for p in k.patches where p.phase == .json6902 { applyPatch(p, &objects) }
    }

    func setMetadata(_ field: String, _ values: [String: String], _ objects: inout [KObject]) {
        for i in objects.indices {
            if objects[i].base.node == nil {
                if field == "annotations" && objects[i].base.secret != nil {
                    for (k, v) in values { objects[i].secretAnnotations[k] = v }
                }
                continue
            }
            objects[i].edit { v in
                v.update(["metadata", field][...], origin: v.origin) { m in
                    if !m.isMapping { m = YAMLValue(mapping: m.origin) }
                    for (k, value) in values.sorted(by: { $0.key < $1.key }) {
                        m.set(k, YAMLValue(scalar: value, style: ScalarStyle.quoted.rawValue, origin: m.origin))
                    }
                }
            }
        }
    }

    /// kustomize's built-in name references that matter for routing: an Ingress's backend Services and
    /// TLS Secrets follow a rename of an object in the same build (custom resources are not renamed).
    func renameReferences(_ objects: inout [KObject]) {
        var services: [String: [String: String]] = [:], secrets: [String: [String: String]] = [:]
        for o in objects where o.group.isEmpty && !o.previousNames.isEmpty {
            for old in o.previousNames where old != o.name {
                if o.kind == "Service" { services[o.namespace, default: [:]][old] = o.name }
                if o.kind == "Secret" { secrets[o.namespace, default: [:]][old] = o.name }
            }
        }
        guard !services.isEmpty || !secrets.isEmpty else { return }
        for i in objects.indices where objects[i].kind == "Ingress" && (objects[i].group == "networking.k8s.io" || objects[i].group == "extensions") {
            let svc = services[objects[i].namespace] ?? [:], sec = secrets[objects[i].namespace] ?? [:]
            guard !svc.isEmpty || !sec.isEmpty, objects[i].base.node != nil else { continue }
            objects[i].edit { v in
                func renameBackend(_ b: inout YAMLValue) {
                    if let n = b.at(["service", "name"])?.string, let new = svc[n] {
                        b.update(["service", "name"][...], origin: b.origin) { $0.text = new }
                    }
                    if let n = b["serviceName"]?.string, let new = svc[n] {
                        b.update(["serviceName"][...], origin: b.origin) { $0.text = new }
                    }
                }
                v.update(["spec"][...], origin: v.origin) { spec in
                    for key in ["defaultBackend", "backend"] where spec[key] != nil {
                        spec.update([key][...], origin: spec.origin, renameBackend)
                    }
                    if let ri = spec.index(of: "rules"), spec.items[ri].isSequence {
                        for r in spec.items[ri].items.indices {
                            spec.items[ri].items[r].update(["http"][...], origin: spec.origin) { http in
                                guard let pi = http.index(of: "paths"), http.items[pi].isSequence else { return }
                                for p in http.items[pi].items.indices {
                                    if let bi = http.items[pi].items[p].index(of: "backend") {
                                        renameBackend(&http.items[pi].items[p].items[bi])
                                    }
                                }
                            }
                        }
                    }
                    if let ti = spec.index(of: "tls"), spec.items[ti].isSequence {
                        for t in spec.items[ti].items.indices {
                            if let n = spec.items[ti].items[t]["secretName"]?.string, let new = sec[n] {
                                spec.items[ti].items[t].update(["secretName"][...], origin: spec.origin) { $0.text = new }
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: Patches

    /// The documents of a patch, as values.
    func patchDocuments(_ p: KPatch) -> [YAMLValue]? {
        switch p.body {
        case .file(let f):
            patchFiles.insert(f)
            guard let parsed = documents.parse(f) else {
                problem(p.at, "patch file \(f) is not in the input or cannot be read: kustomize build fails here")
                return nil
            }
            if let issue = parsed.issues.first {
                problem(SourceLocation(file: f, line: issue.line, column: issue.column), "patch is not valid YAML: \(issue.message); not applied")
                return nil
            }
            return parsed.documents.compactMap { d in d.root.flatMap { $0.isNull ? nil : YAMLValue($0, file: f) } }
        case .inline(let text, let at):
            let parsed = YAMLParser.parse(Array(text.utf8))
            if let issue = parsed.issues.first {
                problem(SourceLocation(file: at.file, line: at.line + issue.line - 1, column: issue.column),
                        "inline patch is not valid YAML: \(issue.message); not applied")
                return nil
            }
            return parsed.documents.compactMap { d in
                guard let root = d.root, !root.isNull else { return nil }
                var v = YAMLValue(root, file: at.file)
                Self.shift(&v, lines: at.line - 1, columns: at.column - 1)
                return v
            }
        }
    }

    /// Moves an inline patch's positions to where its text sits in the kustomization.
    static func shift(_ v: inout YAMLValue, lines: Int, columns: Int) {
        v.origin.line += lines
        v.origin.column += columns
        for i in v.keyOrigins.indices { v.keyOrigins[i].line += lines; v.keyOrigins[i].column += columns }
        for i in v.items.indices { shift(&v.items[i], lines: lines, columns: columns) }
    }

    func applyPatch(_ p: KPatch, _ objects: inout [KObject]) {
        guard let docs = patchDocuments(p) else { return }
        let patchFile: String
        switch p.body {
        case .file(let f): patchFile = f
        case .inline(_, let at): patchFile = at.file
        }
        for doc in docs {
            if Patches.isJSONPatch(doc) || p.phase == .json6902 {
                guard let target = p.target else {
                    problem(p.at, "a JSON patch needs a target; not applied")
                    continue
                }
                let hits = objects.indices.filter { matches(objects[$0], target) }
                if hits.isEmpty { problem(p.at, "patch target \(describe(target)) matches no object: kustomize build fails here") }
                for i in hits {
                    var failure: String? = nil
                    let ok = objects[i].edit { v in
                        do { try Patches.applyJSONPatch(&v, doc) } catch { failure = "\(error)" }
                    }
                    if let failure {
                        problem(p.at, "JSON patch on \(objects[i].kind) \(objects[i].namespace)/\(objects[i].name) fails (\(failure)): kustomize build fails here")
                    } else if ok {
                        objects[i].patchedBy.append(patchFile)
                    }
                }
                continue
            }
            guard doc.isMapping else {
                problem(p.at, "patch is neither an object nor a list of JSON patch operations; not applied")
                continue
            }
            var hits: [Int]
            if let target = p.target {
                hits = objects.indices.filter { matches(objects[$0], target) }
                if hits.isEmpty { problem(p.at, "patch target \(describe(target)) matches no object: kustomize build fails here") }
            } else {
                let apiVersion = doc["apiVersion"]?.string ?? ""
                let kind = doc["kind"]?.string ?? ""
                let name = doc.at(["metadata", "name"])?.string ?? ""
                let ns = doc.at(["metadata", "namespace"])?.string
                let group = Kinds.splitAPIVersion(apiVersion).group
                hits = objects.indices.filter { i in
                    let o = objects[i]
                    guard o.kind == kind, apiVersion.isEmpty || o.group == group, o.names.contains(name) else { return false }
                    if o.base.namespace.isEmpty { return true }
                    return o.namespaces.contains(ns ?? defaultNamespace)
                }
                let what = "\(kind) \(name)" + (ns.map { " in namespace \($0)" } ?? "")
                if hits.isEmpty {
                    problem(SourceLocation(file: doc.origin.file, line: doc.origin.line, column: doc.origin.column),
                            "patch of \(what) matches no object of this kustomization: kustomize build fails here")
                    continue
                }
                if hits.count > 1 {
                    problem(SourceLocation(file: doc.origin.file, line: doc.origin.line, column: doc.origin.column),
                            "patch of \(what) matches \(hits.count) objects: kustomize build fails here")
                    continue
                }
            }
            var deleted: [Int] = []
            for i in hits {
                let group = objects[i].group, kind = objects[i].kind
                var keep = true
                let ok = objects[i].edit { v in
                    var body = doc
                    // The patch does not rename or move its target.
                    body.update(["metadata"][...], origin: body.origin) { m in
                        guard m.isMapping else { return }
                        m.remove("name"); m.remove("namespace")
                    }
                    body.remove("apiVersion"); body.remove("kind")
                    keep = Patches.strategicMerge(&v, body, group: group, kind: kind)
                }
                if !keep { deleted.append(i) }
                if ok { objects[i].patchedBy.append(patchFile) }
                if !ok && doc["$patch"]?.string == "delete" { deleted.append(i) }
            }
            for i in Set(deleted).sorted(by: >) { objects.remove(at: i) }
        }
    }

    func describe(_ s: KSelector) -> String {
        var parts: [String] = []
        if let k = s.kind { parts.append(k) }
        if let g = s.group, !g.isEmpty { parts.append("group \(g)") }
        if let n = s.name { parts.append("name \(n)") }
        if let ns = s.namespace { parts.append("namespace \(ns)") }
        if let l = s.labelSelector { parts.append("labels \(l)") }
        return parts.isEmpty ? "(any)" : parts.joined(separator: ", ")
    }

    func regex(_ pattern: String) -> NSRegularExpression? {
        if let hit = regexCache[pattern] { return hit }
        let r = try? NSRegularExpression(pattern: "^(?:" + pattern + ")$")
        regexCache[pattern] = r
        return r
    }

    func fullMatch(_ pattern: String, _ s: String) -> Bool {
        if pattern == s { return true }
        guard let r = regex(pattern) else { return false }
        return r.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    func matches(_ o: KObject, _ s: KSelector) -> Bool {
        if let k = s.kind, !k.isEmpty, !fullMatch(k, o.kind) { return false }
        if let g = s.group, o.group != g { return false }
        if let v = s.version, !v.isEmpty, o.base.version != v { return false }
        if let n = s.name, !n.isEmpty, !o.names.contains(where: { fullMatch(n, $0) }) { return false }
        if let ns = s.namespace, !ns.isEmpty, !o.namespaces.contains(where: { fullMatch(ns, $0) }) { return false }
        if let l = s.labelSelector, !LabelSelector.matches(l, o.labels) { return false }
        if let a = s.annotationSelector, !LabelSelector.matches(a, o.annotations) { return false }
        return true
    }
}

/// Equality-based label selectors (`a=b,c!=d,e,!f`) and set-based `in`/`notin`.
enum LabelSelector {
    static func matches(_ selector: String, _ labels: [String: String]) -> Bool {
        var parts: [String] = []
        var depth = 0, current = ""
        for c in selector {
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            if c == "," && depth == 0 { parts.append(current); current = "" } else { current.append(c) }
        }
        parts.append(current)
        for raw in parts {
            let p = raw.trimmingCharacters(in: .whitespaces)
            if p.isEmpty { continue }
            if let r = p.range(of: " notin ") ?? p.range(of: " in ") {
                let key = p[..<r.lowerBound].trimmingCharacters(in: .whitespaces)
                let values = p[r.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "() "))
                    .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let has = labels[key].map(values.contains) ?? false
                if p.contains(" notin ") ? has : !has { return false }
            } else if let r = p.range(of: "!=") {
                if labels[String(p[..<r.lowerBound]).trimmingCharacters(in: .whitespaces)] == String(p[r.upperBound...]).trimmingCharacters(in: .whitespaces) { return false }
            } else if let r = p.range(of: "==") ?? p.range(of: "=") {
                if labels[String(p[..<r.lowerBound]).trimmingCharacters(in: .whitespaces)] != String(p[r.upperBound...]).trimmingCharacters(in: .whitespaces) { return false }
            } else if p.hasPrefix("!") {
                if labels[String(p.dropFirst())] != nil { return false }
            } else if labels[p] == nil {
                return false
            }
        }
        return true
    }
}

/// Reads and parses input files again (fully: the loader keeps only the bodies of routing kinds).
final class DocumentSource {
    private let locations: [String: String]
    private var cache: [String: YAMLFile?] = [:]
    let limits: YAMLLimits
    let maxFileSize: Int

    /// `locations` maps display paths to paths that can be opened.
    init(locations: [String: String], limits: YAMLLimits, maxFileSize: Int) {
        self.locations = locations
        self.limits = limits
        self.maxFileSize = maxFileSize
    }

    func parse(_ display: String) -> YAMLFile? {
        if let hit = cache[display] { return hit }
        var result: YAMLFile? = nil
        if let real = locations[display], let bytes = try? FileReader.readFile(real, limit: maxFileSize) {
            result = YAMLParser.parse(bytes, limits: limits)
        }
        cache[display] = result
        return result
    }
}
