import RoleHopCore
import RoleHopTestSupport
import Testing

/// `rolehop token` run as a user runs it (needs `swift build` first).
@Suite("rolehop token (binary)")
struct TokenCommandTests {
    static let data = RepoPaths.testData("token")
    /// The generator's fixed "now": 30 minutes after the tokens were issued.
    static let now = "2026-11-29T11:30:00Z"

    static func run(_ args: [String], env: [String: String] = [:]) async throws -> ProcessResult {
        let home = TemporaryDirectory()
        defer { home.remove() }
        return try await ProcessRunner.rolehop(["token"] + args,
                                         environment: ProcessRunner.cleanEnvironment(home: home.path, extra: env))
    }

    static func signature(_ name: String) -> String {
        let text = readTextFile(data + "/\(name).jwt") ?? ""
        return text.split(separator: ".").last.map { String($0.dropLast()) } ?? "?"
    }

    @Test func validTokenVerifiesWithAKeyFileAndHidesTheSignature() async throws {
        let r = try await Self.run([Self.data + "/valid-rs256.jwt", "--jwks", Self.data + "/jwks.json", "--now", Self.now])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.contains("ok   token.signature: The signature verifies (RS256, key rsa-test-1)"))
        #expect(r.stdout.contains("sub  system:serviceaccount:payments:api-sa"))
        #expect(r.stdout.contains("signature  256 bytes (not shown)"))
        #expect(!r.stdout.contains(Self.signature("valid-rs256")))
    }

    @Test(arguments: [
        ("tampered-payload", "token.signature-invalid"), ("wrong-key", "token.signature-invalid"),
        ("unknown-kid", "token.kid-unknown"), ("alg-none", "token.alg-none"), ("expired", "token.expired"),
        ("future", "token.not-yet-valid"),
    ])
    func badTokensExitOneWithTheirFindingInJSON(name: String, id: String) async throws {
        let r = try await Self.run([Self.data + "/\(name).jwt", "--jwks", Self.data + "/jwks.json", "--now", Self.now,
                              "--output", "json"])
        #expect(r.exitCode == 1, "\(r.stderr)")
        let doc = try JSONParser.parse(r.stdout).value
        let ids = doc["findings"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(ids.contains(id), "\(ids)")
        let sig = Self.signature(name)
        if sig.count > 8 { #expect(!r.stdout.contains(sig)) }
    }

    @Test func garbageExitsTwoWithFileLineColumn() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.write("token", "eyJhbGciOiJSUzI1NiJ9.eyJzd*IiOiJhIn0.c2ln\n")
        let r = try await Self.run([path])
        #expect(r.exitCode == 2)
        #expect(r.stderr.hasPrefix("rolehop: \(path):1:27: payload at byte 26: expected a base64url character"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func defaultPathComesFromTheEnvironmentOrTheEKSMountBelowRoot() async throws {
        let token = readTextFile(Self.data + "/valid-es256.jwt") ?? ""
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let envPath = dir.write("elsewhere/token", token)
        let fromEnv = try await Self.run(["--now", Self.now], env: ["AWS_WEB_IDENTITY_TOKEN_FILE": envPath])
        #expect(fromEnv.stdout.hasPrefix("Token file  \(envPath)  [env AWS_WEB_IDENTITY_TOKEN_FILE]"), "\(fromEnv.stdout)")
        dir.write("var/run/secrets/eks.amazonaws.com/serviceaccount/token", token, mode: 0o600)
        let fromRoot = try await Self.run(["--root", dir.path, "--now", Self.now, "--uid", "4242", "--gid", "4242"])
        #expect(fromRoot.stdout.hasPrefix("Token file  \(TokenFile.eksDefaultPath)  [default (EKS pod identity webhook mount)]"))
        #expect(fromRoot.stdout.contains("alg  ES256"))
        // Mode 0600 owned by the test's user: uid 4242 without the group cannot read it (no fsGroup).
        #expect(fromRoot.stdout.contains("FAIL token.file-permission-denied"))
        #expect(fromRoot.exitCode == 1)
    }

    @Test func missingFileIsAFinding() async throws {
        let r = try await Self.run(["/nonexistent/token", "--output", "json"])
        #expect(r.exitCode == 1)
        let doc = try JSONParser.parse(r.stdout).value
        #expect(doc["findings"]?.arrayValue?.first?["id"] == "token.file-missing")
    }

    @Test func verifyFetchesDiscoveryOverHTTPSTrustingAWSCABundle() async throws {
        let ca = try TestCertificateAuthority.make()
        defer { ca.dir.remove() }
        let tls = (cert: ca.serverChain, key: ca.serverKey)
        let json = [("Content-Type", "application/json")]
        let keys = try await ScriptedServer.start([
            ScriptedServer.step(body: readTextFile(Self.data + "/jwks.json") ?? "", headers: json,
                                extra: [("match", .object([("path", "/keys")]))]),
        ], tls: tls)
        let issuerServer = try await ScriptedServer.start([
            ScriptedServer.step(body: "{\"jwks_uri\": \"https://127.0.0.1:\(keys.port)/keys\"}", headers: json,
                                extra: [("match", .object([("path", "/id/TEST/.well-known/openid-configuration")]))]),
        ], tls: tls)
        // The issuer holds a copy of the key server's stdin pipe, so it stops first.
        defer { issuerServer.stop(); keys.stop() }
        let issuer = "https://127.0.0.1:\(issuerServer.port)/id/TEST"
        let minted = try await ProcessRunner.runAsync([RepoPaths.python, Self.data + "/generate.py", "--mint-issuer", issuer])
        #expect(minted.exitCode == 0, "\(minted.stderr)")
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.write("token", minted.stdout)

        let r = try await Self.run([path, "--verify", "--now", Self.now, "--output", "json"],
                                   env: ["AWS_CA_BUNDLE": ca.caCert])
        #expect(r.exitCode == 0, "\(r.stdout)\(r.stderr)")
        let doc = try JSONParser.parse(r.stdout).value
        let findings = doc["findings"]?.arrayValue ?? []
        let ids = findings.compactMap { $0["id"]?.stringValue }
        #expect(ids.contains("token.discovery") && ids.contains("token.signature") && ids.contains("token.issuer-certificates"),
                "\(ids)")
        #expect(doc["discovery"]?["thumbprint"]?.stringValue == ca.caThumbprint)
        #expect(doc["discovery"]?["fetches"]?.arrayValue?.count == 2)

        // Without the test CA, libcurl refuses the certificate: discovery fails and the command exits 1.
        let untrusted = try await Self.run([path, "--verify", "--now", Self.now])
        #expect(untrusted.exitCode == 1)
        #expect(untrusted.stdout.contains("FAIL token.discovery-failed"), "\(untrusted.stdout)")
        let signature = minted.stdout.split(separator: ".").last.map { String($0.filter { $0 != "\n" }) } ?? "?"
        #expect(signature.count > 100)
        #expect(!untrusted.stdout.contains(signature) && !r.stdout.contains(signature))
    }
}

