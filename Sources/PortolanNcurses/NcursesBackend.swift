import CNcursesw
import Foundation
import PortolanTUI

/// The terminal through ncursesw: draws changed cells with `setcchar`/`mvadd_wch` (wide
/// characters, colour pairs allocated on demand) and turns `get_wch` into `KeyEvent`s.
/// The only type in Portolan that talks to the terminal.
public final class NcursesBackend: Backend, EventSource {
    private var screen: OpaquePointer?
    private var tty: UnsafeMutablePointer<FILE>?
    public let utf8: Bool
    public let colors: Int
    private var pairs: [Int: Int32] = [:]
    private var nextPair: Int32 = 1
    private let maxPairs: Int32
    private let defaultColors: Bool
    private let colorEnabled: Bool
    /// True while an editor runs (SIGINT then belongs to it).
    public private(set) var suspended = false

    public enum Failure: Error, CustomStringConvertible {
        case noTerminal(String)
        public var description: String {
            switch self { case .noTerminal(let s): return s }
        }
    }

    /// Starts curses. Reads keys from the terminal even when standard input is a pipe
    /// (`kubectl ... | portolan -`): then it opens /dev/tty.
    public init(useColor: Bool) throws {
        setlocale(LC_ALL, "")
        utf8 = NcursesBackend.localeIsUTF8()
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        if isatty(0) == 1 && isatty(1) == 1 {
            screen = ptl_newterm_stdio()
        } else {
            guard let f = fopen("/dev/tty", "r+") else {
                throw Failure.noTerminal("the explorer needs a terminal (no /dev/tty); use `portolan report` for output to a file or pipe")
            }
            tty = f
            screen = newterm(nil, f, f)
        }
        guard let screen else {
            if let tty { fclose(tty) }
            throw Failure.noTerminal("cannot start the terminal (TERM='\(term)'); try TERM=xterm-256color, or `portolan report`")
        }
        set_term(screen)
        cbreak()
        noecho()
        nonl()
        let win = ptl_stdscr()
        keypad(win, true)
        intrflush(win, false)
        set_escdelay(25)
        curs_set(0)
        var useDefault = false
        if useColor && has_colors() {
            start_color()
            useDefault = use_default_colors() == OK
            colors = Int(ptl_colors())
            colorEnabled = true
        } else {
            colors = 0
            colorEnabled = false
        }
        defaultColors = useDefault
        maxPairs = Int32(ptl_color_pairs())
        mousemask(ptl_button1_pressed() | ptl_button4_pressed() | ptl_button5_pressed(), nil)
        mouseinterval(0)
        NcursesBackend.active = true
    }

    /// Whether curses is running (signal handlers check it before `endwin`).
    nonisolated(unsafe) static var active = false

