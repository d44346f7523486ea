
#if canImport(Glibc)
import Glibc
#endif

/// What `rolehop sigv4` signs a raw request with.
public struct SigV4InspectOptions: Sendable {
    public var region: String
    public var service: String
    public var date: Date
    public var normalizePath: Bool
    public var signBody: Bool
    /// Presign with this many seconds of validity instead of adding an `Authorization` header.
    public var presignExpires: Int?
    public init(region: String, service: String, date: Date, normalizePath: Bool = true, signBody: Bool = false,
                presignExpires: Int? = nil) {
        self.region = region
        self.service = service
        self.date = date
        self.normalizePath = normalizePath
        self.signBody = signBody
        self.presignExpires = presignExpires
    }
}

/// The result of signing a raw request for display, optionally compared with what AWS computed.
public struct SigV4Inspection: Sendable {
    public var raw: RawHTTPRequest
    public var signed: SignedRequest
    /// Present when an AWS SignatureDoesNotMatch body was given.
    public var awsComparison: SignatureComparison?

    /// The signed request as HTTP/1.1 text, with the session token masked.
    public var signedRequestText: String {
        var target = raw.target
        if signed.authorization == nil, let q = signed.request.url.firstIndex(of: "?") {
            let path = raw.target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? raw.target
            target = path + String(signed.request.url[q...])
        }
        var out = raw.method + " " + Self.maskQueryToken(target) + " " + raw.version + "\n"
        for (k, v) in signed.request.headers {
            out += k + ": " + (k.lowercased() == "x-amz-security-token" ? Redaction.mask : v) + "\n"
        }
        out += "\n" + String(decoding: signed.request.body, as: UTF8.self)
        return out
    }

    static func maskQueryToken(_ target: String) -> String {
        guard let r = target.firstRange(of: "X-Amz-Security-Token=") else { return target }
        let end = target[r.upperBound...].firstIndex(of: "&") ?? target.endIndex
        var t = target
        t.replaceSubrange(r.upperBound..<end, with: Redaction.mask)
        return t
    }

    public var text: String {
        var out = "Canonical request:\n" + indent(signed.trace.canonicalRequest) + "\n\n"
        out += "String to sign:\n" + indent(signed.trace.stringToSign) + "\n\n"
        out += "Signature: " + signed.trace.signature + "\n"
        if let a = signed.authorization { out += "Authorization: " + a + "\n" }
        out += "\nSigned request:\n" + indent(signedRequestText) + "\n"
        if let c = awsComparison { out += "\n" + c.text }
        return out
    }

    public var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("canonicalRequest", .string(signed.trace.canonicalRequest)),
            ("stringToSign", .string(signed.trace.stringToSign)),
            ("signature", .string(signed.trace.signature)),
            ("authorization", signed.authorization.map { .string($0) } ?? .null),
            ("signedRequest", .string(signedRequestText)),
        ]
        if let c = awsComparison { fields.append(("awsComparison", c.json)) }
        return .object(fields)
    }

    private func indent(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}

/// Signs raw requests for `rolehop sigv4`.
public enum SigV4Inspector {
    /// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optional `AWS_SESSION_TOKEN`.
    public static func credentials(from env: Environment) -> AWSCredentials? {
        guard let id = env.sourced("AWS_ACCESS_KEY_ID")?.value, let secret = env.sourced("AWS_SECRET_ACCESS_KEY")?.value
        else { return nil }
        return AWSCredentials(accessKeyId: id, secretAccessKey: Secret(secret),
                              sessionToken: env.sourced("AWS_SESSION_TOKEN").map { Secret($0.value) })
    }

