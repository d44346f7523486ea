
/// When and how long to retry a failed call.
///
/// Throttling (`Throttling`, `ThrottlingException`, `RequestLimitExceeded`, HTTP 429), server errors (5xx),
/// `IDPCommunicationError` and a connection broken mid-exchange are retried with bounded exponential backoff and
/// full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"). Everything else, in particular
/// AccessDenied, InvalidIdentityToken, ExpiredTokenException and SignatureDoesNotMatch, is final: retrying a
/// denial only hides it. Timeouts are not retried either: a troubleshooter should show a slow endpoint at once.
public struct RetryPolicy: Sendable {
    /// Total attempts, including the first.
    public var maxAttempts: Int
    /// The backoff cap before jitter for attempt n is `min(maxDelay, baseDelay * 2^(n-1))`.
    public var baseDelay: Double
    public var maxDelay: Double
    /// Waits the given seconds; throws when the task is cancelled. Injected so tests never wait.
    public var sleep: @Sendable (Double) async throws -> Void
    /// A uniform random number in [0, 1) for the jitter.
    public var random: @Sendable () -> Double

    public init(maxAttempts: Int = 3, baseDelay: Double = 0.5, maxDelay: Double = 20,
                sleep: @escaping @Sendable (Double) async throws -> Void = RetryPolicy.taskSleep,
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.sleep = sleep
        self.random = random
    }

    /// `Task.sleep`, which throws `CancellationError` when the task is cancelled.
    public static let taskSleep: @Sendable (Double) async throws -> Void = { seconds in
        if seconds > 0 { try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000)) }
    }

    /// No retries at all.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// AWS error codes that mean "slow down" or "try again".
    public static let retryableCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded", "RequestThrottled",
        "RequestThrottledException", "TooManyRequestsException", "SlowDown", "IDPCommunicationError",
        "InternalFailure", "InternalError", "ServiceUnavailable", "RequestTimeout", "RequestTimeoutException",
    ]
    /// Codes that are never retried whatever the status says.
    public static let finalCodes: Set<String> = [
        "AccessDenied", "AccessDeniedException", "InvalidIdentityToken", "ExpiredTokenException", "ExpiredToken",
        "SignatureDoesNotMatch", "InvalidClientTokenId", "IncompleteSignature", "ValidationError",
        "RegionDisabledException", "MalformedPolicyDocument", "PackedPolicyTooLarge",
    ]

    /// Whether a failed attempt should be tried again.
    public func shouldRetry(status: Int?, code: String?, transportError: TransportError?) -> Bool {
        if let transportError {
            if case .connectionFailed = transportError { return true }
            return false
        }
        if let code {
            if Self.finalCodes.contains(code) { return false }
            if Self.retryableCodes.contains(code) { return true }
        }
        guard let status else { return false }
        return status == 429 || (500...599).contains(status)
    }

    /// The wait before attempt `attempt` (2, 3, ...): full jitter over the capped exponential.
    public func delay(beforeAttempt attempt: Int) -> Double {
        let exp = baseDelay * Double(1 << min(30, max(0, attempt - 2)))
        return random() * min(maxDelay, exp)
    }
}

/// STS (and IAM, which speaks the same query protocol) over an `HTTPTransport`.
///
/// Every call returns a `HopCallResult` and never throws: failures are data for the hop runner. Secrets stay in
/// the `Secret` values of the result; recorded requests and responses are masked.
public struct STSClient: Sendable {
    public var transport: any HTTPTransport
    public var retryPolicy: RetryPolicy
    public var now: @Sendable () -> Date
    /// Per-attempt timeouts.
    public var timeout: Double
    public var connectTimeout: Double

    public static let stsVersion = "2011-06-15"
    public static let iamVersion = "2010-05-08"

    public init(transport: any HTTPTransport, retryPolicy: RetryPolicy = RetryPolicy(),
                now: @escaping @Sendable () -> Date, timeout: Double = 10, connectTimeout: Double = 3) {
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.now = now
        self.timeout = timeout
        self.connectTimeout = connectTimeout
    }

    /// AssumeRoleWithWebIdentity: unsigned, the token is the proof.
    public func assumeRoleWithWebIdentity(endpoint: String, roleArn: String, sessionName: String, token: Secret,
                                          durationSeconds: Int? = nil) async -> HopCallResult {
        var params: [(String, String)] = [("RoleArn", roleArn), ("RoleSessionName", sessionName),
                                          ("WebIdentityToken", token.exposedValue)]
        if let durationSeconds { params.append(("DurationSeconds", String(durationSeconds))) }
        return await call(endpoint: endpoint, action: "AssumeRoleWithWebIdentity", version: Self.stsVersion,
                          params: params, signer: nil, roleArn: roleArn)
    }

    /// AssumeRole, signed with `credentials` for `region`.
    public func assumeRole(endpoint: String, region: String, credentials: AWSCredentials,
                           parameters: AssumeRoleParameters) async -> HopCallResult {
        await call(endpoint: endpoint, action: "AssumeRole", version: Self.stsVersion,
                   params: parameters.queryParameters,
                   signer: SigV4Signer(credentials: credentials, region: region, service: "sts"),
                   roleArn: parameters.roleArn)
    }

    /// GetCallerIdentity: who these credentials are.
    public func getCallerIdentity(endpoint: String, region: String, credentials: AWSCredentials) async -> HopCallResult {
        await call(endpoint: endpoint, action: "GetCallerIdentity", version: Self.stsVersion, params: [],
                   signer: SigV4Signer(credentials: credentials, region: region, service: "sts"), roleArn: nil)
    }

