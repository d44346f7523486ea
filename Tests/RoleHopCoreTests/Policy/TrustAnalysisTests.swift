import RoleHopCore
import RoleHopTestSupport
import Testing

private func load(_ name: String) throws -> PolicyDocument {
    let path = RepoPaths.testData("policy/" + name)
    let text = try #require(readTextFile(path), "missing fixture \(path)")
    return try PolicyDocument.parse(text, file: name)
}

private func claims(_ name: String) throws -> JSONValue {
    let text = try #require(readTextFile(RepoPaths.testData("policy/" + name)))
    return try JSONParser.parse(text).value
}

private let roleA = "arn:aws:iam::111122223333:role/account-a-role"
private let roleB = "arn:aws:iam::444455556666:role/account-b-role"
private let sessionA = "arn:aws:sts::111122223333:assumed-role/account-a-role/botocore-session-1"
private let issuer = "oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"

private extension TrustResult {
    var ids: [String] { findings.map(\.id) }
    func finding(_ id: String) -> Finding? { findings.first { $0.id == id } }
}

@Suite("Trust analysis: the reference scenario and the broken variants of FAILURES.md")
struct TrustAnalysisTests {
    @Test("hop 1 of the reference scenario: allowed, but open to every service account and without aud check")
    func referenceHop1() throws {
        let r = TrustAnalysis.analyze(trustPolicy: try load("reference-trust-account-a-role.json"),
                                      request: .webIdentity(claims: try claims("claims-default-my-service-account.json"), roleArn: roleA))
        #expect(r.decision == .allowed)
        #expect(r.ids.contains("trust.allowed"))
        #expect(r.finding("trust.no-sub-condition")?.severity == .warn)
        #expect(r.finding("trust.no-sub-condition")?.fix.contains("\(issuer):sub") == true)
        #expect(r.ids.contains("trust.no-aud-condition"))
        #expect(r.context.values("\(issuer):sub") == ["system:serviceaccount:default:my-service-account"])
        #expect(r.context.values("\(issuer):aud") == ["sts.amazonaws.com"])
        #expect(r.context.values("aws:FederatedProvider") == ["arn:aws:iam::111122223333:oidc-provider/\(issuer)"])
    }

