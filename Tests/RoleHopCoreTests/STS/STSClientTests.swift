import Glibc
import RoleHopCore
import RoleHopTestSupport
import Testing

func fixture(_ name: String) -> String {
    readTextFile(RepoPaths.testData("sigv4/responses/" + name)) ?? ""
}

/// Records the requests a scripted fake transport saw and answers from a list.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLockLike()
    private var answers: [Result<HTTPResponse, TransportError>]
    private(set) var requests: [HTTPRequest] = []
    init(_ answers: [Result<HTTPResponse, TransportError>]) { self.answers = answers }
    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        let next: Result<HTTPResponse, TransportError> = lock.with {
            requests.append(request)
            return answers.count > 1 ? answers.removeFirst() : answers[0]
        }
        return try next.get()
    }
}

final class NSLockLike: @unchecked Sendable {
    private var m = pthread_mutex_t()
    init() { pthread_mutex_init(&m, nil) }
    func with<T>(_ f: () -> T) -> T { pthread_mutex_lock(&m); defer { pthread_mutex_unlock(&m) }; return f() }
}

/// Records the sleeps a retry policy asked for.
final class SleepLog: @unchecked Sendable {
    private let lock = NSLockLike()
    private var items: [Double] = []
    func add(_ d: Double) { lock.with { items.append(d) } }
    var all: [Double] { lock.with { items } }
}

func xml(_ status: Int, _ body: String, headers: [(String, String)] = []) -> Result<HTTPResponse, TransportError> {
    .success(HTTPResponse(status: status, headers: [("Content-Type", "text/xml")] + headers, body: Array(body.utf8),
                          timings: HTTPTimings(dns: 0.001, connect: 0.002, tls: 0.002, firstByte: 0.01, total: 0.012)))
}

let fixedNow = Date(timeIntervalSince1970: 1_795_000_000)
let creds = AWSCredentials(accessKeyId: "ASIAEXAMPLECANARY009", secretAccessKey: Secret("CANARY-secret-signer"),
                           sessionToken: Secret("CANARY-token-signer"))

func client(_ t: ScriptedTransport, sleeps: SleepLog = SleepLog(), attempts: Int = 3) -> STSClient {
    STSClient(transport: t,
              retryPolicy: RetryPolicy(maxAttempts: attempts, sleep: { sleeps.add($0) }, random: { 0.5 }),
              now: { fixedNow })
}

@Suite("STS client")
struct STSClientTests {
    @Test func assumeRoleSuccessIsDecodedAndMasked() async throws {
        let t = ScriptedTransport([xml(200, fixture("assume-role-success.xml"))])
        let r = await client(t).assumeRole(
            endpoint: "https://sts.us-east-1.amazonaws.com", region: "us-east-1", credentials: creds,
            parameters: AssumeRoleParameters(roleArn: "arn:aws:iam::444455556666:role/account-b-role",
                                             sessionName: "rolehop-test", durationSeconds: 900, externalId: "ext-1",
                                             serialNumber: "arn:aws:iam::111122223333:mfa/me", tokenCode: Secret("123456"),
                                             tags: [("team", "a b")], transitiveTagKeys: ["team"], sourceIdentity: "Alice"))
        let s = try #require(r.success)
        #expect(s.assumedRoleArn == "arn:aws:sts::444455556666:assumed-role/account-b-role/rolehop-test")
        #expect(s.credentials?.accessKeyId == "ASIAEXAMPLECANARY001")
        #expect(s.credentials?.secretAccessKey.exposedValue == "CANARY-secret-access-key-must-never-print")
        #expect(s.credentials?.expiration == UTCTime.parseISO8601("2026-11-29T12:34:41Z"))
        #expect(s.requestId == "c6104cbe-af31-11e0-8154-cbc7ccf896c7")
        #expect(s.packedPolicySize == 6)
        #expect(s.sourceIdentity == "Alice")
        // What went on the wire.
        let sent = try #require(t.requests.first)
        let body = String(decoding: sent.body, as: UTF8.self)
        #expect(body.hasPrefix("Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Faccount-b-role"))
        for part in ["DurationSeconds=900", "ExternalId=ext-1", "SerialNumber=arn%3Aaws%3Aiam%3A%3A111122223333%3Amfa%2Fme",
                     "TokenCode=123456", "Tags.member.1.Key=team", "Tags.member.1.Value=a%20b",
                     "TransitiveTagKeys.member.1=team", "SourceIdentity=Alice"] {
            #expect(body.contains(part), "\(part)")
        }
        #expect(sent.header("Authorization")?.hasPrefix("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLECANARY009/") == true)
        #expect(sent.header("X-Amz-Security-Token") == "CANARY-token-signer")
        // What is recorded: nothing secret.
        let rendered = "\(r)"
        for canary in ["CANARY-secret-access-key", "CANARY-session-token", "CANARY-token-signer", "CANARY-secret-signer",
                       "TokenCode=123456"] {
            #expect(!rendered.contains(canary), "\(canary) leaked")
        }
        #expect(r.attempts[0].request.body.contains("TokenCode=****"))
        #expect(r.attempts[0].response?.body.contains("<Credentials>****</Credentials>") == true)
        #expect(r.trace?.signedHeaders == "content-type;host;x-amz-date;x-amz-security-token")
    }

