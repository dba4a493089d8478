import Testing
@testable import PortolanTUI

/// Widgets rendered into a `Buffer` (ratatui: test widgets against a buffer, not a terminal).
@Suite struct BufferTests {
    @Test func wideCharacterTakesTwoCellsTheSecondAContinuation() {
        var b = Buffer(size: Size(width: 6, height: 1))
        #expect(b.setString(0, 0, "a日b") == 4)
        #expect(b[0, 0].symbol == "a")
        #expect(b[1, 0].symbol == "日")
        #expect(b[2, 0].isContinuation)
        #expect(b[3, 0].symbol == "b")
        #expect(b.lines() == ["a日b  "])
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var b = Buffer(size: Size(width: 4, height: 1))
        b.setString(0, 0, "日本")
        b.setString(1, 0, "x")  // over the continuation of 日
        #expect(b.lines() == [" x本"])
        b.setString(2, 0, "y")  // over the head of 本
        #expect(b.lines() == [" xy "])
        #expect(!b[3, 0].isContinuation)
    }

    @Test func wideCharacterThatDoesNotFitBecomesASpace() {
        var b = Buffer(size: Size(width: 3, height: 1))
        #expect(b.setString(0, 0, "ab日") == 3)
        #expect(b.lines() == ["ab "])
        var c = Buffer(size: Size(width: 5, height: 1))
        c.setString(0, 0, "日本語", maxWidth: 3)
        #expect(c.lines() == ["日   "])
    }

    @Test func controlCharactersAreEscaped() {
        var b = Buffer(size: Size(width: 20, height: 1))
        b.setString(0, 0, "a\u{1B}[31mb\tc\u{202E}")
        #expect(b.lines() == ["a\\e[31mb\\tc\\u202e   "])
        #expect(!b.cells.contains { $0.symbol.unicodeScalars.contains { $0.value < 0x20 } })
    }

    @Test func diffReportsOnlyChangedCellsAndNeverContinuations() {
        var a = Buffer(size: Size(width: 6, height: 2))
        a.setString(0, 0, "hello")
        var b = a
        b.setString(0, 1, "日")
        b.setString(4, 0, "O", Style(fg: .red))
        let d = b.diff(a)
        #expect(d.map { "\($0.x),\($0.y),\($0.cell.symbol)" } == ["4,0,O", "0,1,日"])
        #expect(b.diff(b).isEmpty)
        // Another size: everything.
        #expect(b.diff(Buffer(size: Size(width: 1, height: 1))).count == 11)
    }

    @Test func stylePatchesKeepText() {
        var b = Buffer(size: Size(width: 3, height: 1))
        b.setString(0, 0, "abc", Style(fg: .green))
        b.setStyle(Rect(x: 1, y: 0, width: 1, height: 1), StylePatch(add: .reverse))
        #expect(b[1, 0].style == Style(fg: .green, modifiers: .reverse))
        #expect(b.styleRuns() == ["0: 0-0 fg=green", "0: 1-1 fg=green,reverse", "0: 2-2 fg=green"])
    }

    @Test func lineEllipsis() {
        var b = Buffer(size: Size(width: 6, height: 1))
        b.setLine(0, 0, Line("abcdefgh"), maxWidth: 5, ellipsis: "…")
        #expect(b.lines() == ["abcd… "])
    }
}

@Suite struct LayoutTests {
    @Test func lengthsPercentagesAndFills() {
        #expect(Layout.sizes([.length(10), .fill(1)], total: 50) == [10, 40])
        #expect(Layout.sizes([.fill(1), .fill(1)], total: 9) == [4, 5])
        #expect(Layout.sizes([.percentage(25), .fill(1)], total: 80) == [20, 60])
        #expect(Layout.sizes([.length(30), .length(30)], total: 40) == [30, 10])
        #expect(Layout.sizes([.min(5), .length(3)], total: 20) == [17, 3])
        #expect(Layout.sizes([.max(8), .fill(1)], total: 20) == [8, 12])
        let r = Layout.horizontal([.length(3), .fill(1)], spacing: 1).split(Rect(x: 2, y: 1, width: 10, height: 4))
        #expect(r == [Rect(x: 2, y: 1, width: 3, height: 4), Rect(x: 6, y: 1, width: 6, height: 4)])
    }

    @Test func screenLayoutPutsTheYAMLPaneBelowOrBeside() {
        let narrow = ScreenLayout(size: Size(width: 120, height: 40), detailVisible: true)
        #expect(narrow.detail!.x == narrow.graph.x)
        #expect(narrow.detail!.y > narrow.graph.y)
        let wide = ScreenLayout(size: Size(width: 200, height: 60), detailVisible: true)
        #expect(wide.detail!.y == wide.graph.y)
        #expect(wide.detail!.x == wide.graph.right)
        #expect(ScreenLayout(size: Size(width: 59, height: 30), detailVisible: false).tooSmall)
        #expect(!ScreenLayout(size: Size(width: 60, height: 16), detailVisible: false).tooSmall)
    }
}

@Suite struct WidgetTests {
    typealias Node = TreeNode<Int>

