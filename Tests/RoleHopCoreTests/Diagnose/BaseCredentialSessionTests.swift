import RoleHopCore
import RoleHopTestSupport
import Testing

/// A live session whose base is the container credentials endpoint (EKS Pod Identity) or instance metadata:
/// the base credentials are fetched once through the `rolehop pod` probes, then sign hop 1 (or
/// GetCallerIdentity); a failed fetch is the failure of the step that needed it.
@Suite("Live sessions on container and instance metadata bases")
struct BaseCredentialSessionTests {
    static let now = UTCTime.parseISO8601("2026-09-21T11:00:00Z") ?? Date()
    static let agentURL = "http://169.254.170.23/v1/credentials"
    static let tokenPath = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"
    static let podTokenCanary = "eyJhbGciOiJSUzI1NiJ9.BASE-POD-TOKEN-CANARY.sig"
    static let secretCanary = "BASE-SECRET-KEY-CANARY"
    static let sessionCanary = "BASE-SESSION-TOKEN-CANARY"
    static let imdsTokenCanary = "BASE-IMDS-TOKEN-CANARY"
    static let credentialsBody = """
        {"AccessKeyId":"ASIAEXAMPLEBASEKEY01","SecretAccessKey":"\(secretCanary)","Token":"\(sessionCanary)",
         "AccountId":"111122223333","Expiration":"2026-09-21T12:00:00Z"}
        """
    static let targetRole = "arn:aws:iam::444455556666:role/account-b-role"

    static let baseEnv = ["HOME": "/root", "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_STS": "http://sts.test"]
    static let podIdentityEnv = baseEnv.merging([
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": agentURL, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenPath,
    ]) { a, _ in a }
    static let ecsContainerConfig = """
        [profile target]
        role_arn = \(targetRole)
        credential_source = EcsContainer
        """
    static let imdsConfig = """
        [profile target]
        role_arn = \(targetRole)
        credential_source = Ec2InstanceMetadata
        """

    static func analysis(env: [String: String], config: String? = nil, profile: String? = nil) -> Analysis {
        var files = [tokenPath: podTokenCanary + "\n"]
        if let config { files["/root/.aws/config"] = config }
        return Analyzer.analyze(DiagnosisInput(fileSystem: MemoryFileSystem(files), hostFileSystem: MemoryFileSystem(files),
                                               environment: Environment(env), profile: profile, now: now))
    }

    static func xml(_ body: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/xml")], body: Array(body.utf8))
    }

    static let assumeRoleOK = xml("""
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>\
        <AssumedRoleUser><Arn>arn:aws:sts::444455556666:assumed-role/account-b-role/s</Arn><AssumedRoleId>AROAEXAMPLEB:s</AssumedRoleId></AssumedRoleUser>\
        <Credentials><SessionToken>hop-token-CANARY</SessionToken><SecretAccessKey>hop-secret-CANARY</SecretAccessKey>\
        <Expiration>2026-09-21T12:00:00Z</Expiration><AccessKeyId>ASIAEXAMPLEHOPKEY002</AccessKeyId></Credentials>\
        </AssumeRoleResult><ResponseMetadata><RequestId>req-2</RequestId></ResponseMetadata></AssumeRoleResponse>
        """)
    static let assumeRoleDenied = xml("""
        <ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:sts::111122223333:assumed-role/pod-role/eks-pod \
        is not authorized to perform: sts:AssumeRole on resource: \(targetRole)</Message></Error><RequestId>r</RequestId></ErrorResponse>
        """, status: 403)
    static func identity(_ arn: String, account: String) -> HTTPResponse {
        xml("""
            <GetCallerIdentityResponse><GetCallerIdentityResult><Arn>\(arn)</Arn><UserId>X</UserId>\
            <Account>\(account)</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId>\
            </ResponseMetadata></GetCallerIdentityResponse>
            """)
    }

