import PortolanCore
import PortolanReport

/// Work the runner does for the reducer: files, processes, the terminal.
public enum Effect: Sendable, Equatable {
    case quit
    /// Render the report and write it atomically (temp file in the same folder, then rename).
    case export(format: ReportFormat, path: String)
    /// Suspend the screen and run `$EDITOR +LINE file`.
    case openEditor(file: String, line: Int)
    /// Load the inputs again (a loading screen shows progress).
    case reload
    /// Clear the terminal and draw everything again.
    case redraw
}

/// Events from the runner rather than the keyboard.
public enum AppEvent: Sendable {
    case input(KeyEvent)
    case progress(done: Int, total: Int)
    case loaded(ExplorerModel)
    case status(StatusMessage)
}

/// Key → state transitions as pure functions: `reduce(state, key) -> (state, effects)`.
public enum Reducer {
    public static func reduce(_ state: AppState, _ key: KeyEvent) -> (AppState, [Effect]) {
        var s = state
        var effects: [Effect] = []
        handle(&s, key, &effects)
        sync(&s)
        return (s, effects)
    }

    /// Applies a sequence of keys (for tests and scripted sessions).
    public static func reduce(_ state: AppState, _ keys: [KeyEvent]) -> (AppState, [Effect]) {
        var s = state
        var all: [Effect] = []
        for k in keys {
            let (n, e) = reduce(s, k)
            s = n
            all += e
        }
        return (s, all)
    }

    public static func apply(_ state: AppState, _ event: AppEvent) -> (AppState, [Effect]) {
        switch event {
        case .input(let k): return reduce(state, k)
        case .progress(let d, let t):
            var s = state
            if case .loading = s.phase { s.phase = .loading(done: d, total: t) }
            return (s, [])
        case .loaded(let m):
            return (loaded(state, m), [])
        case .status(let m):
            var s = state
            s.status = m
            return (s, [])
        }
    }

    /// Starts a reload: the loading screen shows until `.loaded`.
    public static func reloading(_ state: AppState) -> AppState {
        var s = state
        s.phase = .loading(done: 0, total: 0)
        s.status = nil
        return s
    }

    /// Takes a (re)loaded model, keeping each view's selection, filter and sort where the items still exist.
    public static func loaded(_ state: AppState, _ model: ExplorerModel) -> AppState {
        var s = state
        var keys: [NavView: String] = [:]
        if let old = s.model {
            for v in NavView.allCases {
                let l = s.lists[v.index]
                if l.stale { keys[v] = l.pendingKey }
                else if !l.rows.isEmpty { keys[v] = old.key(v, l.rows[min(l.list.selected, l.rows.count - 1)]) }
            }
        }
        let keepTree = s.tree, keepSubject = s.treeSubject
        s.rootModel = model
        if let env = s.environment, model.environmentNames.contains(env) {
            s.model = model.environmentModel(env)
        } else {
            s.environment = nil
            s.model = model
        }
        s.phase = .ready
        // Only the view on screen gets its rows now (the others when they are shown): the first frame
        // does not wait for every view's search text and sort.
        for v in NavView.allCases {
            if v == s.view {
                refresh(&s, v, keepKey: keys[v])
            } else {
                s.lists[v.index].rows = []
                s.lists[v.index].stale = true
                s.lists[v.index].pendingKey = keys[v]
            }
        }
        s.history = []
        sync(&s)
        if s.treeSubject == keepSubject { s.tree = keepTree; sync(&s) }
        return s
    }

    // MARK: Keys

