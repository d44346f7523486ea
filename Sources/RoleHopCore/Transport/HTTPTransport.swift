
/// One HTTP request as the core builds it. Headers keep their order and case.
public struct HTTPRequest: Sendable, Hashable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// The longest the whole exchange may take, in seconds.
    public var timeout: Double
    /// The longest the TCP/TLS connection may take, in seconds.
    public var connectTimeout: Double
    /// Ask the transport to report the server's TLS certificate chain (for OIDC thumbprints).
    public var collectCertificates: Bool = false

    public init(method: String = "GET", url: String, headers: [(String, String)] = [], body: [UInt8] = [],
                timeout: Double = 10, connectTimeout: Double = 3) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
    }

    public static func == (a: HTTPRequest, b: HTTPRequest) -> Bool {
        a.method == b.method && a.url == b.url && a.body == b.body && a.timeout == b.timeout
            && a.connectTimeout == b.connectTimeout && a.headers.elementsEqual(b.headers, by: { $0 == $1 })
    }
    public func hash(into h: inout Hasher) {
        h.combine(method); h.combine(url); h.combine(body)
        for (k, v) in headers { h.combine(k); h.combine(v) }
    }

    /// The first header with this name (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first(where: { $0.0.lowercased() == name.lowercased() })?.1
    }
}

/// Time spent in each phase of one exchange, in seconds from the start of the request.
///
/// Each value is cumulative, as libcurl reports them: `dns <= connect <= tls <= firstByte <= total`.
/// A phase that did not happen (no TLS on plain HTTP, a reused connection) equals the phase before it.
public struct HTTPTimings: Sendable, Hashable {
    public var dns: Double
    public var connect: Double
    public var tls: Double
    public var firstByte: Double
    public var total: Double
    public init(dns: Double = 0, connect: Double = 0, tls: Double = 0, firstByte: Double = 0, total: Double = 0) {
        self.dns = dns
        self.connect = connect
        self.tls = tls
        self.firstByte = firstByte
        self.total = total
    }

    public var jsonObject: JSONValue {
        func ms(_ v: Double) -> JSONValue { .number((v * 1_000_000).rounded() / 1000) }
        return .object([("dnsMs", ms(dns)), ("connectMs", ms(connect)), ("tlsMs", ms(tls)),
                        ("firstByteMs", ms(firstByte)), ("totalMs", ms(total))])
    }
}

/// The connection facts a transport could see, for the probe and the HTTP tab.
public struct ConnectionInfo: Sendable, Hashable {
    /// The address actually connected to (`127.0.0.1`, `2600:1f18::1`).
    public var remoteAddress: String?
    public var remotePort: Int?
    /// The proxy used, with any password masked, or nil for a direct connection.
    public var proxy: String?
    /// PEM-free summaries of the server's certificate chain, leaf first, when TLS was used and reported.
    public var certificates: [CertificateSummary]
    public init(remoteAddress: String? = nil, remotePort: Int? = nil, proxy: String? = nil,
                certificates: [CertificateSummary] = []) {
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.proxy = proxy
        self.certificates = certificates
    }
}

/// One certificate of a TLS chain as the transport reported it.
public struct CertificateSummary: Sendable, Hashable {
    public var subject: String
    public var issuer: String
    public var notAfter: String
    /// The certificate in PEM form (public data), so the core can compute thumbprints.
    public var pem: String
    public init(subject: String, issuer: String, notAfter: String, pem: String) {
        self.subject = subject
        self.issuer = issuer
        self.notAfter = notAfter
        self.pem = pem
    }
}

/// What came back.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    public var timings: HTTPTimings
    public var connection: ConnectionInfo

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = [], timings: HTTPTimings = HTTPTimings(),
                connection: ConnectionInfo = ConnectionInfo()) {
        self.status = status
        self.headers = headers
        self.body = body
        self.timings = timings
        self.connection = connection
    }

    public static func == (a: HTTPResponse, b: HTTPResponse) -> Bool {
        a.status == b.status && a.body == b.body && a.timings == b.timings && a.connection == b.connection
            && a.headers.elementsEqual(b.headers, by: { $0 == $1 })
    }
    public func hash(into h: inout Hasher) {
        h.combine(status); h.combine(body)
        for (k, v) in headers { h.combine(k); h.combine(v) }
    }

    /// The first header with this name (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first(where: { $0.0.lowercased() == name.lowercased() })?.1
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Why an exchange failed before an HTTP status came back. Every case says what a person can do about it.
public enum TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The host name did not resolve.
    case dnsFailure(host: String, detail: String)
    /// Something answered and refused the TCP connection (nothing listens there).
    case connectionRefused(host: String, port: Int, detail: String)
    /// No TCP/TLS connection within the connect timeout (the `i/o timeout` of private clusters).
    case connectTimeout(host: String, seconds: Double, detail: String)
    /// Connected, but the response did not complete within the timeout.
    case readTimeout(seconds: Double, detail: String)
    /// The TLS handshake or certificate verification failed; `detail` is libcurl's message.
    case tlsFailure(detail: String)
    /// The proxy could not be reached or refused the tunnel.
    case proxyFailure(proxy: String, detail: String)
    /// The response body exceeded the cap and was cut off.
    case responseTooLarge(limit: Int)
    /// The request was cancelled (Esc in the TUI).
    case cancelled
    /// The URL could not be used.
    case invalidURL(String)
    /// The connection broke mid-exchange (reset, truncated body, bad HTTP).
    case connectionFailed(detail: String)

    public var description: String {
        switch self {
        case let .dnsFailure(host, d): return "DNS lookup of \(host) failed: \(d)"
        case let .connectionRefused(host, port, d): return "connection to \(host):\(port) refused: \(d)"
        case let .connectTimeout(host, s, d): return "no connection to \(host) within \(Self.fmt(s)) s: \(d)"
        case let .readTimeout(s, d): return "no complete response within \(Self.fmt(s)) s: \(d)"
        case let .tlsFailure(d): return "TLS failure: \(d)"
        case let .proxyFailure(p, d): return "proxy \(p) failed: \(d)"
        case let .responseTooLarge(limit): return "response larger than \(limit) bytes, cut off"
        case .cancelled: return "cancelled"
        case let .invalidURL(u): return "invalid URL \(u)"
        case let .connectionFailed(d): return "connection failed: \(d)"
        }
    }

    /// A stable short code for JSON output and findings (`connect-timeout`).
    public var code: String {
        switch self {
        case .dnsFailure: "dns-failure"
        case .connectionRefused: "connection-refused"
        case .connectTimeout: "connect-timeout"
        case .readTimeout: "read-timeout"
        case .tlsFailure: "tls-failure"
        case .proxyFailure: "proxy-failure"
        case .responseTooLarge: "response-too-large"
        case .cancelled: "cancelled"
        case .invalidURL: "invalid-url"
        case .connectionFailed: "connection-failed"
        }
    }

    private static func fmt(_ s: Double) -> String {
        s == s.rounded() ? String(Int(s)) : String(s)
    }
}

/// Sends HTTP requests. libcurl in production (`RoleHopCurl`), a closure in unit tests, real loopback servers in
/// live tests. Implementations honour `timeout`, `connectTimeout` and task cancellation, and never block the
/// calling task's executor.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse
}

/// A transport backed by a closure, for unit tests of one layer.
public struct ClosureTransport: HTTPTransport {
    let handler: @Sendable (HTTPRequest) async throws(TransportError) -> HTTPResponse
    public init(_ handler: @escaping @Sendable (HTTPRequest) async throws(TransportError) -> HTTPResponse) {
        self.handler = handler
    }
    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        try await handler(request)
    }
}
