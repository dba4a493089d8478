/// A frame with an optional title (left) and note (right), drawn with box-drawing characters or ASCII.
public struct Block: Widget {
    public var title: Line?
    public var rightTitle: Line?
    public var bottomTitle: Line?
    public var borderStyle: Style
    public var symbols: Symbols
    public var borders: Bool

    public init(title: Line? = nil, rightTitle: Line? = nil, bottomTitle: Line? = nil, borderStyle: Style = .plain,
                symbols: Symbols = .unicode, borders: Bool = true) {
        self.title = title; self.rightTitle = rightTitle; self.bottomTitle = bottomTitle
        self.borderStyle = borderStyle; self.symbols = symbols; self.borders = borders
    }

    /// The area inside the frame.
    public func inner(_ area: Rect) -> Rect {
        borders ? area.inset(horizontal: 1, vertical: 1) : Rect(x: area.x, y: area.y + (title != nil ? 1 : 0),
                                                               width: area.width, height: area.height - (title != nil ? 1 : 0))
    }

    public func render(_ area: Rect, _ buf: inout Buffer) {
        guard area.width >= 2, area.height >= 1 else { return }
        let s = symbols
        if borders && area.height >= 2 {
            let h = String(repeating: s.horizontal, count: area.width - 2)
            buf.setString(area.left, area.top, s.topLeft + h + s.topRight, borderStyle)
            buf.setString(area.left, area.bottom - 1, s.bottomLeft + h + s.bottomRight, borderStyle)
            for y in (area.top + 1)..<(area.bottom - 1) {
                buf.setString(area.left, y, s.vertical, borderStyle)
                buf.setString(area.right - 1, y, s.vertical, borderStyle)
            }
        }
        let room = area.width - (borders ? 4 : 0)
        // The title first; the right title takes what is left.
        var titleWidth = 0
        if let t = title, room > 0 {
            let x = area.left + (borders ? 1 : 0)
            var padded = Line(" ", t.spans.first?.style ?? .plain) + t
            padded.append(" ", t.spans.last?.style ?? .plain)
            titleWidth = buf.setLine(x, area.top, padded, maxWidth: room + (borders ? 2 : 0) - 2)
        }
        if let r = rightTitle {
            let free = room + (borders ? 2 : 0) - titleWidth - 3
            if free >= min(r.width, 6) {
                let w = min(r.width, free)
                buf.setLine(area.right - (borders ? 2 : 0) - w, area.top, r, maxWidth: w)
            }
        }
        if let b = bottomTitle, borders, area.height >= 2, room > 0 {
            buf.setLine(area.left + 2, area.bottom - 1, b, maxWidth: room)
        }
    }
}
