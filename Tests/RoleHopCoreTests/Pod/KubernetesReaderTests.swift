import RoleHopCore
import RoleHopTestSupport
import Testing

@Suite("Kubernetes reader: service account and pod spec against the environment")
struct KubernetesReaderTests {
    static let podJSON = readTextFile(RepoPaths.testData("pod/pod.json")) ?? ""
    static let saJSON = readTextFile(RepoPaths.testData("pod/serviceaccount.json")) ?? ""
    /// A service-account JWT whose payload names team-a/app-sa; the signature part is a canary.
    static let bearer: String = {
        // base64url of {"sub":"system:serviceaccount:team-a:app-sa","iss":"https://kubernetes.default.svc"}
        let payload = "eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6dGVhbS1hOmFwcC1zYSIsImlzcyI6Imh0dHBzOi8va3ViZXJuZXRlcy5kZWZhdWx0LnN2YyJ9"
        return "eyJhbGciOiJSUzI1NiJ9." + payload + ".BEARER-SIGNATURE-CANARY"
    }()
    static let clusterEnv: [String: String] = [
        "KUBERNETES_SERVICE_HOST": "10.100.0.1", "KUBERNETES_SERVICE_PORT": "443", "HOSTNAME": "app-5d8f7c9b6-x2x4q",
        "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/account-a-role", "AWS_STS_REGIONAL_ENDPOINTS": "regional",
    ]

    static func fs(token: Bool = true) -> MemoryFileSystem {
        var fs = MemoryFileSystem()
        fs.add(KubernetesReader.serviceAccountDir + "/namespace", "team-a")
        fs.add(KubernetesReader.serviceAccountDir + "/ca.crt", "PEM")
        if token { fs.add(KubernetesReader.serviceAccountDir + "/token", bearer) }
        return fs
    }

    /// An API server stand-in: each resource answers with (status, body).
    static func api(_ rec: Recorder, pod: (Int, String), sa: (Int, String)) -> ClosureTransport {
        transport(rec) { r in
            let (status, body) = r.url.contains("/serviceaccounts/") ? sa : pod
            return HTTPResponse(status: status, body: Array(body.utf8))
        }
    }

    static let forbidden = #"{"kind":"Status","status":"Failure","reason":"Forbidden","code":403,"message":"pods \"app-5d8f7c9b6-x2x4q\" is forbidden: User \"system:serviceaccount:team-a:app-sa\" cannot get resource \"pods\" in API group \"\" in the namespace \"team-a\""}"#

    func run(_ env: [String: String] = clusterEnv, fs: MemoryFileSystem = fs(), pod: (Int, String) = (200, podJSON),
             sa: (Int, String) = (200, saJSON), recorder: Recorder = Recorder()) async -> KubernetesReport {
        await KubernetesReader.run(environment: Environment(env), fs: fs, transport: Self.api(recorder, pod: pod, sa: sa))
    }

