import ArgumentParser
import Foundation
import PortolanCore
import PortolanReport

/// Version printed by `--version` and in every report's `generator`.
let portolanVersion = "0.1.0"

struct Portolan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portolan",
        abstract: "Explore Kubernetes ingress routing: hosts → routes → services → certificates.",
        discussion: """
        Reads manifests (files, folders, or - for `kubectl get -o yaml` / `helm template` output on
        standard input) and shows which controller serves each hostname, with which certificate.

        Examples:
          portolan Examples                       open the explorer on the bundled demo estate
          kubectl get ingress,svc,secret -A -o yaml | portolan -
          portolan inventory clusters/prod        count what was read, list problems
          portolan inventory --format json .      the same as JSON

        Exit codes: 0 success; 2 usage error, or no input path could be read at all.
        Problems inside files never change the exit code.
        """,
        version: portolanVersion,
        subcommands: [Explore.self, Report.self, Inventory.self],
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

    var loadOptions: LoadOptions {
        var o = LoadOptions(paths: paths)
        o.followSymlinks = followSymlinks
        o.maxFileSize = Self.parseSize(maxFileSize) ?? 16 << 20
        o.defaultNamespace = defaultNamespace
        return o
    }

    /// Loads the inputs; prints one stderr line per unreadable path and exits 2 when none could be read.
    func load() throws -> LoadedInputs {
        let inputs = Loader.load(loadOptions)
        for (p, reason) in inputs.unreadablePaths {
            Stderr.line("portolan: cannot read '\(TextSafety.visible(p))': \(reason)")
        }
        if inputs.allInputsUnreadable { throw ExitCode(2) }
        return inputs
    }
}

enum Stderr {
    static func line(_ s: String) {
        FileHandle.standardError.write(Data((TextSafety.visible(s) + "\n").utf8))
    }
}

func writeStdout(_ s: String) {
    FileHandle.standardOutput.write(Data(s.utf8))
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct Inventory: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Count what was read per apiVersion/kind and list every problem.")

    @OptionGroup var input: InputOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let inputs = try input.load()
        switch format {
        case .text: writeStdout(InventoryReport.text(inputs))
        case .json: writeStdout(InventoryReport.json(inputs))
        }
    }
}

struct Explore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Open the terminal explorer (the default command).")

    @OptionGroup var input: InputOptions

    func run() throws {
        let inputs = try input.load()
        writeStdout(InventoryReport.text(inputs))
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

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a report of the route graph and findings.")

    @OptionGroup var input: InputOptions

    @Option(help: "Report format.")
    var format: String = "json"

    @Option(name: [.customShort("o"), .long], help: "Write to this file (- for standard output).")
    var output: String = "-"

    func run() throws {
        let inputs = try input.load()
        let graph = RouteGraph.build(ResourceStore(inputs))
        let estate = Estate(inputs: inputs, graph: graph, findings: graph.processorFindings,
                            now: Date().timeIntervalSince1970, nowIsFixed: false)
        writeStdout(JSONReport.render(estate, version: portolanVersion))
    }
}
