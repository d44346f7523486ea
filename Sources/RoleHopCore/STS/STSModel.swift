
/// Temporary credentials a hop obtained. Held in memory only; the secret and token print as masks.
public struct TemporaryCredentials: Sendable, Hashable, CustomStringConvertible {
    public var accessKeyId: String
    public var secretAccessKey: Secret
    public var sessionToken: Secret
    public var expiration: Date?
    public init(accessKeyId: String, secretAccessKey: Secret, sessionToken: Secret, expiration: Date?) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }
    /// The credentials to sign the next hop with.
    public var awsCredentials: AWSCredentials {
        AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken)
    }
    public var description: String {
        "TemporaryCredentials(\(Redaction.maskAccessKeyId(accessKeyId)), expires "
            + (expiration.map { UTCTime.iso8601($0) } ?? "?") + ")"
    }
}

/// An error as AWS reported it in the response body.
public struct AWSErrorInfo: Sendable, Hashable {
    /// `Sender` or `Receiver`, when given.
    public var type: String?
    public var code: String
    public var message: String
    public var requestId: String?
    public init(type: String? = nil, code: String, message: String, requestId: String? = nil) {
        self.type = type
        self.code = code
        self.message = message
        self.requestId = requestId
    }
}

/// Who a set of credentials belongs to (GetCallerIdentity).
public struct CallerIdentity: Sendable, Hashable {
    public var arn: String
    public var userId: String
    public var account: String
    public init(arn: String, userId: String, account: String) {
        self.arn = arn
        self.userId = userId
        self.account = account
    }
}

/// What a successful call returned.
public struct HopSuccess: Sendable, Hashable {
    /// Present for AssumeRole and AssumeRoleWithWebIdentity.
    public var credentials: TemporaryCredentials?
    /// `arn:aws:sts::444455556666:assumed-role/account-b-role/session`
    public var assumedRoleArn: String?
    public var assumedRoleId: String?
    /// Present for GetCallerIdentity.
    public var callerIdentity: CallerIdentity?
    public var requestId: String?
    /// AssumeRoleWithWebIdentity: the token's subject and audience as STS saw them.
    public var subjectFromWebIdentityToken: String?
    public var audience: String?
    public var provider: String?
    public var packedPolicySize: Int?
    public var sourceIdentity: String?
    /// The parsed response body (with `<Credentials>` removed), for IAM reads and display.
    public var result: XMLElement?
}

/// Why a call failed, classified.
public enum HopFailure: Sendable, Hashable {
    /// AWS (or a server speaking its protocol) answered with an error body.
    case aws(AWSErrorInfo, status: Int)
    /// No HTTP response: DNS, connection, TLS, timeout, cancellation.
    case transport(TransportError)
    /// An HTTP response that is not a usable STS answer (not XML, no result, an error status without a body).
    case malformedResponse(status: Int, detail: String)

    /// The AWS error code, when AWS gave one.
    public var awsCode: String? { if case let .aws(e, _) = self { return e.code } else { return nil } }
}

/// The outcome of one STS/IAM call after retries.
public enum HopOutcome: Sendable, Hashable {
    case success(HopSuccess)
    case failure(HopFailure)
}

/// A request as recorded for display: secrets masked (Authorization signature, security token, web identity
/// token, MFA code).
public struct RecordedRequest: Sendable, Hashable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: String
    public static func == (a: RecordedRequest, b: RecordedRequest) -> Bool {
        a.method == b.method && a.url == b.url && a.body == b.body && a.headers.elementsEqual(b.headers, by: { $0 == $1 })
    }
    public func hash(into h: inout Hasher) { h.combine(method); h.combine(url); h.combine(body) }
}

/// A response as recorded for display: the `<Credentials>` element replaced by a mask.
public struct RecordedResponse: Sendable, Hashable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: String
    public static func == (a: RecordedResponse, b: RecordedResponse) -> Bool {
        a.status == b.status && a.body == b.body && a.headers.elementsEqual(b.headers, by: { $0 == $1 })
    }
    public func hash(into h: inout Hasher) { h.combine(status); h.combine(body) }
}

