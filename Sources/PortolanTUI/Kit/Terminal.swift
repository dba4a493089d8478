/// Double-buffered drawing: render a whole frame into a buffer, send only the cells that changed.
public final class Terminal<B: Backend> {
    public let backend: B
    public private(set) var current: Buffer
    public private(set) var previous: Buffer

    public init(_ backend: B) {
        self.backend = backend
        let s = backend.size()
        current = Buffer(size: s)
        previous = Buffer(size: s)
        backend.hideCursor()
    }

    public var size: Size { current.area.size }

    /// Forgets what is on screen: the next frame is drawn in full.
    public func invalidate() {
        backend.clear()
        previous = Buffer(size: previous.area.size)
    }

    /// Follows the backend's size; on a change the screen is cleared and redrawn.
    public func autoresize() {
        let s = backend.size()
        if s != current.area.size {
            current = Buffer(size: s)
            previous = Buffer(size: s)
            backend.clear()
        }
    }

    /// Renders a frame and draws the difference. Returns the number of cells sent.
    @discardableResult
    public func draw(_ render: (inout Buffer) -> Void) -> Int {
        autoresize()
        current.reset()
        render(&current)
        let changes = current.diff(previous)
        backend.draw(changes)
        backend.flush()
        swap(&current, &previous)
        return changes.count
    }

    /// The last frame drawn.
    public var lastFrame: Buffer { previous }
}
