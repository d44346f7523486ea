
/// Calendar arithmetic in UTC without Foundation's formatters (small, fast, and the same on every machine).
public enum UTCTime {
    /// Civil date from days since 1970-01-01 (Howard Hinnant's public-domain algorithm).
    static func civil(fromDays z0: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Days since 1970-01-01 of a civil date.
    static func days(year y0: Int64, month m: Int, day d: Int) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(m > 2 ? m - 3 : m + 9)
        let doy = (153 * mp + 2) / 5 + Int64(d) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public struct Components: Sendable, Hashable {
        public var year: Int64, month: Int, day: Int, hour: Int, minute: Int, second: Int
    }

    public static func components(_ date: Date) -> Components {
        let t = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = t >= 0 ? t / 86400 : (t - 86399) / 86400
        let secs = Int(t - days * 86400)
        let c = civil(fromDays: days)
        return Components(year: c.year, month: c.month, day: c.day, hour: secs / 3600, minute: secs / 60 % 60,
                          second: secs % 60)
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// `2026-11-29T11:04:29Z`
    public static func iso8601(_ date: Date) -> String {
        let c = components(date)
        return "\(pad(c.year, 4))-\(pad(Int64(c.month), 2))-\(pad(Int64(c.day), 2))T"
            + "\(pad(Int64(c.hour), 2)):\(pad(Int64(c.minute), 2)):\(pad(Int64(c.second), 2))Z"
    }

    /// The SigV4 timestamp form, `20261129T110429Z`.
    public static func amzDate(_ date: Date) -> String {
        let c = components(date)
        return "\(pad(c.year, 4))\(pad(Int64(c.month), 2))\(pad(Int64(c.day), 2))T"
            + "\(pad(Int64(c.hour), 2))\(pad(Int64(c.minute), 2))\(pad(Int64(c.second), 2))Z"
    }

    /// Parses `YYYYMMDDTHHMMSSZ`.
    public static func parseAmzDate(_ s: String) -> Date? {
        let b = Array(s.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z") else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard (48...57).contains(b[i]) else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard let y = num(0..<4), let mo = num(4..<6), let d = num(6..<8), let h = num(9..<11), let mi = num(11..<13),
              let se = num(13..<15), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, se < 61
        else { return nil }
        let days = self.days(year: Int64(y), month: mo, day: d)
        return Date(timeIntervalSince1970: Double(days * 86400 + Int64(h * 3600 + mi * 60 + se)))
    }

    /// Parses ISO 8601 timestamps as AWS and moto write them: `2026-11-29T11:04:29Z`,
    /// `2026-11-29T11:04:29.123456Z`, `2026-11-29T11:04:29+00:00`, or a date alone (`2026-11-29`).
    public static func parseISO8601(_ s: String) -> Date? {
        let b = Array(s.utf8)
        func num(_ r: Range<Int>) -> Int? {
            guard r.upperBound <= b.count else { return nil }
            var v = 0
            for i in r {
                guard (48...57).contains(b[i]) else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard b.count >= 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10), (1...12).contains(mo), (1...31).contains(d)
        else { return nil }
        var seconds = Double(days(year: Int64(y), month: mo, day: d) * 86400)
        if b.count == 10 { return Date(timeIntervalSince1970: seconds) }
        guard b.count >= 19, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == 0x20,
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let h = num(11..<13), let mi = num(14..<16), let se = num(17..<19), h < 24, mi < 60, se < 61
        else { return nil }
        seconds += Double(h * 3600 + mi * 60 + se)
        var i = 19
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, (48...57).contains(b[i]) {
                seconds += Double(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            if i == start { return nil }
        }
        if i == b.count { return Date(timeIntervalSince1970: seconds) }  // no zone: taken as UTC
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            return i + 1 == b.count ? Date(timeIntervalSince1970: seconds) : nil
        }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), i + 6 == b.count || i + 5 == b.count else { return nil }
        let sign: Double = b[i] == UInt8(ascii: "+") ? -1 : 1
        let oh: Int?
        let om: Int?
        if i + 6 == b.count, b[i + 3] == UInt8(ascii: ":") { oh = num(i + 1..<i + 3); om = num(i + 4..<i + 6) } else if i + 5 == b.count { oh = num(i + 1..<i + 3); om = num(i + 3..<i + 5) } else { return nil }
        guard let oh, let om else { return nil }
        return Date(timeIntervalSince1970: seconds + sign * Double(oh * 3600 + om * 60))
    }

    /// RFC 7231 IMF-fixdate, as in HTTP `Date` headers: `Sun, 29 Nov 2026 11:04:29 GMT`.
    public static func parseHTTPDate(_ s: String) -> Date? {
        let parts = s.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT" else { return nil }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let d = Int(parts[1]), let mIdx = months.firstIndex(of: String(parts[2])), let y = Int64(parts[3]) else { return nil }
        let hms = parts[4].split(separator: ":")
        guard hms.count == 3, let h = Int(hms[0]), let mi = Int(hms[1]), let se = Int(hms[2]) else { return nil }
        return Date(timeIntervalSince1970: Double(days(year: y, month: mIdx + 1, day: d) * 86400 + Int64(h * 3600 + mi * 60 + se)))
    }

    /// "3m 20s", "2h 5m", "4d 3h": a human duration for "expired 3m 20s ago".
    public static func humanDuration(_ seconds: Double) -> String {
        var s = Int(abs(seconds).rounded())
        if s < 60 { return "\(s)s" }
        let d = s / 86400; s %= 86400
        let h = s / 3600; s %= 3600
        let m = s / 60; s %= 60
        if d > 0 { return h > 0 ? "\(d)d \(h)h" : "\(d)d" }
        if h > 0 { return m > 0 ? "\(h)h \(m)m" : "\(h)h" }
        return s > 0 ? "\(m)m \(s)s" : "\(m)m"
    }
}
