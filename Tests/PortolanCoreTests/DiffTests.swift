import Foundation
import Testing
@testable import PortolanCore

/// Loads a tree with names relative to it, as `portolan diff` does.
enum Trees {
    static func estate(_ root: String, paths: [String]? = nil) -> Estate {
        var o = LoadOptions(paths: paths ?? [root])
        o.displayRelativeTo = root
        var options = AnalysisOptions()
        options.now = Review.now
        return Analyzer.run(Loader.load(o), options: options)
    }

    static func temporaryFolder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portolan-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func copy(_ from: String, to: String) throws {
        try FileManager.default.createDirectory(atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: from, toPath: to)
    }

    @discardableResult
    static func git(_ args: [String], in dir: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-c", "user.email=test@example.com", "-c", "user.name=test", "-c", "commit.gpgsign=false"] + args
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "git \(args.joined(separator: " "))")
        return String(decoding: data, as: UTF8.self)
    }
}

@Suite struct DiffTests {
    static let base = Fixtures.path("review/diff/base")
    static let head = Fixtures.path("review/diff/head")

    /// What the fixture pair changes, whatever the trees are read from.
    static func expectFixtureChanges(_ d: EstateDiff, prefix: String = "") {
        #expect(d.hostsAdded == ["new.example.com"])
        #expect(d.hostsRemoved == ["old.example.com"])
        // The inserted /health path does not renumber the routes after it.
        #expect(d.routesAdded.map { "\($0.hosts[0]) \($0.path)" } == ["shop.example.com /health", "new.example.com /"])
        #expect(d.routesRemoved.map(\.resource) == ["Ingress shop/old"])
        #expect(d.routesChanged.count == 1)
        let change = d.routesChanged.first
        #expect(change?.head.path == "/api")
        #expect(change?.changes == [EstateDiff.FieldChange(field: "backend", old: "shop/api:8080", new: "shop/api-v2:8080")])
        #expect(change?.head.source.file == prefix + "shop.yaml")
        #expect(d.coverage == [EstateDiff.CoverageChange(host: "blog.example.com", oldTLS: .covered, newTLS: .uncovered,
                                                         oldCertificates: ["certificate/blog/blog"], newCertificates: [])])
        #expect(d.coverage.first?.isRegression == true)
        #expect(d.findingsIntroduced.map(\.rule).sorted() == ["backend-service-missing", "tls-host-uncovered"])
        #expect(d.findingsFixed.map(\.rule).sorted() == ["certificate-unissuable", "plaintext-only"])
    }

    @Test func twoFixtureTrees() {
        let d = EstateDiff.compare(Trees.estate(Self.base), Trees.estate(Self.head))
        Self.expectFixtureChanges(d)
    }

    @Test func aTreeAgainstItselfChangesNothing() {
        let d = EstateDiff.compare(Trees.estate(Self.base), Trees.estate(Self.base))
        #expect(d.isEmpty)
    }

    @Test func pathTlsAndControllerChanges() {
        var base = Route(provider: .ingress, resource: Trees.estate(Self.base).inputs.resources.first { $0.kind == "Ingress" }!,
                         ruleIndex: 0, matchIndex: 0, hosts: ["a.example.com"], path: "/a", pathType: "Prefix", match: "Prefix /a",
                         tls: .off, backends: [], controllers: ["ingress-nginx"], matchSource: SourceLocation(file: "x.yaml", line: 1))
        var head = base
        head.path = "/b"
        head.match = "Prefix /b"
        head.tls = RouteTLS(enabled: true, secret: NamespacedName("shop", "t"))
        head.controllers = ["traefik"]
        head.controller = "traefik"
        let changes = EstateDiff.fieldChanges(.init(base), .init(head)).map(\.field)
        #expect(changes == ["path", "controller", "tls"])
        base.priority = 3
        #expect(EstateDiff.fieldChanges(.init(base), .init(head)).map(\.field).contains("priority"))
    }

    /// Two commits of a temporary repository, read with git without touching the working tree.
    @Test func twoCommitsOfAGitRepository() throws {
        let repo = try Trees.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: repo) }
        try Trees.git(["init", "-q"], in: repo)
        let files = ["classes.yaml", "shop.yaml", "old.yaml", "blog.yaml"]
        for f in files { try Trees.copy(Self.base + "/" + f, to: repo + "/clusters/prod/" + f) }
        try "not a manifest\n".write(toFile: repo + "/README.md", atomically: true, encoding: .utf8)
        try Trees.git(["add", "-A"], in: repo)
        try Trees.git(["commit", "-q", "-m", "base"], in: repo)
        for f in files { try? FileManager.default.removeItem(atPath: repo + "/clusters/prod/" + f) }
        for f in ["classes.yaml", "shop.yaml", "blog.yaml"] { try Trees.copy(Self.head + "/" + f, to: repo + "/clusters/prod/" + f) }
        try Trees.git(["add", "-A"], in: repo)
        try Trees.git(["commit", "-q", "-m", "head"], in: repo)
        // An uncommitted change must not be seen, and must survive.
        try "# local edit\n".write(toFile: repo + "/clusters/prod/blog.yaml", atomically: true, encoding: .utf8)

        let tmp = try Trees.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        #expect(try GitTrees.extract(revision: "HEAD~1", paths: [], in: repo, to: tmp + "/base") == 4)
        #expect(try GitTrees.extract(revision: "HEAD", paths: ["clusters"], in: repo, to: tmp + "/head") == 3)
        #expect(!FileManager.default.fileExists(atPath: tmp + "/base/README.md"))
        let d = EstateDiff.compare(Trees.estate(tmp + "/base"), Trees.estate(tmp + "/head"))
        Self.expectFixtureChanges(d, prefix: "clusters/prod/")
        #expect(try String(contentsOfFile: repo + "/clusters/prod/blog.yaml", encoding: .utf8) == "# local edit\n")
        #expect(Trees.estate(tmp + "/base").inputs.files.map(\.path).sorted().first == "clusters/prod/blog.yaml")

        #expect(throws: GitTrees.Error.self) { try GitTrees.extract(revision: "no-such-branch", paths: [], in: repo, to: tmp + "/x") }
        #expect(throws: GitTrees.Error.self) { try GitTrees.extract(revision: "--output=/tmp/x", paths: [], in: repo, to: tmp + "/x") }
    }
}

