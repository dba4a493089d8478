/// How much room a part of a layout asks for.
public enum Constraint: Hashable, Sendable {
    /// Exactly this many cells (shrinks only when there is not enough room).
    case length(Int)
    /// A share of the whole.
    case percentage(Int)
    /// At least this many cells; takes a share of what is left, like `fill(1)`.
    case min(Int)
    /// At most this many cells, as much as possible.
    case max(Int)
    /// A share (weight) of what is left after the fixed parts.
    case fill(Int)
}

/// Splits a rectangle into rows or columns: pure arithmetic, no drawing (ratatui's Layout).
public struct Layout: Sendable {
    public enum Direction: Sendable { case horizontal, vertical }
    public var direction: Direction
    public var constraints: [Constraint]
    public var spacing: Int

    public init(_ direction: Direction, _ constraints: [Constraint], spacing: Int = 0) {
        self.direction = direction; self.constraints = constraints; self.spacing = spacing
    }

    public static func vertical(_ c: [Constraint], spacing: Int = 0) -> Layout { Layout(.vertical, c, spacing: spacing) }
    public static func horizontal(_ c: [Constraint], spacing: Int = 0) -> Layout { Layout(.horizontal, c, spacing: spacing) }

    /// Cell counts for a total length.
    public static func sizes(_ constraints: [Constraint], total: Int, spacing: Int = 0) -> [Int] {
        let n = constraints.count
        guard n > 0 else { return [] }
        let avail = Swift.max(0, total - spacing * (n - 1))
        var sizes = [Int](repeating: 0, count: n)
        var weights = [Int](repeating: 0, count: n)
        for (i, c) in constraints.enumerated() {
            switch c {
            case .length(let l): sizes[i] = Swift.max(0, l)
            case .percentage(let p): sizes[i] = avail * Swift.max(0, Swift.min(100, p)) / 100
            case .min(let m): sizes[i] = Swift.max(0, m); weights[i] = 1
            case .max: break
            case .fill(let w): weights[i] = Swift.max(1, w)
            }
        }
        var used = sizes.reduce(0, +)
        if used > avail {
            // Not enough room: take it back from the last parts first.
            var over = used - avail
            for i in stride(from: n - 1, through: 0, by: -1) where over > 0 {
                let cut = Swift.min(over, sizes[i])
                sizes[i] -= cut
                over -= cut
            }
            return sizes
        }
        // `max` parts take what they can, in order, before fills.
        for (i, c) in constraints.enumerated() {
            if case .max(let m) = c {
                let give = Swift.min(Swift.max(0, m), avail - used)
                sizes[i] = give
                used += give
            }
        }
        var rest = avail - used
        let totalWeight = weights.reduce(0, +)
        if rest > 0 && totalWeight > 0 {
            let share = rest
            var last = -1
            for i in 0..<n where weights[i] > 0 {
                let add = share * weights[i] / totalWeight
                sizes[i] += add
                rest -= add
                last = i
            }
            if last >= 0 { sizes[last] += rest }
        }
        return sizes
    }

    public func split(_ r: Rect) -> [Rect] {
        let total = direction == .horizontal ? r.width : r.height
        let sizes = Layout.sizes(constraints, total: total, spacing: spacing)
        var out: [Rect] = []
        var pos = direction == .horizontal ? r.x : r.y
        for s in sizes {
            if direction == .horizontal {
                out.append(Rect(x: pos, y: r.y, width: s, height: r.height))
            } else {
                out.append(Rect(x: r.x, y: pos, width: r.width, height: s))
            }
            pos += s + spacing
        }
        return out
    }
}
