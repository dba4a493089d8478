import PortolanCore

/// Lines of styled text, optionally wrapped at word boundaries, scrolled by `scroll` rows.
public struct Paragraph: Widget {
    public var lines: [Line]
    public var wrap: Bool
    public var scroll: Int

    public init(_ lines: [Line], wrap: Bool = false, scroll: Int = 0) {
        self.lines = lines; self.wrap = wrap; self.scroll = scroll
    }

    /// The rows this paragraph takes at `width`.
    public func rows(width: Int) -> [Line] {
        wrap ? lines.flatMap { Paragraph.wrap($0, width: width) } : lines
    }

    public func render(_ area: Rect, _ buf: inout Buffer) {
        guard !area.isEmpty else { return }
        let rows = self.rows(width: area.width)
        let start = max(0, min(scroll, max(0, rows.count - 1)))
        for (i, line) in rows.dropFirst(start).prefix(area.height).enumerated() {
            buf.setLine(area.x, area.y + i, line, maxWidth: area.width)
        }
    }

    /// Breaks a line into rows of at most `width` cells, at spaces where possible.
    public static func wrap(_ line: Line, width: Int) -> [Line] {
        guard width > 0 else { return [] }
        // Graphemes with their style, escaped first so widths are what will be drawn.
        var glyphs: [(Character, Style, Int)] = []
        for span in line.spans {
            for ch in TextSafety.visible(span.text) { glyphs.append((ch, span.style, TextCells.width(ch))) }
        }
        if glyphs.isEmpty { return [Line([])] }
        var rows: [Line] = []
        var start = 0
        while start < glyphs.count {
            var w = 0, end = start, lastSpace = -1
            while end < glyphs.count && w + glyphs[end].2 <= width {
                if glyphs[end].0 == " " { lastSpace = end }
                w += glyphs[end].2
                end += 1
            }
            var cut = end
            if end < glyphs.count && lastSpace > start { cut = lastSpace }
            if cut == start { cut = max(start + 1, end) }
            rows.append(makeLine(glyphs[start..<cut]))
            start = cut
            // Skip the spaces the break falls on.
            while start < glyphs.count && glyphs[start].0 == " " && cut != glyphs.count { start += 1 }
        }
        return rows
    }

    static func makeLine(_ g: ArraySlice<(Character, Style, Int)>) -> Line {
        var spans: [Span] = []
        for (c, s, _) in g {
            if let last = spans.last, last.style == s {
                spans[spans.count - 1].text.append(c)
            } else {
                spans.append(Span(String(c), s))
            }
        }
        return Line(spans)
    }
}
