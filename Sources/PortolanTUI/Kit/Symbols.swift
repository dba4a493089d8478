/// Box drawing and markers, in Unicode or plain ASCII (for terminals whose locale is not UTF-8).
public struct Symbols: Hashable, Sendable {
    public var topLeft: String, topRight: String, bottomLeft: String, bottomRight: String
    public var horizontal: String, vertical: String
    public var teeRight: String, teeLeft: String
    /// Tree guides: `├─`, `└─`, `│ `.
    public var branch: String, lastBranch: String, pipe: String
    public var expanded: String, collapsed: String
    public var selection: String
    public var gaugeFull: String, gaugeEmpty: String
    public var ellipsis: String
    public var arrowRight: String
    public var bullet: String
    public var separator: String
    public var cursor: String
    /// Between items on one line (`3 files · 12 objects`).
    public var dot: String
    /// Before an explanation (`secret shop/tls — exact`).
    public var dash: String

    // Host markers (always paired with colour, never colour alone).
    public var covered: String, uncovered: String, conflict: String, plainHTTP: String, passthrough: String
    // Severities.
    public var error: String, warning: String, info: String
    public var missing: String, ok: String
    public var isUnicode: Bool

    public static let unicode = Symbols(
        topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘", horizontal: "─", vertical: "│",
        teeRight: "├", teeLeft: "┤",
        branch: "├─", lastBranch: "└─", pipe: "│ ", expanded: "▾", collapsed: "▸", selection: "▶",
        gaugeFull: "█", gaugeEmpty: "░", ellipsis: "…", arrowRight: "→", bullet: "•", separator: "│", cursor: "▏", dot: "·", dash: "—",
        covered: "✔", uncovered: "✘", conflict: "⚠", plainHTTP: "○", passthrough: "⇄",
        error: "✘", warning: "⚠", info: "ℹ", missing: "✘", ok: "✔", isUnicode: true)

    public static let ascii = Symbols(
        topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+", horizontal: "-", vertical: "|",
        teeRight: "+", teeLeft: "+",
        branch: "|-", lastBranch: "`-", pipe: "| ", expanded: "v", collapsed: ">", selection: ">",
        gaugeFull: "#", gaugeEmpty: ".", ellipsis: "~", arrowRight: "->", bullet: "*", separator: "|", cursor: "_", dot: ",", dash: "-",
        covered: "+", uncovered: "x", conflict: "!", plainHTTP: "o", passthrough: "=",
        error: "E", warning: "W", info: "i", missing: "x", ok: "+", isUnicode: false)
}
