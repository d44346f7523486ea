import RoleHopCore
import RoleHopTestSupport
import Testing

/// Canary values planted in every input must reach no output: stdout and stderr of `check` (text and JSON), the
/// bundle (every byte, decompressed by the system's tar), `check --from-bundle`, and the explorer's screens.
/// The bundle of the reference scenario must also be small, private (0600) and never overwrite without --force.
@Suite("Secrets never leave the process; the bundle (binary, loopback)", .serialized)
struct SecretsAndBundleTests {
    static let hop2Canaries = ["hop2-secret-CANARY-b", "hop2-token-CANARY-b"]

    /// The scripted peer: both hops succeed with canary credentials, then GetCallerIdentity.
    static func peerSteps() -> JSONValue {
        let hop1 = """
            <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>\
            <SubjectFromWebIdentityToken>system:serviceaccount:default:my-service-account</SubjectFromWebIdentityToken>\
            <AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/account-a-role/s</Arn><AssumedRoleId>AROAEXAMPLEA:s</AssumedRoleId></AssumedRoleUser>\
            <Credentials><SessionToken>hop1-token-CANARY-a</SessionToken><SecretAccessKey>hop1-secret-CANARY-a</SecretAccessKey>\
            <Expiration>2099-01-01T00:00:00Z</Expiration><AccessKeyId>ASIAEXAMPLEHOPONE001</AccessKeyId></Credentials>\
            </AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>
            """
        let hop2 = """
            <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>\
            <AssumedRoleUser><Arn>arn:aws:sts::444455556666:assumed-role/account-b-role/s</Arn><AssumedRoleId>AROAEXAMPLEB:s</AssumedRoleId></AssumedRoleUser>\
            <Credentials><SessionToken>\(hop2Canaries[1])</SessionToken><SecretAccessKey>\(hop2Canaries[0])</SecretAccessKey>\
            <Expiration>2099-01-01T00:00:00Z</Expiration><AccessKeyId>ASIAEXAMPLEHOPTWO002</AccessKeyId></Credentials>\
            </AssumeRoleResult><ResponseMetadata><RequestId>req-2</RequestId></ResponseMetadata></AssumeRoleResponse>
            """
        let who = """
            <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>\
            <Arn>arn:aws:sts::444455556666:assumed-role/account-b-role/s</Arn><UserId>AROAEXAMPLEB:s</UserId><Account>444455556666</Account>\
            </GetCallerIdentityResult><ResponseMetadata><RequestId>req-3</RequestId></ResponseMetadata></GetCallerIdentityResponse>
            """
        func step(_ action: String, _ body: String) -> JSONValue {
            ScriptedServer.step(body: body, headers: [("Content-Type", "text/xml")],
                                extra: [("match", .object([("bodyContains", .string("Action=\(action)&"))]))])
        }
        return [step("AssumeRoleWithWebIdentity", hop1), step("AssumeRole", hop2), step("GetCallerIdentity", who)]
    }