    @Test("hop 2 of the reference scenario: root trust across accounts needs the identity policy")
    func referenceHop2() throws {
        let trust = try load("reference-trust-account-b-role.json")
        let identity = try load("reference-identity-account-a-role.json")
        let withIdentity = TrustAnalysis.analyze(trustPolicy: trust, request: .assumeRole(callerArn: sessionA, roleArn: roleB),
                                                 identityPolicies: [identity])
        #expect(withIdentity.decision == .allowed)
        #expect(withIdentity.identityRequired)
        #expect(withIdentity.identityDecision == .allowed)
        #expect(withIdentity.finding("trust.root-principal")?.fix.contains("arn:aws:iam::111122223333:role/account-a-role") == true)

        let unchecked = TrustAnalysis.analyze(trustPolicy: trust, request: .assumeRole(callerArn: sessionA, roleArn: roleB))
        #expect(unchecked.ids.contains("policy.identity-not-checked"))

        let denied = TrustAnalysis.analyze(trustPolicy: trust, request: .assumeRole(callerArn: sessionA, roleArn: roleB),
                                           identityPolicies: [try PolicyDocument.parse(#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#)])
        #expect(denied.decision == .implicitDeny)
        #expect(denied.trustDecision == .allowed)
        #expect(denied.finding("policy.identity-denies-assume-role")?.severity == .fail)
    }

    @Test("pattern 1: the role in B trusts B's own provider for A's issuer")
    func providerInB() throws {
        let r = TrustAnalysis.analyze(trustPolicy: try load("reference-trust-b-own-provider.json"),
                                      request: .webIdentity(claims: try claims("claims-default-my-service-account.json"), roleArn: roleB))
        #expect(r.decision == .allowed)
        #expect(!r.ids.contains("trust.federated-account-mismatch"))
        #expect(!r.ids.contains("trust.no-sub-condition"))
    }

    @Test("FAILURES #2: a typo in the namespace names the namespace and fixes the value")
    func namespaceTypo() throws {
        let r = TrustAnalysis.analyze(trustPolicy: try load("broken-namespace-typo.json"),
                                      request: .webIdentity(claims: try claims("claims-default-my-service-account.json"), roleArn: roleA))
        #expect(r.decision == .implicitDeny)
        let f = try #require(r.finding("trust.sub-mismatch"))
        #expect(f.title.contains("namespace is default, the condition expects defualt"))
        #expect(f.fix.contains("system:serviceaccount:default:my-service-account"))
        #expect(r.decidingCondition?.key == "\(issuer):sub")
        // The suggested policy really passes.
        let patched = try PolicyDocument.parse(json: try #require(r.suggestedPolicy))
        let again = TrustAnalysis.analyze(trustPolicy: patched, request: .webIdentity(claims: try claims("claims-default-my-service-account.json"), roleArn: roleA))
        #expect(again.decision == .allowed)
    }

    @Test("FAILURES #1: StringEquals with * is literal; the fix is StringLike")
    func stringEqualsWildcard() throws {
        let r = TrustAnalysis.analyze(trustPolicy: try load("broken-stringequals-wildcard.json"),
                                      request: .webIdentity(claims: try claims("claims-default-my-service-account.json"), roleArn: roleA))
        #expect(r.decision == .implicitDeny)
        let f = try #require(r.finding("trust.stringequals-wildcard"))
        #expect(f.severity == .fail)
        #expect(f.fix.contains("StringLike"))
        #expect(r.suggestions.first?.message.contains("StringEquals treats * literally: use StringLike") == true)
        let patched = try PolicyDocument.parse(json: try #require(r.suggestedPolicy))
        #expect(TrustAnalysis.analyze(trustPolicy: patched, request: .webIdentity(claims: try claims("claims-default-my-service-account.json"), roleArn: roleA)).decision == .allowed)
    }

    @Test("FAILURES #3: the oidc.REGION.eks slip is a Federated/issuer mismatch")
    func wrongIssuer() throws {
        let r = TrustAnalysis.analyze(trustPolicy: try load("broken-wrong-issuer.json"),
                                      request: .webIdentity(claims: try claims("claims-default-my-service-account.json"), roleArn: roleA))
        #expect(r.decision == .implicitDeny)
        let f = try #require(r.finding("trust.federated-issuer-mismatch"))
        #expect(f.why.contains("swapped"))
        #expect(f.fix.contains("oidc-provider/\(issuer)"))
        // Without a token the slip is still visible.
        #expect(TrustAnalysis.lint(trustPolicy: try load("broken-wrong-issuer.json")).contains { $0.id == "trust.federated-issuer-mismatch" })
    }

    @Test("FAILURES #4: the trust names the provider of another account than the role's")
    func missingProviderAccount() throws {
        let r = TrustAnalysis.analyze(trustPolicy: try load("broken-missing-provider-account.json"),
                                      request: .webIdentity(claims: try claims("claims-default-my-service-account.json"), roleArn: roleB))
        #expect(r.decision == .implicitDeny)
        let f = try #require(r.finding("trust.federated-account-mismatch"))
        #expect(f.fix.contains("arn:aws:iam::444455556666:oidc-provider/\(issuer)"))
    }

    @Test("FAILURES #5: an audience typo is an aud mismatch")
    func audTypo() throws {
        let r = TrustAnalysis.analyze(trustPolicy: try load("broken-aud-typo.json"),
                                      request: .webIdentity(claims: try claims("claims-default-my-service-account.json"), roleArn: roleA))
        #expect(r.decision == .implicitDeny)
        #expect(r.finding("trust.aud-mismatch")?.fix.contains("\"sts.amazonaws.com\"") == true)
    }

    @Test("a token from another namespace against the hardened trust")
    func otherNamespace() throws {
        let r = TrustAnalysis.analyze(trustPolicy: try load("trust-a-hardened.json"),
                                      request: .webIdentity(claims: try claims("claims-prod-app.json"), roleArn: roleA))
        #expect(r.decision == .implicitDeny)
        #expect(r.suggestions.first?.message.contains("sub is system:serviceaccount:prod:app, the condition expects system:serviceaccount:default:my-service-account") == true)
    }

    @Test("sts:AssumeRole in a web-identity statement is an action mismatch")
    func actionMismatch() throws {
        let r = TrustAnalysis.analyze(trustPolicy: try load("broken-action-assumerole.json"),
                                      request: .webIdentity(claims: try claims("claims-default-my-service-account.json"), roleArn: roleA))
        #expect(r.decision == .implicitDeny)
        #expect(r.finding("trust.action-mismatch")?.fix.contains("sts:AssumeRoleWithWebIdentity") == true)
    }

    @Test("a condition key for another cluster's issuer")
    func keyOfOtherIssuer() throws {
        let r = TrustAnalysis.analyze(trustPolicy: try load("broken-key-other-issuer.json"),
                                      request: .webIdentity(claims: try claims("claims-default-my-service-account.json"), roleArn: roleA))
        #expect(r.decision == .implicitDeny)
        #expect(r.finding("trust.condition-key-mismatch")?.fix.contains("\(issuer):sub") == true)
    }

    @Test("NotPrincipal with Allow and an oversized trust are flagged")
    func notPrincipalAndSize() throws {
        #expect(TrustAnalysis.lint(trustPolicy: try load("broken-notprincipal.json")).contains { $0.id == "trust.notprincipal-allow" })
        let big = try load("broken-oversized.json")
        #expect(big.minifiedSize > 2048)
        #expect(TrustAnalysis.lint(trustPolicy: big).contains { $0.id == "trust.size-over-quota" && $0.severity == .fail })
        #expect(!TrustAnalysis.lint(trustPolicy: try load("trust-a-hardened.json")).contains { $0.id == "trust.size-over-quota" })
    }

    @Test("external id: missing, wrong and right")
    func externalId() throws {
        let trust = try load("trust-external-id.json")
        let missing = TrustAnalysis.analyze(trustPolicy: trust, request: .assumeRole(callerArn: sessionA, roleArn: "arn:aws:iam::111122223333:role/target"))
        #expect(missing.decision == .implicitDeny)
        #expect(missing.decidingCondition?.requestValues == nil)
        let wrong = TrustAnalysis.analyze(trustPolicy: trust, request: .assumeRole(callerArn: sessionA, roleArn: "arn:aws:iam::111122223333:role/target", externalId: "EXAMPLE-other"))
        #expect(wrong.ids.contains("trust.external-id-mismatch"))
        let right = TrustAnalysis.analyze(trustPolicy: trust, request: .assumeRole(callerArn: sessionA, roleArn: "arn:aws:iam::111122223333:role/target", externalId: "EXAMPLE-external-id"))
        #expect(right.decision == .allowed)
        #expect(!right.identityRequired)
    }

    @Test("FAILURES #22: session tags need sts:TagSession; a source identity needs sts:SetSourceIdentity")
    func tagSession() throws {
        let trust = try load("trust-external-id.json")
        let r = TrustAnalysis.analyze(trustPolicy: trust, request: .assumeRole(
            callerArn: sessionA, roleArn: "arn:aws:iam::111122223333:role/target", externalId: "EXAMPLE-external-id",
            sessionName: "s", tags: ["eks-cluster-name": "demo"], sourceIdentity: "alice"))
        #expect(r.trustDecision == .allowed)
        #expect(r.decision == .implicitDeny)
        #expect(r.ids.contains("trust.tagsession-required"))
        #expect(r.ids.contains("trust.setsourceidentity-required"))
        let fixed = try PolicyDocument.parse(#"""
        {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/account-a-role"},
         "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]}}
        """#)
        let ok = TrustAnalysis.analyze(trustPolicy: fixed, request: .assumeRole(
            callerArn: sessionA, roleArn: "arn:aws:iam::111122223333:role/target", externalId: nil,
            sessionName: "s", tags: ["eks-cluster-name": "demo"], sourceIdentity: "alice"))
        #expect(ok.decision == .allowed)
        #expect(ok.context.values("aws:RequestTag/eks-cluster-name") == ["demo"])
    }

    @Test("a URL-encoded trust policy as iam get-role returns it")
    func urlEncoded() throws {
        let text = try #require(readTextFile(RepoPaths.testData("policy/trust-url-encoded.txt")))
        let doc = try PolicyDocument.parse(text, file: "encoded")
        #expect(doc.wasURLEncoded)
        let r = TrustAnalysis.analyze(trustPolicy: doc, request: .webIdentity(claims: try claims("claims-default-my-service-account.json"), roleArn: roleA))
        #expect(r.decision == .allowed)
    }

    @Test("an explicit Deny in the trust names the deny statement")
    func explicitDeny() throws {
        let doc = try PolicyDocument.parse(#"""
        {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"}, "Action": "sts:AssumeRoleWithWebIdentity"},
          {"Sid": "NoDefault", "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity",
           "Condition": {"StringLike": {"oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": "system:serviceaccount:default:*"}}}]}
        """#)
        let r = TrustAnalysis.analyze(trustPolicy: doc, request: .webIdentity(claims: try claims("claims-default-my-service-account.json"), roleArn: roleA))
        #expect(r.decision == .explicitDeny)
        #expect(r.decidingStatement?.sid == "NoDefault")
        #expect(r.finding("trust.denied")?.fix.contains("NoDefault") == true)
    }

    @Test("JSON output carries the decision, the deciding statement and the findings")
    func json() throws {
        let r = TrustAnalysis.analyze(trustPolicy: try load("broken-namespace-typo.json"),
                                      request: .webIdentity(claims: try claims("claims-default-my-service-account.json"), roleArn: roleA))
        let j = PolicyReport.json(r)
        #expect(j["decision"] == "implicitDeny")
        #expect(j["decidingCondition"]?["key"] == .string("\(issuer):sub"))
        #expect(j["findings"]?.arrayValue?.contains { $0["id"] == "trust.sub-mismatch" } == true)
        #expect(j["evaluation"]?["statements"]?.arrayValue?.count == 1)
    }

    @Test("the benchmark's policy is allowed for its own token")
    func benchmarkSanity() {
        let r = PolicyBenchmark.run(iterations: 100)
        #expect(r.decision == .allowed)
        #expect(r.evaluationsPerSecond > 0)
    }
}

@Suite("Fast path and explained path agree")
struct FastExplainAgreementTests {
    static let fixtures = ["reference-trust-account-a-role.json", "reference-trust-b-own-provider.json", "trust-a-hardened.json",
                           "broken-namespace-typo.json", "broken-stringequals-wildcard.json", "broken-wrong-issuer.json",
                           "broken-missing-provider-account.json", "broken-aud-typo.json", "broken-action-assumerole.json",
                           "broken-key-other-issuer.json", "broken-oversized.json"]

    @Test("every trust fixture against both tokens and both role accounts", arguments: fixtures)
    func agree(_ fixture: String) throws {
        let doc = try load(fixture)
        for claimsFile in ["claims-default-my-service-account.json", "claims-prod-app.json"] {
            for role in [roleA, roleB] {
                let ctx = TrustAnalysis.context(for: .webIdentity(claims: try claims(claimsFile), roleArn: role, sessionName: nil))
                let fast = PolicyEvaluator.decide(policies: [], resourcePolicy: doc, context: ctx)
                let e = PolicyEvaluator.evaluate(policies: [], resourcePolicy: doc, context: ctx)
                #expect(fast == e.decision)
                #expect((fast == .allowed) == e.statements.contains { $0.matched && $0.effect == .allow })
            }
        }
    }
}

@Suite("Web-identity session tags")
struct WebIdentityTagTests {
    @Test("principal_tags in the token need sts:TagSession in the trust")
    func tokenTags() throws {
        let claims = try JSONParser.parse(#"""
        {"iss": "https://oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE", "sub": "system:serviceaccount:default:my-service-account",
         "aud": "sts.amazonaws.com", "https://aws.amazon.com/tags": {"principal_tags": {"team": ["payments"]}, "transitive_tag_keys": ["team"]}}
        """#).value
        let trust = try load("trust-a-hardened.json")
        let r = TrustAnalysis.analyze(trustPolicy: trust, request: .webIdentity(claims: claims, roleArn: roleA))
        #expect(r.trustDecision == .allowed)
        #expect(r.decision == .implicitDeny)
        #expect(r.ids.contains("trust.tagsession-required"))
        #expect(r.context.values("aws:RequestTag/team") == ["payments"])
        #expect(r.context.values("oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud") == ["sts.amazonaws.com"])
    }
}