    /// Parses and signs `requestBytes`; `awsErrorBody`, when given, is compared with rolehop's trace.
    public static func inspect(requestBytes: [UInt8], requestFile: String, options: SigV4InspectOptions,
                               credentials: AWSCredentials, awsErrorBody: [UInt8]? = nil,
                               awsErrorFile: String = "") throws(InputError) -> SigV4Inspection {
        let raw: RawHTTPRequest
        do {
            raw = try RawHTTPRequest.parse(requestBytes)
        } catch {
            throw InputError(file: requestFile, line: error.line, column: error.column, message: error.message)
        }
        let signer = SigV4Signer(credentials: credentials, region: options.region, service: options.service,
                                 normalizePath: options.normalizePath, addContentSHA256Header: options.signBody)
        let request = raw.httpRequest()
        let signed = options.presignExpires.map { signer.presign(request, date: options.date, expires: $0) }
            ?? signer.sign(request, date: options.date)
        var inspection = SigV4Inspection(raw: raw, signed: signed, awsComparison: nil)
        if let awsErrorBody {
            let aws: AWSSignatureReport
            do {
                aws = try AWSSignatureReport.parse(awsErrorBody)
            } catch {
                throw InputError(file: awsErrorFile, line: error.line, column: error.column, message: error.message)
            }
            inspection.awsComparison = SignatureComparison(aws: aws, trace: signed.trace,
                                                           sessionToken: credentials.sessionToken)
        }
        return inspection
    }
}

/// The canonical request and string to sign AWS quotes in a SignatureDoesNotMatch error message.
public struct AWSSignatureReport: Sendable, Hashable {
    public var canonicalRequest: String?
    public var stringToSign: String?
    public var message: String

    /// Reads an AWS error body (XML) or the bare message text.
    public static func parse(_ bytes: [UInt8]) throws(XMLError) -> AWSSignatureReport {
        var message = String(decoding: bytes, as: UTF8.self)
        if message.utf8.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "<") {
            let root = try XMLDocument.parse(bytes)
            guard let m = root.first(named: "Message")?.text else {
                throw XMLError(message: "no <Message> element: not an AWS error body")
            }
            message = m
            // S3 puts them in elements of their own.
            if let cr = root.first(named: "CanonicalRequest")?.text {
                return AWSSignatureReport(canonicalRequest: cr, stringToSign: root.first(named: "StringToSign")?.text,
                                          message: message)
            }
        }
        return AWSSignatureReport(canonicalRequest: quoted(after: "Canonical String for this request should have been", in: message),
                                  stringToSign: quoted(after: "String-to-Sign should have been", in: message),
                                  message: message)
    }

    /// The text between the first pair of single quotes after `marker` (AWS quotes multi-line values so).
    static func quoted(after marker: String, in s: String) -> String? {
        guard let m = s.firstRange(of: marker), let open = s[m.upperBound...].firstIndex(of: "'") else { return nil }
        let start = s.index(after: open)
        // The value itself may contain quotes; AWS closes it with a quote at the end of a line.
        var end = s.endIndex
        var i = start
        while i < s.endIndex {
            if s[i] == "'" {
                let next = s.index(after: i)
                if next == s.endIndex || s[next] == "\n" || s[next] == "\r" { end = i; break }
            }
            i = s.index(after: i)
        }
        return String(s[start..<end])
    }
}

/// One line of a line diff.
public enum DiffLine: Sendable, Hashable {
    case same(String)
    /// Only in what AWS computed.
    case aws(String)
    /// Only in rolehop's.
    case rolehop(String)
}

/// rolehop's canonical request and string to sign against AWS's, line by line.
public struct SignatureComparison: Sendable, Hashable {
    public var canonicalRequestDiff: [DiffLine]
    public var stringToSignDiff: [DiffLine]
    public var awsQuotedCanonicalRequest: Bool

    public init(aws: AWSSignatureReport, trace: SigV4Trace, sessionToken: Secret?) {
        func mask(_ s: String) -> String {
            guard let t = sessionToken?.exposedValue, !t.isEmpty else { return s }
            return s.replacing(t, with: Redaction.mask).replacing(SigV4Signer.uriEncode(t), with: Redaction.mask)
        }
        awsQuotedCanonicalRequest = aws.canonicalRequest != nil
        // Nothing to compare when AWS quoted nothing (STS's message does not): no diff rather than all `+`.
        canonicalRequestDiff = aws.canonicalRequest.map { LineDiff.diff(mask($0), trace.canonicalRequest) } ?? []
        stringToSignDiff = aws.stringToSign.map { LineDiff.diff($0, trace.stringToSign) } ?? []
    }

    /// True when AWS quoted its canonical request and string to sign and both equal rolehop's.
    public var identical: Bool {
        awsQuotedCanonicalRequest && !stringToSignDiff.isEmpty
            && !(canonicalRequestDiff + stringToSignDiff).contains { if case .same = $0 { false } else { true } }
    }

