import ArgumentParser
import PortolanCore

/// `--render` and `--env`: how GitOps repositories (kustomize overlays, Flux) are read.
struct GitOpsFlags: ParsableArguments {
    @Option(help: ArgumentHelp("Render kustomizations with a tool instead of reading them statically: kustomize (runs `kustomize build` or `kubectl kustomize` on each environment root).", valueName: "tool"))
    var render: String?

    @Option(help: ArgumentHelp("Show only this GitOps environment (an overlay root or Flux Kustomization; see the report's environments).", valueName: "name"))
    var env: String?

    func validate() throws {
        if let render, GitOpsOptions.Render(rawValue: render.lowercased()) == nil {
            throw ValidationError("--render: '\(render)' is not one of \(GitOpsOptions.Render.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    var options: GitOpsOptions {
        var o = GitOpsOptions()
        o.render = render.flatMap { GitOpsOptions.Render(rawValue: $0.lowercased()) } ?? .none
        o.environment = env
        return o
    }

    /// Exits 2 with a clear message when the rendering tool is missing.
    func checkTool() throws {
        if options.render == .kustomize && KustomizeTool.command(options) == nil {
            Stderr.line("portolan: " + KustomizeTool.missingMessage)
            throw ExitCode(2)
        }
    }

    /// Exits 2 when --env names no environment.
    func checkEnvironment(_ g: GitOpsInputs) throws {
        guard let env, !g.allEnvironmentNames.contains(env) else { return }
        if g.allEnvironmentNames.isEmpty {
            Stderr.line("portolan: --env \(env): the input has no environments (no kustomization or Flux Kustomization)")
        } else {
            Stderr.line("portolan: --env \(env): no such environment (environments: \(g.allEnvironmentNames.joined(separator: ", ")))")
        }
        throw ExitCode(2)
    }

    /// Loads (splitting into environments), analyses and filters.
    func estate(_ input: InputOptions, _ analysis: AnalysisFlags) throws -> Estate {
        try checkTool()
        let config = try analysis.loadConfig(paths: input.paths)
        let g = GitOps.load(input.loadOptions(config: config), gitops: options)
        input.reportUnreadable(g.inputs)
        if g.inputs.allInputsUnreadable { throw ExitCode(2) }
        try checkEnvironment(g)
        let estate = GitOps.analyze(g, options: analysis.options(config: config))
        keptUntilExit.append(estate)
        return estate.filtered(analysis.filter)
    }
}
