import Glibc
import RoleHopTestSupport
import Testing

/// A tmux server of its own (private socket) running one shell, driven like a person at a terminal.
final class TmuxSession: @unchecked Sendable {
    let socket = "rolehop-test-\(UInt32.random(in: 0...UInt32.max))"
    let environment: [String: String]

    init(width: Int, height: Int, environment extra: [String: String] = [:]) throws {
        var env = ProcessRunner.cleanEnvironment(home: "/tmp", extra: ["LANG": "C.UTF-8", "TERM": "xterm-256color"])
        for (k, v) in extra { env[k] = v }
        environment = env
        let prompt = "PS1='PROMPT$ '"
        _ = try tmux(["new-session", "-d", "-x", "\(width)", "-y", "\(height)",
                      "env \(prompt) bash --norc --noprofile"])
    }

    @discardableResult
    func tmux(_ args: [String]) throws -> ProcessResult {
        try ProcessRunner.run(["/usr/bin/env", "tmux", "-L", socket, "-f", "/dev/null"] + args, environment: environment, timeout: 20)
    }

    func send(_ keys: String...) throws { try tmux(["send-keys"] + keys) }
    func type(_ text: String) throws { try tmux(["send-keys", "-l", text]) }
    func screen() throws -> String { try tmux(["capture-pane", "-p"]).stdout }
    func resize(width: Int, height: Int) throws { try tmux(["resize-window", "-x", "\(width)", "-y", "\(height)"]) }
    func alternateScreenOn() throws -> Bool { try tmux(["display-message", "-p", "#{alternate_on}"]).stdout.hasPrefix("1") }

    /// Waits until the pane shows `text` (or the deadline passes); returns the last screen for the message.
    func waitFor(_ text: String, seconds: Double = 10) async throws -> (Bool, String) {
        try await waitUntil(seconds: seconds) { $0.contains(text) }
    }

    /// Waits until the pane's text satisfies `condition`.
    func waitUntil(seconds: Double = 10, _ condition: (String) -> Bool) async throws -> (Bool, String) {
        let deadline = monotonicNow() + seconds
        var last = ""
        while monotonicNow() < deadline {
            last = try screen()
            if condition(last) { return (true, last) }
            try await Task.sleep(for: .milliseconds(50))
        }
        return (false, last)
    }

    func close() { _ = try? tmux(["kill-server"]) }
}

extension String {
    func trimmingSuffix() -> String {
        var s = self
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return s
    }
}

@Suite("rolehop tui under tmux", .serialized)
struct TUITmuxTests {
    static let fixture = RepoPaths.testData("tui/fixtures/trust-sub-mismatch.json")

    func start(_ t: TmuxSession, extra: String = "") async throws {
        try t.type("\(RepoPaths.rolehopBinary) tui \(extra) --snapshot \(Self.fixture); echo EXIT=$?")
        try t.send("Enter")
        let (ok, screen) = try await t.waitFor("Hop 1 failed: AccessDenied")
        #expect(ok, "first screen:\n\(screen)")
    }

    @Test("a person opens a snapshot, moves, switches tabs, searches, resizes and quits; the terminal comes back")
    func session() async throws {
        let t = try TmuxSession(width: 80, height: 24)
        defer { t.close() }
        try await start(t)
        #expect(try t.alternateScreenOn())
        // The first screen already names the cause (the focus node's Overview).
        #expect(try t.screen().contains("✘ account-a-role"))

        try t.send("4")
        var (ok, screen) = try await t.waitFor("Decision: implicit deny")
        #expect(ok, "trust tab:\n\(screen)")

        try t.send("k", "3")
        (ok, screen) = try await t.waitFor("sub           system:serviceaccount:default:my-")
        #expect(ok, "token tab of the base credentials:\n\(screen)")

        try t.send("7", "/")
        try t.type("acount")
        (ok, screen) = try await t.waitFor("1 shown")
        #expect(ok, "findings filtered by search:\n\(screen)")
        #expect(screen.contains("trust.sub-mismatch") && !screen.contains("sts.access-denied"))
        try t.send("Enter")

        try t.resize(width: 40, height: 12)
        (ok, screen) = try await t.waitFor("7 Findings")
        #expect(ok, "narrow layout after resize:\n\(screen)")
        #expect(screen.split(separator: "\n").allSatisfy { $0.count <= 40 })

        try t.resize(width: 30, height: 10)
        (ok, screen) = try await t.waitFor("terminal too small")
        #expect(ok, "too-small notice:\n\(screen)")

        try t.resize(width: 120, height: 30)
        (ok, screen) = try await t.waitFor("1 Overview  2 Settings")
        #expect(ok, "wide layout again:\n\(screen)")
        #expect(screen.contains("✘ account-a-role  failed"), "the chain keeps the selection through resizes")

        try t.send("?")
        (ok, screen) = try await t.waitFor("Keys: ? or Esc closes")
        #expect(ok, "help overlay:\n\(screen)")
        try t.send("Escape")
        try t.send("q")
        (ok, screen) = try await t.waitFor("EXIT=0")
        #expect(ok, "exit:\n\(screen)")
        #expect(screen.contains("PROMPT$"), "the shell prompt is back")
        #expect(try !t.alternateScreenOn(), "the alternate screen was left")
    }

    @Test("Ctrl-C restores the terminal too (exit 130)")
    func controlC() async throws {
        let t = try TmuxSession(width: 80, height: 24)
        defer { t.close() }
        try await start(t)
        try t.send("C-c")
        let (ok, screen) = try await t.waitFor("EXIT=130")
        #expect(ok, "after Ctrl-C:\n\(screen)")
        #expect(try !t.alternateScreenOn())
    }

