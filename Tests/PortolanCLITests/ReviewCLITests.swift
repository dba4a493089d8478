import Foundation
import Testing

/// `portolan explain`, `portolan diff` and `portolan check --baseline` through the real binary.
@Suite struct ReviewCLITests {
    static let review = "Tests/PortolanCoreTests/Fixtures/review"
    static let base = review + "/diff/base"
    static let head = review + "/diff/head"

    static func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portolan-review-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    // MARK: explain

    @Test func explainOnTheExamples() throws {
        let r = try CLI.run(["explain", "https://shop.example.com/api/v1", "Examples", "--now", "2026-12-01"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("winner:      IngressRoute shop/storefront  Host(`shop.example.com`) && PathPrefix(`/api`)"))
        #expect(r.stdout.contains("shadows:     IngressRoute shop/storefront  Host(`shop.example.com`)"))
        #expect(r.stdout.contains("shadows:     IngressRoute shop/storefront-canary  Host(`shop.example.com`)"))
        #expect(r.stdout.contains("backend:     shop/api:http"))
        #expect(r.stdout.contains("SNI shop.example.com: certificate/shop/storefront (exact)"))
        #expect(r.stdout.hasSuffix("Served: a route serves https://shop.example.com/api/v1.\n"))
    }

    @Test func explainJSON() throws {
        let r = try CLI.run(["explain", "--format", "json", "http://shop.example.com/api", Self.review + "/nginx-precedence.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try CLI.json(r.stdout)
        #expect(j["schemaVersion"] as? Int == 1)
        #expect(j["served"] as? Bool == true)
        let answers = try #require(j["answers"] as? [[String: Any]])
        #expect(answers.first?["controller"] as? String == "ingress-nginx")
        let hops = try #require(answers.first?["hops"] as? [[String: Any]])
        #expect(hops.count == 2)
        let redirect = try #require(hops[0]["redirect"] as? [String: Any])
        #expect(redirect["status"] as? Int == 308)
        #expect(redirect["location"] as? String == "https://shop.example.com/api")
        let winner = try #require(hops[1]["winner"] as? [String: Any])
        #expect(winner["id"] as? String == "ingress/Ingress/shop/shop#0.1")
        #expect((hops[1]["shadowed"] as? [Any])?.count == 3)
    }

    @Test func explainExitCodes() throws {
        let none = try CLI.run(["explain", "https://nowhere.example.org/", "Examples"])
        #expect(none.status == 1)
        #expect(none.stdout.contains("Not served"))
        #expect(try CLI.run(["explain", "ftp://shop.example.com/", "Examples"]).status == 2)
        #expect(try CLI.run(["explain", "https://shop.example.com:0/", "Examples"]).status == 2)
        #expect(try CLI.run(["explain", "--header", "no-colon", "https://shop.example.com/", "Examples"]).status == 2)
        #expect(try CLI.run(["explain", "https://shop.example.com/", "/nonexistent/folder"]).status == 2)
        let header = try CLI.run(["explain", "--header", "X-Canary: 1", "https://app.example.com/x", Self.review + "/traefik-priority.yaml"])
        #expect(header.status == 0)
        #expect(header.stdout.contains("backend:     app/canary:80"))
    }

    /// A manifest cannot drive the terminal through explain's output.
    @Test func explainEscapesManifestText() throws {
        let yaml = """
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata: {name: nginx}
        spec: {controller: k8s.io/ingress-nginx}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: "evil\\e[31m", namespace: x}
        spec:
          ingressClassName: nginx
          rules:
            - host: evil.example.com
              http:
                paths:
                  - {path: "/\\e]0;owned\\a", pathType: ImplementationSpecific, backend: {service: {name: s, port: {number: 80}}}}
        """
        let r = try CLI.run(["explain", "http://evil.example.com/", "-"], stdin: yaml)
        #expect(!r.stdout.contains("\u{1B}"))
        #expect(!r.stdout.contains("\u{07}"))
        #expect(r.stdout.contains("\\e[31m"))
    }

    // MARK: diff

    @Test func diffOfTwoFolders() throws {
        let r = try CLI.run(["diff", Self.base, Self.head, "--now", "2026-12-01"])
        #expect(r.status == 1, "an error finding is introduced: \(r.stderr)")
        #expect(r.stdout.contains("+ new.example.com"))
        #expect(r.stdout.contains("- old.example.com"))
        #expect(r.stdout.contains("backend: shop/api:8080 → shop/api-v2:8080"))
        #expect(r.stdout.contains("blog.example.com: covered → uncovered"))
        #expect(r.stdout.contains("failing: 1 introduced at or above error"))
        let pass = try CLI.run(["diff", "--fail-on", "none", Self.base, Self.head])
        #expect(pass.status == 0)
        let same = try CLI.run(["diff", Self.base, Self.base])
        #expect(same.status == 0)
        #expect(same.stdout.contains("No change for users."))
    }

    @Test func diffMarkdownAndJSON() throws {
        let md = try CLI.run(["diff", "--format", "markdown", "--fail-on", "warning", Self.base, Self.head])
        #expect(md.status == 1)
        #expect(md.stdout.hasPrefix("## Portolan: what changes for users\n"))
        #expect(md.stdout.contains("| changed | Ingress shop/shop | `shop.example.com` | `Prefix /api` | shop.yaml:47 | backend: `shop/api:8080` → `shop/api-v2:8080` |"))
        #expect(md.stdout.contains("### Findings introduced"))
        let js = try CLI.run(["diff", "--format", "json", Self.base, Self.head])
        let j = try CLI.json(js.stdout)
        #expect((j["hosts"] as? [String: Any])?["added"] as? [String] == ["new.example.com"])
        #expect(j["failing"] as? Int == 1)
        let findings = try #require(j["findings"] as? [String: Any])
        #expect((findings["introduced"] as? [Any])?.count == 2)
        #expect((findings["fixed"] as? [Any])?.count == 2)
    }

    @Test func diffUsageErrors() throws {
        #expect(try CLI.run(["diff", Self.base]).status == 2)
        #expect(try CLI.run(["diff", Self.base, Self.head, Self.head]).status == 2)
        #expect(try CLI.run(["diff", "-", Self.head]).status == 2)
        #expect(try CLI.run(["diff", "--git", "a..b..c"]).status == 2)
        #expect(try CLI.run(["diff", "--format", "xml", Self.base, Self.head]).status == 2)
    }

    @Test func diffOfTwoGitRevisions() throws {
        let repo = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: repo) }
        func git(_ args: [String]) throws {
            let r = try CLI.runTool("/usr/bin/env", ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false"] + args, cwd: repo)
            #expect(r.status == 0, "git \(args): \(r.stderr)")
        }
        let fm = FileManager.default
        try git(["init", "-q"])
        try fm.createDirectory(atPath: repo + "/clusters", withIntermediateDirectories: true)
        for f in ["classes.yaml", "shop.yaml", "old.yaml", "blog.yaml"] {
            try fm.copyItem(atPath: CLI.packageRoot + "/" + Self.base + "/" + f, toPath: repo + "/clusters/" + f)
        }
        try git(["add", "-A"]); try git(["commit", "-q", "-m", "base"])
        try fm.removeItem(atPath: repo + "/clusters/old.yaml")
        for f in ["shop.yaml", "blog.yaml"] {
            try fm.removeItem(atPath: repo + "/clusters/" + f)
            try fm.copyItem(atPath: CLI.packageRoot + "/" + Self.head + "/" + f, toPath: repo + "/clusters/" + f)
        }
        try git(["add", "-A"]); try git(["commit", "-q", "-m", "head"])

        let r = try CLI.run(["diff", "--git", "HEAD~1..HEAD", "--format", "markdown"], cwd: repo)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stdout.contains("`HEAD~1` → `HEAD`"))
        #expect(r.stdout.contains("clusters/shop.yaml:47"))
        // One revision: against the working tree, here identical to HEAD.
        let wt = try CLI.run(["diff", "--git", "HEAD", "clusters"], cwd: repo)
        #expect(wt.status == 0, "\(wt.stderr)")
        #expect(wt.stdout.contains("No change for users."))
        let bad = try CLI.run(["diff", "--git", "nope..HEAD"], cwd: repo)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("'nope' is not a commit"))
        let outside = try CLI.run(["diff", "--git", "HEAD~1..HEAD"], cwd: FileManager.default.temporaryDirectory.path)
        #expect(outside.status == 2)
    }

