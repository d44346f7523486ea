import RoleHopCore
import RoleHopTestSupport
import Testing

/// The explorer on the worst day: a storm of resizes, a tiny terminal, TERM unset, a hop stalled on the network.
@Suite("Hostile terminals and stalled hops (tmux)", .serialized)
struct HostileTerminalTests {
    static let fixture = RepoPaths.testData("tui/fixtures/trust-sub-mismatch.json")

    @Test func twentyResizesInTwoSecondsThenATinyTerminalNeitherCrashNorGarble() async throws {
        let t = try TmuxSession(width: 100, height: 30)
        defer { t.close() }
        try t.type("\(RepoPaths.rolehopBinary) tui --snapshot \(Self.fixture); echo EXIT=$?")
        try t.send("Enter")
        var (ok, screen) = try await t.waitFor("account-a-role")
        #expect(ok, "first screen:\n\(screen)")
        let sizes = [(40, 12), (120, 40), (20, 5), (80, 24), (41, 13)]
        let started = monotonicNow()
        for i in 0..<20 {
            let (w, h) = sizes[i % sizes.count]
            try t.resize(width: w, height: h)
        }
        #expect(monotonicNow() - started < 10)
        try t.resize(width: 20, height: 5)
        (ok, screen) = try await t.waitUntil { s in s.split(separator: "\n").allSatisfy { $0.count <= 20 } && s.contains("small") }
        #expect(ok, "20x5 shows the too-small notice:\n\(screen)")
        try t.resize(width: 90, height: 28)
        (ok, screen) = try await t.waitFor("7 Find")
        #expect(ok, "the explorer comes back at a usable size:\n\(screen)")
        #expect(screen.split(separator: "\n").allSatisfy { $0.count <= 90 })
        try t.send("q")
        (ok, screen) = try await t.waitFor("EXIT=0")
        #expect(ok, "still answers and quits cleanly:\n\(screen)")
        #expect(try !t.alternateScreenOn())
    }

    @Test func termUnsetIsRefusedWithAClearMessageAndNoCrash() async throws {
        let r = try await ProcessRunner.rolehop(["tui", "--snapshot", Self.fixture],
                                                environment: ["PATH": "/usr/bin:/bin", "HOME": "/tmp"])
        #expect(r.exitCode == 2)
        #expect(!r.stderr.isEmpty)
        #expect(!r.stderr.contains("Fatal error"))
        // Without a terminal, the default command prints the text report instead.
        let d = try await ProcessRunner.rolehop(["--offline", "--config-file", "/nonexistent"],
                                                environment: ["PATH": "/usr/bin:/bin", "HOME": "/tmp", "AWS_EC2_METADATA_DISABLED": "true"])
        #expect(d.stdout.contains("rolehop check"))
        #expect(d.exitCode == 1 || d.exitCode == 2)
    }

    @Test func keysStillWorkWhileAHopStallsOnTheNetworkAndEscCancelsIt() async throws {
        let s = try await RunningScenario.start("private-cluster-unreachable")
        defer { s.stop() }
        let t = try TmuxSession(width: 110, height: 32, environment: s.environment)
        defer { t.close() }
        try t.type("\(RepoPaths.rolehopBinary) tui --connect-timeout 60 --timeout 60 \(s.arguments.joined(separator: " ")); echo EXIT=$?")
        try t.send("Enter")
        var (ok, screen) = try await t.waitFor("account-b-role", seconds: 20)
        #expect(ok, "first screen:\n\(screen)")
        try t.send("n")
        (ok, screen) = try await t.waitFor("running", seconds: 10)
        #expect(ok, "the hop shows as running:\n\(screen)")
        // The connection never completes; the screen keeps answering keys meanwhile.
        try t.send("7")
        (ok, screen) = try await t.waitFor("token.lifetime", seconds: 5)
        #expect(ok, "tabs switch during the stalled hop:\n\(screen)")
        try t.send("1")
        try t.send("Escape")
        (ok, screen) = try await t.waitUntil(seconds: 5) { !$0.contains("account-b-role  running") && $0.contains("account-b-role") }
        #expect(ok, "Esc cancels the stalled call:\n\(screen)")
        try t.send("q")
        (ok, screen) = try await t.waitFor("EXIT=0", seconds: 10)
        #expect(ok, "quits cleanly:\n\(screen)")
    }
}