    @Test func webIdentityIsUnsignedAndTokenMasked() async throws {
        let t = ScriptedTransport([xml(200, fixture("web-identity-success-moto.xml"))])
        let r = await client(t).assumeRoleWithWebIdentity(
            endpoint: "http://127.0.0.1:1", roleArn: "arn:aws:iam::111122223333:role/account-a-role",
            sessionName: "rolehop", token: Secret("header.payload.CANARYSIG"), durationSeconds: 3600)
        let s = try #require(r.success)
        #expect(s.subjectFromWebIdentityToken == "system:serviceaccount:default:my-sa")
        // Fractional seconds (moto) are kept.
        #expect(s.credentials?.expiration?.timeIntervalSince1970 == (UTCTime.parseISO8601("2026-11-29T12:34:41Z")?.timeIntervalSince1970 ?? 0) + 0.123456)
        #expect(t.requests.first?.header("Authorization") == nil)
        #expect(r.trace == nil)
        #expect(!"\(r)".contains("CANARYSIG"))
        #expect(r.attempts[0].request.body.contains("WebIdentityToken=****"))
        #expect(t.requests.first?.url == "http://127.0.0.1:1/")
    }

    @Test func getCallerIdentity() async throws {
        let t = ScriptedTransport([xml(200, fixture("get-caller-identity.xml"))])
        let r = await client(t).getCallerIdentity(endpoint: "https://sts.amazonaws.com/", region: "us-east-1",
                                                  credentials: creds)
        #expect(r.success?.callerIdentity == CallerIdentity(
            arn: "arn:aws:sts::444455556666:assumed-role/account-b-role/rolehop-test",
            userId: "AROAEXAMPLEROLEID0001:rolehop-test", account: "444455556666"))
    }

    @Test func throttlingIsRetriedWithJitteredBackoff() async throws {
        let sleeps = SleepLog()
        let t = ScriptedTransport([xml(400, fixture("throttling.xml")), xml(429, ""), xml(200, fixture("get-caller-identity.xml"))])
        let r = await client(t, sleeps: sleeps).getCallerIdentity(endpoint: "https://sts.amazonaws.com", region: "us-east-1",
                                                                 credentials: creds)
        #expect(r.succeeded)
        #expect(r.attempts.map(\.number) == [1, 2, 3])
        #expect(r.attempts.map(\.retried) == [true, true, false])
        #expect(r.attempts[0].errorCode == "Throttling")
        // Full jitter with random() = 0.5 over 0.5 s then 1 s caps.
        #expect(sleeps.all == [0.25, 0.5])
        #expect(r.attempts[1].backoffBefore == 0.25)
        #expect(STSErrorClassifier.findings(for: r).map(\.id) == ["sts.throttled"])
        #expect(STSErrorClassifier.findings(for: r).first?.severity == .warn)
    }

    struct FinalCase: Sendable, CustomTestStringConvertible {
        var file: String
        var status: Int
        var finding: String
        var testDescription: String { file }
    }

    @Test(arguments: [
        FinalCase(file: "access-denied.xml", status: 403, finding: "sts.access-denied"),
        FinalCase(file: "invalid-identity-token.xml", status: 400, finding: "sts.invalid-identity-token"),
        FinalCase(file: "expired-token.xml", status: 400, finding: "sts.expired-token"),
        FinalCase(file: "signature-mismatch.xml", status: 403, finding: "sts.signature-mismatch"),
        FinalCase(file: "chaining-duration.xml", status: 400, finding: "sts.chaining-duration-limit"),
        FinalCase(file: "region-disabled.xml", status: 403, finding: "sts.region-disabled"),
        FinalCase(file: "errors-wrapper.xml", status: 403, finding: "sts.invalid-client-token"),
    ])
    func finalErrorsAreNotRetried(_ c: FinalCase) async throws {
        let sleeps = SleepLog()
        let t = ScriptedTransport([xml(c.status, fixture(c.file)), xml(200, fixture("get-caller-identity.xml"))])
        let r = await client(t, sleeps: sleeps).getCallerIdentity(endpoint: "https://sts.amazonaws.com",
                                                                 region: "us-east-1", credentials: creds)
        #expect(r.attempts.count == 1)
        #expect(sleeps.all.isEmpty)
        #expect(STSErrorClassifier.findings(for: r).map(\.id) == [c.finding])
        #expect(r.requestId != nil)
    }

    @Test func idpCommunicationErrorIsRetriedThenReported() async throws {
        let t = ScriptedTransport([xml(400, fixture("idp-communication-error.xml"))])
        let r = await client(t).assumeRoleWithWebIdentity(endpoint: "https://sts.amazonaws.com", roleArn: "arn:aws:iam::1:role/r",
                                                          sessionName: "s", token: Secret("t"))
        #expect(r.attempts.count == 3)
        #expect(STSErrorClassifier.findings(for: r).map(\.id) == ["sts.idp-communication-error"])
    }

    @Test func serverErrorsAreRetriedUpToTheLimit() async throws {
        let t = ScriptedTransport([xml(500, "")])
        let r = await client(t, attempts: 4).getCallerIdentity(endpoint: "https://sts.amazonaws.com", region: "us-east-1",
                                                               credentials: creds)
        #expect(r.attempts.count == 4)
        #expect(STSErrorClassifier.findings(for: r).map(\.id) == ["sts.server-error"])
    }

    @Test func malformedXMLIsAFinding() async throws {
        let t = ScriptedTransport([xml(200, fixture("malformed.xml"))])
        let r = await client(t).getCallerIdentity(endpoint: "https://sts.amazonaws.com", region: "us-east-1", credentials: creds)
        guard case .malformedResponse = r.failure else { Issue.record("expected malformed, got \(r.outcome)"); return }
        #expect(STSErrorClassifier.findings(for: r).map(\.id) == ["sts.malformed-response"])
    }

    @Test func transportErrorsBecomeNetFindings() async throws {
        let t = ScriptedTransport([.failure(.connectTimeout(host: "sts.amazonaws.com", seconds: 3, detail: "i/o timeout"))])
        let r = await client(t).getCallerIdentity(endpoint: "https://sts.amazonaws.com", region: "us-east-1", credentials: creds)
        #expect(r.attempts.count == 1)
        #expect(STSErrorClassifier.findings(for: r).map(\.id) == ["net.timeout"])
        let refused = ScriptedTransport([.failure(.connectionRefused(host: "127.0.0.1", port: 9, detail: "refused"))])
        let r2 = await client(refused).getCallerIdentity(endpoint: "http://127.0.0.1:9", region: "us-east-1", credentials: creds)
        #expect(STSErrorClassifier.findings(for: r2).map(\.id) == ["net.unreachable"])
    }

    @Test func clockSkewOverFiveMinutesIsAFinding() async throws {
        let serverDate = "Sun, 29 Nov 2026 11:00:00 GMT"
        let server = try #require(UTCTime.parseHTTPDate(serverDate))
        let t = ScriptedTransport([xml(200, fixture("get-caller-identity.xml"), headers: [("Date", serverDate)])])
        let skewed = STSClient(transport: t, retryPolicy: .none, now: { server + 600 })
        let r = await skewed.getCallerIdentity(endpoint: "https://sts.amazonaws.com", region: "us-east-1", credentials: creds)
        #expect(r.clockSkew == -600)
        #expect(STSErrorClassifier.findings(for: r).map(\.id) == ["sts.clock-skew"])
        let fine = STSClient(transport: t, retryPolicy: .none, now: { server + 10 })
        let r2 = await fine.getCallerIdentity(endpoint: "https://sts.amazonaws.com", region: "us-east-1", credentials: creds)
        #expect(STSErrorClassifier.findings(for: r2).isEmpty)
    }

    @Test func cancelledSleepStopsRetrying() async throws {
        let t = ScriptedTransport([xml(400, fixture("throttling.xml"))])
        let c = STSClient(transport: t, retryPolicy: RetryPolicy(maxAttempts: 3, sleep: { _ in throw CancellationError() }),
                          now: { fixedNow })
        let r = await c.getCallerIdentity(endpoint: "https://sts.amazonaws.com", region: "us-east-1", credentials: creds)
        #expect(r.attempts.count == 1)
        #expect(r.failure == .transport(.cancelled))
    }

    @Test func authorizationHeaderIsMaskedWhenRecorded() async throws {
        let t = ScriptedTransport([xml(200, fixture("get-caller-identity.xml"))])
        let r = await client(t).getCallerIdentity(endpoint: "https://sts.amazonaws.com", region: "us-east-1", credentials: creds)
        let auth = try #require(r.attempts[0].request.headers.first(where: { $0.0 == "Authorization" })?.1)
        #expect(auth.hasPrefix("AWS4-HMAC-SHA256 Credential=****Y009/"))
        #expect(auth.hasSuffix("Signature=****"))
        #expect(r.attempts[0].request.headers.first(where: { $0.0 == "X-Amz-Security-Token" })?.1 == "****")
    }
}

