import Foundation

/// What a key does, independent of which key it is.
public enum Action: Hashable, Sendable {
    case quit, help, redraw
    case view(NavView)
    case nextPane, previousPane
    case filter
    case nextFinding, previousFinding
    case cycleProvider, cycleSort, cycleEnvironment
    case toggleDetail, export, openEditor, reload
    /// x: what serves a URL of the selected host.
    case explain
    // Movement in the focused pane.
    case up, down, pageUp, pageDown, top, bottom
    /// Enter, →, l: expand, or drill into the item.
    case open
    /// ←, h: collapse, or go back up.
    case close
    /// Esc: close, clear the filter, go back.
    case back
    // Text entry (filter and export form).
    case accept, cancel, deleteBackward, nextField, previousOption, nextOption
}

/// Where a binding applies.
public enum BindingContext: String, Sendable, CaseIterable {
    case global
    /// Any of the three panes.
    case panes
    case navigator, graph, detail
    case filter, export, explain, explanation, help

    public var title: String {
        switch self {
        case .global: return "Everywhere"
        case .panes: return "Moving"
        case .navigator: return "Navigator (left)"
        case .graph: return "Route graph"
        case .detail: return "YAML pane"
        case .filter: return "Filter (after /)"
        case .export: return "Export form (after e)"
        case .explain: return "URL prompt (after x)"
        case .explanation: return "Explanation (after x)"
        case .help: return "Help"
        }
    }
}

/// One key binding: the single source for dispatch, the status bar and the help overlay
/// (lazygit's `Binding`, k9s' `KeyActions`).
public struct Binding: Sendable {
    public var keys: [Key]
    public var action: Action
    public var description: String
    public var context: BindingContext
    public var visibleInStatusBar: Bool
    /// How the keys are written in the status bar, when not simply the first key (`1-6`).
    public var hintKeys: String?
    /// The status bar's short label (the description otherwise).
    public var hint: String?

    public init(_ keys: [Key], _ action: Action, _ description: String, _ context: BindingContext,
                visible: Bool = false, hintKeys: String? = nil, hint: String? = nil) {
        self.keys = keys; self.action = action; self.description = description; self.context = context
        self.visibleInStatusBar = visible; self.hintKeys = hintKeys; self.hint = hint
    }

    public func keysText(ascii: Bool) -> String {
        keys.map { ascii ? $0.asciiDescription : $0.description }.joined(separator: " ")
    }
}

/// The key bindings, as data.
public struct Keymap: Sendable {
    public var bindings: [Binding]
    public init(_ bindings: [Binding]) { self.bindings = bindings }

    /// The action of `key` in the first context (in order) that binds it.
    public func action(for key: Key, in contexts: [BindingContext]) -> Action? {
        for c in contexts {
            if let b = bindings.first(where: { $0.context == c && $0.keys.contains(key) }) { return b.action }
        }
        return nil
    }

    /// Bindings shown in the status bar for `contexts`, most specific context first, one per action.
    public func statusBindings(for contexts: [BindingContext]) -> [Binding] {
        var out: [Binding] = []
        var seen = Set<Action>()
        for c in contexts {
            for b in bindings where b.context == c && b.visibleInStatusBar && seen.insert(b.action).inserted { out.append(b) }
        }
        return out
    }

    /// Hints for the status bar, in binding order, context by context.
    public func hints(for contexts: [BindingContext], ascii: Bool) -> [KeyHint] {
        statusBindings(for: contexts).map { Keymap.hint($0, ascii: ascii) }
    }

    public static func hint(_ b: Binding, ascii: Bool) -> KeyHint {
        var keys = b.hintKeys ?? (ascii ? b.keys[0].asciiDescription : b.keys[0].description)
        if ascii {
            keys = keys.replacingOccurrences(of: "↑↓", with: "Up/Dn").replacingOccurrences(of: "←→", with: "Lt/Rt")
                .replacingOccurrences(of: "→", with: "Right")
        }
        return KeyHint(keys, b.hint ?? b.description)
    }

    public static let standard = Keymap(defaultBindings)

