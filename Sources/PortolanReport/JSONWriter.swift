import PortolanCore

/// A small, fast, deterministic JSON writer: keys in the order they are written, two-space
/// indentation, strings escaped (control characters as `\u00XX`, and `<`, `>`, `&` optionally
/// as `\u003c`... for embedding in HTML).
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private var indent = 0
    private var needsComma: [Bool] = []
    private var afterKey = false
    public var htmlSafe = false
    public var pretty = true
    /// Containers nested deeper than this are written on one line (no spaces): with 2, a report's
    /// top-level arrays list one element per line — compact, and easy to diff.
    public var lineDepth = Int.max

    public init(htmlSafe: Bool = false, pretty: Bool = true, lineDepth: Int = Int.max) {
        self.htmlSafe = htmlSafe
        self.pretty = pretty
        self.lineDepth = lineDepth
        bytes.reserveCapacity(1 << 10)
    }

    private var spaced: Bool { pretty && indent <= lineDepth }

    /// Large pieces handed over whole (see `rawArray(chunks:)`): the output is `segments` + `bytes`.
    public private(set) var segments: [[UInt8]] = []
    /// When set, the segments of each finished `rawArray` are handed here (in order) instead of being
    /// kept: a report can be written out while its later sections are still being rendered.
    public var segmentSink: (([[UInt8]]) -> Void)? = nil

    /// What separates one element of an array from the next at the current depth (`,` and, when
    /// spaced, a newline and indentation): call it just after `beginArray`.
    public var elementSeparator: [UInt8] {
        var sep: [UInt8] = [44]
        if spaced { sep.append(10); sep.append(contentsOf: repeatElement(32, count: indent * 2)) }
        return sep
    }

    /// Writes an array whose elements come in chunks rendered elsewhere, each chunk holding complete
    /// elements joined by `elementSeparator`. The chunks become segments of their own: never copied.
    public mutating func rawArray(chunks: [[UInt8]]) {
        beginArray()
        for c in chunks where !c.isEmpty {
            beforeValue()
            segments.append(bytes)
            segments.append(c)
            bytes = []
            bytes.reserveCapacity(1 << 12)
        }
        endArray()
        if let sink = segmentSink, !segments.isEmpty {
            sink(segments)
            segments.removeAll()
        }
    }

    /// For an array whose elements are handed to `segmentSink` elsewhere, as they are rendered
    /// (`JSONReport.section`): call just after `beginArray`. Writes what comes before the first
    /// element and hands everything written so far to the sink. The caller sends the elements
    /// (joined by `elementSeparator`) to the sink, then calls `endArray`.
    public mutating func openStreamedElements() {
        beforeValue()
        segments.append(bytes)
        bytes = []
        bytes.reserveCapacity(1 << 12)
        segmentSink?(segments)
        segments.removeAll()
    }

    /// Bytes written to the current buffer.
    public var count: Int { bytes.count }

    /// Makes room for this many bytes in the current buffer.
    public mutating func reserve(_ n: Int) { bytes.reserveCapacity(n) }

    /// Appends bytes as they are (a separator between values written elsewhere).
    public mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    /// Starts a new top-level value after the bytes written so far (used to write many values into one buffer).
    public mutating func reset() { needsComma.removeAll(keepingCapacity: true); afterKey = false; indent = 0 }

    /// Every byte written, in order, as the pieces they were written in.
    public var pieces: [[UInt8]] { segments + [bytes] }

    /// Every byte written, in one array.
    public var joined: [UInt8] {
        guard !segments.isEmpty else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(segments.reduce(bytes.count) { $0 + $1.count })
        for s in segments { out.append(contentsOf: s) }
        out.append(contentsOf: bytes)
        return out
    }

    public var string: String { String(decoding: joined, as: UTF8.self) }

    @inline(__always) private mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func newline() {
        guard spaced else { return }
        bytes.append(10)
        for _ in 0..<indent { bytes.append(32); bytes.append(32) }
    }

    private mutating func beforeValue() {
        if afterKey { afterKey = false; return }
        if let last = needsComma.last {
            if last { bytes.append(44) }
            needsComma[needsComma.count - 1] = true
            newline()
        }
    }

    public mutating func beginObject() { beforeValue(); bytes.append(123); indent += 1; needsComma.append(false) }
    public mutating func endObject() {
        let had = needsComma.removeLast()
        let wasSpaced = spaced
        indent -= 1
        if had && wasSpaced { newline() }
        bytes.append(125)
    }
    public mutating func beginArray() { beforeValue(); bytes.append(91); indent += 1; needsComma.append(false) }
    public mutating func endArray() {
        let had = needsComma.removeLast()
        let wasSpaced = spaced
        indent -= 1
        if had && wasSpaced { newline() }
        bytes.append(93)
    }

    public mutating func key(_ k: String) {
        beforeValue()
        writeString(k)
        bytes.append(58)
        if spaced { bytes.append(32) }
        afterKey = true
    }

    public mutating func value(_ s: String) { beforeValue(); writeString(s) }
    public mutating func value(_ s: String?) { if let s { value(s) } else { null() } }
    public mutating func value(_ i: Int) { beforeValue(); bytes.append(contentsOf: String(i).utf8) }
    public mutating func value(_ i: Int?) { if let i { value(i) } else { null() } }
    public mutating func value(_ b: Bool) { beforeValue(); if b { raw("true") } else { raw("false") } }
    public mutating func value(_ d: Double) {
        beforeValue()
        if d.isFinite && d == d.rounded() && abs(d) < 1e15 { bytes.append(contentsOf: String(Int(d)).utf8) }
        else if d.isFinite { bytes.append(contentsOf: String(d).utf8) } else { raw("null") }
    }
    public mutating func null() { beforeValue(); raw("null") }

    public mutating func field(_ k: String, _ v: String) { key(k); value(v) }
    public mutating func field(_ k: String, _ v: String?) { key(k); value(v) }
    public mutating func field(_ k: String, _ v: Int) { key(k); value(v) }
    public mutating func field(_ k: String, _ v: Int?) { key(k); value(v) }
    public mutating func field(_ k: String, _ v: Bool) { key(k); value(v) }
    public mutating func field(_ k: String, _ v: [String]) {
        key(k)
        if v.isEmpty { beforeValue(); raw("[]"); return }
        // Elements read in place (iterating would retain and release each string).
        beginArray()
        v.withUnsafeBufferPointer { b in for i in b.indices { value(b[i]) } }
        endArray()
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func writeString(_ s: String) {
        bytes.append(34)
        writeStringBody(s)
        bytes.append(34)
    }

    /// Per byte: 1 when it is never written raw (control characters, `"`, `\\`, DEL and every non-ASCII
    /// byte, which goes to the careful path), 2 when it is escaped in HTML-safe mode (`<`, `>`, `&`).
    private static let escapes: [UInt8] = (0..<256).map { b in
        b < 0x20 || b == 34 || b == 92 || b >= 0x7F ? 1 : (b == 60 || b == 62 || b == 38 ? 2 : 0)
    }

    /// A string's content, escaped, without the quotes.
    private mutating func writeStringBody(_ s: String) {
        let mask: UInt8 = htmlSafe ? 3 : 1
        // Fast path: nothing to escape, copy the bytes in one go. The bytes are read in place (a
        // `var` copy for `withUTF8` would retain and release every string written).
        let done: Bool = s.utf8.withContiguousStorageIfAvailable { buf in
            let clean = Self.escapes.withUnsafeBufferPointer { table in
                !buf.contains { table[Int($0)] & mask != 0 }
            }
            guard clean else { return false }
            bytes.append(contentsOf: buf)
            return true
        } ?? false
        if done { return }
        // C1 controls and bidi overrides are valid JSON but are never written raw.
        if !TextSafety.isClean(s) {
            for c in s.unicodeScalars {
                if c.value < 0x80 { escapeASCII(UInt8(c.value)) }
                else if TextSafety.needsEscape(c) { escapeU(c.value) }
                else { bytes.append(contentsOf: String(c).utf8) }
            }
            return
        }
        for u in s.utf8 { escapeASCII(u) }
    }

    /// A string value made of two or three pieces, written without joining them first.
    public mutating func value(_ a: String, _ b: String, _ c: String? = nil) {
        beforeValue()
        bytes.append(34)
        writeStringBody(a)
        writeStringBody(b)
        if let c { writeStringBody(c) }
        bytes.append(34)
    }

    /// An array of strings, each optionally prefixed (`env:`), written without building new strings.
    public mutating func field(_ k: String, _ v: [String], prefix: String?) {
        guard let prefix else { field(k, v); return }
        key(k)
        if v.isEmpty { beforeValue(); raw("[]"); return }
        beginArray()
        for s in v { value(prefix, ":", s) }
        endArray()
    }

    @inline(__always)
    private mutating func escapeASCII(_ u: UInt8) {
        switch u {
        case 34: bytes.append(92); bytes.append(34)
        case 92: bytes.append(92); bytes.append(92)
        case 10: bytes.append(92); bytes.append(110)
        case 13: bytes.append(92); bytes.append(114)
        case 9: bytes.append(92); bytes.append(116)
        case 0..<0x20, 0x7F: escapeU(UInt32(u))
        case 60, 62, 38:
            if htmlSafe { escapeU(UInt32(u)) } else { bytes.append(u) }
        default: bytes.append(u)
        }
    }

    private mutating func escapeU(_ v: UInt32) {
        bytes.append(92); bytes.append(117)
        bytes.append(Self.hexDigits[Int((v >> 12) & 0xF)])
        bytes.append(Self.hexDigits[Int((v >> 8) & 0xF)])
        bytes.append(Self.hexDigits[Int((v >> 4) & 0xF)])
        bytes.append(Self.hexDigits[Int(v & 0xF)])
    }
}
