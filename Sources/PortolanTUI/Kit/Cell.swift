/// One terminal cell: a grapheme and its style. The cell to the right of a wide (2-cell)
/// grapheme is a continuation with an empty symbol.
public struct Cell: Hashable, Sendable {
    public var symbol: String
    public var style: Style

    public init(_ symbol: String = " ", style: Style = .plain) { self.symbol = symbol; self.style = style }

    public static let blank = Cell()

    /// Cells this grapheme covers (0 for a continuation).
    public var width: Int {
        guard let c = symbol.first else { return 0 }
        return TextCells.width(c)
    }

    public var isContinuation: Bool { symbol.isEmpty }
}
