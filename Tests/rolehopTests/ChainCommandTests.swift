import RoleHopCore
import RoleHopTestSupport
import Testing

/// `rolehop chain` run as a user runs it (needs `swift build` first).
@Suite("rolehop chain (binary)")
struct ChainCommandTests {
    static let reference = """
        [profile account_b_role]
        source_profile = account_a_role
        role_arn=arn:aws:iam::444455556666:role/account-b-role
        [profile account_a_role]
        web_identity_token_file = /var/run/secrets/eks.amazonaws.com/serviceaccount/token
        role_arn=arn:aws:iam::111122223333:role/account-a-role

        """

    @Test("reference scenario, text: readable on 80 columns, exit 0")
    func referenceText() async throws {
        let dir = TemporaryDirectory()
        _ = dir.write("home/.aws/config", Self.reference)
        let env = ProcessRunner.cleanEnvironment(home: dir.path + "/home", extra: [
            "AWS_PROFILE": "account_b_role", "AWS_REGION": "eu-west-1", "AWS_EC2_METADATA_DISABLED": "true"])
        let r = try await ProcessRunner.rolehop(["chain"], environment: env)
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
        #expect(r.stdout.contains("hop 1  AssumeRoleWithWebIdentity"))
        #expect(r.stdout.contains("hop 2  AssumeRole"))
        #expect(r.stdout.contains("arn:aws:iam::444455556666:role/account-b-role"))
        #expect(r.stdout.contains("config:3"))
    }

    @Test("reference scenario, JSON: the documented shape")
    func referenceJSON() async throws {
        let dir = TemporaryDirectory()
        let config = dir.write("config", Self.reference)
        let env = ProcessRunner.cleanEnvironment(home: dir.path, extra: ["AWS_EC2_METADATA_DISABLED": "true"])
        let r = try await ProcessRunner.rolehop(["chain", "--profile", "account_b_role", "--config-file", config,
                                           "--output", "json"], environment: env)
        #expect(r.exitCode == 0, "\(r.stderr)")
        let j = try JSONParser.parse(r.stdout).value
        #expect(j["profile"]?.stringValue == "account_b_role")
        #expect(j["chain"]?.arrayValue?.map { $0["kind"]?.stringValue ?? "" } == ["webIdentity", "assumeRole"])
        #expect(j["provenance"]?["profile"]?["type"]?.stringValue == "flag")
        #expect(j["provenance"]?["chain[1].roleArn"]?["path"]?.stringValue == config)
        #expect(j["findings"] != nil)
    }

    @Test("an unresolvable config exits 2 with the reason", arguments: [
        ("[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\nsource_profile = b\n"
         + "[profile b]\nrole_arn = arn:aws:iam::111122223333:role/b\nsource_profile = a\n", "a -> b -> a"),
        ("[profile a]\nthis line is broken\n", "config:2:1: Expected an '=' sign defining a property"),
    ])
    func unresolvable(config: String, reason: String) async throws {
        let dir = TemporaryDirectory()
        _ = dir.write("config", config)
        let env = ProcessRunner.cleanEnvironment(home: dir.path, extra: ["AWS_CONFIG_FILE": dir.path + "/config"])
        let r = try await ProcessRunner.rolehop(["chain", "--profile", "a"], environment: env)
        #expect(r.exitCode == 2)
        #expect(r.stderr.hasPrefix("rolehop: "))
        #expect(r.stderr.contains(reason))
    }

    @Test("--root reads every file below a directory")
    func root() async throws {
        let dir = TemporaryDirectory()
        _ = dir.write("pod/root/.aws/config", Self.reference)
        let env = ProcessRunner.cleanEnvironment(home: "/root", extra: ["AWS_PROFILE": "account_b_role",
                                                                        "AWS_EC2_METADATA_DISABLED": "true"])
        let r = try await ProcessRunner.rolehop(["chain", "--root", dir.path + "/pod", "--output", "json"], environment: env)
        #expect(r.exitCode == 0, "\(r.stderr)")
        let j = try JSONParser.parse(r.stdout).value
        #expect(j["provenance"]?["chain[0].roleArn"]?["path"]?.stringValue == "/root/.aws/config")
    }

    @Test("a failure that does not stop resolution exits 1")
    func failureExitsOne() async throws {
        let dir = TemporaryDirectory()
        _ = dir.write("config", Self.reference.replacingFirst("source_profile = account_a_role",
                                                              "source_profile = account_a_role\nduration_seconds = 7200"))
        let env = ProcessRunner.cleanEnvironment(home: dir.path, extra: ["AWS_CONFIG_FILE": dir.path + "/config"])
        let r = try await ProcessRunner.rolehop(["chain", "--profile", "account_b_role"], environment: env)
        #expect(r.exitCode == 1)
        #expect(r.stdout.contains("chain.duration-over-chaining-limit"))
    }
}

extension String {
    func replacingFirst(_ a: String, _ b: String) -> String {
        guard let r = firstRange(of: a) else { return self }
        return String(self[..<r.lowerBound]) + b + String(self[r.upperBound...])
    }
}
