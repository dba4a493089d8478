#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file to read: how the user will see its path, and how to open it.
public struct InputFile: Sendable, Hashable {
    public enum Origin: Sendable, Hashable { case path(String), stdin }
    public var display: String
    public var origin: Origin
    public var size: Int
    public var isStdin: Bool { origin == .stdin }
}

/// Walks the input paths: recursive, sorted, hidden entries skipped, non-regular files never
/// opened, symlinks followed inside the scanned root only, each real file once.
struct FileScanner {
    var followSymlinks: Bool
    var maxFileSize: Int

    private(set) var files: [InputFile] = []
    /// Called with each file as soon as it is found (the loader starts reading while the walk goes on).
    var sink: ((InputFile) -> Void)? = nil
    private(set) var problems: [Problem] = []
    /// Input paths that could not be read at all, with the reason.
    private(set) var unreadable: [(path: String, reason: String)] = []

    private struct FileID: Hashable { var dev: UInt64; var ino: UInt64 }
    private var seenFiles = Set<FileID>()
    private var seenDirs = Set<FileID>()

    init(followSymlinks: Bool, maxFileSize: Int) {
        self.followSymlinks = followSymlinks
        self.maxFileSize = maxFileSize
    }

    static let extensions = [".yaml", ".yml", ".json"]

    static func wanted(_ name: String) -> Bool {
        // `Kustomization` (no extension) is a kustomization file kustomize reads too.
        if name == "Kustomization" { return true }
        // The extension compared without case, on the bytes (asked for every file of the walk).
        let u = name.utf8
        return extensions.contains { ext in
            let e = ext.utf8
            guard u.count >= e.count else { return false }
            return zip(u.suffix(e.count), e).allSatisfy { a, b in a == b || (a >= 65 && a <= 90 && a + 32 == b) }
        }
    }

    mutating func scan(_ paths: [String]) {
        var sawStdin = false
        for p in paths {
            if p == "-" {
                if !sawStdin { emit(InputFile(display: "<stdin>", origin: .stdin, size: 0)) }
                sawStdin = true
                continue
            }
            var st = stat()
            guard stat(p, &st) == 0 else {
                let reason = String(cString: strerror(errno))
                unreadable.append((p, reason))
                problems.append(Problem(file: p, line: 0, column: 0, message: "cannot read: \(reason)"))
                continue
            }
            let kind = st.st_mode & S_IFMT
            if kind == S_IFDIR {
                guard let real = realPath(p) else {
                    unreadable.append((p, "cannot resolve path"))
                    continue
                }
                let before = files.count, problemsBefore = problems.count
                seenDirs.insert(FileID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino)))
                if !walk(dir: p, display: trimmedDisplay(p), root: real) {
                    unreadable.append((p, String(cString: strerror(errno))))
                }
                _ = before; _ = problemsBefore
            } else if kind == S_IFREG || kind == S_IFIFO || kind == S_IFCHR {
                // A file named explicitly is read whatever its extension; a pipe named explicitly
                // (process substitution, /dev/stdin) is what the user asked for.
                let id = FileID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))
                if kind == S_IFREG {
                    if seenFiles.contains(id) { continue }
                    seenFiles.insert(id)
                    if Int(st.st_size) > maxFileSize {
                        problems.append(Problem(file: trimmedDisplay(p), line: 0, column: 0,
                            message: "file is \(Int(st.st_size)) bytes, over the limit of \(maxFileSize) (--max-file-size); skipped"))
                        continue
                    }
                }
                emit(InputFile(display: trimmedDisplay(p), origin: .path(p), size: Int(st.st_size)))
            } else {
                unreadable.append((p, "not a regular file or directory"))
                problems.append(Problem(file: p, line: 0, column: 0, message: "not a regular file or directory; skipped"))
            }
        }
    }

    private mutating func emit(_ f: InputFile) {
        files.append(f)
        sink?(f)
    }

    private func trimmedDisplay(_ p: String) -> String {
        var s = p
        while s.hasPrefix("./") && s.count > 2 { s.removeFirst(2) }
        while s.count > 1 && s.hasSuffix("/") { s.removeLast() }
        return s
    }

    private func join(_ dir: String, _ name: String) -> String {
        if dir == "." { return name }
        return dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    private func realPath(_ p: String) -> String? {
        guard let r = realpath(p, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }

    private func inside(_ real: String, root: String) -> Bool {
        real == root || real.hasPrefix(root == "/" ? "/" : root + "/")
    }

    /// Returns false when the directory itself cannot be opened.
    @discardableResult
    private mutating func walk(dir: String, display: String, root: String) -> Bool {
        guard let d = opendir(dir) else {
            problems.append(Problem(file: display, line: 0, column: 0,
                                    message: "cannot open directory: \(String(cString: strerror(errno)))"))
            return false
        }
        var dirStat = stat()
        let dirDev: UInt64 = fstat(dirfd(d), &dirStat) == 0 ? UInt64(dirStat.st_dev) : 0
        // readdir's d_type saves an lstat for plain files and folders; links and unknown types are checked.
        var entries: [(name: String, type: UInt8, ino: UInt64)] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." || name.hasPrefix(".") { continue }
            entries.append((name, e.pointee.d_type, UInt64(e.pointee.d_ino)))
        }
        closedir(d)
        entries.sort { utf8Precedes($0.name, $1.name) }

        for (name, type, ino) in entries {
            let path = join(dir, name)
            let shown = join(display, name)
            if type == UInt8(DT_REG) {
                guard Self.wanted(name) else { continue }
                let id = FileID(dev: dirDev, ino: ino)
                if seenFiles.contains(id) { continue }
                seenFiles.insert(id)
                emit(InputFile(display: shown, origin: .path(path), size: -1))
                continue
            }
            if type == UInt8(DT_DIR) {
                let id = FileID(dev: dirDev, ino: ino)
                if seenDirs.contains(id) { continue }
                seenDirs.insert(id)
                walk(dir: path, display: shown, root: root)
                continue
            }
            var lst = stat()
            guard lstat(path, &lst) == 0 else {
                problems.append(Problem(file: shown, line: 0, column: 0,
                                        message: "cannot read: \(String(cString: strerror(errno)))"))
                continue
            }
            var st = lst
            if lst.st_mode & S_IFMT == S_IFLNK {
                guard let target = realPath(path), stat(path, &st) == 0 else {
                    if Self.wanted(name) || isDirLike(name) {
                        problems.append(Problem(file: shown, line: 0, column: 0, message: "broken symbolic link; skipped"))
                    }
                    continue
                }
                if !inside(target, root: root) && !followSymlinks {
                    let isDir = st.st_mode & S_IFMT == S_IFDIR
                    if isDir || Self.wanted(name) {
                        problems.append(Problem(file: shown, line: 0, column: 0,
                            message: "symbolic link leads outside the scanned folder (to \(target)); not followed (use --follow-symlinks)"))
                    }
                    continue
                }
            }
            let id = FileID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                if seenDirs.contains(id) { continue }   // a link loop or a second link to a folder already read
                seenDirs.insert(id)
                walk(dir: path, display: shown, root: root)
            case S_IFREG:
                guard Self.wanted(name) else { continue }
                if seenFiles.contains(id) { continue }
                seenFiles.insert(id)
                emit(InputFile(display: shown, origin: .path(path), size: Int(st.st_size)))
            default:
                if Self.wanted(name) {
                    problems.append(Problem(file: shown, line: 0, column: 0,
                        message: "not a regular file (\(typeName(st.st_mode))); skipped without opening it"))
                }
            }
        }
        return true
    }

    private func isDirLike(_ name: String) -> Bool { !name.contains(".") }

    private func typeName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        default: return "special file"
        }
    }
}

