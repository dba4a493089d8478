#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes text from manifests safe to show: control characters (C0, DEL, C1) and bidi
/// overrides become visible escapes, so nothing from an input file can drive a terminal
/// or reorder what a reader sees.
public enum TextSafety {
    /// True when `s` contains nothing that `visible` would escape.
    @inlinable
    public static func isClean(_ s: String) -> Bool {
        for u in s.utf8 where u < 0x20 || u == 0x7F || u >= 0xC2 {
            if u >= 0xC2 { return cleanSlow(s) }
            return false
        }
        return true
    }

    @usableFromInline
    static func cleanSlow(_ s: String) -> Bool {
        for scalar in s.unicodeScalars where needsEscape(scalar) { return false }
        return true
    }

    @inlinable
    public static func needsEscape(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x20 || v == 0x7F { return true }
        if v >= 0x80 && v < 0xA0 { return true }
        // bidi embeddings/overrides/isolates, line/paragraph separators
        if (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F
            || v == 0x061C || v == 0x2028 || v == 0x2029 { return true }
        return false
    }

    /// Escapes control characters: `\e`, `\n`, `\t`, `\r`, `\x07`, `\u202e`.
    public static func visible(_ s: String) -> String {
        if isClean(s) { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for c in s.unicodeScalars {
            guard needsEscape(c) else { out.unicodeScalars.append(c); continue }
            switch c.value {
            case 0x1B: out += "\\e"
            case 0x0A: out += "\\n"
            case 0x09: out += "\\t"
            case 0x0D: out += "\\r"
            case 0..<0x100: out += "\\x" + hex(c.value, width: 2)
            default: out += "\\u" + hex(c.value, width: 4)
            }
        }
        return out
    }

    /// Like `visible`, but keeps newlines (for multi-line text such as YAML source).
    public static func visibleKeepingNewlines(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { visible(String($0)) }.joined(separator: "\n")
    }

    static func hex(_ v: UInt32, width: Int) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - h.count)) + h
    }
}

extension StringProtocol {
    /// Whether `needle` occurs in the text as a run of UTF-8 bytes. The hot paths use this instead of
    /// `contains(_:)` with a string, which goes through Foundation (CFString) and is far slower.
    public func containsBytes(_ needle: String) -> Bool {
        var needle = needle
        return needle.withUTF8 { n in
            guard !n.isEmpty else { return true }
            let found = utf8.withContiguousStorageIfAvailable { h in Self.find(n, in: h) }
            if let found { return found }
            return Array(utf8).withUnsafeBufferPointer { h in Self.find(n, in: h) }
        }
    }

    private static func find(_ n: UnsafeBufferPointer<UInt8>, in h: UnsafeBufferPointer<UInt8>) -> Bool {
        guard h.count >= n.count, let hp = h.baseAddress, let np = n.baseAddress else { return false }
        let first = n[0], last = h.count - n.count
        var i = 0
        while i <= last {
            if hp[i] == first && (n.count == 1 || memcmp(hp + i + 1, np + 1, n.count - 1) == 0) { return true }
            i += 1
        }
        return false
    }
}

/// Byte order of two strings (what `a.utf8.lexicographicallyPrecedes(b.utf8)` says, with one memcmp
/// instead of a walk over two iterators): paths are sorted this way.
public func utf8Precedes(_ a: String, _ b: String) -> Bool {
    var a = a, b = b
    return a.withUTF8 { x in
        b.withUTF8 { y in
            let n = min(x.count, y.count)
            if n > 0, let px = x.baseAddress, let py = y.baseAddress {
                let c = memcmp(px, py, n)
                if c != 0 { return c < 0 }
            }
            return x.count < y.count
        }
    }
}
