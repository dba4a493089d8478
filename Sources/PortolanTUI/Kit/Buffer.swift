import PortolanCore

/// A changed cell, as `Buffer.diff` reports it.
public struct CellChange: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var cell: Cell
    public init(x: Int, y: Int, cell: Cell) { self.x = x; self.y = y; self.cell = cell }
}

/// A grid of cells that widgets render into (ratatui's Buffer): no widget touches the terminal.
///
/// Strings are escaped with `TextSafety.visible` before they are drawn, so nothing from a
/// manifest can reach the terminal as a control sequence. A wide grapheme takes two cells; the
/// second is a continuation (empty symbol) that is never drawn on its own.
public struct Buffer: Equatable, Sendable {
    public private(set) var area: Rect
    public private(set) var cells: [Cell]

    public init(area: Rect, fill: Cell = .blank) {
        self.area = area
        cells = Array(repeating: fill, count: area.area)
    }

    public init(size: Size) { self.init(area: Rect(size)) }

    /// A buffer holding `lines` (for tests), as wide as the widest line.
    public init(lines: [String]) {
        let w = lines.map { DisplayWidth.of($0) }.max() ?? 0
        self.init(area: Rect(x: 0, y: 0, width: w, height: lines.count))
        for (i, l) in lines.enumerated() { setString(0, i, l) }
    }

    @inline(__always)
    func index(_ x: Int, _ y: Int) -> Int { (y - area.y) * area.width + (x - area.x) }

    public func cell(_ x: Int, _ y: Int) -> Cell? {
        area.contains(x: x, y: y) ? cells[index(x, y)] : nil
    }

    /// The cell at `x, y`; traps outside the area (use `cell(_:_:)` for a checked read).
    public subscript(_ x: Int, _ y: Int) -> Cell {
        get {
            precondition(area.contains(x: x, y: y), "(\(x),\(y)) is outside \(area)")
            return cells[index(x, y)]
        }
        set {
            precondition(area.contains(x: x, y: y), "(\(x),\(y)) is outside \(area)")
            put(x, y, newValue.symbol, newValue.width, newValue.style)
        }
    }

    /// Clears the buffer and gives it a new area.
    public mutating func resize(_ r: Rect) {
        area = r
        cells = Array(repeating: .blank, count: r.area)
    }

    public mutating func reset() {
        for i in cells.indices { cells[i] = .blank }
    }

    /// Fills a rectangle with one cell (clipped to the buffer).
    public mutating func fill(_ r: Rect, _ cell: Cell = .blank) {
        let c = r.intersection(area)
        guard !c.isEmpty else { return }
        // A wide grapheme cut by the left edge loses its head.
        for y in c.top..<c.bottom {
            if c.left > area.left, cells[index(c.left, y)].isContinuation { cells[index(c.left - 1, y)].symbol = " " }
            if c.right < area.right, cells[index(c.right, y)].isContinuation { cells[index(c.right, y)].symbol = " " }
            for x in c.left..<c.right { cells[index(x, y)] = cell }
        }
    }

    /// Lays a style patch over a rectangle.
    public mutating func setStyle(_ r: Rect, _ patch: StylePatch) {
        let c = r.intersection(area)
        guard !c.isEmpty else { return }
        for y in c.top..<c.bottom {
            for x in c.left..<c.right {
                let i = index(x, y)
                cells[i].style = cells[i].style.patched(patch)
            }
        }
    }

    /// Sets the style of a rectangle's cells.
    public mutating func setStyle(_ r: Rect, _ style: Style) {
        let c = r.intersection(area)
        guard !c.isEmpty else { return }
        for y in c.top..<c.bottom { for x in c.left..<c.right { cells[index(x, y)].style = style } }
    }

