import RoleHopCore
import Testing

struct NearMissCase: Sendable, CustomTestStringConvertible {
    let name: String
    let condition: String
    let keys: [String: [String]]
    /// Fragment the near-miss message must contain.
    let message: String
    var suggestedOperator: String? = nil
    var suggestedValue: String? = nil
    var suggestedKey: String? = nil
    var testDescription: String { name }
}

private let iss = "oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"

let nearMissCases: [NearMissCase] = [
    NearMissCase(name: "namespace typo", condition: #"{"StringEquals": {"\#(iss):sub": "system:serviceaccount:default:app"}}"#,
                 keys: ["\(iss):sub": ["system:serviceaccount:prod:app"]],
                 message: "sub is system:serviceaccount:prod:app, the condition expects system:serviceaccount:default:app (namespace is prod, the condition expects default)",
                 suggestedValue: "system:serviceaccount:prod:app"),
    NearMissCase(name: "service account typo", condition: #"{"StringEquals": {"\#(iss):sub": "system:serviceaccount:prod:ap"}}"#,
                 keys: ["\(iss):sub": ["system:serviceaccount:prod:app"]],
                 message: "service account is app, the condition expects ap", suggestedValue: "system:serviceaccount:prod:app"),
    NearMissCase(name: "the closest of several policy values is named", condition: #"{"StringEquals": {"\#(iss):sub": ["system:serviceaccount:kube-system:x", "system:serviceaccount:prod:apps"]}}"#,
                 keys: ["\(iss):sub": ["system:serviceaccount:prod:app"]],
                 message: "the condition expects system:serviceaccount:prod:apps", suggestedValue: "system:serviceaccount:prod:app"),
    NearMissCase(name: "StringEquals with a wildcard", condition: #"{"StringEquals": {"\#(iss):sub": "system:serviceaccount:prod:*"}}"#,
                 keys: ["\(iss):sub": ["system:serviceaccount:prod:app"]],
                 message: "StringEquals treats * literally: use StringLike", suggestedOperator: "StringLike"),
    NearMissCase(name: "StringEqualsIfExists with a wildcard keeps IfExists", condition: #"{"StringEqualsIfExists": {"k:v": "a?"}}"#,
                 keys: ["k:v": ["ab"]], message: "treats * literally", suggestedOperator: "StringLikeIfExists"),
    NearMissCase(name: "values differing only in case", condition: #"{"StringEquals": {"aws:PrincipalTag/team": "Payments"}}"#,
                 keys: ["aws:PrincipalTag/team": ["payments"]], message: "differ only in case", suggestedOperator: "StringEqualsIgnoreCase"),
    NearMissCase(name: "a service account in an aud condition", condition: #"{"StringEquals": {"\#(iss):aud": "system:serviceaccount:prod:app"}}"#,
                 keys: ["\(iss):aud": ["sts.amazonaws.com"]], message: "it belongs in a :sub condition"),
    NearMissCase(name: "an audience in a sub condition", condition: #"{"StringEquals": {"\#(iss):sub": "sts.amazonaws.com"}}"#,
                 keys: ["\(iss):sub": ["system:serviceaccount:prod:app"]], message: "it belongs in an :aud condition"),
    NearMissCase(name: "a key for another issuer", condition: #"{"StringEquals": {"oidc.eks.us-east-1.amazonaws.com/id/OTHER:sub": "system:serviceaccount:prod:app"}}"#,
                 keys: ["\(iss):sub": ["system:serviceaccount:prod:app"]], message: "names another issuer", suggestedKey: "\(iss):sub"),
    NearMissCase(name: "an absent key without a look-alike", condition: #"{"StringEquals": {"sts:ExternalId": "EXAMPLE-id"}}"#,
                 keys: [:], message: "the request carries no sts:ExternalId"),
    NearMissCase(name: "a numeric condition", condition: #"{"NumericLessThan": {"s3:max-keys": "10"}}"#,
                 keys: ["s3:max-keys": ["20"]], message: "s3:max-keys is 20, the condition expects NumericLessThan \"10\""),
]

@Suite("Near misses: the smallest change that makes a failed condition pass")
struct NearMissTests {
    @Test(arguments: nearMissCases)
    func nearMiss(_ k: NearMissCase) throws {
        let doc = try PolicyDocument.parse(#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": "# + k.condition + "}}")
        var ctx = RequestContext(action: "sts:AssumeRoleWithWebIdentity")
        for (key, v) in k.keys { ctx.set(key, v) }
        let e = PolicyEvaluator.evaluate(policies: [doc], context: ctx)
        let c = try #require(e.statements.first?.conditions.first)
        #expect(!c.result)
        let n = try #require(c.nearMiss)
        #expect(n.message.contains(k.message), "\(n.message)")
        if let op = k.suggestedOperator { #expect(n.suggestedOperator == op) }
        if let v = k.suggestedValue { #expect(n.suggestedValue == v) }
        if let key = k.suggestedKey { #expect(n.suggestedKey == key) }
    }

    @Test("a passing condition has no near miss")
    func passing() throws {
        let doc = try PolicyDocument.parse(#"{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"StringLike": {"k:v": "a*"}}}}"#)
        var ctx = RequestContext(action: "s3:GetObject")
        ctx.set("k:v", "abc")
        #expect(PolicyEvaluator.evaluate(policies: [doc], context: ctx).statements.first?.conditions.first?.nearMiss == nil)
    }
}
