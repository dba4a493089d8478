import Testing
@testable import PortolanCore
@testable import PortolanTUI

/// Key → state transitions, as pure functions.
@Suite struct StateTests {
    let start = Fixture.state()

    var hostNames: [String] { start.model!.graph.hosts.map(\.name) }

    @Test func startsOnHostsWithTheFirstHostSelected() {
        #expect(start.phase == .ready)
        #expect(start.view == .hosts)
        #expect(start.focus == .navigator)
        #expect(start.selectedKey == "blog.example.com")
        #expect(start.list.rows.count == 5)
    }

    @Test func movesUpAndDownAndClamps() {
        #expect(start.after(.char("j")).selectedKey == "ghost.example.org")
        #expect(start.after(.down, .down).selectedKey == "legacy.example.org")
        #expect(start.after(.char("k")).selectedKey == "blog.example.com")
        #expect(start.after(.char("G")).selectedKey == "日本.example.jp")
        #expect(start.after(.char("G"), .char("g")).selectedKey == "blog.example.com")
        #expect(start.after(.key(.end), .down, .down).selectedKey == "日本.example.jp")
        #expect(start.after(.key(.pageDown)).selectedKey == "日本.example.jp")
        #expect(start.after(.key(.pageDown), .key(.pageUp)).selectedKey == "blog.example.com")
    }

    @Test func switchesViewsAndKeepsEachSelection() {
        let s = start.after(.char("j"), .char("2"))
        #expect(s.view == .routes)
        #expect(s.selectedKey == "gateway-api/HTTPRoute/blog/blog#0.0")
        #expect(s.after(.char("3")).selectedKey == "blog/blog")
        #expect(s.after(.char("4")).view == .certificates)
        #expect(s.after(.char("5")).view == .findings)
        #expect(s.after(.char("6")).view == .files)
        // Back on hosts, the second host is still selected.
        #expect(s.after(.char("1")).selectedKey == "ghost.example.org")
    }

    @Test func viewsNotShownGetTheirRowsWhenShownAndKeepTheirSelectionAcrossAReload() throws {
        // Only the view on screen is worked out when a model loads.
        #expect(start.lists[NavView.routes.index].stale && start.lists[NavView.routes.index].rows.isEmpty)
        #expect(!start.lists[NavView.hosts.index].stale)
        let onRoutes = start.after(.char("2"), .char("j"))
        #expect(!onRoutes.lists[NavView.routes.index].stale && onRoutes.list.rows.count == start.model!.count(.routes))
        let routeKey = try #require(onRoutes.selectedKey)
        // Back on hosts, reload: the routes view is not shown, yet its selection comes back when it is.
        let reloaded = Reducer.loaded(onRoutes.after(.char("1")), onRoutes.rootModel!)
        #expect(reloaded.lists[NavView.routes.index].stale)
        #expect(Reducer.selectedKey(reloaded, .routes) == routeKey)
        #expect(reloaded.after(.char("2")).selectedKey == routeKey)
    }

    @Test func filterNarrowsAsYouTypeEnterKeepsEscClears() {
        var s = start.after(.char("/"))
        #expect(s.editingFilter)
        s = s.typing("ho")
        #expect(s.list.rows.count == 2)  // ghost.example.org, shop.example.com
        s = s.typing("p")
        #expect(s.list.rows.count == 1)
        #expect(s.selectedKey == "shop.example.com")
        s = s.after(.enter)
        #expect(!s.editingFilter)
        #expect(s.list.filter == "hop")
        // Keys act again once the filter is kept.
        #expect(s.after(.char("j")).selectedKey == "shop.example.com")
        let cleared = s.after(.esc)
        #expect(cleared.list.filter == "")
        #expect(cleared.list.rows.count == 5)
        #expect(cleared.selectedKey == "shop.example.com")
    }

    @Test func escWhileTypingClearsAndBackspaceDeletes() {
        let typing = start.typing("/shopx")
        #expect(typing.list.rows.isEmpty)
        #expect(typing.after(.key(.backspace)).list.rows.count == 1)
        let s = typing.after(.esc)
        #expect(!s.editingFilter)
        #expect(s.list.filter == "")
        #expect(s.list.rows.count == 5)
    }