    static func handle(_ s: inout AppState, _ event: KeyEvent, _ effects: inout [Effect]) {
        if case .resize(let size) = event {
            s.size = size
            return
        }
        if case .loading = s.phase {
            if case .key(let k) = event, k == .char("q") || k == .ctrl("c") { effects.append(.quit) }
            return
        }
        if s.layout.tooSmall {
            if case .key(.char("q")) = event { effects.append(.quit) }
            return
        }
        if case .mouse(let m) = event { mouse(&s, m); return }
        guard case .key(let key) = event else { return }
        // A status message lasts until the next key.
        s.status = nil

        switch s.overlay {
        case .help(var l):
            let page = max(1, Screen.helpArea(s.layout.screen).height - 3)
            switch s.keymap.action(for: key, in: [.help]) {
            case .cancel?: s.overlay = .none; return
            case .up?: l.offset -= 1
            case .down?: l.offset += 1
            case .pageUp?: l.offset -= page
            case .pageDown?: l.offset += page
            default: break
            }
            l.offset = max(0, min(l.offset, Screen.helpMaxOffset(s)))
            s.overlay = .help(l)
            return
        case .export(var form):
            switch s.keymap.action(for: key, in: [.export]) {
            case .cancel?: s.overlay = .none
            case .accept?:
                s.overlay = .none
                s.lastExport = form
                let path = form.path.trimmingCharacters(in: .whitespaces)
                if path.isEmpty {
                    s.status = StatusMessage("No path to write the report to", isError: true)
                } else {
                    effects.append(.export(format: form.format, path: path))
                }
            case .nextField?: form.field = form.field == .path ? .format : .path; s.overlay = .export(form)
            case .previousOption?: form.cycle(-1); s.overlay = .export(form)
            case .nextOption?: form.cycle(1); s.overlay = .export(form)
            case .deleteBackward?:
                if form.field == .path, !form.path.isEmpty { form.path.removeLast() }
                s.overlay = .export(form)
            default:
                if case .char(let c) = key {
                    if form.field == .path { form.path.append(c) } else if c == " " { form.cycle(1) }
                    s.overlay = .export(form)
                }
            }
            return
        case .explainPrompt(var prompt):
            switch s.keymap.action(for: key, in: [.explain]) {
            case .cancel?: s.overlay = .none
            case .accept?: explain(&s, prompt)
            case .nextField?:
                prompt.scheme = prompt.scheme == "https" ? "http" : "https"
                s.overlay = .explainPrompt(prompt)
            case .deleteBackward?:
                if !prompt.path.isEmpty { prompt.path.removeLast() }
                s.overlay = .explainPrompt(prompt)
            default:
                if case .char(let c) = key {
                    prompt.path.append(c)
                    s.overlay = .explainPrompt(prompt)
                }
            }
            return
        case .explanation(var view):
            let page = max(1, Screen.explanationArea(s.layout.screen).height - 3)
            switch s.keymap.action(for: key, in: [.explanation]) {
            case .cancel?: s.overlay = .none; return
            case .up?: view.offset -= 1
            case .down?: view.offset += 1
            case .pageUp?: view.offset -= page
            case .pageDown?: view.offset += page
            default: break
            }
            view.offset = max(0, min(view.offset, Screen.explanationMaxOffset(s, view)))
            s.overlay = .explanation(view)
            return
        case .none:
            break
        }

        if s.editingFilter {
            switch s.keymap.action(for: key, in: [.filter]) {
            case .accept?: s.editingFilter = false
            case .cancel?:
                s.editingFilter = false
                setFilter(&s, "")
            case .deleteBackward?:
                var f = s.list.filter
                if !f.isEmpty { f.removeLast() }
                setFilter(&s, f)
            case .up?: move(&s, .up)
            case .down?: move(&s, .down)
            default:
                if case .char(let c) = key { setFilter(&s, s.list.filter + String(c)) }
            }
            return
        }

        guard let action = s.keymap.action(for: key, in: s.contexts) else { return }
        perform(&s, action, &effects)
    }