/// One try of a call.
public struct HopAttempt: Sendable, Hashable {
    /// 1-based.
    public var number: Int
    /// Local time the attempt started.
    public var startedAt: Date
    /// Seconds waited before this attempt (0 for the first).
    public var backoffBefore: Double
    public var request: RecordedRequest
    public var response: RecordedResponse?
    public var transportError: TransportError?
    public var timings: HTTPTimings
    /// The AWS error code of this attempt, if any.
    public var errorCode: String?
    /// Whether the client decided to try again after this attempt.
    public var retried: Bool
    public var status: Int? { response?.status }
}

/// Everything one STS/IAM call produced: for the hop runner, the TUI's HTTP tab and the report.
public struct HopCallResult: Sendable, Hashable {
    /// `AssumeRole`, `AssumeRoleWithWebIdentity`, `GetCallerIdentity`, `GetRole`...
    public var action: String
    public var endpoint: String
    public var outcome: HopOutcome
    public var attempts: [HopAttempt]
    /// Server time minus local time in seconds, from the last response's `Date` header.
    public var clockSkew: Double?
    public var serverDate: Date?
    /// The SigV4 trace of the last signed attempt (nil for unsigned calls).
    public var trace: SigV4Trace?
    /// The role the call was about, when it was about one.
    public var roleArn: String?

    public var succeeded: Bool { if case .success = outcome { return true } else { return false } }
    public var success: HopSuccess? { if case let .success(s) = outcome { return s } else { return nil } }
    public var failure: HopFailure? { if case let .failure(f) = outcome { return f } else { return nil } }
    /// The request id of the final answer (from the body, else the `x-amzn-RequestId` header).
    public var requestId: String? {
        switch outcome {
        case let .success(s): return s.requestId
        case let .failure(.aws(e, _)): return e.requestId
        default: return nil
        }
    }
}

/// Parameters of AssumeRole beyond the role ARN.
public struct AssumeRoleParameters: Sendable, Hashable {
    public var roleArn: String
    public var sessionName: String
    public var durationSeconds: Int?
    public var externalId: String?
    /// `mfa_serial`; sent with `tokenCode` only when a person typed a code.
    public var serialNumber: String?
    public var tokenCode: Secret?
    public var tags: [(key: String, value: String)]
    public var transitiveTagKeys: [String]
    public var sourceIdentity: String?
    public var policy: String?

    public init(roleArn: String, sessionName: String, durationSeconds: Int? = nil, externalId: String? = nil,
                serialNumber: String? = nil, tokenCode: Secret? = nil, tags: [(key: String, value: String)] = [],
                transitiveTagKeys: [String] = [], sourceIdentity: String? = nil, policy: String? = nil) {
        self.roleArn = roleArn
        self.sessionName = sessionName
        self.durationSeconds = durationSeconds
        self.externalId = externalId
        self.serialNumber = serialNumber
        self.tokenCode = tokenCode
        self.tags = tags
        self.transitiveTagKeys = transitiveTagKeys
        self.sourceIdentity = sourceIdentity
        self.policy = policy
    }
    public static func == (a: AssumeRoleParameters, b: AssumeRoleParameters) -> Bool {
        a.roleArn == b.roleArn && a.sessionName == b.sessionName && a.durationSeconds == b.durationSeconds
            && a.externalId == b.externalId && a.serialNumber == b.serialNumber && a.tokenCode == b.tokenCode
            && a.tags.elementsEqual(b.tags, by: { $0 == $1 }) && a.transitiveTagKeys == b.transitiveTagKeys
            && a.sourceIdentity == b.sourceIdentity && a.policy == b.policy
    }
    public func hash(into h: inout Hasher) { h.combine(roleArn); h.combine(sessionName) }

    /// The query parameters, in the order they are sent.
    var queryParameters: [(String, String)] {
        var p: [(String, String)] = [("RoleArn", roleArn), ("RoleSessionName", sessionName)]
        if let durationSeconds { p.append(("DurationSeconds", String(durationSeconds))) }
        if let externalId { p.append(("ExternalId", externalId)) }
        if let serialNumber, let tokenCode {
            p.append(("SerialNumber", serialNumber))
            p.append(("TokenCode", tokenCode.exposedValue))
        }
        for (i, t) in tags.enumerated() {
            p.append(("Tags.member.\(i + 1).Key", t.key))
            p.append(("Tags.member.\(i + 1).Value", t.value))
        }
        for (i, k) in transitiveTagKeys.enumerated() { p.append(("TransitiveTagKeys.member.\(i + 1)", k)) }
        if let sourceIdentity { p.append(("SourceIdentity", sourceIdentity)) }
        if let policy { p.append(("Policy", policy)) }
        return p
    }
}

