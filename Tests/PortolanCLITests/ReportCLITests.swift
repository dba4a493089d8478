import Foundation
import Testing

/// `portolan report`: every format, format from the -o extension, case-insensitive --format, atomic writes,
/// clear errors (exit 2) for folders and missing folders, escaped stderr.
@Suite struct ReportCLITests {
    static let fixture = "Tests/PortolanReportTests/Fixtures/estate"

    static func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portolan-report-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static let starts: [String: String] = [
        "json": "{\n  \"schemaVersion\": 1", "sarif": "{\n  \"$schema\"", "markdown": "## Portolan report",
        "html": "<!DOCTYPE html>", "dot": "// Portolan route graph", "mermaid": "flowchart LR",
        "junit": "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "csv": "host,covered,certificateId",
    ]

    @Test(arguments: ["json", "sarif", "markdown", "html", "dot", "mermaid", "junit", "csv"])
    func everyFormatToStdout(_ format: String) throws {
        let r = try CLI.run(["report", "--now", "2026-06-01", "--format", format, Self.fixture])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix(Self.starts[format]!))
        let again = try CLI.run(["report", "--now", "2026-06-01", "--format", format, "-o", "-", Self.fixture])
        #expect(again.stdout == r.stdout, "not deterministic, or -o - differs from stdout")
    }

    @Test func formatIsCaseInsensitive() throws {
        let upper = try CLI.run(["report", "--now", "2026-06-01", "--format", "HTML", Self.fixture])
        #expect(upper.status == 0)
        #expect(upper.stdout.hasPrefix("<!DOCTYPE html>"))
        let md = try CLI.run(["report", "--now", "2026-06-01", "--format", "Md", Self.fixture])
        #expect(md.stdout.hasPrefix("## Portolan report"))
    }

    @Test func extensionPicksTheFormat() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases = ["r.md": "markdown", "r.html": "html", "r.dot": "dot", "r.mmd": "mermaid", "r.xml": "junit",
                     "r.csv": "csv", "r.sarif": "sarif", "r.json": "json"]
        for (file, format) in cases {
            let r = try CLI.run(["report", "--now", "2026-06-01", "-o", dir + "/" + file, Self.fixture])
            #expect(r.status == 0, "\(file): \(r.stderr)")
            #expect(r.stdout.isEmpty)
            let text = try String(contentsOfFile: dir + "/" + file, encoding: .utf8)
            #expect(text.hasPrefix(Self.starts[format]!), "\(file) is not \(format)")
        }
        // --format wins over the extension.
        let r = try CLI.run(["report", "--now", "2026-06-01", "--format", "csv", "-o", dir + "/x.html", Self.fixture])
        #expect(r.status == 0)
        #expect(try String(contentsOfFile: dir + "/x.html", encoding: .utf8).hasPrefix("host,covered"))
        // Only the reports: no temporary file left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(names == (Array(cases.keys) + ["x.html"]).sorted())
    }

    @Test func overwritesAtomically() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/report.html"
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        let r = try CLI.run(["report", "--now", "2026-06-01", "-o", path, Self.fixture])
        #expect(r.status == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["report.html"])
    }

    @Test func refusesAFolderAndAMissingFolder() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let folder = try CLI.run(["report", "--format", "html", "-o", dir, Self.fixture])
        #expect(folder.status == 2)
        #expect(folder.stderr.contains("cannot write '\(dir)': it is a folder"))
        let missing = try CLI.run(["report", "-o", dir + "/no/such/report.md", Self.fixture])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("does not exist"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func stderrShowsControlCharactersAsEscapes() throws {
        let r = try CLI.run(["report", "-o", "/nonexistent\u{1B}[31m\u{202E}/r.md", Self.fixture])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\\e[31m\\u202e"))
        #expect(!r.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
    }

    @Test func failOnShapesJUnit() throws {
        let error = try CLI.run(["report", "--now", "2026-06-01", "--format", "junit", Self.fixture])
        let warning = try CLI.run(["report", "--now", "2026-06-01", "--format", "junit", "--fail-on", "warning", Self.fixture])
        func head(_ s: String) -> String { s.split(separator: "\n").dropFirst().first.map(String.init) ?? "" }
        #expect(head(error.stdout).hasPrefix("<testsuites name=\"portolan\" tests="))
        #expect(head(error.stdout).contains(" failures=\"6\" "))     // 3 hosts and their 3 rules
        #expect(head(warning.stdout).contains(" failures=\"9\" "))   // + docs.example.com and 2 warning rules
    }
}
