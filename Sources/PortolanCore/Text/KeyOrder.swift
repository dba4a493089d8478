#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sorts many string keys quickly, as index permutations: the keys are laid out in one buffer and
/// compared with memcmp. That is String's `<` when every key is ASCII (no NUL); otherwise the keys
/// are compared as Strings, so the order is always exactly `<`'s.
/// A key may have several parts (namespace, then name): parts are joined with NUL, which sorts
/// before every other ASCII byte, so the joined key orders as the parts do one after another.
public struct KeyOrder {
    private var bytes: [UInt8] = []
    private var starts: [Int] = [0]
    private var ascii = true

    public init(capacity: Int = 0) { starts.reserveCapacity(capacity + 1) }

    public var count: Int { starts.count - 1 }

    /// Adds the next key (its index is the number of keys added before it).
    public mutating func add(_ parts: String...) { add(parts) }

    public mutating func add(_ parts: [String]) {
        for (i, p) in parts.enumerated() {
            if i > 0 { bytes.append(0) }
            var p = p
            p.withUTF8 { u in
                for b in u where b == 0 || b >= 0x80 { ascii = false; break }
                bytes.append(contentsOf: u)
            }
        }
        starts.append(bytes.count)
    }

    /// Key indices in ascending key order (stable: equal keys keep the order they were added in).
    /// `parts(i)` gives key `i` again, for keys that are not plain ASCII.
    public func order(parts: (Int) -> [String]) -> [Int] {
        var order = Array(0..<count)
        guard ascii else {
            let keys = order.map(parts)
            order.sort { a, b in keys[a].lexicographicallyPrecedes(keys[b]) }
            return order
        }
        let starts = self.starts
        bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return }
            order.sort { x, y in
                let (xs, xn) = (starts[x], starts[x + 1] - starts[x])
                let (ys, yn) = (starts[y], starts[y + 1] - starts[y])
                let c = memcmp(base + xs, base + ys, min(xn, yn))
                return c != 0 ? c < 0 : xn < yn
            }
        }
        return order
    }
}

extension KeyOrder {
    /// The indices of `keys` in order of key (String's `<`; stable), laid out and compared as bytes.
    public static func order(of keys: [String]) -> [Int] {
        var order = KeyOrder(capacity: keys.count)
        for k in keys { order.add(k) }
        return order.order { [keys[$0]] }
    }

    /// The same order for keys that mostly come in order already (route and certificate ids, which
    /// the processors make in id order): compared as Strings in place, nothing copied — on nearly
    /// sorted input the sort does few comparisons, and laying the keys out would cost more.
    public static func orderInPlace(of keys: [String]) -> [Int] {
        var order = Array(keys.indices)
        order.sort { keys[$0] < keys[$1] }
        return order
    }

    /// Objects in order of namespace, then name (NamespacedName's `<`; stable).
    public static func sorted(_ objects: [Resource]) -> [Resource] {
        var keys = KeyOrder(capacity: objects.count)
        for r in objects { keys.add(r.namespace, r.name) }
        return keys.order { [objects[$0].namespace, objects[$0].name] }.map { objects[$0] }
    }
}