/// Decoding of AWS query-protocol XML responses.
public enum AWSQueryResponse {
    /// The error in a body, in either shape: `<ErrorResponse><Error>..</Error><RequestId>` (STS, IAM) or
    /// `<Response><Errors><Error>..</Error></Errors><RequestID>` (EC2-style, some emulators).
    public static func error(in root: XMLElement) -> AWSErrorInfo? {
        guard root.name == "ErrorResponse" || root.name == "Response" || root.name == "Error",
              let err = root.first(named: "Error"), let code = err.child("Code")?.trimmedText, !code.isEmpty
        else { return nil }
        let requestId = root.first(named: "RequestId")?.trimmedText ?? root.first(named: "RequestID")?.trimmedText
        return AWSErrorInfo(type: err.child("Type")?.trimmedText, code: code,
                            message: err.child("Message")?.trimmedText ?? "", requestId: requestId)
    }

    /// The `ResponseMetadata/RequestId` of a success response.
    public static func requestId(in root: XMLElement) -> String? {
        root["ResponseMetadata", "RequestId"]?.trimmedText
    }

    /// Decodes a success response of `action` into a `HopSuccess`, or says what is missing.
    public static func success(action: String, root: XMLElement) -> Result<HopSuccess, MalformedResponse> {
        guard root.name == action + "Response" else {
            return .failure(MalformedResponse(detail: "expected <\(action)Response>, got <\(root.name)>"))
        }
        guard let result = root.child(action + "Result") else {
            return .failure(MalformedResponse(detail: "no <\(action)Result> element"))
        }
        var s = HopSuccess(requestId: requestId(in: root), result: result.removing("Credentials"))
        switch action {
        case "AssumeRole", "AssumeRoleWithWebIdentity":
            guard let c = result.child("Credentials") else {
                return .failure(MalformedResponse(detail: "no <Credentials> in <\(action)Result>"))
            }
            guard let akid = c.child("AccessKeyId")?.trimmedText, let secret = c.child("SecretAccessKey")?.trimmedText,
                  let token = c.child("SessionToken")?.trimmedText, !akid.isEmpty, !secret.isEmpty
            else { return .failure(MalformedResponse(detail: "<Credentials> lacks AccessKeyId, SecretAccessKey or SessionToken")) }
            let expText = c.child("Expiration")?.trimmedText ?? ""
            guard let expiration = UTCTime.parseISO8601(expText) else {
                return .failure(MalformedResponse(detail: "unreadable <Expiration> `\(expText)`"))
            }
            s.credentials = TemporaryCredentials(accessKeyId: akid, secretAccessKey: Secret(secret),
                                                 sessionToken: Secret(token), expiration: expiration)
            s.assumedRoleArn = result["AssumedRoleUser", "Arn"]?.trimmedText
            s.assumedRoleId = result["AssumedRoleUser", "AssumedRoleId"]?.trimmedText
            s.packedPolicySize = result.child("PackedPolicySize").flatMap { Int($0.trimmedText) }
            s.sourceIdentity = result.child("SourceIdentity")?.trimmedText
            s.subjectFromWebIdentityToken = result.child("SubjectFromWebIdentityToken")?.trimmedText
            s.audience = result.child("Audience")?.trimmedText
            s.provider = result.child("Provider")?.trimmedText
        case "GetCallerIdentity":
            guard let arn = result.child("Arn")?.trimmedText else {
                return .failure(MalformedResponse(detail: "no <Arn> in <GetCallerIdentityResult>"))
            }
            s.callerIdentity = CallerIdentity(arn: arn, userId: result.child("UserId")?.trimmedText ?? "",
                                              account: result.child("Account")?.trimmedText ?? "")
        default:
            break
        }
        return .success(s)
    }