@Suite struct BaselineTests {
    @Test func roundTripsAndSorts() throws {
        let e = Trees.estate(DiffTests.base)
        let b = Baseline(findings: e.findings)
        #expect(b.entries.count == e.findings.count)
        let text = b.render()
        #expect(text.hasPrefix("{\n  \"schemaVersion\": 1,\n  \"findings\": [\n"))
        #expect(!text.contains(".yaml"))
        #expect(try Baseline.parse(Data(text.utf8)) == b)
        #expect(Baseline(entries: []).render() == "{\n  \"schemaVersion\": 1,\n  \"findings\": []\n}\n")
        #expect(throws: Baseline.Error.self) { try Baseline.parse(Data("{\"schemaVersion\": 2, \"findings\": []}".utf8)) }
        #expect(throws: Baseline.Error.self) { try Baseline.parse(Data("[]".utf8)) }
        let odd = Baseline(entries: [.init(rule: "r", resources: ["Kind/ns/\"quoted\"\u{1B}"], hosts: [])])
        #expect(try Baseline.parse(Data(odd.render().utf8)) == odd)
    }

    /// Recorded in one folder; the files then move to another folder and every line shifts: nothing is new.
    @Test func survivesALineShiftAndAMoveOfTheScannedFolder() throws {
        let first = try Trees.temporaryFolder(), second = try Trees.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: first); try? FileManager.default.removeItem(atPath: second) }
        for f in ["classes.yaml", "shop.yaml", "old.yaml", "blog.yaml"] { try Trees.copy(DiffTests.base + "/" + f, to: first + "/apps/" + f) }
        var analysis = AnalysisOptions()
        analysis.now = Review.now
        // Loaded without display-relative names: the scanned folder's path is in every file name.
        let before = Analyzer.run(Loader.load(LoadOptions(paths: [first])), options: analysis)
        #expect(!before.findings.isEmpty)
        let baseline = try Baseline.parse(Data(Baseline(findings: before.findings).render().utf8))

        for f in ["classes.yaml", "shop.yaml", "old.yaml", "blog.yaml"] {
            let text = try String(contentsOfFile: first + "/apps/" + f, encoding: .utf8)
            try FileManager.default.createDirectory(atPath: second + "/moved/apps", withIntermediateDirectories: true)
            try ("# a comment\n# and another\n\n" + text).write(toFile: second + "/moved/apps/" + f, atomically: true, encoding: .utf8)
        }
        let after = Analyzer.run(Loader.load(LoadOptions(paths: [second + "/moved"])), options: analysis)
        #expect(after.findings.count == before.findings.count)
        #expect(after.findings.map { $0.source?.line } != before.findings.map { $0.source?.line })
        let c = baseline.compare(after.findings)
        #expect(c.new.isEmpty)
        #expect(c.fixed.isEmpty)
        #expect(c.known.count == before.findings.count)

        // A new finding is new; a removed one is reported fixed.
        let head = Trees.estate(DiffTests.head)
        let c2 = baseline.compare(head.findings)
        #expect(c2.new.map(\.rule).sorted() == ["backend-service-missing", "tls-host-uncovered"])
        #expect(c2.fixed.map(\.rule).sorted() == ["certificate-unissuable", "plaintext-only"])
    }

    @Test func duplicatesCountAsAMultiset() {
        let f = Finding(rule: "r", severity: .warning, message: "m", hosts: ["h"], resources: [ObjectRef(group: "", kind: "Service", namespace: "a", name: "b")])
        var g = f
        g.message = "another message, same identity"
        let b = Baseline(findings: [f])
        let c = b.compare([f, g])
        #expect(c.known.count == 1 && c.new.count == 1 && c.fixed.isEmpty)
    }
}
