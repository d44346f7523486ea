import RoleHopCore
import RoleHopTestSupport
import Testing

/// `rolehop pod` run as a user runs it from a debug container: another process's environment
/// (`--env-from-pid`), another container's files (`--root`), and loopback stand-ins for the Pod Identity
/// agent, instance metadata and the API server.
@Suite("rolehop pod (binary)")
struct PodCommandTests {
    struct Scene: Sendable {
        let root: TemporaryDirectory
        let cert: TestCertificate
        let agent: LoopbackServer
        let imds: LoopbackServer
        let api: LoopbackServer
        let target: ProcessRunner.Child
        func stop() { target.terminate(); agent.stop(); imds.stop(); api.stop(); root.remove(); cert.directory.remove() }
    }

    static let podIdentityTokenPath = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"

    func scene() async throws -> Scene {
        let cert = try await TestCertificate.make()
        let root = TemporaryDirectory(prefix: "rolehop-root")
        // The target container's files, below --root.
        root.write(String(Self.podIdentityTokenPath.dropFirst()), "CLI-POD-TOKEN-CANARY\n", mode: 0o600)
        root.write("var/run/secrets/kubernetes.io/serviceaccount/token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6dGVhbS1hOmFwcC1zYSJ9.CLI-BEARER-CANARY")
        root.write("var/run/secrets/kubernetes.io/serviceaccount/namespace", "team-a")
        root.write("var/run/secrets/kubernetes.io/serviceaccount/ca.crt", readTextFile(cert.certPath) ?? "")
        let agent = try await ScriptedServer.start([ScriptedServer.step(body: #"{"AccessKeyId":"ASIAEXAMPLECANARYKEY","SecretAccessKey":"CLI-SECRET-CANARY","Token":"CLI-SESSION-CANARY","AccountId":"111122223333","Expiration":"2099-01-01T00:00:00Z"}"#)])
        let imds = try await ScriptedServer.start([
            ScriptedServer.step(body: "CLI-IMDS-TOKEN-CANARY", extra: [("match", .object([("path", "/latest/api/token")]))]),
            ScriptedServer.step(body: #"{"accountId":"111122223333","instanceId":"i-0123456789EXAMPLE"}"#,
                                extra: [("match", .object([("path", "/latest/dynamic/instance-identity/document")]))]),
            ScriptedServer.step(body: "eks-node-role-EXAMPLE", extra: [("match", .object([("path", "/latest/meta-data/iam/security-credentials/")]))]),
        ])
        let api = try await ScriptedServer.start([
            ScriptedServer.step(body: readTextFile(RepoPaths.testData("pod/pod.json")) ?? "",
                                extra: [("match", .object([("path", "/api/v1/namespaces/team-a/pods/app-5d8f7c9b6-x2x4q")]))]),
            ScriptedServer.step(body: readTextFile(RepoPaths.testData("pod/serviceaccount.json")) ?? "",
                                extra: [("match", .object([("path", "/api/v1/namespaces/team-a/serviceaccounts/app-sa")]))]),
        ], tls: (cert.certPath, cert.keyPath))
        // The application process whose environment is diagnosed.
        let target = try ProcessRunner.spawn(["/bin/sleep", "120"], environment: [
            "PATH": "/usr/bin:/bin", "HOSTNAME": "app-5d8f7c9b6-x2x4q",
            "KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(api.port),
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": agent.endpoint + "/v1/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": Self.podIdentityTokenPath,
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.endpoint,
        ])
        return Scene(root: root, cert: cert, agent: agent, imds: imds, api: api, target: target)
    }

    @Test func diagnosesAnotherProcessThroughRootAndEnvFromPid() async throws {
        let s = try await scene()
        defer { cleanUpInBackground { s.stop() } }
        let home = TemporaryDirectory()
        defer { cleanUpInBackground { home.remove() } }
        let r = try await ProcessRunner.rolehop(["pod", "--root", s.root.path, "--env-from-pid", String(s.target.pid), "--output", "json"],
                                                environment: ProcessRunner.cleanEnvironment(home: home.path))
        let doc = try JSONParser.parse(r.stdout).value
        #expect(doc["podIdentity"]?["kind"] == "custom")
        #expect(doc["podIdentity"]?["status"]?.numberValue == 200)
        #expect(doc["podIdentity"]?["credentials"]?["accountId"] == "111122223333")
        #expect(doc["imds"]?["outcome"] == "reachable")
        #expect(doc["imds"]?["roleName"] == "eks-node-role-EXAMPLE")
        #expect(doc["kubernetes"]?["pod"]?["owner"] == "Deployment/app")
        #expect(doc["kubernetes"]?["serviceAccount"]?["name"] == "app-sa")
        let ids = (["podIdentity", "imds", "kubernetes"]).flatMap { doc[$0]?["findings"]?.arrayValue ?? [] }.compactMap { $0["id"]?.stringValue }
        #expect(ids.contains("imds.node-role-fallback"))
        // The diagnosed process has no AWS_ROLE_ARN although its service account is annotated.
        #expect(ids.contains("k8s.env-missing"))
        #expect(r.exitCode == 1)
        // The agent got the token read below --root.
        let seen = try await ProcessRunner.runAsync(["/usr/bin/curl", "-s", s.agent.endpoint + "/__requests"])
        #expect(seen.stdout.contains("CLI-POD-TOKEN-CANARY"))
        #expect(!(r.stdout + r.stderr).contains("CANARY"), "a secret reached the output")
    }

    @Test func textOutputFitsEightyColumnsAndHidesSecrets() async throws {
        let s = try await scene()
        defer { cleanUpInBackground { s.stop() } }
        let home = TemporaryDirectory()
        defer { cleanUpInBackground { home.remove() } }
        let r = try await ProcessRunner.rolehop(["pod", "--root", s.root.path, "--env-from-pid", String(s.target.pid)],
                                                environment: ProcessRunner.cleanEnvironment(home: home.path))
        #expect(r.stdout.contains("EKS Pod Identity"))
        #expect(r.stdout.contains("[FAIL] k8s.env-missing"))
        let long = r.stdout.split(separator: "\n").filter { $0.count > 80 }
        #expect(long.isEmpty, "\(long)")
        #expect(!(r.stdout + r.stderr).contains("CANARY"))
    }

    @Test func unreadablePidIsUnusableInput() async throws {
        let home = TemporaryDirectory()
        defer { cleanUpInBackground { home.remove() } }
        let r = try await ProcessRunner.rolehop(["pod", "--env-from-pid", "999999999"], environment: ProcessRunner.cleanEnvironment(home: home.path))
        #expect(r.exitCode == 2)
        #expect(r.stderr.hasPrefix("rolehop: /proc/999999999/environ: cannot read the environment of process 999999999"))
    }
}