    @Test func readsPodAndServiceAccountWithTheBearerToken() async throws {
        let rec = Recorder()
        let report = await run(recorder: rec)
        #expect(rec.requests.map(\.url) == [
            "https://10.100.0.1:443/api/v1/namespaces/team-a/pods/app-5d8f7c9b6-x2x4q",
            "https://10.100.0.1:443/api/v1/namespaces/team-a/serviceaccounts/app-sa",
        ])
        #expect(rec.requests.allSatisfy { $0.header("Authorization") == "Bearer " + Self.bearer })
        let pod = try #require(report.pod)
        #expect(pod.owner == "Deployment/app")
        #expect(pod.created == UTCTime.parseISO8601("2026-11-20T09:00:00Z"))
        #expect(pod.tokenAudience == "sts.amazonaws.com")
        #expect(pod.tokenExpirationSeconds == 86400)
        #expect(pod.containers.map(\.name) == ["app", "log-shipper"])
        #expect(report.serviceAccount?.roleArnAnnotatedAt == UTCTime.parseISO8601("2026-11-01T12:00:00Z"))
        // The sidecar lacks the injection; the non-root pod has no fsGroup. Nothing else is wrong.
        #expect(report.findings.map(\.id) == ["k8s.container-not-injected", "k8s.no-fs-group"])
        #expect(report.findings.first?.evidence.contains { $0.value == "log-shipper" } == true)
        #expect(report.findings.first?.fix.contains("kubectl -n team-a rollout restart deployment/app") == true)
    }

    @Test func secretsNeverReachTheReport() async {
        let report = await run()
        let json = report.jsonObject.serialized(pretty: true) + report.findings.description
        for canary in ["BEARER-SIGNATURE-CANARY", "SPEC-SESSION-TOKEN-CANARY", "DB-PASSWORD-CANARY"] {
            #expect(!json.contains(canary), "\(canary) leaked")
        }
        // Non-AWS variables are not reported at all; valueFrom shows where a value comes from.
        #expect(!json.contains("DATABASE_PASSWORD"))
        #expect(json.contains("(valueFrom secretKeyRef)"))
    }

    @Test func roleArnDifferentFromAnnotation() async {
        var env = Self.clusterEnv
        env["AWS_ROLE_ARN"] = "arn:aws:iam::111122223333:role/old-role"
        let report = await run(env)
        let f = report.findings.first { $0.id == "k8s.role-arn-mismatch" }
        #expect(f?.severity == .fail)
        #expect(f?.fix == "kubectl -n team-a rollout restart deployment/app")
    }

    /// The pod (and every container) predates the annotation, so nothing was injected.
    static let uninjectedPod = podJSON
        .replacingAll(#"{"name": "AWS_ROLE_ARN", "value": "arn:aws:iam::111122223333:role/account-a-role"},"#, "")
        .replacingAll(#"{"name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"},"#, "")

    @Test(arguments: [("2026-10-15T00:00:00Z", "k8s.pod-older-than-annotation"), ("2026-11-20T09:00:00Z", "k8s.env-missing")])
    func missingRoleArnExplainedByCreationTime(_ created: String, _ expected: String) async {
        var env = Self.clusterEnv
        env["AWS_ROLE_ARN"] = nil
        let pod = Self.uninjectedPod.replacingAll("\"creationTimestamp\": \"2026-11-20T09:00:00Z\"", "\"creationTimestamp\": \"\(created)\"")
        #expect(pod != Self.uninjectedPod || created == "2026-11-20T09:00:00Z")
        let report = await run(env, pod: (200, pod))
        let f = report.findings.first { $0.id == expected }
        #expect(f?.severity == .fail)
        #expect(f?.fix.contains("rollout restart deployment/app") == true)
        #expect(!report.findings.contains { $0.id == (expected == "k8s.env-missing" ? "k8s.pod-older-than-annotation" : "k8s.env-missing") })
    }

    @Test func forbiddenPodReadGivesTheRoleAndCarriesOn() async throws {
        let rec = Recorder()
        let report = await run(pod: (403, Self.forbidden), recorder: rec)
        #expect(rec.requests.count == 2)
        #expect(report.pod == nil)
        #expect(report.serviceAccount?.annotation("eks.amazonaws.com/role-arn") == "arn:aws:iam::111122223333:role/account-a-role")
        let f = try #require(report.findings.first { $0.id == "k8s.rbac-forbidden" })
        #expect(f.fix.contains(#"resources: ["pods", "serviceaccounts"]"#))
        #expect(f.fix.contains(#"verbs: ["get"]"#))
        // The service account comes from the token's sub claim when the pod spec cannot be read.
        #expect(f.fix.contains("name: app-sa"))
        #expect(f.evidence.contains { $0.value.contains("cannot get resource") })
    }

    @Test func fixNamesThePodWhenItsSpecIsForbidden() async {
        var env = Self.clusterEnv
        env["AWS_ROLE_ARN"] = nil
        let report = await run(env, pod: (403, Self.forbidden))
        let f = report.findings.first { $0.id == "k8s.env-missing" }
        #expect(f?.fix.contains("kubectl -n team-a delete pod app-5d8f7c9b6-x2x4q") == true)
    }

    @Test func forbiddenBothReadsGivesTwoFindings() async {
        let report = await run(pod: (403, Self.forbidden), sa: (403, Self.forbidden))
        #expect(report.findings.filter { $0.id == "k8s.rbac-forbidden" }.count == 2)
    }

    @Test func rejectedTokenStops() async {
        let rec = Recorder()
        let report = await run(pod: (401, #"{"kind":"Status","code":401,"message":"Unauthorized"}"#), recorder: rec)
        #expect(rec.requests.count == 1)
        #expect(report.findings.map(\.id) == ["k8s.token-rejected"])
    }

    @Test func audienceMismatch() async {
        let pod = Self.podJSON.replacingAll(#""audience": "sts.amazonaws.com""#, #""audience": "sts.amazon.com""#)
        let report = await run(pod: (200, pod))
        #expect(report.findings.contains { $0.id == "k8s.audience-mismatch" })
    }

    @Test func outsideAClusterNothingIsCalled() async {
        let rec = Recorder()
        let report = await run([:], recorder: rec)
        #expect(!report.inCluster)
        #expect(rec.requests.isEmpty)
        #expect(report.findings.map(\.id) == ["k8s.not-in-cluster"])
    }

    @Test func noTokenMounted() async {
        let rec = Recorder()
        let report = await run(fs: Self.fs(token: false), recorder: rec)
        #expect(rec.requests.isEmpty)
        #expect(report.findings.map(\.id) == ["k8s.no-api-token"])
    }

    @Test(arguments: [("10.100.0.1", "443", "https://10.100.0.1:443"), ("fd00::1", "6443", "https://[fd00::1]:6443")])
    func apiServerURL(_ host: String, _ port: String, _ url: String) {
        #expect(KubernetesReader.apiServer(Environment(["KUBERNETES_SERVICE_HOST": host, "KUBERNETES_SERVICE_PORT": port])) == url)
    }
}

extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
