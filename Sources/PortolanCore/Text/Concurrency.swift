import Foundation

/// A value worked out on first use, once, whichever thread asks first (the others wait for it).
public final class Once<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var made: Value?
    private var make: (() -> Value)?
    public init(_ make: @escaping () -> Value) { self.make = make }
    public var value: Value {
        lock.lock()
        defer { lock.unlock() }
        if let made { return made }
        let v = make!()
        made = v
        make = nil
        return v
    }
}

/// Slots that parallel workers fill by index (each index written once).
public final class ParallelSlots<T>: @unchecked Sendable {
    public private(set) var values: [T?]
    private let lock = NSLock()
    public init(_ n: Int) { values = Array(repeating: nil, count: n) }
    public func set(_ i: Int, _ v: T) { lock.lock(); values[i] = v; lock.unlock() }
}
