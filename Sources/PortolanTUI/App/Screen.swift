import PortolanCore

/// Draws the whole explorer for a state: header, tabs, navigator, route graph, YAML pane,
/// status bar, overlays. Reads the state, never changes it.
public enum Screen {
    public static func render(_ s: AppState, into buf: inout Buffer) {
        let layout = ScreenLayout(size: buf.area.size, detailVisible: s.detailVisible)
        if layout.tooSmall { tooSmall(s, layout.screen, &buf); return }
        guard case .ready = s.phase, let model = s.model else { loading(s, layout, &buf); return }
        header(s, model, layout.header, &buf)
        tabs(s, model, layout.tabs, &buf)
        navigator(s, model, layout, &buf)
        let rows = s.graphRows()
        graph(s, model, rows, layout, &buf)
        if let d = layout.detail { DetailPane.render(s, model, rows, d, &buf) }
        statusBar(s, layout.status, &buf)
        switch s.overlay {
        case .none: break
        case .help(let l): help(s, l, layout.screen, &buf)
        case .export(let f): exportForm(s, f, layout.screen, &buf)
        case .explainPrompt(let p): explainPrompt(s, p, layout.screen, &buf)
        case .explanation(let v): explanation(s, v, layout.screen, &buf)
        }
    }

    /// Renders a state at a size into a fresh buffer (tests, snapshots).
    public static func buffer(_ s: AppState) -> Buffer {
        var b = Buffer(size: s.size)
        render(s, into: &b)
        return b
    }

    static func plural(_ n: Int, _ word: String, _ plural: String? = nil) -> String {
        "\(n) " + (n == 1 ? word : (plural ?? word + "s"))
    }

    // MARK: Header

    static func header(_ s: AppState, _ m: ExplorerModel, _ area: Rect, _ buf: inout Buffer) {
        let t = s.theme
        let sep = Span(" \(t.symbols.separator) ", t.dim)
        let files = m.estate.inputs.files.count, problems = m.problems.count
        /// level 0: words everywhere; 1: short severities; 2: short everything.
        func variant(_ level: Int) -> Line {
            var l = Line([Span(" Portolan ", t.accent.adding(.reverse))])
            l.append(" ")
            if let root = s.rootModel, !root.environmentNames.isEmpty {
                let n = root.environmentNames.count
                let name = s.environment ?? (level >= 2 ? "all" : "all \(n)")
                l.append(level >= 2 ? "env \(name)" : "env: \(name)", t.accent)
                l.spans.append(sep)
            }
            if level >= 2 {
                l.append("\(files) files \(m.resourceCount) obj")
                l.append(" \(problems) prob", problems > 0 ? t.warningStyle : t.text)
            } else {
                l.append(plural(files, "file") + " \(t.symbols.dot) " + plural(m.resourceCount, "object"))
                l.append(" \(t.symbols.dot) ")
                l.append(plural(problems, "problem"), problems > 0 ? t.warningStyle : t.text)
            }
            l.spans.append(sep)
            let provs = Provider.allCases.filter { (m.providerCounts[$0] ?? 0) > 0 }
            if provs.isEmpty {
                l.append("no routes", t.dim)
            }
            for (i, p) in provs.enumerated() {
                if i > 0 { l.append(" ") }
                let name = level >= 2 ? Theme.providerBadge(p) : p.rawValue
                l.append("\(name) \(m.providerCounts[p] ?? 0)", t.provider(p))
            }
            l.spans.append(sep)
            for (i, sev) in [Severity.error, .warning, .info].enumerated() {
                if i > 0 { l.append(level >= 1 ? " " : " \(t.symbols.dot) ") }
                let n = m.severityCounts[sev] ?? 0
                let word = level >= 1 ? "" : " " + (n == 1 || sev == .info ? sev.rawValue : sev.rawValue + "s")
                l.append("\(t.severitySymbol(sev)) \(n)\(word)", n > 0 ? t.severity(sev) : t.dim)
            }
            return l
        }
        let line = (0...2).lazy.map(variant).first { $0.width <= area.width } ?? variant(2)
        buf.setLine(area.x, area.y, line, maxWidth: area.width)
    }

    // MARK: Tabs

    static func tabTitles(_ s: AppState, width: Int) -> [Line] {
        NavView.allCases.map { v in
            let name = width >= 100 ? v.title : v.shortTitle
            let count = s.model.map { " \($0.count(v))" } ?? ""
            return Line([Span("\(v.rawValue) ", s.theme.dim), Span(name), Span(width >= 90 ? count : "", s.theme.dim)])
        }
    }

