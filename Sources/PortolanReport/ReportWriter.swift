import Foundation

/// Writes reports atomically: a temporary file in the target's folder, then rename.
public enum ReportWriter {
    public enum Failure: Error, CustomStringConvertible {
        case isDirectory, folderMissing(String), io(String)
        public var description: String {
            switch self {
            case .isDirectory: return "it is a folder"
            case .folderMissing(let f): return "the folder \(f) does not exist"
            case .io(let m): return m
            }
        }
    }

    public static func writeAtomically(_ text: String, to path: String) throws {
        try writeAtomically(bytes: Array(text.utf8), to: path)
    }

    public static func writeAtomically(bytes: [UInt8], to path: String) throws {
        try writeAtomically(pieces: [bytes], to: path)
    }

    /// Writes every piece to a file descriptor, in order; false on an error (errno says which).
    @discardableResult
    public static func writeAll(fd: Int32, _ pieces: [[UInt8]]) -> Bool {
        for p in pieces {
            let ok = p.withUnsafeBufferPointer { b -> Bool in
                var off = 0
                while off < b.count {
                    let n = write(fd, b.baseAddress! + off, b.count - off)
                    if n < 0 { if errno == EINTR { continue }; return false }
                    if n == 0 { return false }
                    off += n
                }
                return true
            }
            if !ok { return false }
        }
        return true
    }

    public static func writeAtomically(pieces: [[UInt8]], to path: String) throws {
        let stream = try Stream(path: path)
        stream.write(pieces)
        try stream.finish()
    }

    /// A report written while it is still being rendered: pieces handed to `write` go out on a
    /// background queue, in order; `finish` waits for them and puts the file in place (a temporary
    /// file renamed over the target, or standard output for `-`). Nothing is left behind on failure.
    public final class Stream: @unchecked Sendable {
        private let fd: Int32
        private let target: String?
        private let temporary: String?
        private let queue = DispatchQueue(label: "portolan.report-writer")
        private var failure: Int32 = 0

        /// With `dashIsStandardOutput`, the path `-` means standard output (the CLI's `-o -`).
        public init(path: String, dashIsStandardOutput: Bool = false) throws {
            if path == "-" && dashIsStandardOutput {
                fd = 1; target = nil; temporary = nil
                return
            }
            let tmp = try ReportWriter.temporaryPath(for: path)
            let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw Failure.io("cannot create \(tmp): \(String(cString: strerror(errno)))") }
            self.fd = fd; target = path; temporary = tmp
        }

        /// Queues pieces to be written after those queued before.
        public func write(_ pieces: [[UInt8]]) {
            queue.async {
                guard self.failure == 0 else { return }
                if !ReportWriter.writeAll(fd: self.fd, pieces) { self.failure = errno == 0 ? EIO : errno }
            }
        }

        /// Waits for every queued piece, then closes and renames the file.
        public func finish() throws {
            queue.sync {}
            guard let target, let temporary else {
                // Standard output: a closed pipe (`| head`) is not an error worth reporting.
                return
            }
            let failed = failure
            if close(fd) != 0 || failed != 0 {
                let e = String(cString: strerror(failed != 0 ? failed : errno))
                unlink(temporary)
                throw Failure.io("cannot write \(temporary): \(e)")
            }
            if !ReportWriter.replace(target, with: temporary) {
                let e = String(cString: strerror(errno))
                unlink(temporary)
                throw Failure.io(e)
            }
        }
    }

    #if canImport(Glibc)
    @_silgen_name("renameat2")
    private static func renameat2(_ olddirfd: Int32, _ oldpath: UnsafePointer<CChar>, _ newdirfd: Int32,
                                  _ newpath: UnsafePointer<CChar>, _ flags: UInt32) -> Int32
    #endif

    /// Puts `temporary` in place of `target`, atomically. An existing report is swapped out
    /// (RENAME_EXCHANGE) and then removed, rather than renamed over: ext4 flushes a file renamed
    /// over another to disk on the spot (its `auto_da_alloc` guard for programs that skip fsync),
    /// which made overwriting a 30 MB report wait about 10 ms for the disk. A report written to a
    /// new name never had that flush; an overwritten one now behaves the same. Where the swap is
    /// not supported (other systems, file systems without it) or there is no old report: rename.
    static func replace(_ target: String, with temporary: String) -> Bool {
        #if canImport(Glibc)
        let exchange: UInt32 = 1 << 1   // RENAME_EXCHANGE (linux/fs.h)
        if renameat2(AT_FDCWD, temporary, AT_FDCWD, target, exchange) == 0 {
            // The old report now has the temporary name.
            unlink(temporary)
            return true
        }
        #endif
        return rename(temporary, target) == 0
    }

    /// Where a report for `path` is written before it is renamed into place (same folder).
    static func temporaryPath(for path: String) throws -> String {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue { throw Failure.isDirectory }
        // The folder and name split by hand (NSString's path methods trap on some names, such as `-`).
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let dir = folder.isEmpty ? (slash == nil ? "." : "/") : folder
        if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) || !isDir.boolValue {
            throw Failure.folderMissing(dir)
        }
        return (dir.hasSuffix("/") ? dir : dir + "/") + ".\(name).\(getpid()).tmp"
    }
}
