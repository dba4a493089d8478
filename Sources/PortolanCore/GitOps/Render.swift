import Foundation

/// `--render kustomize`: runs `kustomize build` (or `kubectl kustomize`) on each kustomization the
/// environments use and reads its output instead of the static reading. Every rendered object is
/// mapped back to the file that defined it (by kind, namespace and name, through the static
/// reading's identities), and each of its fields to the line where that field is written, so
/// `file:line` keeps pointing into the repository.
public enum KustomizeTool {
    /// The command that renders a folder: `kustomize build`, else `kubectl kustomize`; nil when neither exists.
    public static func command(_ options: GitOpsOptions) -> [String]? {
        if let c = options.kustomizeCommand { return c }
        if let k = which("kustomize") { return [k, "build"] }
        if let k = which("kubectl") { return [k, "kustomize"] }
        return nil
    }

    public static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    public static let missingMessage = "--render kustomize needs `kustomize` or `kubectl` on PATH; neither was found (install one, or drop --render to read kustomizations statically)"

    /// Runs `command + [dir]`; returns standard output, or the error text.
    static func run(_ command: [String], dir: String) -> Result<[UInt8], RenderFailure> {
        let p = Process()
        let exe = command[0].contains("/") ? command[0] : (which(command[0]) ?? command[0])
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = Array(command.dropFirst()) + [dir]
        let out = Pipe()
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("portolan-kustomize-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        guard let errHandle = try? FileHandle(forWritingTo: errFile) else { return .failure(RenderFailure(message: "cannot create a temporary file")) }
        p.standardOutput = out
        p.standardError = errHandle
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { return .failure(RenderFailure(message: "cannot run \(exe): \(error)")) }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try? errHandle.close()
        if p.terminationStatus != 0 {
            let err = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
            let line = err.split(separator: "\n").first { !$0.hasPrefix("#") && !$0.hasPrefix("Warning") } ?? Substring("exit status \(p.terminationStatus)")
            return .failure(RenderFailure(message: String(line.prefix(400))))
        }
        return .success(Array(data))
    }

    struct RenderFailure: Error { var message: String }
}

/// Replaces the static reading of each kustomization by the tool's output.
struct KustomizeRenderer {
    let command: [String]
    let builder: GitOpsBuilder
    let options: LoadOptions

    /// Renders a kustomization folder; nil when it fails (the static reading is kept, with a problem).
    func render(_ dir: String, statics: [KObject]) -> [KObject]? {
        guard let k = builder.kustomizations[dir] else { return nil }
        switch KustomizeTool.run(command, dir: builder.realPath(dir)) {
        case .failure(let f):
            builder.engine.problem(SourceLocation(file: k.file, line: 1),
                                   "\(command.joined(separator: " ")) \(dir) failed: \(f.message); the static reading is used")
            return nil
        case .success(let bytes):
            var outcome = Loader.FileOutcome(path: "<\(Paths.basename(command[0])) \(dir)>")
            DocumentReader.read(bytes, into: &outcome, options: options)
            for p in outcome.problems {
                builder.engine.problem(SourceLocation(file: k.file, line: 1), "rendered output of \(dir): \(p.message)")
            }
            return outcome.resources.map { mapBack($0, statics: statics, kustomization: k) }
        }
    }

    /// The rendered object with the source of the object it comes from.
    func mapBack(_ r: Resource, statics: [KObject], kustomization k: Kustomization) -> KObject {
        let same = statics.first { $0.group == r.group && $0.kind == r.kind && $0.namespace == r.namespace && $0.name == r.name }
            ?? statics.first { $0.group == r.group && $0.kind == r.kind && $0.names.contains(r.name) }
            ?? { () -> KObject? in
                let byKind = statics.filter { $0.group == r.group && $0.kind == r.kind && ($0.namespace == r.namespace || $0.namespaces.contains(r.namespace)) }
                return byKind.count == 1 ? byKind[0] : nil
            }()
        guard let s = same else {
            builder.engine.problem(SourceLocation(file: k.file, line: 1),
                "rendered \(r.kind) \(r.namespace)/\(r.name) cannot be traced to a file of the input (a generator or a remote resource?); shown at the kustomization")
            let at = SourceLocation(file: k.file, line: 1)
            let node = r.node.map { n -> Node in
                var v = YAMLValue(n, file: k.file)
                Self.transfer(&v, reference: nil, fallback: YAMLValue.Origin(file: at.file, line: at.line, column: at.column))
                return v.makeTree()
            }
            return KObject(Resource(apiVersion: r.apiVersion, group: r.group, version: r.version, kind: r.kind, namespace: r.namespace,
                                    name: r.name, source: at, document: 0, item: -1, node: node, secret: r.secret,
                                    ignoreAnnotation: r.ignoreAnnotation))
        }
        let reference = s.value ?? s.base.node.map { YAMLValue($0, file: s.base.source.file) }
        let at = s.base.source
        let node = r.node.map { n -> Node in
            var v = YAMLValue(n, file: at.file)
            Self.transfer(&v, reference: reference, fallback: YAMLValue.Origin(file: at.file, line: at.line, column: at.column))
            return v.makeTree()
        }
        let res = Resource(apiVersion: r.apiVersion, group: r.group, version: r.version, kind: r.kind, namespace: r.namespace,
                           name: r.name, source: at, document: s.base.document, item: s.base.item, node: node,
                           secret: r.secret ?? s.base.secret, ignoreAnnotation: r.ignoreAnnotation, patchedBy: s.patchedBy)
        var o = KObject(res)
        o.patchedBy = s.patchedBy
        return o
    }

    /// Gives each rendered field the position of the same field in the statically read object, else
    /// its nearest ancestor's.
    static func transfer(_ v: inout YAMLValue, reference: YAMLValue?, fallback: YAMLValue.Origin) {
        let here = reference?.origin ?? fallback
        v.origin = here
        switch v.kind {
        case .scalar: return
        case .sequence:
            for i in v.items.indices {
                let ref = reference?.kind == .sequence ? reference?.items[safe: i] : nil
                transfer(&v.items[i], reference: ref, fallback: here)
            }
        case .mapping:
            for i in v.keys.indices {
                let j = reference?.kind == .mapping ? reference?.index(of: v.keys[i]) : nil
                v.keyOrigins[i] = j.map { reference!.keyOrigins[$0] } ?? here
                transfer(&v.items[i], reference: j.map { reference!.items[$0] }, fallback: j.map { reference!.keyOrigins[$0] } ?? here)
            }
        }
    }
}