    @Test func bangInvertsTheFilter() {
        let s = start.typing("/!example.com")
        #expect(s.list.rows.map { s.model!.key(.hosts, $0) } == ["ghost.example.org", "legacy.example.org", "日本.example.jp"])
        // `!` alone filters nothing.
        #expect(start.typing("/!").list.rows.count == 5)
    }

    @Test func filterMatchesProvidersAndStates() {
        #expect(start.typing("/uncovered").list.rows.count == 1)
        #expect(start.typing("/traefik").list.rows.count == 1)
        #expect(start.typing("/conflict").selectedKey == "shop.example.com")
    }

    @Test func enterDrillsIntoTheGraphAndBackendsLeadToServices() {
        var s = start.typing("/shop").after(.enter, .enter)
        #expect(s.focus == .graph)
        let rows = s.graphRows()
        // host, finding, route /, its backend, route /api, backend, route /admin, finding, backend, plain HTTP, TLS, candidate
        #expect(rows.first?.node.payload.target == NavTarget(.hosts, "shop.example.com"))
        let backend = rows.firstIndex { $0.node.payload.target == NavTarget(.services, "shop/web") }!
        s = s.after(Array(repeating: KeyEvent.down, count: backend))
        #expect(s.selectedGraphRow(s.graphRows())?.node.payload.target == NavTarget(.services, "shop/web"))
        s = s.after(.enter)
        #expect(s.view == .services)
        #expect(s.selectedKey == "shop/web")
        #expect(s.focus == .graph)
        #expect(s.history.count == 1)
        // ← at the root goes back where we came from, with the graph as it was.
        s = s.after(.left)
        #expect(s.view == .hosts)
        #expect(s.selectedKey == "shop.example.com")
        #expect(s.focus == .graph)
        #expect(s.tree.list.selected == backend)
    }

    @Test func leftCollapsesRightExpands() {
        var s = start.typing("/shop").after(.enter, .enter, .down, .down)
        let before = s.graphRows().count
        let route = s.selectedGraphRow(s.graphRows())!
        #expect(route.node.id.contains("route:ingress/Ingress/shop/web#0.0"))
        #expect(route.expanded)
        s = s.after(.left)
        #expect(s.graphRows().count == before - 1)
        #expect(!s.selectedGraphRow(s.graphRows())!.expanded)
        s = s.after(.right)
        #expect(s.graphRows().count == before)
        // ← on a leaf selects its parent.
        s = s.after(.down, .left)
        #expect(s.selectedGraphRow(s.graphRows())!.node.id == route.node.id)
        // Esc goes back to the navigator.
        #expect(s.after(.esc).focus == .navigator)
    }

    @Test func certificateCandidatesStartCollapsed() {
        let s = start.typing("/shop").after(.enter, .enter, .char("G"))
        let row = s.selectedGraphRow(s.graphRows())!
        #expect(row.node.payload.target == NavTarget(.certificates, "secret/shop/shop-tls"))
        #expect(!row.expanded)
        #expect(s.after(.enter).selectedGraphRow(s.after(.enter).graphRows())!.expanded)
    }

    @Test func exportFormDefaultsToJSONInTheCurrentFolder() {
        let s = start.after(.char("e"))
        guard case .export(let form) = s.overlay else { Issue.record("no export form"); return }
        #expect(form.format == .json)
        #expect(form.path == "portolan-report.json")
        let (done, effects) = Reducer.reduce(s, .enter)
        #expect(effects == [.export(format: .json, path: "portolan-report.json")])
        #expect(done.overlay == .none)
    }

    @Test func exportFormEditsThePathAndCancels() {
        let (s, effects) = Reducer.reduce(start, [.char("e")] + Array(repeating: .key(.backspace), count: 4) + KeyEvent.typing("md") + [.enter])
        #expect(effects == [.export(format: .json, path: "portolan-report.md")])
        // The next `e` remembers the path.
        guard case .export(let again) = s.after(.char("e")).overlay else { Issue.record("no export form"); return }
        #expect(again.path == "portolan-report.md")
        let (_, none) = Reducer.reduce(start, [.char("e"), .esc])
        #expect(none.isEmpty)
    }