    static func localeIsUTF8() -> Bool {
        guard let cs = ptl_codeset() else { return false }
        let name = String(cString: cs).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    /// Restores the terminal. Safe to call more than once.
    public func close() {
        guard NcursesBackend.active else { return }
        NcursesBackend.active = false
        // Without an alternate screen (linux console, vt100) the explorer would stay on screen.
        if ptl_has_alt_screen() == 0 {
            erase()
            refresh()
        }
        endwin()
        if let screen { delscreen(screen) }
        screen = nil
        if let tty { fclose(tty) }
        tty = nil
    }

    deinit { close() }

    // MARK: Backend

    public func size() -> Size {
        let w = ptl_stdscr()
        return Size(width: Int(ptl_getmaxx(w)), height: Int(ptl_getmaxy(w)))
    }

    func attributes(_ m: Modifiers) -> attr_t {
        var a = ptl_attr_normal()
        if m.contains(.bold) { a |= ptl_attr_bold() }
        if m.contains(.dim) { a |= ptl_attr_dim() }
        if m.contains(.italic) { a |= ptl_attr_italic() }
        if m.contains(.underline) { a |= ptl_attr_underline() }
        if m.contains(.reverse) { a |= ptl_attr_reverse() }
        return a
    }

    /// A palette number this terminal can show for `c` (-1 for default).
    func paletteNumber(_ c: Color, isBackground: Bool) -> Int32 {
        if c == .default {
            if defaultColors { return -1 }
            return isBackground ? 0 : 7
        }
        let n = c.paletteIndex
        return Int32(n < colors ? n : c.basic.paletteIndex)
    }

    func pair(_ s: Style) -> Int32 {
        guard colorEnabled, s.fg != .default || s.bg != .default else { return 0 }
        let fg = paletteNumber(s.fg, isBackground: false), bg = paletteNumber(s.bg, isBackground: true)
        let key = Int(fg + 1) << 16 | Int(bg + 1)
        if let p = pairs[key] { return p }
        guard nextPair < maxPairs else { return 0 }
        let p = nextPair
        nextPair += 1
        if init_extended_pair(p, fg, bg) != OK { return 0 }
        pairs[key] = p
        return p
    }

    public func draw(_ changes: [CellChange]) {
        let maxChars = Int(ptl_ccharw_max())
        for ch in changes {
            var wide: [wchar_t] = []
            for u in ch.cell.symbol.unicodeScalars.prefix(maxChars - 1) {
                // Without a UTF-8 locale only ASCII can be drawn.
                wide.append(wchar_t(bitPattern: utf8 || u.isASCII ? u.value : 0x3F))
            }
            if wide.isEmpty { wide = [0x20] }
            wide.append(0)
            var cc = cchar_t()
            _ = ptl_setcchar(&cc, wide, attributes(ch.cell.style.modifiers), pair(ch.cell.style))
            // The bottom-right cell reports ERR (the cursor cannot advance) but is drawn.
            _ = mvadd_wch(Int32(ch.y), Int32(ch.x), &cc)
            // A wide grapheme shown as `?` in an ASCII locale: fill its second cell too.
            if !utf8 && ch.cell.width == 2 && !(ch.cell.symbol.unicodeScalars.first?.isASCII ?? true) {
                _ = mvadd_wch(Int32(ch.y), Int32(ch.x + 1), &cc)
            }
        }
    }

    public func flush() { refresh() }
    public func clear() { _ = CNcursesw.clear() }
    public func hideCursor() { curs_set(0) }
    public func showCursor() { curs_set(1) }
    public func setCursor(x: Int, y: Int) { move(Int32(y), Int32(x)) }

    public func suspend() {
        suspended = true
        def_prog_mode()
        endwin()
    }

    public func resume() {
        reset_prog_mode()
        refresh()
        suspended = false
    }

    // MARK: Input

    public func nextEvent(timeoutMs: Int) -> KeyEvent? {
        let win = ptl_stdscr()
        wtimeout(win, Int32(timeoutMs))
        var wch: wint_t = 0
        let r = wget_wch(win, &wch)
        if r == ERR { return nil }
        if r == KEY_CODE_YES { return functionKey(Int32(wch)) }
        return character(UInt32(wch))
    }

    func character(_ v: UInt32) -> KeyEvent? {
        switch v {
        case 10, 13: return .key(.enter)
        case 27: return .key(.escape)
        case 9: return .key(.tab)
        case 8, 127: return .key(.backspace)
        case 1...26: return .key(.ctrl(Character(Unicode.Scalar(v + 96)!)))
        default:
            guard let u = Unicode.Scalar(v) else { return nil }
            return .key(.char(Character(u)))
        }
    }

    func functionKey(_ k: Int32) -> KeyEvent? {
        switch k {
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_HOME, KEY_FIND, KEY_A1: return .key(.home)
        case KEY_END, KEY_SELECT, KEY_C1: return .key(.end)
        case KEY_ENTER: return .key(.enter)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_DC: return .key(.delete)
        case KEY_BTAB: return .key(.backTab)
        case KEY_RESIZE: return .resize(size())
        case KEY_MOUSE:
            var ev = MEVENT()
            guard getmouse(&ev) == OK else { return nil }
            let b: MouseButton
            if ev.bstate & ptl_button4_pressed() != 0 { b = .wheelUp }
            else if ev.bstate & ptl_button5_pressed() != 0 { b = .wheelDown }
            else if ev.bstate & (ptl_button1_pressed() | ptl_button1_clicked()) != 0 { b = .left }
            else { return nil }
            return .mouse(MouseEvent(b, x: Int(ev.x), y: Int(ev.y)))
        default:
            let f0 = ptl_key_f(0)
            if k > f0 && k <= f0 + 24 { return .key(.f(Int(k - f0))) }
            return nil
        }
    }
}