    /// Writes one grapheme of width `w` at `x, y`, keeping wide graphemes whole.
    @inline(__always)
    mutating func put(_ x: Int, _ y: Int, _ symbol: String, _ w: Int, _ style: Style) {
        let i = index(x, y)
        // Writing over the continuation of a wide grapheme: its head becomes a space.
        if cells[i].isContinuation && x > area.left { cells[i - 1].symbol = " " }
        // Writing a narrow grapheme over a wide head: its continuation becomes a space.
        if w < 2 && cells[i].width == 2 && x + 1 < area.right { cells[i + 1].symbol = " " }
        cells[i] = Cell(symbol, style: style)
        if w == 2 && x + 1 < area.right {
            if cells[i + 1].width == 2 && x + 2 < area.right { cells[i + 2].symbol = " " }
            cells[i + 1] = Cell("", style: style)
        }
    }

    /// Draws `string` at `x, y` (escaped), at most `maxWidth` cells and never past the right edge.
    /// Returns the number of cells used.
    @discardableResult
    public mutating func setString(_ x: Int, _ y: Int, _ string: String, _ style: Style = .plain, maxWidth: Int = .max) -> Int {
        guard y >= area.top && y < area.bottom && x < area.right else { return 0 }
        let limit = x + min(maxWidth, area.right - x)
        let text = TextSafety.isClean(string) ? string : TextSafety.visible(string)
        var cx = x
        for ch in text {
            let w = TextCells.width(ch)
            if w == 0 { continue }
            if cx + w > limit {
                // Half a wide grapheme does not fit: pad with a space.
                if cx < limit && cx >= area.left { put(cx, y, " ", 1, style); cx += 1 }
                break
            }
            if cx >= area.left { put(cx, y, String(ch), w, style) }
            cx += w
        }
        return max(0, cx - x)
    }

    /// Draws styled spans; returns the number of cells used. With an `ellipsis`, a line that does not
    /// fit ends with it.
    @discardableResult
    public mutating func setLine(_ x: Int, _ y: Int, _ line: Line, maxWidth: Int = .max, ellipsis: String? = nil) -> Int {
        if let ellipsis, maxWidth > 1, maxWidth < .max / 2, line.width > maxWidth {
            let ew = TextCells.width(ellipsis)
            let used = setLine(x, y, line, maxWidth: maxWidth - ew)
            let style = cell(x + max(0, used - 1), y)?.style ?? .plain
            return used + setString(x + used, y, ellipsis, style, maxWidth: maxWidth - used)
        }
        var used = 0
        for s in line.spans {
            if used >= maxWidth { break }
            used += setString(x + used, y, s.text, s.style, maxWidth: maxWidth - used)
        }
        return used
    }

    /// The cells that differ from `previous`, skipping continuations (a wide head redraws both).
    /// A buffer of another area differs everywhere.
    public func diff(_ previous: Buffer) -> [CellChange] {
        var out: [CellChange] = []
        let same = previous.area == area
        let w = area.width
        for i in cells.indices {
            let c = cells[i]
            if same && previous.cells[i] == c { continue }
            // Drawn with its head: a changed continuation always comes with a changed head, since a
            // head and its continuation are written together.
            if c.isContinuation { continue }
            out.append(CellChange(x: area.x + i % w, y: area.y + i / w, cell: c))
        }
        return out
    }

    /// The text of each row (continuations skipped, so wide graphemes appear once).
    public func lines() -> [String] {
        var out: [String] = []
        out.reserveCapacity(area.height)
        for y in 0..<area.height {
            var s = ""
            for x in 0..<area.width {
                let c = cells[y * area.width + x]
                s += c.symbol
            }
            out.append(s)
        }
        return out
    }

    /// Rows of text joined with newlines.
    public var text: String { lines().joined(separator: "\n") }

    /// Style runs per row, `y: x0-x1 style` (ratatui's Debug output, for readable diffs).
    public func styleRuns() -> [String] {
        var out: [String] = []
        for y in 0..<area.height {
            var start = 0
            for x in 1...area.width {
                let cur = cells[y * area.width + start].style
                if x == area.width || cells[y * area.width + x].style != cur {
                    if cur != .plain { out.append("\(y): \(start)-\(x - 1) \(cur)") }
                    start = x
                }
            }
        }
        return out
    }
}
