/// Selection and scroll position of a list, kept between frames (ratatui's ListState).
public struct ListState: Hashable, Sendable {
    /// Index of the selected row (0 when the list is empty).
    public var selected: Int
    /// Index of the first visible row.
    public var offset: Int

    public init(selected: Int = 0, offset: Int = 0) { self.selected = selected; self.offset = offset }

    /// Keeps the selection inside `0..<count`.
    public mutating func clamp(count: Int) {
        selected = count == 0 ? 0 : min(max(0, selected), count - 1)
        offset = max(0, min(offset, max(0, count - 1)))
    }

    public mutating func select(_ i: Int, count: Int) {
        selected = i
        clamp(count: count)
    }

    public mutating func move(by delta: Int, count: Int) { select(selected + delta, count: count) }

    /// Scrolls so the selected row is one of the `height` visible rows.
    public mutating func scrollIntoView(height: Int, count: Int) {
        clamp(count: count)
        guard height > 0 else { offset = selected; return }
        if selected < offset { offset = selected }
        if selected >= offset + height { offset = selected - height + 1 }
        // No empty space below the last row when the list could fill the view.
        offset = max(0, min(offset, count - height))
    }

    /// The row index under a screen row of a list drawn at `top`, if any.
    public func row(atY y: Int, top: Int, count: Int) -> Int? {
        let i = offset + (y - top)
        return y >= top && i < count ? i : nil
    }
}

/// A virtualised table: only the visible rows are built, by calling `row` for each.
/// With 50,000 rows a frame costs the same as with 50.
public struct Table: StatefulWidget {
    public var count: Int
    public var widths: [Constraint]
    public var header: [Line]?
    public var row: (Int) -> [Line]
    public var highlight: StylePatch
    public var highlightSymbol: String
    public var showSelection: Bool
    public var columnSpacing: Int
    /// Attributes added to the header row.
    public var headerStyle: Style
    /// Ends a cell that does not fit.
    public var ellipsis: String?

    public init(count: Int, widths: [Constraint], header: [Line]? = nil, highlight: StylePatch = StylePatch(add: .reverse),
                highlightSymbol: String = "", showSelection: Bool = true, columnSpacing: Int = 1,
                headerStyle: Style = Style(modifiers: .bold), ellipsis: String? = "…", row: @escaping (Int) -> [Line]) {
        self.count = count; self.widths = widths; self.header = header; self.row = row; self.ellipsis = ellipsis
        self.highlight = highlight; self.highlightSymbol = highlightSymbol; self.showSelection = showSelection
        self.columnSpacing = columnSpacing; self.headerStyle = headerStyle
    }

    /// Rows of data that fit in `area`.
    public func bodyHeight(_ area: Rect) -> Int { max(0, area.height - (header != nil ? 1 : 0)) }

    public func render(_ area: Rect, _ buf: inout Buffer, state: inout ListState) {
        guard !area.isEmpty else { return }
        let symbolWidth = TextCells.width(highlightSymbol)
        let inner = Rect(x: area.x + symbolWidth, y: area.y, width: area.width - symbolWidth, height: area.height)
        let cols = Layout.horizontal(widths, spacing: columnSpacing).split(inner)
        var y = area.y
        if let header {
            for (c, r) in zip(header, cols) where r.width > 0 { buf.setLine(r.x, y, c, maxWidth: r.width) }
            buf.setStyle(Rect(x: area.x, y: y, width: area.width, height: 1), StylePatch(add: headerStyle.modifiers))
            y += 1
        }
        let height = area.bottom - y
        state.scrollIntoView(height: height, count: count)
        guard count > 0 else { return }
        let end = min(count, state.offset + height)
        for i in state.offset..<end {
            let cells = row(i)
            for (c, r) in zip(cells, cols) where r.width > 0 {
                buf.setLine(r.x, y, c, maxWidth: r.width, ellipsis: ellipsis)
            }
            if showSelection && i == state.selected {
                let rowRect = Rect(x: area.x, y: y, width: area.width, height: 1)
                buf.setStyle(rowRect, highlight)
                if symbolWidth > 0 { buf.setString(area.x, y, highlightSymbol, buf[area.x, y].style) }
            }
            y += 1
        }
    }
}

/// A single-column list (a table with one column).
public struct List: StatefulWidget {
    public var table: Table
    public init(count: Int, highlight: StylePatch = StylePatch(add: .reverse), highlightSymbol: String = "",
                showSelection: Bool = true, row: @escaping (Int) -> Line) {
        table = Table(count: count, widths: [.fill(1)], highlight: highlight, highlightSymbol: highlightSymbol,
                      showSelection: showSelection) { [row($0)] }
    }
    public func render(_ area: Rect, _ buf: inout Buffer, state: inout ListState) {
        table.render(area, &buf, state: &state)
    }
}
