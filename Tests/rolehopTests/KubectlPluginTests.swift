import RoleHopCore
import RoleHopTestSupport
import Testing

/// scripts/kubectl-rolehop against a stand-in kubectl (Tests/rolehopTests/Fixtures/kubectl-standin.sh) that logs
/// its arguments and plays the pod on this machine.
@Suite("kubectl-rolehop plugin")
struct KubectlPluginTests {
    struct Setup: Sendable {
        let dir: TemporaryDirectory
        let archive: String
        let log: String
        let podDir: String
        let env: [String: String]
    }

    /// A fake archive whose bin/rolehop prints its arguments and a bundled file (so a broken copy shows), and
    /// exits 1 (so the plugin's exit status is rolehop's).
    func setup(_ mode: String) async throws -> Setup {
        let dir = TemporaryDirectory(prefix: "rolehop-plugin")
        _ = dir.write("pkg/rolehop/bin/rolehop", "#!/bin/sh\necho \"fake rolehop ran: $*\"\ncat \"$(dirname \"$0\")/../lib/libfake.so.1\"\nexit 1\n", mode: 0o755)
        _ = dir.write("pkg/rolehop/lib/libfake.so.1", "LIB-CONTENT-OK\n")
        _ = dir.write("pkg/rolehop/share/terminfo/x/xterm", "terminfo\n")
        let archive = dir.path + "/rolehop-linux-x86_64.tar.gz"
        let tar = try await ProcessRunner.runAsync(["/bin/tar", "-czf", archive, "-C", dir.path + "/pkg", "rolehop"])
        #expect(tar.exitCode == 0, "\(tar.stderr)")
        let bin = dir.path + "/bin"
        let standin = readTextFile(RepoPaths.root + "/Tests/rolehopTests/Fixtures/kubectl-standin.sh") ?? ""
        _ = dir.write("bin/kubectl", standin, mode: 0o755)
        let podDir = dir.path + "/in-pod/rolehop-copy"
        _ = dir.write("in-pod/.keep", "")
        let log = dir.path + "/kubectl.log"
        let env = ["PATH": bin + ":/usr/bin:/bin", "HOME": dir.path, "KUBECTL_LOG": log, "FAKE_POD": mode,
                   "ROLEHOP_ARCHIVE": archive, "ROLEHOP_POD_DIR": podDir, "TMPDIR": dir.path]
        return Setup(dir: dir, archive: archive, log: log, podDir: podDir, env: env)
    }

    func plugin(_ s: Setup, _ args: [String]) async throws -> (ProcessResult, [String]) {
        let r = try await ProcessRunner.runAsync(["/bin/sh", RepoPaths.root + "/scripts/kubectl-rolehop"] + args, environment: s.env)
        let log = (readTextFile(s.log) ?? "").split(separator: "\n").map(String.init)
        return (r, log)
    }

    static let args = ["app-5d8f7c9b6-x2x4q", "-c", "app", "-n", "team-a", "--", "pod", "--output", "json"]
    static let target = "[exec] [-n] [team-a] [-c] [app] [app-5d8f7c9b6-x2x4q]"

    @Test func copiesWithKubectlCpRunsWithTTYAndCleansUp() async throws {
        let s = try await setup("full")
        defer { cleanUpInBackground { s.dir.remove() } }
        let (r, log) = try await plugin(s, Self.args)
        #expect(r.exitCode == 1, "rolehop's exit status passes through; stderr: \(r.stderr)")
        #expect(r.stdout.contains("fake rolehop ran: pod --output json"))
        #expect(r.stdout.contains("LIB-CONTENT-OK"))
        #expect(log.first?.hasPrefix("kubectl [cp] [-n] [team-a] [-c] [app] [") == true)
        #expect(log.first?.hasSuffix("/rolehop] [app-5d8f7c9b6-x2x4q:\(s.podDir)]") == true)
        #expect(log.contains("kubectl \(Self.target) [--] [chmod] [0755] [\(s.podDir)/bin/rolehop]"))
        #expect(log.contains("kubectl [exec] [-n] [team-a] [-c] [app] [app-5d8f7c9b6-x2x4q] [-it] [--] [\(s.podDir)/bin/rolehop] [pod] [--output] [json]"))
        #expect(log.last == "kubectl \(Self.target) [--] [rm] [-rf] [\(s.podDir)]")
        #expect(!LocalFileSystem().exists(s.podDir), "the copy is removed from the pod")
        #expect(!log.contains { $0.contains("[sh] [-c]") })
    }

