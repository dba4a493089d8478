import ArgumentParser
import Foundation
import PortolanCore
import PortolanReport
import PortolanTUI
import PortolanNcurses

/// Version printed by `--version` and in every report's `generator`.
let portolanVersion = "0.1.0"

struct Portolan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portolan",
        abstract: "Explore Kubernetes ingress routing: hosts → routes → services → certificates.",
        discussion: """
        Reads manifests (files, folders, or - for standard input) and shows which controller \
        serves each hostname, and with which certificate.

        Examples:
          portolan Examples
          kubectl get ingress,svc,secret -A -o yaml | portolan -
          portolan check --fail-on warning clusters/prod
          portolan report --format sarif -o portolan.sarif .
          portolan inventory --format json .
          portolan rules --format markdown

        Exit codes: 0 success; 1 `check` found something at or above --fail-on; 2 usage \
        error, bad configuration, or no input path could be read at all. Problems inside \
        files never change the exit code.
        """,
        version: portolanVersion,
        subcommands: [Explore.self, Check.self, Report.self, Inventory.self, Rules.self, Explain.self, Diff.self],
        defaultSubcommand: Explore.self)
}

/// Options shared by every command that reads manifests.
struct InputOptions: ParsableArguments {
    @Argument(help: "Files and folders to read, or - for standard input (default: the current folder).")
    var paths: [String] = []

    @Flag(help: "Follow symbolic links that lead outside the scanned folder.")
    var followSymlinks = false

    @Option(help: ArgumentHelp("Skip files larger than this (bytes, or with KiB/MiB/GiB).", valueName: "size"))
    var maxFileSize: String = "16MiB"

    @Option(help: "Namespace for namespaced objects that name none (kubectl's behaviour for -f).")
    var defaultNamespace: String = "default"

    func validate() throws {
        guard Self.parseSize(maxFileSize) != nil else {
            throw ValidationError("--max-file-size: '\(maxFileSize)' is not a size (examples: 16MiB, 500KiB, 1048576)")
        }
    }

    static func parseSize(_ s: String) -> Int? {
        let units: [(String, Int)] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("GB", 1_000_000_000),
                                      ("MB", 1_000_000), ("KB", 1000), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10), ("B", 1)]
        for (u, m) in units where s.hasSuffix(u) {
            guard let n = Int(s.dropLast(u.count).trimmingCharacters(in: .whitespaces)), n >= 0 else { return nil }
            return n * m
        }
        guard let n = Int(s), n >= 0 else { return nil }
        return n
    }

    func loadOptions(config: PortolanConfig? = nil) -> LoadOptions {
        var o = LoadOptions(paths: paths)
        o.followSymlinks = followSymlinks
        o.maxFileSize = Self.parseSize(maxFileSize) ?? 16 << 20
        o.defaultNamespace = defaultNamespace
        if let config {
            o.ignore = config.ignorePaths
            o.ignoreRoot = config.root ?? "."
            o.yaml = config.limits
            if let m = config.maxFileSize, maxFileSize == "16MiB" { o.maxFileSize = m }
        }
        return o
    }

    /// Loads the inputs; prints one stderr line per unreadable path and exits 2 when none could be read.
    func load(config: PortolanConfig? = nil) throws -> LoadedInputs {
        // Kustomization and patch files are not resources; kustomize's own problems are listed too. The
        // resource store is where a second definition of an object becomes a problem.
        let inputs = ResourceStore(GitOps.load(loadOptions(config: config)).inputs).inputs
        reportUnreadable(inputs)
        if inputs.allInputsUnreadable { throw ExitCode(2) }
        return inputs
    }

    func reportUnreadable(_ inputs: LoadedInputs) {
        for (p, reason) in inputs.unreadablePaths {
            Stderr.line("portolan: cannot read '\(p)': \(reason)")
        }
    }
}

