#if canImport(Glibc)
import Glibc
#endif

/// AWS credentials used to sign a request. The secret and the session token never print.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible {
    public var accessKeyId: String
    public var secretAccessKey: Secret
    public var sessionToken: Secret?
    public init(accessKeyId: String, secretAccessKey: Secret, sessionToken: Secret? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
    public var description: String {
        "AWSCredentials(\(Redaction.maskAccessKeyId(accessKeyId)), secret \(Redaction.mask)"
            + (sessionToken == nil ? ")" : ", session token \(Redaction.mask))")
    }
}

/// What a signature was computed from, for display and for diffing against AWS's own error message.
///
/// Held as UTF-8 bytes (the signer's working form) and turned into strings only when read.
public struct SigV4Trace: Sendable, Hashable {
    private var canonicalRequestBytes: [UInt8]
    private var stringToSignBytes: [UInt8]
    private var signatureBytes: [UInt8]
    private var credentialScopeBytes: [UInt8]
    private var signedHeadersBytes: [UInt8]

    /// The canonical request (task 1 of the AWS document "Create a signed AWS API request"), with the session
    /// token's value replaced by `****` (it is signed, but must never be shown).
    public var canonicalRequest: String {
        get { String(decoding: canonicalRequestBytes, as: UTF8.self) }
        set { canonicalRequestBytes = Array(newValue.utf8) }
    }
    /// The string to sign (task 2).
    public var stringToSign: String {
        get { String(decoding: stringToSignBytes, as: UTF8.self) }
        set { stringToSignBytes = Array(newValue.utf8) }
    }
    /// The hex signature (task 4).
    public var signature: String {
        get { String(decoding: signatureBytes, as: UTF8.self) }
        set { signatureBytes = Array(newValue.utf8) }
    }
    /// `20150830/us-east-1/iam/aws4_request`
    public var credentialScope: String {
        get { String(decoding: credentialScopeBytes, as: UTF8.self) }
        set { credentialScopeBytes = Array(newValue.utf8) }
    }
    /// `content-type;host;x-amz-date`
    public var signedHeaders: String {
        get { String(decoding: signedHeadersBytes, as: UTF8.self) }
        set { signedHeadersBytes = Array(newValue.utf8) }
    }

    public init(canonicalRequest: String, stringToSign: String, signature: String, credentialScope: String,
                signedHeaders: String) {
        self.init(bytes: Array(canonicalRequest.utf8), Array(stringToSign.utf8), Array(signature.utf8),
                  Array(credentialScope.utf8), Array(signedHeaders.utf8))
    }

    init(bytes canonicalRequest: [UInt8], _ stringToSign: [UInt8], _ signature: [UInt8], _ credentialScope: [UInt8],
         _ signedHeaders: [UInt8]) {
        canonicalRequestBytes = canonicalRequest
        stringToSignBytes = stringToSign
        signatureBytes = signature
        credentialScopeBytes = credentialScope
        signedHeadersBytes = signedHeaders
    }
}

/// A request with its signature added (`Authorization` header, or `X-Amz-Signature` in the query when
/// presigned), and how the signature was made.
public struct SignedRequest: Sendable, Hashable {
    public var request: HTTPRequest
    public var trace: SigV4Trace
    /// The `Authorization` header value, or nil for a presigned request.
    public var authorization: String?
}

/// AWS Signature Version 4 signer for one service in one region.
///
/// Follows "Create a signed AWS API request" and "Elements of an AWS API request signature" in the IAM User
/// Guide (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html). The date is always a
/// parameter. Works on UTF-8 bytes throughout: signing is a hot path (the hop runner, the benchmark).
public struct SigV4Signer: Sendable {
    public var credentials: AWSCredentials
    public var region: String
    public var service: String
    /// Remove dot segments and repeated slashes and percent-encode the path once more (every service but
    /// S3). When false the path is used exactly as given, as S3 requires.
    public var normalizePath: Bool
    /// Add `x-amz-content-sha256` with the payload hash (S3 requires it; harmless elsewhere).
    public var addContentSHA256Header: Bool
    private let cache: SigningKeyCache

