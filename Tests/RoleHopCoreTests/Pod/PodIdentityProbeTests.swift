import RoleHopCore
import Testing

/// A transport that records requests and answers from a closure.
final class Recorder: @unchecked Sendable {
    private(set) var requests: [HTTPRequest] = []
    private let lock = TestLock()
    func record(_ r: HTTPRequest) { lock.with { requests.append(r) } }
}

/// A minimal lock for the recorder (tests only).
final class TestLock: @unchecked Sendable {
    private var m = pthread_mutex_t()
    init() { pthread_mutex_init(&m, nil) }
    func with<T>(_ body: () -> T) -> T { pthread_mutex_lock(&m); defer { pthread_mutex_unlock(&m) }; return body() }
}

#if canImport(Glibc)
import Glibc
#endif

func transport(_ recorder: Recorder, _ answer: @escaping @Sendable (HTTPRequest) throws(TransportError) -> HTTPResponse) -> ClosureTransport {
    ClosureTransport { request throws(TransportError) in
        recorder.record(request)
        return try answer(request)
    }
}

@Suite("EKS Pod Identity probe")
struct PodIdentityProbeTests {
    static let tokenPath = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"
    static let tokenCanary = "eyJhbGciOiJSUzI1NiJ9.POD-TOKEN-CANARY.sig-CANARY"
    static let now = UTCTime.parseISO8601("2026-09-21T11:00:00Z") ?? Date()
    static let env = Environment([
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenPath,
    ])
    static let credentialsBody = """
        {"AccessKeyId":"ASIAEXAMPLECANARYKEY","SecretAccessKey":"SECRET-KEY-CANARY","Token":"SESSION-TOKEN-CANARY",
         "AccountId":"111122223333","Expiration":"2026-09-21T12:00:00Z"}
        """

    static func fs(token: String = tokenCanary + "\n", readable: Bool = true, mode: UInt32 = 0o600) -> MemoryFileSystem {
        var fs = MemoryFileSystem()
        fs.add(tokenPath, token, mode: mode, uid: 0, gid: 0, readable: readable)
        return fs
    }

    @Test func successSendsTheTokenAndMasksEverySecret() async throws {
        let rec = Recorder()
        let report = await PodIdentityProbe.run(
            environment: Self.env, fs: Self.fs(), transport: transport(rec) { _ in HTTPResponse(status: 200, body: Array(Self.credentialsBody.utf8)) },
            now: Self.now)
        #expect(report.kind == .eksPodIdentity)
        #expect(rec.requests.count == 1)
        #expect(rec.requests.first?.url == "http://169.254.170.23/v1/credentials")
        // The raw token, trimmed of its newline, is the whole Authorization header (no "Bearer").
        #expect(rec.requests.first?.header("Authorization") == Self.tokenCanary)
        let creds = try #require(report.credentials)
        #expect(creds.accountId == "111122223333")
        #expect(creds.expiration == UTCTime.parseISO8601("2026-09-21T12:00:00Z"))
        #expect(creds.secretAccessKey.exposedValue == "SECRET-KEY-CANARY")
        let ids = report.findings.map(\.id)
        #expect(ids.contains("pod.identity.ok"))
        #expect(ids.contains("pod.identity.session-tags"))
        #expect(ids.last == "pod.identity.sdk-minimum")
        let json = report.jsonObject.serialized(pretty: true)
        for canary in ["POD-TOKEN-CANARY", "SECRET-KEY-CANARY", "SESSION-TOKEN-CANARY", "ASIAEXAMPLECANARYKEY"] {
            #expect(!json.contains(canary), "\(canary) leaked into JSON")
            #expect(!report.findings.description.contains(canary), "\(canary) leaked into findings")
        }
        #expect(json.contains("****YKEY"))
    }

    @Test func sessionTagFindingNamesTagSessionForTheNextHop() async {
        let report = await PodIdentityProbe.run(
            environment: Self.env, fs: Self.fs(), transport: transport(Recorder()) { _ in HTTPResponse(status: 200, body: Array(Self.credentialsBody.utf8)) },
            now: Self.now)
        let f = report.findings.first { $0.id == "pod.identity.session-tags" }
        #expect(f?.fix.contains("sts:TagSession") == true)
        #expect(f?.evidence.first?.value.contains("kubernetes-namespace") == true)
    }

    @Test func expiredCredentialsAreAFailure() async {
        let later = UTCTime.parseISO8601("2026-09-21T13:00:00Z") ?? Self.now
        let report = await PodIdentityProbe.run(
            environment: Self.env, fs: Self.fs(), transport: transport(Recorder()) { _ in HTTPResponse(status: 200, body: Array(Self.credentialsBody.utf8)) },
            now: later)
        #expect(report.findings.contains { $0.id == "pod.identity.expired" && $0.severity == .fail })
    }

    struct TokenCase: Sendable, CustomTestStringConvertible {
        var name: String
        var fs: MemoryFileSystem
        var env: Environment
        var expected: String
        var testDescription: String { name }
    }

