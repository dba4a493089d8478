import Foundation

/// How GitOps repositories are read.
public struct GitOpsOptions: Sendable {
    public enum Render: String, Sendable, CaseIterable {
        /// Read kustomizations statically (no program is run).
        case none
        /// Run `kustomize build` (or `kubectl kustomize`) on each environment root.
        case kustomize
    }
    public var render: Render = .none
    /// `--env`: keep only this environment.
    public var environment: String? = nil
    /// The command that renders a folder (the folder is appended); nil: `kustomize build`, else `kubectl kustomize`.
    public var kustomizeCommand: [String]? = nil
    public init() {}
}

/// One environment: what one cluster (an overlay root, or a Flux Kustomization applying it) sees.
public struct Environment: Sendable {
    /// Short unique name (the root folder's last path components).
    public var name: String
    /// The root folder (display path).
    public var root: String
    /// The Flux Kustomization (`namespace/name`) that applies the root, if any.
    public var flux: String?
    public var resources: [Resource]
    /// Problems of this environment only (objects defined twice in it...).
    public var problems: [Problem]
    /// Flux variables and their values, as substituted.
    public var variables: [String: String]
    /// Variables used but not resolvable from the input.
    public var unresolved: [String]
}

/// The inputs split into environments.
public struct GitOpsInputs: Sendable {
    /// Every file; resources as read (no patch, no kustomization); problems of loading and of kustomize.
    public var inputs: LoadedInputs
    /// Empty for a tree without kustomizations: one environment, read as before.
    public var environments: [Environment]
    /// Every environment's name, before `--env` chose one.
    public var allEnvironmentNames: [String]
}

public enum GitOps {
    /// Loads the inputs and, when they hold kustomizations or Flux Kustomizations, renders each environment.
    public static func load(_ options: LoadOptions, gitops: GitOpsOptions = GitOpsOptions(),
                            progress: (@Sendable (Int, Int) -> Void)? = nil) -> GitOpsInputs {
        let o = options
        var inputs = Loader.load(o, progress: progress)
        Timings.mark("loaded")
        guard inputs.holdsKustomizations else {
            // Duplicates are reported by the resource store, which indexes everything anyway.
            inputs.problems.sort()
            return GitOpsInputs(inputs: inputs, environments: [], allEnvironmentNames: [])
        }
        let builder = GitOpsBuilder(inputs: inputs, options: o)
        if gitops.render == .kustomize {
            if let command = KustomizeTool.command(gitops) {
                builder.renderer = KustomizeRenderer(command: command, builder: builder, options: o)
            } else {
                builder.extraProblems.append(Problem(file: inputs.paths.first ?? ".", line: 0, column: 0,
                                                     message: KustomizeTool.missingMessage + "; kustomizations were read statically"))
            }
        }
        var result = builder.build()
        result.allEnvironmentNames = result.environments.map(\.name)
        if let only = gitops.environment {
            if result.allEnvironmentNames.contains(only) {
                result.environments = result.environments.filter { $0.name == only }
            } else {
                result.inputs.problems.append(Problem(file: inputs.paths.first ?? ".", line: 0, column: 0,
                    message: "--env \(only): no such environment (environments: \(result.allEnvironmentNames.joined(separator: ", "))); showing all"))
            }
        }
        return result
    }

    /// Analyses each environment on its own (conflicts, coverage and references never cross two) and
    /// combines them into one estate for the views.
    public static func analyze(_ g: GitOpsInputs, options: AnalysisOptions = AnalysisOptions()) -> Estate {
        guard !g.environments.isEmpty else { return Analyzer.run(g.inputs, options: options) }
        var estates: [EnvironmentEstate] = []
        for env in g.environments {
            var inputs = g.inputs
            inputs.resources = env.resources
            inputs.problems = (g.inputs.problems + env.problems).sorted()
            let e = Analyzer.run(inputs, options: options)
            estates.append(EnvironmentEstate(environment: env, estate: e))
        }
        if g.allEnvironmentNames.count <= 1 && estates.count == 1 {
            // One environment: shown exactly as a plain tree, with kustomize applied.
            return estates[0].estate
        }
        return EnvironmentCombiner.combine(estates, inputs: g.inputs, now: estates.first?.estate.now ?? 0,
                                           nowIsFixed: estates.first?.estate.nowIsFixed ?? false)
    }

    /// `load` then `analyze`.
    public static func run(_ load: LoadOptions, gitops: GitOpsOptions = GitOpsOptions(), analysis: AnalysisOptions = AnalysisOptions(),
                           progress: (@Sendable (Int, Int) -> Void)? = nil) -> Estate {
        analyze(self.load(load, gitops: gitops, progress: progress), options: analysis)
    }
}

