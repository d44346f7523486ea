import RoleHopCore
import RoleHopTestSupport
import Testing

/// `--read-iam` and the explorer's `i`: role documents read live from IAM feed the same trust evaluation as
/// `--policy-dir` files. The reference chain (web identity into A's role, AssumeRole into B's) over a fake
/// network: STS at sts.test, IAM at iam.test, each answer chosen by the key that signed the request.
@Suite("Role documents read live from IAM")
struct IAMReadSessionTests {
    static let now = TokenTestData.now
    static let tokenPath = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"
    static let hop1Key = "ASIAEXAMPLEHOPONE001"
    static let hop2Key = "ASIAEXAMPLEHOPTWO002"
    static let issuerHost = String(TokenTestData.issuer.dropFirst("https://".count))

    static func config(accountB: String) -> String {
        """
        [profile account_b_role]
        source_profile = account_a_role
        role_arn = arn:aws:iam::\(accountB):role/account-b-role
        [profile account_a_role]
        web_identity_token_file = \(tokenPath)
        role_arn = arn:aws:iam::111122223333:role/account-a-role
        """
    }

    static let env = ["HOME": "/root", "AWS_REGION": "us-east-1", "AWS_PROFILE": "account_b_role",
                      "AWS_ENDPOINT_URL_STS": "http://sts.test", "AWS_ENDPOINT_URL_IAM": "http://iam.test"]

    static func analysis(accountB: String = "444455556666", policies: [String: String] = [:]) -> Analysis {
        var host: [String: String] = [:]
        for (name, text) in policies { host["/docs/" + name] = text }
        return Analyzer.analyze(DiagnosisInput(
            fileSystem: MemoryFileSystem(["/root/.aws/config": config(accountB: accountB),
                                          tokenPath: TokenTestData.text("valid-rs256")]),
            hostFileSystem: MemoryFileSystem(host), environment: Environment(env),
            policyDirectory: policies.isEmpty ? nil : "/docs", now: now))
    }

    /// account-a-role's trust: the cluster's provider, with a condition on the token's subject.
    static func trustA(sub: String) -> String {
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/"#
            + issuerHost + #""},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{""#
            + issuerHost + #":sub":""# + sub + #"",""# + issuerHost + #":aud":"sts.amazonaws.com"}}}]}"#
    }

