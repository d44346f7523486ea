import RoleHopCore
import RoleHopCurl
import RoleHopTestSupport
import Testing

/// The pod probes through libcurl against loopback servers standing in for the Pod Identity agent, instance
/// metadata and the API server, reached through the standard overrides.
@Suite("Pod probes over loopback")
struct PodProbesLiveTests {
    let transport = CurlTransport()
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    /// What the scripted server received, as JSON.
    func received(_ server: LoopbackServer) async throws -> JSONValue {
        let r = try await transport.send(HTTPRequest(url: server.endpoint + "/__requests"))
        return try JSONParser.parse(r.bodyText).value
    }

    @Test func podIdentityAgentStandInGetsTheTokenAndAnswers() async throws {
        let body = #"{"AccessKeyId":"ASIAEXAMPLECANARYKEY","SecretAccessKey":"LIVE-SECRET-CANARY","Token":"LIVE-SESSION-CANARY","AccountId":"111122223333","Expiration":"2026-09-21T12:00:00Z"}"#
        let server = try await ScriptedServer.start([ScriptedServer.step(body: body, headers: [("Content-Type", "application/json")])])
        defer { cleanUpInBackground { server.stop() } }
        let dir = TemporaryDirectory()
        defer { cleanUpInBackground { dir.remove() } }
        let tokenFile = dir.write("eks-pod-identity-token", "LIVE-POD-TOKEN-CANARY\n", mode: 0o600)
        let env = Environment(["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.endpoint + "/v1/credentials",
                               "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile])
        let report = await PodIdentityProbe.run(environment: env, fs: LocalFileSystem(), transport: transport, now: Self.now)
        #expect(report.status == 200)
        #expect(report.credentials?.accountId == "111122223333")
        #expect((report.timings?.total ?? 0) > 0)
        let seen = try await received(server)
        #expect(seen[0]?["path"] == "/v1/credentials")
        #expect(seen[0]?["headers"]?["Authorization"] == "LIVE-POD-TOKEN-CANARY")
        let json = report.jsonObject.serialized()
        #expect(!json.contains("CANARY"))
    }

    @Test func podIdentityAgentRefusal() async throws {
        let server = try await ScriptedServer.start([ScriptedServer.step(status: 400, body: #"{"message":"Service account token cannot be empty"}"#)])
        defer { cleanUpInBackground { server.stop() } }
        let env = Environment(["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.endpoint + "/v1/credentials",
                               "AWS_CONTAINER_AUTHORIZATION_TOKEN": "LIVE-TOKEN-CANARY"])
        let report = await PodIdentityProbe.run(environment: env, fs: LocalFileSystem(), transport: transport, now: Self.now)
        let f = report.findings.first { $0.id == "pod.identity.http-error" }
        #expect(f?.evidence.contains { $0.value == "Service account token cannot be empty" } == true)
    }

    @Test func podIdentityAgentNotListening() async throws {
        let env = Environment(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:\(unusedLoopbackPort())/v1/credentials",
                               "AWS_CONTAINER_AUTHORIZATION_TOKEN": "x-CANARY"])
        let report = await PodIdentityProbe.run(environment: env, fs: LocalFileSystem(), transport: transport, now: Self.now)
        #expect(report.transportError?.code == "connection-refused")
        #expect(report.findings.contains { $0.id == "pod.identity.unreachable" })
    }

    static func imdsSteps(getDelay: Double) -> JSONValue {
        [
            ScriptedServer.step(body: "IMDS-LIVE-TOKEN-CANARY", extra: [("match", .object([("path", "/latest/api/token")]))]),
            ScriptedServer.step(body: #"{"accountId":"111122223333","instanceId":"i-0123456789EXAMPLE","region":"us-east-1"}"#,
                                extra: [("match", .object([("path", "/latest/dynamic/instance-identity/document")])),
                                        ("delayBeforeHeaders", .number(getDelay))]),
            ScriptedServer.step(body: "eks-node-role-EXAMPLE\n", extra: [("match", .object([("path", "/latest/meta-data/iam/security-credentials/")]))]),
        ]
    }

    @Test func imdsStandInReachableNamesTheNodeRole() async throws {
        let server = try await ScriptedServer.start(Self.imdsSteps(getDelay: 0))
        defer { cleanUpInBackground { server.stop() } }
        let report = await IMDSProbe.run(environment: Environment(["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.endpoint]), transport: transport)
        #expect(report.outcome == .reachable)
        #expect(report.roleName == "eks-node-role-EXAMPLE")
        #expect(report.findings.map(\.id) == ["imds.node-role-default"])
        let seen = try await received(server)
        #expect(seen[0]?["method"] == "PUT")
        #expect(seen[0]?["headers"]?["X-aws-ec2-metadata-token-ttl-seconds"] == "21600")
        #expect(seen[1]?["headers"]?["X-aws-ec2-metadata-token"] == "IMDS-LIVE-TOKEN-CANARY")
        #expect(!report.jsonObject.serialized().contains("CANARY"))
    }

    @Test func imdsStandInHopLimitTrap() async throws {
        // The token PUT answers at once; the GET's answer never arrives within the timeout, as when the
        // response hop limit drops replies on the way back into the pod.
        let server = try await ScriptedServer.start(Self.imdsSteps(getDelay: 30))
        defer { cleanUpInBackground { server.stop() } }
        let started = monotonicNow()
        let report = await IMDSProbe.run(environment: Environment(["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.endpoint]),
                                         transport: transport, timeouts: .init(connect: 1, total: 1))
        // Well below the server's 30 s: the 1 s timeout ended it (the margin absorbs a busy test pool).
        #expect(monotonicNow() - started < 15, "\(report.steps.map { ($0.method, $0.status ?? 0, $0.error?.description ?? "", $0.timings?.total ?? -1) })")
        #expect(report.outcome == .hopLimit)
        #expect(report.steps.first?.status == 200)
        #expect(report.steps.last?.error?.code == "read-timeout")
        #expect(report.findings.map(\.id) == ["imds.hop-limit"])
    }

    @Test func imdsDisabledContactsNothing() async throws {
        let server = try await ScriptedServer.start(Self.imdsSteps(getDelay: 0))
        defer { cleanUpInBackground { server.stop() } }
        let report = await IMDSProbe.run(environment: Environment(["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.endpoint,
                                                                   "AWS_EC2_METADATA_DISABLED": "true"]), transport: transport)
        #expect(report.outcome == .disabled)
        #expect(try await received(server).arrayValue?.isEmpty == true)
    }

    /// The API server over HTTPS with a self-signed CA, as the in-cluster client sees it.
    func apiServer(podStatus: Int, podBody: String) async throws -> (LoopbackServer, TestCertificate) {
        let cert = try await TestCertificate.make()
        let sa = readTextFile(RepoPaths.testData("pod/serviceaccount.json")) ?? ""
        let server = try await ScriptedServer.start([
            ScriptedServer.step(status: podStatus, body: podBody, headers: [("Content-Type", "application/json")],
                                extra: [("match", .object([("path", "/api/v1/namespaces/team-a/pods/app-5d8f7c9b6-x2x4q")]))]),
            ScriptedServer.step(body: sa, headers: [("Content-Type", "application/json")],
                                extra: [("match", .object([("path", "/api/v1/namespaces/team-a/serviceaccounts/app-sa")]))]),
        ], tls: (cert.certPath, cert.keyPath))
        return (server, cert)
    }

    func clusterFS(_ dir: TemporaryDirectory, ca: String) -> LocalFileSystem {
        dir.write("var/run/secrets/kubernetes.io/serviceaccount/token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6dGVhbS1hOmFwcC1zYSJ9.LIVE-BEARER-CANARY")
        dir.write("var/run/secrets/kubernetes.io/serviceaccount/namespace", "team-a")
        dir.write("var/run/secrets/kubernetes.io/serviceaccount/ca.crt", readTextFile(ca) ?? "")
        return LocalFileSystem(root: dir.path)
    }

    @Test func apiServerStandInOverTLS() async throws {
        let pod = readTextFile(RepoPaths.testData("pod/pod.json")) ?? ""
        let (server, cert) = try await apiServer(podStatus: 200, podBody: pod)
        defer { cleanUpInBackground { server.stop(); cert.directory.remove() } }
        let root = TemporaryDirectory()
        defer { cleanUpInBackground { root.remove() } }
        let fs = clusterFS(root, ca: cert.certPath)
        let k8s = CurlTransport(configuration: .init(caBundle: fs.hostPath(KubernetesReader.caPath)))
        let env = Environment(["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(server.port),
                               "HOSTNAME": "app-5d8f7c9b6-x2x4q", "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/account-a-role",
                               "AWS_STS_REGIONAL_ENDPOINTS": "regional"])
        let report = await KubernetesReader.run(environment: env, fs: fs, transport: k8s)
        #expect(report.pod?.owner == "Deployment/app")
        #expect(report.serviceAccount?.name == "app-sa")
        #expect(report.findings.map(\.id) == ["k8s.container-not-injected", "k8s.no-fs-group"])
        let seen = try await CurlTransport(configuration: .init(caBundle: cert.certPath))
            .send(HTTPRequest(url: "https://127.0.0.1:\(server.port)/__requests"))
        let requests = try JSONParser.parse(seen.bodyText).value
        #expect(requests[0]?["headers"]?["Authorization"]?.stringValue?.hasSuffix("LIVE-BEARER-CANARY") == true)
        #expect(!report.jsonObject.serialized().contains("CANARY"))
    }

    @Test func apiServerStandInForbidsPods() async throws {
        let forbidden = #"{"kind":"Status","code":403,"reason":"Forbidden","message":"pods \"app-5d8f7c9b6-x2x4q\" is forbidden: User \"system:serviceaccount:team-a:app-sa\" cannot get resource \"pods\""}"#
        let (server, cert) = try await apiServer(podStatus: 403, podBody: forbidden)
        defer { cleanUpInBackground { server.stop(); cert.directory.remove() } }
        let root = TemporaryDirectory()
        defer { cleanUpInBackground { root.remove() } }
        let fs = clusterFS(root, ca: cert.certPath)
        let k8s = CurlTransport(configuration: .init(caBundle: fs.hostPath(KubernetesReader.caPath)))
        let env = Environment(["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(server.port),
                               "HOSTNAME": "app-5d8f7c9b6-x2x4q", "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/account-a-role"])
        let report = await KubernetesReader.run(environment: env, fs: fs, transport: k8s)
        #expect(report.pod == nil)
        #expect(report.serviceAccount != nil, "carries on without the pod")
        #expect(report.findings.first?.id == "k8s.rbac-forbidden")
        #expect(report.findings.first?.fix.contains("kind: Role") == true)
    }

    @Test func untrustedAPIServerCertificateIsReported() async throws {
        let pod = readTextFile(RepoPaths.testData("pod/pod.json")) ?? ""
        let (server, cert) = try await apiServer(podStatus: 200, podBody: pod)
        defer { cleanUpInBackground { server.stop(); cert.directory.remove() } }
        let root = TemporaryDirectory()
        defer { cleanUpInBackground { root.remove() } }
        let fs = clusterFS(root, ca: "/etc/ssl/certs/ca-certificates.crt")
        let k8s = CurlTransport(configuration: .init(caBundle: fs.hostPath(KubernetesReader.caPath)))
        let env = Environment(["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(server.port), "HOSTNAME": "app-5d8f7c9b6-x2x4q"])
        let report = await KubernetesReader.run(environment: env, fs: fs, transport: k8s)
        #expect(report.findings.map(\.id) == ["k8s.api-unreachable"])
        #expect(report.findings.first?.evidence.contains { $0.value.hasPrefix("tls-failure") } == true)
    }
}