    @Test func noCanaryReachesAnyOutputAndTheBundleIsSmallAndPrivate() async throws {
        let peer = try await ScriptedServer.start(Self.peerSteps())
        defer { peer.stop() }
        let work = TemporaryDirectory(prefix: "rolehop-canary")
        defer { work.remove() }
        let layout = try await ProcessRunner.runAsync([RepoPaths.python, RepoPaths.root + "/scripts/scenario.py", "prepare",
                                                       "reference-chained", "--out", work.path, "--endpoint", peer.endpoint])
        try #require(layout.exitCode == 0, "\(layout.stderr)")
        let doc = try JSONParser.parse(layout.stdout).value
        var env = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TERM": "dumb"]
        for (k, v) in doc["env"]?.objectValue ?? [] { env[k] = v.stringValue }
        let args = (doc["args"]?.arrayValue ?? []).compactMap(\.stringValue)
        let rootfs = try #require(doc["rootfs"]?.stringValue)

        // Plant canaries: a credentials file with a secret key, a session token and a proxy password in the environment.
        work.write("rootfs/root/.aws/credentials", """
            [static]
            aws_access_key_id = AKIAEXAMPLECANARY901
            aws_secret_access_key = credfile-secret-CANARY-1
            aws_session_token = credfile-token-CANARY-2
            """)
        env["AWS_SESSION_TOKEN"] = "env-session-CANARY-3"
        env["HTTPS_PROXY"] = "http://user:proxy-CANARY-4@127.0.0.1:9"
        env["HTTP_PROXY"] = "http://user:proxy-CANARY-4@127.0.0.1:9"
        env["NO_PROXY"] = "127.0.0.1"
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "container-token-CANARY-5"
        let token = try #require(readTextFile(rootfs + "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"))
        let signature = String(token.split(separator: ".").last ?? "")
        #expect(signature.count > 100)
        let canaries = ["credfile-secret-CANARY-1", "credfile-token-CANARY-2", "env-session-CANARY-3", "proxy-CANARY-4",
                        "container-token-CANARY-5", "hop1-secret-CANARY-a", "hop1-token-CANARY-a", signature, token]
            + Self.hop2Canaries

        func assertClean(_ text: String, _ what: String) {
            for c in canaries { #expect(!text.contains(c), "\(what) leaks \(c.prefix(24))…") }
            #expect(!text.contains("AKIAEXAMPLECANARY901"), "\(what) shows an access key id unmasked")
        }

        // check, text and JSON: the chain works against the scripted peer, and nothing leaks.
        for output in ["text", "json"] {
            let r = try await ProcessRunner.rolehop(["check", "--output", output] + args, environment: env)
            #expect(r.exitCode == 0, "\(r.stdout)\n\(r.stderr)")
            assertClean(r.stdout, "check --output \(output) stdout")
            assertClean(r.stderr, "check --output \(output) stderr")
        }

        // The bundle: written 0600, under 64 KiB, every byte clean once the system's tar unpacks it.
        let bundle = work.path + "/out/bundle.tar.gz"
        _ = work.write("out/.keep", "")
        let b = try await ProcessRunner.rolehop(["bundle", "-o", bundle] + args, environment: env)
        #expect(b.exitCode == 0, "\(b.stdout)\n\(b.stderr)")
        assertClean(b.stdout + b.stderr, "bundle output")
        let info = try #require(LocalFileSystem().info(bundle))
        #expect(info.mode == 0o600)
        #expect(info.size < 64 * 1024, "bundle is \(info.size) bytes")
        let unpacked = work.path + "/unpacked"
        let x = try await ProcessRunner.runAsync(["/bin/sh", "-c", "mkdir -p \"$1\" && tar -xzf \"$0\" -C \"$1\" && cat $(find \"$1\" -type f)", bundle, unpacked])
        #expect(x.exitCode == 0, "\(x.stderr)")
        #expect(x.stdout.contains("account-b-role"), "the unpacked bundle holds the report")
        #expect(x.stdout.contains("****9901") || x.stdout.contains("****R901") || !x.stdout.contains("EXAMPLECANARY901"))
        assertClean(x.stdout, "the bundle's files")
        let names = try await ProcessRunner.runAsync(["/bin/tar", "-tzf", bundle])
        for required in ["manifest.json", "report.json", "report.txt", "explorer.json", "environment.json",
                         "token/claims.json", "hops/1-attempt-1.txt", "hops/3-attempt-1.txt"] {
            #expect(names.stdout.split(separator: "\n").contains(Substring(required)), "\(required) missing from \(names.stdout)")
        }

        // Never over an existing file without --force; with --force it is replaced.
        let again = try await ProcessRunner.rolehop(["bundle", "--offline", "-o", bundle] + args, environment: env)
        #expect(again.exitCode == 2)
        #expect(again.stderr.contains(bundle))
        let forced = try await ProcessRunner.rolehop(["bundle", "--offline", "--force", "-o", bundle] + args, environment: env)
        #expect(forced.exitCode == 0, "\(forced.stderr)")

        // The colleague's side: the stored report, and the explorer on the bundle under tmux.
        let live = work.path + "/out/live.tar.gz"
        _ = try await ProcessRunner.rolehop(["bundle", "-o", live] + args, environment: env)
        let fromBundle = try await ProcessRunner.rolehop(["check", "--from-bundle", live], environment: ["PATH": "/usr/bin:/bin"])
        #expect(fromBundle.exitCode == 0, "\(fromBundle.stderr)")
        #expect(fromBundle.stdout.contains("verdict: the chain works"))
        assertClean(fromBundle.stdout, "check --from-bundle")

        let t = try TmuxSession(width: 120, height: 40)
        defer { t.close() }
        try t.type("\(RepoPaths.rolehopBinary) open \(live); echo EXIT=$?")
        try t.send("Enter")
        var (ok, screen) = try await t.waitFor("bundle", seconds: 20)
        #expect(ok, "the explorer opens the bundle:\n\(screen)")
        var screens = screen
        for keys in [["j"], ["6"], ["j"], ["6"], ["3"], ["7"], ["G", "1"]] {
            try t.tmux(["send-keys"] + keys)
            (_, screen) = try await t.waitUntil(seconds: 1) { _ in false }
            screens += screen
        }
        #expect(screens.contains("account-b-role"))
        #expect(screens.contains("AssumeRole"))
        assertClean(screens, "the explorer's screens of the bundle")
        try t.send("q")
        (ok, screen) = try await t.waitFor("EXIT=0", seconds: 10)
        #expect(ok, "exit:\n\(screen)")
    }

    @Test func foreignAndDamagedBundlesAreRefusedWithExitTwo() async throws {
        let dir = TemporaryDirectory(prefix: "rolehop-badbundle")
        defer { dir.remove() }
        let notGzip = dir.write("plain.tar.gz", "this is not an archive")
        let r = try await ProcessRunner.rolehop(["check", "--from-bundle", notGzip], environment: ["PATH": "/usr/bin:/bin"])
        #expect(r.exitCode == 2)
        #expect(r.stderr.contains(notGzip))
        let o = try await ProcessRunner.rolehop(["open", notGzip], environment: ["PATH": "/usr/bin:/bin", "TERM": "xterm"])
        #expect(o.exitCode == 2)
    }
}