/// Splits loaded inputs into environments.
final class GitOpsBuilder {
    var inputs: LoadedInputs
    let options: LoadOptions
    var kustomizations: [String: Kustomization] = [:]
    var kustomizationFiles = Set<String>()
    var documents: DocumentSource!
    var engine: KustomizeEngine!
    var flux: [FluxKustomization] = []
    /// Flux Kustomizations by the folder they apply.
    var fluxTargets: [String: [Int]] = [:]
    var extraProblems: [Problem] = []
    /// `--render kustomize`: the tool's output replaces the static reading of each kustomization.
    var renderer: KustomizeRenderer?
    private var rendered: [String: [KObject]] = [:]

    init(inputs: LoadedInputs, options: LoadOptions) {
        self.inputs = inputs
        self.options = options
    }

    /// The path to open for a display path.
    func realPath(_ display: String) -> String {
        guard let base = options.displayRelativeTo, !display.hasPrefix("/") else { return display }
        return Paths.normalize((base.hasSuffix("/") ? String(base.dropLast()) : base) + "/" + display)
    }

    var fileSet: Set<String> { Set(inputs.files.map(\.path)) }

    func makeDocuments() -> DocumentSource {
        var locations: [String: String] = [:]
        for f in inputs.files where f.path != "<stdin>" { locations[f.path] = realPath(f.path) }
        return DocumentSource(locations: locations, limits: options.yaml, maxFileSize: options.maxFileSize)
    }

    /// Reads every kustomization; loads what they reference outside the scanned folders.
    func readKustomizations() {
        for _ in 0..<8 {
            documents = makeDocuments()
            for f in inputs.files where KustomizeFiles.isKustomization(f.path) && !kustomizationFiles.contains(f.path) {
                kustomizationFiles.insert(f.path)
                let parsed = documents.parse(f.path)
                if let issue = parsed?.issues.first {
                    extraProblems.append(Problem(file: f.path, line: issue.line, column: issue.column,
                                                 message: "kustomization is not valid YAML: \(issue.message)"))
                }
                let k = Kustomization(root: parsed?.documents.first?.root, file: f.path)
                if let other = kustomizations[k.dir] {
                    extraProblems.append(Problem(file: f.path, line: 1, column: 1,
                        message: "a second kustomization file in \(k.dir) (kustomize refuses the folder; \(other.file) is used)"))
                    continue
                }
                kustomizations[k.dir] = k
            }
            // References that lead outside what was scanned: read them too (kustomize would).
            let files = fileSet
            var missing = Set<String>()
            for k in kustomizations.values {
                var refs = (k.resources + k.components).map(\.text).filter { !KustomizeEngine.isRemote($0) }
                for p in k.patches { if case .file(let f) = p.body { refs.append(Paths.relative(f, to: k.dir)) } }
                for r in refs {
                    let path = Paths.join(k.dir, r)
                    if files.contains(path) || kustomizations[path] != nil { continue }
                    let real = realPath(path)
                    var st = stat()
                    if stat(real, &st) == 0 { missing.insert(real) }
                }
            }
            let known = Set(inputs.files.map { realPath($0.path) })
            let toLoad = missing.subtracting(known).sorted()
            guard !toLoad.isEmpty else { return }
            var o = options
            o.paths = toLoad
            o.ignore = []
            let more = Loader.load(o)
            let have = fileSet
            let newFiles = more.files.filter { !have.contains($0.path) }
            let newPaths = Set(newFiles.map(\.path))
            guard !newFiles.isEmpty else { return }
            inputs.files = (inputs.files + newFiles).sorted { utf8Precedes($0.path, $1.path) }
            inputs.resources += more.resources.filter { newPaths.contains($0.source.file) }
            inputs.problems += more.problems.filter { newPaths.contains($0.file) }
            inputs.documents += newFiles.reduce(0) { $0 + $1.documents }
        }
    }

    /// The folder a Flux Kustomization's `spec.path` names, when it is in the input.
    func resolveFluxPath(_ path: String, files: Set<String>) -> String? {
        var roots: [String] = []
        for p in inputs.paths where p != "-" {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue {
                var d = p
                while d.count > 1 && d.hasSuffix("/") { d.removeLast() }
                while d.hasPrefix("./") && d.count > 2 { d.removeFirst(2) }
                if let base = options.displayRelativeTo {
                    let prefix = base.hasSuffix("/") ? base : base + "/"
                    if d.hasPrefix(prefix) { d.removeFirst(prefix.count) } else if d + "/" == prefix { d = "." }
                }
                roots.append(d)
            }
        }
        for r in roots {
            let dir = Paths.join(r, path)
            if kustomizations[dir] != nil { return dir }
            if files.contains(where: { Paths.isInside($0, dir) }) { return dir }
        }
        return nil
    }