    static let tokenCases: [TokenCase] = [
        TokenCase(name: "empty file", fs: fs(token: "\n"), env: env, expected: "pod.identity.token-empty"),
        TokenCase(name: "unreadable file", fs: fs(readable: false), env: env, expected: "pod.identity.token-unreadable"),
        TokenCase(name: "missing file", fs: MemoryFileSystem(), env: env, expected: "pod.identity.token-file-missing"),
        TokenCase(name: "no token variable", fs: MemoryFileSystem(),
                  env: Environment(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials"]),
                  expected: "pod.identity.token-missing"),
    ]

    @Test(arguments: tokenCases)
    func tokenProblemsStopBeforeCallingTheAgent(_ c: TokenCase) async {
        let rec = Recorder()
        let report = await PodIdentityProbe.run(environment: c.env, fs: c.fs, transport: transport(rec) { _ in HTTPResponse(status: 500) }, now: Self.now)
        #expect(rec.requests.isEmpty)
        let sdk = c.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"]?.contains("169.254.170.23") == true ? ["pod.identity.sdk-minimum"] : []
        #expect(report.findings.map(\.id) == [c.expected] + sdk)
        #expect(report.findings.first?.severity == .fail)
    }

    @Test func unreadableTokenFixNamesFsGroup() async {
        let report = await PodIdentityProbe.run(environment: Self.env, fs: Self.fs(readable: false),
                                                transport: transport(Recorder()) { _ in HTTPResponse(status: 500) }, now: Self.now)
        #expect(report.findings.first?.fix.contains("fsGroup") == true)
        #expect(report.findings.first?.evidence.contains { $0.label == "mode" && $0.value == "0600" } == true)
    }

    /// Which plain-HTTP hosts the SDKs accept for AWS_CONTAINER_CREDENTIALS_FULL_URI.
    @Test(arguments: [
        ("http://169.254.170.23/v1/credentials", true),
        ("http://[fd00:ec2::23]/v1/credentials", true),
        ("http://169.254.170.2/v2/credentials/x", true),
        ("http://127.0.0.1:8080/creds", true),
        ("http://localhost/creds", true),
        ("https://creds.example.com/x", true),
        ("http://10.0.0.5/v1/credentials", false),
        ("http://creds.example.com/v1/credentials", false),
    ])
    func plainHTTPHostAllowList(_ url: String, _ allowed: Bool) async {
        let report = await PodIdentityProbe.run(
            environment: Environment(["AWS_CONTAINER_CREDENTIALS_FULL_URI": url, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "x-CANARY"]),
            fs: MemoryFileSystem(), transport: transport(Recorder()) { _ in HTTPResponse(status: 200, body: Array(Self.credentialsBody.utf8)) },
            now: Self.now)
        #expect(report.findings.contains { $0.id == "pod.identity.host-not-allowed" } == !allowed)
    }

    @Test func ipv6AgentIsRecognised() async {
        let report = await PodIdentityProbe.run(
            environment: Environment(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://[fd00:ec2::23]/v1/credentials",
                                      "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": Self.tokenPath]),
            fs: Self.fs(), transport: transport(Recorder()) { _ in HTTPResponse(status: 200, body: Array(Self.credentialsBody.utf8)) }, now: Self.now)
        #expect(report.kind == .eksPodIdentity)
    }

    @Test func unreachableAgentExplainsTheDaemonSet() async {
        let report = await PodIdentityProbe.run(
            environment: Self.env, fs: Self.fs(),
            transport: transport(Recorder()) { _ throws(TransportError) in throw .connectTimeout(host: "169.254.170.23", seconds: 2, detail: "timed out") },
            now: Self.now)
        let f = report.findings.first { $0.id == "pod.identity.unreachable" }
        #expect(f?.fix.contains("eks-pod-identity-agent") == true)
        #expect(f?.why.contains("hostNetwork") == true)
        #expect(report.transportError?.code == "connect-timeout")
    }

    @Test func agentErrorBodyIsShownWithoutTheToken() async {
        let body = #"{"code":"BadRequest","message":"token \#(Self.tokenCanary) is not valid"}"#
        let report = await PodIdentityProbe.run(
            environment: Self.env, fs: Self.fs(), transport: transport(Recorder()) { _ in HTTPResponse(status: 400, body: Array(body.utf8)) }, now: Self.now)
        let f = report.findings.first { $0.id == "pod.identity.http-error" }
        #expect(f != nil)
        #expect(f?.evidence.contains { $0.value.contains("is not valid") } == true)
        #expect(!report.jsonObject.serialized().contains("POD-TOKEN-CANARY"))
    }

    @Test func irsaShadowsPodIdentity() async {
        var env = Self.env
        env["AWS_ROLE_ARN"] = "arn:aws:iam::111122223333:role/account-a-role"
        env["AWS_WEB_IDENTITY_TOKEN_FILE"] = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"
        let report = await PodIdentityProbe.run(environment: env, fs: Self.fs(),
                                                transport: transport(Recorder()) { _ in HTTPResponse(status: 200, body: Array(Self.credentialsBody.utf8)) }, now: Self.now)
        #expect(report.findings.first?.id == "pod.identity.shadowed-by-irsa")
    }

    @Test func absentIsInformational() async {
        let rec = Recorder()
        let report = await PodIdentityProbe.run(environment: Environment(), fs: MemoryFileSystem(), transport: transport(rec) { _ in HTTPResponse(status: 500) }, now: Self.now)
        #expect(report.kind == .absent)
        #expect(rec.requests.isEmpty)
        #expect(report.findings.map(\.severity) == [.info])
    }

    @Test func relativeURIWinsOverFullURI() async {
        var env = Self.env
        env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/abc"
        let rec = Recorder()
        let report = await PodIdentityProbe.run(environment: env, fs: Self.fs(),
                                                transport: transport(rec) { _ in HTTPResponse(status: 200, body: Array(Self.credentialsBody.utf8)) }, now: Self.now)
        #expect(report.kind == .ecs)
        #expect(rec.requests.first?.url == "http://169.254.170.2/v2/credentials/abc")
    }
}
