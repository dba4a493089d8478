import Foundation
import Testing

/// Runs the real `portolan` binary.
enum CLI {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static var binary: String {
        // The test bundle sits in the same build folder as the executable.
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [here, here.deletingLastPathComponent(), here.deletingLastPathComponent().deletingLastPathComponent()] {
            let p = dir.appendingPathComponent("portolan").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return packageRoot + "/.build/debug/portolan"
    }

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ args: [String], stdin: String? = nil, cwd: String? = nil, env: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd ?? packageRoot)
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
        try inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    static func json(_ s: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any])
    }
}

@Suite struct InventoryCLITests {
    @Test func versionAndHelp() throws {
        let v = try CLI.run(["--version"])
        #expect(v.status == 0)
        #expect(v.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
        let h = try CLI.run(["inventory", "--help"])
        #expect(h.status == 0)
        #expect(h.stdout.contains("--format"))
    }

    @Test func usageErrorExitsTwo() throws {
        let r = try CLI.run(["inventory", "--format", "xml", "Examples"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("xml"))
        let s = try CLI.run(["inventory", "--max-file-size", "lots", "Examples"])
        #expect(s.status == 2)
    }

    @Test func unreadablePathExitsTwoOnlyWhenNothingCanBeRead() throws {
        let none = try CLI.run(["inventory", "/nonexistent/a", "/nonexistent/b"])
        #expect(none.status == 2)
        #expect(none.stderr.split(separator: "\n").count == 2)
        #expect(none.stderr.contains("/nonexistent/a"))
        let some = try CLI.run(["inventory", "/nonexistent/a", "Examples"])
        #expect(some.status == 0)
        #expect(some.stderr.contains("cannot read '/nonexistent/a'"))
    }

    @Test func inventoryJSONHasTheContractInputs() throws {
        let stdin = """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Service
          metadata: {name: a, namespace: x}
        - apiVersion: v1
          kind: Service
          metadata: {name: b, namespace: x}
        ---
        just: a config file
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: c
           namespace: broken
        """
        let r = try CLI.run(["inventory", "--format", "json", "-"], stdin: stdin)
        #expect(r.status == 0)
        let j = try CLI.json(r.stdout)
        let inputs = try #require(j["inputs"] as? [String: Any])
        #expect(inputs["paths"] as? [String] == ["-"])
        #expect(inputs["files"] as? Int == 1)
        #expect(inputs["documents"] as? Int == 2)
        #expect(inputs["resources"] as? Int == 2)
        #expect(inputs["notKubernetes"] as? Int == 1)
        let problems = try #require(inputs["problems"] as? [[String: Any]])
        #expect(problems.count == 1)
        #expect(problems.first?["file"] as? String == "<stdin>")
        #expect(problems.first?["line"] as? Int == 17)
        #expect(problems.first?["column"] as? Int == 13)
        let kinds = try #require(j["kinds"] as? [[String: Any]])
        #expect(kinds.count == 1)
        #expect(kinds.first?["apiVersion"] as? String == "v1")
        #expect(kinds.first?["kind"] as? String == "Service")
        #expect(kinds.first?["count"] as? Int == 2)
    }

    @Test func inventoryTextListsKindsAndProblems() throws {
        let r = try CLI.run(["inventory", "-"], stdin: "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\nkind: Thing\n")
        #expect(r.status == 0)
        #expect(r.stdout.contains("v1           Service      1"))
        #expect(r.stdout.contains("<stdin>:5:1: object of kind Thing has no apiVersion; skipped"))
    }
}

@Suite struct CheckCLITests {
    static let fixtures = CLI.packageRoot + "/Tests/PortolanCoreTests/Fixtures/rules"

    @Test func checkExitCodesFollowFailOn() throws {
        let file = Self.fixtures + "/tls-host-uncovered.yaml"
        let r = try CLI.run(["check", "--now", "2026-11-28", file])
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "shop.example.com")
        #expect(lines.contains { $0.hasPrefix("  ") && $0.contains("tls-host-uncovered.yaml:12: error tls-host-uncovered: shop.example.com is served over TLS") })
        #expect(lines.last?.hasPrefix("4 findings: 1 error, 3 warnings, 0 info on 1 host, 1 file") == true)
        #expect(!r.stdout.contains("\u{1B}["))   // not a terminal: no colour
        #expect(try CLI.run(["check", "--fail-on", "none", file]).status == 0)
        let warn = Self.fixtures + "/tls-secret-missing.yaml"
        #expect(try CLI.run(["check", warn]).status == 0)
        #expect(try CLI.run(["check", "--fail-on", "warning", warn]).status == 1)
        #expect(try CLI.run(["check", "--fail-on", "fatal", warn]).status == 2)
    }

    @Test func badConfigurationExitsTwo() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portolan-cfg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "rules:\n  disable: [nope]\n".write(toFile: dir + "/.portolan.yaml", atomically: true, encoding: .utf8)
        try "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n".write(toFile: dir + "/svc.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["check", dir])
        #expect(r.status == 2)
        #expect(r.stderr.contains(".portolan.yaml:2:13: unknown rule id \"nope\""))
        try "rules:\n  disable: [certificate-unused]\n".write(toFile: dir + "/.portolan.yaml", atomically: true, encoding: .utf8)
        #expect(try CLI.run(["check", dir]).status == 0)
    }

    @Test func reportFormatsAndOutputFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portolan-out-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = Self.fixtures + "/tls-host-uncovered.yaml"
        let sarif = try CLI.run(["report", "-o", dir + "/out.sarif", file])
        #expect(sarif.status == 0)
        let text = try String(contentsOfFile: dir + "/out.sarif", encoding: .utf8)
        #expect(text.contains("\"version\": \"2.1.0\""))
        #expect(try CLI.run(["report", "--format", "SARIF", file]).stdout.contains("\"version\": \"2.1.0\""))
        #expect(try CLI.run(["report", file]).stdout.contains("\"schemaVersion\": 1"))
        let intoDir = try CLI.run(["report", "-o", dir, file])
        #expect(intoDir.status == 2)
        #expect(intoDir.stderr.contains("it is a folder"))
        let missing = try CLI.run(["report", "-o", dir + "/no/such/x.json", file])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("does not exist"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func rulesCommand() throws {
        let r = try CLI.run(["rules", "--format", "json"])
        #expect(r.status == 0)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: String]])
        #expect(list.count == 22)
        #expect(list.first?["id"] == "cert-manager-annotation-ignored")
    }
}

@Suite struct DuplicateCLITests {
    /// The same object twice: inventory counts it once and lists the second copy as a problem.
    @Test func inventoryReportsASecondDefinition() throws {
        let r = try CLI.run(["inventory", "--format", "json", "-"],
                            stdin: "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: a}\n")
        let inputs = try #require(try CLI.json(r.stdout)["inputs"] as? [String: Any])
        #expect(inputs["resources"] as? Int == 1)
        let problems = try #require(inputs["problems"] as? [[String: Any]])
        #expect(problems.map { $0["line"] as? Int } == [5])
        #expect((problems.first?["message"] as? String)?.contains("Service/default/a is defined again (first at <stdin>:1)") == true)
    }
}