    @Test func exportFormatCyclesWithTheDefaultPath() {
        var form = ExportForm(formats: [.json, .markdown, .html])
        form.cycle(1)
        #expect(form.format == .markdown)
        #expect(form.path == "portolan-report.md")
        form.path = "out/custom.txt"
        form.cycle(1)
        #expect(form.format == .html)
        #expect(form.path == "out/custom.txt")
        form.cycle(-2)
        #expect(form.format == .json)
    }

    @Test func effectsForQuitEditorReloadRedraw() {
        #expect(Reducer.reduce(start, .char("q")).1 == [.quit])
        #expect(Reducer.reduce(start, .char("r")).1 == [.reload])
        #expect(Reducer.reduce(start, .key(.ctrl("l"))).1 == [.redraw])
        // `o` opens where the host is written.
        let ghost = start.typing("/ghost").after(.enter)
        #expect(Reducer.reduce(ghost, .char("o")).1 == [.openEditor(file: "estate/legacy.yaml", line: 30)])
        // In the graph, the selected node's line.
        let g = ghost.after(.enter, .down, .down)
        let finding = g.selectedGraphRow(g.graphRows())!
        #expect(finding.node.id.contains("finding"))
        #expect(Reducer.reduce(g, .char("o")).1 == [.openEditor(file: "estate/legacy.yaml", line: 31)])
        // `q` while typing a filter is a letter.
        #expect(Reducer.reduce(start.after(.char("/")), .char("q")).1.isEmpty)
    }

    @Test func nextAndPreviousFinding() {
        // blog has an info finding; from it `n` goes to ghost, then legacy.
        let s = start.after(.char("n"))
        #expect(s.selectedKey == "ghost.example.org")
        #expect(s.after(.char("n")).selectedKey == "legacy.example.org")
        #expect(start.after(.char("N")).selectedKey == "shop.example.com")
        // In the graph: from the host row to its finding row.
        let g = start.typing("/shop").after(.enter, .enter, .char("n"))
        #expect(g.selectedGraphRow(g.graphRows())!.node.id.contains("finding"))
    }

    @Test func providerFilterCycles() {
        var s = start.after(.char("p"))
        #expect(s.provider == .ingress)
        #expect(s.list.rows.count == 3)
        s = s.after(.char("p"))
        #expect(s.provider == .traefik)
        #expect(s.list.rows.map { s.model!.key(.hosts, $0) } == ["shop.example.com"])
        #expect(s.after(.char("2")).list.rows.count == 1)
        s = s.after(.char("p"), .char("p"), .char("p"))
        #expect(s.provider == nil)
        #expect(s.list.rows.count == 5)
    }

    @Test func sortCycles() {
        let s = start.after(.char("s"))
        #expect(s.list.sort == 1)
        #expect(s.model!.sortNames(.hosts)[1] == "findings")
        // Errors first: ghost (1 error) and shop (error + warning): shop has more.
        #expect(s.list.rows.map { s.model!.key(.hosts, $0) }.prefix(2) == ["shop.example.com", "ghost.example.org"])
        // The selection stays on the same host.
        #expect(s.selectedKey == "blog.example.com")
        let tls = start.after(.char("s"), .char("s"), .char("s"))
        #expect(tls.list.rows.map { tls.model!.key(.hosts, $0) }.first == "ghost.example.org")
        #expect(start.after(.char("4"), .char("s")).list.rows.map { start.model!.key(.certificates, $0) }.first == "secret/legacy/old-tls")
    }

    @Test func tabCyclesPanesIncludingTheYAMLPaneWhenShown() {
        #expect(start.after(.tab).focus == .graph)
        #expect(start.after(.tab, .tab).focus == .navigator)
        let y = start.after(.char("y"))
        #expect(y.detailVisible)
        #expect(y.after(.tab, .tab).focus == .detail)
        #expect(y.after(.key(.backTab)).focus == .detail)
        #expect(y.after(.tab, .tab, .char("y")).focus == .graph)
    }

    @Test func helpOverlayOpensAndCloses() {
        let s = start.after(.char("?"))
        #expect(s.overlay == .help(ListState()))
        #expect(s.contexts == [.help])
        #expect(s.after(.down).overlay == .help(ListState(selected: 0, offset: 1)))
        #expect(s.after(.esc).overlay == .none)
        #expect(s.after(.char("?")).overlay == .none)
        // Scrolling stops at the end, so one step up moves back at once.
        let bottom = s.after(Array(repeating: .key(.pageDown), count: 20))
        guard case .help(let end) = bottom.overlay else { Issue.record("help closed"); return }
        #expect(end.offset == Screen.helpMaxOffset(s))
        #expect(bottom.after(.up).overlay == .help(ListState(selected: 0, offset: end.offset - 1)))
        #expect(bottom.screen.joined().contains("Filter: / then type"))
    }

