import Foundation
import PortolanTUI

/// Runs `$EDITOR +LINE file` through /bin/sh on the controlling terminal.
public struct ShellEditorLauncher: EditorLauncher {
    public init() {}

    /// posix_spawn in our own process group (Foundation's Process starts a new one, and an editor
    /// in a background group is stopped by SIGTTIN as soon as it reads the terminal).
    public func edit(editor: String, file: String, line: Int) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The editor needs the terminal even when our standard input is a pipe.
        if isatty(0) == 0 || isatty(1) == 0 {
            for fd: Int32 in [0, 1, 2] {
                posix_spawn_file_actions_addopen(&actions, fd, "/dev/tty", fd == 0 ? O_RDONLY : O_WRONLY, 0)
            }
        }
        // Signals we ignore (and handle through dispatch sources) go back to their defaults in the editor.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF))
        let args = ["/bin/sh"] + EditorCommand.arguments(editor: editor, file: file, line: line)
        var cargs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, &cargs, environ)
        guard rc == 0 else { return 127 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return 127 }
        }
        // WIFEXITED / WEXITSTATUS
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