    // MARK: check --baseline

    @Test func baselineGate() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/baseline.json"
        let w = try CLI.run(["check", "--write-baseline", file, Self.base])
        #expect(w.status == 0, "\(w.stderr)")
        #expect(w.stdout.contains("Baseline written to \(file): 2 findings accepted."))
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasPrefix("{\n  \"schemaVersion\": 1,"))
        #expect(!text.contains("Tests/"))

        let same = try CLI.run(["check", "--baseline", file, Self.base])
        #expect(same.status == 0, "\(same.stdout)")
        #expect(same.stdout.contains("Baseline \(file): 0 new, 2 known (not shown), 0 fixed since it was written."))

        let changed = try CLI.run(["check", "--baseline", file, Self.head])
        #expect(changed.status == 1)
        #expect(changed.stdout.contains("tls-host-uncovered"))
        #expect(!changed.stdout.contains("error certificate-unissuable"))
        #expect(changed.stdout.contains("fixed: plaintext-only Ingress.networking.k8s.io/shop/old (old.example.com)"))
        #expect(try CLI.run(["check", "--baseline", file, "--fail-on", "none", Self.head]).status == 0)

        try "not json".write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
        let bad = try CLI.run(["check", "--baseline", dir + "/bad.json", Self.base])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("bad baseline"))
        #expect(try CLI.run(["check", "--baseline", dir + "/missing.json", Self.base]).status == 2)
        #expect(try CLI.run(["check", "--baseline", file, "--write-baseline", file, Self.base]).status == 2)
    }
}

extension CLI {
    /// Runs another program (git) for test setup.
    static func runTool(_ path: String, _ args: [String], cwd: String) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}