    @Test func withoutTarFallsBackToCatThroughSh() async throws {
        let s = try await setup("notar")
        defer { cleanUpInBackground { s.dir.remove() } }
        let (r, log) = try await plugin(s, Self.args)
        #expect(r.exitCode == 1, "\(r.stderr)")
        #expect(r.stdout.contains("fake rolehop ran: pod --output json"))
        #expect(r.stdout.contains("LIB-CONTENT-OK"), "files arrive intact through cat")
        #expect(log.first?.hasPrefix("kubectl [cp]") == true)
        let catCalls = log.filter { $0.contains(#"[sh] [-c] [cat > "$0"]"#) }
        #expect(catCalls.count == 3)
        #expect(catCalls.allSatisfy { $0.hasPrefix("kubectl \(Self.target) [-i] [--]") })
        #expect(catCalls.contains { $0.hasSuffix("[\(s.podDir)/bin/rolehop]") })
        let run = log.firstIndex { $0.contains("[-it] [--] [\(s.podDir)/bin/rolehop]") }
        let chmod = log.firstIndex { $0.contains("[chmod] [0755]") }
        #expect(run != nil && chmod != nil && (chmod ?? 0) < (run ?? 0))
        #expect(log.last?.contains("[rm] [-rf] [\(s.podDir)]") == true)
        #expect(!LocalFileSystem().exists(s.podDir))
    }

    @Test func distrolessPodGetsTheEphemeralContainerRecipe() async throws {
        let s = try await setup("bare")
        defer { cleanUpInBackground { s.dir.remove() } }
        let (r, log) = try await plugin(s, Self.args)
        #expect(r.exitCode == 3)
        #expect(r.stderr.contains("kubectl cp needs tar in the container"))
        #expect(r.stderr.contains(#"exec: "tar": executable file not found"#))
        #expect(r.stderr.contains(#"exec: "sh": executable file not found"#))
        #expect(r.stderr.contains("kubectl debug -it app-5d8f7c9b6-x2x4q -n team-a --image=IMAGE_WITH_ROLEHOP --target=app --profile=general -- /rolehop/bin/rolehop pod --output json --root /proc/1/root --env-from-pid 1"))
        #expect(r.stderr.contains("pods/ephemeralcontainers"))
        #expect(!log.contains { $0.contains("[-it]") }, "nothing is run")
        #expect(!log.contains { $0.contains("[rm]") }, "nothing to clean up")
    }

    @Test func defaultsToCheckWithoutNamespaceOrContainer() async throws {
        let s = try await setup("full")
        defer { cleanUpInBackground { s.dir.remove() } }
        let (r, log) = try await plugin(s, ["mypod"])
        #expect(r.stdout.contains("fake rolehop ran: check"))
        #expect(log.contains("kubectl [exec] [mypod] [-it] [--] [\(s.podDir)/bin/rolehop] [check]"))
    }

    @Test(arguments: [[String](), ["-c"], ["pod", "--bogus"]])
    func usageErrorsExitTwo(_ args: [String]) async throws {
        let s = try await setup("full")
        defer { cleanUpInBackground { s.dir.remove() } }
        let (r, log) = try await plugin(s, args)
        #expect(r.exitCode == 2)
        #expect(r.stderr.contains("usage: kubectl rolehop"))
        #expect(log.isEmpty)
    }
}
