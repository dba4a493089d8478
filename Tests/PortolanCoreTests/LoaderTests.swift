import Foundation
import Testing
@testable import PortolanCore

@Suite struct YAMLParserTests {
    @Test func positionsAreOneBased() throws {
        let text = "a: 1\nb:\n  c: [x, y]\n  d: |\n    text\n"
        let f = YAMLParser.parse(Array(text.utf8))
        #expect(f.issues.isEmpty)
        let root = try #require(f.documents.first?.root)
        #expect(root.mark == SourceMark(line: 1, column: 1))
        #expect(root["b"]?["c"]?.mark == SourceMark(line: 3, column: 6))
        #expect(root["b"]?["c"]?.items.map(\.string) == ["x", "y"])
        #expect(root["b"]?["c"]?.items[1].mark == SourceMark(line: 3, column: 10))
        #expect(root["b"]?["d"]?.string == "text\n")
        #expect(root["b", "d"]?.mark.line == 4)
    }

    @Test func mergeKeysAndAliases() throws {
        let f = YAMLParser.parse(Array("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\nl: [*b, *b]\n".utf8))
        let root = try #require(f.documents.first?.root)
        #expect(root["m"]?["x"]?.string == "1")
        #expect(root["m"]?["y"]?.string == "3")
        #expect(root["m"]?.count == 2)
        #expect(root["l"]?.items.map { $0["x"]?.string } == ["1", "1"])
    }

    @Test func undefinedAliasIsAnIssueWithPosition() {
        let f = YAMLParser.parse(Array("a: 1\nb: *nope\n".utf8))
        #expect(f.documents.isEmpty)
        #expect(f.issues.count == 1)
        #expect(f.issues[0].line == 2)
        #expect(f.issues[0].message.contains("*nope"))
    }

    @Test func aliasBudgetStopsBillionLaughs() {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in 1..<12 { lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]") }
        var limits = YAMLLimits()
        limits.aliasExpansion = 100_000
        let start = Date()
        let f = YAMLParser.parse(Array((lines.joined(separator: "\n") + "\n").utf8), limits: limits)
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(f.documents.isEmpty)
        #expect(f.issues.first?.message.contains("alias-expansion") == true)
    }

    @Test func deepNestingIsALimitNotACrash() {
        let depth = 5000
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n---\nok: 1\n"
        let f = YAMLParser.parse(Array(text.utf8))
        #expect(f.issues.contains { $0.message.contains("max-depth") })
        #expect(f.documents.last?.root?["ok"]?.string == "1")
    }

    @Test func resumesAfterSyntaxErrorAtNextDocument() {
        let text = "a: 1\n---\nb: [\n---\nc: 3\n"
        let f = YAMLParser.parse(Array(text.utf8))
        #expect(f.documents.compactMap { $0.root?.pairs.first?.key.string } == ["a", "c"])
        #expect(f.documents.last?.root?["c"]?.mark.line == 5)
        #expect(f.issues.count == 1)
    }

    @Test func duplicateKeysAreReportedAndTheLastWins() {
        let f = YAMLParser.parse(Array("a: 1\nb: 2\na: 3\n".utf8))
        #expect(f.documents.first?.root?["a"]?.string == "3")
        #expect(f.issues.count == 1)
        #expect(f.issues[0].line == 3)
    }

    @Test func skippedBodiesStillCountAliases() {
        var lines = ["apiVersion: apps/v1", "kind: Deployment", "metadata: {name: x}", "spec:", "  a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in 1..<9 { lines.append("  a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]") }
        var limits = YAMLLimits()
        limits.aliasExpansion = 10_000
        let f = YAMLParser.parse(Array((lines.joined(separator: "\n") + "\n").utf8), limits: limits) { _, _ in false }
        #expect(f.documents.isEmpty)
        #expect(f.issues.first?.message.contains("alias-expansion") == true)
    }
}