    /// How the fake Pod Identity agent answers.
    enum Agent: Sendable { case credentials, status(Int), refuse }
    /// How the fake instance metadata service answers the token PUT.
    enum TokenPUT: Sendable { case answer, status(Int), timeout }

    /// One fake network: the agent, instance metadata and STS, told apart by host.
    static func network(agent: Agent = .credentials, put: TokenPUT = .answer, getTimesOut: Bool = false,
                        assumeRole: HTTPResponse = assumeRoleOK, recorder: Recorder) -> ClosureTransport {
        transport(recorder) { r throws(TransportError) in
            if r.url.hasPrefix("http://169.254.170.23") {
                switch agent {
                case .credentials: return HTTPResponse(status: 200, body: Array(credentialsBody.utf8))
                case let .status(s): return HTTPResponse(status: s, body: Array(#"{"message":"no association"}"#.utf8))
                case .refuse: throw .connectionRefused(host: "169.254.170.23", port: 80, detail: "refused")
                }
            }
            if r.url.hasPrefix("http://169.254.169.254") {
                if r.method == "PUT" {
                    switch put {
                    case .answer: return HTTPResponse(status: 200, body: Array(imdsTokenCanary.utf8))
                    case let .status(s): return HTTPResponse(status: s)
                    case .timeout: throw .readTimeout(seconds: 2, detail: "Operation timed out")
                    }
                }
                if getTimesOut { throw .readTimeout(seconds: 2, detail: "Operation timed out") }
                if r.url.hasSuffix("/instance-identity/document") {
                    return HTTPResponse(status: 200, body: Array(#"{"accountId":"111122223333","instanceId":"i-0123456789EXAMPLE"}"#.utf8))
                }
                if r.url.hasSuffix("/security-credentials/") { return HTTPResponse(status: 200, body: Array("eks-node-role-EXAMPLE\n".utf8)) }
                if r.url.hasSuffix("/security-credentials/eks-node-role-EXAMPLE") {
                    return HTTPResponse(status: 200, body: Array(("{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\"," + credentialsBody.dropFirst()).utf8))
                }
                return HTTPResponse(status: 404)
            }
            let body = String(decoding: r.body, as: UTF8.self)
            if body.contains("Action=AssumeRole&") { return assumeRole }
            if body.contains("Action=GetCallerIdentity&") {
                // Whoever signed: the hop's keys end as account B's role, the base's as the pod's own role.
                if r.header("Authorization")?.contains("Credential=ASIAEXAMPLEHOPKEY002/") == true {
                    return identity("arn:aws:sts::444455556666:assumed-role/account-b-role/s", account: "444455556666")
                }
                return identity("arn:aws:sts::111122223333:assumed-role/pod-role/eks-pod", account: "111122223333")
            }
            return HTTPResponse(status: 500)
        }
    }

    static func assertNoCanary(_ s: ChainSession, _ report: CheckReport) async {
        let snapshot = await s.snapshot(now: now).jsonObject.serialized()
        for text in [report.text(), report.jsonObject.serialized(), snapshot] {
            for c in [secretCanary, sessionCanary, podTokenCanary, imdsTokenCanary, "hop-secret-CANARY", "hop-token-CANARY"] {
                #expect(!text.contains(c), "an output leaks \(c)")
            }
            #expect(!text.contains("ASIAEXAMPLEBASEKEY01"), "an output shows the base access key unmasked")
        }
        let held = await s.heldSecrets.map(\.exposedValue)
        #expect(held.contains(secretCanary) && held.contains(sessionCanary))
    }

    @Test func podIdentityCredentialsSignGetCallerIdentityWhenThereIsNoHop() async {
        let a = Self.analysis(env: Self.podIdentityEnv)
        #expect(a.plans.isEmpty)
        let rec = Recorder()
        let s = ChainSession(analysis: a, transport: Self.network(recorder: rec), now: { Self.now })
        await s.runAll()
        let report = await CheckReport.from(s, generatedAt: Self.now)
        #expect(report.exitCode == 0, "\(report.text())")
        #expect(report.finalIdentity?.arn == "arn:aws:sts::111122223333:assumed-role/pod-role/eks-pod")
        // The agent got the token file's contents; STS got the agent's keys and session token.
        let agentCall = rec.requests.first { $0.url == Self.agentURL }
        #expect(agentCall?.header("Authorization") == Self.podTokenCanary)
        let sts = rec.requests.first { $0.url.hasPrefix("http://sts.test") }
        #expect(sts?.header("Authorization")?.contains("Credential=ASIAEXAMPLEBASEKEY01/") == true)
        #expect(sts?.header("X-Amz-Security-Token") == Self.sessionCanary)
        let ids = await s.allFindings.map(\.id)
        #expect(ids.contains("pod.identity.ok"))
        #expect(!ids.contains("diagnose.base-unavailable"))
        // The explorer says where the credentials came from.
        let snapshot = await s.snapshot(now: Self.now)
        let identityText = snapshot.nodes[1].tabs[.overview]?.map(\.text).joined(separator: "\n") ?? ""
        #expect(identityText.contains("from the Pod Identity agent at \(Self.agentURL)"))
        await Self.assertNoCanary(s, report)
    }

    @Test func ecsContainerCredentialSourceSignsTheAssumeRoleHopAndIsFetchedOnce() async {
        let a = Self.analysis(env: Self.podIdentityEnv, config: Self.ecsContainerConfig, profile: "target")
        #expect(a.plans.count == 1)
        let rec = Recorder()
        let s = ChainSession(analysis: a, transport: Self.network(recorder: rec), now: { Self.now })
        await s.runAll()
        #expect(await s.phases == [.succeeded, .succeeded])
        let assume = rec.requests.first { String(decoding: $0.body, as: UTF8.self).contains("Action=AssumeRole&") }
        #expect(assume?.header("Authorization")?.contains("Credential=ASIAEXAMPLEBASEKEY01/") == true)
        #expect(assume?.header("X-Amz-Security-Token") == Self.sessionCanary)
        #expect(await s.finalIdentity?.arn == "arn:aws:sts::444455556666:assumed-role/account-b-role/s")
        // Running hop 1 again reuses the fetched credentials: one call to the agent per session.
        await s.retry(node: 1)
        await s.runAll()
        #expect(await s.phases == [.succeeded, .succeeded])
        #expect(rec.requests.filter { $0.url == Self.agentURL }.count == 1)
        // Retrying the base node itself fetches again.
        await s.retry(node: 0)
        #expect(rec.requests.filter { $0.url == Self.agentURL }.count == 2)
        #expect(await s.phases == [.succeeded, .pending])
        await s.runAll()
        let hop1 = await s.liveFindings.filter { $0.id == "pod.identity.ok" }
        #expect(hop1.first?.hop == 1)
        let snapshot = await s.snapshot(now: Self.now)
        let hopText = snapshot.nodes[1].tabs[.overview]?.map(\.text).joined(separator: "\n") ?? ""
        #expect(hopText.contains("from the Pod Identity agent at \(Self.agentURL)"))
        let report = await CheckReport.from(s, generatedAt: Self.now)
        #expect(report.exitCode == 0)
        await Self.assertNoCanary(s, report)
    }

    /// Each failure of the agent: the step that needed the credentials is not run, with the probe's finding and
    /// the base failure attached to it, nothing is sent to STS, and the exit code is 1.
    @Test(arguments: [
        (Agent.status(403), "pod.identity.http-error", "HTTP 403"),
        (Agent.refuse, "pod.identity.unreachable", "did not answer"),
    ])
    func aFailedAgentFailsTheFirstHopWithItsFinding(agent: Agent, findingId: String, reasonPart: String) async {
        let a = Self.analysis(env: Self.podIdentityEnv, config: Self.ecsContainerConfig, profile: "target")
        let rec = Recorder()
        let s = ChainSession(analysis: a, transport: Self.network(agent: agent, recorder: rec), now: { Self.now })
        await s.runAll()
        #expect(await s.phases == [.failed, .pending])
        guard case let .skipped(why)? = await s.outcomes[0] else {
            Issue.record("hop 1 should be skipped")
            return
        }
        #expect(why.contains("could not be fetched from the Pod Identity agent at \(Self.agentURL)"))
        #expect(why.contains(reasonPart))
        #expect(!why.contains("rolehop pod"))
        // The final GetCallerIdentity, never run, names the same base failure.
        #expect(await s.outcomes[1] == .skipped(why))
        #expect(!rec.requests.contains { $0.url.hasPrefix("http://sts.test") })
        let findings = await s.allFindings
        #expect(findings.first { $0.id == findingId }?.hop == 1)
        #expect(findings.first { $0.id == "diagnose.base-unavailable" }?.severity == .fail)
        let report = await CheckReport.from(s, generatedAt: Self.now)
        #expect(report.exitCode == 1)
        #expect(report.text().contains(findingId))
        let snapshot = await s.snapshot(now: Self.now)
        #expect(snapshot.nodes[0].state == .failed)
        #expect(snapshot.nodes[1].state == .failed)
    }

    @Test func aFailedFetchIsTriedAgainWhenTheStepRunsAgain() async {
        let a = Self.analysis(env: Self.podIdentityEnv, config: Self.ecsContainerConfig, profile: "target")
        let rec = Recorder()
        let first = Self.network(agent: .status(500), recorder: rec)
        let then = Self.network(recorder: rec)
        let calls = CallCounter()
        // The agent fails once, then answers.
        let t = ClosureTransport { r throws(TransportError) in
            if r.url == Self.agentURL, calls.next() == 1 { return try await first.send(r) }
            return try await then.send(r)
        }
        let s = ChainSession(analysis: a, transport: t, now: { Self.now })
        await s.runAll()
        #expect(await s.phases == [.failed, .pending])
        await s.retry(node: 1)
        await s.runAll()
        #expect(await s.phases == [.succeeded, .succeeded])
        #expect(rec.requests.filter { $0.url == Self.agentURL }.count == 2)
        // The old failure is gone with the new fetch.
        #expect(!(await s.allFindings.contains { $0.id == "diagnose.base-unavailable" || $0.id == "pod.identity.http-error" }))
    }

    @Test func environmentCredentialSourceSignsWithTheEnvironmentKeys() async {
        var env = Self.baseEnv
        env["AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLEENVKEY001"
        env["AWS_SECRET_ACCESS_KEY"] = "env-secret-CANARY"
        let config = Self.ecsContainerConfig.replacing("EcsContainer", with: "Environment")
        let rec = Recorder()
        let s = ChainSession(analysis: Self.analysis(env: env, config: config, profile: "target"),
                             transport: Self.network(recorder: rec), now: { Self.now })
        await s.runAll()
        let assume = rec.requests.first { String(decoding: $0.body, as: UTF8.self).contains("Action=AssumeRole&") }
        #expect(assume?.header("Authorization")?.contains("Credential=AKIAEXAMPLEENVKEY001/") == true)
        #expect(assume?.header("X-Amz-Security-Token") == nil)
        #expect(!rec.requests.contains { $0.url.hasPrefix("http://169.254.") })
        #expect(await s.phases == [.succeeded, .succeeded])
    }

    @Test func aMissingTokenFileIsTheBaseFailure() async {
        var env = Self.podIdentityEnv
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/missing"
        let rec = Recorder()
        let s = ChainSession(analysis: Self.analysis(env: env), transport: Self.network(recorder: rec), now: { Self.now })
        await s.runAll()
        let ids = await s.allFindings.map(\.id)
        #expect(ids.contains("pod.identity.token-file-missing"))
        #expect(ids.contains("diagnose.base-unavailable"))
        #expect(rec.requests.isEmpty)
        #expect(await CheckReport.from(s, generatedAt: Self.now).exitCode == 1)
    }

    @Test func credentialsThenAccessDeniedIsAnSTSFailureOfHopOne() async {
        let a = Self.analysis(env: Self.podIdentityEnv, config: Self.ecsContainerConfig, profile: "target")
        let s = ChainSession(analysis: a, transport: Self.network(assumeRole: Self.assumeRoleDenied, recorder: Recorder()),
                             now: { Self.now })
        await s.runAll()
        #expect(await s.phases == [.failed, .pending])
        #expect(await s.outcomes[0]?.call?.failure != nil)
        let ids = await s.allFindings.map(\.id)
        #expect(ids.contains("sts.access-denied"))
        #expect(ids.contains("pod.identity.ok"))
        #expect(!ids.contains("diagnose.base-unavailable"))
        #expect(await CheckReport.from(s, generatedAt: Self.now).exitCode == 1)
    }

    @Test func instanceMetadataCredentialsSignTheHopWithTheIMDSv2Token() async {
        let a = Self.analysis(env: Self.baseEnv, config: Self.imdsConfig, profile: "target")
        #expect(a.plans.count == 1)
        let rec = Recorder()
        let s = ChainSession(analysis: a, transport: Self.network(recorder: rec), now: { Self.now })
        await s.runAll()
        #expect(await s.phases == [.succeeded, .succeeded])
        let credsGet = rec.requests.first { $0.url == "http://169.254.169.254/latest/meta-data/iam/security-credentials/eks-node-role-EXAMPLE" }
        #expect(credsGet?.method == "GET")
        #expect(credsGet?.header("X-aws-ec2-metadata-token") == Self.imdsTokenCanary)
        let assume = rec.requests.first { String(decoding: $0.body, as: UTF8.self).contains("Action=AssumeRole&") }
        #expect(assume?.header("X-Amz-Security-Token") == Self.sessionCanary)
        let findings = await s.allFindings
        #expect(findings.first { $0.id == "imds.credentials" }?.hop == 1)
        // The chain's own source: no "falls back to the node role" judgement.
        #expect(!findings.contains { $0.id.hasPrefix("imds.node-role") })
        let snapshot = await s.snapshot(now: Self.now)
        #expect(snapshot.nodes[0].detail == "role eks-node-role-EXAMPLE")
        let hopText = snapshot.nodes[1].tabs[.overview]?.map(\.text).joined(separator: "\n") ?? ""
        #expect(hopText.contains("from instance metadata (role eks-node-role-EXAMPLE)"))
        await Self.assertNoCanary(s, await CheckReport.from(s, generatedAt: Self.now))
        #expect(await s.heldSecrets.map(\.exposedValue).contains(Self.imdsTokenCanary))
    }

    @Test func aRefusedTokenPUTWithIMDSv1DisabledFailsTheBase() async {
        var env = Self.baseEnv
        env["AWS_EC2_METADATA_V1_DISABLED"] = "true"
        let a = Self.analysis(env: env, config: Self.imdsConfig, profile: "target")
        let rec = Recorder()
        let s = ChainSession(analysis: a, transport: Self.network(put: .status(403), recorder: rec), now: { Self.now })
        await s.runAll()
        #expect(await s.phases == [.failed, .pending])
        guard case let .skipped(why)? = await s.outcomes[0] else {
            Issue.record("hop 1 should be skipped")
            return
        }
        #expect(why.contains("could not be fetched from instance metadata"))
        let findings = await s.allFindings
        #expect(findings.first { $0.id == "imds.unreachable" }?.hop == 1)
        #expect(findings.contains { $0.id == "diagnose.base-unavailable" && $0.severity == .fail })
        #expect(rec.requests.count == 1, "only the PUT: IMDSv1 is disabled")
        #expect(await CheckReport.from(s, generatedAt: Self.now).exitCode == 1)
    }

    @Test func aTimedOutTokenPUTFallsBackToIMDSv1AndSaysSo() async {
        let a = Self.analysis(env: Self.baseEnv, config: Self.imdsConfig, profile: "target")
        let rec = Recorder()
        let s = ChainSession(analysis: a, transport: Self.network(put: .timeout, recorder: rec), now: { Self.now })
        await s.runAll()
        #expect(await s.phases == [.succeeded, .succeeded])
        let ids = await s.allFindings.map(\.id)
        #expect(ids.contains("imds.v1-fallback"))
        #expect(rec.requests.filter { $0.url.hasPrefix("http://169.254.169.254") && $0.method == "GET" }
            .allSatisfy { $0.header("X-aws-ec2-metadata-token") == nil })
    }

    @Test func theIMDSHopLimitIsTheBaseFailureOfHopOne() async {
        // AWS_PROFILE is an "earlier source" for `rolehop pod`; here instance metadata is the chain's own source,
        // so the hop limit is a failure, not a harmless fallback.
        var env = Self.baseEnv
        env["AWS_PROFILE"] = "target"
        let a = Self.analysis(env: env, config: Self.imdsConfig)
        let s = ChainSession(analysis: a, transport: Self.network(getTimesOut: true, recorder: Recorder()), now: { Self.now })
        await s.runAll()
        #expect(await s.phases == [.failed, .pending])
        let findings = await s.allFindings
        #expect(findings.first { $0.id == "imds.hop-limit" }?.hop == 1)
        #expect(findings.first { $0.id == "imds.hop-limit" }?.severity == .fail)
        let base = findings.first { $0.id == "diagnose.base-unavailable" }
        #expect(base?.evidence.first?.value.hasPrefix("imds.hop-limit") == true)
        guard case let .skipped(why)? = await s.outcomes[0] else {
            Issue.record("hop 1 should be skipped")
            return
        }
        #expect(why.contains("the hop-limit trap"))
    }

    @Test func cancellingDuringTheFetchCancelsTheStepAndKeepsNothing() async {
        let a = Self.analysis(env: Self.podIdentityEnv, config: Self.ecsContainerConfig, profile: "target")
        let started = CallCounter()
        // The agent never answers; the transport honours cancellation as CurlTransport does.
        let t = ClosureTransport { _ throws(TransportError) in
            _ = started.next()
            do { try await Task.sleep(for: .seconds(30)) } catch { throw .cancelled }
            return HTTPResponse(status: 500)
        }
        let s = ChainSession(analysis: a, transport: t, now: { Self.now })
        let run = Task { await s.runAll() }
        while started.value == 0 { try? await Task.sleep(for: .milliseconds(5)) }
        run.cancel()
        await run.value
        #expect(await s.phases == [.cancelled, .pending])
        #expect(await s.baseCredentialFetch == nil)
        #expect(!(await s.allFindings.contains { $0.id == "diagnose.base-unavailable" }))
    }

    @Test func offlineNeverCallsTheAgent() async {
        let a = Self.analysis(env: Self.podIdentityEnv, config: Self.ecsContainerConfig, profile: "target")
        let rec = Recorder()
        let s = ChainSession(analysis: a, transport: Self.network(recorder: rec), now: { Self.now }, mode: .offline)
        await s.runAll()
        #expect(rec.requests.isEmpty)
        #expect(await s.baseCredentialFetch == nil)
    }
}

/// Counts calls across concurrent requests (tests only).
final class CallCounter: @unchecked Sendable {
    private var n = 0
    private let lock = TestLock()
    func next() -> Int { lock.with { n += 1; return n } }
    var value: Int { lock.with { n } }
}
