import RoleHopCore
import RoleHopCurl
import RoleHopTestSupport
import Testing

/// A web identity token for moto: well-formed JWT, unsigned-looking, no real secret (moto does not verify it).
func fakeWebIdentityToken() -> Secret {
    func b64(_ s: String) -> String {
        Base64URL.encode(Array(s.utf8))
    }
    let header = b64(#"{"alg":"RS256","kid":"FAKE-kid"}"#)
    let payload = b64(#"{"iss":"https://oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE","# +
                      #""sub":"system:serviceaccount:default:my-sa","aud":"sts.amazonaws.com","exp":4102444800}"#)
    return Secret(header + "." + payload + ".FAKE-signature-CANARY")
}

let roleA = "arn:aws:iam::111122223333:role/account-a-role"
let roleB = "arn:aws:iam::444455556666:role/account-b-role"

func liveClient(attempts: Int = 3) -> STSClient {
    STSClient(transport: CurlTransport(), retryPolicy: RetryPolicy(maxAttempts: attempts, baseDelay: 0.01), now: { Date() })
}

/// Switches moto's request authentication on (0 unauthenticated actions left).
func switchOnMotoAuth(_ server: LoopbackServer) async throws {
    let r = try await CurlTransport().send(HTTPRequest(method: "POST", url: server.endpoint + "/moto-api/reset-auth",
                                                       headers: [("Content-Type", "text/plain")], body: Array("0".utf8)))
    #expect(r.status == 200)
}

@Suite("STS live against moto (loopback)", .serialized)
struct STSMotoLiveTests {
    @Test func referenceScenarioEndToEnd() async throws {
        let moto = try await MotoServer.shared()
        let c = liveClient()
        let hop1 = await c.assumeRoleWithWebIdentity(endpoint: moto.endpoint, roleArn: roleA, sessionName: "rolehop-hop1",
                                                     token: fakeWebIdentityToken(), durationSeconds: 3600)
        let a = try #require(hop1.success?.credentials, "hop 1 failed: \(hop1.outcome)")
        #expect(hop1.success?.assumedRoleArn == "arn:aws:sts::111122223333:assumed-role/account-a-role/rolehop-hop1")
        #expect(a.expiration != nil)
        let hop2 = await c.assumeRole(endpoint: moto.endpoint, region: "us-east-1", credentials: a.awsCredentials,
                                      parameters: AssumeRoleParameters(roleArn: roleB, sessionName: "rolehop-hop2"))
        let b = try #require(hop2.success?.credentials, "hop 2 failed: \(hop2.outcome)")
        #expect(hop2.trace != nil)
        let who = await c.getCallerIdentity(endpoint: moto.endpoint, region: "us-east-1", credentials: b.awsCredentials)
        let arn = try #require(who.success?.callerIdentity?.arn)
        #expect(arn.hasPrefix("arn:aws:sts::444455556666:assumed-role/account-b-role/"))
        #expect(who.attempts.count == 1)
        #expect(who.attempts[0].timings.total > 0)
        // Nothing secret in any recorded rendering.
        for r in [hop1, hop2, who] {
            let text = "\(r)"
            #expect(!text.contains(a.secretAccessKey.exposedValue))
            #expect(!text.contains(b.sessionToken.exposedValue))
            #expect(!text.contains("FAKE-signature-CANARY"))
        }
    }

    @Test func signedRequestsAcceptedWithAuthenticationOn() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let c = liveClient()
        // moto 5 answers an unsigned AssumeRoleWithWebIdentity with HTTP 500 once authentication is on (it reads
        // the Authorization header unconditionally), so hop 1 runs before switching it on. See docs/sts.md.
        let hop1 = await c.assumeRoleWithWebIdentity(endpoint: moto.endpoint, roleArn: roleA, sessionName: "rolehop-auth",
                                                     token: fakeWebIdentityToken())
        let a = try #require(hop1.success?.credentials)
        try await switchOnMotoAuth(moto)

        let hop2 = await c.assumeRole(endpoint: moto.endpoint, region: "us-east-1", credentials: a.awsCredentials,
                                      parameters: AssumeRoleParameters(roleArn: roleB, sessionName: "rolehop-auth-b"))
        let b = try #require(hop2.success?.credentials, "moto rejected rolehop's signature: \(hop2.outcome)")
        let who = await c.getCallerIdentity(endpoint: moto.endpoint, region: "us-east-1", credentials: b.awsCredentials)
        #expect(who.success?.callerIdentity?.arn.hasPrefix("arn:aws:sts::444455556666:assumed-role/account-b-role/") == true)

        // A wrong secret: moto verifies with botocore's signer and says SignatureDoesNotMatch.
        let wrong = AWSCredentials(accessKeyId: a.accessKeyId, secretAccessKey: Secret("wrong-secret-EXAMPLE"),
                                   sessionToken: a.sessionToken)
        let bad = await c.getCallerIdentity(endpoint: moto.endpoint, region: "us-east-1", credentials: wrong)
        #expect(bad.failure?.awsCode == "SignatureDoesNotMatch")
        #expect(bad.attempts.count == 1)
        #expect(STSErrorClassifier.findings(for: bad).map(\.id) == ["sts.signature-mismatch"])

        // IAM reads with A's credentials are denied: a finding that explains --policy-dir.
        let docs = await c.fetchRoleDocuments(endpoint: moto.endpoint, credentials: a.awsCredentials,
                                              roleName: "account-a-role")
        #expect(docs.findings.map(\.id) == ["sts.iam-read-denied"])
        #expect(docs.calls.first?.failure?.awsCode == "AccessDenied")
    }

    @Test func missingIdentityPermissionIsAccessDenied() async throws {
        let moto = try await MotoServer.start(seed: RoleHopTestSupport.RepoPaths.root + "/Tests/Servers/seed-no-assume-permission.json")
        defer { moto.stop() }
        let c = liveClient()
        let hop1 = await c.assumeRoleWithWebIdentity(endpoint: moto.endpoint, roleArn: roleA, sessionName: "rolehop-deny",
                                                     token: fakeWebIdentityToken())
        let a = try #require(hop1.success?.credentials)
        try await switchOnMotoAuth(moto)
        let hop2 = await c.assumeRole(endpoint: moto.endpoint, region: "us-east-1", credentials: a.awsCredentials,
                                      parameters: AssumeRoleParameters(roleArn: roleB, sessionName: "rolehop-deny-b"))
        guard case let .aws(e, status) = hop2.failure else { Issue.record("expected AccessDenied, got \(hop2.outcome)"); return }
        #expect(e.code == "AccessDenied")
        #expect(status == 403)
        #expect(e.message.contains("is not authorized to perform: sts:AssumeRole"))
        #expect(hop2.attempts.count == 1)
        #expect(STSErrorClassifier.findings(for: hop2).map(\.id) == ["sts.access-denied"])
    }

    @Test func iamReadsOfTheReferenceRole() async throws {
        // Unauthenticated moto answers IAM reads for any caller of the account: the read path end to end, with
        // hop 1's credentials so that moto picks account A (it maps unknown access keys to 123456789012).
        let moto = try await MotoServer.shared()
        let hop1 = await liveClient().assumeRoleWithWebIdentity(endpoint: moto.endpoint, roleArn: roleA,
                                                                sessionName: "rolehop-iam", token: fakeWebIdentityToken())
        let a = try #require(hop1.success?.credentials)
        let docs = await liveClient().fetchRoleDocuments(endpoint: moto.endpoint, credentials: a.awsCredentials,
                                                         roleName: "account-a-role")
        #expect(docs.findings.isEmpty, "\(docs.findings)")
        #expect(docs.complete)
        let trust = try JSONParser.parse(try #require(docs.trustPolicy?.document)).value
        #expect(trust["Statement"]?.arrayValue?.first?["Action"]?.stringValue == "sts:AssumeRoleWithWebIdentity")
        #expect(docs.identityPolicies.map(\.name) == ["assume-account-b-role"])
        #expect(docs.maxSessionDuration == 3600)
    }
}

private func fixtureText(_ name: String) -> String {
    readTextFile(RepoPaths.testData("sigv4/responses/" + name)) ?? ""
}

@Suite("STS live against a scripted server (loopback)")
struct STSScriptedLiveTests {
    let creds = AWSCredentials(accessKeyId: "AKIAEXAMPLESCRIPT001", secretAccessKey: Secret("script-secret-EXAMPLE"))

    @Test func throttlingThenSuccessShowsTheRetry() async throws {
        let server = try await ScriptedServer.start([
            ScriptedServer.step(status: 400, body: fixtureText("throttling.xml")),
            ScriptedServer.step(status: 200, body: fixtureText("get-caller-identity.xml")),
        ])
        defer { server.stop() }
        let r = await liveClient().getCallerIdentity(endpoint: server.endpoint, region: "us-east-1", credentials: creds)
        #expect(r.succeeded)
        #expect(r.attempts.map { $0.errorCode ?? "ok" } == ["Throttling", "ok"])
        #expect(r.attempts[1].backoffBefore >= 0)
        #expect(STSErrorClassifier.findings(for: r).map(\.id) == ["sts.throttled"])
    }

    @Test func serverErrorIsRetriedThenReported() async throws {
        let server = try await ScriptedServer.start([ScriptedServer.step(status: 500, body: "Internal Server Error")])
        defer { server.stop() }
        let r = await liveClient().getCallerIdentity(endpoint: server.endpoint, region: "us-east-1", credentials: creds)
        #expect(r.attempts.count == 3)
        #expect(STSErrorClassifier.findings(for: r).map(\.id) == ["sts.server-error"])
    }

    @Test func malformedXML() async throws {
        let server = try await ScriptedServer.start([ScriptedServer.step(status: 200, body: fixtureText("malformed.xml"))])
        defer { server.stop() }
        let r = await liveClient().getCallerIdentity(endpoint: server.endpoint, region: "us-east-1", credentials: creds)
        #expect(STSErrorClassifier.findings(for: r).map(\.id) == ["sts.malformed-response"])
    }

    @Test func slowResponseIsCutAtTheTimeout() async throws {
        let server = try await ScriptedServer.start([
            ScriptedServer.step(status: 200, body: fixtureText("get-caller-identity.xml"),
                                extra: [("delayBeforeHeaders", .number(10))]),
        ])
        defer { server.stop() }
        let c = STSClient(transport: CurlTransport(), retryPolicy: RetryPolicy(baseDelay: 0.01), now: { Date() },
                          timeout: 0.5, connectTimeout: 0.5)
        let started = monotonicNow()
        let r = await c.getCallerIdentity(endpoint: server.endpoint, region: "us-east-1", credentials: creds)
        // Far below the server's 10 s delay even on a loaded machine (tight bounds live in TimeoutTimingTests).
        #expect(monotonicNow() - started < 8)
        guard case .transport(.readTimeout) = r.failure else { Issue.record("expected read timeout: \(r.outcome)"); return }
        #expect(r.attempts.count == 1)
        #expect(STSErrorClassifier.findings(for: r).map(\.id) == ["net.timeout"])
    }

    struct AWSCase: Sendable, CustomTestStringConvertible {
        var file: String
        var status: Int
        var finding: String
        var testDescription: String { file }
    }

    @Test(arguments: [
        AWSCase(file: "invalid-identity-token.xml", status: 400, finding: "sts.invalid-identity-token"),
        AWSCase(file: "expired-token.xml", status: 400, finding: "sts.expired-token"),
        AWSCase(file: "chaining-duration.xml", status: 400, finding: "sts.chaining-duration-limit"),
    ])
    func awsErrorBodies(_ c: AWSCase) async throws {
        let server = try await ScriptedServer.start([ScriptedServer.step(status: c.status, body: fixtureText(c.file),
                                                                         headers: [("Content-Type", "text/xml")])])
        defer { server.stop() }
        let r = await liveClient().assumeRoleWithWebIdentity(endpoint: server.endpoint, roleArn: roleA,
                                                             sessionName: "rolehop", token: fakeWebIdentityToken(),
                                                             durationSeconds: 7200)
        #expect(r.attempts.count == 1)
        #expect(STSErrorClassifier.findings(for: r).map(\.id) == [c.finding])
        #expect(r.requestId?.hasPrefix("9d5a1f0c-") == true)
    }
}
