/// A raw HTTP/1.1 request as a person pastes it into a file for `rolehop sigv4`.
///
/// Request line, headers (with obsolete folded continuation lines, RFC 7230 section 3.2.4), a blank line and
/// the body. Lines may end in CRLF or LF. The request target may contain spaces (people paste decoded paths):
/// the method is everything before the first space and the version everything after the last one.
public struct RawHTTPRequest: Sendable, Hashable {
    public var method: String
    /// The request target as written: path and optional `?query`.
    public var target: String
    public var version: String
    /// Headers in order, continuation lines joined to their header with one space.
    public var headers: [(String, String)]
    public var body: [UInt8]

    /// The longest request file accepted, so a wrong path (a disk image) fails fast.
    public static let maxSize = 8 * 1024 * 1024

    public static func == (a: RawHTTPRequest, b: RawHTTPRequest) -> Bool {
        a.method == b.method && a.target == b.target && a.version == b.version && a.body == b.body
            && a.headers.elementsEqual(b.headers, by: { $0 == $1 })
    }
    public func hash(into h: inout Hasher) {
        h.combine(method); h.combine(target); h.combine(body)
        for (k, v) in headers { h.combine(k); h.combine(v) }
    }

    /// The `Host` header (required in HTTP/1.1, and signed).
    public var host: String? { headers.first(where: { asciiEqualsLower($0.0, "host") })?.1 }

    /// The request as the transport and the signer take it (`https://HOST/target`).
    public func httpRequest(scheme: String = "https") -> HTTPRequest {
        HTTPRequest(method: method, url: scheme + "://" + (host ?? "") + target, headers: headers, body: body)
    }

    /// Parses a raw request. Errors carry the 1-based line and column of the offending byte.
    public static func parse(_ bytes: [UInt8]) throws(RawRequestError) -> RawHTTPRequest {
        if bytes.count > maxSize {
            throw RawRequestError(line: 1, column: 1, message: "request is larger than \(maxSize) bytes")
        }
        var lines: [(start: Int, end: Int)] = []
        var bodyStart = bytes.count
        var i = 0
        var lineStart = 0
        var sawBlank = false
        while i < bytes.count {
            if bytes[i] == 0x0A {
                var end = i
                if end > lineStart && bytes[end - 1] == 0x0D { end -= 1 }
                if end == lineStart && !lines.isEmpty {
                    bodyStart = i + 1
                    sawBlank = true
                    break
                }
                lines.append((lineStart, end))
                lineStart = i + 1
            }
            i += 1
        }
        if !sawBlank && lineStart < bytes.count {
            var end = bytes.count
            if bytes[end - 1] == 0x0D { end -= 1 }
            lines.append((lineStart, end))
        }
        // A leading blank line before the request line is tolerated by servers (RFC 7230 3.5); not here:
        // a request file that starts empty is almost surely the wrong file.
        guard let first = lines.first, first.end > first.start else {
            throw RawRequestError(line: 1, column: 1, message: "expected a request line such as `POST / HTTP/1.1`")
        }
        let requestLine = bytes[first.start..<first.end]
        guard let sp1 = requestLine.firstIndex(of: 0x20), let sp2 = requestLine.lastIndex(of: 0x20), sp2 > sp1 else {
            throw RawRequestError(line: 1, column: requestLine.count + 1,
                                  message: "request line must be `METHOD TARGET HTTP/1.1`")
        }
        let method = requestLine[first.start..<sp1]
        let version = requestLine[(sp2 + 1)...]
        let targetBytes = requestLine[(sp1 + 1)..<sp2]
        for (k, b) in method.enumerated() where !isTokenChar(b) {
            throw RawRequestError(line: 1, column: k + 1, message: "invalid character in method")
        }
        guard version.starts(with: Array("HTTP/".utf8)) else {
            throw RawRequestError(line: 1, column: sp2 - first.start + 2,
                                  message: "expected the HTTP version (`HTTP/1.1`) at the end of the request line")
        }
        guard let t = targetBytes.first, t == UInt8(ascii: "/") else {
            throw RawRequestError(line: 1, column: sp1 - first.start + 2,
                                  message: "request target must start with `/` (origin form)")
        }
        for (k, b) in targetBytes.enumerated() where b < 0x20 || b == 0x7F {
            throw RawRequestError(line: 1, column: sp1 - first.start + 2 + k, message: "control character in request target")
        }

        var headers: [(String, String)] = []
        for (n, line) in lines.dropFirst().enumerated() {
            let lineNo = n + 2
            let text = bytes[line.start..<line.end]
            if let c = text.first, c == 0x20 || c == 0x09 {
                guard !headers.isEmpty else {
                    throw RawRequestError(line: lineNo, column: 1, message: "continuation line before any header")
                }
                try checkFieldValue(text, line: lineNo, lineStart: line.start)
                headers[headers.count - 1].1 += " " + String(decoding: trimmed(text), as: UTF8.self)
                continue
            }
            guard let colon = text.firstIndex(of: UInt8(ascii: ":")) else {
                throw RawRequestError(line: lineNo, column: 1,
                                      message: "header line has no `:` (a blank line must separate headers from the body)")
            }
            if colon == text.startIndex {
                throw RawRequestError(line: lineNo, column: 1, message: "empty header name")
            }
            for k in text.startIndex..<colon where !isTokenChar(text[k]) {
                throw RawRequestError(line: lineNo, column: k - line.start + 1,
                                      message: "invalid character in header name")
            }
            try checkFieldValue(text[(colon + 1)...], line: lineNo, lineStart: line.start)
            headers.append((String(decoding: text[..<colon], as: UTF8.self),
                            String(decoding: trimmed(text[(colon + 1)...]), as: UTF8.self)))
        }
        let request = RawHTTPRequest(method: String(decoding: method, as: UTF8.self),
                                     target: String(decoding: targetBytes, as: UTF8.self),
                                     version: String(decoding: version, as: UTF8.self), headers: headers,
                                     body: Array(bytes[bodyStart...]))
        guard request.host != nil else {
            throw RawRequestError(line: lines.count + 1, column: 1, message: "no Host header (SigV4 signs it)")
        }
        return request
    }

    /// RFC 7230 `field-value` allows no control character but HTAB: a NUL or a bare CR (a binary file, a
    /// mangled paste) would be signed here and then cut short or refused by the HTTP client.
    private static func checkFieldValue(_ value: ArraySlice<UInt8>, line: Int, lineStart: Int) throws(RawRequestError) {
        for k in value.indices where (value[k] < 0x20 && value[k] != 0x09) || value[k] == 0x7F {
            throw RawRequestError(line: line, column: k - lineStart + 1, message: "control character in header value")
        }
    }

    private static func trimmed(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var a = s.startIndex
        var b = s.endIndex
        while a < b, s[a] == 0x20 || s[a] == 0x09 { a += 1 }
        while b > a, s[b - 1] == 0x20 || s[b - 1] == 0x09 { b -= 1 }
        return s[a..<b]
    }

    /// RFC 7230 `tchar`.
    private static func isTokenChar(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): true
        default: false
        }
    }
}

/// Why a raw request file could not be used, with its position.
public struct RawRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String
    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }
    public var description: String { "\(line):\(column): \(message)" }
}