    func build() -> GitOpsInputs {
        readKustomizations()
        let files = fileSet
        // Flux Kustomizations and the folders they apply.
        var generated = Set<String>()
        for r in inputs.resources {
            guard let f = FluxKustomization(r) else { continue }
            if f.suspended {
                extraProblems.append(Problem(r.source, "\(f.label) is suspended: Flux applies nothing from it"))
                continue
            }
            guard let dir = resolveFluxPath(f.path, files: files) else { continue }
            let i = flux.count
            flux.append(f)
            fluxTargets[dir, default: []].append(i)
            if kustomizations[dir] == nil { generated.insert(dir) }
        }
        var byFile: [String: [Resource]] = [:]
        for r in inputs.resources { byFile[r.source.file, default: []].append(r) }
        engine = KustomizeEngine(kustomizations: kustomizations, generatedUnits: generated, resourcesByFile: byFile,
                                 files: files.subtracting(kustomizationFiles), defaultNamespace: options.defaultNamespace,
                                 documents: documents)

        // Roots: units that no other unit includes.
        let units = Set(kustomizations.filter { $0.value.kind != "Component" }.keys).union(generated)
        var included = Set<String>()
        for u in units { for c in engine.children(of: u) where c != u { included.insert(c) } }
        let roots = units.subtracting(included).sorted()
        var renders: [String: [KObject]] = [:]
        for r in roots { renders[r] = unitObjects(r) }
        // Patch files of kustomizations no root reaches still are patches, not resources.
        for k in kustomizations.values {
            for p in k.patches { if case .file(let f) = p.body { engine.patchFiles.insert(f) } }
        }

        // Which root renders each Flux Kustomization object.
        var fluxIndex: [ObjectIdentifier: Int] = [:]
        for (i, f) in flux.enumerated() { fluxIndex[ObjectIdentifier(f.resource)] = i }
        var fluxHome: [Int: Set<String>] = [:]
        for (root, objs) in renders {
            for o in objs { if let i = fluxIndex[ObjectIdentifier(o.base)] { fluxHome[i, default: []].insert(root) } }
        }

        // Environments: (unit, Flux Kustomization applying it).
        var envs: [(root: String, flux: Int?)] = []
        var candidates = roots
        for dir in fluxTargets.keys.sorted() where !roots.contains(dir) {
            // A folder Flux applies that a kustomization also includes: an environment of its own when
            // the Flux Kustomization lives outside every root.
            if fluxTargets[dir]!.contains(where: { (fluxHome[$0] ?? []).isEmpty }) { candidates.append(dir) }
        }
        for root in candidates {
            let owners = fluxTargets[root] ?? []
            let ownedElsewhere = owners.contains { i in (fluxHome[i] ?? []).contains { $0 != root } }
            if ownedElsewhere { continue }
            if owners.isEmpty { envs.append((root, nil)) } else { for i in owners { envs.append((root, i)) } }
        }
        let names = environmentNames(envs)

        // Shared files: read by no kustomization. The folder holding the Flux Kustomization that applies
        // an environment is that cluster's folder (what `flux bootstrap` points at): files in it belong
        // to that environment only.
        let notResources = kustomizationFiles.union(engine.patchFiles)
        var clusterDirs: [Int: String] = [:]
        for (n, env) in envs.enumerated() {
            if let fi = env.flux, (fluxHome[fi] ?? []).isEmpty { clusterDirs[n] = Paths.dirname(flux[fi].resource.source.file) }
        }
        var shared: [Resource] = []
        var clusterFiles: [Int: [Resource]] = [:]
        var unreferenced: [String] = []
        for f in inputs.files {
            let isStdin = f.path == "<stdin>"
            guard isStdin || (!notResources.contains(f.path) && !engine.reached.contains(f.path)) else { continue }
            let rs = byFile[f.path] ?? []
            let owners = clusterDirs.filter { !isStdin && Paths.isInside(f.path, $0.value) }.keys
            if !owners.isEmpty {
                for n in owners { clusterFiles[n, default: []] += rs }
                continue
            }
            shared += rs
            let machinery = !rs.isEmpty && rs.allSatisfy { $0.group.hasSuffix("toolkit.fluxcd.io") }
            if !isStdin && f.documents > 0 && !machinery { unreferenced.append(f.path) }
        }

        // Flux Kustomizations applied from the same cluster folder (clusters/prod: `infra`, then `apps`) are
        // one cluster, so one environment: conflicts and references are judged across all they apply.
        var groups: [[Int]] = []
        var groupOfCluster: [String: Int] = [:]
        for n in envs.indices {
            if let dir = clusterDirs[n] {
                if let g = groupOfCluster[dir] { groups[g].append(n) } else { groupOfCluster[dir] = groups.count; groups.append([n]) }
            } else {
                groups.append([n])
            }
        }
        var environments: [Environment] = []
        var usedNames = Set<String>()
        for members in groups {
            var visited = Set<String>()
            var unresolved = Set<String>()
            var variables: [String: String] = [:]
            var problems: [Problem] = []
            var objects: [KObject] = []
            for n in members {
                objects += assemble(envs[n].root, flux: envs[n].flux, visited: &visited, unresolved: &unresolved,
                                    variables: &variables, problems: &problems, fluxIndex: fluxIndex)
            }
            var seenFiles = Set<String>()
            for n in members {
                for r in clusterFiles[n] ?? [] where seenFiles.insert("\(r.source.file):\(r.source.line):\(r.item)").inserted {
                    objects.append(KObject(r))
                }
            }
            objects += shared.map(KObject.init)
            // A second definition of an object becomes a problem in the environment's resource store.
            let resources = objects.map { $0.resource() }
            let first = members[0]
            var name = names[first]
            var root = envs[first].root
            if members.count > 1, let dir = clusterDirs[first] {
                root = dir
                let base = (dir as NSString).lastPathComponent
                name = usedNames.contains(base) || base.isEmpty ? dir : base
            }
            usedNames.insert(name)
            let fluxNames = members.compactMap { envs[$0].flux }.map { "\(flux[$0].resource.namespace)/\(flux[$0].resource.name)" }
            environments.append(Environment(name: name, root: root, flux: fluxNames.isEmpty ? nil : fluxNames.joined(separator: ","),
                                            resources: resources, problems: problems.sorted(), variables: variables,
                                            unresolved: unresolved.sorted()))
        }
        environments.sort { $0.name < $1.name }

        // The inputs everyone shares: no kustomization or patch file is read as resources.
        var all = inputs
        all.resources = inputs.resources.filter { !notResources.contains($0.source.file) }
        all.problems = inputs.problems.filter { p in
            !notResources.contains(p.file) || p.message.hasPrefix("not valid YAML") || p.message.hasPrefix("cannot read")
                || p.message.hasPrefix("file is ") || p.message.hasPrefix("binary file")
        }
        // Duplicates across environments are expected; within the shared files they are reported per environment.
        all.problems += extraProblems + engine.problems
        if !kustomizations.isEmpty {
            for f in unreferenced {
                all.problems.append(Problem(file: f, line: 0, column: 0,
                    message: "not referenced by any kustomization: read as shared by every environment (an entry omitted or commented out of resources:?)"))
            }
        }
        all.problems = Array(Set(all.problems)).sorted()
        return GitOpsInputs(inputs: all, environments: environments, allEnvironmentNames: environments.map(\.name))
    }

