import RoleHopCore
import RoleHopTestSupport
import Testing

/// Runs the built binary as a user does (needs `swift build` first).
@Suite("rolehop policy eval / rolehop trust (the built binary)")
struct PolicyCommandTests {
    let data = RepoPaths.testData("policy/")

    @Test("trust --claims with a namespace typo: exit 1, the finding and the fix in JSON")
    func trustTypoJSON() async throws {
        let r = try await ProcessRunner.rolehop(["trust", "--policy", data + "broken-namespace-typo.json",
                                           "--claims", data + "claims-default-my-service-account.json",
                                           "--role-arn", "arn:aws:iam::111122223333:role/account-a-role", "--output", "json"])
        #expect(r.exitCode == 1)
        let j = try JSONParser.parse(r.stdout).value
        #expect(j["decision"] == "implicitDeny")
        #expect(j["findings"]?.arrayValue?.contains { $0["id"] == "trust.sub-mismatch" } == true)
        #expect(j["suggestedPolicy"]?["Statement"] != nil)
    }

    @Test("trust for the reference hop 2 with the identity policy: allowed, exit 0 despite warnings")
    func trustHop2() async throws {
        let r = try await ProcessRunner.rolehop(["trust", "--policy", data + "reference-trust-account-b-role.json",
                                           "--principal", "arn:aws:sts::111122223333:assumed-role/account-a-role/s1",
                                           "--role-arn", "arn:aws:iam::444455556666:role/account-b-role",
                                           "--identity-policy", data + "reference-identity-account-a-role.json"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("decision: allowed"))
        #expect(r.stdout.contains("trust.root-principal"))
    }

    @Test("policy eval: JSON has decision and statements with conditions")
    func policyEvalJSON() async throws {
        let r = try await ProcessRunner.rolehop(["policy", "eval", "--resource-policy", data + "trust-external-id.json",
                                           "--action", "sts:AssumeRole", "--principal", "arn:aws:sts::111122223333:assumed-role/account-a-role/s1",
                                           "--resource", "arn:aws:iam::111122223333:role/target",
                                           "--context", "sts:ExternalId=EXAMPLE-wrong", "--output", "json"])
        #expect(r.exitCode == 1)
        let j = try JSONParser.parse(r.stdout).value
        #expect(j["decision"] == "implicitDeny")
        let c = j["statements"]?.arrayValue?.first?["conditions"]?.arrayValue?.first
        #expect(c?["key"] == "sts:ExternalId")
        #expect(c?["operator"] == "StringEquals")
        #expect(c?["policyValues"] == ["EXAMPLE-external-id"])
        #expect(c?["requestValues"] == ["EXAMPLE-wrong"])
        #expect(c?["result"] == .bool(false))
    }

    @Test("policy eval with a context file of multi-valued keys")
    func contextFile() async throws {
        let dir = TemporaryDirectory()
        let policy = dir.write("p.json", #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:TagRole","Resource":"*","Condition":{"ForAllValues:StringLike":{"aws:TagKeys":"Created*"}}}}"#)
        let r = try await ProcessRunner.rolehop(["policy", "eval", "--policy", policy, "--action", "iam:TagRole",
                                           "--context-file", data + "context-multi.json"])
        #expect(r.exitCode == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.hasPrefix("decision: allowed"))
    }

    @Test("an unknown operator is unusable input: exit 2 with file:line:col naming it")
    func unknownOperator() async throws {
        let dir = TemporaryDirectory()
        let policy = dir.write("bad.json", "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\",\n \"Condition\": {\"StringEqualz\": {\"k:v\": \"x\"}}}}")
        let r = try await ProcessRunner.rolehop(["policy", "eval", "--policy", policy, "--action", "s3:GetObject"])
        #expect(r.exitCode == 2)
        #expect(r.stderr.hasPrefix("rolehop: \(policy):2:32: unknown condition operator \"StringEqualz\""))
    }

    @Test("trust --token decodes the JWT: its sub (payments:api-sa) against the trust's default:my-service-account")
    func trustToken() async throws {
        let token = RepoPaths.testData("token/valid-rs256.jwt")
        let r = try await ProcessRunner.rolehop(["trust", "--policy", data + "trust-a-hardened.json", "--token", token,
                                                 "--role-arn", "arn:aws:iam::111122223333:role/account-a-role", "--output", "json"])
        #expect(r.exitCode == 1)
        let j = try JSONParser.parse(r.stdout).value
        #expect(j["decision"] == "implicitDeny")
        #expect(j["decidingCondition"]?["requestValues"] == ["system:serviceaccount:payments:api-sa"])
        // The raw token never appears in the output.
        let raw = try #require(readTextFile(token)).split(separator: ".")
        #expect(raw.count == 3)
        #expect(!r.stdout.contains(String(raw[2].prefix(40))))
        #expect(!r.stdout.contains(String(raw[1].prefix(40))))
    }

    @Test("trust --token with a file that is not a JWT: exit 2")
    func trustBadToken() async throws {
        let dir = TemporaryDirectory()
        let bad = dir.write("token", "not-a-jwt")
        let r = try await ProcessRunner.rolehop(["trust", "--policy", data + "trust-a-hardened.json", "--token", bad])
        #expect(r.exitCode == 2)
        #expect(r.stderr.hasPrefix("rolehop: \(bad)"))
    }

    @Test("the bench subcommand is hidden from help")
    func benchHidden() async throws {
        let r = try await ProcessRunner.rolehop(["policy", "--help"])
        #expect(r.stdout.contains("eval"))
        #expect(!r.stdout.contains("bench"))
    }
}