@Suite struct LoaderTests {
    @Test func multiDocumentAndDefaultNamespace() throws {
        let inputs = Fixtures.load(["loader/multi.yaml"], defaultNamespace: "team")
        #expect(inputs.problems.isEmpty)
        #expect(inputs.documents == 2)
        #expect(inputs.resources.map { "\($0.kind) \($0.namespace)/\($0.name) @\($0.source.line)" }
                == ["Service shop/web @2", "Ingress team/web @13"])
    }

    @Test func kubectlListIsExpanded() {
        let inputs = Fixtures.load("loader/list.yaml")
        #expect(inputs.resources.map { "\($0.apiVersion) \($0.kind) \($0.namespace)/\($0.name) @\($0.source.line)" }
                == ["v1 Service shop/api @7", "networking.k8s.io/v1 Ingress shop/api @14"])
        #expect(inputs.documents == 1)
    }

    @Test func typedListItemsTakeKindFromTheList() {
        let inputs = Fixtures.load("loader/typed-list.yaml")
        #expect(inputs.resources.map { "\($0.apiVersion) \($0.kind) \($0.namespace)/\($0.name)" }
                == ["v1 Service a/one", "v1 Service b/two"])
    }

    @Test func jsonInput() {
        let inputs = Fixtures.load("loader/object.json")
        #expect(inputs.resources.map { "\($0.kind) \($0.namespace)/\($0.name) @\($0.source.line)" } == ["Service jsonns/json-svc @2"])
    }

    @Test func stdinTextKeepsNoSecretValue() throws {
        let text = """
        apiVersion: v1
        kind: Secret
        metadata: {name: s, namespace: x}
        data:
          tls.crt: Q0VSVA==
          tls.key: UFJJVkFURS1LRVktTUFURVJJQUw=
          multi: |
            line one
            line two
        stringData:
          password: hunter2
        type: Opaque
        """
        let inputs = Fixtures.load(["-"], stdin: Array(text.utf8))
        let kept = try #require(inputs.files.first?.retainedText)
        for secret in ["Q0VSVA", "UFJJVkFURS1LRVktTUFURVJJQUw", "line one", "line two", "hunter2"] {
            #expect(!kept.contains(secret), "\(secret) is still in the kept text")
        }
        #expect(kept.contains("type: Opaque"))
        #expect(kept.contains("  tls.key: <redacted>"))
        #expect(inputs.resources.first?.secret?.valueLines == [4, 10])
    }

    @Test func stdinIsRead() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: s, namespace: x}\n  data: {password: aHVudGVyMg==}\n"
        let inputs = Fixtures.load(["-"], stdin: Array(text.utf8))
        #expect(inputs.resources.map { "\($0.kind) \($0.source.file):\($0.source.line)" } == ["Secret <stdin>:4"])
        #expect(inputs.resources[0].secret?.keySizes == ["password": 7])
        #expect(inputs.files.first?.retainedText?.contains("aHVudGVyMg") == false)
    }

    @Test func anchorsAndMergeKeysInManifests() throws {
        let inputs = Fixtures.load("loader/anchors.yaml")
        let svc = try #require(inputs.resources.first)
        #expect(svc.annotations == ["app": "shop", "tier": "overridden"])
        let ports = svc.spec?["ports"]?.items ?? []
        #expect(ports.map { "\($0["name"].string ?? "") \($0["port"].string ?? "")" } == ["http 80", "alt 8080"])
    }

    @Test func aliasBombIsOneProblemAndTheNextDocumentLoads() {
        let inputs = Fixtures.load("loader/alias-bomb.yaml")
        #expect(inputs.problems.count == 1)
        #expect(inputs.problems[0].message.contains("billion laughs"))
        #expect(inputs.problems[0].line == 11)  // where the expansion passes the budget
        #expect(inputs.resources.map(\.name) == ["after-bomb"])
    }

    @Test func badIndentationNamesItsLineAndLaterDocumentsLoad() {
        let inputs = Fixtures.load("loader/bad-indent.yaml")
        #expect(inputs.problems.map { "\($0.line):\($0.column)" } == ["5:13"])
        #expect(inputs.problems[0].message.hasPrefix("not valid YAML: mapping values are not allowed"))
        #expect(inputs.resources.map(\.name) == ["after-error"])
    }

    @Test func helmTemplateIsOneProblem() {
        let inputs = Fixtures.load("loader/helm-template.yaml")
        #expect(inputs.resources.isEmpty)
        #expect(inputs.problems.count == 1)
        #expect(inputs.problems[0].line == 4)
        #expect(inputs.problems[0].message.contains("looks like a Helm template"))
        #expect(inputs.problems[0].message.contains("helm template"))
    }

    @Test func templatedObjectsWhoseBodiesAreSkimmedAreHelmToo() throws {
        // A Deployment's body is not kept: it is skimmed into a tree of its own, which is checked too.
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-{{ .Release.Name }}\nspec:\n  replicas: 2\n"
        let parsed = YAMLParser.parse(Array(text.utf8), keepDocument: Kinds.documentNeedsBody)
        let skimmed = try #require(parsed.skimmedTree)
        #expect(parsed.documents.first?.root?.tree === skimmed)
        #expect(parsed.tree.nodeCount == 0)
        #expect(parsed.documents.first?.root?["metadata"]?["name"]?.string == "web-{{ .Release.Name }}")
        var load = LoadOptions(paths: ["-"])
        load.stdin = Array(text.utf8)
        let inputs = Loader.load(load)
        #expect(inputs.resources.isEmpty)
        #expect(inputs.problems.count == 1 && inputs.problems[0].message.hasPrefix("looks like a Helm template"))
    }

    @Test func goTemplatesInQuotedScalarsAreNotHelm() {
        let inputs = Fixtures.load("loader/prometheus-rule.yaml")
        #expect(inputs.problems.isEmpty)
        #expect(inputs.resources.map(\.kind) == ["PrometheusRule"])
    }

    @Test func latin1AndBinaryFiles() {
        let latin = Fixtures.load("loader/latin1.yaml")
        #expect(latin.problems.count == 1)
        #expect(latin.problems[0].message.hasPrefix("not valid UTF-8"))
        #expect(latin.problems[0].line == 4)
        let binary = Fixtures.load("loader/random.yaml")
        #expect(binary.problems.count == 1)
        #expect(binary.problems[0].message.hasPrefix("binary file"))
    }

    @Test func nonKubernetesDocumentsAreCountedNotReported() {
        let inputs = Fixtures.load("loader/not-k8s.yaml")
        #expect(inputs.problems.isEmpty)
        #expect(inputs.notKubernetes == 2)
        #expect(inputs.documents == 2)
    }

    @Test func listOfManifestsAndMissingApiVersionAreProblems() {
        let list = Fixtures.load("loader/list-of-objects.yaml")
        #expect(list.problems.map(\.line) == [2])
        #expect(list.problems[0].message.contains("not a Kubernetes object"))
        let lost = Fixtures.load("loader/no-apiversion.yaml")
        #expect(lost.problems.map { "\($0.line): \($0.message)" } == ["1: object of kind Service has no apiVersion; skipped"])
    }

    @Test func secretValuesAreNotKept() throws {
        let inputs = Fixtures.load("loader/secret.yaml")
        let s = try #require(inputs.resources.first)
        #expect(s.node == nil)
        #expect(s.secret?.keySizes == ["tls.crt": 17, "tls.key": 19, "password": 7])
        #expect(s.secret?.certificates.isEmpty == true)
        #expect(inputs.problems.map(\.message) == ["Secret tls.crt: not PEM: no -----BEGIN CERTIFICATE----- block"])
    }
}