    static func perform(_ s: inout AppState, _ action: Action, _ effects: inout [Effect]) {
        switch action {
        case .quit: effects.append(.quit)
        case .help: s.overlay = .help(ListState())
        case .redraw: effects.append(.redraw)
        case .view(let v):
            s.view = v
            s.focus = .navigator
        case .nextPane, .previousPane:
            var panes: [Pane] = [.navigator, .graph]
            if s.detailVisible { panes.append(.detail) }
            let i = panes.firstIndex(of: s.focus) ?? 0
            s.focus = panes[(i + (action == .nextPane ? 1 : panes.count - 1)) % panes.count]
        case .filter:
            s.focus = .navigator
            s.editingFilter = true
        case .nextFinding: nextFinding(&s, forward: true)
        case .previousFinding: nextFinding(&s, forward: false)
        case .cycleProvider:
            let all: [Provider?] = [nil] + Provider.allCases.map { Optional($0) }
            let i = all.firstIndex(of: s.provider) ?? 0
            s.provider = all[(i + 1) % all.count]
            for v in NavView.allCases { refresh(&s, v, keepKey: selectedKey(s, v)) }
            s.status = StatusMessage("Provider filter: " + (s.provider?.rawValue ?? "all providers"))
        case .cycleEnvironment:
            guard let root = s.rootModel else { return }
            let names = root.environmentNames
            guard !names.isEmpty else {
                s.status = StatusMessage("One environment: the input has no kustomize overlays or Flux Kustomizations to tell apart")
                return
            }
            let all: [String?] = [nil] + names.map { Optional($0) }
            let i = all.firstIndex(of: s.environment) ?? 0
            s.environment = all[(i + 1) % all.count]
            s.model = s.environment.map { root.environmentModel($0) } ?? root
            s.history = []
            for v in NavView.allCases { refresh(&s, v, keepKey: nil) }
            s.status = StatusMessage("Environment: " + (s.environment ?? "all (\(names.count); each route labelled with its environment)"))
        case .cycleSort:
            guard let model = s.model else { return }
            let n = model.sortNames(s.view).count
            var l = s.list
            l.sort = (l.sort + 1) % n
            s.list = l
            refresh(&s, s.view, keepKey: selectedKey(s, s.view))
            s.status = StatusMessage("Sorted by " + model.sortNames(s.view)[s.list.sort])
        case .toggleDetail:
            s.detailVisible.toggle()
            s.detailScroll = 0
            if !s.detailVisible && s.focus == .detail { s.focus = .graph }
        case .export:
            var form = s.lastExport ?? ExportForm(formats: s.exportFormats)
            form.formats = s.exportFormats.isEmpty ? [.json] : s.exportFormats
            form.formatIndex = min(form.formatIndex, form.formats.count - 1)
            form.field = .path
            s.overlay = .export(form)
        case .openEditor:
            let rows = s.graphRows()
            guard let loc = s.detailLocation(rows) else {
                s.status = StatusMessage("Nothing selected to open", isError: true)
                return
            }
            if s.model?.estate.inputs.files.first(where: { $0.path == loc.file })?.retainedText != nil {
                s.status = StatusMessage("Standard input cannot be opened in an editor", isError: true)
                return
            }
            effects.append(.openEditor(file: loc.file, line: max(1, loc.line)))
        case .reload:
            effects.append(.reload)
        case .explain:
            startExplain(&s)
        case .up, .down, .pageUp, .pageDown, .top, .bottom:
            move(&s, action)
        case .open: open(&s)
        case .close: close(&s)
        case .back: back(&s)
        case .accept, .cancel, .deleteBackward, .nextField, .previousOption, .nextOption:
            break
        }
    }

    // MARK: Explain (x)

    /// Opens the URL prompt for the selected host (Hosts), or the selected route's first host and path (Routes).
    static func startExplain(_ s: inout AppState) {
        guard let model = s.model, let subject = s.subject else {
            s.status = StatusMessage("Nothing selected: x explains a URL of a host", isError: true)
            return
        }
        var host: String? = nil
        var path = "/"
        switch subject.view {
        case .hosts:
            host = subject.key
        case .routes:
            if let r = model.graph.route(subject.key) {
                host = r.hosts.first
                let literal = ["Prefix", "Exact", "PathPrefix", "Path", "prefix", "exact", "ImplementationSpecific"].contains(r.pathType)
                if literal && r.path.hasPrefix("/") && !r.path.contains("{") { path = r.path }
            }
        default:
            break
        }
        guard let h = host else {
            s.status = StatusMessage("x explains a URL of a host: select one in Hosts (1) or a route in Routes (2)", isError: true)
            return
        }
        let tls = model.graph.host(h).map { $0.tls != .none } ?? false
        s.overlay = .explainPrompt(ExplainPrompt(shownHost: h, scheme: tls ? "https" : "http", path: path))
    }

