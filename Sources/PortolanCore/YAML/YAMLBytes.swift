#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level pieces of the block-YAML subset that `Skimmer` and `FastReader` accept: each answers
/// only when it is sure, and throws `YAMLBytes.Outside` for anything it leaves to libyaml.
struct YAMLBytes {
    let b: UnsafeBufferPointer<UInt8>

    /// The offset of the first `byte` in `b[from..<end]`, or nil (memchr: a byte loop costs several
    /// times more, and the readers look for line ends in every byte of the input).
    @inline(__always)
    static func firstIndex(of byte: UInt8, in b: UnsafeBufferPointer<UInt8>, from: Int, end: Int) -> Int? {
        guard from < end, let base = b.baseAddress, let p = memchr(base + from, Int32(byte), end - from) else { return nil }
        return UnsafeRawPointer(p) - UnsafeRawPointer(base)
    }

    /// The 1-based line and column of byte `offset` (clamped to the buffer); lines end at `\n`.
    static func lineColumn(_ b: UnsafeBufferPointer<UInt8>, offset: Int) -> (line: Int, column: Int) {
        let end = min(max(0, offset), b.count)
        var line = 1, lineStart = 0, i = 0
        while let nl = firstIndex(of: 10, in: b, from: i, end: end) { line += 1; lineStart = nl + 1; i = nl + 1 }
        return (line, end - lineStart + 1)
    }

    /// Where the line starting at `i` ends: the offset of its `\n`, or `end`.
    @inline(__always)
    static func lineEnd(_ b: UnsafeBufferPointer<UInt8>, from i: Int, end: Int) -> Int {
        firstIndex(of: 10, in: b, from: i, end: end) ?? max(i, end)
    }

    struct Outside: Error {}

    /// Where a plain key ends (the colon of `key:` followed by a space or the end of the line), or nil.
    func keyEnd(_ k: Int, _ eol: Int) -> Int? {
        var j = k
        let first = b[j]
        guard (first >= 65 && first <= 90) || (first >= 97 && first <= 122) || (first >= 48 && first <= 57) || first == 95 else { return nil }
        while j < eol {
            let ch = b[j]
            // libyaml gives up on implicit keys longer than 1024 characters.
            if ch == 58 { return (j + 1 == eol || b[j + 1] == 32) && j > k && j - k < 1000 ? j : nil }
            guard (ch >= 65 && ch <= 90) || (ch >= 97 && ch <= 122) || (ch >= 48 && ch <= 57) || ch == 95 || ch == 46 || ch == 47 || ch == 45 else { return nil }
            j += 1
        }
        return nil
    }

    /// Only printable ASCII (and, in block scalars, tabs); anything else goes to libyaml.
    func checkText(_ s: Int, _ e: Int, allowTabs: Bool = false) throws {
        var j = s
        while j < e {
            let ch = b[j]
            if ch < 32 || ch > 126 { if !(allowTabs && ch == 9) { throw Outside() } }
            j += 1
        }
    }

    /// Nothing but spaces, or a comment after at least one space, from `s` to the end of the line.
    func restIsComment(_ s: Int, _ eol: Int) -> Bool {
        var j = s
        while j < eol && b[j] == 32 { j += 1 }
        return j == eol || (b[j] == 35 && j > s)
    }

    /// A one-line plain scalar in block context starting at `v`: its start and length.
    func plain(_ v: Int, _ eol: Int) throws -> (start: Int, count: Int) {
        let first = b[v]
        // Indicators that cannot start a plain scalar (or that this subset leaves to libyaml).
        switch first {
        case 45:   // `-x` is a plain scalar, `- ` is not
            guard v + 1 < eol, b[v + 1] != 32 else { throw Outside() }
        case 63, 58, 44, 91, 93, 123, 125, 35, 38, 42, 33, 124, 62, 39, 34, 37, 64, 96: throw Outside()
        default: break
        }
        var j = v
        var last = v
        while j < eol {
            let ch = b[j]
            if ch == 32 {
                if j + 1 < eol && b[j + 1] == 35 { break }    // ` #` starts a comment
            } else {
                if ch == 58 && (j + 1 == eol || b[j + 1] == 32) { throw Outside() }   // `: ` inside a value
                last = j
            }
            j += 1
        }
        return (v, last - v + 1)
    }

    /// A scalar inside a one-line flow collection at `j` (moved past it): its text and whether it is quoted.
    func flowScalar(_ j: inout Int, _ eol: Int, isKey: Bool) throws -> (text: Range<Int>, quoted: Bool) {
        let ch = b[j]
        if ch == 34 || ch == 39 {
            let q = ch
            let s = j + 1
            j += 1
            while j < eol && b[j] != q { if b[j] == 92 { throw Outside() }; j += 1 }
            guard j < eol else { throw Outside() }
            let r = s..<j
            j += 1
            // `''` escapes and `"a"b` are left to libyaml.
            if j < eol && (b[j] == q || (b[j] != 32 && b[j] != 44 && b[j] != 93 && b[j] != 125 && b[j] != 58)) { throw Outside() }
            if isKey && r.count >= 1000 { throw Outside() }
            return (r, true)
        }
        switch ch {
        case 45:   // `-v` is a plain scalar; `- ` is not in flow context
            guard j + 1 < eol, b[j + 1] != 32, b[j + 1] != 44, b[j + 1] != 93, b[j + 1] != 125 else { throw Outside() }
        case 63, 58, 44, 91, 93, 123, 125, 35, 38, 42, 33, 124, 62, 37, 64, 96: throw Outside()
        default: break
        }
        let s = j
        var last = j
        while j < eol {
            let c = b[j]
            if c == 44 || c == 93 || c == 125 { break }
            if c == 58 {
                // Only `key: ` ends a key; any other colon is left to libyaml.
                if isKey && j + 1 < eol && b[j + 1] == 32 { break }
                throw Outside()
            }
            if c == 91 || c == 123 || c == 35 || c == 34 || c == 39 { throw Outside() }
            if c != 32 { last = j }
            j += 1
        }
        guard j < eol else { throw Outside() }
        if last + 1 < j && isKey { throw Outside() }    // `{a : b}`
        j = last + 1
        if isKey && j - s >= 1000 { throw Outside() }
        return (s..<j, false)
    }
}
