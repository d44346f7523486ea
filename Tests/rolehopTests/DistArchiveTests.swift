import RoleHopCore
import RoleHopTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The portable archive (dist/rolehop-linux-x86_64.tar.gz) unpacked into an otherwise empty root: only the
/// archive, glibc (what a distroless/base image provides) and /proc, mounted in a private mount namespace.
/// Slow and needs root, so it runs only with ROLEHOP_DIST_TEST=1 (`scripts/dist.sh --test`).
@Suite("Portable archive in an empty root", .enabled(if: getenv("ROLEHOP_DIST_TEST").map { String(cString: $0) == "1" } ?? false))
struct DistArchiveTests {
    static let archive = RepoPaths.root + "/dist/rolehop-linux-x86_64.tar.gz"

    /// Unpacks the archive and copies in glibc's own libraries (the ones the archive leaves to the image).
    func makeRoot() async throws -> TemporaryDirectory {
        let root = TemporaryDirectory(prefix: "rolehop-chroot")
        let untar = try await ProcessRunner.runAsync(["/bin/tar", "-xzf", Self.archive, "-C", root.path])
        try #require(untar.exitCode == 0, "\(untar.stderr)")
        // libcurl is dlopen()ed, not linked: its glibc needs (libresolv) show only in its own ldd.
        let ldd = try await ProcessRunner.runAsync(["/usr/bin/ldd", root.path + "/rolehop/bin/rolehop",
                                                    root.path + "/rolehop/lib/libcurl.so.4"])
        try #require(ldd.exitCode == 0, "\(ldd.stderr)")
        var glibc: [String] = []
        for line in ldd.stdout.split(separator: "\n") where !line.hasSuffix(":") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
            let path = words.count >= 3 && words[1] == "=>" ? words[2] : (words.first?.hasPrefix("/") == true ? words[0] : "")
            if path.hasPrefix("/") && !path.hasPrefix(root.path) && !glibc.contains(path) { glibc.append(path) }
        }
        #expect(glibc.allSatisfy { p in ["libc.so", "libm.so", "libresolv.so", "ld-linux", "libpthread", "libdl"].contains { p.contains($0) } },
                "only glibc comes from outside the archive: \(glibc)")
        for path in glibc {
            let dir = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
            _ = try await ProcessRunner.runAsync(["/bin/mkdir", "-p", root.path + dir])
            _ = try await ProcessRunner.runAsync(["/bin/cp", "-L", path, root.path + path])
        }
        _ = try await ProcessRunner.runAsync(["/bin/mkdir", "-p", root.path + "/proc"])
        return root
    }

    /// Runs a command inside the root, with /proc mounted in a private mount namespace.
    func inRoot(_ root: TemporaryDirectory, _ argv: [String], environment: [String: String] = [:]) async throws -> ProcessResult {
        let script = #"mount -t proc proc "$0/proc" && exec /usr/sbin/chroot "$0" "$@""#
        return try await ProcessRunner.runAsync(["/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c", script, root.path] + argv,
                                                environment: environment)
    }

    /// libcrypto is opened with dlopen on first use: the archive's copy must be found through the binary's RUNPATH.
    @Test func signingLoadsTheBundledLibcrypto() async throws {
        try #require(LocalFileSystem().exists(Self.archive), "run scripts/dist.sh first")
        let root = try await makeRoot()
        defer { cleanUpInBackground { root.remove() } }
        let r = try await inRoot(root, ["/rolehop/bin/rolehop", "sigv4", "--bench", "10"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.contains("signatures/s"), "\(r.stdout)")
    }

    @Test func versionAndPodRunInAnEmptyRoot() async throws {
        try #require(LocalFileSystem().exists(Self.archive), "run scripts/dist.sh first")
        let root = try await makeRoot()
        defer { cleanUpInBackground { root.remove() } }
        let version = try await inRoot(root, ["/rolehop/bin/rolehop", "--version"])
        #expect(version.exitCode == 0, "\(version.stderr)")
        #expect(version.stdout.contains(RoleHopVersion.string))

        let env = ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:\(unusedLoopbackPort())"]
        let pod = try await inRoot(root, ["/rolehop/bin/rolehop", "pod", "--output", "json"], environment: env)
        #expect(pod.exitCode == 0 || pod.exitCode == 1, "\(pod.stderr)")
        let doc = try JSONParser.parse(pod.stdout).value
        #expect(doc["imds"]?["outcome"] == "unreachable")
        #expect(doc["kubernetes"]?["inCluster"] == false)

        // `check --offline` in the empty root: a config with static keys resolves, nothing is called.
        let home = root.write("home/.aws/credentials", "[default]\naws_access_key_id = AKIAEXAMPLEDISTTEST1\naws_secret_access_key = dist-CANARY-secret\n")
        _ = home
        let check = try await inRoot(root, ["/rolehop/bin/rolehop", "check", "--offline", "--output", "json"],
                                     environment: ["HOME": "/home", "AWS_EC2_METADATA_DISABLED": "true"])
        #expect(check.exitCode == 0, "\(check.stdout)\n\(check.stderr)")
        let report = try JSONParser.parse(check.stdout).value
        #expect(report["chain"]?["chain"]?[0]?["kind"] == "accessKey")
        #expect(!check.stdout.contains("CANARY"))
    }

    /// The root has no CA certificates, so libcurl's default file is missing; the binary must fall back to
    /// the bundled one. Against a self-signed loopback server, a loaded CA file gives "self-signed certificate";
    /// no CA file at all gives libcurl's "error setting certificate file".
    @Test func bundledCAIsUsedWhenTheImageHasNone() async throws {
        try #require(LocalFileSystem().exists(Self.archive), "run scripts/dist.sh first")
        let root = try await makeRoot()
        defer { cleanUpInBackground { root.remove() } }
        #expect(!LocalFileSystem(root: root.path).exists(PortableLayout.libcurlDefaultCA))
        let cert = try await TestCertificate.make()
        defer { cleanUpInBackground { cert.directory.remove() } }
        let server = try await ScriptedServer.start([ScriptedServer.step(body: "{}")], tls: (cert.certPath, cert.keyPath))
        defer { cleanUpInBackground { server.stop() } }
        let env = ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "https://127.0.0.1:\(server.port)/v1/credentials",
                   "AWS_CONTAINER_AUTHORIZATION_TOKEN": "DIST-TOKEN-CANARY", "AWS_EC2_METADATA_DISABLED": "true"]
        let r = try await inRoot(root, ["/rolehop/bin/rolehop", "pod", "--output", "json"], environment: env)
        let doc = try JSONParser.parse(r.stdout).value
        let message = doc["podIdentity"]?["error"]?["message"]?.stringValue ?? ""
        #expect(doc["podIdentity"]?["error"]?["code"] == "tls-failure")
        #expect(message.contains("self-signed") || message.contains("self signed"), "\(message)")
        #expect(!r.stdout.contains("CANARY"))
    }

    /// Runs `rolehop tui --snapshot` inside the root under a private tmux server on the host and returns the
    /// screen once it shows the snapshot's first finding (or the last screen after a deadline).
    func tuiInRoot(_ root: TemporaryDirectory, terminfoDirs: String?) async throws -> (shown: Bool, screen: String) {
        let socket = "rolehop-dist-\(UInt32.random(in: 0...UInt32.max))"
        let tmux = ["/usr/bin/tmux", "-L", socket, "-f", "/dev/null"]
        var env = "env -i TERM=tmux-256color PATH=/usr/bin:/bin:/usr/sbin"
        if let terminfoDirs { env += " TERMINFO_DIRS=\(terminfoDirs)" }
        let inside = "mount -t proc proc \"$0/proc\" && exec /usr/sbin/chroot \"$0\" /rolehop/bin/rolehop tui --snapshot /snap.json"
        let cmd = "\(env) unshare -m --propagation private /bin/sh -c '\(inside)' \(root.path); sleep 30"
        let start = try await ProcessRunner.runAsync(tmux + ["new-session", "-d", "-x", "80", "-y", "24", cmd])
        try #require(start.exitCode == 0, "\(start.stderr)")
        defer { cleanUpInBackground { _ = try? ProcessRunner.run(tmux + ["kill-server"]) } }
        var pane = ""
        let deadline = monotonicNow() + 15
        while monotonicNow() < deadline {
            pane = (try await ProcessRunner.runAsync(tmux + ["capture-pane", "-p"])).stdout
            if pane.contains("Hop 1 failed: AccessDenied") || pane.contains("rolehop:") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        _ = try await ProcessRunner.runAsync(tmux + ["send-keys", "q"])
        return (pane.contains("Hop 1 failed: AccessDenied"), pane)
    }

    func rootWithSnapshot() async throws -> TemporaryDirectory {
        let root = try await makeRoot()
        root.write("snap.json", readTextFile(RepoPaths.testData("tui/fixtures/trust-sub-mismatch.json")) ?? "")
        return root
    }

    /// tmux on the host, the TUI inside the root, which has no terminfo of its own: the bundled entries must do.
    @Test func tuiUnderTmuxWithTheBundledTerminfo() async throws {
        try #require(LocalFileSystem().exists(Self.archive), "run scripts/dist.sh first")
        let root = try await rootWithSnapshot()
        defer { cleanUpInBackground { root.remove() } }
        #expect(!LocalFileSystem(root: root.path).exists("/usr/share/terminfo") && !LocalFileSystem(root: root.path).exists("/lib/terminfo"))
        let (shown, screen) = try await tuiInRoot(root, terminfoDirs: "/rolehop/share/terminfo")
        #expect(shown, "\(screen)")
    }

    /// The same without TERMINFO_DIRS: the binary must point ncurses at its bundled terminfo by itself
    /// (`applyPortableLayout()` at start-up).
    @Test func tuiUnderTmuxFindsTheBundledTerminfoByItself() async throws {
        try #require(LocalFileSystem().exists(Self.archive), "run scripts/dist.sh first")
        let root = try await rootWithSnapshot()
        defer { cleanUpInBackground { root.remove() } }
        let (shown, screen) = try await tuiInRoot(root, terminfoDirs: nil)
        #expect(shown, "\(screen)")
    }
}
