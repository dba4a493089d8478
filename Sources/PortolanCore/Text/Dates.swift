/// UTC date formatting and parsing without locale surprises (RFC 3339).
public enum UTCDate {
    /// `2026-12-01T00:00:00Z`
    public static func rfc3339(_ seconds: Double) -> String {
        let (y, m, d, hh, mm, ss) = civil(seconds)
        guard (0...9999).contains(y) else {
            return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(hh, 2)):\(pad(mm, 2)):\(pad(ss, 2))Z"
        }
        // Written digit by digit (reports print two dates per certificate; interpolation is slow).
        return String(unsafeUninitializedCapacity: 20) { b in
            func put(_ at: Int, _ v: Int, _ width: Int) {
                var v = v
                for i in stride(from: at + width - 1, through: at, by: -1) { b[i] = UInt8(48 + v % 10); v /= 10 }
            }
            put(0, y, 4); b[4] = 45; put(5, m, 2); b[7] = 45; put(8, d, 2); b[10] = 84
            put(11, hh, 2); b[13] = 58; put(14, mm, 2); b[16] = 58; put(17, ss, 2); b[19] = 90
            return 20
        }
    }

    /// `2026-12-01`
    public static func day(_ seconds: Double) -> String {
        let (y, m, d, _, _, _) = civil(seconds)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    static func pad(_ v: Int, _ w: Int) -> String {
        let s = String(v)
        return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
    }

    static func civil(_ seconds: Double) -> (Int, Int, Int, Int, Int, Int) {
        let t = Int(seconds.rounded(.down))
        var days = t / 86400
        var rem = t % 86400
        if rem < 0 { rem += 86400; days -= 1 }
        // Howard Hinnant's civil_from_days
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        var y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        if m <= 2 { y += 1 }
        return (y, m, d, rem / 3600, (rem % 3600) / 60, rem % 60)
    }

    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Parses `YYYY-MM-DD` or RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`); seconds since 1970.
    public static func parse(_ s: String) -> Double? {
        let c = Array(s.utf8)
        func num(_ a: Int, _ n: Int) -> Int? {
            guard a + n <= c.count else { return nil }
            var v = 0
            for i in a..<(a + n) { guard c[i] >= 48 && c[i] <= 57 else { return nil }; v = v * 10 + Int(c[i] - 48) }
            return v
        }
        guard c.count >= 10, let y = num(0, 4), c[4] == 45, let mo = num(5, 2), c[7] == 45, let d = num(8, 2),
              (1...12).contains(mo), (1...31).contains(d) else { return nil }
        var secs = Double(daysFromCivil(y, mo, d) * 86400)
        if c.count == 10 { return secs }
        guard c.count >= 19, c[10] == 84 || c[10] == 116 || c[10] == 32, let hh = num(11, 2), c[13] == 58, let mi = num(14, 2),
              c[16] == 58, let ss = num(17, 2), hh < 24, mi < 60, ss < 61 else { return nil }
        secs += Double(hh * 3600 + mi * 60 + ss)
        var i = 19
        if i < c.count && c[i] == 46 { i += 1; while i < c.count && c[i] >= 48 && c[i] <= 57 { i += 1 } }
        if i == c.count { return secs }
        if c[i] == 90 || c[i] == 122 { return i + 1 == c.count ? secs : nil }
        guard c[i] == 43 || c[i] == 45, let oh = num(i + 1, 2), i + 3 < c.count, c[i + 3] == 58, let om = num(i + 4, 2),
              i + 6 == c.count else { return nil }
        let off = Double(oh * 3600 + om * 60)
        return c[i] == 43 ? secs - off : secs + off
    }
}