/// Options for commands that analyse: configuration, time, filters.
struct AnalysisFlags: ParsableArguments {
    @Option(help: ArgumentHelp("Configuration file (default: .portolan.yaml in the scanned folder).", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("\"Today\" for expiry checks: YYYY-MM-DD or RFC 3339 (default: the clock).", valueName: "date"))
    var now: String?

    @Option(help: ArgumentHelp("Warn about certificates expiring within this many days (default 21, or the configuration's).", valueName: "days"))
    var expiryWarning: Int?

    @Option(name: [.customShort("n"), .long], help: ArgumentHelp("Show only this namespace (repeatable).", valueName: "namespace"))
    var namespace: [String] = []

    @Option(help: ArgumentHelp("Show only this provider: ingress, traefik, contour, gateway-api (repeatable).", valueName: "provider"))
    var provider: [String] = []

    @OptionGroup var gitops: GitOpsFlags

    func validate() throws {
        if let now, UTCDate.parse(now) == nil {
            throw ValidationError("--now: '\(now)' is not a date (YYYY-MM-DD or RFC 3339, e.g. 2026-12-01T00:00:00Z)")
        }
        for p in provider where Provider(rawValue: p.lowercased()) == nil {
            throw ValidationError("--provider: '\(p)' is not one of \(Provider.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let d = expiryWarning, d < 0 { throw ValidationError("--expiry-warning must be 0 or more days") }
    }

    /// Reads the configuration (exit 2 with a clear message when it is bad).
    func loadConfig(paths: [String]) throws -> PortolanConfig {
        let file = config ?? PortolanConfig.discover(paths: paths)
        var c = PortolanConfig()
        if let file {
            do { c = try PortolanConfig.load(file: file) } catch {
                Stderr.line("portolan: bad configuration: \(error)")
                throw ExitCode(2)
            }
        }
        if let d = expiryWarning { c.expiryWarningDays = d }
        return c
    }

    var filter: EstateFilter {
        EstateFilter(namespaces: Set(namespace), providers: Set(provider.compactMap { Provider(rawValue: $0.lowercased()) }))
    }

    func options(config: PortolanConfig) -> AnalysisOptions {
        var o = AnalysisOptions()
        o.config = config
        o.now = now.flatMap(UTCDate.parse)
        return o
    }

    /// Loads (GitOps environments included), analyses and filters.
    func estate(_ input: InputOptions) throws -> Estate {
        try gitops.estate(input, self)
    }
}

/// Large results are kept here until the process exits, so the program does not spend its last
/// moments freeing a graph that the operating system reclaims anyway.
nonisolated(unsafe) var keptUntilExit: [Any] = []
let keptUntilExitLock = NSLock()

/// For commands that end once their output is written: the engine's large temporaries are kept, not freed.
func keepTemporariesUntilExit() {
    Lifetime.growHeapInLargeSteps()
    Lifetime.keepUntilExit = { value in
        keptUntilExitLock.lock()
        keptUntilExit.append(value)
        keptUntilExitLock.unlock()
    }
}

enum Stderr {
    static func line(_ s: String) {
        FileHandle.standardError.write(Data((TextSafety.visible(s) + "\n").utf8))
    }
}

/// Ends the process once its output is written, without tearing down the model first: freeing a
/// large estate object by object takes longer than the operating system needs to reclaim it whole.
func exitNow(_ code: Int32) -> Never {
    fflush(nil)   // every C stream (print buffers standard output)
    exit(code)
}

func writeStdout(_ s: String) {
    FileHandle.standardOutput.write(Data(s.utf8))
}

/// Colour only on a terminal, and never with NO_COLOR set.
func useColor(noColorFlag: Bool = false) -> Bool {
    if noColorFlag { return false }
    if let v = ProcessInfo.processInfo.environment["NO_COLOR"], !v.isEmpty { return false }
    return isatty(1) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
}

struct SeverityThreshold: ExpressibleByArgument {
    var severity: Severity?
    init?(argument: String) {
        if argument.lowercased() == "none" { severity = nil; return }
        guard let s = Severity(rawValue: argument.lowercased()) else { return nil }
        severity = s
    }
    static var allValueStrings: [String] { ["error", "warning", "info", "none"] }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report findings for CI: exit 1 when something is at or above --fail-on.",
        discussion: "Prints `file:line: severity rule-id: message` lines grouped by host, then a summary line.")

    @OptionGroup var input: InputOptions
    @OptionGroup var analysis: AnalysisFlags

    @Option(help: "Fail (exit 1) on findings at or above: error, warning, info, none.")
    var failOn: SeverityThreshold = SeverityThreshold(argument: "error")!

    @Flag(help: "Never use colour.")
    var noColor = false

    @Option(help: ArgumentHelp("Fail only on findings not in this baseline file; report the ones that disappeared.", valueName: "file"))
    var baseline: String?

    @Option(help: ArgumentHelp("Record today's findings in this baseline file (by rule, resource and host) and exit 0.", valueName: "file"))
    var writeBaseline: String?

    func validate() throws {
        if baseline != nil && writeBaseline != nil { throw ValidationError("--baseline and --write-baseline cannot be used together") }
    }

    func run() throws {
        keepTemporariesUntilExit()
        let estate = try analysis.estate(input)
        if baseline != nil || writeBaseline != nil {
            return try BaselineGate.run(estate, baseline: baseline, write: writeBaseline, failOn: failOn.severity, colors: .init(enabled: useColor(noColorFlag: noColor)))
        }
        writeStdout(CheckReport.render(estate, failOn: failOn.severity, colors: .init(enabled: useColor(noColorFlag: noColor))))
        let failed = failOn.severity.map { t in estate.findings.contains { $0.severity >= t } } ?? false
        exitNow(failed ? 1 : 0)
    }
}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a report of the route graph and findings.",
        discussion: "Formats: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")). Without --format, the extension of -o picks it (default json).")

    @OptionGroup var input: InputOptions
    @OptionGroup var analysis: AnalysisFlags

    @Option(help: "Report format (case-insensitive).")
    var format: String?

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Write to this file (- for standard output).", valueName: "file"))
    var output: String = "-"

    @Option(help: "JUnit and SARIF: findings at or above this severity count as failures (error, warning, info, none).")
    var failOn: SeverityThreshold = SeverityThreshold(argument: "error")!

    func validate() throws {
        if let format, ReportFormat.parse(format) == nil {
            throw ValidationError("--format: '\(format)' is not one of \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    var chosenFormat: ReportFormat {
        if let format, let f = ReportFormat.parse(format) { return f }
        if output != "-", let f = ReportFormat.fromExtension(output) { return f }
        return .json
    }

    func run() throws {
        let f = chosenFormat
        guard Exporters.available.contains(f) else {
            Stderr.line("portolan: the \(f.rawValue) format is not available yet (available: \(Exporters.available.map(\.rawValue).joined(separator: ", ")))")
            throw ExitCode(2)
        }
        keepTemporariesUntilExit()
        let estate = try analysis.estate(input)
        // The file is written while the report renders (each large section as soon as it is done).
        let stream = try OutputFile.open(output)
        let rest = Exporters.renderPieces(f, estate, options: ReportOptions(version: portolanVersion, failOn: failOn.severity),
                                          sink: stream.write)!
        Timings.mark("render")
        stream.write(rest)
        try OutputFile.finish(stream, output)
        Timings.mark("write")
        exitNow(0)
    }
}

/// Reports are written to a temporary file in the same folder and renamed, so no half-written report is left.
enum OutputFile {
    typealias Stream = PortolanReport.ReportWriter.Stream

    static func write(_ text: String, to path: String) throws {
        let out = try open(path)
        out.write([Array(text.utf8)])
        try finish(out, path)
    }

    /// The file a command writes (`-`: standard output), opened before anything is rendered into it.
    static func open(_ path: String) throws -> Stream {
        do { return try Stream(path: path, dashIsStandardOutput: true) } catch { throw failed(path, error) }
    }

    /// Waits for everything written to `out` and puts the file in place.
    static func finish(_ out: Stream, _ path: String) throws {
        do { try out.finish() } catch { throw failed(path, error) }
    }

    private static func failed(_ path: String, _ error: Error) -> ExitCode {
        Stderr.line("portolan: cannot write '\(path)': \(error)")
        return ExitCode(2)
    }
}

struct Inventory: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Count what was read per apiVersion/kind and list every problem.")

    @OptionGroup var input: InputOptions

    @Option(help: "Output format: text or json.")
    var format: InventoryFormat = .text

    enum InventoryFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func run() throws {
        let inputs = try input.load()
        keptUntilExit.append(inputs)
        switch format {
        case .text: writeStdout(InventoryReport.text(inputs))
        case .json: writeStdout(InventoryReport.json(inputs))
        }
    }
}

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List every rule: id, severity, description and fix.")

    @Option(help: "Output format: text, json or markdown.")
    var format: RulesFormat = .text

    enum RulesFormat: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

    func run() throws {
        switch format {
        case .text: writeStdout(RulesReport.text())
        case .json: writeStdout(RulesReport.json())
        case .markdown: writeStdout(RulesReport.markdown())
        }
    }
}