    static func explain(_ s: inout AppState, _ prompt: ExplainPrompt) {
        guard let model = s.model else { s.overlay = .none; return }
        let request: ExplainRequest
        do {
            request = try ExplainRequest.parse(prompt.url)
        } catch {
            s.status = StatusMessage("\(prompt.url): \(error)", isError: true)
            return
        }
        let x = Explainer.run(model.estate, request)
        s.overlay = .explanation(ExplanationView(url: request.url, served: x.served, lines: ExplainReport.lines(x)))
    }

    // MARK: Movement

    static func pageHeight(_ s: AppState) -> Int {
        let l = s.layout
        switch s.focus {
        case .navigator: return max(1, l.navigatorBody.height)
        case .graph: return max(1, l.graphBody.height)
        case .detail: return max(1, (l.detailBody?.height ?? 1) - 1)
        }
    }

    static func move(_ s: inout AppState, _ action: Action) {
        let page = pageHeight(s)
        func target(_ cur: Int, _ count: Int) -> Int {
            switch action {
            case .up: return cur - 1
            case .down: return cur + 1
            case .pageUp: return cur - page
            case .pageDown: return cur + page
            case .top: return 0
            case .bottom: return count - 1
            default: return cur
            }
        }
        switch s.focus {
        case .navigator:
            var l = s.list
            l.list.select(target(l.list.selected, l.rows.count), count: l.rows.count)
            l.list.scrollIntoView(height: s.layout.navigatorBody.height, count: l.rows.count)
            s.list = l
        case .graph:
            let n = s.graphRows().count
            s.tree.list.select(target(s.tree.list.selected, n), count: n)
            s.tree.list.scrollIntoView(height: s.layout.graphBody.height, count: n)
        case .detail:
            switch action {
            case .up: s.detailScroll -= 1
            case .down: s.detailScroll += 1
            case .pageUp: s.detailScroll -= page
            case .pageDown: s.detailScroll += page
            case .top: s.detailScroll = Int.min / 4
            case .bottom: s.detailScroll = Int.max / 4
            default: break
            }
            clampDetail(&s)
        }
    }

    /// Keeps the YAML pane's scroll inside the file.
    static func clampDetail(_ s: inout AppState) {
        guard let model = s.model, let body = s.layout.detailBody else { return }
        let rows = s.graphRows()
        guard let loc = s.detailLocation(rows), case .lines(let lines) = model.sources.text(loc.file) else {
            s.detailScroll = 0
            return
        }
        let height = DetailPane.sourceHeight(s, rows, body: body)
        let auto = DetailPane.autoStart(line: loc.line, height: height, count: lines.count)
        let start = max(0, min(auto + s.detailScroll, max(0, lines.count - height)))
        s.detailScroll = start - auto
    }

    static func open(_ s: inout AppState) {
        switch s.focus {
        case .navigator:
            if s.subject != nil { s.focus = .graph }
        case .graph:
            let rows = s.graphRows()
            guard let row = s.selectedGraphRow(rows) else { return }
            if row.hasChildren && !row.expanded {
                s.tree.setExpanded(row.node, true)
            } else if let t = row.node.payload.target, t != s.subject {
                drill(&s, to: t)
            } else if row.hasChildren {
                s.tree.list.select(s.tree.list.selected + 1, count: rows.count)
                s.tree.list.scrollIntoView(height: s.layout.graphBody.height, count: rows.count)
            }
        case .detail:
            break
        }
    }

    static func close(_ s: inout AppState) {
        switch s.focus {
        case .navigator:
            goBack(&s)
        case .graph:
            let rows = s.graphRows()
            guard let row = s.selectedGraphRow(rows) else { s.focus = .navigator; return }
            if row.hasChildren && row.expanded && row.depth > 0 {
                s.tree.setExpanded(row.node, false)
            } else if let p = row.parent {
                s.tree.list.select(p, count: rows.count)
                s.tree.list.scrollIntoView(height: s.layout.graphBody.height, count: rows.count)
            } else if !goBack(&s) {
                s.focus = .navigator
            }
        case .detail:
            s.focus = .graph
        }
    }

