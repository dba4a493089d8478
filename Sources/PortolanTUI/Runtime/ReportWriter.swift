import Foundation

/// Writes a report atomically: a temporary file in the same folder, then a rename over the target,
/// so a reader never sees half a report.
public enum ReportWriter {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The absolute path `path` names (relative to `cwd`, `~/` expanded).
    public static func resolve(_ path: String, cwd: String = FileManager.default.currentDirectoryPath,
                               home: String? = ProcessInfo.processInfo.environment["HOME"]) -> String {
        var p = path
        if p.hasPrefix("~/"), let home { p = home + String(p.dropFirst()) }
        if !p.hasPrefix("/") { p = (cwd.hasSuffix("/") ? cwd : cwd + "/") + p }
        return p
    }

    /// Writes `text` to `path` and returns the absolute path written.
    @discardableResult
    public static func write(_ text: String, toFile path: String, cwd: String = FileManager.default.currentDirectoryPath) throws -> String {
        let target = resolve(path, cwd: cwd)
        let dir = (target as NSString).deletingLastPathComponent
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw Failure(description: "folder \(dir) does not exist")
        }
        let tmp = dir + "/.\((target as NSString).lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw Failure(description: "cannot create \(tmp): \(String(cString: strerror(errno)))") }
        var ok = false
        defer { if !ok { unlink(tmp) } }
        let bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = String(cString: strerror(errno))
                close(fd)
                throw Failure(description: "cannot write \(tmp): \(e)")
            }
            off += n
        }
        if fsync(fd) != 0 && errno != EINVAL {
            let e = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "cannot write \(tmp): \(e)")
        }
        close(fd)
        guard rename(tmp, target) == 0 else {
            throw Failure(description: "cannot replace \(target): \(String(cString: strerror(errno)))")
        }
        ok = true
        return target
    }
}