    static var defaultBindings: [Binding] {
        var b: [Binding] = []
        // Moving in any pane.
        b.append(Binding([.up, .char("k")], .up, "Move up", .panes))
        b.append(Binding([.down, .char("j")], .down, "Move down", .panes, visible: true, hintKeys: "↑↓", hint: "move"))
        b.append(Binding([.pageUp, .ctrl("b")], .pageUp, "Page up", .panes))
        b.append(Binding([.pageDown, .ctrl("f")], .pageDown, "Page down", .panes))
        b.append(Binding([.char("g"), .home], .top, "First row", .panes))
        b.append(Binding([.char("G"), .end], .bottom, "Last row", .panes))
        // Navigator.
        b.append(Binding([.enter, .right, .char("l")], .open, "Open in the route graph", .navigator, visible: true, hint: "open"))
        b.append(Binding([.left, .char("h")], .close, "Back to the previous item", .navigator))
        b.append(Binding([.escape], .back, "Clear the filter, or go back", .navigator))
        // Graph.
        b.append(Binding([.enter, .right, .char("l")], .open, "Expand, or open the item", .graph, visible: true, hintKeys: "→", hint: "expand/open"))
        b.append(Binding([.left, .char("h")], .close, "Collapse, or go up", .graph, visible: true, hint: "collapse"))
        b.append(Binding([.escape], .back, "Back to the navigator", .graph))
        // Detail.
        b.append(Binding([.left, .char("h"), .escape], .back, "Back to the route graph", .detail, visible: true, hint: "back"))
        // Everywhere.
        b.append(Binding([.char("/")], .filter, "Filter the list (! inverts)", .global, visible: true, hint: "filter"))
        b.append(Binding([.char("1")], .view(.hosts), "Hosts", .global, visible: true, hintKeys: "1-6", hint: "views"))
        b.append(Binding([.char("2")], .view(.routes), "Routes", .global))
        b.append(Binding([.char("3")], .view(.services), "Services", .global))
        b.append(Binding([.char("4")], .view(.certificates), "Certificates", .global))
        b.append(Binding([.char("5")], .view(.findings), "Findings", .global))
        b.append(Binding([.char("6")], .view(.files), "Files and problems", .global))
        b.append(Binding([.tab], .nextPane, "Next pane", .global, visible: true, hint: "pane"))
        b.append(Binding([.backTab], .previousPane, "Previous pane", .global))
        b.append(Binding([.char("n")], .nextFinding, "Next finding", .global, visible: true, hint: "finding"))
        b.append(Binding([.char("N")], .previousFinding, "Previous finding", .global))
        b.append(Binding([.char("p")], .cycleProvider, "Cycle the provider filter", .global))
        b.append(Binding([.char("s")], .cycleSort, "Cycle the sort order", .global))
        b.append(Binding([.char("E")], .cycleEnvironment, "Cycle the GitOps environment (all, then each)", .global))
        b.append(Binding([.char("y")], .toggleDetail, "Show or hide the YAML pane", .global, visible: true, hint: "yaml"))
        b.append(Binding([.char("e")], .export, "Export a report", .global, visible: true, hint: "export"))
        b.append(Binding([.char("x")], .explain, "Explain a URL of the selected host", .global))
        b.append(Binding([.char("o")], .openEditor, "Open in $EDITOR at the line", .global))
        b.append(Binding([.char("r")], .reload, "Reload from disk", .global))
        b.append(Binding([.ctrl("l")], .redraw, "Redraw the screen", .global))
        b.append(Binding([.char("?")], .help, "Help: every key", .global, visible: true, hint: "help"))
        b.append(Binding([.char("q")], .quit, "Quit", .global, visible: true, hint: "quit"))
        // Filter entry.
        b.append(Binding([.enter], .accept, "Keep the filter", .filter, visible: true, hint: "keep"))
        b.append(Binding([.escape], .cancel, "Clear the filter", .filter, visible: true, hint: "clear"))
        b.append(Binding([.backspace, .delete], .deleteBackward, "Delete a character", .filter))
        b.append(Binding([.up], .up, "Move up", .filter))
        b.append(Binding([.down], .down, "Move down", .filter))
        // Export form.
        b.append(Binding([.enter], .accept, "Write the report", .export, visible: true, hint: "write"))
        b.append(Binding([.escape], .cancel, "Cancel", .export, visible: true, hint: "cancel"))
        b.append(Binding([.tab, .backTab], .nextField, "Switch between format and path", .export, visible: true, hint: "field"))
        b.append(Binding([.left], .previousOption, "Previous format", .export))
        b.append(Binding([.right], .nextOption, "Next format", .export, visible: true, hintKeys: "←→", hint: "format"))
        b.append(Binding([.backspace, .delete], .deleteBackward, "Delete a character of the path", .export))
        // URL prompt.
        b.append(Binding([.enter], .accept, "Explain the URL", .explain, visible: true, hint: "explain"))
        b.append(Binding([.escape], .cancel, "Cancel", .explain, visible: true, hint: "cancel"))
        b.append(Binding([.tab, .backTab], .nextField, "Switch between https and http", .explain, visible: true, hint: "scheme"))
        b.append(Binding([.backspace, .delete], .deleteBackward, "Delete a character of the path", .explain))
        // Explanation.
        b.append(Binding([.escape, .char("q"), .char("x"), .enter], .cancel, "Close the explanation", .explanation, visible: true, hint: "close"))
        b.append(Binding([.up, .char("k")], .up, "Scroll up", .explanation))
        b.append(Binding([.down, .char("j")], .down, "Scroll down", .explanation, visible: true, hintKeys: "↑↓", hint: "scroll"))
        b.append(Binding([.pageUp], .pageUp, "Page up", .explanation))
        b.append(Binding([.pageDown], .pageDown, "Page down", .explanation))
        // Help.
        b.append(Binding([.escape, .char("?"), .char("q"), .enter], .cancel, "Close help", .help, visible: true, hint: "close"))
        b.append(Binding([.up, .char("k")], .up, "Scroll up", .help))
        b.append(Binding([.down, .char("j")], .down, "Scroll down", .help, visible: true, hintKeys: "↑↓", hint: "scroll"))
        b.append(Binding([.pageUp], .pageUp, "Page up", .help))
        b.append(Binding([.pageDown], .pageDown, "Page down", .help))
        return b
    }
}

extension Keymap {
    /// The key table for the README (a test keeps the README in sync with the bindings).
    public func markdownTable() -> String {
        var out = "| where | keys | what |\n| --- | --- | --- |\n"
        for c in BindingContext.allCases {
            for b in bindings where b.context == c {
                let keys = b.keys.map { "`\($0.description.replacingOccurrences(of: "|", with: "\\|"))`" }.joined(separator: " ")
                out += "| \(c.title) | \(keys) | \(b.description) |\n"
            }
        }
        return out
    }
}