    @Test func mouseClickSelectsAndWheelScrolls() {
        let body = start.layout.navigatorBody
        let s = start.after(.mouse(MouseEvent(.left, x: body.x + 2, y: body.y + 3)))
        #expect(s.selectedKey == "shop.example.com")
        #expect(s.after(.mouse(MouseEvent(.wheelUp, x: body.x + 2, y: body.y))).selectedKey == "blog.example.com")
        let g = start.layout.graphBody
        let inGraph = start.after(.mouse(MouseEvent(.left, x: g.x + 4, y: g.y + 1)))
        #expect(inGraph.focus == .graph)
        #expect(inGraph.tree.list.selected == 1)
        // A click on a tab switches view.
        let x = start.layout.tabs.x + 12
        #expect(Screen.tab(at: x, state: start) == .routes)
        #expect(start.after(.mouse(MouseEvent(.left, x: x, y: 1))).view == .routes)
    }

    @Test func resizeRelaysOutAndTooSmallOnlyQuits() {
        let big = start.after(.resize(Size(width: 120, height: 40)))
        #expect(big.layout.navigatorBody.height == 34)
        let tiny = start.after(.resize(Size(width: 40, height: 10)))
        #expect(tiny.layout.tooSmall)
        #expect(tiny.after(.char("j")).selectedKey == "blog.example.com")
        #expect(Reducer.reduce(tiny, .char("q")).1 == [.quit])
        #expect(tiny.after(.resize(Size(width: 80, height: 24)), .char("j")).selectedKey == "ghost.example.org")
    }

    @Test func reloadKeepsSelectionFilterAndGraph() {
        let s = start.typing("/hop").after(.enter, .enter, .down)
        #expect(s.selectedKey == "shop.example.com")
        let reloading = Reducer.reloading(s)
        #expect(reloading.phase == .loading(done: 0, total: 0))
        // Keys other than q wait while loading.
        #expect(reloading.after(.char("j")).selectedKey == "shop.example.com")
        let back = Reducer.apply(reloading, .loaded(Fixture.model())).0
        #expect(back.phase == .ready)
        #expect(back.list.filter == "hop")
        #expect(back.selectedKey == "shop.example.com")
        #expect(back.tree.list.selected == 1)
        #expect(back.focus == .graph)
    }

    @Test func loadingProgressIsShown() {
        var s = AppState(theme: Fixture.theme256, size: Size(width: 80, height: 24))
        s = Reducer.apply(s, .progress(done: 3, total: 10)).0
        #expect(s.phase == .loading(done: 3, total: 10))
        #expect(Screen.buffer(s).text.contains("3 of 10 files parsed"))
        #expect(Reducer.reduce(s, .char("q")).1 == [.quit])
    }

    @Test func yamlPaneScrollsAndResetsOnANewSelection() {
        var s = start.after(.char("4"), .char("y"), .tab, .tab)
        #expect(s.focus == .detail)
        s = s.after(.down, .down)
        #expect(s.detailScroll == 2)
        s = s.after(.char("g"))
        #expect(s.detailScroll <= 0)
        s = s.after(.tab, .char("j"))
        #expect(s.detailScroll == 0)
    }

    @Test func statusBarShowsTheKeysOfTheContext() {
        let nav = start.screen.last!
        #expect(nav.contains("open") && nav.contains("filter") && nav.contains("quit") && nav.contains("help"))
        let graph = start.after(.enter).screen.last!
        #expect(graph.contains("collapse"))
        let filter = start.after(.char("/")).screen.last!
        #expect(filter.contains("keep") && filter.contains("clear") && filter.contains("inverts"))
        // Every binding is in the help (the environment switcher only when there are environments).
        let help = Screen.helpLines(start).map(\.plainText).joined(separator: "\n")
        for b in start.keymap.bindings where b.action != .cycleEnvironment { #expect(help.contains(b.description)) }
        #expect(!help.contains("GitOps environment"))
    }
}