    static func back(_ s: inout AppState) {
        switch s.focus {
        case .navigator:
            if !s.list.filter.isEmpty { setFilter(&s, ""); return }
            goBack(&s)
        case .graph:
            s.focus = .navigator
        case .detail:
            s.focus = .graph
        }
    }

    /// Jumps to a linked item (a backend's Service, a certificate...), remembering where we were.
    static func drill(_ s: inout AppState, to t: NavTarget) {
        guard let cur = s.subject else { return }
        let entry = HistoryEntry(target: cur, focus: s.focus, tree: s.tree)
        guard select(&s, t) else {
            s.status = StatusMessage("\(t.key) is hidden by the filter or the provider filter", isError: true)
            return
        }
        s.history.append(entry)
        s.focus = .graph
        s.tree = TreeState()
        s.treeSubject = s.subject
    }

    @discardableResult
    static func goBack(_ s: inout AppState) -> Bool {
        guard let e = s.history.popLast() else { return false }
        if select(&s, e.target) {
            s.focus = e.focus
            s.tree = e.tree
            s.treeSubject = s.subject
        }
        return true
    }

    /// Selects an item in its view; clears that view's filter when it hides the item.
    @discardableResult
    static func select(_ s: inout AppState, _ t: NavTarget) -> Bool {
        guard let model = s.model, let row = model.row(t.view, key: t.key) else { return false }
        s.view = t.view
        if !s.list.rows.contains(row) && !s.list.filter.isEmpty {
            s.list.filter = ""
            refresh(&s, t.view, keepKey: nil)
        }
        guard let pos = s.list.rows.firstIndex(of: row) else { return false }
        var l = s.list
        l.list.select(pos, count: l.rows.count)
        l.list.scrollIntoView(height: s.layout.navigatorBody.height, count: l.rows.count)
        s.list = l
        return true
    }

    static func nextFinding(_ s: inout AppState, forward: Bool) {
        guard let model = s.model else { return }
        if s.focus == .graph {
            let rows = s.graphRows()
            let n = rows.count
            guard n > 0 else { return }
            for step in 1...n {
                let i = ((s.tree.list.selected + (forward ? step : -step)) % n + n) % n
                if !rows[i].node.payload.findings.isEmpty && rows[i].node.id.contains("finding:") {
                    s.tree.list.select(i, count: n)
                    s.tree.list.scrollIntoView(height: s.layout.graphBody.height, count: n)
                    return
                }
            }
        }
        let l = s.list
        let n = l.rows.count
        if n > 0 {
            for step in 1...n {
                let i = ((l.list.selected + (forward ? step : -step)) % n + n) % n
                if model.worstSeverity(s.view, l.rows[i]) != nil {
                    var nl = l
                    nl.list.select(i, count: n)
                    nl.list.scrollIntoView(height: s.layout.navigatorBody.height, count: n)
                    s.list = nl
                    s.focus = .navigator
                    return
                }
            }
        }
        s.status = StatusMessage("No findings in this list")
    }

    // MARK: Filter and sort

    static func selectedKey(_ s: AppState, _ v: NavView) -> String? {
        guard let model = s.model else { return nil }
        let l = s.lists[v.index]
        if l.stale { return l.pendingKey }
        return l.rows.isEmpty ? nil : model.key(v, l.rows[min(l.list.selected, l.rows.count - 1)])
    }

    static func setFilter(_ s: inout AppState, _ f: String) {
        let key = selectedKey(s, s.view)
        let previous = (filter: s.list.filter, rows: s.list.rows)
        s.list.filter = f
        refresh(&s, s.view, keepKey: key, narrowing: previous)
    }

