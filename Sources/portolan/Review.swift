import ArgumentParser
import Foundation
import PortolanCore
import PortolanReport

/// `portolan explain URL [PATH...]`
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What serves a URL: per controller, the winning route, the routes it shadows, redirects, backend and certificate.",
        discussion: """
        For the URL's host and path, each controller that claims the host is asked in its own precedence \
        (Traefik priority, Gateway API specificity, Contour and ingress-nginx longest path). Redirects \
        (ssl-redirect, permitInsecure, redirect middlewares, RequestRedirect filters) are followed.

        Examples:
          portolan explain https://shop.example.com/api/v1 clusters/prod
          portolan explain --header 'x-canary: 1' --format json http://shop.example.com/ .

        Exit codes: 0 some route serves the URL; 1 none does; 2 usage error or nothing could be read.
        """)

    @Argument(help: "The URL to explain (https://host[:port]/path[?query]; https when no scheme is given).")
    var url: String

    @OptionGroup var input: InputOptions
    @OptionGroup var analysis: AnalysisFlags

    @Option(help: "Output format: text or json.")
    var format: ExplainFormat = .text

    @Option(name: .customLong("header"), help: ArgumentHelp("A request header, NAME:VALUE (repeatable).", valueName: "header"))
    var headers: [String] = []

    @Option(help: "The request method.")
    var method: String = "GET"

    enum ExplainFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func request() throws -> ExplainRequest {
        var hs: [String: String] = [:]
        for h in headers {
            guard let colon = h.firstIndex(of: ":"), colon != h.startIndex else {
                throw ValidationError("--header: '\(h)' is not NAME:VALUE")
            }
            hs[String(h[..<colon]).trimmingCharacters(in: .whitespaces)] = String(h[h.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        }
        do {
            return try ExplainRequest.parse(url, method: method, headers: hs)
        } catch {
            throw ValidationError("'\(url)' is not a URL Portolan can explain: \(error)")
        }
    }

    func validate() throws { _ = try request() }

    func run() throws {
        let req = try request()
        let estate = try analysis.estate(input)
        let x = Explainer.run(estate, req)
        switch format {
        case .text: writeStdout(ExplainReport.text(x))
        case .json: writeStdout(ExplainReport.json(x, version: portolanVersion))
        }
        if !x.served { throw ExitCode(1) }
    }
}

/// `portolan diff BASE HEAD`, or `portolan diff --git REV..REV [PATH...]`.
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What changes for users between two trees, or two git revisions of the scanned repository.",
        discussion: """
        Hosts added and removed, routes whose backend, path, controller or TLS change, coverage changes \
        (covered → uncovered) and findings introduced and fixed, for every API family.

        Examples:
          portolan diff old/ new/
          portolan diff --git origin/main..HEAD clusters/prod
          portolan diff --git origin/main --format markdown   (against the working tree)

        With --git, PATHs are optional folders inside the repository (default: all of it); git reads each \
        revision without checking anything out. Exit codes: 0 no finding at or above --fail-on introduced; \
        1 some are; 2 usage error or nothing could be read.
        """)

    @Argument(help: ArgumentHelp("BASE and HEAD: two folders or files. With --git: folders inside the repository (default: all of it).", valueName: "path"))
    var paths: [String] = []

    @Flag(help: "Follow symbolic links that lead outside the scanned folder.")
    var followSymlinks = false

    @Option(help: ArgumentHelp("Skip files larger than this (bytes, or with KiB/MiB/GiB).", valueName: "size"))
    var maxFileSize: String = "16MiB"

    @Option(help: "Namespace for namespaced objects that name none (kubectl's behaviour for -f).")
    var defaultNamespace: String = "default"

    @OptionGroup var analysis: AnalysisFlags

    @Option(help: ArgumentHelp("Compare two revisions of the repository in the current folder: BASE..HEAD (HEAD omitted: the working tree).", valueName: "range"))
    var git: String?

    @Option(help: "Output format: text, markdown (a pull-request comment) or json.")
    var format: DiffFormat = .text

    @Option(help: "Fail (exit 1) when the change introduces findings at or above: error, warning, info, none.")
    var failOn: SeverityThreshold = SeverityThreshold(argument: "error")!

    enum DiffFormat: String, ExpressibleByArgument, CaseIterable { case text, markdown, json }

    func revisions() throws -> (base: String, head: String?)? {
        guard let git else { return nil }
        let parts = git.components(separatedBy: "..")
        guard parts.count <= 2, !parts[0].isEmpty, !parts.contains(where: { $0.hasPrefix(".") || $0.hasPrefix("-") }) else {
            throw ValidationError("--git: '\(git)' is not BASE..HEAD or BASE")
        }
        return (parts[0], parts.count == 2 && !parts[1].isEmpty ? parts[1] : nil)
    }

    func validate() throws {
        guard InputOptions.parseSize(maxFileSize) != nil else {
            throw ValidationError("--max-file-size: '\(maxFileSize)' is not a size (examples: 16MiB, 500KiB, 1048576)")
        }
        if paths.contains("-") { throw ValidationError("diff reads trees, not standard input") }
        if try revisions() == nil && paths.count != 2 {
            throw ValidationError("diff needs BASE and HEAD (two folders or files), or --git BASE..HEAD")
        }
    }

    /// Loads one side: `root` is the folder names are shown relative to, `paths` what is read.
    func side(root: String, paths: [String], alsoRoot: String? = nil) throws -> Estate {
        let config = try analysis.loadConfig(paths: analysis.config == nil ? [root] : [])
        var o = LoadOptions(paths: paths)
        o.followSymlinks = followSymlinks
        o.maxFileSize = InputOptions.parseSize(maxFileSize) ?? 16 << 20
        o.defaultNamespace = defaultNamespace
        o.ignore = config.ignorePaths
        o.ignoreRoot = config.root ?? "."
        o.displayRelativeTo = root
        // Ignore globs are relative to the configuration's folder; names are relative to `root`.
        let std = { (p: String) in URL(fileURLWithPath: p).standardized.path }
        if let r = config.root, std(r) == std(root) || alsoRoot.map({ std(r) == std($0) }) == true { o.ignoreRoot = "." }
        let inputs = Loader.load(o)
        for (p, reason) in inputs.unreadablePaths { Stderr.line("portolan: cannot read '\(p)': \(reason)") }
        if inputs.allInputsUnreadable { throw ExitCode(2) }
        let estate = Analyzer.run(inputs, options: analysis.options(config: config))
        keptUntilExit.append(estate)
        return estate.filtered(analysis.filter)
    }

    /// A folder, or the folder of a file: names are shown relative to it so both sides compare.
    static func root(of path: String) -> String {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
            let parent = (path as NSString).deletingLastPathComponent
            return parent.isEmpty ? "." : parent
        }
        return path
    }

    func run() throws {
        let base: Estate, head: Estate
        var labels: DiffReport.Labels
        if let revs = try revisions() {
            let cwd = FileManager.default.currentDirectoryPath
            let top: String
            do { top = try GitTrees.topLevel(cwd) } catch {
                Stderr.line("portolan: --git needs a git repository: \(error)")
                throw ExitCode(2)
            }
            let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("portolan-diff-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: tmp) }
            func extract(_ rev: String, _ name: String) throws -> Estate {
                let dir = tmp + "/" + name
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                do {
                    try GitTrees.extract(revision: rev, paths: paths, in: cwd, to: dir)
                } catch {
                    Stderr.line("portolan: \(error)")
                    throw ExitCode(2)
                }
                return try side(root: dir, paths: [dir], alsoRoot: top)
            }
            base = try extract(revs.base, "base")
            if let h = revs.head {
                head = try extract(h, "head")
                labels = DiffReport.Labels(base: revs.base, head: h)
            } else {
                // The working tree, with names relative to the repository's top.
                let rel = paths.isEmpty ? [top] : paths.map { ($0 as NSString).isAbsolutePath ? $0 : cwd + "/" + $0 }
                head = try side(root: top, paths: rel)
                labels = DiffReport.Labels(base: revs.base, head: "working tree")
            }
        } else {
            let (b, h) = (paths[0], paths[1])
            base = try side(root: Self.root(of: b), paths: [b])
            head = try side(root: Self.root(of: h), paths: [h])
            labels = DiffReport.Labels(base: b, head: h)
        }
        let d = EstateDiff.compare(base, head)
        switch format {
        case .text: writeStdout(DiffReport.text(d, labels: labels, failOn: failOn.severity))
        case .markdown: writeStdout(DiffReport.markdown(d, labels: labels, failOn: failOn.severity))
        case .json: writeStdout(DiffReport.json(d, labels: labels, failOn: failOn.severity, version: portolanVersion))
        }
        if let t = failOn.severity, DiffReport.failing(d, t) > 0 { throw ExitCode(1) }
    }
}

/// `portolan check --baseline FILE` and `--write-baseline FILE`.
enum BaselineGate {
    static func run(_ estate: Estate, baseline: String?, write: String?, failOn: Severity?, colors: CheckReport.Colors) throws {
        if let file = write {
            let b = Baseline(findings: estate.findings)
            try OutputFile.write(b.render(), to: file)
            writeStdout(CheckReport.render(estate, failOn: nil, colors: colors))
            writeStdout("Baseline written to \(TextSafety.visible(file)): \(b.entries.count) finding\(b.entries.count == 1 ? "" : "s") accepted.\n")
            return
        }
        guard let file = baseline else { return }
        let b: Baseline
        do { b = try Baseline.load(file: file) } catch {
            Stderr.line("portolan: bad baseline: \(error)")
            throw ExitCode(2)
        }
        let c = b.compare(estate.findings)
        var shown = estate
        shown.findings = c.new
        writeStdout(CheckReport.render(shown, failOn: failOn, colors: colors))
        writeStdout(BaselineReport.text(c, file: file))
        if let t = failOn, c.new.contains(where: { $0.severity >= t }) { throw ExitCode(1) }
    }
}