@Suite("XML")
struct XMLTests {
    @Test func parsesNestedElementsAndText() throws {
        let root = try XMLDocument.parse(Array("<a xmlns=\"urn:x\"><b>1 &amp; 2</b><c><d><![CDATA[<x>]]></d></c></a>".utf8))
        #expect(root.name == "a")
        #expect(root["b"]?.text == "1 & 2")
        #expect(root["c", "d"]?.text == "<x>")
    }

    @Test(arguments: ["", "<a>", "<a></b>", "not xml", "<a>&undefined;</a>"])
    func rejectsBrokenDocuments(_ text: String) {
        #expect(throws: XMLError.self) { try XMLDocument.parse(Array(text.utf8)) }
    }

    @Test func rejectsDoctypeAndEntities() {
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]><l>&b;</l>"
        #expect(throws: XMLError.self) { try XMLDocument.parse(Array(bomb.utf8)) }
        let external = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><l>&x;</l>"
        #expect(throws: XMLError.self) { try XMLDocument.parse(Array(external.utf8)) }
    }

    @Test func rejectsDeepAndHugeDocuments() {
        let deep = String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100)
        #expect(throws: XMLError.self) { try XMLDocument.parse(Array(deep.utf8)) }
        let huge = [UInt8](repeating: 0x20, count: XMLDocument.maxBytes + 1)
        #expect(throws: XMLError.self) { try XMLDocument.parse(huge) }
    }

    @Test func errorCarriesPosition() {
        do {
            _ = try XMLDocument.parse(Array("<a>\n<b></c>\n</a>".utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 2)
        }
    }

    @Test(arguments: ["access-denied.xml", "errors-wrapper.xml", "throttling.xml"])
    func bothErrorShapes(_ file: String) throws {
        let root = try XMLDocument.parse(Array(fixture(file).utf8))
        let e = try #require(AWSQueryResponse.error(in: root))
        #expect(!e.code.isEmpty && !e.message.isEmpty)
        #expect(e.requestId?.count == 36)
    }

    @Test func credentialMaskingKeepsTheRestOfTheBody() {
        let masked = AWSQueryResponse.maskingCredentials(fixture("assume-role-success.xml"))
        #expect(!masked.contains("CANARY"))
        #expect(masked.contains("<PackedPolicySize>6</PackedPolicySize>"))
        #expect(AWSQueryResponse.maskingCredentials("<x><Credentials>CANARY") == "<x><Credentials>****</Credentials>")
    }
}

@Suite("HopCallResult JSON")
struct HopCallResultJSONTests {
    @Test func jsonCarriesOutcomeAttemptsAndNoSecrets() async throws {
        let t = ScriptedTransport([xml(400, fixture("throttling.xml")), xml(200, fixture("assume-role-success.xml"))])
        let r = await client(t).assumeRole(endpoint: "https://sts.amazonaws.com", region: "us-east-1", credentials: creds,
                                           parameters: AssumeRoleParameters(roleArn: "arn:aws:iam::444455556666:role/account-b-role",
                                                                            sessionName: "s"))
        let text = r.jsonObject.serialized(pretty: true)
        for canary in ["CANARY-secret", "CANARY-session", "CANARY-token-signer"] { #expect(!text.contains(canary)) }
        let doc = try JSONParser.parse(text).value
        #expect(doc["outcome"]?["status"]?.stringValue == "success")
        #expect(doc["outcome"]?["credentials"]?["accessKeyId"]?.stringValue == "****Y001")
        #expect(doc["attempts"]?.arrayValue?.count == 2)
        #expect(doc["attempts"]?.arrayValue?.first?["errorCode"]?.stringValue == "Throttling")
        #expect(doc["sigv4"]?["signature"]?.stringValue?.count == 64)
    }
}
