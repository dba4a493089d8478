/// A size in terminal cells.
public struct Size: Hashable, Sendable {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) { self.width = width; self.height = height }
}

/// A rectangle of cells; `x`/`y` are the top-left corner (0-based).
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = max(0, width); self.height = max(0, height)
    }

    public init(_ size: Size) { self.init(x: 0, y: 0, width: size.width, height: size.height) }

    public static let zero = Rect(x: 0, y: 0, width: 0, height: 0)

    public var left: Int { x }
    public var top: Int { y }
    /// One past the last column.
    public var right: Int { x + width }
    /// One past the last row.
    public var bottom: Int { y + height }
    public var area: Int { width * height }
    public var isEmpty: Bool { width == 0 || height == 0 }
    public var size: Size { Size(width: width, height: height) }

    public func contains(x px: Int, y py: Int) -> Bool {
        px >= x && px < right && py >= y && py < bottom
    }

    /// The part of `self` inside `other`.
    public func intersection(_ other: Rect) -> Rect {
        let l = max(x, other.x), t = max(y, other.y)
        let r = min(right, other.right), b = min(bottom, other.bottom)
        return Rect(x: l, y: t, width: r - l, height: b - t)
    }

    /// Shrinks by `h` columns on each side and `v` rows top and bottom.
    public func inset(horizontal h: Int = 0, vertical v: Int = 0) -> Rect {
        Rect(x: x + h, y: y + v, width: width - 2 * h, height: height - 2 * v)
    }

    /// A rectangle of at most `w`×`h` centred in `self`.
    public func centered(width w: Int, height h: Int) -> Rect {
        let cw = min(w, width), ch = min(h, height)
        return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
    }

    /// One row of this rectangle (relative index), or empty when out of range.
    public func row(_ i: Int) -> Rect {
        guard i >= 0 && i < height else { return Rect(x: x, y: y, width: 0, height: 0) }
        return Rect(x: x, y: y + i, width: width, height: 1)
    }

    public var description: String { "Rect(\(x),\(y) \(width)x\(height))" }
}
