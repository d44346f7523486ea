/// base64url (RFC 4648 section 5, no padding, as JWS compact serialisation uses it) and PEM armour.
public enum Base64URL {
    /// Why a base64url text could not be decoded: the byte offset within that text and what was wrong.
    public struct DecodeError: Error, Sendable, Hashable {
        public var offset: Int
        /// What was expected there (`a base64url character (A-Z a-z 0-9 - _)`).
        public var expected: String
        /// What was found (`'*'`).
        public var found: String
        public var message: String { "expected \(expected), found \(found)" }
    }

    /// The 6-bit value of a base64url (or, with `standard`, base64) character, or nil.
    @inline(__always)
    static func sextet(_ c: UInt8, standard: Bool) -> UInt8? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return c - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return c - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0") + 52
        case UInt8(ascii: "-") where !standard: return 62
        case UInt8(ascii: "_") where !standard: return 63
        case UInt8(ascii: "+") where standard: return 62
        case UInt8(ascii: "/") where standard: return 63
        default: return nil
        }
    }

    /// Decodes unpadded base64url. Trailing `=` padding is tolerated (some issuers pad JWK values).
    public static func decode<C: Collection>(_ text: C) throws(DecodeError) -> [UInt8] where C.Element == UInt8 {
        try decode(text, standard: false)
    }

    public static func decode<C: Collection>(_ text: C, standard: Bool) throws(DecodeError) -> [UInt8]
    where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(text.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        var count = 0
        var padding = 0
        for (offset, c) in text.enumerated() {
            if c == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            guard padding == 0 else {
                throw DecodeError(offset: offset, expected: "nothing after '=' padding", found: "more data")
            }
            guard let v = sextet(c, standard: standard) else {
                let shown = c >= 0x21 && c < 0x7f ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x" + String(c, radix: 16)
                let alphabet = standard ? "A-Z a-z 0-9 + /" : "A-Z a-z 0-9 - _"
                throw DecodeError(offset: offset, expected: "a base64url character (\(alphabet))", found: shown)
            }
            acc = (acc << 6) | UInt32(v)
            bits += 6
            count += 1
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }
        }
        if count % 4 == 1 {
            throw DecodeError(offset: text.count, expected: "a base64url length (not 1 more than a multiple of 4)",
                              found: "\(count) characters (truncated?)")
        }
        return out
    }

    /// Encodes bytes as unpadded base64url (for test helpers and for showing key ids).
    public static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)]]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// PEM armour (`-----BEGIN CERTIFICATE-----`): the DER bytes of every block of one kind in a text.
public enum PEM {
    /// The DER bytes of each `-----BEGIN <label>-----` block, in order. Blocks that do not decode are skipped.
    public static func derBlocks(_ text: String, label: String = "CERTIFICATE") -> [[UInt8]] {
        var blocks: [[UInt8]] = []
        var body: [UInt8]?
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = pemTrim(rawLine)
            if line == "-----BEGIN \(label)-----" {
                body = []
            } else if line == "-----END \(label)-----" {
                if let b = body, let der = try? Base64URL.decode(b, standard: true) { blocks.append(der) }
                body = nil
            } else if body != nil {
                body?.append(contentsOf: line.utf8)
            }
        }
        return blocks
    }
}

/// The line without surrounding blanks and tabs.
private func pemTrim(_ line: Substring) -> String {
    var s = line
    while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\t" { s.removeLast() }
    return String(s)
}