    /// A unit's objects with the Flux Kustomization that applies it, then the units its own Flux
    /// Kustomizations apply (a cluster is everything its Flux Kustomizations reach).
    func assemble(_ root: String, flux fi: Int?, visited: inout Set<String>, unresolved: inout Set<String>,
                  variables: inout [String: String], problems: inout [Problem], fluxIndex: [ObjectIdentifier: Int]) -> [KObject] {
        visited.insert(root + "|" + (fi.map(String.init) ?? ""))
        var objects = unitObjects(root)
        if let fi {
            let f = flux[fi]
            engine.transform(f.transform, &objects)
            var vars: [String: String] = [:]
            var missing: [String] = []
            for s in f.substituteFrom {
                if let values = self.values(s.kind, namespace: f.resource.namespace, name: s.name, near: f.resource.source.file) {
                    for (k, v) in values { vars[k] = v }
                } else if s.kind == "Secret" {
                    missing.append("Secret \(s.name) (Secret values are never read)")
                } else if !s.optional {
                    missing.append("\(s.kind) \(f.resource.namespace)/\(s.name) (not in the input)")
                }
            }
            for (k, v) in f.substitute { vars[k] = v }
            var un = Set<String>()
            Substitution.apply(to: &objects, vars, unresolved: &un)
            for k in vars.keys.sorted() where variables[k] == nil { variables[k] = vars[k] }
            if !un.isEmpty {
                unresolved.formUnion(un)
                let from = missing.isEmpty ? "" : "; values expected from " + missing.joined(separator: ", ")
                engine.problem(f.postBuildAt ?? f.resource.source,
                    "\(f.label): variables without a value in the input: \(un.sorted().map { "${\($0)}" }.joined(separator: ", "))\(from); hosts using them are shown as patterns and not checked for conflicts")
            }
        }
        var more: [KObject] = []
        for o in objects {
            guard let i = fluxIndex[ObjectIdentifier(o.base)] else { continue }
            guard let dir = fluxTargets.first(where: { $0.value.contains(i) })?.key else { continue }
            let key = dir + "|" + String(i)
            if visited.contains(key) || dir == root { continue }
            more += assemble(dir, flux: i, visited: &visited, unresolved: &unresolved, variables: &variables,
                             problems: &problems, fluxIndex: fluxIndex)
        }
        return objects + more
    }

