/// What a terminal library must provide (ratatui's Backend, kept small).
public protocol Backend: AnyObject {
    /// The terminal size in cells.
    func size() -> Size
    /// Draws changed cells; a wide grapheme's continuation cell is never passed.
    func draw(_ changes: [CellChange])
    func flush()
    /// Clears the screen (after a resize or a suspend).
    func clear()
    func hideCursor()
    func showCursor()
    func setCursor(x: Int, y: Int)
    /// Gives the terminal back (to run an editor) and takes it again.
    func suspend()
    func resume()
}

/// An in-memory backend for tests: keeps the screen as a buffer, renders it as lines of text
/// and reports styles (ratatui's TestBackend).
public final class TestBackend: Backend {
    public private(set) var buffer: Buffer
    public private(set) var cursorVisible = true
    public private(set) var cursor = (x: 0, y: 0)
    public private(set) var flushes = 0
    public private(set) var suspended = false
    /// Cells drawn by the last `draw` call (to check that only changes are sent).
    public private(set) var lastDrawn = 0

    public init(width: Int, height: Int) { buffer = Buffer(size: Size(width: width, height: height)) }

    public func resize(width: Int, height: Int) { buffer = Buffer(size: Size(width: width, height: height)) }

    public func size() -> Size { buffer.area.size }

    public func draw(_ changes: [CellChange]) {
        lastDrawn = changes.count
        for c in changes where buffer.area.contains(x: c.x, y: c.y) { buffer[c.x, c.y] = c.cell }
    }

    public func flush() { flushes += 1 }
    public func clear() { buffer.reset() }
    public func hideCursor() { cursorVisible = false }
    public func showCursor() { cursorVisible = true }
    public func setCursor(x: Int, y: Int) { cursor = (x, y) }
    public func suspend() { suspended = true }
    public func resume() { suspended = false }

    /// The screen as lines of text, each padded to the full width.
    public var lines: [String] { buffer.lines() }
    public var text: String { buffer.text }

    public func style(x: Int, y: Int) -> Style? { buffer.cell(x, y)?.style }

    /// Position of the first occurrence of `s` on screen (in cells), if any.
    public func find(_ s: String) -> (x: Int, y: Int)? {
        for (y, line) in lines.enumerated() {
            guard let r = line.range(of: s) else { continue }
            let x = line[..<r.lowerBound].reduce(0) { $0 + TextCells.width($1) }
            return (x, y)
        }
        return nil
    }
}