    static let tree = Node(id: "root", label: "root", payload: 0, children: [
        Node(id: "a", label: "a", payload: 1, children: [
            Node(id: "a1", label: "a1", payload: 2),
            Node(id: "a2", label: "a2", payload: 3, startsCollapsed: true, children: [Node(id: "x", label: "x", payload: 9)]),
        ]),
        Node(id: "b", label: "b", payload: 4, children: [Node(id: "b1", label: "b1", payload: 5)]),
    ])

    func draw(_ state: TreeState, symbols: Symbols = .unicode) -> [String] {
        var b = Buffer(size: Size(width: 12, height: 7))
        var l = state.list
        TreeView(rows: TreeFlattener.rows([Self.tree], state: state, symbols: symbols), showSelection: false).render(b.area, &b, state: &l)
        return b.lines()
    }

    @Test func treeDrawsGuides() {
        #expect(draw(TreeState()) == [
            "root        ",
            "├─▾ a       ",
            "│ ├── a1    ",
            "│ └─▸ a2    ",
            "└─▾ b       ",
            "  └── b1    ",
            "            ",
        ])
    }

    @Test func treeExpandsAndCollapses() {
        var s = TreeState()
        let rows = TreeFlattener.rows([Self.tree], state: s, symbols: .unicode)
        s.setExpanded(rows[3].node, true)   // a2 opens
        s.setExpanded(rows[1].node, false)  // a closes: a2 stays open underneath
        #expect(draw(s) == [
            "root        ",
            "├─▸ a       ",
            "└─▾ b       ",
            "  └── b1    ",
            "            ",
            "            ",
            "            ",
        ])
        s.setExpanded(rows[1].node, true)
        #expect(draw(s)[4] == "│   └── x   ")
        #expect(TreeFlattener.rows([Self.tree], state: s, symbols: .unicode)[4].parent == 3)
    }

    @Test func treeInASCII() {
        #expect(draw(TreeState(), symbols: .ascii).prefix(4) == ["root        ", "|-v a       ", "| |-- a1    ", "| `-> a2    "])
    }

    @Test func tableBuildsOnlyVisibleRows() {
        final class Counter: @unchecked Sendable { var calls: [Int] = [] }
        let c = Counter()
        let t = Table(count: 50_000, widths: [.length(6), .fill(1)], header: ["N", "NAME"]) { i in
            c.calls.append(i)
            return [Line("\(i)"), Line("row \(i)")]
        }
        var b = Buffer(size: Size(width: 20, height: 5))
        var state = ListState(selected: 30_000, offset: 0)
        t.render(b.area, &b, state: &state)
        #expect(c.calls == [29_997, 29_998, 29_999, 30_000])
        #expect(state.offset == 29_997)
        #expect(b.lines()[0].hasPrefix("N      NAME"))
        #expect(b.lines()[4].hasPrefix("30000  row 30000"))
        #expect(b[0, 4].style.modifiers.contains(.reverse))
    }

    @Test func paragraphWrapsAtSpaces() {
        let rows = Paragraph.wrap(Line("the quick brown fox jumps"), width: 10).map(\.plainText)
        #expect(rows == ["the quick", "brown fox", "jumps"])
        #expect(Paragraph.wrap(Line("abcdefghijkl"), width: 5).map(\.plainText) == ["abcde", "fghij", "kl"])
    }

    @Test func blockTabsGaugeStatusBar() {
        var b = Buffer(size: Size(width: 16, height: 3))
        Block(title: "T", rightTitle: "r").render(b.area, &b)
        #expect(b.lines() == ["┌ T ─────────r─┐", "│              │", "└──────────────┘"])
        var t = Buffer(size: Size(width: 14, height: 1))
        Tabs(titles: ["a", "b"], selected: 1, divider: Span("|")).render(t.area, &t)
        #expect(t.lines() == [" a | b        "])
        #expect(t[4, 0].style.modifiers.contains(.reverse))
        var g = Buffer(size: Size(width: 10, height: 2))
        Gauge(ratio: 0.5, label: "5/10").render(g.area, &g)
        #expect(g.lines() == ["█████░░░░░", "   5/10   "])
        var s = Buffer(size: Size(width: 30, height: 1))
        StatusBar(hints: [KeyHint("j", "down"), KeyHint("k", "up")], pinned: [KeyHint("q", "quit")]).render(s.area, &s)
        #expect(s.lines() == [" j  down  k  up       q  quit "])
    }
}

@Suite struct TerminalTests {
    @Test func secondFrameSendsOnlyChanges() {
        let backend = TestBackend(width: 10, height: 2)
        let term = Terminal(backend)
        term.draw { $0.setString(0, 0, "hello") }
        // The screen starts blank: only the text is sent.
        #expect(backend.lastDrawn == 5)
        term.draw { $0.setString(0, 0, "help") }
        #expect(backend.lastDrawn == 2)
        #expect(backend.lines == ["help      ", "          "])
        term.draw { $0.setString(0, 0, "help") }
        #expect(backend.lastDrawn == 0)
        backend.resize(width: 5, height: 1)
        term.draw { $0.setString(0, 0, "日本") }
        #expect(backend.lines == ["日本 "])
        #expect(!backend.cursorVisible)
    }
}