    static func tabs(_ s: AppState, _ m: ExplorerModel, _ area: Rect, _ buf: inout Buffer) {
        Tabs(titles: tabTitles(s, width: area.width), selected: s.view.index, highlight: s.theme.tabSelected,
             divider: Span(s.theme.symbols.separator, s.theme.dim)).render(area, &buf)
    }

    /// The view whose tab is at column `x`.
    public static func tab(at x: Int, state s: AppState) -> NavView? {
        let area = s.layout.tabs
        var pos = area.x
        for (i, t) in tabTitles(s, width: area.width).enumerated() {
            if i > 0 { pos += TextCells.width(s.theme.symbols.separator) }
            let w = t.width + 2
            if x >= pos && x < pos + w { return NavView(rawValue: i + 1) }
            pos += w
        }
        return nil
    }

    // MARK: Navigator

    static func block(_ s: AppState, _ title: Line, focused: Bool, right: Line? = nil, bottom: Line? = nil) -> Block {
        let t = s.theme
        var ti = title
        if focused { for i in ti.spans.indices { ti.spans[i].style = ti.spans[i].style.adding(.bold) } }
        return Block(title: ti, rightTitle: right, bottomTitle: bottom, borderStyle: focused ? t.borderFocused : t.border, symbols: t.symbols)
    }

