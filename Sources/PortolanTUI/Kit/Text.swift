import PortolanCore

/// A run of text with one style.
public struct Span: Hashable, Sendable {
    public var text: String
    public var style: Style
    public init(_ text: String, _ style: Style = .plain) { self.text = text; self.style = style }

    /// Display width after control characters are escaped.
    public var width: Int { TextCells.width(text) }
}

/// One line of styled runs.
public struct Line: Hashable, Sendable, ExpressibleByStringLiteral {
    public var spans: [Span]
    public init(_ spans: [Span]) { self.spans = spans }
    public init(_ text: String, _ style: Style = .plain) { spans = [Span(text, style)] }
    public init(stringLiteral value: String) { spans = [Span(value)] }

    public var width: Int { spans.reduce(0) { $0 + $1.width } }
    public var plainText: String { spans.map(\.text).joined() }

    public mutating func append(_ s: Span) { spans.append(s) }
    public mutating func append(_ text: String, _ style: Style = .plain) { spans.append(Span(text, style)) }
    public static func + (a: Line, b: Line) -> Line { Line(a.spans + b.spans) }
}

/// Cell widths of text as it is drawn (escaped first).
public enum TextCells {
    /// Width of one grapheme: 0, 1 or 2 cells.
    @inlinable
    public static func width(_ c: Character) -> Int {
        if let a = c.asciiValue { return a >= 0x20 && a != 0x7F ? 1 : 0 }
        var w = 0
        for s in c.unicodeScalars { w += DisplayWidth.of(s) }
        return min(w, 2)
    }

    /// Width of `s` once escaped with `TextSafety.visible`.
    public static func width(_ s: String) -> Int {
        DisplayWidth.of(TextSafety.visible(s))
    }

    /// Escapes, then cuts to at most `width` cells (with an ellipsis when cut).
    public static func fit(_ s: String, _ width: Int) -> String {
        DisplayWidth.truncate(TextSafety.visible(s), to: width)
    }

    /// Escapes, then pads or cuts to exactly `width` cells.
    public static func pad(_ s: String, _ width: Int, alignRight: Bool = false) -> String {
        let t = fit(s, width)
        let w = DisplayWidth.of(t)
        let fill = String(repeating: " ", count: max(0, width - w))
        return alignRight ? fill + t : t + fill
    }
}
