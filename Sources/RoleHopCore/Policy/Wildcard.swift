#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pre-split IAM wildcard pattern: `*` matches any run of characters, `?` exactly one character.
///
/// Tokens are stored as `UInt16` so that a literal `*` (written `${*}` in a policy) stays distinct from the
/// wildcard: bytes are 0...255, `star` and `question` are above. Matching runs over UTF-8 bytes without
/// allocating; `?` consumes one whole Unicode scalar.
struct WildcardPattern: Sendable, Hashable {
    static let star: UInt16 = 0x100
    static let question: UInt16 = 0x101

    let tokens: [UInt16]
    let hasWildcard: Bool
    /// The pattern as a plain string when it has no wildcard (exact comparison is cheaper).
    let literal: String?
    let foldCase: Bool
    /// Literal bytes before the first wildcard: checked with one memcmp before the backtracking matcher runs.
    let prefix: [UInt8]

    /// Compiles `text` where every `*` and `?` is a wildcard. With `foldCase`, ASCII letters match either case.
    init(_ text: String, foldCase: Bool = false) {
        var t: [UInt16] = []
        t.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "*"): t.append(Self.star)
            case UInt8(ascii: "?"): t.append(Self.question)
            default: t.append(UInt16(foldCase ? Self.lower(b) : b))
            }
        }
        self.init(tokens: t, foldCase: foldCase)
    }

    init(tokens: [UInt16], foldCase: Bool) {
        self.tokens = tokens
        self.foldCase = foldCase
        let wild = tokens.contains { $0 >= Self.star }
        hasWildcard = wild
        literal = wild ? nil : String(decoding: tokens.map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)
        prefix = foldCase ? [] : tokens.prefix { $0 < Self.star }.map { UInt8(truncatingIfNeeded: $0) }
    }

    @inline(__always) static func lower(_ b: UInt8) -> UInt8 {
        (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
    }

    /// Whether `value` matches the whole pattern.
    func matches(_ value: String) -> Bool {
        if let literal {
            if !foldCase { return literal == value }
            return value.utf8.count == literal.utf8.count && Self.equalFolded(literal, value)
        }
        var v = value
        return v.withUTF8 { buf in
            if !prefix.isEmpty {
                guard buf.count >= prefix.count else { return false }
                let same = prefix.withUnsafeBufferPointer { p -> Bool in
                    guard let a = p.baseAddress, let b = buf.baseAddress else { return false }
                    return memcmp(a, b, p.count) == 0
                }
                if !same { return false }
            }
            return match(buf)
        }
    }

    private static func equalFolded(_ a: String, _ b: String) -> Bool {
        var ia = a.utf8.makeIterator()
        var ib = b.utf8.makeIterator()
        while let x = ia.next() {
            guard let y = ib.next(), x == lower(y) else { return false }
        }
        return ib.next() == nil
    }

    private func match(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        tokens.withUnsafeBufferPointer { p in
            let n = s.count, m = p.count
            var i = 0, j = 0, starJ = -1, starI = 0
            @inline(__always) func nextScalar(_ k: Int) -> Int {
                var k = k + 1
                while k < n, s[k] & 0xC0 == 0x80 { k += 1 }
                return k
            }
            while i < n {
                if j < m {
                    let t = p[j]
                    if t == Self.star {
                        starJ = j
                        starI = i
                        j += 1
                        continue
                    }
                    if t == Self.question {
                        i = nextScalar(i)
                        j += 1
                        continue
                    }
                    let c = foldCase ? Self.lower(s[i]) : s[i]
                    if t == UInt16(c) {
                        i += 1
                        j += 1
                        continue
                    }
                }
                guard starJ >= 0 else { return false }
                j = starJ + 1
                starI = nextScalar(starI)
                i = starI
            }
            while j < m, p[j] == Self.star { j += 1 }
            return j == m
        }
    }
}

/// An ARN pattern for the `Arn*` condition operators: each of the six colon-separated parts is matched on its own.
struct ArnPattern: Sendable, Hashable {
    let parts: [WildcardPattern]

    init?(_ text: String) {
        guard let split = ArnPattern.split(text) else { return nil }
        parts = split.map { WildcardPattern(String($0)) }
    }

    init(parts: [WildcardPattern]) { self.parts = parts }

    /// Splits an ARN into its six parts (the last one keeps any further colons), or nil when it has fewer.
    static func split(_ text: String) -> [Substring]? {
        let s = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        return s.count == 6 ? s : nil
    }

    func matches(_ value: String) -> Bool {
        guard let v = ArnPattern.split(value) else { return false }
        for k in 0..<6 where !parts[k].matches(String(v[k])) { return false }
        return true
    }
}

/// Parsed IPv4 or IPv6 network (`10.0.0.0/8`, `2001:db8::/32`; a bare address is a /32 or /128).
struct CIDRBlock: Sendable, Hashable, CustomStringConvertible {
    let bytes: [UInt8]
    let prefix: Int
    let text: String

    init?(_ text: String) {
        self.text = text
        let pieces = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let addr = CIDRBlock.parseAddress(String(pieces[0])) else { return nil }
        bytes = addr
        if pieces.count == 2 {
            guard let p = Int(pieces[1]), p >= 0, p <= addr.count * 8 else { return nil }
            prefix = p
        } else {
            prefix = addr.count * 8
        }
    }

    var description: String { text }

    func contains(_ address: String) -> Bool {
        // A request value may itself carry a prefix (a /32); only the address counts.
        let a = address.split(separator: "/", maxSplits: 1).first.map(String.init) ?? address
        guard let b = CIDRBlock.parseAddress(a), b.count == bytes.count else { return false }
        var bits = prefix
        var k = 0
        while bits > 0 {
            let mask: UInt8 = bits >= 8 ? 0xFF : UInt8(0xFF) << UInt8(8 - bits)
            if b[k] & mask != bytes[k] & mask { return false }
            bits -= 8
            k += 1
        }
        return true
    }

    /// Parses a dotted IPv4 address (4 bytes) or an IPv6 address with `::` and an optional IPv4 tail (16 bytes).
    static func parseAddress(_ s: String) -> [UInt8]? {
        if s.contains(":") { return parseIPv6(s) }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }), let v = UInt8(p) else { return nil }
            out.append(v)
        }
        return out
    }

    private static func parseIPv6(_ s: String) -> [UInt8]? {
        let halves = s.split(separator: "::", maxSplits: 1, omittingEmptySubsequences: false)
        guard halves.count <= 2, !s.contains(":::") else { return nil }
        func groups(_ part: Substring) -> [UInt8]? {
            if part.isEmpty { return [] }
            var out: [UInt8] = []
            let items = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, g) in items.enumerated() {
                if i == items.count - 1, g.contains(".") {
                    guard let v4 = parseAddress(String(g)) else { return nil }
                    out += v4
                    continue
                }
                guard !g.isEmpty, g.count <= 4, let v = UInt16(g, radix: 16) else { return nil }
                out.append(UInt8(v >> 8))
                out.append(UInt8(v & 0xFF))
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}
