/// A key as the app sees it, independent of the terminal library.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    case char(Character)
    /// Control plus a letter (`ctrl("l")` for ^L).
    case ctrl(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete
    case f(Int)

    public var description: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let c): return String(c)
        case .ctrl(let c): return "Ctrl-" + String(c).uppercased()
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case .f(let n): return "F\(n)"
        }
    }

    /// The name in plain ASCII (for terminals without UTF-8).
    public var asciiDescription: String {
        switch self {
        case .up: return "Up"
        case .down: return "Down"
        case .left: return "Left"
        case .right: return "Right"
        default: return description
        }
    }
}

public enum MouseButton: Hashable, Sendable { case left, middle, right, wheelUp, wheelDown }

public struct MouseEvent: Hashable, Sendable {
    public var button: MouseButton
    public var x: Int
    public var y: Int
    public init(_ button: MouseButton, x: Int, y: Int) { self.button = button; self.x = x; self.y = y }
}

/// Input from the terminal: a key, a mouse click or wheel, or a new size.
public enum KeyEvent: Hashable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(Size)

    public static func char(_ c: Character) -> KeyEvent { .key(.char(c)) }

    /// Keys for a string typed one character at a time.
    public static func typing(_ s: String) -> [KeyEvent] { s.map { .key(.char($0)) } }
}
