import Foundation
import Testing
@testable import PortolanCore
@testable import PortolanTUI

/// The environment switcher: a GitOps repository with two overlays.
@Suite struct EnvironmentTests {
    static let gitops: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../PortolanCoreTests/Fixtures/gitops").standardizedFileURL.path

    static func state() -> AppState {
        var o = LoadOptions(paths: [gitops + "/kustomize"])
        o.displayRelativeTo = gitops
        let estate = GitOps.run(o)
        return AppState(theme: Fixture.theme256, size: Size(width: 120, height: 30), model: ExplorerModel(estate))
    }

    @Test func allViewLabelsEachRouteWithItsEnvironment() throws {
        let s = Self.state()
        #expect(s.environment == nil)
        #expect(s.screen[0].contains("env: all 2"))
        #expect(s.model?.count(.hosts) == 2)
        let routes = s.after(.char("2"), .enter)
        #expect(routes.screen.joined(separator: "\n").contains("[prod]"))
    }

    @Test func eCyclesThroughTheEnvironments() throws {
        var s = Self.state().after(.char("E"))
        #expect(s.environment == "prod")
        #expect(s.screen[0].contains("env: prod"))
        #expect(s.model?.count(.hosts) == 1)
        #expect(s.subject?.key == "shop.example.com")
        s = s.after(.char("E"))
        #expect(s.environment == "staging")
        #expect(s.subject?.key == "shop.staging.example.com")
        s = s.after(.char("E"))
        #expect(s.environment == nil)
        #expect(s.model?.count(.hosts) == 2)
        // The help lists the switcher when there are environments.
        let help = Screen.helpLines(s).map(\.plainText).joined(separator: "\n")
        #expect(help.contains("GitOps environment"))
    }

    @Test func reloadKeepsTheEnvironment() throws {
        let s = Self.state().after(.char("E"))
        let reloaded = Reducer.loaded(s, s.rootModel!)
        #expect(reloaded.environment == "prod")
        #expect(reloaded.model?.count(.hosts) == 1)
    }
}
