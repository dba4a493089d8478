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

/// Large temporaries that a one-shot command (`report`, `check`) need not free: the process ends right
/// after, and freeing them object by object costs time on the critical path. A program that runs on
/// leaves `keepUntilExit` nil and everything is freed as usual — the explorer only defers the freeing
/// until its first frame is drawn (`deferUntilRelease`).
public enum Lifetime {
    /// Read by loading threads while the explorer may be setting it: behind a lock.
    public static var keepUntilExit: (@Sendable (Any) -> Void)? {
        get { keeperLock.lock(); defer { keeperLock.unlock() }; return keeper }
        set { keeperLock.lock(); keeper = newValue; keeperLock.unlock() }
    }
    nonisolated(unsafe) private static var keeper: (@Sendable (Any) -> Void)? = nil
    private static let keeperLock = NSLock()

    /// Hands a value over to be kept until the process exits, when the program asked for that.
    public static func discard(_ value: Any) { keepUntilExit?(value) }

    public static var keepsUntilExit: Bool { keepUntilExit != nil }

    nonisolated(unsafe) private static var deferred: [Any] = []
    nonisolated(unsafe) private static var deferring = false
    private static let deferredLock = NSLock()

    /// For a program that runs on (the explorer): temporaries handed to `discard` are held until
    /// `releaseDeferred()` instead of being freed while the first result is still being computed.
    /// Call it before a load starts, and `releaseDeferred()` once its result is on screen.
    public static func deferUntilRelease() {
        deferredLock.lock()
        defer { deferredLock.unlock() }
        guard keepUntilExit == nil else { return }
        deferring = true
        keepUntilExit = { value in
            deferredLock.lock()
            deferred.append(value)
            deferredLock.unlock()
        }
    }

    /// Lets another thread free what `deferUntilRelease()` held.
    public static func releaseDeferred() {
        deferredLock.lock()
        guard deferring else { deferredLock.unlock(); return }
        deferring = false
        keepUntilExit = nil
        let held = Discarded(deferred)
        deferred = []
        deferredLock.unlock()
        DispatchQueue.global(qos: .utility).async { held.values.removeAll() }
    }

    private final class Discarded: @unchecked Sendable {
        var values: [Any]
        init(_ values: [Any]) { self.values = values }
    }

    #if canImport(Glibc)
    @_silgen_name("mallopt") private static func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
    #endif

    /// Large estates grow the heap by hundreds of megabytes: grow it in large steps (not a page at a
    /// time, one mprotect call each) and keep what was freed for reuse instead of trimming it.
    /// M_TOP_PAD is -2 and M_TRIM_THRESHOLD -1 in glibc's malloc.h (which the Glibc module leaves out).
    public static func growHeapInLargeSteps() {
        #if canImport(Glibc)
        _ = glibcMallopt(-2, 64 << 20)
        _ = glibcMallopt(-1, 1 << 30)
        #endif
    }
}
