/// Where each part of the main screen goes for a terminal size: pure arithmetic shared by
/// rendering and by the reducer (page sizes, mouse hits).
public struct ScreenLayout: Hashable, Sendable {
    /// Below this the explorer shows "terminal too small".
    public static let minimum = Size(width: 60, height: 16)
    /// From this width the YAML pane goes right of the graph, else below it.
    public static let threeColumnWidth = 150

    public var screen: Rect
    public var tooSmall: Bool
    public var header: Rect
    public var tabs: Rect
    public var navigator: Rect
    public var graph: Rect
    public var detail: Rect?
    public var status: Rect

    public init(size: Size, detailVisible: Bool) {
        screen = Rect(size)
        tooSmall = size.width < Self.minimum.width || size.height < Self.minimum.height
        header = screen.row(0)
        tabs = screen.row(1)
        status = screen.row(size.height - 1)
        let body = Rect(x: 0, y: 2, width: size.width, height: size.height - 3)
        let navWidth = min(64, max(30, size.width * 37 / 100))
        let cols = Layout.horizontal([.length(navWidth), .fill(1)]).split(body)
        navigator = cols[0]
        let right = cols[1]
        if !detailVisible {
            graph = right
            detail = nil
        } else if size.width >= Self.threeColumnWidth {
            let parts = Layout.horizontal([.fill(1), .fill(1)]).split(right)
            graph = parts[0]
            detail = parts[1]
        } else {
            let top = max(6, right.height * 45 / 100)
            let parts = Layout.vertical([.length(top), .fill(1)]).split(right)
            graph = parts[0]
            detail = parts[1]
        }
    }

    /// Inside the navigator's frame, below its column header.
    public var navigatorBody: Rect {
        let inner = navigator.inset(horizontal: 1, vertical: 1)
        return Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1)
    }

    public var navigatorInner: Rect { navigator.inset(horizontal: 1, vertical: 1) }
    public var graphBody: Rect { graph.inset(horizontal: 1, vertical: 1) }
    public var detailBody: Rect? { detail?.inset(horizontal: 1, vertical: 1) }
}
