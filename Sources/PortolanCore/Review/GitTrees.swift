import Foundation

/// Reads the manifests of a git revision without checking anything out: `git ls-tree` lists the blobs,
/// `git cat-file --batch` reads them, and they are written under a temporary folder with their
/// repository paths, for the normal loader (`LoadOptions.displayRelativeTo` set to that folder).
public enum GitTrees {
    public struct Error: Swift.Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Files worth extracting: manifests and the configuration.
    static func wanted(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        if PortolanConfig.fileNames.contains(name) { return true }
        let ext = (name as NSString).pathExtension.lowercased()
        return ext == "yaml" || ext == "yml" || ext == "json"
    }

    /// The repository's top folder for `directory`.
    public static func topLevel(_ directory: String) throws -> String {
        let r = try git(["rev-parse", "--show-toplevel"], in: directory)
        return String(decoding: r, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Checks that `revision` names a commit.
    public static func verify(_ revision: String, in directory: String) throws {
        guard !revision.hasPrefix("-") else { throw Error(description: "'\(revision)' is not a revision") }
        do {
            _ = try git(["rev-parse", "--verify", "--quiet", revision + "^{commit}"], in: directory)
        } catch {
            throw Error(description: "'\(revision)' is not a commit of the repository in \(directory)")
        }
    }

    /// Writes the manifests of `revision` (limited to `paths`, relative to `directory`; everything when empty)
    /// under `destination`, keeping their repository paths. Returns the number of files written.
    @discardableResult
    public static func extract(revision: String, paths: [String], in directory: String, to destination: String) throws -> Int {
        try verify(revision, in: directory)
        let top = try topLevel(directory)
        // With paths: relative to `directory`, printed from the top (--full-name). The configuration at the top
        // of the tree is always read.
        var listing = try git(["ls-tree", "-r", "-z", "--full-name", revision, "--"] + (paths.isEmpty ? [] : paths),
                              in: paths.isEmpty ? top : directory)
        if !paths.isEmpty {
            listing += try git(["ls-tree", "-z", "--full-name", revision, "--"] + PortolanConfig.fileNames, in: top)
        }
        var objects: [(id: String, path: String)] = []
        var seen = Set<String>()
        for entry in listing.split(separator: 0) {
            // "<mode> SP <type> SP <object> TAB <path>"
            guard let tab = entry.firstIndex(of: 9) else { continue }
            let meta = String(decoding: entry[entry.startIndex..<tab], as: UTF8.self).split(separator: " ")
            let path = String(decoding: entry[entry.index(after: tab)...], as: UTF8.self)
            guard meta.count == 3, meta[1] == "blob", meta[0] == "100644" || meta[0] == "100755" else { continue }
            guard wanted(path), seen.insert(path).inserted else { continue }
            let parts = path.split(separator: "/")
            guard !path.hasPrefix("/"), !parts.contains(".."), !parts.contains(".") else { continue }
            objects.append((String(meta[2]), path))
        }
        guard !objects.isEmpty else { return 0 }
        let request = objects.map(\.id).joined(separator: "\n") + "\n"
        let output = try git(["cat-file", "--batch"], in: top, input: Data(request.utf8))
        // "<object> SP blob SP <size> LF <content> LF", in request order.
        var pos = output.startIndex
        let fm = FileManager.default
        for o in objects {
            guard let nl = output[pos...].firstIndex(of: 10) else { throw Error(description: "git cat-file ended early") }
            let header = String(decoding: output[pos..<nl], as: UTF8.self).split(separator: " ")
            guard header.count == 3, let size = Int(header[2]) else {
                throw Error(description: "git cat-file: unexpected answer for \(o.path): \(header.joined(separator: " "))")
            }
            let start = output.index(after: nl)
            guard output.distance(from: start, to: output.endIndex) >= size else { throw Error(description: "git cat-file ended early") }
            let end = output.index(start, offsetBy: size)
            let target = (destination as NSString).appendingPathComponent(o.path)
            try fm.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard fm.createFile(atPath: target, contents: output[start..<end]) else {
                throw Error(description: "cannot write \(target)")
            }
            pos = output.index(after: end)   // the LF after the content
        }
        return objects.count
    }

    /// Runs git; stdout as data, or an error with git's message.
    static func git(_ args: [String], in directory: String, input: Data? = nil) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git"] + args
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["GIT_PAGER"] = "cat"
        env["LC_ALL"] = "C"
        p.environment = env
        let tmp = FileManager.default.temporaryDirectory
        let errURL = tmp.appendingPathComponent("portolan-git-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        var inURL: URL? = nil
        if let input {
            let u = tmp.appendingPathComponent("portolan-git-\(UUID().uuidString).in")
            _ = FileManager.default.createFile(atPath: u.path, contents: input)
            inURL = u
            p.standardInput = try FileHandle(forReadingFrom: u)
        } else {
            p.standardInput = FileHandle.nullDevice
        }
        defer { if let inURL { try? FileManager.default.removeItem(at: inURL) } }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = try FileHandle(forWritingTo: errURL)
        do { try p.run() } catch { throw Error(description: "cannot run git: \(error)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            let err = (try? String(contentsOf: errURL, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            throw Error(description: "git \(args.first ?? "") failed" + (err.isEmpty ? "" : ": \(err)"))
        }
        return data
    }
}
