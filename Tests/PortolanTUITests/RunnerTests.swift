import Foundation
import Testing
@testable import PortolanCore
@testable import PortolanTUI

/// Keys from a script; nothing while the runner polls during loading.
final class ScriptedEvents: EventSource {
    var events: [KeyEvent]
    var screens: [String] = []
    let backend: TestBackend
    init(_ events: [KeyEvent], backend: TestBackend) { self.events = events; self.backend = backend }
    func nextEvent(timeoutMs: Int) -> KeyEvent? {
        if timeoutMs >= 0 { usleep(UInt32(timeoutMs) * 1000); return nil }
        screens.append(backend.text)
        return events.isEmpty ? .key(.char("q")) : events.removeFirst()
    }
}

final class FakeEditor: EditorLauncher, @unchecked Sendable {
    var calls: [(String, String, Int)] = []
    var backendSuspended: [Bool] = []
    weak var backend: TestBackend?
    func edit(editor: String, file: String, line: Int) -> Int32 {
        calls.append((editor, file, line))
        backendSuspended.append(backend?.suspended ?? false)
        return 0
    }
}

@Suite struct RunnerTests {
    static func options() -> ExplorerOptions {
        ExplorerOptions(reportVersion: "test", environment: ["EDITOR": "myeditor"], loadEstate: { _, _, progress in
            progress(3, 3)
            return Fixture.estate()
        })
    }

    func tempDir() -> String {
        let d = NSTemporaryDirectory() + "portolan-tui-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    @Test func exportThenQuit() throws {
        let backend = TestBackend(width: 100, height: 30)
        let events = ScriptedEvents([.char("e"), .enter], backend: backend)
        let runner = ExplorerRunner(backend: backend, events: events, options: Self.options(), theme: Fixture.theme256, editor: FakeEditor())
        let dir = tempDir()
        runner.workingDirectory = dir
        let exit = runner.run()
        #expect(exit == ExplorerExit(code: 0))
        let written = dir + "/portolan-report.json"
        let text = try String(contentsOfFile: written, encoding: .utf8)
        #expect(text.contains("\"ghost.example.org\""))
        // Only the report: the temporary file was renamed.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["portolan-report.json"])
        #expect(events.screens.first?.contains("ghost.example.org") == true)
        #expect(events.screens.last?.contains("Wrote \(written)") == true)
    }

    @Test func editorRunsSuspendedAndTheScreenIsRedrawn() {
        let backend = TestBackend(width: 100, height: 30)
        let events = ScriptedEvents([.char("4"), .char("o")], backend: backend)
        let editor = FakeEditor()
        editor.backend = backend
        let runner = ExplorerRunner(backend: backend, events: events, options: Self.options(), theme: Fixture.theme256, editor: editor)
        #expect(runner.run().code == 0)
        #expect(editor.calls.count == 1)
        #expect(editor.calls.first?.0 == "myeditor")
        #expect(editor.calls.first?.1 == "estate/blog.yaml")
        #expect(editor.calls.first?.2 == 10)
        #expect(editor.backendSuspended == [true])
        #expect(!backend.suspended)
        #expect(events.screens.last?.contains("Back from the editor") == true)
        #expect(events.screens.last?.contains("Certificates 3") == true)
    }

    @Test func reloadShowsTheLoadingScreenThenTheSameSelection() {
        let backend = TestBackend(width: 100, height: 30)
        let events = ScriptedEvents([.char("j"), .char("r"), .char("j")], backend: backend)
        let runner = ExplorerRunner(backend: backend, events: events, options: Self.options(), theme: Fixture.theme256, editor: FakeEditor())
        #expect(runner.run().code == 0)
        #expect(runner.state.selectedKey == "legacy.example.org")
    }

    @Test func unreadableInputsExitWith2() {
        let backend = TestBackend(width: 80, height: 24)
        let events = ScriptedEvents([], backend: backend)
        let options = ExplorerOptions(load: LoadOptions(paths: ["/nonexistent/portolan"]), environment: [:])
        let exit = ExplorerRunner(backend: backend, events: events, options: options, theme: Fixture.theme256, editor: FakeEditor()).run()
        #expect(exit.code == 2)
        #expect(exit.messages.count == 1)
        #expect(exit.messages.first?.hasPrefix("portolan: cannot read '/nonexistent/portolan'") == true)
    }

    @Test func editorCommandPassesFileAndLineAsArguments() {
        #expect(EditorCommand.arguments(editor: "code -w", file: "a b.yaml", line: 12)
                == ["-c", "code -w \"$@\"", "sh", "+12", "a b.yaml"])
        #expect(ExplorerOptions(environment: ["VISUAL": "nvim", "EDITOR": "nano"]).editor == "nvim")
        #expect(ExplorerOptions(environment: [:]).editor == "vi")
    }
}

@Suite struct ReportWriterTests {
    @Test func writesAtomicallyAndResolvesRelativePaths() throws {
        let dir = NSTemporaryDirectory() + "portolan-writer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = try ReportWriter.write("one", toFile: "r.json", cwd: dir)
        #expect(path == dir + "/r.json")
        try ReportWriter.write("two", toFile: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["r.json"])
        #expect(throws: ReportWriter.Failure.self) { try ReportWriter.write("x", toFile: dir + "/missing/r.json") }
        #expect(ReportWriter.resolve("~/r.json", cwd: "/w", home: "/home/u") == "/home/u/r.json")
        #expect(ReportWriter.resolve("/abs.json", cwd: "/w") == "/abs.json")
    }
}

@Suite struct SourceCacheTests {
    @Test func secretValuesAreRedactedWithTheirSizes() {
        let cache = SourceCache(Fixture.inputs(), read: { SourceCache.readFile(Fixture.root + "/" + $0) })
        guard case .lines(let lines) = cache.text("estate/legacy.yaml") else { Issue.record("no text"); return }
        #expect(lines[7] == "  tls.key: <redacted: 14 bytes>")
        #expect(lines[9] == "  tls.crt: <redacted: 1180 bytes>")
        #expect(!lines.joined().contains("LS0t"))
        #expect(!lines.joined().contains("not-a-real-key"))
        // Other lines are untouched and numbered as in the file.
        #expect(lines[3] == "  name: old-tls")
        #expect(lines.count == Fixture.text("estate/legacy.yaml").count - 1)
    }

    @Test func secretsTheLoaderSkippedAreRedactedToo() {
        let text = """
        apiVersion: v1
        kind: Secret
        metadata:
          generateName: x-
        stringData:
          password: hunter2
        ---
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Secret
            metadata:
              name: in-list
            data:
              token: c2VjcmV0
          - apiVersion: v1
            kind: ConfigMap
            metadata:
              name: cm
            data:
              visible: yes
        """
        var o = LoadOptions(paths: ["-"])
        o.stdin = Array(text.utf8)
        let inputs = Loader.load(o)
        let cache = SourceCache(inputs, read: { _ in text })
        guard case .lines(let lines) = cache.text(inputs.files[0].path) else { Issue.record("no text"); return }
        let joined = lines.joined(separator: "\n")
        #expect(!joined.contains("hunter2"))
        #expect(!joined.contains("c2VjcmV0"))
        #expect(joined.contains("token: <redacted: 6 bytes>"))
        #expect(joined.contains("visible: yes"))
    }

    @Test func unreadableFilesSaySo() {
        let cache = SourceCache(Fixture.inputs(), read: { _ in nil })
        guard case .unavailable(let why) = cache.text("estate/gone.yaml") else { Issue.record("expected unavailable"); return }
        #expect(why.contains("cannot read"))
    }
}
