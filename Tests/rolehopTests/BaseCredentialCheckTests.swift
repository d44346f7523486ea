import RoleHopCore
import RoleHopTestSupport
import Testing

/// `rolehop check` on a chain whose base is fetched live: a loopback stand-in for the Pod Identity agent or
/// instance metadata (the scripted server) hands out canary credentials, moto plays STS, and the container's
/// files (config, the agent's token) are read below `--root`.
@Suite("rolehop check on container and instance metadata bases (binary, loopback)")
struct BaseCredentialCheckTests {
    static let tokenPath = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"
    static let canaries = ["E2E-BASE-SECRET-CANARY", "E2E-BASE-SESSION-CANARY", "E2E-POD-TOKEN-CANARY", "E2E-IMDS-TOKEN-CANARY"]
    static let credentials = #"{"AccessKeyId":"ASIAEXAMPLECANARYE2E","SecretAccessKey":"E2E-BASE-SECRET-CANARY","Token":"E2E-BASE-SESSION-CANARY","AccountId":"111122223333","Expiration":"2099-01-01T00:00:00Z"}"#
    static let targetRole = "arn:aws:iam::444455556666:role/account-b-role"

    /// A container below a temporary root: its config (a role profile on `credential_source`) and the agent's token.
    static func container(source: String) -> TemporaryDirectory {
        let root = TemporaryDirectory(prefix: "rolehop-base")
        root.write("root/.aws/config", """
            [profile target]
            role_arn = \(targetRole)
            credential_source = \(source)
            """)
        root.write(String(tokenPath.dropFirst()), "E2E-POD-TOKEN-CANARY\n", mode: 0o600)
        return root
    }

    static func environment(_ extra: [String: String]) -> [String: String] {
        ProcessRunner.cleanEnvironment(home: "/root", extra: ["AWS_REGION": "us-east-1", "NO_PROXY": "127.0.0.1"]
            .merging(extra) { _, b in b })
    }

