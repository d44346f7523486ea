import RoleHopCore
import RoleHopTestSupport
import Testing

/// `rolehop check --read-iam` against moto: the reference scenario without `--policy-dir`, so every hop's trust
/// policy can only come from IAM (moto holds the seeded roles).
@Suite("check --read-iam against moto", .serialized)
struct ReadIAMCheckTests {
    /// The scenario's arguments without its `--policy-dir DIR`.
    static func withoutPolicyDir(_ args: [String]) -> [String] {
        var out: [String] = []
        var skip = false
        for a in args {
            if skip { skip = false; continue }
            if a == "--policy-dir" { skip = true; continue }
            out.append(a)
        }
        return out
    }

    @Test func trustPoliciesOfEveryHopComeFromIAMAndAreEvaluated() async throws {
        let s = try await RunningScenario.start("reference-chained")
        defer { s.stop() }
        var env = s.environment
        env["AWS_ENDPOINT_URL_IAM"] = s.endpoint
        let args = Self.withoutPolicyDir(s.arguments)
        #expect(args.count == s.arguments.count - 2, "the scenario passes --policy-dir: \(s.arguments)")

        let r = try await ProcessRunner.rolehop(["check", "--read-iam", "--output", "json"] + args, environment: env, timeout: 60)
        #expect(r.exitCode == 0, "\(r.stdout)\n\(r.stderr)")
        let doc = try JSONParser.parse(r.stdout).value
        let hops = try #require(doc["hops"]?.arrayValue)
        #expect(hops.count == 2)
        // Each hop's trust policy was read with GetRole and evaluated: the seed's trust allows both hops.
        #expect(hops.map { $0["trustPolicy"]?["source"]?["type"]?.stringValue } == ["remote", "remote"])
        #expect(hops.map { $0["trustPolicy"]?["source"]?["from"]?.stringValue } == ["IAM GetRole", "IAM GetRole"])
        #expect(hops.map { $0["trust"]?["decision"]?.stringValue } == ["allowed", "allowed"])
        let reads = try #require(doc["iamReads"]?.arrayValue)
        #expect(reads.map { $0["endpoint"]?["url"]?.stringValue } == [s.endpoint, s.endpoint])
        #expect(reads.allSatisfy { $0["trustPolicy"]?["name"]?.stringValue?.hasSuffix("trust policy") == true })
        // account-a-role's inline policy (from the seed) is what hop 2's caller is allowed.
        #expect(reads.first?["identityPolicies"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["assume-account-b-role"])
        let ids = (doc["findings"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        #expect(!ids.contains("diagnose.trust-unknown"))
        // The seed's trust policies have the problems the scenario expects, found in the fetched documents.
        #expect(ids.contains("trust.no-sub-condition") && ids.contains("trust.root-principal"), "\(ids)")
        try await ScenarioTests().validate(r.stdout, name: "read-iam")

        // Without --read-iam nothing is read: no trust policy, no IAM reads.
        let plain = try await ProcessRunner.rolehop(["check", "--output", "json"] + args, environment: env, timeout: 60)
        let plainDoc = try JSONParser.parse(plain.stdout).value
        #expect(plainDoc["iamReads"]?.arrayValue?.isEmpty == true)
        #expect(plainDoc["hops"]?.arrayValue?.allSatisfy { $0["trustPolicy"] == .null } == true)
        #expect((plainDoc["findings"]?.arrayValue ?? []).contains { $0["id"]?.stringValue == "diagnose.trust-unknown" })
    }

    @Test func theTextReportSaysWhereTheTrustPolicyCameFrom() async throws {
        let s = try await RunningScenario.start("reference-chained")
        defer { s.stop() }
        var env = s.environment
        env["AWS_ENDPOINT_URL_IAM"] = s.endpoint
        let r = try await ProcessRunner.rolehop(["check", "--read-iam"] + Self.withoutPolicyDir(s.arguments), environment: env, timeout: 60)
        #expect(r.exitCode == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("trust policy read from IAM"), "\(r.stdout)")
    }

    @Test func readIAMWithOfflineIsAUsageError() async throws {
        for command in [["check"], ["tui"], ["bundle"], []] {
            let r = try await ProcessRunner.rolehop(command + ["--read-iam", "--offline"], environment: ["HOME": "/nonexistent", "TERM": "dumb"])
            #expect(r.exitCode == 2, "\(command): \(r.stderr)")
            #expect(r.stderr.contains("--read-iam") && r.stderr.contains("--offline"), "\(r.stderr)")
        }
    }
}
