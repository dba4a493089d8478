/// File names kustomize reads as a kustomization.
public enum KustomizeFiles {
    public static let names: Set<String> = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    public static func isKustomization(_ path: String) -> Bool {
        // Asked for every file: every name ends in "ization" plus ".yaml", ".yml" or nothing, which
        // the bytes tell without building the base name.
        var p = path
        let plausible = p.withUTF8 { u -> Bool in
            var n = u.count
            if n >= 5 && u[n - 5] == 46 && u[n - 4] == 121 && u[n - 3] == 97 && u[n - 2] == 109 && u[n - 1] == 108 { n -= 5 }       // .yaml
            else if n >= 4 && u[n - 4] == 46 && u[n - 3] == 121 && u[n - 2] == 109 && u[n - 1] == 108 { n -= 4 }                 // .yml
            return n >= 7 && u[n - 7] == 105 && u[n - 6] == 122 && u[n - 5] == 97 && u[n - 4] == 116 && u[n - 3] == 105 && u[n - 2] == 111 && u[n - 1] == 110   // ization
        }
        return plausible && names.contains(Paths.basename(path))
    }
}

/// Paths as the user sees them ("apps/base/web.yaml"): joined and normalised without touching the disk.
enum Paths {
    static func basename(_ p: String) -> String {
        guard let slash = p.lastIndex(of: "/") else { return p }
        return String(p[p.index(after: slash)...])
    }

    static func dirname(_ p: String) -> String {
        guard let slash = p.lastIndex(of: "/") else { return "." }
        if slash == p.startIndex { return "/" }
        return String(p[..<slash])
    }

    /// `a/b/../c` → `a/c`; keeps leading `..`; "" and "." become ".".
    static func normalize(_ p: String) -> String {
        let absolute = p.hasPrefix("/")
        var out: [Substring] = []
        for part in p.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = out.last, last != ".." { out.removeLast(); continue }
            if part == "..", absolute { continue }
            out.append(part)
        }
        let s = out.joined(separator: "/")
        if absolute { return "/" + s }
        return s.isEmpty ? "." : s
    }

    static func join(_ dir: String, _ rel: String) -> String {
        if rel.hasPrefix("/") { return normalize(rel) }
        if dir == "." || dir.isEmpty { return normalize(rel) }
        return normalize(dir + "/" + rel)
    }

    /// Whether `p` is `dir` or inside it.
    static func isInside(_ p: String, _ dir: String) -> Bool {
        if dir == "." { return !p.hasPrefix("/") && !p.hasPrefix("../") && p != ".." }
        return p == dir || p.hasPrefix(dir == "/" ? "/" : dir + "/")
    }
}

/// Which objects a patch or transformer applies to (kustomize's `target:`).
struct KSelector: Sendable {
    var group: String?
    var version: String?
    var kind: String?
    /// Regular expression (anchored), as kustomize reads it.
    var name: String?
    var namespace: String?
    var labelSelector: String?
    var annotationSelector: String?

    init(_ n: Node) {
        group = n["group"]?.string
        version = n["version"]?.string
        kind = n["kind"]?.string
        name = n["name"]?.string
        namespace = n["namespace"]?.string
        labelSelector = n["labelSelector"]?.string
        annotationSelector = n["annotationSelector"]?.string
    }

    init(group: String? = nil, kind: String? = nil, name: String? = nil, namespace: String? = nil) {
        self.group = group; self.kind = kind; self.name = name; self.namespace = namespace
    }
}

/// One patch of a kustomization: where its text is, and what it targets.
struct KPatch: Sendable {
    enum Body: Sendable {
        /// A file, relative to the kustomization (display path, resolved).
        case file(String)
        /// Text written in the kustomization itself; `at` is where it starts.
        case inline(String, at: SourceLocation)
    }
    /// The field it comes from, which decides when kustomize applies it: `patchesStrategicMerge` and
    /// `patches` before the namespace and name transformers, `patchesJson6902` after them.
    enum Phase: Sendable { case strategicMerge, patches, json6902 }
    var body: Body
    var target: KSelector?
    var phase: Phase
    /// The entry in the kustomization (for problems).
    var at: SourceLocation
}

/// An entry of `resources:`/`components:` and where it is written.
struct KEntry: Sendable {
    var text: String
    var at: SourceLocation
}