    public init(credentials: AWSCredentials, region: String, service: String, normalizePath: Bool = true,
                addContentSHA256Header: Bool = false) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.normalizePath = normalizePath
        self.addContentSHA256Header = addContentSHA256Header
        self.cache = SigningKeyCache()
    }

    /// Headers never signed, as in the AWS SDKs: hop-by-hop headers a proxy may change, and `user-agent`,
    /// `expect`, `x-amzn-trace-id`, which intermediaries add or rewrite.
    public static let unsignedHeaders: Set<String> = [
        "authorization", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    // MARK: - Signing

    /// Signs `request` with an `Authorization` header, adding `X-Amz-Date` and `x-amz-security-token` unless the
    /// request already carries them (an existing `X-Amz-Date` then also sets the signing time).
    public func sign(_ request: HTTPRequest, date: Date) -> SignedRequest {
        var headers = request.headers
        if headers.contains(where: { asciiEqualsLower($0.0, "authorization") }) {
            headers.removeAll { asciiEqualsLower($0.0, "authorization") }
        }
        headers.reserveCapacity(headers.count + 4)
        var dateBytes = Self.amzDateBytes(date)
        if let existing = headers.first(where: { asciiEqualsLower($0.0, "x-amz-date") }) {
            if UTCTime.parseAmzDate(existing.1) != nil { dateBytes = Array(existing.1.utf8) }
        } else {
            headers.append(("X-Amz-Date", String(decoding: dateBytes, as: UTF8.self)))
        }
        if let token = credentials.sessionToken,
           !headers.contains(where: { asciiEqualsLower($0.0, "x-amz-security-token") }) {
            headers.append(("X-Amz-Security-Token", token.exposedValue))
        }
        let payloadHash: [UInt8]
        if let given = headers.first(where: { asciiEqualsLower($0.0, "x-amz-content-sha256") }) {
            payloadHash = Array(given.1.utf8)
        } else {
            payloadHash = Self.hexSHA256(request.body)
            if addContentSHA256Header { headers.append(("x-amz-content-sha256", String(decoding: payloadHash, as: UTF8.self))) }
        }
        let url = URLParts(request.url)
        var canonical = canonicalRequest(method: request.method, url: url, extraQuery: [], headers: headers,
                                         payloadHash: payloadHash)
        let scope = credentialScope(dateStamp: dateBytes[0..<8])
        let sts = stringToSign(amzDate: dateBytes, scope: scope, canonicalRequest: canonical.bytes)
        let sig = signature(stringToSign: sts, dateStamp: dateBytes[0..<8])

        let authorization = Self.authorizationHeader(accessKeyId: credentials.accessKeyId, scope: scope,
                                                     signedHeaders: canonical.signedHeaders, signature: sig)
        headers.append(("Authorization", authorization))

        var signed = request
        signed.headers = headers
        // Take the canonical bytes out of the tuple so the array is uniquely referenced: the token is then
        // masked in place instead of in a copy.
        var shown = canonical.bytes
        canonical.bytes = []
        if let r = canonical.tokenRange {
            // The token header value is the only place a session token can appear in an Authorization-signed
            // canonical request (the query and headers are the caller's); cut it out by position.
            shown.replaceSubrange(r, with: Self.maskBytes)
        } else if credentials.sessionToken != nil {
            shown = Array(maskingToken(canonical.bytes).utf8)
        }
        let trace = SigV4Trace(bytes: shown, sts, sig, scope, canonical.signedHeaders)
        return SignedRequest(request: signed, trace: trace, authorization: authorization)
    }

    /// `AWS4-HMAC-SHA256 Credential=KEY/SCOPE, SignedHeaders=..., Signature=...`, written straight into the
    /// String's storage (one allocation).
    static func authorizationHeader(accessKeyId: String, scope: [UInt8], signedHeaders: [UInt8], signature: [UInt8])
        -> String {
        let parts: (StaticString, StaticString, StaticString) =
            ("AWS4-HMAC-SHA256 Credential=", ", SignedHeaders=", ", Signature=")
        let capacity = parts.0.utf8CodeUnitCount + accessKeyId.utf8.count + 1 + scope.count
            + parts.1.utf8CodeUnitCount + signedHeaders.count + parts.2.utf8CodeUnitCount + signature.count
        return String(unsafeUninitializedCapacity: capacity) { out in
            // A moving pointer, no captured counter: a nested function mutating a captured `var` costs a
            // dynamic exclusivity check per call.
            let base = out.baseAddress.unsafelyUnwrapped
            var p = base
            p = put(parts.0.utf8Start, parts.0.utf8CodeUnitCount, at: p)
            var id = accessKeyId
            p = id.withUTF8 { put($0.baseAddress, $0.count, at: p) }
            p.pointee = UInt8(ascii: "/")
            p += 1
            p = scope.withUnsafeBufferPointer { put($0.baseAddress, $0.count, at: p) }
            p = put(parts.1.utf8Start, parts.1.utf8CodeUnitCount, at: p)
            p = signedHeaders.withUnsafeBufferPointer { put($0.baseAddress, $0.count, at: p) }
            p = put(parts.2.utf8Start, parts.2.utf8CodeUnitCount, at: p)
            p = signature.withUnsafeBufferPointer { put($0.baseAddress, $0.count, at: p) }
            return p - base
        }
    }

    @inline(__always)
    private static func put(_ src: UnsafePointer<UInt8>?, _ count: Int, at p: UnsafeMutablePointer<UInt8>)
        -> UnsafeMutablePointer<UInt8> {
        if let src, count > 0 { p.update(from: src, count: count) }
        return p + count
    }

    /// Presigns `request`: the signature goes into the query with `X-Amz-Expires` seconds of validity
    /// ("Authenticating requests: using query parameters"). The payload hash is the body's hash, as the SDKs
    /// do for every service but S3 (an empty body for a URL someone will GET).
    public func presign(_ request: HTTPRequest, date: Date, expires: Int) -> SignedRequest {
        let headers = request.headers.filter { !asciiEqualsLower($0.0, "authorization") }
        let amzDate = Self.amzDate(date)
        let dateBytes = Array(amzDate.utf8)
        let scope = credentialScope(dateStamp: dateBytes[0..<8])
        let url = URLParts(request.url)
        let signedHeaderNames = Self.signedHeaderList(headers: headers, url: url)
        var authParams: [(String, String)] = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", credentials.accessKeyId + "/" + String(decoding: scope, as: UTF8.self)),
            ("X-Amz-Date", amzDate),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", signedHeaderNames),
        ]
        if let token = credentials.sessionToken { authParams.append(("X-Amz-Security-Token", token.exposedValue)) }
        let payloadHash = Self.hexSHA256(request.body)
        let canonical = canonicalRequest(method: request.method, url: url, extraQuery: authParams, headers: headers,
                                         payloadHash: payloadHash)
        let sts = stringToSign(amzDate: dateBytes, scope: scope, canonicalRequest: canonical.bytes)
        let sig = signature(stringToSign: sts, dateStamp: dateBytes[0..<8])
        let sigString = String(decoding: sig, as: UTF8.self)

        var query = String(url.query)
        for (k, v) in authParams + [("X-Amz-Signature", sigString)] {
            if !query.isEmpty { query += "&" }
            query += Self.uriEncode(k) + "=" + Self.uriEncode(v)
        }
        var signed = request
        signed.headers = headers
        signed.url = String(url.prefix) + String(url.path) + "?" + query
        let trace = SigV4Trace(canonicalRequest: maskingToken(canonical.bytes),
                               stringToSign: String(decoding: sts, as: UTF8.self), signature: sigString,
                               credentialScope: String(decoding: scope, as: UTF8.self),
                               signedHeaders: signedHeaderNames)
        return SignedRequest(request: signed, trace: trace, authorization: nil)
    }

    /// The canonical request as text with the session token (plain in a header, encoded in a presigned query)
    /// masked.
    func maskingToken(_ canonical: [UInt8]) -> String {
        guard let token = credentials.sessionToken?.exposedValue, !token.isEmpty else {
            return String(decoding: canonical, as: UTF8.self)
        }
        var bytes = Self.replacingAll(canonical, Array(token.utf8), Self.maskBytes)
        let encoded = Self.uriEncode(token)
        if encoded != token { bytes = Self.replacingAll(bytes, Array(encoded.utf8), Self.maskBytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let maskBytes: [UInt8] = Array(Redaction.mask.utf8)

    /// Byte-level replace of every occurrence of `pattern` (non-empty).
    static func replacingAll(_ bytes: [UInt8], _ pattern: [UInt8], _ replacement: [UInt8]) -> [UInt8] {
        guard let first = pattern.first, pattern.count <= bytes.count else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        let last = bytes.count - pattern.count
        while i < bytes.count {
            if i <= last, bytes[i] == first, bytes[i..<(i + pattern.count)].elementsEqual(pattern) {
                out.append(contentsOf: replacement)
                i += pattern.count
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    /// `YYYYMMDDTHHMMSSZ` written digit by digit (string interpolation showed up in profiles).
    static func amzDate(_ date: Date) -> String { String(decoding: amzDateBytes(date), as: UTF8.self) }

    static func amzDateBytes(_ date: Date) -> [UInt8] {
        let c = UTCTime.components(date)
        var b = [UInt8](repeating: 0, count: 16)
        var y = Int(c.year)
        for k in stride(from: 3, through: 0, by: -1) { b[k] = UInt8(48 + y % 10); y /= 10 }
        func two(_ v: Int, _ at: Int) { b[at] = UInt8(48 + v / 10); b[at + 1] = UInt8(48 + v % 10) }
        two(c.month, 4); two(c.day, 6)
        b[8] = UInt8(ascii: "T")
        two(c.hour, 9); two(c.minute, 11); two(c.second, 13)
        b[15] = UInt8(ascii: "Z")
        return b
    }

    // MARK: - Stages

    /// The canonical request and its signed-header list (task 1).
    func canonicalRequest(method: String, url: URLParts, extraQuery: [(String, String)], headers: [(String, String)],
                          payloadHash: [UInt8]) -> (bytes: [UInt8], signedHeaders: [UInt8], tokenRange: Range<Int>?) {
        var out: [UInt8] = []
        var headerBytes = 64
        for (k, v) in headers { headerBytes += 2 * k.utf8.count + v.utf8.count + 3 }
        out.reserveCapacity(160 + 3 * (url.path.utf8.count + url.query.utf8.count) + headerBytes)
        for b in method.utf8 { out.append(b >= 97 && b <= 122 ? b - 32 : b) }
        out.append(0x0A)
        Self.appendCanonicalURI(url.path, normalize: normalizePath, into: &out)
        out.append(0x0A)
        Self.appendCanonicalQuery(url.query, extra: extraQuery, into: &out)
        out.append(0x0A)
        var tokenRange: Range<Int>?
        let signedHeaders = Self.appendCanonicalHeaders(headers, url: url, into: &out, tokenRange: &tokenRange)
        out.append(0x0A)
        out.append(contentsOf: signedHeaders)
        out.append(0x0A)
        out.append(contentsOf: payloadHash)
        return (out, signedHeaders, tokenRange)
    }

    /// `YYYYMMDD/region/service/aws4_request`
    func credentialScope(dateStamp: ArraySlice<UInt8>) -> [UInt8] {
        if let hit = cache.scope(date: dateStamp, region: region, service: service) { return hit }
        var s: [UInt8] = []
        s.reserveCapacity(40)
        s.append(contentsOf: dateStamp)
        s.append(UInt8(ascii: "/"))
        s.append(contentsOf: region.utf8)
        s.append(UInt8(ascii: "/"))
        s.append(contentsOf: service.utf8)
        s.append(contentsOf: "/aws4_request".utf8)
        return s
    }

    /// The string to sign (task 2): algorithm, timestamp, scope, hash of the canonical request.
    func stringToSign(amzDate: [UInt8], scope: [UInt8], canonicalRequest: [UInt8]) -> [UInt8] {
        var s: [UInt8] = []
        s.reserveCapacity(17 + 17 + scope.count + 1 + 64)
        s.append(contentsOf: "AWS4-HMAC-SHA256\n".utf8)
        s.append(contentsOf: amzDate)
        s.append(0x0A)
        s.append(contentsOf: scope)
        s.append(0x0A)
        Self.appendHexSHA256(canonicalRequest, into: &s)
        return s
    }

    /// The signing key (task 3): HMAC chain over date, region, service and `aws4_request`, cached per
    /// date/region/service/secret because it changes at most daily.
    public func signingKey(dateStamp: ArraySlice<UInt8>) -> [UInt8] {
        let secret = credentials.secretAccessKey.exposedValue
        if let hit = cache.lookup(date: dateStamp, region: region, service: service, secret: secret) { return hit }
        var key: [UInt8] = Array("AWS4".utf8)
        key.append(contentsOf: secret.utf8)
        for part in [Array(dateStamp), Array(region.utf8), Array(service.utf8), Array("aws4_request".utf8)] {
            key = HMACSHA256(key: key).authenticationCode(for: part).bytes
        }
        cache.store(date: dateStamp, region: region, service: service, secret: secret, key: key)
        return key
    }

    /// The hex signature (task 4).
    func signature(stringToSign: [UInt8], dateStamp: ArraySlice<UInt8>) -> [UInt8] {
        let secret = credentials.secretAccessKey.exposedValue
        var cached = cache.mac(date: dateStamp, region: region, service: service, secret: secret)
        if cached == nil {
            _ = signingKey(dateStamp: dateStamp)
            cached = cache.mac(date: dateStamp, region: region, service: service, secret: secret)
        }
        // The cached HMAC holds hash states already fed with key^ipad and key^opad (RFC 2104): two blocks per
        // signature less than rekeying, and no allocation.
        let mac = cached ?? HMACSHA256(key: signingKey(dateStamp: dateStamp))
        return mac.authenticationCode(for: stringToSign).withUnsafeBytes { Digest.hexBytes($0) }
    }

    // MARK: - Canonical pieces (static, pure)

    /// Canonical URI: with `normalize`, dot segments and empty segments removed (a trailing slash kept) and
    /// every byte but unreserved characters and `/` percent-encoded, so an already encoded path is encoded a
    /// second time; without, the path exactly as given. An empty path is `/`.
    static func appendCanonicalURI(_ path: Substring, normalize: Bool, into out: inout [UInt8]) {
        let bytes = path.utf8
        if bytes.isEmpty { out.append(UInt8(ascii: "/")); return }
        guard normalize else { out.append(contentsOf: bytes); return }
        // Fast path: nothing to normalise or encode (the common `/`).
        var simple = true
        var prev: UInt8 = 0
        for b in bytes {
            if !(isUnreserved(b) || b == 0x2F) || (b == 0x2F && prev == 0x2F) || (b == 0x2E && (prev == 0x2F || prev == 0x2E)) {
                simple = false
                break
            }
            prev = b
        }
        if simple && bytes.first == 0x2F { out.append(contentsOf: bytes); return }

        var segments: [Substring.UTF8View.SubSequence] = []
        for seg in bytes.split(separator: 0x2F, omittingEmptySubsequences: true) {
            if seg.elementsEqual([0x2E]) { continue }
            if seg.elementsEqual([0x2E, 0x2E]) { if !segments.isEmpty { segments.removeLast() }; continue }
            segments.append(seg)
        }
        if bytes.first == 0x2F { out.append(0x2F) }
        for (i, seg) in segments.enumerated() {
            if i > 0 { out.append(0x2F) }
            for b in seg { appendEncoded(b, into: &out) }
        }
        if bytes.last == 0x2F && !segments.isEmpty { out.append(0x2F) }
    }

    /// Canonical query: each `key=value` pair percent-decoded then RFC 3986 encoded, sorted by encoded key then
    /// encoded value; a key without `=` has an empty value; empty pairs (`a&&b`) are dropped; `+` is a literal
    /// plus (encoded `%2B`), not a space.
    static func appendCanonicalQuery(_ query: Substring, extra: [(String, String)], into out: inout [UInt8]) {
        if query.isEmpty && extra.isEmpty { return }
        var pairs: [([UInt8], [UInt8])] = []
        for raw in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            var key: [UInt8] = []
            var value: [UInt8] = []
            if let eq = raw.firstIndex(of: UInt8(ascii: "=")) {
                encodeDecoded(raw[raw.startIndex..<eq], into: &key)
                encodeDecoded(raw[raw.index(after: eq)...], into: &value)
            } else {
                encodeDecoded(raw[...], into: &key)
            }
            pairs.append((key, value))
        }
        for (k, v) in extra {
            var key: [UInt8] = []
            var value: [UInt8] = []
            for b in k.utf8 { appendEncoded(b, into: &key) }
            for b in v.utf8 { appendEncoded(b, into: &value) }
            pairs.append((key, value))
        }
        pairs.sort { a, b in
            a.0 == b.0 ? a.1.lexicographicallyPrecedes(b.1) : a.0.lexicographicallyPrecedes(b.0)
        }
        for (i, p) in pairs.enumerated() {
            if i > 0 { out.append(UInt8(ascii: "&")) }
            out.append(contentsOf: p.0)
            out.append(UInt8(ascii: "="))
            out.append(contentsOf: p.1)
        }
    }

    /// Appends the canonical header block (each `name:value\n`) and returns the signed-header list.
    ///
    /// Names are lowercased; values trimmed with inner runs of whitespace collapsed to one space; repeated
    /// headers joined with `,` in the order they appear; `host` comes from the URL when no header names it.
    static func appendCanonicalHeaders(_ headers: [(String, String)], url: URLParts,
                                       into out: inout [UInt8]) -> [UInt8] {
        var ignored: Range<Int>?
        return appendCanonicalHeaders(headers, url: url, into: &out, tokenRange: &ignored)
    }

    /// As above, also reporting where the `x-amz-security-token` value landed in `out` (to mask it for display).
    static func appendCanonicalHeaders(_ headers: [(String, String)], url: URLParts, into out: inout [UInt8],
                                       tokenRange: inout Range<Int>?) -> [UInt8] {
        // Lowercased names and trimmed values go into one stack scratch buffer addressed by offsets (no heap
        // allocation, no per-byte uniqueness checks); `out` grows once and is filled with bulk copies.
        var capacity = 8 + url.hostCapacity
        for (k, v) in headers { capacity += k.utf8.count + v.utf8.count }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { scratch in
            withUnsafeTemporaryAllocation(of: HeaderSpan.self, capacity: headers.count + 1) { spans in
                let buf = scratch.baseAddress.unsafelyUnwrapped
                var n = 0
                var count = 0
                var hasHost = false
                for (name, value) in headers {
                    let ns = n
                    n = lowercase(name.utf8, into: buf, at: n)
                    let lname = UnsafeBufferPointer(start: buf + ns, count: n - ns)
                    if isUnsignedHeader(lname) { n = ns; continue }
                    if equalBytes(lname, "host") { hasHost = true }
                    let vs = n
                    n = trimAll(value.utf8, into: buf, at: n)
                    spans[count] = HeaderSpan(name: ns, value: vs, end: n, order: count)
                    count += 1
                }
                if !hasHost {
                    let ns = n
                    for b in "host".utf8 { buf[n] = b; n += 1 }
                    let vs = n
                    n += url.writeHostForSigning(to: buf + n)
                    spans[count] = HeaderSpan(name: ns, value: vs, end: n, order: count)
                    count += 1
                }
                // Sort by name, keeping the original order of repeated headers (their values join in that
                // order). Insertion sort: a request has a handful of headers.
                func name(_ h: HeaderSpan) -> UnsafeBufferPointer<UInt8> {
                    UnsafeBufferPointer(start: buf + h.name, count: h.value - h.name)
                }
                func before(_ x: HeaderSpan, _ y: HeaderSpan) -> Bool {
                    let c = compareBytes(name(x), name(y))
                    return c != 0 ? c < 0 : x.order < y.order
                }
                if count > 1 {
                    for i in 1..<count {
                        let h = spans[i]
                        var j = i
                        while j > 0, before(h, spans[j - 1]) { spans[j] = spans[j - 1]; j -= 1 }
                        spans[j] = h
                    }
                }
                var total = 0
                var namesTotal = 0
                for i in 0..<count {
                    total += spans[i].end - spans[i].name + 2
                    namesTotal += spans[i].value - spans[i].name + 1
                }
                out.reserveCapacity(out.count + total)
                var signed: [UInt8] = []
                signed.reserveCapacity(namesTotal)
                var i = 0
                while i < count {
                    let nm = name(spans[i])
                    out.append(contentsOf: nm)
                    out.append(UInt8(ascii: ":"))
                    let valueStart = out.count
                    out.append(contentsOf: UnsafeBufferPointer(start: buf + spans[i].value,
                                                               count: spans[i].end - spans[i].value))
                    var j = i + 1
                    while j < count, compareBytes(name(spans[j]), nm) == 0 {
                        out.append(UInt8(ascii: ","))
                        out.append(contentsOf: UnsafeBufferPointer(start: buf + spans[j].value,
                                                                   count: spans[j].end - spans[j].value))
                        j += 1
                    }
                    if equalBytes(nm, "x-amz-security-token") { tokenRange = valueStart..<out.count }
                    out.append(0x0A)
                    if !signed.isEmpty { signed.append(UInt8(ascii: ";")) }
                    signed.append(contentsOf: nm)
                    i = j
                }
                return signed
            }
        }
    }

    /// Where one header's lowercased name and trimmed value sit in the scratch buffer.
    struct HeaderSpan {
        var name: Int
        var value: Int
        var end: Int
        var order: Int
    }

    /// Byte-wise three-way comparison (as `lexicographicallyPrecedes`, without the generic overhead).
    @inline(__always)
    static func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = min(a.count, b.count)
        if n > 0, let pa = a.baseAddress, let pb = b.baseAddress {
            let c = memcmp(pa, pb, n)
            if c != 0 { return Int(c) }
        }
        return a.count - b.count
    }

    @inline(__always)
    static func equalBytes(_ a: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard a.count == n else { return false }
        guard n > 0, let pa = a.baseAddress else { return true }
        return memcmp(pa, literal.utf8Start, n) == 0
    }

    /// Trimall into a raw buffer at offset `at`; returns the new end (the output is never longer than `value`).
    static func trimAll(_ value: String.UTF8View, into buf: UnsafeMutablePointer<UInt8>, at: Int) -> Int {
        if let end = value.withContiguousStorageIfAvailable({ trimAll($0, into: buf, at: at) }) { return end }
        return Array(value).withUnsafeBufferPointer { trimAll($0, into: buf, at: at) }
    }

    /// ASCII-lowercases `name` into a raw buffer at offset `at`; returns the new end.
    static func lowercase(_ name: String.UTF8View, into buf: UnsafeMutablePointer<UInt8>, at: Int) -> Int {
        let done: Int? = name.withContiguousStorageIfAvailable { u in
            for k in 0..<u.count { let b = u[k]; buf[at + k] = b >= 65 && b <= 90 ? b + 32 : b }
            return at + u.count
        }
        if let done { return done }
        var n = at
        for b in name { buf[n] = b >= 65 && b <= 90 ? b + 32 : b; n += 1 }
        return n
    }

    static func trimAll(_ value: UnsafeBufferPointer<UInt8>, into buf: UnsafeMutablePointer<UInt8>, at: Int) -> Int {
        // Most values need no trimming: one copy.
        if value.count > 0, let base = value.baseAddress, !isWhitespace(value[0]),
           !isWhitespace(value[value.count - 1]) {
            var clean = true
            var prevSpace = false
            for b in value {
                if b == 0x20 {
                    if prevSpace { clean = false; break }
                    prevSpace = true
                } else if b < 0x20 && isWhitespace(b) {
                    clean = false
                    break
                } else {
                    prevSpace = false
                }
            }
            if clean {
                (buf + at).update(from: base, count: value.count)
                return at + value.count
            }
        }
        var n = at
        var pendingSpace = false
        for b in value {
            if isWhitespace(b) {
                pendingSpace = n > at
            } else {
                if pendingSpace { buf[n] = 0x20; n += 1; pendingSpace = false }
                buf[n] = b
                n += 1
            }
        }
        return n
    }

    /// The `;`-separated signed-header names for these headers.
    static func signedHeaderList(headers: [(String, String)], url: URLParts) -> String {
        var scratch: [UInt8] = []
        return String(decoding: appendCanonicalHeaders(headers, url: url, into: &scratch), as: UTF8.self)
    }

    private static let unsignedHeaderBytes: [[UInt8]] = unsignedHeaders.map { Array($0.utf8) }

    private static func isUnsignedHeader(_ lname: UnsafeBufferPointer<UInt8>) -> Bool {
        // Short-circuit the common signed names (x-amz-*, content-*, host) before the list scan.
        if lname.count > 6 && lname[0] == UInt8(ascii: "x") && lname[1] == UInt8(ascii: "-")
            && lname[2] == UInt8(ascii: "a") && lname[5] == UInt8(ascii: "-") {
            return false
        }
        for u in unsignedHeaderBytes where u.count == lname.count {
            if u.withUnsafeBufferPointer({ compareBytes($0, lname) == 0 }) { return true }
        }
        return false
    }

    private static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

    /// Trims and collapses runs of ASCII whitespace to one space (the SigV4 `Trimall`).
    static func trimAll(_ value: String.UTF8View, into out: inout [UInt8]) {
        if let done: Void = value.withContiguousStorageIfAvailable({ buf in trimAll(buf, into: &out) }) {
            return done
        }
        trimAll(Array(value), into: &out)
    }

    static func trimAll(_ value: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        // Most values need no trimming at all: copy them in one go.
        var clean = !value.isEmpty && !isWhitespace(value[0]) && !isWhitespace(value[value.count - 1])
        if clean {
            var prevSpace = false
            for b in value {
                if b == 0x20 { if prevSpace { clean = false; break }; prevSpace = true } else if isWhitespace(b) {
                    clean = false
                    break
                } else {
                    prevSpace = false
                }
            }
        }
        if clean { out.append(contentsOf: value); return }
        trimAllSlow(value, into: &out)
    }

    static func trimAll(_ value: [UInt8], into out: inout [UInt8]) {
        value.withUnsafeBufferPointer { trimAll($0, into: &out) }
    }

    static func trimAllSlow<C: Collection<UInt8>>(_ value: C, into out: inout [UInt8]) {
        let start = out.count
        var pendingSpace = false
        for b in value {
            if isWhitespace(b) {
                pendingSpace = out.count > start
            } else {
                if pendingSpace { out.append(0x20); pendingSpace = false }
                out.append(b)
            }
        }
    }

    @inline(__always)
    static func isUnreserved(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2E
            || b == 0x5F || b == 0x7E
    }

    private static let upperHexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    @inline(__always)
    static func appendEncoded(_ b: UInt8, into out: inout [UInt8]) {
        if isUnreserved(b) {
            out.append(b)
        } else {
            out.append(UInt8(ascii: "%"))
            out.append(upperHexDigits[Int(b >> 4)])
            out.append(upperHexDigits[Int(b & 15)])
        }
    }

    /// RFC 3986 encoding of a string (every byte but unreserved characters).
    public static func uriEncode(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 { appendEncoded(b, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x41...0x46: b - 0x41 + 10
        case 0x61...0x66: b - 0x61 + 10
        default: nil
        }
    }

    /// Percent-decodes (a malformed `%` escape is kept literally) and re-encodes in one pass.
    static func encodeDecoded(_ raw: Substring.UTF8View.SubSequence, into out: inout [UInt8]) {
        var i = raw.startIndex
        while i < raw.endIndex {
            let b = raw[i]
            if b == UInt8(ascii: "%") {
                let j = raw.index(after: i)
                if j < raw.endIndex, raw.index(after: j) < raw.endIndex, let hi = hexValue(raw[j]),
                   let lo = hexValue(raw[raw.index(after: j)]) {
                    appendEncoded(hi << 4 | lo, into: &out)
                    i = raw.index(j, offsetBy: 2)
                    continue
                }
            }
            appendEncoded(b, into: &out)
            i = raw.index(after: i)
        }
    }

    /// Appends the lowercase hex SHA-256 of `bytes`.
    static func appendHexSHA256(_ bytes: [UInt8], into out: inout [UInt8]) {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        let digest = hasher.finalize()
        // Hex on the stack, then one bulk append (not 64 appends with a uniqueness check each).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { hex in
            digest.withUnsafeBytes { Digest.writeHex($0, to: hex) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: hex[0..<64]))
        }
    }

    /// Lowercase hex SHA-256 of `bytes`.
    public static func hexSHA256(_ bytes: [UInt8]) -> [UInt8] {
        if bytes.isEmpty { return emptySHA256 }
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalize().withUnsafeBytes { Digest.hexBytes($0) }
    }

    private static let emptySHA256: [UInt8] = Array("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".utf8)
}

/// Case-insensitive ASCII comparison against a lowercase literal, without allocating.
@inline(__always)
func asciiEqualsLower(_ s: String, _ lower: StaticString) -> Bool {
    let a = s.utf8
    guard a.count == lower.utf8CodeUnitCount else { return false }
    let p = lower.utf8Start
    var i = 0
    for b in a {
        let l = b >= 65 && b <= 90 ? b + 32 : b
        if l != p[i] { return false }
        i += 1
    }
    return true
}

/// The parts of a URL the signer needs, as slices of the original string, found on UTF-8 bytes (character
/// indexing is far too slow for a signing hot path).
struct URLParts {
    /// `https://host:port` (everything before the path).
    var prefix: Substring
    var path: Substring
    var query: Substring
    private var scheme: Substring
    private var authority: Substring
    /// The whole URL and the authority's UTF-8 offsets in it, to write the host from contiguous bytes.
    private var source: String
    private var authorityOffsets: Range<Int>
    /// 443 for https, 80 for http, 0 otherwise: the port dropped from the signed host.
    private var defaultPort = 0

    init(_ url: String) {
        // Offsets found on the contiguous UTF-8 bytes, then turned into string indices once.
        var o = (schemeEnd: 0, rest: 0, authorityEnd: 0, question: -1, end: 0)
        var port = 0
        let found: Void? = url.utf8.withContiguousStorageIfAvailable { u in
            o = URLParts.offsets(u)
            let lower = { (k: Int) in u[k] | 0x20 }
            if o.schemeEnd == 5, lower(0) == 0x68, lower(1) == 0x74, lower(2) == 0x74, lower(3) == 0x70,
               lower(4) == 0x73 { port = 443 }
            if o.schemeEnd == 4, lower(0) == 0x68, lower(1) == 0x74, lower(2) == 0x74, lower(3) == 0x70 { port = 80 }
        }
        source = url
        authorityOffsets = o.rest..<o.authorityEnd
        defaultPort = port
        if found == nil { o = URLParts.offsets(UnsafeBufferPointer(start: nil, count: 0), fallback: Array(url.utf8)) }
        let v = url.utf8
        func at(_ k: Int) -> String.Index { v.index(v.startIndex, offsetBy: k) }
        scheme = url[at(0)..<at(o.schemeEnd)]
        authority = url[at(o.rest)..<at(o.authorityEnd)]
        prefix = url[at(0)..<at(o.authorityEnd)]
        if o.question >= 0 {
            path = url[at(o.authorityEnd)..<at(o.question)]
            query = url[at(o.question + 1)..<at(o.end)]
        } else {
            path = url[at(o.authorityEnd)..<at(o.end)]
            query = url[at(o.end)..<at(o.end)]
        }
    }

    private static func offsets(_ buffer: UnsafeBufferPointer<UInt8>, fallback: [UInt8]? = nil)
        -> (schemeEnd: Int, rest: Int, authorityEnd: Int, question: Int, end: Int) {
        if let fallback { return fallback.withUnsafeBufferPointer { offsets($0) } }
        let u = buffer
        let n = u.count
        var schemeEnd = 0
        var rest = 0
        var i = 0
        while i < n {
            let b = u[i]
            if b == UInt8(ascii: ":") {
                if i + 2 < n, u[i + 1] == UInt8(ascii: "/"), u[i + 2] == UInt8(ascii: "/") { schemeEnd = i; rest = i + 3 }
                break
            }
            if b == UInt8(ascii: "/") || b == UInt8(ascii: "?") || b == UInt8(ascii: "#") { break }
            i += 1
        }
        var authorityEnd = rest
        while authorityEnd < n {
            let b = u[authorityEnd]
            if b == UInt8(ascii: "/") || b == UInt8(ascii: "?") || b == UInt8(ascii: "#") { break }
            authorityEnd += 1
        }
        var end = authorityEnd
        var question = -1
        while end < n {
            let b = u[end]
            if b == UInt8(ascii: "#") { break }
            if b == UInt8(ascii: "?") && question < 0 { question = end }
            end += 1
        }
        return (schemeEnd, rest, authorityEnd, question, end)
    }

    /// An upper bound of the bytes `writeHostForSigning` writes.
    var hostCapacity: Int { authority.utf8.count + 4 }

    /// Writes the host as signed (lowercased, user info and the scheme's default port removed) at `p`;
    /// returns the byte count (at most `hostCapacity`).
    func writeHostForSigning(to p: UnsafeMutablePointer<UInt8>) -> Int {
        var tmp: [UInt8] = []
        let written: Int? = defaultPort == 0 ? nil : source.utf8.withContiguousStorageIfAvailable { all in
            let a = UnsafeBufferPointer(rebasing: all[authorityOffsets])
            var start = 0
            var end = a.count
            for k in 0..<a.count where a[k] == UInt8(ascii: "@") { start = k + 1 }
            let n = end - start
            if defaultPort == 443, n > 4, a[end - 4] == UInt8(ascii: ":"), a[end - 3] == UInt8(ascii: "4"),
               a[end - 2] == UInt8(ascii: "4"), a[end - 1] == UInt8(ascii: "3") { end -= 4 }
            if defaultPort == 80, n > 3, a[end - 3] == UInt8(ascii: ":"), a[end - 2] == UInt8(ascii: "8"),
               a[end - 1] == UInt8(ascii: "0") { end -= 3 }
            for k in start..<end { let b = a[k]; p[k - start] = b >= 65 && b <= 90 ? b + 32 : b }
            return end - start
        }
        if let written { return written }
        appendHostForSigning(into: &tmp)
        for (k, b) in tmp.enumerated() { p[k] = b }
        return tmp.count
    }

    func appendHostForSigning(into out: inout [UInt8]) {
        let https = scheme.utf8.count == 5 && scheme.utf8.elementsEqual("https".utf8, by: { ($0 | 0x20) == $1 })
        let http = scheme.utf8.count == 4 && scheme.utf8.elementsEqual("http".utf8, by: { ($0 | 0x20) == $1 })
        let done: Void? = authority.utf8.withContiguousStorageIfAvailable { a in
            var start = 0
            var end = a.count
            for k in 0..<a.count where a[k] == UInt8(ascii: "@") { start = k + 1 }
            let n = end - start
            if https, n > 4, a[end - 4] == UInt8(ascii: ":"), a[end - 3] == UInt8(ascii: "4"),
               a[end - 2] == UInt8(ascii: "4"), a[end - 1] == UInt8(ascii: "3") { end -= 4 }
            if http, n > 3, a[end - 3] == UInt8(ascii: ":"), a[end - 2] == UInt8(ascii: "8"),
               a[end - 1] == UInt8(ascii: "0") { end -= 3 }
            for k in start..<end { let b = a[k]; out.append(b >= 65 && b <= 90 ? b + 32 : b) }
        }
        if done == nil { out.append(contentsOf: hostForSigning.utf8) }
    }

    var hostForSigning: String {
        var bytes = Array(authority.utf8)
        if let at = bytes.lastIndex(of: UInt8(ascii: "@")) { bytes.removeFirst(at + 1) }
        for k in bytes.indices where bytes[k] >= 65 && bytes[k] <= 90 { bytes[k] += 32 }
        let s = scheme.lowercased()
        if s == "https", bytes.count > 4, bytes.suffix(4).elementsEqual(":443".utf8) { bytes.removeLast(4) }
        if s == "http", bytes.count > 3, bytes.suffix(3).elementsEqual(":80".utf8) { bytes.removeLast(3) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Signing keys by date/region/service/secret. A reference held by the signer value so copies share it.
final class SigningKeyCache: @unchecked Sendable {
    /// One immutable entry: reading it under the lock costs one retain, not one per field.
    final class Entry {
        let date: [UInt8], region: String, service: String, secret: String, key: [UInt8], scope: [UInt8]
        let mac: HMACSHA256
        init(date: [UInt8], region: String, service: String, secret: String, key: [UInt8], scope: [UInt8],
             mac: HMACSHA256) {
            self.date = date; self.region = region; self.service = service; self.secret = secret; self.key = key
            self.scope = scope; self.mac = mac
        }

        func matches(_ d: ArraySlice<UInt8>, _ r: String, _ s: String) -> Bool {
            guard date.count == d.count else { return false }
            let same = date.withUnsafeBufferPointer { a in
                d.withUnsafeBufferPointer { b in a.count == 0 || memcmp(a.baseAddress.unsafelyUnwrapped,
                                                                         b.baseAddress.unsafelyUnwrapped, a.count) == 0 }
            }
            return same && region == r && service == s
        }
    }

    /// The mutex lives outside the object: `&storedProperty` of a class would cost a dynamic exclusivity
    /// check per lock and unlock.
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private var entry: Entry?
    init() {
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_mutex_t())
        pthread_mutex_init(lock, nil)
    }
    deinit {
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    private func current() -> Entry? {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return entry
    }

    func lookup(date: ArraySlice<UInt8>, region: String, service: String, secret: String) -> [UInt8]? {
        guard let e = current(), e.matches(date, region, service), e.secret == secret else { return nil }
        return e.key
    }

    /// The HMAC keyed with the signing key (its SHA-256 states fed with the key XOR ipad / opad).
    func mac(date: ArraySlice<UInt8>, region: String, service: String, secret: String) -> HMACSHA256? {
        guard let e = current(), e.matches(date, region, service), e.secret == secret else { return nil }
        return e.mac
    }

    /// The credential scope bytes of the last date/region/service seen.
    func scope(date: ArraySlice<UInt8>, region: String, service: String) -> [UInt8]? {
        guard let e = current(), e.matches(date, region, service) else { return nil }
        return e.scope
    }

    func store(date: ArraySlice<UInt8>, region: String, service: String, secret: String, key: [UInt8]) {
        var scope = Array(date)
        scope.append(UInt8(ascii: "/"))
        scope.append(contentsOf: region.utf8)
        scope.append(UInt8(ascii: "/"))
        scope.append(contentsOf: service.utf8)
        scope.append(contentsOf: "/aws4_request".utf8)
        let e = Entry(date: Array(date), region: region, service: service, secret: secret, key: key, scope: scope,
                      mac: HMACSHA256(key: key))
        pthread_mutex_lock(lock)
        entry = e
        pthread_mutex_unlock(lock)
    }
}