    public var text: String {
        guard awsQuotedCanonicalRequest || !stringToSignDiff.isEmpty else {
            return "AWS's message quotes neither the canonical request nor the string to sign (STS's does not), so "
                + "there is nothing to diff. Check the secret key for this access key id, the clock (clock skew over 5 "
                + "minutes), and any proxy that could rewrite headers after signing.\n"
        }
        var out = "Compared with AWS (`-` AWS computed, `+` rolehop signed):\n"
        if !awsQuotedCanonicalRequest { out += "  (the AWS message quotes no canonical request)\n" }
        out += "Canonical request:\n" + render(canonicalRequestDiff) + "String to sign:\n" + render(stringToSignDiff)
        out += identical ? "Identical: the secret key differs, or the request changed after signing.\n"
            : "The first differing line is where the request was changed or signed differently.\n"
        return out
    }

    public var json: JSONValue {
        func j(_ d: [DiffLine]) -> JSONValue {
            .array(d.map {
                switch $0 {
                case let .same(s): .object([("op", "same"), ("line", .string(s))])
                case let .aws(s): .object([("op", "aws"), ("line", .string(s))])
                case let .rolehop(s): .object([("op", "rolehop"), ("line", .string(s))])
                }
            })
        }
        return .object([("identical", .bool(identical)), ("canonicalRequest", j(canonicalRequestDiff)),
                        ("stringToSign", j(stringToSignDiff))])
    }

    private func render(_ d: [DiffLine]) -> String {
        d.map {
            switch $0 {
            case let .same(s): "    " + s + "\n"
            case let .aws(s): "  - " + s + "\n"
            case let .rolehop(s): "  + " + s + "\n"
            }
        }.joined()
    }
}

/// A longest-common-subsequence line diff (inputs are a few dozen lines).
public enum LineDiff {
    public static func diff(_ a: String, _ b: String) -> [DiffLine] {
        let x = a.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let y = b.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let n = x.count, m = y.count
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
                }
            }
        }
        var out: [DiffLine] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, x[i] == y[j] {
                out.append(.same(x[i])); i += 1; j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                out.append(.aws(x[i])); i += 1
            } else {
                out.append(.rolehop(y[j])); j += 1
            }
        }
        return out
    }
}

/// Signing throughput, for `rolehop sigv4 --bench` and bench/sigv4_bench.sh.
public enum SigV4Benchmark {
    /// The request the benchmark signs: an STS AssumeRole POST with a session token, as a hop sends it.
    public static func request() -> HTTPRequest {
        HTTPRequest(method: "POST", url: "https://sts.us-east-1.amazonaws.com/",
                    headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                    body: Array(("Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666"
                        + "%3Arole%2Faccount-b-role&RoleSessionName=rolehop-bench").utf8))
    }

    public static let credentials = AWSCredentials(
        accessKeyId: "ASIAEXAMPLEBENCH0001", secretAccessKey: Secret("bench-secret-EXAMPLE-not-real"),
        sessionToken: Secret("bench-session-token-EXAMPLE-not-real"))

    /// Signs the benchmark request `iterations` times (fresh request each time, shared signer and key cache)
    /// and returns signatures per second of wall time.
    public static func run(iterations: Int) -> Double { measure(iterations: iterations).wall }

    /// Signatures per second of wall time and per second of this thread's CPU time. The CPU figure does not
    /// depend on how busy the machine is, so it is the one to compare across runs on a shared machine.
    public static func measure(iterations: Int) -> (wall: Double, cpu: Double) {
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "sts")
        let req = request()
        let date = Date(timeIntervalSince1970: 1_795_000_000)
        var sink = 0
        // Warm the key cache and the allocator.
        for _ in 0..<min(1000, iterations) { sink &+= signer.sign(req, date: date).request.headers.count }
        let clock = ContinuousClock()
        let cpuStart = threadCPUSeconds()
        let start = clock.now
        for _ in 0..<iterations { sink &+= signer.sign(req, date: date).request.headers.count }
        let elapsed = clock.now - start
        let cpu = threadCPUSeconds() - cpuStart
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        precondition(sink > 0)
        return (seconds > 0 ? Double(iterations) / seconds : 0, cpu > 0 ? Double(iterations) / cpu : 0)
    }

    private static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