    /// A unit's objects: the static reading, or the rendering tool's output mapped back onto it.
    func unitObjects(_ dir: String) -> [KObject] {
        let statics = engine.render(dir)
        guard let renderer, kustomizations[dir] != nil else { return statics }
        if let hit = rendered[dir] { return hit }
        let objects = renderer.render(dir, statics: statics) ?? statics
        rendered[dir] = objects
        return objects
    }

    /// Values of a ConfigMap named by `substituteFrom`: the copy closest to the Flux Kustomization's file.
    func values(_ kind: String, namespace: String, name: String, near file: String) -> [String: String]? {
        guard kind == "ConfigMap" else { return nil }
        let candidates = inputs.resources.filter { $0.group.isEmpty && $0.kind == "ConfigMap" && $0.namespace == namespace && $0.name == name }
        func common(_ a: String) -> Int {
            zip(a.split(separator: "/"), file.split(separator: "/")).prefix { $0 == $1 }.count
        }
        guard let best = candidates.max(by: { common($0.source.file) < common($1.source.file) }) else { return nil }
        guard let parsed = documents.parse(best.source.file) else { return nil }
        guard let doc = parsed.documents.first(where: { $0.index == best.document }), var root = doc.root else { return nil }
        if best.item >= 0, let item = root["items"]?.items[safe: best.item] { root = item }
        return root["data"]?.stringMap ?? [:]
    }

    /// Short unique names: the last path components of each root that tell them apart.
    func environmentNames(_ envs: [(root: String, flux: Int?)]) -> [String] {
        var paths: [[String]] = envs.map { e in
            var p = e.root
            if p == "." || p.isEmpty { p = Paths.basename(FileManager.default.currentDirectoryPath) }
            if p.hasPrefix("/") || p.hasPrefix("..") {
                let real = URL(fileURLWithPath: realPath(p)).standardizedFileURL.path
                p = real
            }
            return p.split(separator: "/").map(String.init).filter { $0 != ".." }
        }
        // Several Flux Kustomizations applying one folder: tell them apart by where they are defined.
        var counts: [String: Int] = [:]
        for e in envs { counts[e.root, default: 0] += 1 }
        for (i, e) in envs.enumerated() where counts[e.root]! > 1 {
            if let fi = e.flux {
                let r = flux[fi].resource
                paths[i] = Paths.dirname(r.source.file).split(separator: "/").map(String.init) + [r.name]
            }
        }
        return paths.enumerated().map { i, p in
            var k = 1
            while k < p.count {
                let suffix = p.suffix(k)
                let clash = paths.enumerated().contains { j, q in j != i && q.suffix(k) == suffix }
                if !clash { break }
                k += 1
            }
            let name = p.suffix(k).joined(separator: "/")
            return name.isEmpty ? "root" : name
        }
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { i >= 0 && i < count ? self[i] : nil }
}

extension Paths {
    /// `f` relative to `dir` when inside it (for messages and lookups); `f` otherwise.
    static func relative(_ f: String, to dir: String) -> String {
        if dir == "." { return f }
        if f.hasPrefix(dir + "/") { return String(f.dropFirst(dir.count + 1)) }
        // Walk up.
        let d = dir.split(separator: "/"), p = f.split(separator: "/")
        let common = zip(d, p).prefix { $0 == $1 }.count
        return (Array(repeating: "..", count: d.count - common) + p.dropFirst(common).map(String.init)).joined(separator: "/")
    }
}
