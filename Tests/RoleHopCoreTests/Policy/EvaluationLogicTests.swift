import RoleHopCore
import Testing

/// Action / Resource element matching: a statement, a request, the documented result.
struct ElementCase: Sendable, CustomTestStringConvertible {
    let name: String
    /// Statement members besides Effect (JSON object body without braces).
    let statement: String
    let action: String
    let resource: String
    var keys: [String: String] = [:]
    let expected: Bool
    var testDescription: String { name }
}

private let act = "reference_policies_elements_action"
private let notact = "reference_policies_elements_notaction"
private let res = "reference_policies_elements_resource"
private let notres = "reference_policies_elements_notresource"

let elementCases: [ElementCase] = [
    ElementCase(name: "\(act): action names are case-insensitive", statement: #""Action": "s3:GetObject", "Resource": "*""#, action: "s3:getobject", resource: "arn:aws:s3:::b/k", expected: true),
    ElementCase(name: "\(act): the service prefix is case-insensitive", statement: #""Action": "S3:Get*", "Resource": "*""#, action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expected: true),
    ElementCase(name: "\(act): a prefix wildcard does not match another action", statement: #""Action": "s3:Get*", "Resource": "*""#, action: "s3:PutObject", resource: "arn:aws:s3:::b/k", expected: false),
    ElementCase(name: "\(act): * matches every action", statement: #""Action": "*", "Resource": "*""#, action: "sts:AssumeRole", resource: "arn:aws:iam::111122223333:role/r", expected: true),
    ElementCase(name: "\(act): wildcards inside the name (iam:*AccessKey*)", statement: #""Action": "iam:*AccessKey*", "Resource": "*""#, action: "iam:CreateAccessKey", resource: "arn:aws:iam::111122223333:user/u", expected: true),
    ElementCase(name: "\(act): sts:AssumeRole does not cover sts:AssumeRoleWithWebIdentity", statement: #""Action": "sts:AssumeRole", "Resource": "*""#, action: "sts:AssumeRoleWithWebIdentity", resource: "arn:aws:iam::111122223333:role/r", expected: false),
    ElementCase(name: "\(act): sts:AssumeRole* covers sts:AssumeRoleWithWebIdentity", statement: #""Action": "sts:AssumeRole*", "Resource": "*""#, action: "sts:AssumeRoleWithWebIdentity", resource: "arn:aws:iam::111122223333:role/r", expected: true),
    ElementCase(name: "\(act): ? matches one character", statement: #""Action": "s3:Get?bject", "Resource": "*""#, action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expected: true),
    ElementCase(name: "\(act): an array of actions is ORed", statement: #""Action": ["sts:TagSession", "sts:AssumeRole"], "Resource": "*""#, action: "sts:AssumeRole", resource: "arn:aws:iam::111122223333:role/r", expected: true),
    ElementCase(name: "\(act): another service with the same action name", statement: #""Action": "s3:GetObject", "Resource": "*""#, action: "s3express:GetObject", resource: "arn:aws:s3:::b/k", expected: false),
    ElementCase(name: "\(notact): NotAction matches actions not listed", statement: #""NotAction": "iam:*", "Resource": "*""#, action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expected: true),
    ElementCase(name: "\(notact): NotAction excludes listed actions", statement: #""NotAction": "iam:*", "Resource": "*""#, action: "iam:CreateUser", resource: "arn:aws:iam::111122223333:user/u", expected: false),
    ElementCase(name: "\(res): trailing * matches objects", statement: #""Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*""#, action: "s3:GetObject", resource: "arn:aws:s3:::bucket/a/b", expected: true),
    ElementCase(name: "\(res): bucket/* does not match the bucket itself", statement: #""Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bucket/*""#, action: "s3:ListBucket", resource: "arn:aws:s3:::bucket", expected: false),
    ElementCase(name: "\(res): resource ARNs are case-sensitive", statement: #""Action": "s3:GetObject", "Resource": "arn:aws:s3:::Bucket/*""#, action: "s3:GetObject", resource: "arn:aws:s3:::bucket/k", expected: false),
    ElementCase(name: "\(res): * matches every resource", statement: #""Action": "s3:GetObject", "Resource": "*""#, action: "s3:GetObject", resource: "arn:aws:s3:::x/y", expected: true),
    ElementCase(name: "\(res): policy variable in a resource", statement: #""Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/${aws:username}/*""#, action: "s3:GetObject", resource: "arn:aws:s3:::bucket/alice/doc", keys: ["aws:username": "alice"], expected: true),
    ElementCase(name: "\(res): policy variable of another user", statement: #""Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/${aws:username}/*""#, action: "s3:GetObject", resource: "arn:aws:s3:::bucket/bob/doc", keys: ["aws:username": "alice"], expected: false),
    ElementCase(name: "\(res): role ARN with a path wildcard", statement: #""Action": "sts:AssumeRole", "Resource": "arn:aws:iam::444455556666:role/*""#, action: "sts:AssumeRole", resource: "arn:aws:iam::444455556666:role/path/account-b-role", expected: true),
    ElementCase(name: "\(res): role in another account", statement: #""Action": "sts:AssumeRole", "Resource": "arn:aws:iam::444455556666:role/*""#, action: "sts:AssumeRole", resource: "arn:aws:iam::111122223333:role/account-b-role", expected: false),
    ElementCase(name: "\(res): an array of resources is ORed", statement: #""Action": "s3:GetObject", "Resource": ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"]"#, action: "s3:GetObject", resource: "arn:aws:s3:::b/k", expected: true),
    ElementCase(name: "\(notres): NotResource matches resources not listed", statement: #""Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*""#, action: "s3:GetObject", resource: "arn:aws:s3:::public/k", expected: true),
    ElementCase(name: "\(notres): NotResource excludes listed resources", statement: #""Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*""#, action: "s3:GetObject", resource: "arn:aws:s3:::secret/k", expected: false),
]

/// Evaluation logic: identity policies, a resource (trust) policy and a principal.
struct EvaluationCase: Sendable, CustomTestStringConvertible {
    let name: String
    let identity: [String]
    let resource: String?
    let principal: String
    var principalKind: PrincipalKind = .aws
    let action: String
    let target: String
    var keys: [String: String] = [:]
    let expected: Decision
    var testDescription: String { name }
}

private let eval = "reference_policies_evaluation-logic"
private let xacct = "reference_policies_evaluation-logic-cross-account"
private let prin = "reference_policies_elements_principal"
private let notprin = "reference_policies_elements_notprincipal"

private func pol(_ statements: String) -> String { #"{"Version": "2012-10-17", "Statement": ["# + statements + "]}" }
private let allowAssumeB = pol(#"{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::444455556666:role/account-b-role"}"#)
private let denyAll = pol(#"{"Effect": "Deny", "Action": "*", "Resource": "*"}"#)
private let sessionA = "arn:aws:sts::111122223333:assumed-role/account-a-role/botocore-session-1"
private let roleB = "arn:aws:iam::444455556666:role/account-b-role"
private let roleA2 = "arn:aws:iam::111122223333:role/other-role"
private func trust(_ principal: String, action: String = "sts:AssumeRole", extra: String = "") -> String {
    pol(#"{"Effect": "Allow", "Principal": "# + principal + #", "Action": ""# + action + "\"" + extra + "}")
}

let evaluationCases: [EvaluationCase] = [
    EvaluationCase(name: "\(eval): an explicit deny overrides an allow", identity: [allowAssumeB, denyAll], resource: nil, principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .explicitDeny),
    EvaluationCase(name: "\(eval): no statement allows: implicit deny", identity: [pol(#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#)], resource: nil, principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .implicitDeny),
    EvaluationCase(name: "\(eval): a deny that does not match leaves the allow", identity: [allowAssumeB, pol(#"{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}"#)], resource: nil, principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .allowed),
    EvaluationCase(name: "\(eval): Deny with NotAction denies everything else", identity: [allowAssumeB, pol(#"{"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}"#)], resource: nil, principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .explicitDeny),
    EvaluationCase(name: "\(eval): a Deny with a failing condition does not deny", identity: [allowAssumeB, pol(#"{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}"#)], resource: nil, principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .allowed),
    EvaluationCase(name: "\(xacct): trust and identity both allow across accounts", identity: [allowAssumeB], resource: trust(#"{"AWS": "arn:aws:iam::111122223333:role/account-a-role"}"#), principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .allowed),
    EvaluationCase(name: "\(xacct): trust allows but no identity policy across accounts", identity: [], resource: trust(#"{"AWS": "arn:aws:iam::111122223333:role/account-a-role"}"#), principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .implicitDeny),
    EvaluationCase(name: "\(xacct): identity allows but the trust does not name the caller", identity: [allowAssumeB], resource: trust(#"{"AWS": "arn:aws:iam::111122223333:role/someone-else"}"#), principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .implicitDeny),
    EvaluationCase(name: "\(xacct): root of the caller's account plus identity allow", identity: [allowAssumeB], resource: trust(#"{"AWS": "arn:aws:iam::111122223333:root"}"#), principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .allowed),
    EvaluationCase(name: "\(xacct): root of the caller's account without identity allow", identity: [], resource: trust(#"{"AWS": "arn:aws:iam::111122223333:root"}"#), principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .implicitDeny),
    EvaluationCase(name: "\(xacct): an explicit deny in the identity policy wins over the trust", identity: [allowAssumeB, denyAll], resource: trust(#"{"AWS": "arn:aws:iam::111122223333:root"}"#), principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .explicitDeny),
    EvaluationCase(name: "\(eval): same account, the trust names the role: trust alone suffices", identity: [], resource: trust(#"{"AWS": "arn:aws:iam::111122223333:role/account-a-role"}"#), principal: sessionA, action: "sts:AssumeRole", target: roleA2, expected: .allowed),
    EvaluationCase(name: "\(eval): same account, the trust names the root: identity must allow", identity: [], resource: trust(#"{"AWS": "arn:aws:iam::111122223333:root"}"#), principal: sessionA, action: "sts:AssumeRole", target: roleA2, expected: .implicitDeny),
    EvaluationCase(name: "\(eval): same account, root trust and identity allow", identity: [pol(#"{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}"#)], resource: trust(#"{"AWS": "arn:aws:iam::111122223333:root"}"#), principal: sessionA, action: "sts:AssumeRole", target: roleA2, expected: .allowed),
    EvaluationCase(name: "\(eval): same account, identity allows and the trust names another principal", identity: [pol(#"{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}"#)], resource: trust(#"{"AWS": "arn:aws:iam::111122223333:role/x"}"#), principal: sessionA, action: "sts:AssumeRole", target: roleA2, expected: .allowed),
    EvaluationCase(name: "\(eval): a Deny in the trust policy wins", identity: [allowAssumeB], resource: pol(#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}, {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"StringNotEquals": {"sts:ExternalId": "EXAMPLE-id"}}}"#), principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .explicitDeny),
    EvaluationCase(name: "\(prin): a role ARN matches the role's sessions", identity: [allowAssumeB], resource: trust(#"{"AWS": "arn:aws:iam::111122223333:role/account-a-role"}"#), principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .allowed),
    EvaluationCase(name: "\(prin): a role ARN with a path matches the session", identity: [allowAssumeB], resource: trust(#"{"AWS": "arn:aws:iam::111122223333:role/team/account-a-role"}"#), principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .allowed),
    EvaluationCase(name: "\(prin): an assumed-role session ARN matches exactly", identity: [allowAssumeB], resource: trust(#"{"AWS": "arn:aws:sts::111122223333:assumed-role/account-a-role/botocore-session-1"}"#), principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .allowed),
    EvaluationCase(name: "\(prin): another session name does not match", identity: [allowAssumeB], resource: trust(#"{"AWS": "arn:aws:sts::111122223333:assumed-role/account-a-role/other"}"#), principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .implicitDeny),
    EvaluationCase(name: "\(prin): a role of the same name in another account does not match", identity: [allowAssumeB], resource: trust(#"{"AWS": "arn:aws:iam::999988887777:role/account-a-role"}"#), principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .implicitDeny),
    EvaluationCase(name: "\(prin): a user ARN", identity: [allowAssumeB], resource: trust(#"{"AWS": "arn:aws:iam::111122223333:user/alice"}"#), principal: "arn:aws:iam::111122223333:user/alice", action: "sts:AssumeRole", target: roleB, expected: .allowed),
    EvaluationCase(name: "\(prin): Principal * matches anyone", identity: [allowAssumeB], resource: trust(#""*""#), principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .allowed),
    EvaluationCase(name: "\(prin): AWS * matches any AWS principal", identity: [allowAssumeB], resource: trust(#"{"AWS": "*"}"#), principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .allowed),
    EvaluationCase(name: "\(prin): a bare account id means the account root", identity: [], resource: trust(#"{"AWS": "111122223333"}"#), principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .implicitDeny),
    EvaluationCase(name: "\(prin): a bare account id with identity allow", identity: [allowAssumeB], resource: trust(#"{"AWS": "111122223333"}"#), principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .allowed),
    EvaluationCase(name: "\(prin): a service principal", identity: [], resource: trust(#"{"Service": "ec2.amazonaws.com"}"#), principal: "ec2.amazonaws.com", principalKind: .service, action: "sts:AssumeRole", target: roleB, expected: .allowed),
    EvaluationCase(name: "\(prin): another service principal", identity: [], resource: trust(#"{"Service": "lambda.amazonaws.com"}"#), principal: "ec2.amazonaws.com", principalKind: .service, action: "sts:AssumeRole", target: roleB, expected: .implicitDeny),
    EvaluationCase(name: "\(prin): a Federated OIDC provider", identity: [], resource: trust(#"{"Federated": "arn:aws:iam::444455556666:oidc-provider/oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"}"#, action: "sts:AssumeRoleWithWebIdentity"), principal: "arn:aws:iam::444455556666:oidc-provider/oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE", principalKind: .federated, action: "sts:AssumeRoleWithWebIdentity", target: roleB, expected: .allowed),
    EvaluationCase(name: "\(prin): an AWS principal is not a Federated one", identity: [], resource: trust(#"{"AWS": "arn:aws:iam::444455556666:root"}"#, action: "sts:AssumeRoleWithWebIdentity"), principal: "arn:aws:iam::444455556666:oidc-provider/oidc.eks.region-code.amazonaws.com/id/X", principalKind: .federated, action: "sts:AssumeRoleWithWebIdentity", target: roleB, expected: .implicitDeny),
    EvaluationCase(name: "\(notprin): NotPrincipal with Allow admits principals not listed", identity: [allowAssumeB], resource: pol(#"{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/blocked"}, "Action": "sts:AssumeRole"}"#), principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .allowed),
    EvaluationCase(name: "\(notprin): NotPrincipal excludes the listed principal", identity: [allowAssumeB], resource: pol(#"{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/account-a-role"}, "Action": "sts:AssumeRole"}"#), principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .implicitDeny),
    EvaluationCase(name: "\(eval): aws:PrincipalArn condition on a session", identity: [allowAssumeB], resource: trust(#"{"AWS": "arn:aws:iam::111122223333:root"}"#, extra: #", "Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/account-a-role"}}"#), principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .allowed),
    EvaluationCase(name: "\(eval): aws:PrincipalAccount condition", identity: [allowAssumeB], resource: trust(#""*""#, extra: #", "Condition": {"StringEquals": {"aws:PrincipalAccount": "999988887777"}}"#), principal: sessionA, action: "sts:AssumeRole", target: roleB, expected: .implicitDeny),
]

@Suite("Action, Resource and evaluation logic (tables from the IAM documentation)")
struct EvaluationLogicTests {
    @Test(arguments: elementCases)
    func element(_ k: ElementCase) throws {
        let doc = try PolicyDocument.parse(#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "# + k.statement + "}}", file: "case")
        var ctx = RequestContext(action: k.action, resource: k.resource)
        for (key, v) in k.keys { ctx.set(key, v) }
        #expect(PolicyEvaluator.decide(policies: [doc], context: ctx) == (k.expected ? .allowed : .implicitDeny))
        #expect(PolicyEvaluator.evaluate(policies: [doc], context: ctx).statements.first?.matched == k.expected)
    }

    @Test(arguments: evaluationCases)
    func evaluation(_ k: EvaluationCase) throws {
        let identity = try k.identity.enumerated().map { try PolicyDocument.parse($0.element, file: "identity\($0.offset)") }
        let resource = try k.resource.map { try PolicyDocument.parse($0, file: "trust") }
        var ctx = RequestContext(principal: RequestPrincipal(kind: k.principalKind, arn: k.principal), action: k.action, resource: k.target)
        ctx.addPrincipalKeys()
        for (key, v) in k.keys { ctx.set(key, v) }
        #expect(PolicyEvaluator.decide(policies: identity, resourcePolicy: resource, context: ctx) == k.expected)
        let e = PolicyEvaluator.evaluate(policies: identity, resourcePolicy: resource, context: ctx)
        #expect(e.decision == k.expected)
        #expect(!e.reason.isEmpty)
    }

    @Test("aws:PrincipalArn of a session is the role ARN; account and type are set")
    func principalKeys() {
        var ctx = RequestContext(principal: .aws(sessionA), action: "sts:AssumeRole")
        ctx.addPrincipalKeys()
        #expect(ctx.values("aws:principalarn") == ["arn:aws:iam::111122223333:role/account-a-role"])
        #expect(ctx.values("AWS:PrincipalAccount") == ["111122223333"])
        #expect(ctx.values("aws:PrincipalType") == ["AssumedRole"])
    }

    @Test("explanations carry key, operator, policy values, request values and result")
    func explanationFields() throws {
        let doc = try PolicyDocument.parse(#"""
        {"Version": "2012-10-17", "Statement": [{"Sid": "Prefix", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
          "Condition": {"StringLike": {"s3:prefix": ["home/*", "tmp/*"]}}}]}
        """#, file: "p.json")
        var ctx = RequestContext(action: "s3:ListBucket", resource: "arn:aws:s3:::b")
        ctx.set("s3:prefix", "var/x")
        let e = PolicyEvaluator.evaluate(policies: [doc], context: ctx)
        let c = try #require(e.statements.first?.conditions.first)
        #expect(e.statements.first?.sid == "Prefix")
        #expect(c.key == "s3:prefix")
        #expect(c.operatorName == "StringLike")
        #expect(c.policyValues == ["home/*", "tmp/*"])
        #expect(c.requestValues == ["var/x"])
        #expect(c.result == false)
        #expect(c.position == JSONPosition(line: 2, column: 45))
        let json = e.jsonObject
        #expect(json["decision"] == "implicitDeny")
        let cj = json["statements"]?.arrayValue?.first?["conditions"]?.arrayValue?.first
        #expect(cj?["key"] == "s3:prefix")
        #expect(cj?["operator"] == "StringLike")
        #expect(cj?["policyValues"] == ["home/*", "tmp/*"])
        #expect(cj?["requestValues"] == ["var/x"])
        #expect(cj?["result"] == .bool(false))
    }
}