/// Reads a whole file without ever blocking on a FIFO that has no writer.
enum FileReader {
    enum Failure: Error { case open(String), read(String), tooLarge(Int) }

    static func readFile(_ path: String, limit: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw Failure.open(String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Failure.open(String(cString: strerror(errno))) }
        let isRegular = st.st_mode & S_IFMT == S_IFREG
        if isRegular && Int(st.st_size) > limit { throw Failure.tooLarge(Int(st.st_size)) }
        if !isRegular {
            // Named explicitly: switch back to blocking reads; with no writer a FIFO reads as empty.
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)
        }
        if isRegular && st.st_size > 0 {
            // The size is known: read exactly that (one read call, no second one to see the end).
            // Files that report no size (procfs) are read to their end below.
            let size = Int(st.st_size)
            var got = 0
            let bytes = [UInt8](unsafeUninitializedCapacity: size) { buf, count in
                while got < size {
                    let r = read(fd, buf.baseAddress! + got, size - got)
                    if r < 0 { if errno == EINTR { continue }; got = -Int(errno); break }
                    if r == 0 { break }
                    got += r
                }
                count = max(0, got)
            }
            if got < 0 { throw Failure.read(String(cString: strerror(Int32(-got)))) }
            return bytes
        }
        return try readAll(fd: fd, sizeHint: 65536, limit: limit)
    }

    /// Reads until end of file in as few allocations as the size hint allows.
    static func readAll(fd: Int32, sizeHint: Int, limit: Int) throws -> [UInt8] {
        var out = [UInt8]()
        var chunkSize = max(sizeHint + 1, 16384)
        while true {
            var failure: Int32 = 0
            var eof = false
            let size = chunkSize
            let chunk = [UInt8](unsafeUninitializedCapacity: size) { buf, count in
                var n = 0
                while n < size {
                    let r = read(fd, buf.baseAddress! + n, size - n)
                    if r < 0 {
                        if errno == EINTR { continue }
                        if errno == EAGAIN { eof = true; break }
                        failure = errno
                        break
                    }
                    if r == 0 { eof = true; break }
                    n += r
                }
                count = n
            }
            if failure != 0 { throw Failure.read(String(cString: strerror(failure))) }
            if out.isEmpty { out = chunk } else { out.append(contentsOf: chunk) }
            if out.count > limit { throw Failure.tooLarge(out.count) }
            if eof { break }
            chunkSize = max(chunkSize, 1 << 20)
        }
        return out
    }
}
