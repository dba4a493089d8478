import Foundation

/// Phase timings on stderr when PORTOLAN_TIMINGS is set (for profiling; never in normal output).
public enum Timings {
    public static let enabled = ProcessInfo.processInfo.environment["PORTOLAN_TIMINGS"] != nil
    nonisolated(unsafe) static var last = Date()

    public static func mark(_ phase: String) {
        guard enabled else { return }
        let now = Date()
        FileHandle.standardError.write(Data(String(format: "%-28@ %7.1f ms\n", phase as NSString, now.timeIntervalSince(last) * 1000).utf8))
        last = now
    }
}

/// Slots that parallel workers fill by index (each index written once).
public final class ParallelSlots<T>: @unchecked Sendable {
    public private(set) var values: [T?]
    private let lock = NSLock()
    public init(_ n: Int) { values = Array(repeating: nil, count: n) }
    public func set(_ i: Int, _ v: T) { lock.lock(); values[i] = v; lock.unlock() }
}
