import RoleHopCore
import RoleHopTestSupport
import Testing

/// The real binary in a real terminal against moto on loopback: the reference scenario, stepped hop by hop.
@Suite("rolehop explorer live against moto (tmux)", .serialized)
struct LiveExplorerTmuxTests {
    @Test func stepsThroughBothHopsResizesMidRunAndQuitsCleanly() async throws {
        let s = try await RunningScenario.start("reference-chained")
        defer { s.stop() }
        let t = try TmuxSession(width: 110, height: 32, environment: s.environment)
        defer { t.close() }
        try t.type("\(RepoPaths.rolehopBinary) tui \(s.arguments.joined(separator: " ")); echo EXIT=$?")
        try t.send("Enter")
        var (ok, screen) = try await t.waitFor("account-b-role", seconds: 20)
        #expect(ok, "first screen:\n\(screen)")
        #expect(screen.contains("live"), "the header says the mode")

        try t.send("n")
        (ok, screen) = try await t.waitFor("✔ account-a-role", seconds: 20)
        #expect(ok, "hop 1 succeeded:\n\(screen)")

        // Resize while the chain is half run: the layout follows, the state stays.
        try t.resize(width: 80, height: 24)
        (ok, screen) = try await t.waitUntil(seconds: 10) { $0.contains("✔ account-a-role") && $0.split(separator: "\n").allSatisfy { $0.count <= 80 } }
        #expect(ok, "after resize:\n\(screen)")

        try t.send("n")
        (ok, screen) = try await t.waitFor("✔ account-b-role", seconds: 20)
        #expect(ok, "hop 2 succeeded:\n\(screen)")
        try t.send("n")
        (ok, screen) = try await t.waitFor("✔ final identity", seconds: 20)
        #expect(ok, "GetCallerIdentity succeeded:\n\(screen)")
        try t.resize(width: 130, height: 32)
        (ok, screen) = try await t.waitFor("arn:aws:sts::444455556666:assumed-role/account-b-role/", seconds: 20)
        #expect(ok, "the final identity is shown:\n\(screen)")

        try t.send("q")
        (ok, screen) = try await t.waitFor("EXIT=0", seconds: 10)
        #expect(ok, "exit:\n\(screen)")
        #expect(try !t.alternateScreenOn(), "the alternate screen was left")
        // No secret reaches the screen: the scenario's temporary credentials are moto's, so check the masks.
        #expect(!screen.contains("SecretAccessKey"))
    }

    /// Without --policy-dir the Trust tab says the policy was not supplied; `i` on the hop reads it from IAM (moto)
    /// with the hop's own credentials, and the tab shows it evaluated, from IAM.
    @Test func theIKeyReadsTheSelectedHopsTrustPolicyFromIAM() async throws {
        let s = try await RunningScenario.start("reference-chained")
        defer { s.stop() }
        var env = s.environment
        env["AWS_ENDPOINT_URL_IAM"] = s.endpoint
        let t = try TmuxSession(width: 110, height: 32, environment: env)
        defer { t.close() }
        let args = ReadIAMCheckTests.withoutPolicyDir(s.arguments)
        try t.type("\(RepoPaths.rolehopBinary) tui \(args.joined(separator: " ")); echo EXIT=$?")
        try t.send("Enter")
        var (ok, screen) = try await t.waitFor("account-b-role", seconds: 20)
        #expect(ok, "first screen:\n\(screen)")
        try t.send("n")
        (ok, screen) = try await t.waitFor("✔ account-a-role", seconds: 20)
        #expect(ok, "hop 1 succeeded:\n\(screen)")
        for key in ["g", "j", "4"] { try t.send(key) }
        (ok, screen) = try await t.waitFor("Not supplied", seconds: 10)
        #expect(ok, "the trust policy is not known before the read:\n\(screen)")
        try t.send("i")
        (ok, screen) = try await t.waitFor("remote IAM GetRole", seconds: 20)
        #expect(ok, "the trust policy was read from IAM:\n\(screen)")
        #expect(screen.contains("allowed"), "and evaluated:\n\(screen)")
        try t.send("?")
        (ok, screen) = try await t.waitFor("from IAM now", seconds: 10)
        #expect(ok, "the help lists the key:\n\(screen)")
        try t.send("q")
        try t.send("q")
        (ok, screen) = try await t.waitFor("EXIT=", seconds: 10)
        #expect(ok, "exit:\n\(screen)")
    }

    /// The explorer on a Pod Identity base: the agent answers 403 first (the base and hop 1 fail, naming the
    /// agent's answer), then credentials; running hop 1 again fetches again and signs AssumeRole with them.
    @Test func podIdentityBaseFailsThenWorksWhenHopOneRunsAgain() async throws {
        let moto = try await MotoServer.shared()
        let agent = try await ScriptedServer.start([
            ScriptedServer.step(status: 403, body: #"{"message":"Credentials not found for the service account"}"#),
            ScriptedServer.step(body: BaseCredentialCheckTests.credentials, headers: [("Content-Type", "application/json")]),
        ])
        defer { agent.stop() }
        let root = BaseCredentialCheckTests.container(source: "EcsContainer")
        defer { cleanUpInBackground { root.remove() } }
        let t = try TmuxSession(width: 120, height: 36, environment: [
            "HOME": "/root", "AWS_REGION": "us-east-1", "NO_PROXY": "127.0.0.1", "AWS_ENDPOINT_URL_STS": moto.endpoint + "/",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": agent.endpoint + "/v1/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": BaseCredentialCheckTests.tokenPath,
        ])
        defer { t.close() }
        try t.type("\(RepoPaths.rolehopBinary) tui --root \(root.path) --profile target; echo EXIT=$?")
        try t.send("Enter")
        var (ok, screen) = try await t.waitFor("account-b-role", seconds: 20)
        #expect(ok, "first screen:\n\(screen)")

        try t.send("n")
        (ok, screen) = try await t.waitFor("could not be fetched", seconds: 20)
        #expect(ok, "the base failure is shown:\n\(screen)")
        #expect(screen.contains("✘ account-b-role"), "hop 1 failed:\n\(screen)")

        try t.send("r")
        (ok, screen) = try await t.waitFor("✔ account-b-role", seconds: 20)
        #expect(ok, "hop 1 succeeded on the second fetch:\n\(screen)")
        // The base node (focused when it failed, and retried with r) shows the fetched, masked key and where from.
        (ok, screen) = try await t.waitFor("****YE2E from the container credentials endpoint", seconds: 10)
        #expect(ok, "the base node says where the credentials came from:\n\(screen)")
        #expect(screen.contains("\(agent.endpoint)/v1/credentials"))
        var screens = screen
        try t.send("j")
        (ok, screen) = try await t.waitFor("signed with", seconds: 10)
        #expect(ok, "hop 1 says what signed it:\n\(screen)")
        #expect(screen.contains("base credentials from the container"), "\(screen)")
        screens += screen
        BaseCredentialCheckTests.assertClean(screens, "the explorer's screens")

        try t.send("q")
        (ok, screen) = try await t.waitFor("EXIT=", seconds: 10)
        #expect(ok, "exit:\n\(screen)")
    }
}
