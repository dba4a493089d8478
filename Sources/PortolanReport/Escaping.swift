import PortolanCore

// Escaping for every text format. Each helper first makes control characters (C0, DEL, C1) and bidi
// overrides visible (`\e`, `\x07`, `\u202e`, see `TextSafety`), then escapes what the format treats as
// syntax. Every string that comes from a manifest goes through one of these before it is written.

/// HTML text and attribute values: `& < > " '` as entities.
public enum HTML {
    public static func text(_ s: String) -> String {
        let v = TextSafety.visible(s)
        var clean = true
        for u in v.utf8 where u == 38 || u == 60 || u == 62 || u == 34 || u == 39 { clean = false; break }
        if clean { return v }
        var out = ""
        out.reserveCapacity(v.utf8.count + 16)
        for c in v.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Same as `text` (quotes are escaped too, so the value is safe in a double- or single-quoted attribute).
    public static func attr(_ s: String) -> String { text(s) }
}

/// XML 1.0 character data and attribute values. Besides the five entities, the non-characters U+FFFE and
/// U+FFFF (not allowed in XML even as references) become visible escapes.
public enum XML {
    public static func text(_ s: String) -> String {
        var out = ""
        for c in TextSafety.visible(s).unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\u{FFFE}": out += "\\ufffe"
            case "\u{FFFF}": out += "\\uffff"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

/// CSV fields (RFC 4180): quoted when they hold a comma, quote, or line break; quotes doubled. Text that a
/// spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`) gets a leading `'`.
public enum CSV {
    public static func field(_ s: String) -> String {
        var v = TextSafety.visible(s)
        if let first = v.unicodeScalars.first, first == "=" || first == "+" || first == "-" || first == "@" {
            v = "'" + v
        }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }

    /// A number (never neutralised: a negative day count stays a number).
    public static func number(_ n: Int?) -> String { n.map(String.init) ?? "" }

    public static func row(_ fields: [String]) -> String { fields.joined(separator: ",") + "\n" }
}

/// Graphviz DOT double-quoted strings. Backslashes are doubled so that `\n`, `\N`, `\G`... written by a
/// manifest stay literal text in the label instead of becoming line breaks or substitutions.
public enum DOT {
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for c in TextSafety.visible(s).unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    /// Label lines joined with DOT's centred line break.
    public static func label(_ lines: [String]) -> String {
        "\"" + lines.map { String(quoted($0).dropFirst().dropLast()) }.joined(separator: "\\n") + "\""
    }
}

/// Mermaid node labels (inside `["..."]`): everything but letters, digits and a few plain punctuation
/// marks becomes an entity code (`#60;`), so no quote, bracket, pipe, backtick or markup survives.
public enum Mermaid {
    public static func label(_ s: String) -> String {
        var out = ""
        for c in TextSafety.visible(s).unicodeScalars {
            switch c.value {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: out.unicodeScalars.append(c)
            case 0x20, 0x2E, 0x2D, 0x5F, 0x2F, 0x3A, 0x2A, 0x2B, 0x3D, 0x2C, 0x7E, 0x40: out.unicodeScalars.append(c)
            case 0xA0...: out.unicodeScalars.append(c)
            default: out += "#\(c.value);"
            }
        }
        return out
    }
}

extension Markdown {
    /// An inline code span when the text is plain (no backtick, pipe, markup character or control character),
    /// else escaped text.
    public static func code(_ s: String) -> String {
        if !s.isEmpty, TextSafety.isClean(s), !s.contains(where: { "`|<>&\\".contains($0) }) { return "`" + s + "`" }
        return cell(s)
    }
}
