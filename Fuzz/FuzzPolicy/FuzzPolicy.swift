import RoleHopCore

/// The fixed requests the parsed policy is evaluated against: a web-identity hop and a chained AssumeRole hop.
///
/// Built per input rather than held in a global: LeakSanitizer cannot see pointers stored in the spare bits of a
/// Swift enum payload, so a global `JSONValue` is reported as a leak when the fuzzer exits.
func requests() -> [TrustRequest] {
    let text = #"{"iss":"https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE0123456789","sub":"system:serviceaccount:default:app","aud":["sts.amazonaws.com"]}"#
    let claims = (try? JSONParser.parse(text, recordPositions: false).value) ?? .null
    return [
        .webIdentity(claims: claims, roleArn: "arn:aws:iam::111122223333:role/app"),
        .assumeRole(callerArn: "arn:aws:sts::111122223333:assumed-role/app/session",
                    roleArn: "arn:aws:iam::444455556666:role/target", externalId: "EXAMPLE-external", sessionName: "s",
                    tags: ["team": "fuzz"], sourceIdentity: "alice"),
    ]
}

/// libFuzzer entry: `PolicyDocument.parse`, then the evaluator (fast and explained) and the trust analysis.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let policy = try? PolicyDocument.parse(text, file: "fuzz.json") else { return 0 }
    for request in requests() {
        let ctx = TrustAnalysis.context(for: request, trustPolicy: policy)
        _ = PolicyEvaluator.decide(policies: [policy], resourcePolicy: policy, context: ctx)
        _ = PolicyEvaluator.evaluate(policies: [policy], resourcePolicy: nil, context: ctx)
        _ = TrustAnalysis.analyze(trustPolicy: policy, request: request, identityPolicies: [policy], hop: 1)
    }
    return 0
}