/// Hostile trees built in a temporary folder: symlink loops, links outside the root, FIFOs, hidden folders.
@Suite struct FileTreeTests {
    static func tree(_ build: (String) throws -> Void) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portolan-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try build(dir)
        return dir
    }

    static func svc(_ name: String) -> String { "apiVersion: v1\nkind: Service\nmetadata:\n  name: \(name)\n" }

    @Test func symlinkLoopAndDuplicatesAreReadOnce() throws {
        let root = try Self.tree { d in
            let fm = FileManager.default
            try fm.createDirectory(atPath: d + "/apps/a", withIntermediateDirectories: true)
            try Self.svc("a").write(toFile: d + "/apps/a/svc.yaml", atomically: true, encoding: .utf8)
            try fm.createSymbolicLink(atPath: d + "/apps/a/loop", withDestinationPath: d)          // back to the root
            try fm.createSymbolicLink(atPath: d + "/apps/again.yaml", withDestinationPath: d + "/apps/a/svc.yaml")
            try fm.createDirectory(atPath: d + "/.git", withIntermediateDirectories: true)
            try Self.svc("hidden").write(toFile: d + "/.git/x.yaml", atomically: true, encoding: .utf8)
        }
        defer { try? FileManager.default.removeItem(atPath: root) }
        let inputs = Loader.load(LoadOptions(paths: [root]))
        #expect(inputs.resources.map(\.name) == ["a"])
        #expect(inputs.files.count == 1)
        #expect(inputs.problems.isEmpty)
    }

    @Test func linkOutsideTheRootNeedsFollowSymlinks() throws {
        let outside = try Self.tree { d in try Self.svc("outside").write(toFile: d + "/o.yaml", atomically: true, encoding: .utf8) }
        let root = try Self.tree { d in
            try FileManager.default.createSymbolicLink(atPath: d + "/ext", withDestinationPath: outside)
        }
        defer { try? FileManager.default.removeItem(atPath: root); try? FileManager.default.removeItem(atPath: outside) }
        let plain = Loader.load(LoadOptions(paths: [root]))
        #expect(plain.resources.isEmpty)
        #expect(plain.problems.count == 1)
        #expect(plain.problems[0].message.contains("--follow-symlinks"))
        var o = LoadOptions(paths: [root])
        o.followSymlinks = true
        #expect(Loader.load(o).resources.map(\.name) == ["outside"])
    }

    @Test func fifoIsNeverOpened() throws {
        let root = try Self.tree { d in
            try Self.svc("ok").write(toFile: d + "/ok.yaml", atomically: true, encoding: .utf8)
            #expect(mkfifo(d + "/pipe.yaml", 0o644) == 0)
        }
        defer { try? FileManager.default.removeItem(atPath: root) }
        let start = Date()
        let inputs = Loader.load(LoadOptions(paths: [root]))
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(inputs.resources.map(\.name) == ["ok"])
        #expect(inputs.problems.map(\.message) == ["not a regular file (a FIFO); skipped without opening it"])
    }

    @Test func largeFilesAreSkippedWithAProblem() throws {
        let root = try Self.tree { d in
            try (Self.svc("big") + "# " + String(repeating: "x", count: 5000) + "\n").write(toFile: d + "/big.yaml", atomically: true, encoding: .utf8)
        }
        defer { try? FileManager.default.removeItem(atPath: root) }
        var o = LoadOptions(paths: [root])
        o.maxFileSize = 1000
        let inputs = Loader.load(o)
        #expect(inputs.resources.isEmpty)
        #expect(inputs.problems.first?.message.contains("--max-file-size") == true)
    }

    @Test func orderIsDeterministicAcrossWorkers() throws {
        let root = try Self.tree { d in
            for i in 0..<200 {
                let dir = d + "/ns\(i % 7)"
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                try (Self.svc("s\(i)") + "---\n" + Self.svc("t\(i)")).write(toFile: dir + "/f\(i).yaml", atomically: true, encoding: .utf8)
            }
        }
        defer { try? FileManager.default.removeItem(atPath: root) }
        var one = LoadOptions(paths: [root]); one.workers = 1
        var many = LoadOptions(paths: [root]); many.workers = 8
        let a = Loader.load(one).resources.map { "\($0.source.file):\($0.source.line)" }
        let b = Loader.load(many).resources.map { "\($0.source.file):\($0.source.line)" }
        #expect(a.count == 400)
        #expect(a == b)
        // by path (byte order), then by position in the file
        let files = a.map { String($0[..<$0.lastIndex(of: ":")!]) }
        #expect(files == files.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(a.first?.hasSuffix("ns0/f0.yaml:1") == true)
        #expect(a.dropFirst().first?.hasSuffix("ns0/f0.yaml:6") == true)
    }

    @Test func missingPathIsUnreadable() {
        let inputs = Loader.load(LoadOptions(paths: ["/nonexistent/portolan"]))
        #expect(inputs.allInputsUnreadable)
    }
}

