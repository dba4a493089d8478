import PortolanCore

/// How many colours the terminal shows.
public enum ColorMode: String, Sendable, CaseIterable {
    /// NO_COLOR, `--no-color`, or a terminal without colours: meaning carried by symbols, bold and reverse.
    case monochrome
    case basic8
    case palette256

    /// The mode for a terminal with `colors` colours (curses' COLORS) and the user's wishes.
    public static func pick(colors: Int, noColor: Bool) -> ColorMode {
        if noColor || colors < 8 { return .monochrome }
        return colors >= 256 ? .palette256 : .basic8
    }
}

/// Every style the explorer draws with, in one place (k9s skins, as code): provider colours,
/// severities, host markers. Colour is never the only signal: each marker also has a symbol.
public struct Theme: Sendable {
    public var mode: ColorMode
    public var symbols: Symbols

    public var text = Style.plain
    public var dim = Style(modifiers: .dim)
    public var title = Style(modifiers: .bold)
    public var accent = Style(modifiers: .bold)
    public var border = Style.plain
    public var borderFocused = Style(modifiers: .bold)
    public var selection = StylePatch(add: .reverse)
    /// The selection of a pane without focus.
    public var selectionInactive = StylePatch(add: .underline)
    public var tabSelected = StylePatch(add: [.reverse, .bold])
    public var keyHint = Style(modifiers: [.reverse, .bold])
    public var statusBar = Style.plain
    public var statusInfo = Style(modifiers: .bold)
    public var statusError = Style(modifiers: [.bold, .reverse])
    public var lineNumber = Style(modifiers: .dim)
    public var highlightLine = StylePatch(add: .reverse)
    public var yamlKey = Style.plain
    public var yamlComment = Style(modifiers: .dim)

    public var covered = Style.plain
    public var uncovered = Style(modifiers: .bold)
    public var conflict = Style(modifiers: .bold)
    public var plainHTTP = Style.plain
    public var passthrough = Style.plain
    public var missing = Style(modifiers: .bold)
    public var resolved = Style.plain
    public var expired = Style(modifiers: .bold)
    public var expiringSoon = Style(modifiers: .bold)

    public var errorStyle = Style(modifiers: .bold)
    public var warningStyle = Style(modifiers: .bold)
    public var infoStyle = Style.plain

    public var providerStyles: [Provider: Style] = [:]

    public init(mode: ColorMode, symbols: Symbols) {
        self.mode = mode
        self.symbols = symbols
        switch mode {
        case .monochrome:
            break
        case .basic8:
            apply(accent: .cyan, covered: .green, bad: .red, warn: .yellow, info: .cyan, muted: .default,
                  providers: [.ingress: .blue, .traefik: .cyan, .contour: .magenta, .gatewayAPI: .yellow])
            highlightLine = StylePatch(bg: .blue, add: .bold)
        case .palette256:
            apply(accent: .indexed(75), covered: .indexed(71), bad: .indexed(203), warn: .indexed(214), info: .indexed(75),
                  muted: .indexed(245),
                  providers: [.ingress: .indexed(33), .traefik: .indexed(37), .contour: .indexed(135), .gatewayAPI: .indexed(172)])
            lineNumber = Style(fg: .indexed(242))
            highlightLine = StylePatch(bg: .indexed(237), add: .bold)
            selection = StylePatch(bg: .indexed(24), add: .bold)
            selectionInactive = StylePatch(bg: .indexed(236))
            yamlKey = Style(fg: .indexed(110))
            yamlComment = Style(fg: .indexed(242))
        }
    }

    private mutating func apply(accent a: Color, covered c: Color, bad: Color, warn: Color, info: Color, muted: Color,
                                providers: [Provider: Color]) {
        accent = Style(fg: a, modifiers: .bold)
        title = Style(fg: a, modifiers: .bold)
        borderFocused = Style(fg: a, modifiers: .bold)
        keyHint = Style(fg: .black, bg: a)
        covered = Style(fg: c)
        resolved = Style(fg: c)
        uncovered = Style(fg: bad, modifiers: .bold)
        missing = Style(fg: bad, modifiers: .bold)
        expired = Style(fg: bad, modifiers: .bold)
        conflict = Style(fg: warn, modifiers: .bold)
        expiringSoon = Style(fg: warn)
        plainHTTP = Style(fg: muted)
        passthrough = Style(fg: info)
        errorStyle = Style(fg: bad, modifiers: .bold)
        warningStyle = Style(fg: warn)
        infoStyle = Style(fg: info)
        statusError = Style(fg: bad, modifiers: .bold)
        statusInfo = Style(fg: c, modifiers: .bold)
        if mode == .basic8 { dim = Style(modifiers: .dim) } else { dim = Style(fg: muted) }
        for (p, col) in providers { providerStyles[p] = Style(fg: col) }
    }

    /// A theme for a terminal: colours from `colors` (curses' COLORS) unless `noColor`; Unicode symbols
    /// when the locale is UTF-8.
    public static func make(colors: Int, noColor: Bool, unicode: Bool) -> Theme {
        Theme(mode: ColorMode.pick(colors: colors, noColor: noColor), symbols: unicode ? .unicode : .ascii)
    }

    /// True when NO_COLOR is set to a non-empty value (no-color.org).
    public static func noColorRequested(_ env: [String: String]) -> Bool {
        if let v = env["NO_COLOR"], !v.isEmpty { return true }
        return false
    }

    public func provider(_ p: Provider) -> Style { providerStyles[p] ?? Style(modifiers: .bold) }

    public func severity(_ s: Severity) -> Style {
        switch s {
        case .error: return errorStyle
        case .warning: return warningStyle
        case .info: return infoStyle
        }
    }

    public func severitySymbol(_ s: Severity) -> String {
        switch s {
        case .error: return symbols.error
        case .warning: return symbols.warning
        case .info: return symbols.info
        }
    }

    /// The marker for a host's TLS state.
    public func hostMarker(_ tls: HostTLS) -> Span {
        switch tls {
        case .covered: return Span(symbols.covered, covered)
        case .uncovered: return Span(symbols.uncovered, uncovered)
        case .passthrough: return Span(symbols.passthrough, passthrough)
        case .none: return Span(symbols.plainHTTP, plainHTTP)
        }
    }

    public static func providerLabel(_ p: Provider) -> String { p.rawValue }

    /// Short badge text: ING, TRF, CTR, GW.
    public static func providerBadge(_ p: Provider) -> String {
        switch p {
        case .ingress: return "ING"
        case .traefik: return "TRF"
        case .contour: return "CTR"
        case .gatewayAPI: return "GW"
        }
    }
}
