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
}
