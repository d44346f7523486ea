
/// Why a text is not a usable JWT: which part, where, and what was expected there.
///
/// `offset` is a 0-based byte offset into the text given to `WebIdentityToken.decode` (for problems inside a
/// decoded JSON part it is the token byte that encodes the offending JSON byte, so a person can find it).
public struct TokenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The part of the compact serialisation `header.payload.signature` the problem is in.
    public enum Part: String, Sendable, Hashable {
        case token, header, payload, signature
    }
    public var part: Part
    public var offset: Int
    public var expected: String
    public var found: String
    /// The JSON path inside the decoded header or payload (`$.exp`), when the problem is a value.
    public var jsonPath: String?

    public init(part: Part, offset: Int, expected: String, found: String, jsonPath: String? = nil) {
        self.part = part
        self.offset = offset
        self.expected = expected
        self.found = found
        self.jsonPath = jsonPath
    }

    public var description: String {
        var s = "\(part.rawValue) at byte \(offset)"
        if let jsonPath { s += " (\(jsonPath))" }
        return s + ": expected \(expected), found \(found)"
    }

    /// 1-based line and column of `offset` in `text`, for `FILE:LINE:COL` messages.
    public func lineColumn(in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for (i, b) in text.utf8.enumerated() {
            if i == offset { break }
            if b == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }
}

/// The JOSE header of a token: what signed it and with which key.
public struct TokenHeader: Sendable, Hashable {
    public var alg: String?
    public var kid: String?
    public var typ: String?
    /// The whole decoded header, members in document order.
    public var json: JSONValue
}

/// The registered claims STS looks at.
public struct TokenClaims: Sendable, Hashable {
    public var iss: String?
    public var sub: String?
    /// `aud` as a list; a single string becomes a one-element list.
    public var aud: [String]
    /// Whether `aud` was written as an array (both forms are valid JWT).
    public var audIsArray: Bool
    public var exp: Date?
    public var iat: Date?
    public var nbf: Date?
    public var jti: String?
}

/// The claims the Kubernetes API server adds to a projected service-account token (`kubernetes.io`).
///
/// Older secret-based tokens carry flat `kubernetes.io/serviceaccount/...` claims instead; those fill the
/// same fields.
public struct KubernetesClaims: Sendable, Hashable {
    public var namespace: String?
    public var podName: String?
    public var podUID: String?
    public var serviceAccountName: String?
    public var serviceAccountUID: String?
    public var nodeName: String?
    public var nodeUID: String?
    /// When the kubelet should have replaced the token (about 80% of its lifetime).
    public var warnAfter: Date?
    /// True when the claims came from the flat legacy (secret-based) form.
    public var legacy: Bool

    public var isEmpty: Bool {
        namespace == nil && podName == nil && serviceAccountName == nil && nodeName == nil && warnAfter == nil
    }
}

/// A decoded web-identity token (the projected service-account JWT).
///
/// It keeps the header, the claims and the signature's length only: the raw token and its signature are
/// credentials and stay in the caller's `Secret`.
public struct WebIdentityToken: Sendable, Hashable {
    public var header: TokenHeader
    public var claims: TokenClaims
    /// The whole decoded payload, for callers that build IAM condition keys (`ISSUERHOST/id/ID:sub`).
    public var payload: JSONValue
    public var kubernetes: KubernetesClaims?
    /// Length of the decoded signature in bytes (256 for RS256 with a 2048-bit key, 64 for ES256).
    public var signatureLength: Int

    /// Decodes a JWS compact token (`header.payload.signature`). Surrounding whitespace is ignored.
    ///
    /// Nothing is verified here; see `TokenVerifier`. Malformed input throws a `TokenError` naming the part,
    /// the byte offset and what was expected.
    public static func decode(_ text: String) throws(TokenError) -> WebIdentityToken {
        let parts = try split(text)
        let header = try decodeHeader(text, parts)
        let payloadBytes = try decodeSegment(text, parts.payload, part: .payload)
        let signatureBytes = try decodeSegment(text, parts.signature, part: .signature)
        let payloadJSON = try parseObject(payloadBytes, part: .payload, segmentStart: parts.payload.lowerBound)
        let pf = FieldReader(doc: payloadJSON, bytes: payloadBytes, part: .payload, segmentStart: parts.payload.lowerBound)
        let claims = TokenClaims(
            iss: try pf.string("iss"), sub: try pf.string("sub"), aud: try pf.audience(), audIsArray: pf.value("aud")?.arrayValue != nil,
            exp: try pf.date("exp"), iat: try pf.date("iat"), nbf: try pf.date("nbf"), jti: try pf.string("jti"))
        return WebIdentityToken(header: header, claims: claims, payload: payloadJSON.value,
                                kubernetes: try pf.kubernetes(), signatureLength: signatureBytes.count)
    }