    /// Recomputes a view's rows; keeps `keepKey` selected when it still shows, else the first row.
    static func refresh(_ s: inout AppState, _ v: NavView, keepKey: String?,
                        narrowing previous: (filter: String, rows: [Int])? = nil) {
        guard let model = s.model else { return }
        var l = s.lists[v.index]
        l.sort = min(l.sort, model.sortNames(v).count - 1)
        l.rows = model.visibleRows(v, sort: l.sort, provider: s.provider, filter: l.filter, narrowing: previous)
        l.stale = false
        l.pendingKey = nil
        var sel = 0
        if let k = keepKey, let r = model.row(v, key: k), let pos = l.rows.firstIndex(of: r) { sel = pos }
        l.list.select(sel, count: l.rows.count)
        l.list.scrollIntoView(height: s.layout.navigatorBody.height, count: l.rows.count)
        s.lists[v.index] = l
    }

    // MARK: Mouse

    static func mouse(_ s: inout AppState, _ m: MouseEvent) {
        let l = s.layout
        if case .help(var hl) = s.overlay {
            if m.button == .wheelUp { hl.offset -= 3 } else if m.button == .wheelDown { hl.offset += 3 }
            hl.offset = max(0, min(hl.offset, Screen.helpMaxOffset(s)))
            s.overlay = .help(hl)
            return
        }
        if case .explanation(var v) = s.overlay {
            if m.button == .wheelUp { v.offset -= 3 } else if m.button == .wheelDown { v.offset += 3 }
            v.offset = max(0, min(v.offset, Screen.explanationMaxOffset(s, v)))
            s.overlay = .explanation(v)
            return
        }
        guard s.overlay == .none else { return }
        let wheel = m.button == .wheelUp ? -3 : (m.button == .wheelDown ? 3 : 0)
        if m.button == .left, l.tabs.contains(x: m.x, y: m.y) {
            if let v = Screen.tab(at: m.x, state: s) { s.view = v; s.focus = .navigator }
            return
        }
        if l.navigator.contains(x: m.x, y: m.y) {
            s.focus = .navigator
            var ls = s.list
            if wheel != 0 {
                ls.list.select(ls.list.selected + wheel, count: ls.rows.count)
            } else if m.button == .left, let i = ls.list.row(atY: m.y, top: l.navigatorBody.y, count: ls.rows.count),
                      l.navigatorBody.contains(x: m.x, y: m.y) {
                ls.list.select(i, count: ls.rows.count)
            }
            ls.list.scrollIntoView(height: l.navigatorBody.height, count: ls.rows.count)
            s.list = ls
        } else if l.graph.contains(x: m.x, y: m.y) {
            s.focus = .graph
            let n = s.graphRows().count
            if wheel != 0 {
                s.tree.list.select(s.tree.list.selected + wheel, count: n)
            } else if m.button == .left, let i = s.tree.list.row(atY: m.y, top: l.graphBody.y, count: n),
                      l.graphBody.contains(x: m.x, y: m.y) {
                s.tree.list.select(i, count: n)
            }
            s.tree.list.scrollIntoView(height: l.graphBody.height, count: n)
        } else if let d = l.detail, d.contains(x: m.x, y: m.y) {
            s.focus = .detail
            if wheel != 0 { s.detailScroll += wheel; clampDetail(&s) }
        }
    }

    // MARK: Invariants

    /// After every change: a new subject gets a fresh graph state; a new source line resets the YAML scroll.
    static func sync(_ s: inout AppState) {
        guard s.model != nil else { return }
        for v in NavView.allCases {
            var l = s.lists[v.index]
            l.list.clamp(count: l.rows.count)
            l.list.scrollIntoView(height: s.layout.navigatorBody.height, count: l.rows.count)
            s.lists[v.index] = l
        }
        let subject = s.subject
        if subject != s.treeSubject {
            s.tree = TreeState()
            s.treeSubject = subject
        }
        let rows = s.graphRows()
        s.tree.list.clamp(count: rows.count)
        s.tree.list.scrollIntoView(height: s.layout.graphBody.height, count: rows.count)
        if subject == nil && s.focus != .navigator { s.focus = .navigator }
        if !s.detailVisible && s.focus == .detail { s.focus = .graph }
        let loc = s.detailLocation(rows)
        if loc != s.detailAnchor {
            s.detailAnchor = loc
            s.detailScroll = 0
        }
        if s.detailVisible { clampDetail(&s) }
    }
}
