/// A terminal colour: the terminal's default, one of the 8 basic colours, or a 256-palette index.
public enum Color: Hashable, Sendable {
    case `default`
    case black, red, green, yellow, blue, magenta, cyan, white
    /// Index into the 256-colour palette (0–15 are the basic and bright colours).
    case indexed(UInt8)

    /// The ANSI number of a basic colour (0–7), nil for others.
    public var basicIndex: Int? {
        switch self {
        case .black: return 0
        case .red: return 1
        case .green: return 2
        case .yellow: return 3
        case .blue: return 4
        case .magenta: return 5
        case .cyan: return 6
        case .white: return 7
        case .default, .indexed: return nil
        }
    }

    /// The palette number for curses (`-1` for default).
    public var paletteIndex: Int {
        switch self {
        case .default: return -1
        case .indexed(let i): return Int(i)
        default: return basicIndex!
        }
    }

    /// The nearest colour a terminal with only 8 colours can show.
    public var basic: Color {
        guard case .indexed(let i) = self else { return self }
        let table: [Color] = [.black, .red, .green, .yellow, .blue, .magenta, .cyan, .white]
        if i < 16 { return table[Int(i) % 8] }
        if i >= 232 { return i < 244 ? .black : .white }
        // 6x6x6 cube: a channel counts when it is at least half on.
        let v = Int(i) - 16
        let r = v / 36, g = (v / 6) % 6, b = v % 6
        let bits = (r >= 3 ? 1 : 0) | (g >= 3 ? 2 : 0) | (b >= 3 ? 4 : 0)
        return table[bits]
    }

    public var name: String {
        switch self {
        case .default: return "default"
        case .black: return "black"
        case .red: return "red"
        case .green: return "green"
        case .yellow: return "yellow"
        case .blue: return "blue"
        case .magenta: return "magenta"
        case .cyan: return "cyan"
        case .white: return "white"
        case .indexed(let i): return "#\(i)"
        }
    }
}

/// Text attributes.
public struct Modifiers: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = Modifiers(rawValue: 1)
    public static let dim = Modifiers(rawValue: 2)
    public static let italic = Modifiers(rawValue: 4)
    public static let underline = Modifiers(rawValue: 8)
    public static let reverse = Modifiers(rawValue: 16)

    public var names: [String] {
        var out: [String] = []
        if contains(.bold) { out.append("bold") }
        if contains(.dim) { out.append("dim") }
        if contains(.italic) { out.append("italic") }
        if contains(.underline) { out.append("underline") }
        if contains(.reverse) { out.append("reverse") }
        return out
    }
}

/// Foreground, background and attributes of a cell.
public struct Style: Hashable, Sendable, CustomStringConvertible {
    public var fg: Color
    public var bg: Color
    public var modifiers: Modifiers

    public init(fg: Color = .default, bg: Color = .default, modifiers: Modifiers = []) {
        self.fg = fg; self.bg = bg; self.modifiers = modifiers
    }

    public static let plain = Style()

    public func fg(_ c: Color) -> Style { var s = self; s.fg = c; return s }
    public func bg(_ c: Color) -> Style { var s = self; s.bg = c; return s }
    public func adding(_ m: Modifiers) -> Style { var s = self; s.modifiers.formUnion(m); return s }
    public var bold: Style { adding(.bold) }
    public var reversed: Style { adding(.reverse) }

    /// Applies a patch: colours that are set replace, modifiers are added.
    public func patched(_ p: StylePatch) -> Style {
        var s = self
        if let f = p.fg { s.fg = f }
        if let b = p.bg { s.bg = b }
        s.modifiers.formUnion(p.add)
        s.modifiers.subtract(p.remove)
        return s
    }

    public var description: String {
        var parts: [String] = []
        if fg != .default { parts.append("fg=\(fg.name)") }
        if bg != .default { parts.append("bg=\(bg.name)") }
        parts += modifiers.names
        return parts.isEmpty ? "plain" : parts.joined(separator: ",")
    }
}

/// A partial style laid over cells (the selection highlight, a focused border).
public struct StylePatch: Hashable, Sendable {
    public var fg: Color?
    public var bg: Color?
    public var add: Modifiers
    public var remove: Modifiers
    public init(fg: Color? = nil, bg: Color? = nil, add: Modifiers = [], remove: Modifiers = []) {
        self.fg = fg; self.bg = bg; self.add = add; self.remove = remove
    }
}