    /// The header alone, for the verifier (which needs `alg` and `kid`, not the claims).
    static func decodeHeader(_ text: String, _ segments: Segments) throws(TokenError) -> TokenHeader {
        let bytes = try decodeSegment(text, segments.header, part: .header)
        let json = try parseObject(bytes, part: .header, segmentStart: segments.header.lowerBound)
        let hf = FieldReader(doc: json, bytes: bytes, part: .header, segmentStart: segments.header.lowerBound)
        return TokenHeader(alg: try hf.string("alg"), kid: try hf.string("kid"), typ: try hf.string("typ"), json: json.value)
    }

    /// The byte ranges of the three segments in `text`, after trimming surrounding whitespace.
    struct Segments {
        var header: Range<Int>
        var payload: Range<Int>
        var signature: Range<Int>
        /// The bytes before the signature (`header.payload`), what the signature covers.
        var signingInput: Range<Int> { header.lowerBound..<payload.upperBound }
    }

    static func split(_ text: String) throws(TokenError) -> Segments {
        let bytes = text.utf8
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0a || b == 0x0d }
        var start = 0
        var end = bytes.count
        var it = bytes.makeIterator()
        while let b = it.next(), isSpace(b) { start += 1 }
        if start == end {
            throw TokenError(part: .token, offset: 0, expected: "a JWT (header.payload.signature)", found: "an empty file")
        }
        for b in bytes.reversed() { if isSpace(b) { end -= 1 } else { break } }
        var dots: [Int] = []
        var offset = 0
        for b in bytes {
            if offset >= start && offset < end {
                if b == UInt8(ascii: ".") { dots.append(offset) }
                else if isSpace(b) {
                    throw TokenError(part: segmentName(dots.count), offset: offset, expected: "a base64url character, no whitespace",
                                     found: "whitespace inside the token")
                }
            }
            offset += 1
        }
        guard dots.count == 2 else {
            let n = dots.count + 1
            var found = "\(n) segment\(n == 1 ? "" : "s")"
            if n == 5 { found += " (an encrypted JWE, which STS does not accept)" }
            throw TokenError(part: .token, offset: dots.count > 2 ? dots[2] : end,
                             expected: "3 dot-separated segments (header.payload.signature)", found: found)
        }
        return Segments(header: start..<dots[0], payload: dots[0] + 1..<dots[1], signature: dots[1] + 1..<end)
    }

    private static func segmentName(_ index: Int) -> TokenError.Part {
        switch index {
        case 0: .header
        case 1: .payload
        default: .signature
        }
    }

    static func decodeSegment(_ text: String, _ range: Range<Int>, part: TokenError.Part) throws(TokenError) -> [UInt8] {
        let utf8 = text.utf8
        let lo = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        let hi = utf8.index(lo, offsetBy: range.count)
        if range.isEmpty && part != .signature {
            throw TokenError(part: part, offset: range.lowerBound, expected: "a base64url-encoded JSON object", found: "an empty segment")
        }
        do {
            return try Base64URL.decode(utf8[lo..<hi])
        } catch {
            throw TokenError(part: part, offset: range.lowerBound + error.offset, expected: error.expected,
                             found: error.found)
        }
    }

    static func parseObject(_ bytes: [UInt8], part: TokenError.Part, segmentStart: Int) throws(TokenError) -> JSONDocument {
        let doc: JSONDocument
        do {
            // Positions are only needed for an error; FieldReader re-parses with them when it reports one.
            doc = try JSONParser.parse(bytes, recordPositions: false)
        } catch {
            let at = byteOffset(of: error.position, in: bytes)
            throw TokenError(part: part, offset: tokenOffset(decoded: at, segmentStart: segmentStart),
                             expected: "JSON", found: "\(error.message) at \(error.position) of the decoded \(part.rawValue)")
        }
        guard case .object = doc.value else {
            throw TokenError(part: part, offset: segmentStart, expected: "a JSON object", found: doc.value.typeName)
        }
        return doc
    }

    /// The token byte that encodes decoded byte `decoded` of a segment (4 characters carry 3 bytes).
    static func tokenOffset(decoded: Int, segmentStart: Int) -> Int { segmentStart + decoded * 4 / 3 }

    /// The 0-based byte offset of a 1-based line:column position in `bytes`.
    static func byteOffset(of position: JSONPosition, in bytes: [UInt8]) -> Int {
        var line = 1
        var i = 0
        while line < position.line && i < bytes.count {
            if bytes[i] == UInt8(ascii: "\n") { line += 1 }
            i += 1
        }
        return min(bytes.count, i + position.column - 1)
    }
}

