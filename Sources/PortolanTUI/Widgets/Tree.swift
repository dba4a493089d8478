/// A node of a tree: a label, children and a payload the app uses (where it leads, its source line).
public struct TreeNode<Payload: Sendable>: Sendable {
    public var id: String
    public var label: Line
    public var children: [TreeNode]
    public var payload: Payload
    /// Collapsed unless the user expands it.
    public var startsCollapsed: Bool

    public init(id: String, label: Line, payload: Payload, startsCollapsed: Bool = false, children: [TreeNode] = []) {
        self.id = id; self.label = label; self.payload = payload; self.startsCollapsed = startsCollapsed; self.children = children
    }
}

/// Expansion state of a tree: ids whose state differs from their default.
public struct TreeState: Hashable, Sendable {
    public var list = ListState()
    /// Nodes toggled away from their default (`startsCollapsed`).
    public var toggled: Set<String> = []
    public init() {}

    public func isExpanded<P>(_ n: TreeNode<P>) -> Bool { n.startsCollapsed == toggled.contains(n.id) }

    public mutating func setExpanded<P>(_ n: TreeNode<P>, _ on: Bool) {
        if on == !n.startsCollapsed { toggled.remove(n.id) } else { toggled.insert(n.id) }
    }
}

/// One visible row of a flattened tree.
public struct TreeRow<Payload: Sendable>: Sendable {
    public var node: TreeNode<Payload>
    public var depth: Int
    /// Guides drawn before the label (`│ ├─▾ `).
    public var guide: String
    public var expanded: Bool
    public var hasChildren: Bool { !node.children.isEmpty }
    /// Index of the parent row, nil for a root.
    public var parent: Int?
}

public enum TreeFlattener {
    /// The visible rows of `roots`: children of collapsed nodes are left out.
    public static func rows<P>(_ roots: [TreeNode<P>], state: TreeState, symbols: Symbols) -> [TreeRow<P>] {
        var out: [TreeRow<P>] = []
        func visit(_ n: TreeNode<P>, depth: Int, prefix: String, isLast: Bool, parent: Int?) {
            let expanded = !n.children.isEmpty && state.isExpanded(n)
            let marker = n.children.isEmpty ? (depth == 0 ? "" : symbols.horizontal) : (expanded ? symbols.expanded : symbols.collapsed)
            let guide: String
            if depth == 0 {
                // A root shows a marker only when collapsed.
                guide = n.children.isEmpty || expanded ? "" : marker + " "
            } else {
                guide = prefix + (isLast ? symbols.lastBranch : symbols.branch) + marker + " "
            }
            let me = out.count
            out.append(TreeRow(node: n, depth: depth, guide: guide, expanded: expanded, parent: parent))
            guard expanded else { return }
            let childPrefix = depth == 0 ? "" : prefix + (isLast ? "  " : symbols.pipe)
            for (i, c) in n.children.enumerated() {
                visit(c, depth: depth + 1, prefix: childPrefix, isLast: i == n.children.count - 1, parent: me)
            }
        }
        for r in roots { visit(r, depth: 0, prefix: "", isLast: true, parent: nil) }
        return out
    }
}

/// Draws flattened tree rows with box-drawing guides; the selection is highlighted.
public struct TreeView<Payload: Sendable>: StatefulWidget {
    public var rows: [TreeRow<Payload>]
    public var guideStyle: Style
    public var highlight: StylePatch
    public var showSelection: Bool
    public var ellipsis: String?

    public init(rows: [TreeRow<Payload>], guideStyle: Style = Style(modifiers: .dim),
                highlight: StylePatch = StylePatch(add: .reverse), showSelection: Bool = true, ellipsis: String? = "…") {
        self.rows = rows; self.guideStyle = guideStyle; self.highlight = highlight; self.showSelection = showSelection
        self.ellipsis = ellipsis
    }

    public func render(_ area: Rect, _ buf: inout Buffer, state: inout ListState) {
        guard !area.isEmpty else { return }
        state.scrollIntoView(height: area.height, count: rows.count)
        let end = min(rows.count, state.offset + area.height)
        guard state.offset < end else { return }
        for i in state.offset..<end {
            let y = area.y + i - state.offset
            let r = rows[i]
            let gw = buf.setString(area.x, y, r.guide, guideStyle, maxWidth: area.width)
            let lw = buf.setLine(area.x + gw, y, r.node.label, maxWidth: area.width - gw, ellipsis: ellipsis)
            if showSelection && i == state.selected {
                buf.setStyle(Rect(x: area.x + gw, y: y, width: max(1, lw), height: 1), highlight)
            }
        }
    }
}