struct Explore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Open the terminal explorer (the default command). On a non-terminal stdout, prints the check summary.")

    @OptionGroup var input: InputOptions
    @OptionGroup var analysis: AnalysisFlags

    @Flag(help: "Never use colour.")
    var noColor = false

    func run() throws {
        // Not on a terminal (a pipe, a file, CI): print the check summary instead of starting the explorer.
        guard isatty(1) == 1 else {
            let estate = try analysis.estate(input)
            writeStdout(CheckReport.render(estate, failOn: nil, colors: .init(enabled: false)))
            return
        }
        try analysis.gitops.checkTool()
        let config = try analysis.loadConfig(paths: input.paths)
        let filter = analysis.filter
        let gitops = analysis.gitops.options
        let load = input.loadOptions(config: config)
        let analysisOptions = analysis.options(config: config)
        let explain: FindingExplainer = { f in
            RuleCatalog.rule(f.rule).map { FindingNotes(explanation: $0.explanation, fix: $0.hint) }
        }
        let loadEstate: @Sendable (LoadOptions, AnalysisOptions, @escaping @Sendable (Int, Int) -> Void) -> Estate = { load, analysis, progress in
            let estate = GitOps.run(load, gitops: gitops, analysis: analysis, progress: progress)
            keptUntilExit.append(estate)
            return estate.filtered(filter)
        }
        let options = ExplorerOptions(load: load, analysis: analysisOptions, noColor: noColor, reportVersion: portolanVersion,
                                      environment: ProcessInfo.processInfo.environment, explain: explain, loadEstate: loadEstate)
        Lifetime.growHeapInLargeSteps()
        let code = runExplorer(options: options)
        if code != 0 { throw ExitCode(code) }
    }
}

@main
enum Main {
    static func main() {
        do {
            var command = try Portolan.parseAsRoot()
            try command.run()
        } catch {
            let code = Portolan.exitCode(for: error)
            if code == .validationFailure {
                // Usage errors exit with 2 (not sysexits' 64).
                Stderr.line(Portolan.fullMessage(for: error))
                Stderr.line("Run 'portolan --help' for usage.")
                exit(2)
            }
            Portolan.exit(withError: error)
        }
    }
}