/// Reads typed members of a decoded header or payload, throwing `TokenError`s that point at the value.
private struct FieldReader {
    let doc: JSONDocument
    let bytes: [UInt8]
    let part: TokenError.Part
    let segmentStart: Int

    func value(_ key: String) -> JSONValue? { doc.value[key] }

    func wrongType(_ jsonPath: String, expected: String, found: JSONValue) -> TokenError {
        let positioned = try? JSONParser.parse(bytes, recordPositions: true)
        let decoded = positioned?.position(of: jsonPath).map { WebIdentityToken.byteOffset(of: $0, in: bytes) } ?? 0
        return TokenError(part: part, offset: WebIdentityToken.tokenOffset(decoded: decoded, segmentStart: segmentStart),
                          expected: expected, found: found.typeName, jsonPath: jsonPath)
    }

    func string(_ key: String, at prefix: String = "$", in object: JSONValue? = nil) throws(TokenError) -> String? {
        guard let v = (object ?? doc.value)[key] else { return nil }
        if case .null = v { return nil }
        guard let s = v.stringValue else { throw wrongType(prefix + "." + key, expected: "a string", found: v) }
        return s
    }

    func date(_ key: String, at prefix: String = "$", in object: JSONValue? = nil) throws(TokenError) -> Date? {
        guard let v = (object ?? doc.value)[key] else { return nil }
        if case .null = v { return nil }
        guard let n = v.numberValue, n.isFinite else {
            throw wrongType(prefix + "." + key, expected: "a number (NumericDate, seconds since 1970)", found: v)
        }
        return Date(timeIntervalSince1970: n)
    }

    func audience() throws(TokenError) -> [String] {
        guard let v = doc.value["aud"] else { return [] }
        switch v {
        case .null: return []
        case let .string(s): return [s]
        case let .array(items):
            var out: [String] = []
            for (i, item) in items.enumerated() {
                guard let s = item.stringValue else {
                    throw wrongType("$.aud[\(i)]", expected: "a string", found: item)
                }
                out.append(s)
            }
            return out
        default:
            throw wrongType("$.aud", expected: "a string or an array of strings", found: v)
        }
    }

    func object(_ key: String, at prefix: String, in parent: JSONValue) throws(TokenError) -> JSONValue? {
        guard let v = parent[key] else { return nil }
        if case .null = v { return nil }
        guard case .object = v else { throw wrongType(prefix + "." + key, expected: "an object", found: v) }
        return v
    }

    func kubernetes() throws(TokenError) -> KubernetesClaims? {
        var k = KubernetesClaims(legacy: false)
        if let kio = try object("kubernetes.io", at: "$", in: doc.value) {
            let base = "$.kubernetes.io"
            k.namespace = try string("namespace", at: base, in: kio)
            k.warnAfter = try date("warnafter", at: base, in: kio)
            if let pod = try object("pod", at: base, in: kio) {
                k.podName = try string("name", at: base + ".pod", in: pod)
                k.podUID = try string("uid", at: base + ".pod", in: pod)
            }
            if let sa = try object("serviceaccount", at: base, in: kio) {
                k.serviceAccountName = try string("name", at: base + ".serviceaccount", in: sa)
                k.serviceAccountUID = try string("uid", at: base + ".serviceaccount", in: sa)
            }
            if let node = try object("node", at: base, in: kio) {
                k.nodeName = try string("name", at: base + ".node", in: node)
                k.nodeUID = try string("uid", at: base + ".node", in: node)
            }
        } else {
            // Secret-based tokens (before projected tokens) use flat claim names.
            k.namespace = try string("kubernetes.io/serviceaccount/namespace")
            k.serviceAccountName = try string("kubernetes.io/serviceaccount/service-account.name")
            k.serviceAccountUID = try string("kubernetes.io/serviceaccount/service-account.uid")
            k.legacy = !k.isEmpty
        }
        return k.isEmpty ? nil : k
    }
}
