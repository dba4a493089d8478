import Foundation
import PortolanCore
import PortolanReport

/// Where input comes from (curses' get_wch, or a script in tests).
public protocol EventSource: AnyObject {
    /// The next event, or nil when `timeoutMs` passes first (-1 waits).
    func nextEvent(timeoutMs: Int) -> KeyEvent?
}

/// Runs the editor for `o`; returns its exit status.
public protocol EditorLauncher: Sendable {
    func edit(editor: String, file: String, line: Int) -> Int32
}

/// The editor command line: `/bin/sh -c '<editor> "$@"' sh +LINE FILE`. The editor string may carry
/// arguments (`code -w`); the file and line are positional, never parsed by the shell.
public enum EditorCommand {
    public static func arguments(editor: String, file: String, line: Int) -> [String] {
        ["-c", editor + " \"$@\"", "sh", "+\(line)", file]
    }
}

/// Events posted from the loading thread to the main loop.
final class Mailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [AppEvent] = []
    func post(_ e: AppEvent) {
        lock.lock()
        // Only the latest progress matters.
        if case .progress = e, let last = events.last, case .progress = last { events.removeLast() }
        events.append(e)
        lock.unlock()
    }
    func drain() -> [AppEvent] {
        lock.lock(); defer { lock.unlock() }
        let e = events
        events = []
        return e
    }
}

/// The main loop, independent of the terminal library: draw, read an event, reduce, perform effects.
public final class ExplorerRunner<B: Backend> {
    public let terminal: Terminal<B>
    let events: EventSource
    let options: ExplorerOptions
    let editor: EditorLauncher
    public private(set) var state: AppState
    let mailbox = Mailbox()
    var loading = false
    /// Where relative export paths go.
    public var workingDirectory = FileManager.default.currentDirectoryPath

    public init(backend: B, events: EventSource, options: ExplorerOptions, theme: Theme, editor: EditorLauncher) {
        terminal = Terminal(backend)
        self.events = events
        self.options = options
        self.editor = editor
        var s = AppState(theme: theme, size: backend.size())
        s.inputs = options.load.paths
        s.explain = options.explain
        state = s
    }

    func startLoad() {
        guard !loading else { return }
        loading = true
        // Temporaries of the load are freed once the result is on screen, not while it is computed.
        Lifetime.deferUntilRelease()
        let box = mailbox, opts = options
        DispatchQueue.global(qos: .userInitiated).async {
            let estate = opts.loadEstate(opts.load, opts.analysis) { done, total in box.post(.progress(done: done, total: total)) }
            box.post(.loaded(ExplorerModel(estate)))
        }
    }

    func draw() {
        let s = state
        terminal.draw { Screen.render(s, into: &$0) }
    }

    /// Runs until `q` (or an unrecoverable condition); returns how it ended.
    public func run() -> ExplorerExit {
        startLoad()
        while true {
            for e in mailbox.drain() {
                if case .loaded(let m) = e {
                    loading = false
                    if m.estate.inputs.allInputsUnreadable {
                        return ExplorerExit(code: 2, messages: m.estate.inputs.unreadablePaths.map {
                            "portolan: cannot read '\(TextSafety.visible($0.path))': \($0.reason)"
                        })
                    }
                }
                state = Reducer.apply(state, e).0
            }
            draw()
            if !loading { Lifetime.releaseDeferred() }
            // Test hook (Scripts/tui-e2e): an internal error once the estate is on screen, to check that
            // the terminal is given back even then.
            if !loading, options.environment["PORTOLAN_TEST_FAULT"] == "trap" { fatalError("PORTOLAN_TEST_FAULT: a deliberate internal error") }
            guard let ev = events.nextEvent(timeoutMs: loading ? 50 : -1) else { continue }
            let (next, effects) = Reducer.reduce(state, ev)
            state = next
            for e in effects {
                if let exit = perform(e) { return exit }
            }
        }
    }

    /// Performs one effect; returns an exit when the loop must end.
    func perform(_ e: Effect) -> ExplorerExit? {
        switch e {
        case .quit:
            return ExplorerExit(code: 0)
        case .redraw:
            terminal.invalidate()
        case .reload:
            guard !loading else { return nil }
            state = Reducer.reloading(state)
            startLoad()
        case .export(let format, let path):
            state.status = export(format: format, path: path)
        case .openEditor(let file, let line):
            terminal.backend.suspend()
            let status = editor.edit(editor: options.editor, file: file, line: line)
            terminal.backend.resume()
            terminal.invalidate()
            state.status = status == 0 ? StatusMessage("Back from the editor; r reloads")
                                       : StatusMessage("\(options.editor) exited with status \(status)", isError: true)
        }
        return nil
    }

    func export(format: ReportFormat, path: String) -> StatusMessage {
        guard let model = state.model else { return StatusMessage("Nothing loaded yet", isError: true) }
        guard let text = Exporters.render(format, model.estate, options: ReportOptions(version: options.reportVersion)) else {
            return StatusMessage("No exporter for \(format.rawValue) yet", isError: true)
        }
        do {
            let written = try ReportWriter.write(text, toFile: path, cwd: workingDirectory)
            return StatusMessage("Wrote \(written) (\(text.utf8.count) bytes, \(format.rawValue))")
        } catch {
            return StatusMessage("Export failed: \(error)", isError: true)
        }
    }
}
