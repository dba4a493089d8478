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
    /// Some file read is a kustomization, or some object a Flux Kustomization (worked out while
    /// each file was read, so that a tree without any need not be searched again).
    public var holdsKustomizations = false

    public var allInputsUnreadable: Bool { !unreadablePaths.isEmpty && unreadablePaths.count == paths.count }
}

public enum Loader {
    /// Loads every input path. `progress` is called (from worker threads) with files done and total.
    public static func load(_ options: LoadOptions, progress: (@Sendable (Int, Int) -> Void)? = nil) -> LoadedInputs {
        var scanner = FileScanner(followSymlinks: options.followSymlinks, maxFileSize: options.maxFileSize)
        Timings.mark("start")
        // Files are read while the walk goes on: the scanner hands each one to a queue that the
        // workers drain; the outcomes are put in path order afterwards, so scheduling never shows.
        let queue = WorkQueue()
        let workers = max(1, options.workers)
        let group = DispatchGroup()
        for _ in 1..<workers {
            DispatchQueue.global().async(group: group) { queue.drain(options: options, progress: progress) }
        }
        scanner.sink = { f in
            if let kept = admitted(f, options: options) { queue.push(kept) }
        }
        scanner.scan(options.paths)
        queue.close()
        Timings.mark("scan")
        queue.drain(options: options, progress: progress)
        group.wait()
        var outcomes = queue.takeOutcomes()
        // Put in order through an index permutation sorted on a compact array of the keys.
        let keys = outcomes.map { (stdin: $0.input.isStdin, display: $0.input.display) }
        let order = keys.indices.sorted { a, b in
            if keys[a].stdin != keys[b].stdin { return keys[b].stdin }
            return utf8Precedes(keys[a].display, keys[b].display)
        }
        Timings.mark("parse")

        nonisolated(unsafe) var resources: [Resource] = []
        var problems = scanner.problems
        if let base = options.displayRelativeTo {
            let prefix = base.hasSuffix("/") ? base : base + "/"
            for i in problems.indices where problems[i].file.hasPrefix(prefix) { problems[i].file.removeFirst(prefix.count) }
        }
        // Resources on one side, everything else on the other.
        nonisolated(unsafe) var files: [LoadedFile] = []
        nonisolated(unsafe) var documents = 0, notK8s = 0
        nonisolated(unsafe) var kustomizations = false
        nonisolated(unsafe) var fileProblems: [Problem] = []
        do {
            nonisolated(unsafe) let all = outcomes
            DispatchQueue.concurrentPerform(iterations: 2) { part in
                if part == 0 {
                    var total = 0
                    for done in all { total += done.outcome.resources.count }
                    resources.reserveCapacity(total)
                    for i in order { resources.append(contentsOf: all[i].outcome.resources) }
                    return
                }
                files.reserveCapacity(all.count)
                for i in order {
                    fileProblems.append(contentsOf: all[i].outcome.problems)
                    documents += all[i].outcome.documents
                    notK8s += all[i].outcome.notKubernetes
                    if all[i].outcome.kustomization { kustomizations = true }
                    if all[i].outcome.read {
                        files.append(LoadedFile(path: all[i].outcome.path, bytes: all[i].outcome.bytes, documents: all[i].outcome.documents,
                                                resources: all[i].outcome.resources.count, retainedText: all[i].outcome.retainedText))
                    }
                }
            }
        }
        problems += fileProblems
        // What was read per file is no longer needed: another thread frees it (20,000 small arrays
        // take a while to release, and nothing waits for that), or it is kept until exit.
        let unreadable = scanner.unreadable
        let spent = Discard()
        spent.items = (queue.takePending(), outcomes, scanner)
        outcomes = []
        scanner = FileScanner(followSymlinks: false, maxFileSize: 0)
        if Lifetime.keepsUntilExit { Lifetime.discard(spent) } else { DispatchQueue.global(qos: .utility).async { spent.items = nil } }
        Timings.mark("merge")
        return LoadedInputs(paths: options.paths, files: files, resources: resources, problems: problems.sorted(),
                            documents: documents, notKubernetes: notK8s, unreadablePaths: unreadable,
                            holdsKustomizations: kustomizations)
    }

