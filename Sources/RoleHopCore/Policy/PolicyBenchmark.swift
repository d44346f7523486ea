#if canImport(Glibc)
import Glibc
#endif

/// Evaluations per second of a 20-statement web-identity trust policy with conditions.
///
/// Every statement names the same OIDC provider and checks `:aud` and `:sub` (StringEquals, StringLike),
/// and only the last one matches, so each evaluation runs every statement's conditions. The policy is
/// parsed once and the request context built once, as a hop evaluated repeatedly would be.
public enum PolicyBenchmark {
    public static let issuer = "oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"

    /// The benchmark's trust policy.
    public static func trustPolicyText(statements: Int = 20) -> String {
        var items: [JSONValue] = []
        for i in 0..<statements {
            let last = i == statements - 1
            let sub: JSONValue = last ? "system:serviceaccount:prod:app" : .string("system:serviceaccount:team\(i):app\(i)")
            var cond: [(String, JSONValue)] = [("StringEquals", .object([(issuer + ":aud", "sts.amazonaws.com"), (issuer + ":sub", sub)]))]
            if i % 4 == 1 {
                cond = [("StringEquals", .object([(issuer + ":aud", "sts.amazonaws.com")])),
                        ("StringLike", .object([(issuer + ":sub", .string("system:serviceaccount:team\(i):*"))]))]
            }
            items.append(.object([
                ("Sid", .string("Team\(i)")), ("Effect", "Allow"),
                ("Principal", .object([("Federated", .string("arn:aws:iam::111122223333:oidc-provider/" + issuer))])),
                ("Action", "sts:AssumeRoleWithWebIdentity"), ("Condition", .object(cond)),
            ]))
        }
        return JSONValue.object([("Version", "2012-10-17"), ("Statement", .array(items))]).serialized(pretty: true)
    }

    /// Runs `iterations` evaluations and returns the rate. The decision is checked so the work is not optimised away.
    public static func run(iterations: Int) -> (evaluationsPerSecond: Double, decision: Decision) {
        guard let doc = try? PolicyDocument.parse(trustPolicyText(), file: "bench") else { return (0, .implicitDeny) }
        let claims: JSONValue = .object([
            ("iss", .string("https://" + issuer)), ("sub", "system:serviceaccount:prod:app"), ("aud", ["sts.amazonaws.com"]),
        ])
        let ctx = TrustAnalysis.context(for: .webIdentity(claims: claims, roleArn: "arn:aws:iam::111122223333:role/account-a-role",
                                                          sessionName: "bench"))
        var allowed = 0
        let start = monotonicSeconds()
        for _ in 0..<iterations where PolicyEvaluator.decide(policies: [], resourcePolicy: doc, context: ctx) == .allowed {
            allowed += 1
        }
        let elapsed = monotonicSeconds() - start
        return (Double(iterations) / Swift.max(elapsed, 1e-9), allowed == iterations ? .allowed : .implicitDeny)
    }

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