/// `rolehop token` on the scenarios' laid-out pods (scripts/scenario.py mints their tokens with its own key).
@Suite("rolehop token on scenarios (binary)")
struct TokenScenarioTests {
    // The failing token findings each scenario was written to show; the rest have a healthy token.
    @Test(arguments: [
        ("reference-chained", [String]()), ("reference-oidc-in-b", []), ("expired-token", ["token.expired"]),
        ("wrong-audience", ["token.audience"]), ("sub-namespace-typo", []), ("irsa-env-missing", []),
    ])
    func tokenFindings(scenario: String, failing: [String]) async throws {
        let out = TemporaryDirectory()
        defer { out.remove() }
        let now = "1795951800"  // 2026-11-29T11:30:00Z
        let prep = try await ProcessRunner.runAsync([RepoPaths.python, RepoPaths.root + "/scripts/scenario.py", "prepare",
                                                     scenario, "--out", out.path, "--now", now])
        #expect(prep.exitCode == 0, "\(prep.stderr)")
        let layout = try JSONParser.parse(prep.stdout).value
        let rootfs = try #require(layout["rootfs"]?.stringValue)
        let jwks = try #require(layout["jwks"]?.stringValue)
        var env: [String: String] = [:]
        for name in ["AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_REGION"] {
            if let v = layout["env"]?[name]?.stringValue { env[name] = v }
        }
        let home = TemporaryDirectory()
        defer { home.remove() }
        let r = try await ProcessRunner.rolehop(
            ["token", "--root", rootfs, "--jwks", jwks, "--now", "2026-11-29T11:30:00Z", "--output", "json"],
            environment: ProcessRunner.cleanEnvironment(home: home.path, extra: env))
        #expect(r.exitCode == (failing.isEmpty ? 0 : 1), "\(r.stdout)\(r.stderr)")
        let findings = try JSONParser.parse(r.stdout).value["findings"]?.arrayValue ?? []
        let fails = findings.filter { $0["severity"] == "fail" }.compactMap { $0["id"]?.stringValue }
        #expect(fails == failing)
        #expect(findings.contains { $0["id"] == "token.signature" && $0["severity"] == "ok" })
    }
}