/// A kustomization file, read without running anything.
struct Kustomization: Sendable {
    var file: String
    var dir: String
    /// `Kustomization` or `Component`.
    var kind: String
    var resources: [KEntry] = []
    var components: [KEntry] = []
    var patches: [KPatch] = []
    var namespace: String?
    var namePrefix: String = ""
    var nameSuffix: String = ""
    /// Labels to add (commonLabels, labels[].pairs).
    var labels: [String: String] = [:]
    var annotations: [String: String] = [:]
    /// Fields kustomize would act on that Portolan does not (helmCharts, replacements...): problems.
    var problems: [Problem] = []

    /// Parses a kustomization file's root mapping. `file` is its display path.
    init(root: Node?, file: String) {
        self.file = file
        self.dir = Paths.dirname(file)
        self.kind = root?["kind"]?.string ?? "Kustomization"
        guard let root, root.isMapping else {
            if root != nil {
                problems.append(Problem(file: file, line: root!.mark.line, column: root!.mark.column,
                                        message: "kustomization is not a mapping; ignored"))
            }
            return
        }
        func at(_ n: Node) -> SourceLocation { SourceLocation(file: file, line: n.mark.line, column: n.mark.column) }
        func entries(_ key: String) -> [KEntry] {
            guard let n = root[key], !n.isNull else { return [] }
            guard n.isSequence else {
                problems.append(Problem(at(n), "kustomization `\(key)` is not a list; ignored"))
                return []
            }
            return n.items.compactMap { i in i.string.map { KEntry(text: $0, at: at(i)) } }
        }
        resources = entries("resources") + entries("bases")
        components = entries("components")
        namespace = root["namespace"]?.string
        namePrefix = root["namePrefix"]?.string ?? ""
        nameSuffix = root["nameSuffix"]?.string ?? ""
        labels = root["commonLabels"]?.stringMap ?? [:]
        for l in root["labels"]?.items ?? [] {
            for (k, v) in l["pairs"]?.stringMap ?? [:] { labels[k] = v }
        }
        annotations = root["commonAnnotations"]?.stringMap ?? [:]

        func body(_ n: Node) -> KPatch.Body? {
            if let p = n["path"]?.string { return .file(Paths.join(dir, p)) }
            if let t = n["patch"], let text = t.scalarText {
                // A block scalar's text starts on the line after its indicator.
                let line = t.style.contains(.block) ? t.mark.line + 1 : t.mark.line
                return .inline(text, at: SourceLocation(file: file, line: line, column: t.mark.column))
            }
            return nil
        }
        for n in root["patchesStrategicMerge"]?.items ?? [] {
            guard let s = n.scalarText else { continue }
            if s.contains("\n") || s.contains("apiVersion") || s.contains("kind:") {
                let line = n.style.contains(.block) ? n.mark.line + 1 : n.mark.line
                patches.append(KPatch(body: .inline(s, at: SourceLocation(file: file, line: line, column: n.mark.column)),
                                      target: nil, phase: .strategicMerge, at: at(n)))
            } else {
                patches.append(KPatch(body: .file(Paths.join(dir, s)), target: nil, phase: .strategicMerge, at: at(n)))
            }
        }
        for n in root["patches"]?.items ?? [] {
            guard let b = body(n) else {
                problems.append(Problem(at(n), "kustomization patch has neither path nor patch; ignored"))
                continue
            }
            patches.append(KPatch(body: b, target: n["target"].map(KSelector.init), phase: .patches, at: at(n)))
        }
        for n in root["patchesJson6902"]?.items ?? [] {
            guard let b = body(n), let t = n["target"] else {
                problems.append(Problem(at(n), "patchesJson6902 entry needs a target and a path or patch; ignored"))
                continue
            }
            patches.append(KPatch(body: b, target: KSelector(t), phase: .json6902, at: at(n)))
        }
        for g in root["secretGenerator"]?.items ?? [] where g["type"]?.string == "kubernetes.io/tls" {
            problems.append(Problem(at(g), "kustomization secretGenerator: generated TLS Secrets are not modelled (their names get a content hash); use --render kustomize to see them"))
        }
        for (key, what) in [("helmCharts", "Helm charts are not rendered: render them with `helm template` and pipe the output in (`helm template ... | portolan -`)"),
                            ("helmChartInflationGenerator", "Helm charts are not rendered: render them with `helm template` and pipe the output in"),
                            ("replacements", "replacements are not applied (use --render kustomize to see their effect)"),
                            ("vars", "vars are not applied (use --render kustomize to see their effect)"),
                            ("generators", "generator plugins are not run"),
                            ("transformers", "transformer plugins are not run"),
                            ("configurations", "custom transformer configurations (nameReference for CRDs...) are not applied")] {
            if let n = root[key], !n.isNull {
                problems.append(Problem(at(n), "kustomization `\(key)`: \(what)"))
            }
        }
    }
}