/// The foundation's "done when": a hostile tree loads in seconds, one problem per bad file, every good
/// document kept exactly once, the non-Kubernetes list counted, nothing read from `.git/`.
@Suite struct HostileTreeTests {
    @Test func hostileTreeLoadsInSeconds() throws {
        let fixtures = Fixtures.path("loader")
        let root = try FileTreeTests.tree { d in
            let fm = FileManager.default
            for name in ["helm-template.yaml", "bad-indent.yaml", "random.yaml", "latin1.yaml", "alias-bomb.yaml", "multi.yaml"] {
                try fm.copyItem(atPath: fixtures + "/" + name, toPath: d + "/" + name)
            }
            try "- just\n- a list\n".write(toFile: d + "/list.yaml", atomically: true, encoding: .utf8)
            try fm.createDirectory(atPath: d + "/.git/objects", withIntermediateDirectories: true)
            try FileTreeTests.svc("from-git").write(toFile: d + "/.git/objects/x.yaml", atomically: true, encoding: .utf8)
            try fm.createSymbolicLink(atPath: d + "/loop", withDestinationPath: d)
            #expect(mkfifo(d + "/pipe.yaml", 0o644) == 0)
        }
        defer { try? FileManager.default.removeItem(atPath: root) }
        var o = LoadOptions(paths: [root])
        o.displayRelativeTo = root
        let start = Date()
        let inputs = Loader.load(o)
        #expect(Date().timeIntervalSince(start) < 5)
        // One problem per bad file (the bad-indent file also keeps its good second document).
        let byFile = Dictionary(grouping: inputs.problems, by: \.file)
        for bad in ["helm-template.yaml", "bad-indent.yaml", "random.yaml", "latin1.yaml", "alias-bomb.yaml", "pipe.yaml"] {
            #expect(byFile[bad]?.count == 1, "\(bad): \(byFile[bad] ?? [])")
        }
        #expect(byFile["bad-indent.yaml"]?.first?.line == 5)
        #expect(inputs.problems.count == 6)
        // Every good document exactly once: multi.yaml's two, bad-indent's second, alias-bomb's second.
        #expect(inputs.resources.map { "\($0.source.file) \($0.name)" }.sorted()
                == ["alias-bomb.yaml after-bomb", "bad-indent.yaml after-error", "multi.yaml web", "multi.yaml web"])
        #expect(Set(inputs.resources.map(\.kind)) == ["Service", "Ingress"])
        #expect(inputs.notKubernetes == 1)
        #expect(!inputs.resources.contains { $0.name == "from-git" })
    }
}

@Suite struct FileNameTests {
    @Test func manifestExtensionsAreMatchedWithoutCase() {
        for yes in ["a.yaml", "B.YAML", "c.Yml", "d.json", ".yaml", "x.y.JsOn", "Kustomization"] { #expect(FileScanner.wanted(yes), "\(yes)") }
        for no in ["yaml", "a.yaml~", "a.yamll", "a.txt", "kustomization", "a.jsonx", "é.yam", ""] { #expect(!FileScanner.wanted(no), "\(no)") }
    }
}
