import Foundation
import PortolanCore
import PortolanReport

/// What `runExplorer` needs: the inputs, the analysis, colour wishes, and how to (re)load.
public struct ExplorerOptions: Sendable {
    public var load: LoadOptions
    public var analysis: AnalysisOptions
    /// `--no-color`; the `NO_COLOR` environment variable has the same effect.
    public var noColor: Bool
    /// The version written into exported reports.
    public var reportVersion: String
    /// Environment (NO_COLOR, VISUAL, EDITOR); the process environment by default.
    public var environment: [String: String]
    /// Loads and analyses the inputs, reporting files parsed/total. Runs on a background thread,
    /// for the first load and for every reload (`r`).
    public var loadEstate: @Sendable (LoadOptions, AnalysisOptions, @escaping @Sendable (Int, Int) -> Void) -> Estate
    /// Explanation and fix hint for a finding (the rule catalogue plugs in here); nil shows the message only.
    public var explain: FindingExplainer

    public init(load: LoadOptions = LoadOptions(), analysis: AnalysisOptions = AnalysisOptions(), noColor: Bool = false,
                reportVersion: String = "dev", environment: [String: String] = ProcessInfo.processInfo.environment,
                explain: @escaping FindingExplainer = { _ in nil },
                loadEstate: @escaping @Sendable (LoadOptions, AnalysisOptions, @escaping @Sendable (Int, Int) -> Void) -> Estate
                    = ExplorerOptions.standardLoad) {
        self.load = load; self.analysis = analysis; self.noColor = noColor; self.reportVersion = reportVersion
        self.environment = environment; self.explain = explain; self.loadEstate = loadEstate
    }

    /// Loads (GitOps environments included, see `GitOps`) and analyses.
    @Sendable public static func standardLoad(_ load: LoadOptions, _ analysis: AnalysisOptions,
                                              _ progress: @escaping @Sendable (Int, Int) -> Void) -> Estate {
        GitOps.run(load, analysis: analysis, progress: progress)
    }

    /// Colours are off when asked for, by option or by NO_COLOR.
    public var colorsDisabled: Bool { noColor || Theme.noColorRequested(environment) }

    /// `$VISUAL`, `$EDITOR`, or vi.
    public var editor: String {
        for k in ["VISUAL", "EDITOR"] {
            if let v = environment[k]?.trimmingCharacters(in: .whitespaces), !v.isEmpty { return v }
        }
        return "vi"
    }
}

/// How the explorer ended: the exit code and lines to print on stderr once the terminal is restored.
public struct ExplorerExit: Sendable, Equatable {
    public var code: Int32
    public var messages: [String]
    public init(code: Int32, messages: [String] = []) { self.code = code; self.messages = messages }
}
