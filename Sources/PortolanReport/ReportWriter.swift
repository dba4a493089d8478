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
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue { throw Failure.isDirectory }
        let folder = (path as NSString).deletingLastPathComponent
        let dir = folder.isEmpty ? "." : folder
        if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) || !isDir.boolValue {
            throw Failure.folderMissing(dir)
        }
        let tmp = (dir as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).\(getpid()).tmp")
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure.io("cannot create \(tmp): \(String(cString: strerror(errno)))") }
        let written = writeAll(fd: fd, pieces)
        let failure = String(cString: strerror(errno))
        if close(fd) != 0 || !written {
            unlink(tmp)
            throw Failure.io("cannot write \(tmp): \(written ? String(cString: strerror(errno)) : failure)")
        }
        if rename(tmp, path) != 0 {
            let e = String(cString: strerror(errno))
            unlink(tmp)
            throw Failure.io(e)
        }
    }
}
