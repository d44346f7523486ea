import RoleHopCore
import RoleHopTestSupport
import Testing

/// The diagnosis layer over one layer of fakes: files in memory, STS behind a closure transport.
@Suite("Diagnosis (in memory)")
struct DiagnosisTests {
    static let now = Date(timeIntervalSince1970: 1_795_950_000)

    static func input(files: [String: String], env: [String: String], policyDir: String? = nil) -> DiagnosisInput {
        DiagnosisInput(fileSystem: MemoryFileSystem(files), hostFileSystem: MemoryFileSystem(files),
                       environment: Environment(env), policyDirectory: policyDir, now: now)
    }

    static let staticKeys = ["HOME": "/root", "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEDIAG00001",
                             "AWS_SECRET_ACCESS_KEY": "diag-secret-CANARY", "AWS_REGION": "us-east-1",
                             "AWS_ENDPOINT_URL_STS": "http://sts.test"]

    static func identity(_ arn: String, account: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "text/xml")], body: Array("""
            <GetCallerIdentityResponse><GetCallerIdentityResult><Arn>\(arn)</Arn><UserId>X</UserId>\
            <Account>\(account)</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId>\
            </ResponseMetadata></GetCallerIdentityResponse>
            """.utf8))
    }

    @Test func finalIdentityOnTheNodeRoleIsAFailure() async {
        let a = Analyzer.analyze(Self.input(files: [:], env: Self.staticKeys))
        let t = ClosureTransport { _ in Self.identity("arn:aws:sts::111122223333:assumed-role/eks-node-role/i-0123456789abcdef0", account: "111122223333") }
        let s = ChainSession(analysis: a, transport: t, now: { Self.now })
        await s.runAll()
        let ids = await s.allFindings.map(\.id)
        #expect(ids.contains("identity.node-role"))
        let report = await CheckReport.from(s, generatedAt: Self.now)
        #expect(report.exitCode == 1)
    }

    @Test func staticKeysAloneGiveOneStepAndAWorkingChain() async {
        let a = Analyzer.analyze(Self.input(files: [:], env: Self.staticKeys))
        #expect(a.plans.isEmpty)
        let t = ClosureTransport { req in
            #expect(req.header("Authorization")?.contains("Credential=AKIAEXAMPLEDIAG00001/") == true)
            return Self.identity("arn:aws:iam::111122223333:user/dev", account: "111122223333")
        }
        let s = ChainSession(analysis: a, transport: t, now: { Self.now })
        await s.runAll()
        let report = await CheckReport.from(s, generatedAt: Self.now)
        #expect(report.exitCode == 0)
        #expect(report.finalIdentity?.arn == "arn:aws:iam::111122223333:user/dev")
        // Secrets of the base credentials are handed to the scrubbers, and no rendering shows them.
        #expect(await s.heldSecrets.map(\.exposedValue).contains("diag-secret-CANARY"))
        #expect(!report.text().contains("diag-secret-CANARY"))
        #expect(!report.jsonObject.serialized().contains("diag-secret-CANARY"))
    }

    @Test func aMountedTokenWithoutIRSAVariablesIsReportedAndFailsWhenTheNodeWouldWin() {
        let files = [TokenFile.eksDefaultPath: "header.payload.signature"]
        let a = Analyzer.analyze(Self.input(files: files, env: ["HOME": "/root"]))
        let f = a.findings.first { $0.id == "irsa.env-missing" }
        #expect(f?.severity == .fail)
        #expect(f?.fix.contains("rollout restart") == true)
        // With static keys the app still runs (as something else): a warning.
        let b = Analyzer.analyze(Self.input(files: files, env: Self.staticKeys))
        #expect(b.findings.first { $0.id == "irsa.env-missing" }?.severity == .warn)
    }

    @Test func aDeniedCallThatThePoliciesAllowContradictsThePrediction() async {
        let config = """
            [profile dev]
            aws_access_key_id = AKIAEXAMPLEDIAG00002
            aws_secret_access_key = another-secret-CANARY
            [profile target]
            role_arn = arn:aws:iam::444455556666:role/target
            source_profile = dev
            """
        let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}]}"#
        var env = Self.staticKeys
        env["AWS_ACCESS_KEY_ID"] = nil
        env["AWS_SECRET_ACCESS_KEY"] = nil
        let a = Analyzer.analyze(DiagnosisInput(
            fileSystem: MemoryFileSystem(["/root/.aws/config": config]),
            hostFileSystem: MemoryFileSystem(["/docs/target.trust.json": trust]),
            environment: Environment(env), profile: "target", policyDirectory: "/docs", now: Self.now))
        #expect(a.plans.count == 1)
        // Static keys: the caller's ARN is known only live, so the trust cannot be judged offline.
        #expect(a.plans[0].predicted == .info)
        let denied = HTTPResponse(status: 403, body: Array("""
            <ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::111122223333:user/dev \
            is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444455556666:role/target</Message></Error>\
            <RequestId>r</RequestId></ErrorResponse>
            """.utf8))
        let s = ChainSession(analysis: a, transport: ClosureTransport { _ in denied }, now: { Self.now })
        await s.runNext()
        let phases = await s.phases
        #expect(phases == [.failed, .pending])
        let ids = await s.allFindings.map(\.id)
        #expect(ids.contains("sts.access-denied"))
        // Not predicted ok, so no contradiction is claimed.
        #expect(!ids.contains("diagnose.prediction-contradicted"))
        let snapshot = await s.snapshot(now: Self.now)
        #expect(snapshot.focusNode == 1)
        #expect(snapshot.nodes[1].state == .failed)
    }

    @Test func reportTextWrapsToTheWidthAndKeepsIndentation() {
        let lines = CheckReport.wrapLine("  fix: " + String(repeating: "word ", count: 30), width: 40, indent: 7)
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.count <= 40 })
        #expect(lines[0].hasPrefix("  fix: "))
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("       ") })
        let long = CheckReport.wrapLine("  " + String(repeating: "x", count: 100), width: 30, indent: 4)
        #expect(long.allSatisfy { $0.count <= 30 })
        #expect(long.joined().filter { $0 == "x" }.count == 100)
    }

    /// A role whose documents carry MaxSessionDuration (`aws iam get-role` JSON in --policy-dir, or an IAM read)
    /// and a profile asking for longer: predicted to fail before any call, with both values and their sources.
    @Test(arguments: [(7200, true), (3600, false), (nil as Int?, false)])
    func aDurationOverTheRolesMaximumIsPredictedToFail(duration: Int?, fails: Bool) {
        let config = """
            [profile app]
            role_arn = arn:aws:iam::111122223333:role/app
            web_identity_token_file = /token
            """ + (duration.map { "\nduration_seconds = \($0)" } ?? "")
        let getRole = #"{"Role": {"RoleName": "app", "MaxSessionDuration": 3600, "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.example"}, "Action": "sts:AssumeRoleWithWebIdentity"}]}}}"#
        let files = ["/root/.aws/config": config, "/token": "a.b.c", "/policies/app.trust.json": getRole]
        let a = Analyzer.analyze(Self.input(files: files, env: ["HOME": "/root", "AWS_PROFILE": "app", "AWS_REGION": "us-east-1"],
                                            policyDir: "/policies"))
        let plan = a.plans.first
        #expect(plan?.maxSessionDuration?.value == 3600)
        #expect(plan?.maxSessionDuration?.source.description.contains("/policies/app.trust.json") == true)
        let f = a.findings.first { $0.id == "diagnose.duration-exceeds-max" }
        #expect((f != nil) == fails)
        if fails {
            #expect(plan?.predicted == .fail)
            #expect(f?.severity == .fail)
            #expect(f?.evidence.map(\.value) == ["7200", "3600"])
            #expect(f?.hop == 1)
        }
    }

    /// The same maximum read live from IAM reaches the plan through `Analyzer.applying(remote:to:)`.
    @Test func aMaximumReadFromIAMIsAppliedToThePlan() {
        let config = """
            [profile app]
            role_arn = arn:aws:iam::111122223333:role/app
            web_identity_token_file = /token
            duration_seconds = 43200
            """
        let a = Analyzer.analyze(Self.input(files: ["/root/.aws/config": config, "/token": "a.b.c"],
                                            env: ["HOME": "/root", "AWS_PROFILE": "app", "AWS_REGION": "us-east-1"]))
        #expect(!a.findings.contains { $0.id == "diagnose.duration-exceeds-max" })
        var docs = RoleDocuments(roleName: "app")
        docs.maxSessionDuration = 7200
        let b = Analyzer.applying(remote: [0: docs], to: a)
        #expect(b.plans.first?.maxSessionDuration?.source == .remote("IAM GetRole"))
        #expect(b.findings.contains { $0.id == "diagnose.duration-exceeds-max" && $0.hop == 1 })
        #expect(b.plans.first?.predicted == .fail)
    }
}