    static func assertClean(_ text: String, _ what: String) {
        for c in canaries { #expect(!text.contains(c), "\(what) leaks \(c)") }
        #expect(!text.contains("ASIAEXAMPLECANARYE2E"), "\(what) shows the base access key unmasked")
    }

    static func findings(_ doc: JSONValue) -> [(id: String, hop: Int?)] {
        (doc["findings"]?.arrayValue ?? []).compactMap { f in
            f["id"]?.stringValue.map { ($0, f["hop"]?.numberValue.map { Int($0) }) }
        }
    }

    /// The report against docs/report-schema.json, with Python's jsonschema (an independent validator).
    static func validate(_ json: String) async throws {
        let dir = TemporaryDirectory(prefix: "rolehop-schema")
        defer { dir.remove() }
        let doc = dir.write("report.json", json)
        let script = "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))"
        let r = try await ProcessRunner.runAsync([RepoPaths.python, "-c", script, doc, RepoPaths.root + "/docs/report-schema.json"])
        #expect(r.exitCode == 0, "the report does not match docs/report-schema.json: \(r.stderr.suffix(600))")
    }

    @Test func theAgentsCredentialsSignTheHopAndNoSecretLeaves() async throws {
        let moto = try await MotoServer.shared()
        let agent = try await ScriptedServer.start([ScriptedServer.step(body: Self.credentials,
                                                                        headers: [("Content-Type", "application/json")])])
        defer { agent.stop() }
        let root = Self.container(source: "EcsContainer")
        defer { cleanUpInBackground { root.remove() } }
        let env = Self.environment([
            "AWS_ENDPOINT_URL_STS": moto.endpoint + "/",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": agent.endpoint + "/v1/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": Self.tokenPath,
        ])
        let args = ["--root", root.path, "--profile", "target"]

        let r = try await ProcessRunner.rolehop(["check", "--output", "json"] + args, environment: env)
        #expect(r.exitCode == 0, "\(r.stdout)\n\(r.stderr)")
        let doc = try JSONParser.parse(r.stdout).value
        #expect(doc["hops"]?[0]?["live"]?["state"] == "succeeded")
        let arn = doc["finalIdentity"]?["arn"]?.stringValue ?? ""
        #expect(arn.hasPrefix("arn:aws:sts::444455556666:assumed-role/account-b-role/"), "final identity \(arn)")
        #expect(Self.findings(doc).contains { $0.id == "pod.identity.ok" && $0.hop == 1 })
        #expect(doc["baseCredentials"]?["fetched"] == .bool(true))
        #expect(doc["baseCredentials"]?["accessKeyId"] == "****YE2E")
        #expect(doc["baseCredentials"]?["origin"]?.stringValue == "from the container credentials endpoint at \(agent.endpoint)/v1/credentials")
        try await Self.validate(r.stdout)
        Self.assertClean(r.stdout + r.stderr, "check --output json")
        // The agent got the token read below --root, as the Authorization header.
        let seen = try await ProcessRunner.runAsync(["/usr/bin/curl", "-s", agent.endpoint + "/__requests"])
        let requests = try JSONParser.parse(seen.stdout).value
        #expect(requests[0]?["headers"]?["Authorization"] == "E2E-POD-TOKEN-CANARY")

        let text = try await ProcessRunner.rolehop(["check"] + args, environment: env)
        #expect(text.exitCode == 0, "\(text.stdout)\n\(text.stderr)")
        #expect(text.stdout.contains("verdict: the chain works"))
        #expect(text.stdout.contains("fetched ****YE2E from the container credentials endpoint"), "\(text.stdout)")
        Self.assertClean(text.stdout + text.stderr, "check (text)")

        let bundle = root.path + "/out.tar.gz"
        let b = try await ProcessRunner.rolehop(["bundle", "-o", bundle] + args, environment: env)
        #expect(b.exitCode == 0, "\(b.stdout)\n\(b.stderr)")
        Self.assertClean(b.stdout + b.stderr, "bundle output")
        let x = try await ProcessRunner.runAsync(["/bin/sh", "-c", "mkdir -p \"$1\" && tar -xzf \"$0\" -C \"$1\" && cat $(find \"$1\" -type f)",
                                                  bundle, root.path + "/unpacked"])
        #expect(x.exitCode == 0, "\(x.stderr)")
        #expect(x.stdout.contains("account-b-role"), "the unpacked bundle holds the report")
        #expect(x.stdout.contains("pod.identity.ok"), "the bundle's report holds the base fetch")
        Self.assertClean(x.stdout, "the bundle's files")
    }

    @Test func anAgentAnswering403FailsTheChainAtItsBase() async throws {
        let agent = try await ScriptedServer.start([ScriptedServer.step(
            status: 403, body: #"{"message":"Credentials not found for the service account"}"#, headers: [("Content-Type", "application/json")])])
        defer { agent.stop() }
        let root = Self.container(source: "EcsContainer")
        defer { cleanUpInBackground { root.remove() } }
        // STS is never reached: nothing listens there.
        let env = Self.environment([
            "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:\(unusedLoopbackPort())/",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": agent.endpoint + "/v1/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": Self.tokenPath,
        ])
        let r = try await ProcessRunner.rolehop(["check", "--output", "json", "--root", root.path, "--profile", "target"],
                                                environment: env)
        #expect(r.exitCode == 1, "\(r.stdout)\n\(r.stderr)")
        let doc = try JSONParser.parse(r.stdout).value
        #expect(doc["hops"]?[0]?["live"]?["state"] == "failed")
        let why = doc["hops"]?[0]?["live"]?["result"]?["skipped"]?.stringValue ?? ""
        #expect(why.contains("could not be fetched from the container credentials endpoint at \(agent.endpoint)/v1/credentials"), "\(why)")
        #expect(why.contains("HTTP 403"))
        let ids = Self.findings(doc)
        #expect(ids.contains { $0.id == "pod.identity.http-error" && $0.hop == 1 })
        #expect(ids.contains { $0.id == "diagnose.base-unavailable" && $0.hop == 1 })
        #expect(doc["finalIdentity"] == .null)
        #expect(doc["baseCredentials"]?["fetched"] == .bool(false))
        #expect(doc["baseCredentials"]?["failure"]?.stringValue == why)
        try await Self.validate(r.stdout)
        Self.assertClean(r.stdout + r.stderr, "check --output json")

        let text = try await ProcessRunner.rolehop(["check", "--root", root.path, "--profile", "target"], environment: env)
        #expect(text.exitCode == 1)
        #expect(text.stdout.contains("verdict: BROKEN at hop 1"), "\(text.stdout)")
        #expect(text.stdout.contains("Credentials not found for the service account"))
    }

    @Test func instanceMetadataCredentialsSignTheHop() async throws {
        let moto = try await MotoServer.shared()
        let imds = try await ScriptedServer.start([
            ScriptedServer.step(body: "E2E-IMDS-TOKEN-CANARY", extra: [("match", .object([("path", "/latest/api/token")]))]),
            ScriptedServer.step(body: #"{"accountId":"111122223333","instanceId":"i-0123456789EXAMPLE"}"#,
                                extra: [("match", .object([("path", "/latest/dynamic/instance-identity/document")]))]),
            ScriptedServer.step(body: "eks-node-role-EXAMPLE\n",
                                extra: [("match", .object([("path", "/latest/meta-data/iam/security-credentials/")]))]),
            ScriptedServer.step(body: #"{"Code":"Success","Type":"AWS-HMAC","# + Self.credentials.dropFirst(),
                                extra: [("match", .object([("path", "/latest/meta-data/iam/security-credentials/eks-node-role-EXAMPLE")]))]),
        ])
        defer { imds.stop() }
        let root = Self.container(source: "Ec2InstanceMetadata")
        defer { cleanUpInBackground { root.remove() } }
        let env = Self.environment(["AWS_ENDPOINT_URL_STS": moto.endpoint + "/", "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.endpoint])
        let r = try await ProcessRunner.rolehop(["check", "--output", "json", "--root", root.path, "--profile", "target"],
                                                environment: env)
        #expect(r.exitCode == 0, "\(r.stdout)\n\(r.stderr)")
        let doc = try JSONParser.parse(r.stdout).value
        #expect(doc["hops"]?[0]?["live"]?["state"] == "succeeded")
        #expect(doc["finalIdentity"]?["arn"]?.stringValue?.contains(":assumed-role/account-b-role/") == true)
        #expect(Self.findings(doc).contains { $0.id == "imds.credentials" && $0.hop == 1 })
        #expect(doc["baseCredentials"]?["origin"] == "from instance metadata (role eks-node-role-EXAMPLE)")
        try await Self.validate(r.stdout)
        Self.assertClean(r.stdout + r.stderr, "check --output json")
        let seen = try await ProcessRunner.runAsync(["/usr/bin/curl", "-s", imds.endpoint + "/__requests"])
        let requests = try JSONParser.parse(seen.stdout).value.arrayValue ?? []
        let credsGet = requests.first { $0["path"] == "/latest/meta-data/iam/security-credentials/eks-node-role-EXAMPLE" }
        #expect(credsGet?["headers"]?["X-aws-ec2-metadata-token"] == "E2E-IMDS-TOKEN-CANARY")
    }
}