    /// Replaces the content of every `<Credentials>` element in a body with a mask, keeping the rest as sent.
    public static func maskingCredentials(_ body: String) -> String {
        var out = ""
        var rest = body[...]
        while let open = rest.firstRange(of: "<Credentials>") {
            out += rest[..<open.upperBound]
            out += Redaction.mask
            guard let close = rest[open.upperBound...].firstRange(of: "</Credentials>") else {
                // An unterminated element: drop everything after it rather than risk leaking.
                return out + "</Credentials>"
            }
            rest = rest[close.lowerBound...]
        }
        return out + rest
    }
}

/// A response that is not a usable answer.
public struct MalformedResponse: Error, Sendable, Hashable {
    public var detail: String
}

extension HopCallResult {
    /// The result as JSON for reports and bundles. Secrets are already masked in the recorded requests and
    /// responses; credentials show only the access key's last 4 characters and the expiration.
    public var jsonObject: JSONValue {
        func str(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
        var outcomeFields: [(String, JSONValue)] = []
        switch outcome {
        case let .success(s):
            outcomeFields = [("status", "success"), ("requestId", str(s.requestId)),
                             ("assumedRoleArn", str(s.assumedRoleArn)),
                             ("callerArn", str(s.callerIdentity?.arn)), ("account", str(s.callerIdentity?.account))]
            if let c = s.credentials {
                outcomeFields.append(("credentials", .object([
                    ("accessKeyId", .string(Redaction.maskAccessKeyId(c.accessKeyId))),
                    ("secretAccessKey", .string(Redaction.mask)), ("sessionToken", .string(Redaction.mask)),
                    ("expiration", str(c.expiration.map { UTCTime.iso8601($0) })),
                ])))
            }
            if let sub = s.subjectFromWebIdentityToken { outcomeFields.append(("subjectFromWebIdentityToken", .string(sub))) }
        case let .failure(.aws(e, status)):
            outcomeFields = [("status", "aws-error"), ("httpStatus", .number(Double(status))), ("code", .string(e.code)),
                             ("message", .string(e.message)), ("requestId", str(e.requestId))]
        case let .failure(.transport(t)):
            outcomeFields = [("status", "transport-error"), ("code", .string(t.code)), ("message", .string(t.description))]
        case let .failure(.malformedResponse(status, detail)):
            outcomeFields = [("status", "malformed-response"), ("httpStatus", .number(Double(status))),
                             ("message", .string(detail))]
        }
        let attemptsJSON: [JSONValue] = attempts.map { a in
            var f: [(String, JSONValue)] = [
                ("number", .number(Double(a.number))), ("startedAt", .string(UTCTime.iso8601(a.startedAt))),
                ("backoffMs", .number((a.backoffBefore * 1000).rounded())), ("timings", a.timings.jsonObject),
                ("retried", .bool(a.retried)), ("errorCode", str(a.errorCode)),
                ("request", .object([("method", .string(a.request.method)), ("url", .string(a.request.url)),
                                     ("headers", .object(a.request.headers.map { ($0.0, JSONValue.string($0.1)) })),
                                     ("body", .string(a.request.body))])),
            ]
            if let r = a.response {
                f.append(("response", .object([("status", .number(Double(r.status))),
                                               ("headers", .object(r.headers.map { ($0.0, JSONValue.string($0.1)) })),
                                               ("body", .string(r.body))])))
            }
            if let t = a.transportError { f.append(("transportError", .string(t.code))) }
            return .object(f)
        }
        var fields: [(String, JSONValue)] = [
            ("action", .string(action)), ("endpoint", .string(endpoint)), ("roleArn", str(roleArn)),
            ("outcome", .object(outcomeFields)), ("attempts", .array(attemptsJSON)),
            ("clockSkewSeconds", clockSkew.map { .number(($0 * 1000).rounded() / 1000) } ?? .null),
        ]
        if let trace {
            fields.append(("sigv4", .object([("canonicalRequest", .string(trace.canonicalRequest)),
                                             ("stringToSign", .string(trace.stringToSign)),
                                             ("signature", .string(trace.signature))])))
        }
        return .object(fields)
    }
}
