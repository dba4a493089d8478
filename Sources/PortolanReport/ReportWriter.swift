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
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue { throw Failure.isDirectory }
        let folder = (path as NSString).deletingLastPathComponent
        let dir = folder.isEmpty ? "." : folder
        if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) || !isDir.boolValue {
            throw Failure.folderMissing(dir)
        }
        let tmp = (dir as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).\(getpid()).tmp")
        guard FileManager.default.createFile(atPath: tmp, contents: Data(bytes)) else {
            throw Failure.io("cannot create \(tmp): \(String(cString: strerror(errno)))")
        }
        if rename(tmp, path) != 0 {
            let e = String(cString: strerror(errno))
            unlink(tmp)
            throw Failure.io(e)
        }
    }
}