    /// Parameters whose values are masked in recorded request bodies.
    static let secretParameters: Set<String> = ["WebIdentityToken", "TokenCode", "SAMLAssertion"]

    /// One query-protocol call with retries. `signer` nil means unsigned.
    public func call(endpoint: String, action: String, version: String, params: [(String, String)],
                     signer: SigV4Signer?, roleArn: String?) async -> HopCallResult {
        var url = endpoint
        if !url.contains("://") { url = "https://" + url }
        if let r = url.firstRange(of: "://"), !url[r.upperBound...].contains("/") { url += "/" }
        var body = "Action=" + SigV4Signer.uriEncode(action) + "&Version=" + SigV4Signer.uriEncode(version)
        var maskedBody = body
        for (k, v) in params {
            let pair = "&" + SigV4Signer.uriEncode(k) + "="
            body += pair + SigV4Signer.uriEncode(v)
            maskedBody += pair + (Self.secretParameters.contains(k) ? Redaction.mask : SigV4Signer.uriEncode(v))
        }
        let base = HTTPRequest(method: "POST", url: url,
                               headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                               body: Array(body.utf8), timeout: timeout, connectTimeout: connectTimeout)

        var result = HopCallResult(action: action, endpoint: url,
                                   outcome: .failure(.transport(.cancelled)), attempts: [], roleArn: roleArn)
        var backoff = 0.0
        for attempt in 1...retryPolicy.maxAttempts {
            if Task.isCancelled { result.outcome = .failure(.transport(.cancelled)); return result }
            let started = now()
            var request = base
            if let signer {
                let signed = signer.sign(base, date: started)
                request = signed.request
                result.trace = signed.trace
            }
            var record = HopAttempt(number: attempt, startedAt: started, backoffBefore: backoff,
                                    request: RecordedRequest(method: "POST", url: url,
                                                             headers: Self.maskHeaders(request.headers), body: maskedBody),
                                    response: nil, transportError: nil, timings: HTTPTimings(), errorCode: nil,
                                    retried: false)
            let outcome: HopOutcome
            var status: Int?
            do {
                let response = try await transport.send(request)
                status = response.status
                record.timings = response.timings
                let bodyText = response.bodyText
                record.response = RecordedResponse(status: response.status, headers: response.headers,
                                                   body: AWSQueryResponse.maskingCredentials(bodyText))
                if let dateHeader = response.header("Date"), let serverDate = UTCTime.parseHTTPDate(dateHeader) {
                    result.serverDate = serverDate
                    result.clockSkew = serverDate.timeIntervalSince(now())
                }
                outcome = Self.decode(action: action, response: response)
            } catch {
                record.transportError = error
                outcome = .failure(.transport(error))
            }
            result.outcome = outcome
            if case let .failure(f) = outcome {
                if case let .aws(e, _) = f { record.errorCode = e.code }
                let te: TransportError? = if case let .transport(t) = f { t } else { nil }
                if attempt < retryPolicy.maxAttempts,
                   retryPolicy.shouldRetry(status: status, code: f.awsCode, transportError: te),
                   te != .cancelled {
                    record.retried = true
                    result.attempts.append(record)
                    backoff = retryPolicy.delay(beforeAttempt: attempt + 1)
                    do {
                        try await retryPolicy.sleep(backoff)
                    } catch {
                        result.outcome = .failure(.transport(.cancelled))
                        return result
                    }
                    continue
                }
            }
            result.attempts.append(record)
            return result
        }
        return result
    }

    /// Classifies one HTTP response.
    static func decode(action: String, response: HTTPResponse) -> HopOutcome {
        let headerRequestId = response.header("x-amzn-RequestId") ?? response.header("x-amz-request-id")
        let root: XMLElement
        do {
            root = try XMLDocument.parse(response.body)
        } catch {
            let what = response.body.isEmpty ? "empty body" : "body is not XML (\(error))"
            return .failure(.malformedResponse(status: response.status, detail: "HTTP \(response.status), \(what)"))
        }
        if var e = AWSQueryResponse.error(in: root) {
            if e.requestId == nil { e.requestId = headerRequestId }
            return .failure(.aws(e, status: response.status))
        }
        guard (200...299).contains(response.status) else {
            return .failure(.malformedResponse(status: response.status,
                                               detail: "HTTP \(response.status) without an AWS error in the body"))
        }
        switch AWSQueryResponse.success(action: action, root: root) {
        case var .success(s):
            if s.requestId == nil { s.requestId = headerRequestId }
            return .success(s)
        case let .failure(m):
            return .failure(.malformedResponse(status: response.status, detail: m.detail))
        }
    }

    /// Masks the signature and the session token in recorded headers; the access key id shows its last 4.
    static func maskHeaders(_ headers: [(String, String)]) -> [(String, String)] {
        headers.map { name, value in
            let l = name.lowercased()
            if l == "x-amz-security-token" { return (name, Redaction.mask) }
            if l == "authorization" { return (name, maskAuthorization(value)) }
            return (name, value)
        }
    }

    /// `AWS4-HMAC-SHA256 Credential=****WXYZ/20260101/us-east-1/sts/aws4_request, SignedHeaders=..., Signature=****`
    static func maskAuthorization(_ value: String) -> String {
        var out = value
        if let c = out.firstRange(of: "Credential="), let slash = out[c.upperBound...].firstIndex(of: "/") {
            let akid = String(out[c.upperBound..<slash])
            out.replaceSubrange(c.upperBound..<slash, with: Redaction.maskAccessKeyId(akid))
        }
        if let s = out.firstRange(of: "Signature=") {
            out.replaceSubrange(s.upperBound..<out.endIndex, with: Redaction.mask)
        }
        return out
    }
}
