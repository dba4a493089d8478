import Foundation

/// Phase timings on stderr when PORTOLAN_TIMINGS is set (for profiling; never in normal output).
public enum Timings {
    public static let enabled = ProcessInfo.processInfo.environment["PORTOLAN_TIMINGS"] != nil
    nonisolated(unsafe) static var last = Date()
    nonisolated(unsafe) static var lastCPU = cpuSeconds()

    /// User + system CPU time of the whole process so far.
    static func cpuSeconds() -> Double {
        var ru = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &ru)
        return Double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + Double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6
    }

    /// Prints the wall and CPU time since the previous mark.
    public static func mark(_ phase: String) {
        guard enabled else { return }
        let now = Date()
        let cpu = cpuSeconds()
        var ru = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &ru)
        FileHandle.standardError.write(Data(String(format: "%-34@ %7.1f ms wall %7.1f ms cpu %6ld MiB peak %7ld faults\n",
                                                   phase as NSString, now.timeIntervalSince(last) * 1000,
                                                   (cpu - lastCPU) * 1000, ru.ru_maxrss / 1024, ru.ru_minflt).utf8))
        last = now
        lastCPU = cpu
    }
}

/// Slots that parallel workers fill by index (each index written once).
public final class ParallelSlots<T>: @unchecked Sendable {
    public private(set) var values: [T?]
    private let lock = NSLock()
    public init(_ n: Int) { values = Array(repeating: nil, count: n) }
    public func set(_ i: Int, _ v: T) { lock.lock(); values[i] = v; lock.unlock() }
}

/// Large temporaries that a one-shot command (`report`, `check`) need not free: the process ends right
/// after, and freeing them object by object costs time on the critical path. A program that runs on
/// (the explorer, tests) leaves `keepUntilExit` nil and everything is freed as usual.
public enum Lifetime {
    nonisolated(unsafe) public static var keepUntilExit: (@Sendable (Any) -> Void)? = nil

    /// Hands a value over to be kept until the process exits, when the program asked for that.
    public static func discard(_ value: Any) { keepUntilExit?(value) }

    public static var keepsUntilExit: Bool { keepUntilExit != nil }
}