    static func navigator(_ s: AppState, _ m: ExplorerModel, _ layout: ScreenLayout, _ buf: inout Buffer) {
        let t = s.theme
        let l = s.list
        let total = m.count(s.view)
        var title = Line(s.view.title, t.title)
        title.append(l.rows.count == total ? " \(total)" : " \(l.rows.count) of \(total)", t.dim)
        var right = Line(" ")
        if let p = s.provider { right.append(p.rawValue, t.provider(p)); right.append(" \(t.symbols.dot) ", t.dim) }
        right.append("by " + m.sortNames(s.view)[l.sort] + " ", t.dim)
        var bottom: Line? = nil
        if s.editingFilter || !l.filter.isEmpty {
            var b = Line([Span("/", t.accent), Span(l.filter)])
            if s.editingFilter { b.append(t.symbols.cursor, t.accent) }
            b.append(" ")
            bottom = Line(" ") + b
        }
        let focused = s.focus == .navigator && s.overlay == .none
        block(s, title, focused: focused, right: right, bottom: bottom).render(layout.navigator, &buf)
        let inner = layout.navigatorInner
        guard !inner.isEmpty else { return }
        if l.rows.isEmpty {
            let msg: [Line] = total == 0
                ? [Line(emptyMessage(s.view), t.dim)]
                : [Line("Nothing matches the filter.", t.dim), Line("Esc clears it.", t.dim)]
            Paragraph(msg, wrap: true).render(Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1), &buf)
            return
        }
        let cols = NavigatorColumns(state: s, model: m, width: inner.width)
        var ls = l.list
        Table(count: l.rows.count, widths: cols.widths, header: cols.header,
              highlight: focused ? t.selection : t.selectionInactive,
              headerStyle: Style(modifiers: .bold), ellipsis: t.symbols.ellipsis) { i in cols.row(l.rows[i]) }
            .render(inner, &buf, state: &ls)
    }

    static func emptyMessage(_ v: NavView) -> String {
        switch v {
        case .hosts: return "No hosts: no routes were found in the inputs. 6 lists the files read and their problems."
        case .routes: return "No routes were found in the inputs."
        case .services: return "No Services in the inputs."
        case .certificates: return "No certificates: no TLS Secrets, cert-manager Certificates or ACME resolvers."
        case .findings: return "No findings."
        case .files: return "No files were read."
        }
    }

    // MARK: Graph

    static func graph(_ s: AppState, _ m: ExplorerModel, _ rows: [TreeRow<GraphPayload>], _ layout: ScreenLayout, _ buf: inout Buffer) {
        let t = s.theme
        let focused = s.focus == .graph && s.overlay == .none
        var right: Line? = nil
        if !rows.isEmpty { right = Line(" \(min(s.tree.list.selected, rows.count - 1) + 1)/\(rows.count) ", t.dim) }
        block(s, Line("Route graph", t.title), focused: focused, right: right).render(layout.graph, &buf)
        let body = layout.graphBody
        guard !body.isEmpty else { return }
        if rows.isEmpty {
            Paragraph([Line("Select an item on the left to see its routes.", t.dim)], wrap: true).render(body, &buf)
            return
        }
        var ls = s.tree.list
        TreeView(rows: rows, guideStyle: t.dim, highlight: focused ? t.selection : t.selectionInactive, ellipsis: t.symbols.ellipsis)
            .render(body, &buf, state: &ls)
    }

    // MARK: Status bar

    static func statusBar(_ s: AppState, _ area: Rect, _ buf: inout Buffer) {
        let t = s.theme
        let ascii = !t.symbols.isUnicode
        var bindings = s.keymap.statusBindings(for: s.contexts)
        // Without an item there is nothing to open.
        if s.subject == nil { bindings.removeAll { $0.action == .open || $0.action == .nextPane } }
        let isPinned: (Binding) -> Bool = { $0.action == .help || $0.action == .quit }
        let pinned = bindings.filter(isPinned).map { Keymap.hint($0, ascii: ascii) }
        let hints = bindings.filter { !isPinned($0) }.map { Keymap.hint($0, ascii: ascii) }
        if s.editingFilter {
            let prompt = Line([Span("/", t.accent), Span(s.list.filter), Span(t.symbols.cursor, t.accent), Span("  ! inverts ", t.dim)])
            let used = buf.setLine(area.x + 1, area.y, prompt, maxWidth: area.width / 2) + 2
            StatusBar(hints: hints, keyStyle: t.keyHint).render(Rect(x: area.x + used, y: area.y, width: area.width - used, height: 1), &buf)
            return
        }
        var message: Line? = nil
        if let st = s.status { message = Line(st.text, st.isError ? t.statusError : t.statusInfo) }
        var right: Line? = nil
        if s.overlay == .none, message == nil, !s.list.rows.isEmpty {
            right = Line("\(min(s.list.list.selected, s.list.rows.count - 1) + 1)/\(s.list.rows.count) ", t.dim)
        }
        StatusBar(hints: hints, pinned: message == nil ? pinned : [], message: message, right: right, keyStyle: t.keyHint,
                  background: t.statusBar).render(area, &buf)
    }

    // MARK: Overlays

    static func helpLines(_ s: AppState) -> [Line] {
        let t = s.theme
        let ascii = !t.symbols.isUnicode
        var lines: [Line] = []
        for c in BindingContext.allCases {
            // The environment switcher only where there are environments to switch between.
            let hasEnvironments = !(s.rootModel?.environmentNames.isEmpty ?? true)
            let bs = s.keymap.bindings.filter { $0.context == c && (hasEnvironments || $0.action != .cycleEnvironment) }
            guard !bs.isEmpty else { continue }
            if !lines.isEmpty { lines.append(Line("")) }
            lines.append(Line(c.title, t.title))
            for b in bs {
                lines.append(Line([Span("  " + TextCells.pad(b.keysText(ascii: ascii), 20), t.accent), Span(b.description)]))
            }
        }
        lines.append(Line(""))
        lines.append(Line("Markers", t.title))
        let sym = t.symbols
        let legend: [(Span, String)] = [
            (Span(sym.covered, t.covered), "TLS covered by a certificate"),
            (Span(sym.uncovered, t.uncovered), "TLS uncovered: no certificate covers the host"),
            (Span(sym.conflict, t.conflict), "served by more than one controller"),
            (Span(sym.plainHTTP, t.plainHTTP), "plain HTTP only"),
            (Span(sym.passthrough, t.passthrough), "TLS passthrough"),
            (Span(sym.error, t.errorStyle), "error finding"),
            (Span(sym.warning, t.warningStyle), "warning finding"),
            (Span(sym.info, t.infoStyle), "info finding"),
        ]
        for (m, text) in legend { lines.append(Line([Span("  "), m, Span("  " + text)])) }
        lines.append(Line(""))
        lines.append(Line("Filter: / then type; a leading ! keeps what does not match.", t.dim))
        return lines
    }

    static func helpArea(_ screen: Rect) -> Rect {
        Popup.area(in: screen, width: min(screen.width - 4, 78), height: screen.height - 2)
    }

    /// How far the help can scroll.
    static func helpMaxOffset(_ s: AppState) -> Int {
        max(0, helpLines(s).count - (helpArea(s.layout.screen).height - 2))
    }

    static func help(_ s: AppState, _ l: ListState, _ screen: Rect, _ buf: inout Buffer) {
        let t = s.theme
        let area = helpArea(screen)
        let block = Block(title: Line("Keys", t.title), rightTitle: Line("Esc closes", t.dim), borderStyle: t.borderFocused, symbols: t.symbols)
        let inner = Popup.render(area, &buf, block: block)
        let lines = helpLines(s)
        let maxOffset = max(0, lines.count - inner.height)
        Paragraph(lines, scroll: min(l.offset, maxOffset)).render(inner, &buf)
    }

    static func exportForm(_ s: AppState, _ f: ExportForm, _ screen: Rect, _ buf: inout Buffer) {
        let t = s.theme
        let area = Popup.area(in: screen, width: min(screen.width - 4, 66), height: 9)
        let block = Block(title: Line("Export a report", t.title), borderStyle: t.borderFocused, symbols: t.symbols)
        let inner = Popup.render(area, &buf, block: block).inset(horizontal: 1)
        guard inner.height >= 5 else { return }
        let active = StylePatch(add: .reverse)
        let left = t.symbols.isUnicode ? "◂" : "<", right = t.symbols.isUnicode ? "▸" : ">"
        var y = inner.y + 1
        buf.setString(inner.x, y, "Format", t.dim)
        let fx = inner.x + 8
        let fw = buf.setString(fx, y, " \(left) \(f.format.rawValue) \(right) ", .plain, maxWidth: inner.width - 8)
        if f.field == .format { buf.setStyle(Rect(x: fx, y: y, width: fw, height: 1), active) }
        buf.setString(fx + fw + 1, y, "\(f.formatIndex + 1) of \(f.formats.count)", t.dim, maxWidth: max(0, inner.right - fx - fw - 1))
        y += 1
        buf.setString(inner.x, y, "Path", t.dim)
        // Show the end of a long path.
        let room = inner.width - 10
        var shown = f.path
        while TextCells.width(shown) > room - 1 && !shown.isEmpty { shown.removeFirst() }
        let pw = buf.setString(fx + 1, y, shown, .plain, maxWidth: room)
        if f.field == .path {
            buf.setString(fx + 1 + pw, y, t.symbols.cursor, t.accent)
            buf.setStyle(Rect(x: fx, y: y, width: room + 1, height: 1), StylePatch(add: .underline))
        }
        y += 2
        buf.setString(inner.x, y, "Written atomically, relative to the current folder.", t.dim, maxWidth: inner.width)
        y += 1
        let hints = s.keymap.hints(for: [.export], ascii: !t.symbols.isUnicode)
        StatusBar(hints: hints, keyStyle: t.keyHint).render(Rect(x: inner.x, y: y, width: inner.width, height: 1), &buf)
    }

    // MARK: Explain (x)

    static func explainPrompt(_ s: AppState, _ p: ExplainPrompt, _ screen: Rect, _ buf: inout Buffer) {
        let t = s.theme
        let area = Popup.area(in: screen, width: min(screen.width - 4, 70), height: 9)
        let block = Block(title: Line("Explain a URL", t.title), borderStyle: t.borderFocused, symbols: t.symbols)
        let inner = Popup.render(area, &buf, block: block).inset(horizontal: 1)
        guard inner.height >= 5 else { return }
        var y = inner.y + 1
        buf.setString(inner.x, y, "Host", t.dim)
        let hostNote = p.shownHost == p.host ? "" : "  (asked as \(p.host))"
        buf.setString(inner.x + 6, y, p.shownHost + hostNote, .plain, maxWidth: inner.width - 6)
        y += 1
        buf.setString(inner.x, y, "URL", t.dim)
        let whole = p.path.lowercased().hasPrefix("http://") || p.path.lowercased().hasPrefix("https://")
        let prefix = whole ? "" : "\(p.scheme)://\(p.host)"
        let room = inner.width - 7
        var shown = prefix + p.path
        while TextCells.width(shown) > room - 1 && !shown.isEmpty { shown.removeFirst() }
        let w = buf.setString(inner.x + 6, y, shown, .plain, maxWidth: room)
        buf.setString(inner.x + 6 + w, y, t.symbols.cursor, t.accent)
        buf.setStyle(Rect(x: inner.x + 5, y: y, width: room + 1, height: 1), StylePatch(add: .underline))
        y += 2
        buf.setString(inner.x, y, "Type a path (or a whole URL); Tab switches https and http.", t.dim, maxWidth: inner.width)
        y += 1
        let hints = s.keymap.hints(for: [.explain], ascii: !t.symbols.isUnicode)
        StatusBar(hints: hints, keyStyle: t.keyHint).render(Rect(x: inner.x, y: y, width: inner.width, height: 1), &buf)
    }

    public static func explanationArea(_ screen: Rect) -> Rect {
        Popup.area(in: screen, width: max(10, screen.width - 4), height: max(5, screen.height - 2))
    }

    /// The explanation's rows at `width`: long lines wrap under their value (a hanging indent).
    static func explanationLines(_ s: AppState, _ v: ExplanationView, width: Int) -> [Line] {
        let t = s.theme
        var out: [Line] = []
        for (i, text) in v.lines.enumerated() {
            let style: Style
            if i == 0 { style = t.title }
            else if text.hasPrefix("Not served") { style = t.errorStyle }
            else if text.hasPrefix("Served") { style = t.title }
            else if text.hasPrefix("note:") || text.hasPrefix("  precedence:") { style = t.dim }
            else if !text.isEmpty && !text.hasPrefix(" ") { style = t.accent }
            else if text.hasPrefix("    winner:") || text.hasPrefix("    result:") { style = t.title }
            else { style = .plain }
            let lead = text.prefix { $0 == " " }.count
            // "    field:       value" continues under the value; other lines two columns in.
            let indent = min(max(0, width / 2), lead == 4 && text.dropFirst(4).first != " " ? 17 : lead + 2)
            let rows = Paragraph.wrap(Line(String(text.dropFirst(lead)), style), width: max(1, width - lead))
            for (k, row) in rows.enumerated() {
                if k == 0 {
                    out.append(Line([Span(String(repeating: " ", count: lead))] + row.spans))
                } else {
                    let more = Paragraph.wrap(row, width: max(1, width - indent))
                    for m in more { out.append(Line([Span(String(repeating: " ", count: indent))] + m.spans)) }
                }
            }
        }
        return out
    }

    /// How far the explanation can scroll (wrapped at the popup's width).
    public static func explanationMaxOffset(_ s: AppState, _ v: ExplanationView) -> Int {
        let inner = explanationArea(s.layout.screen).inset(horizontal: 2, vertical: 1)
        return max(0, explanationLines(s, v, width: inner.width).count - inner.height)
    }

    static func explanation(_ s: AppState, _ v: ExplanationView, _ screen: Rect, _ buf: inout Buffer) {
        let t = s.theme
        let area = explanationArea(screen)
        let right = v.served ? Line("served ", t.covered) : Line("not served ", t.errorStyle)
        let block = Block(title: Line("Explain", t.title), rightTitle: right, borderStyle: t.borderFocused, symbols: t.symbols)
        let inner = Popup.render(area, &buf, block: block).inset(horizontal: 1)
        guard !inner.isEmpty else { return }
        Paragraph(explanationLines(s, v, width: inner.width), scroll: v.offset).render(inner, &buf)
    }

    // MARK: Loading and too small

    static func loading(_ s: AppState, _ layout: ScreenLayout, _ buf: inout Buffer) {
        let t = s.theme
        buf.setString(0, 0, " Portolan ", t.accent.adding(.reverse))
        let area = Popup.area(in: layout.screen, width: min(layout.screen.width - 4, 64), height: 8)
        let inner = Popup.render(area, &buf, block: Block(title: Line("Loading", t.title), borderStyle: t.border, symbols: t.symbols))
            .inset(horizontal: 1)
        guard case .loading(let done, let total) = s.phase, inner.height >= 5 else { return }
        let what = s.inputs.isEmpty ? "." : s.inputs.joined(separator: " ")
        buf.setString(inner.x, inner.y, "Reading manifests from " + what, .plain, maxWidth: inner.width)
        let ratio: Double? = total > 0 ? Double(done) / Double(total) : nil
        let label = total > 0 ? "\(done) of \(plural(total, "file")) parsed" : "looking for files" + t.symbols.ellipsis
        Gauge(ratio: ratio, label: label, filled: t.accent, empty: t.dim, symbols: t.symbols)
            .render(Rect(x: inner.x, y: inner.y + 2, width: inner.width, height: 2), &buf)
        buf.setString(inner.x, inner.y + 5, "q quits", t.dim, maxWidth: inner.width)
    }

    static func tooSmall(_ s: AppState, _ screen: Rect, _ buf: inout Buffer) {
        let min = ScreenLayout.minimum
        let lines = [
            Line("Terminal too small", s.theme.title),
            Line("\(screen.width)x\(screen.height): Portolan needs at least \(min.width)x\(min.height)."),
            Line("Enlarge the window, or press q to quit.", s.theme.dim),
        ]
        let y = screen.y + max(0, (screen.height - lines.count) / 2)
        for (i, l) in lines.enumerated() where y + i < screen.bottom {
            let w = Swift.min(l.width, screen.width)
            buf.setLine(screen.x + Swift.max(0, (screen.width - w) / 2), y + i, l, maxWidth: screen.width)
        }
    }
}
