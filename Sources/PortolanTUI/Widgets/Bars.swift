/// One key hint: `q Quit`.
public struct KeyHint: Hashable, Sendable {
    public var keys: String
    public var label: String
    public init(_ keys: String, _ label: String) { self.keys = keys; self.label = label }
}

/// The bottom line: key hints for the current context, or a message.
public struct StatusBar: Widget {
    public var hints: [KeyHint]
    /// Hints kept at the right end whatever the width (`? help`, `q quit`).
    public var pinned: [KeyHint]
    public var message: Line?
    public var right: Line?
    public var keyStyle: Style
    public var labelStyle: Style
    public var background: Style

    public init(hints: [KeyHint], pinned: [KeyHint] = [], message: Line? = nil, right: Line? = nil,
                keyStyle: Style = Style(modifiers: [.bold, .reverse]), labelStyle: Style = .plain, background: Style = .plain) {
        self.hints = hints; self.pinned = pinned; self.message = message; self.right = right
        self.keyStyle = keyStyle; self.labelStyle = labelStyle; self.background = background
    }

    public func render(_ area: Rect, _ buf: inout Buffer) {
        guard !area.isEmpty else { return }
        buf.fill(area.row(0), Cell(" ", style: background))
        var rightW = 0
        if let right {
            rightW = min(right.width, area.width / 3)
            buf.setLine(area.right - rightW, area.y, right, maxWidth: rightW)
        }
        var avail = area.width - rightW - (rightW > 0 ? 1 : 0)
        let pinnedWidth = pinned.reduce(0) { $0 + StatusBar.width($1) }
        if pinnedWidth <= avail {
            var x = area.x + avail - pinnedWidth
            for h in pinned { x += draw(h, x, area.y, &buf) }
            avail -= pinnedWidth + 1
        }
        if let message {
            buf.setLine(area.x, area.y, Line(" ") + message, maxWidth: avail)
            return
        }
        var x = area.x
        for h in hints {
            if x - area.x + StatusBar.width(h) > avail { break }
            x += draw(h, x, area.y, &buf)
        }
    }

    /// ` keys ` then ` label ` (the trailing space separates hints).
    static func width(_ h: KeyHint) -> Int { TextCells.width(h.keys) + TextCells.width(h.label) + 4 }

    func draw(_ h: KeyHint, _ x: Int, _ y: Int, _ buf: inout Buffer) -> Int {
        var w = buf.setString(x, y, " " + h.keys + " ", keyStyle)
        w += buf.setString(x + w, y, " " + h.label + " ", labelStyle)
        return w
    }
}

/// Tab titles on one line, the selected one highlighted.
public struct Tabs: Widget {
    public var titles: [Line]
    public var selected: Int
    public var highlight: StylePatch
    public var divider: Span

    public init(titles: [Line], selected: Int, highlight: StylePatch = StylePatch(add: [.reverse, .bold]), divider: Span = Span(" ")) {
        self.titles = titles; self.selected = selected; self.highlight = highlight; self.divider = divider
    }

    public func render(_ area: Rect, _ buf: inout Buffer) {
        guard !area.isEmpty else { return }
        var x = area.x
        for (i, t) in titles.enumerated() {
            if x >= area.right { break }
            if i > 0 { x += buf.setString(x, area.y, divider.text, divider.style, maxWidth: area.right - x) }
            let start = x
            x += buf.setLine(x, area.y, Line(" ") + t + Line(" "), maxWidth: area.right - x)
            if i == selected { buf.setStyle(Rect(x: start, y: area.y, width: x - start, height: 1), highlight) }
        }
    }
}

/// A progress bar with a label underneath.
public struct Gauge: Widget {
    /// 0...1, or nil when the total is not known yet.
    public var ratio: Double?
    public var label: String
    public var filled: Style
    public var empty: Style
    public var symbols: Symbols

    public init(ratio: Double?, label: String, filled: Style = .plain, empty: Style = Style(modifiers: .dim), symbols: Symbols = .unicode) {
        self.ratio = ratio; self.label = label; self.filled = filled; self.empty = empty; self.symbols = symbols
    }

    public func render(_ area: Rect, _ buf: inout Buffer) {
        guard !area.isEmpty else { return }
        let r = max(0, min(1, ratio ?? 0))
        let full = Int((Double(area.width) * r).rounded(.down))
        buf.setString(area.x, area.y, String(repeating: symbols.gaugeFull, count: full), filled)
        buf.setString(area.x + full, area.y, String(repeating: symbols.gaugeEmpty, count: area.width - full), empty)
        if area.height > 1 {
            let w = TextCells.width(label)
            buf.setString(area.x + max(0, (area.width - w) / 2), area.y + 1, label, .plain, maxWidth: area.width)
        }
    }
}

/// A framed box over the screen, centred, with the area under it cleared.
public enum Popup {
    public static func area(in screen: Rect, width: Int, height: Int) -> Rect {
        screen.centered(width: width, height: height)
    }

    /// Clears the area, draws the frame and returns the inner area.
    public static func render(_ area: Rect, _ buf: inout Buffer, block: Block, background: Style = .plain) -> Rect {
        Clear(background).render(area, &buf)
        block.render(area, &buf)
        return block.inner(area)
    }
}