    /// The file as the user will see it, or nil when `.portolan.yaml` ignores it.
    static func admitted(_ file: InputFile, options: LoadOptions) -> InputFile? {
        var f = file
        if let base = options.displayRelativeTo {
            let prefix = base.hasSuffix("/") ? base : base + "/"
            if f.display.hasPrefix(prefix) { f.display.removeFirst(prefix.count) }
        }
        guard !options.ignore.isEmpty, !f.isStdin else { return f }
        var rel = f.display
        let root = options.ignoreRoot
        if root != "." && !root.isEmpty {
            let prefix = root.hasSuffix("/") ? root : root + "/"
            guard rel.hasPrefix(prefix) else { return f }
            rel.removeFirst(prefix.count)
        }
        return options.ignore.contains { Glob.matches($0, rel) } ? nil : f
    }

    /// Holds values until another thread drops them.
    final class Discard: @unchecked Sendable {
        var items: Any? = nil
    }

    /// Files waiting to be read, and the outcomes of those read. Workers block while the queue is
    /// empty but still open.
    final class WorkQueue: @unchecked Sendable {
        private let cond = NSCondition()
        private var pending: [InputFile] = []
        private var head = 0
        private var closed = false
        private var found = 0
        private var done = 0
        private(set) var outcomes: [Done] = []

        /// The outcomes, moved out of the queue (so that sorting them copies nothing).
        func takeOutcomes() -> [Done] {
            cond.lock()
            defer { cond.unlock() }
            let taken = outcomes
            outcomes = []
            return taken
        }

        /// The files that were queued, moved out of the queue.
        func takePending() -> [InputFile] {
            cond.lock()
            defer { cond.unlock() }
            let taken = pending
            pending = []
            head = 0
            return taken
        }

        func push(_ f: InputFile) {
            cond.lock()
            pending.append(f)
            found += 1
            cond.signal()
            cond.unlock()
        }

        func close() {
            cond.lock()
            closed = true
            cond.broadcast()
            cond.unlock()
        }

        private func take() -> InputFile? {
            cond.lock()
            defer { cond.unlock() }
            while head == pending.count && !closed { cond.wait() }
            guard head < pending.count else { return nil }
            let f = pending[head]
            head += 1
            return f
        }

        func drain(options: LoadOptions, progress: (@Sendable (Int, Int) -> Void)?) {
            var mine: [Done] = []
            while let f = take() {
                mine.append(Done(input: f, outcome: loadFile(f, options: options)))
                if let progress {
                    cond.lock()
                    done += 1
                    let (d, n, last) = (done, found, closed && done == found)
                    cond.unlock()
                    if d % 64 == 0 || last { progress(d, n) }
                }
            }
            cond.lock()
            outcomes.append(contentsOf: mine)
            cond.unlock()
        }
    }

    /// A file read, with what came of it. A class: the outcomes are put in order and merged by
    /// reference (a struct this size would be copied, every field reference-counted, at each step).
    final class Done: @unchecked Sendable {
        let input: InputFile
        let outcome: FileOutcome
        init(input: InputFile, outcome: FileOutcome) { self.input = input; self.outcome = outcome }
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
        /// The file is a kustomization, or holds a Flux Kustomization.
        var kustomization = false
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
        out.kustomization = KustomizeFiles.isKustomization(out.path)
            || out.resources.contains { $0.kind == "Kustomization" && $0.group == FluxKustomization.group }
        if input.isStdin {
            out.retainedText = DocumentReader.redactedText(bytes, resources: out.resources)
        }
        return out
    }
}
