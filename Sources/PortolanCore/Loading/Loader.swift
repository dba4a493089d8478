import Foundation
import Synchronization

public struct LoadOptions: Sendable {
    public var paths: [String] = ["."]
    public var followSymlinks = false
    public var maxFileSize = 16 << 20
    public var defaultNamespace = "default"
    public var yaml = YAMLLimits()
    /// Bytes to use for `-` instead of reading standard input (tests).
    public var stdin: [UInt8]? = nil
    /// Globs of files not to read (`.portolan.yaml` ignorePaths), relative to `ignoreRoot`.
    public var ignore: [String] = []
    public var ignoreRoot: String = "."
    /// Show file paths relative to this folder (tests use it to get stable names).
    public var displayRelativeTo: String? = nil
    /// Parallel workers; defaults to the number of cores.
    public var workers = ProcessInfo.processInfo.activeProcessorCount
    public init(paths: [String] = ["."]) { self.paths = paths.isEmpty ? ["."] : paths }
}

/// One input file after loading.
public struct LoadedFile: Sendable {
    public var path: String
    public var bytes: Int
    public var documents: Int
    public var resources: Int
    /// Text kept for inputs that cannot be read again (standard input), with Secret values blanked.
    public var retainedText: String?
}

/// Everything read from the inputs, in a deterministic order (by path, then document).
public struct LoadedInputs: Sendable {
    public var paths: [String]
    public var files: [LoadedFile]
    public var resources: [Resource]
    public var problems: [Problem]
    public var documents: Int
    public var notKubernetes: Int
    /// Input paths that could not be read at all (for errors on stderr and the exit code).
    public var unreadablePaths: [(path: String, reason: String)]

    public var allInputsUnreadable: Bool { !unreadablePaths.isEmpty && unreadablePaths.count == paths.count }
}

public enum Loader {
    /// Loads every input path. `progress` is called (from worker threads) with files done and total.
    public static func load(_ options: LoadOptions, progress: (@Sendable (Int, Int) -> Void)? = nil) -> LoadedInputs {
        var scanner = FileScanner(followSymlinks: options.followSymlinks, maxFileSize: options.maxFileSize)
        Timings.mark("start")
        scanner.scan(options.paths)
        Timings.mark("scan")
        var inputs = scanner.files
        if let base = options.displayRelativeTo {
            let prefix = base.hasSuffix("/") ? base : base + "/"
            for i in inputs.indices where inputs[i].display.hasPrefix(prefix) {
                inputs[i].display.removeFirst(prefix.count)
            }
        }
        if !options.ignore.isEmpty {
            let root = options.ignoreRoot
            inputs = inputs.filter { f in
                guard !f.isStdin else { return true }
                var rel = f.display
                if root != "." && !root.isEmpty {
                    let prefix = root.hasSuffix("/") ? root : root + "/"
                    guard rel.hasPrefix(prefix) else { return true }
                    rel.removeFirst(prefix.count)
                }
                return !options.ignore.contains { Glob.matches($0, rel) }
            }
        }
        inputs.sort { a, b in
            if a.isStdin != b.isStdin { return b.isStdin }
            return a.display.utf8.lexicographicallyPrecedes(b.display.utf8)
        }
        let outcomes = parseAll(inputs, options: options, progress: progress)
        Timings.mark("parse")

        var resources: [Resource] = []
        var problems = scanner.problems
        if let base = options.displayRelativeTo {
            let prefix = base.hasSuffix("/") ? base : base + "/"
            for i in problems.indices where problems[i].file.hasPrefix(prefix) { problems[i].file.removeFirst(prefix.count) }
        }
        var files: [LoadedFile] = []
        var documents = 0, notK8s = 0
        resources.reserveCapacity(outcomes.reduce(0) { $0 + $1.resources.count })
        for o in outcomes {
            resources.append(contentsOf: o.resources)
            problems.append(contentsOf: o.problems)
            documents += o.documents
            notK8s += o.notKubernetes
            if o.read {
                files.append(LoadedFile(path: o.path, bytes: o.bytes, documents: o.documents,
                                        resources: o.resources.count, retainedText: o.retainedText))
            }
        }
        Timings.mark("merge")
        return LoadedInputs(paths: options.paths, files: files, resources: resources, problems: problems.sorted(),
                            documents: documents, notKubernetes: notK8s, unreadablePaths: scanner.unreadable)
    }

    struct FileOutcome: Sendable {
        var path: String
        var read = false
        var bytes = 0
        var documents = 0
        var notKubernetes = 0
        var resources: [Resource] = []
        var problems: [Problem] = []
        var retainedText: String? = nil
    }

    final class Results: @unchecked Sendable {
        var slots: [FileOutcome?]
        init(_ n: Int) { slots = Array(repeating: nil, count: n) }
    }

    static func parseAll(_ inputs: [InputFile], options: LoadOptions,
                         progress: (@Sendable (Int, Int) -> Void)?) -> [FileOutcome] {
        let n = inputs.count
        guard n > 0 else { return [] }
        let results = Results(n)
        let next = Atomic<Int>(0)
        let done = Atomic<Int>(0)
        let workers = max(1, min(options.workers, n))
        results.slots.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let i = next.add(1, ordering: .relaxed).oldValue
                    if i >= n { break }
                    slots[i] = loadFile(inputs[i], options: options)
                    let d = done.add(1, ordering: .relaxed).newValue
                    if let progress, d % 64 == 0 || d == n { progress(d, n) }
                }
            }
        }
        return results.slots.map { $0! }
    }

    static func loadFile(_ input: InputFile, options: LoadOptions) -> FileOutcome {
        var out = FileOutcome(path: input.display)
        let bytes: [UInt8]
        switch input.origin {
        case .stdin:
            if let given = options.stdin {
                bytes = given
            } else {
                do { bytes = try FileReader.readAll(fd: 0, sizeHint: 1 << 16, limit: Int.max / 2) } catch {
                    out.problems.append(Problem(file: input.display, line: 0, column: 0, message: "cannot read standard input: \(error)"))
                    return out
                }
            }
        case .path(let p):
            do { bytes = try FileReader.readFile(p, limit: options.maxFileSize) } catch let e as FileReader.Failure {
                let message: String
                switch e {
                case .open(let r), .read(let r): message = "cannot read: \(r)"
                case .tooLarge(let size): message = "file is \(size) bytes, over the limit of \(options.maxFileSize) (--max-file-size); skipped"
                }
                out.problems.append(Problem(file: input.display, line: 0, column: 0, message: message))
                return out
            } catch {
                out.problems.append(Problem(file: input.display, line: 0, column: 0, message: "cannot read: \(error)"))
                return out
            }
        }
        out.read = true
        out.bytes = bytes.count
        DocumentReader.read(bytes, into: &out, options: options)
        if input.isStdin {
            out.retainedText = DocumentReader.redactedText(bytes, resources: out.resources)
        }
        return out
    }
}
