import CNcursesw
import Dispatch
import Foundation
import PortolanTUI

/// Signal sources stay alive for the whole session.
nonisolated(unsafe) private var signalSources: [DispatchSourceSignal] = []
nonisolated(unsafe) private weak var liveBackend: NcursesBackend?

/// Restores the terminal and exits with 128+signal (style.md §3.1: handlers run on a queue, not in
/// signal context). SIGINT is left to the editor while one runs.
private func installSignalHandlers() {
    for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
        signal(sig, SIG_IGN)
        let src = DispatchSource.makeSignalSource(signal: sig, queue: DispatchQueue.global(qos: .userInteractive))
        src.setEventHandler {
            if sig == SIGINT, liveBackend?.suspended == true { return }
            if NcursesBackend.active { endwin() }
            exit(128 + sig)
        }
        src.resume()
        signalSources.append(src)
    }
    // A crash still gives the terminal back before the default action (ratatui's panic hook).
    for sig in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
        signal(sig) { s in
            if NcursesBackend.active { endwin() }
            signal(s, SIG_DFL)
            raise(s)
        }
    }
    atexit { if NcursesBackend.active { endwin() } }
}

/// Opens the terminal explorer on `options` and returns the process exit code:
/// 0 after `q`; 2 when no input path could be read (reasons on stderr) or there is no terminal;
/// 128+N when signal N ended it (the terminal is restored first).
public func runExplorer(options: ExplorerOptions) -> Int32 {
    installSignalHandlers()
    let backend: NcursesBackend
    do {
        backend = try NcursesBackend(useColor: !options.colorsDisabled)
    } catch {
        FileHandle.standardError.write(Data("portolan: \(error)\n".utf8))
        return 2
    }
    liveBackend = backend
    let theme = Theme.make(colors: backend.colors, noColor: options.colorsDisabled, unicode: backend.utf8)
    let runner = ExplorerRunner(backend: backend, events: backend, options: options, theme: theme, editor: ShellEditorLauncher())
    let exit = runner.run()
    backend.close()
    for m in exit.messages { FileHandle.standardError.write(Data((m + "\n").utf8)) }
    return exit.code
}
