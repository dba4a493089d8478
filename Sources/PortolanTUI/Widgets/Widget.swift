/// Something that draws itself into a buffer area (ratatui's Widget). Widgets never touch the terminal.
public protocol Widget {
    func render(_ area: Rect, _ buf: inout Buffer)
}

/// A widget whose scroll position and selection live outside it, between frames.
public protocol StatefulWidget {
    associatedtype State
    func render(_ area: Rect, _ buf: inout Buffer, state: inout State)
}

/// Blanks an area (under a popup).
public struct Clear: Widget {
    public var style: Style
    public init(_ style: Style = .plain) { self.style = style }
    public func render(_ area: Rect, _ buf: inout Buffer) { buf.fill(area, Cell(" ", style: style)) }
}