    static func trustB(account: String) -> String {
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}"#
    }

    static let identityA = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#

    static func encode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                out.append(Character(Unicode.Scalar(b)))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 15)])
            }
        }
        return out
    }

    static func xml(_ body: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/xml")], body: Array(body.utf8))
    }

    static func credentialsResponse(_ action: String, key: String, arn: String) -> HTTPResponse {
        xml("""
            <\(action)Response><\(action)Result><AssumedRoleUser><Arn>\(arn)</Arn><AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId></AssumedRoleUser>\
            <Credentials><SessionToken>token-\(key)-CANARY</SessionToken><SecretAccessKey>secret-\(key)-CANARY</SecretAccessKey>\
            <Expiration>2026-12-01T12:00:00Z</Expiration><AccessKeyId>\(key)</AccessKeyId></Credentials>\
            </\(action)Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></\(action)Response>
            """)
    }

    static let denied = xml("""
        <ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: \
        iam:GetRole</Message></Error><RequestId>iam-req</RequestId></ErrorResponse>
        """, status: 403)

    /// A tiny IAM holding `roles` (name -> trust, inline identity policies).
    static func iam(_ action: String, _ body: String, roles: [String: (trust: String, inline: [String: String])]) -> HTTPResponse {
        func param(_ name: String) -> String? {
            for pair in body.split(separator: "&") where pair.hasPrefix(name + "=") {
                return STSClient.urlDecode(String(pair.dropFirst(name.count + 1)))
            }
            return nil
        }
        guard let roleName = param("RoleName"), let role = roles[roleName] else {
            return xml("<ErrorResponse><Error><Code>NoSuchEntity</Code><Message>not found</Message></Error></ErrorResponse>", status: 404)
        }
        switch action {
        case "GetRole":
            return xml("<GetRoleResponse><GetRoleResult><Role><RoleName>\(roleName)</RoleName><AssumeRolePolicyDocument>\(encode(role.trust))</AssumeRolePolicyDocument><MaxSessionDuration>3600</MaxSessionDuration></Role></GetRoleResult></GetRoleResponse>")
        case "ListRolePolicies":
            let members = role.inline.keys.sorted().map { "<member>\($0)</member>" }.joined()
            return xml("<ListRolePoliciesResponse><ListRolePoliciesResult><PolicyNames>\(members)</PolicyNames><IsTruncated>false</IsTruncated></ListRolePoliciesResult></ListRolePoliciesResponse>")
        case "GetRolePolicy":
            let name = param("PolicyName") ?? ""
            return xml("<GetRolePolicyResponse><GetRolePolicyResult><PolicyName>\(name)</PolicyName><PolicyDocument>\(encode(role.inline[name] ?? "{}"))</PolicyDocument></GetRolePolicyResult></GetRolePolicyResponse>")
        case "ListAttachedRolePolicies":
            return xml("<ListAttachedRolePoliciesResponse><ListAttachedRolePoliciesResult><AttachedPolicies></AttachedPolicies><IsTruncated>false</IsTruncated></ListAttachedRolePoliciesResult></ListAttachedRolePoliciesResponse>")
        default:
            return xml("<ErrorResponse><Error><Code>InvalidAction</Code><Message>\(action)</Message></Error></ErrorResponse>", status: 400)
        }
    }

    /// The network: STS succeeds for every hop; IAM answers with `iamAnswer(signing key, action, body)`.
    static func network(_ rec: Recorder, accountB: String = "444455556666",
                        iamAnswer: @escaping @Sendable (String, String, String) -> HTTPResponse) -> ClosureTransport {
        transport(rec) { r in
            let body = String(decoding: r.body, as: UTF8.self)
            let action = body.split(separator: "&").first.map { String($0.dropFirst("Action=".count)) } ?? ""
            if r.url.hasPrefix("http://iam.test") {
                let auth = r.header("Authorization") ?? ""
                let key = [hop1Key, hop2Key].first { auth.contains("Credential=\($0)/") } ?? "?"
                return iamAnswer(key, action, body)
            }
            switch action {
            case "AssumeRoleWithWebIdentity":
                return credentialsResponse(action, key: hop1Key, arn: "arn:aws:sts::111122223333:assumed-role/account-a-role/s")
            case "AssumeRole":
                return credentialsResponse(action, key: hop2Key, arn: "arn:aws:sts::\(accountB):assumed-role/account-b-role/s")
            default:
                return xml("""
                    <GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:sts::\(accountB):assumed-role/account-b-role/s</Arn>\
                    <UserId>X</UserId><Account>\(accountB)</Account></GetCallerIdentityResult></GetCallerIdentityResponse>
                    """)
            }
        }
    }

    /// Each role readable by its own session only (as IAM does across accounts).
    static func selfReading(subA: String) -> @Sendable (String, String, String) -> HTTPResponse {
        { key, action, body in
            let roles: [String: (trust: String, inline: [String: String])] = key == hop1Key
                ? ["account-a-role": (trustA(sub: subA), ["assume-account-b-role": identityA])]
                : key == hop2Key ? ["account-b-role": (trustB(account: "444455556666"), [:])] : [:]
            return iam(action, body, roles: roles)
        }
    }

    static func iamRequests(_ rec: Recorder) -> [HTTPRequest] { rec.requests.filter { $0.url.hasPrefix("http://iam.test") } }

    @Test func fetchedTrustPoliciesAreEvaluatedAndShownAsFromIAM() async throws {
        let rec = Recorder()
        let sub = try #require(TokenTestData.named("valid-rs256")?.payload["sub"]?.stringValue)
        let s = ChainSession(analysis: Self.analysis(), transport: Self.network(rec, iamAnswer: Self.selfReading(subA: sub)),
                             retryPolicy: .none, now: { Self.now }, readIAM: true)
        #expect(s.analysis.plans.allSatisfy { $0.trustPolicy == nil })
        await s.runAll()
        let current = await s.currentAnalysis
        #expect(current.plans.map { $0.trustPolicy?.source } == [.remote("IAM GetRole"), .remote("IAM GetRole")])
        // Hop 1: the fetched trust policy's conditions on sub and aud are evaluated against the token.
        #expect(current.plans[0].trust?.decision == .allowed)
        #expect(current.plans[0].predicted == .ok)
        // Hop 2: account-a-role's fetched identity policy is the caller's, and B's trust names A's root.
        #expect(current.plans[1].callerPolicies.map(\.source) == [.remote("IAM GetRolePolicy")])
        #expect(current.plans[1].trust?.decision == .allowed)
        #expect(current.plans[1].prediction.contains("the caller's identity policy allows it"))
        // Cross-account: A's session cannot read B's role, so hop 2 was read by B's own session, never by A's.
        let reads = await s.roleReads
        #expect(reads.map(\.readAs) == [.hop, .hop])
        let signers = Self.iamRequests(rec).map { r in [Self.hop1Key, Self.hop2Key].first { r.header("Authorization")?.contains($0) == true } }
        #expect(signers.first == Self.hop1Key)
        #expect(!signers.contains(nil))
        #expect(reads[1].documents.calls.first.map { _ in signers.filter { $0 == Self.hop2Key }.count } == reads[1].documents.calls.count)

        let snapshot = await s.snapshot(now: Self.now)
        let trustTab = snapshot.nodes[1].tabs[.trust]?.map(\.text).joined(separator: "\n") ?? ""
        #expect(trustTab.contains("remote IAM GetRole"), "\(trustTab)")
        #expect(trustTab.contains(Self.issuerHost + ":sub"), "\(trustTab)")
        #expect(!trustTab.contains("aws iam get-role"))

        let report = await CheckReport.from(s, generatedAt: Self.now)
        let json = report.jsonObject
        let hops = try #require(json["hops"]?.arrayValue)
        #expect(hops.map { $0["trustPolicy"]?["source"]?["type"]?.stringValue } == ["remote", "remote"])
        #expect(hops.map { $0["trust"]?["decision"]?.stringValue } == ["allowed", "allowed"])
        #expect(json["iamReads"]?.arrayValue?.map { $0["endpoint"]?["url"]?.stringValue } == ["http://iam.test", "http://iam.test"])
        #expect(report.text().contains("trust policy read from IAM as the role itself: allowed"))
        #expect(!report.findings.contains { $0.id == "diagnose.trust-unknown" })
        // The bundle holds the fetched documents.
        let bundle = BundleBuilder.contents(report: report, snapshot: snapshot, manifest: BundleManifest(createdAt: Self.now, uid: 0, gid: 0), secrets: await s.heldSecrets)
        let names = bundle.files.map(\.name)
        #expect(names.contains(BundleLayout.policyEntry("account-a-role trust policy")))
        #expect(names.contains(BundleLayout.policyEntry("account-b-role trust policy")))
        #expect(names.contains(BundleLayout.policyEntry("assume-account-b-role")))
    }

    @Test func aFetchedPolicyThatPredictsFailureIsContradictedByALiveSuccess() async {
        let rec = Recorder()
        let s = ChainSession(analysis: Self.analysis(), transport: Self.network(rec, iamAnswer: Self.selfReading(subA: "system:serviceaccount:payments:other-sa")),
                             retryPolicy: .none, now: { Self.now }, readIAM: true)
        await s.runAll()
        let current = await s.currentAnalysis
        #expect(current.plans[0].predicted == .fail)
        #expect(current.plans[0].trust?.decision == .implicitDeny)
        let findings = await s.allFindings
        #expect(findings.contains { $0.id == "diagnose.prediction-contradicted" && $0.hop == 1 })
    }

    @Test func accessDeniedGivesTheFindingAndChangesNothingElse() async {
        let plain = ChainSession(analysis: Self.analysis(), transport: Self.network(Recorder()) { _, _, _ in Self.denied },
                                 retryPolicy: .none, now: { Self.now })
        await plain.runAll()
        let rec = Recorder()
        let s = ChainSession(analysis: Self.analysis(), transport: Self.network(rec) { _, _, _ in Self.denied },
                             retryPolicy: .none, now: { Self.now }, readIAM: true)
        await s.runAll()
        let findings = await s.allFindings
        let denied = findings.filter { $0.id == "sts.iam-read-denied" }
        #expect(denied.map(\.hop) == [1, 2])
        #expect(denied.allSatisfy { $0.fix.contains("--policy-dir") })
        #expect(findings.filter { $0.id != "sts.iam-read-denied" } == (await plain.allFindings))
        let current = await s.currentAnalysis
        #expect(current.plans.map(\.prediction) == s.analysis.plans.map(\.prediction))
        #expect(current.plans.allSatisfy { $0.trustPolicy == nil && $0.trust == nil })
        #expect(await s.snapshot(now: Self.now).nodes[1].tabs == (await plain.snapshot(now: Self.now)).nodes[1].tabs)
        // One GetRole per hop: hop 1 by its own session (no caller signs web identity), hop 2 by B's own session.
        #expect(Self.iamRequests(rec).count == 2)
    }

    @Test func policyDirDocumentsWinAndTheirRolesAreNotRead() async {
        let rec = Recorder()
        let a = Self.analysis(policies: ["account-a-role.trust.json": Self.trustA(sub: "system:serviceaccount:payments:api-sa")])
        let s = ChainSession(analysis: a, transport: Self.network(rec, iamAnswer: Self.selfReading(subA: "x")),
                             retryPolicy: .none, now: { Self.now }, readIAM: true)
        await s.runAll()
        let current = await s.currentAnalysis
        #expect(current.plans[0].trustPolicy?.source == .file(path: "/docs/account-a-role.trust.json", line: 1, column: 1))
        #expect(current.plans[1].trustPolicy?.source == .remote("IAM GetRole"))
        let roles = Self.iamRequests(rec).compactMap { r in
            ["account-a-role", "account-b-role"].first { String(decoding: r.body, as: UTF8.self).contains("RoleName=" + $0) }
        }
        #expect(!roles.isEmpty)
        #expect(roles.allSatisfy { $0 == "account-b-role" })
    }

    @Test func aDeniedCallerFallsBackToTheHopsOwnCredentials() async {
        // Both roles in one account: A's session may try B's role first; IAM refuses it, B's own session may read.
        let rec = Recorder()
        let s = ChainSession(
            analysis: Self.analysis(accountB: "111122223333"),
            transport: Self.network(rec, accountB: "111122223333") { key, action, body in
                if key == Self.hop2Key { return Self.iam(action, body, roles: ["account-b-role": (Self.trustB(account: "111122223333"), [:])]) }
                return Self.denied
            },
            retryPolicy: .none, now: { Self.now }, readIAM: true)
        await s.runAll()
        let reads = await s.roleReads
        #expect(reads.count == 2)
        #expect(reads[1].readAs == .hop)
        #expect(reads[1].documents.calls.first?.succeeded == false)
        #expect(reads[1].documents.complete)
        let hop2 = Self.iamRequests(rec).filter { String(decoding: $0.body, as: UTF8.self).contains("RoleName=account-b-role") }
        #expect(hop2.first?.header("Authorization")?.contains(Self.hop1Key) == true)
        #expect(hop2.dropFirst().allSatisfy { $0.header("Authorization")?.contains(Self.hop2Key) == true })
        #expect(await s.currentAnalysis.plans[1].trustPolicy?.source == .remote("IAM GetRole"))
        // The fallback worked: no denial is reported for hop 2 (hop 1's own session was denied, so hop 1 has one).
        let denied = await s.allFindings.filter { $0.id == "sts.iam-read-denied" }.map(\.hop)
        #expect(denied == [1])
    }

    @Test func withoutReadIAMNoIAMRequestIsMade() async {
        let rec = Recorder()
        let s = ChainSession(analysis: Self.analysis(), transport: Self.network(rec, iamAnswer: Self.selfReading(subA: "x")),
                             retryPolicy: .none, now: { Self.now })
        await s.runAll()
        #expect(await s.phases.allSatisfy { $0 == .succeeded })
        #expect(Self.iamRequests(rec).isEmpty)
        #expect(await s.roleReads.isEmpty)
        #expect(await CheckReport.from(s, generatedAt: Self.now).jsonObject["iamReads"]?.arrayValue?.isEmpty == true)
    }

    @Test func theExplorerKeyReadsOneHopNowAndSaysWhyWhenItCannot() async {
        let rec = Recorder()
        let sub = TokenTestData.named("valid-rs256")?.payload["sub"]?.stringValue ?? ""
        let s = ChainSession(analysis: Self.analysis(), transport: Self.network(rec, iamAnswer: Self.selfReading(subA: sub)),
                             retryPolicy: .none, now: { Self.now })
        // The Trust tab of a live session names the key while the policy is unknown; an offline one does not.
        let hint = "i in the live explorer"
        let before = await s.snapshot(now: Self.now).nodes[1].tabs[.trust]?.map(\.text).joined(separator: "\n") ?? ""
        #expect(before.contains(hint), "\(before)")
        let offline = await ChainSession(analysis: Self.analysis(), transport: Self.network(Recorder()) { _, _, _ in Self.denied },
                                         now: { Self.now }, mode: .offline).snapshot(now: Self.now)
        #expect(offline.nodes[1].tabs[.trust]?.contains { $0.text.contains(hint) } == false)
        // Node 1 is hop 1; before it ran there are no credentials to read with.
        await s.readRoleDocuments(node: 1)
        #expect(Self.iamRequests(rec).isEmpty)
        #expect(await s.allFindings.contains { $0.id == "sts.iam-read-skipped" && $0.hop == 1 })
        await s.runNext()
        // Without --read-iam running a hop reads nothing; the key does.
        #expect(Self.iamRequests(rec).isEmpty)
        await s.readRoleDocuments(node: 1)
        #expect(!(await s.allFindings.contains { $0.id == "sts.iam-read-skipped" }))
        let tab = await s.snapshot(now: Self.now).nodes[1].tabs[.trust]?.map(\.text).joined(separator: "\n") ?? ""
        #expect(tab.contains("remote IAM GetRole"), "\(tab)")
        // The base node and the final identity are not hops: nothing is read.
        let count = Self.iamRequests(rec).count
        await s.readRoleDocuments(node: 0)
        await s.readRoleDocuments(node: 3)
        #expect(Self.iamRequests(rec).count == count)
    }

    @Test func offlineSessionsNeverRead() async {
        let rec = Recorder()
        let s = ChainSession(analysis: Self.analysis(), transport: Self.network(rec, iamAnswer: Self.selfReading(subA: "x")),
                             retryPolicy: .none, now: { Self.now }, mode: .offline, readIAM: true)
        await s.runAll()
        await s.readRoleDocuments(node: 1)
        #expect(rec.requests.isEmpty)
    }
}