    @Test("live controls on a replayed chain: a slow hop shows a spinner, keys still work, Esc cancels it")
    func slowHopCancel() async throws {
        let t = try TmuxSession(width: 80, height: 24)
        defer { t.close() }
        let reference = RepoPaths.testData("tui/fixtures/reference.json")
        try t.type("\(RepoPaths.rolehopBinary) tui --replay-delay 60 --snapshot \(reference); echo EXIT=$?")
        try t.send("Enter")
        #expect(try await t.waitFor("○ web identity token").0)
        try t.send("n")
        var (ok, screen) = try await t.waitFor("running the next hop")
        #expect(ok, "\(screen)")
        let spinner = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
        (ok, screen) = try await t.waitUntil { s in spinner.contains { s.contains("\($0) web identity token") } }
        #expect(ok, "the running node shows a spinner:\n\(screen)")
        try t.send("j")
        (ok, screen) = try await t.waitFor("Hop 1: AssumeRoleWithWebIdentity")
        #expect(ok, "selection moves while the hop runs:\n\(screen)")
        try t.send("Escape")
        (ok, screen) = try await t.waitFor("cancelled: running the next hop")
        #expect(ok, "\(screen)")
        (ok, screen) = try await t.waitFor("○ web identity token")
        #expect(ok, "the cancelled node is back to predicted:\n\(screen)")
        try t.send("q")
        #expect(try await t.waitFor("EXIT=0").0)
    }

    @Test("run all reveals the whole chain and its final identity; reset forgets it")
    func runAllAndReset() async throws {
        let t = try TmuxSession(width: 100, height: 30)
        defer { t.close() }
        let reference = RepoPaths.testData("tui/fixtures/reference.json")
        try t.type("\(RepoPaths.rolehopBinary) tui --replay-delay 0.2 --snapshot \(reference); echo EXIT=$?")
        try t.send("Enter")
        #expect(try await t.waitFor("identity not known yet").0)
        try t.send("a")
        var (ok, screen) = try await t.waitFor("arn:aws:sts::444455556666:assumed-role")
        #expect(ok, "\(screen)")
        #expect(screen.contains("✔ assumed-role/account-b-role"))
        try t.send("x")
        (ok, screen) = try await t.waitFor("identity not known yet")
        #expect(ok, "\(screen)")
        try t.send("q")
        #expect(try await t.waitFor("EXIT=0").0)
    }

    @Test("SIGTERM restores the terminal (exit 143)")
    func sigterm() async throws {
        let t = try TmuxSession(width: 80, height: 24)
        defer { t.close() }
        try await start(t)
        let shell = try t.tmux(["display-message", "-p", "#{pane_pid}"]).stdout.trimmingSuffix()
        // The explorer is the shell's only child.
        let child = try ProcessRunner.run(["/usr/bin/env", "pgrep", "-P", shell], timeout: 10).stdout.trimmingSuffix()
        let pid = try #require(Int32(child))
        kill(pid, SIGTERM)
        let (ok, screen) = try await t.waitFor("EXIT=143")
        #expect(ok, "after SIGTERM:\n\(screen)")
        #expect(try !t.alternateScreenOn())
    }

    @Test("NO_COLOR and a non-UTF-8 locale: monochrome attributes and ASCII lines")
    func asciiMonochrome() async throws {
        let t = try TmuxSession(width: 80, height: 24, environment: ["NO_COLOR": "1", "LANG": "C"])
        defer { t.close() }
        try t.type("\(RepoPaths.rolehopBinary) tui --snapshot \(Self.fixture); echo EXIT=$?")
        try t.send("Enter")
        let (ok, screen) = try await t.waitFor("Hop 1 failed")
        #expect(ok, "\(screen)")
        #expect(screen.contains("x account-a-role") && screen.contains("|"))
        #expect(!screen.contains("│") && !screen.contains("✘"))
        let colored = try t.tmux(["capture-pane", "-p", "-e"]).stdout
        #expect(!colored.contains("\u{1b}[31m") && !colored.contains("\u{1b}[32m"), "no colour escapes with NO_COLOR")
        try t.send("q")
        #expect(try await t.waitFor("EXIT=0").0)
    }
}

@Suite("rolehop tui without a terminal")
struct TUICommandTests {
    @Test("refuses without a TTY, with exit code 2")
    func noTTY() async throws {
        let r = try await ProcessRunner.rolehop(["tui", "--snapshot", RepoPaths.testData("tui/fixtures/reference.json")])
        #expect(r.exitCode == 2)
        #expect(r.stderr.contains("needs a terminal"))
    }

    @Test("a broken snapshot file is unusable input: file:line:column, exit code 2")
    func badSnapshot() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.write("snap.json", "{\"version\": 1,\n \"mode\": 7}")
        let r = try await ProcessRunner.rolehop(["tui", "--snapshot", path])
        #expect(r.exitCode == 2)
        #expect(r.stderr.contains("\(path):2:"), "\(r.stderr)")
    }

    @Test("--print-keys prints the key list that docs/tui.md carries")
    func printKeys() async throws {
        let r = try await ProcessRunner.rolehop(["tui", "--print-keys"])
        #expect(r.exitCode == 0)
        let doc = try #require(readTextFile(RepoPaths.root + "/docs/tui.md"))
        #expect(r.stdout.contains("| `n`, `Enter` | Run the next hop live |"))
        #expect(doc.contains("<!-- keys:begin -->\n" + r.stdout + "<!-- keys:end -->"))
        let readme = try #require(readTextFile(RepoPaths.root + "/README.md"))
        #expect(readme.contains("<!-- keys:begin -->\n" + r.stdout + "<!-- keys:end -->"), "README's key list is stale")
    }
}
