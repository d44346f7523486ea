import RoleHopCore
import Testing

@Suite("Instance metadata probe")
struct IMDSProbeTests {
    static let identity = #"{"accountId":"111122223333","instanceId":"i-0123456789EXAMPLE","region":"us-east-1"}"#
    static let tokenCanary = "IMDS-TOKEN-CANARY"

    /// An IMDS stand-in: `put`/`get` say what the token PUT and the GETs do.
    enum Behaviour: Sendable { case answer, timeout, refuse, status(Int) }
    static func imds(put: Behaviour, get: Behaviour, role: String? = "eks-node-role-EXAMPLE", recorder: Recorder = Recorder()) -> ClosureTransport {
        transport(recorder) { r throws(TransportError) in
            let b = r.method == "PUT" ? put : get
            switch b {
            case .timeout: throw .readTimeout(seconds: 2, detail: "Operation timed out")
            case .refuse: throw .connectionRefused(host: "169.254.169.254", port: 80, detail: "refused")
            case let .status(s): return HTTPResponse(status: s)
            case .answer:
                if r.method == "PUT" { return HTTPResponse(status: 200, body: Array(tokenCanary.utf8)) }
                if r.url.hasSuffix("/instance-identity/document") { return HTTPResponse(status: 200, body: Array(identity.utf8)) }
                if r.url.hasSuffix("/security-credentials/") {
                    return role.map { HTTPResponse(status: 200, body: Array(($0 + "\n").utf8)) } ?? HTTPResponse(status: 404)
                }
                return HTTPResponse(status: 404)
            }
        }
    }

    @Test func disabledMakesNoRequest() async {
        let rec = Recorder()
        let r = await IMDSProbe.run(environment: Environment(["AWS_EC2_METADATA_DISABLED": "true"]),
                                    transport: Self.imds(put: .answer, get: .answer, recorder: rec))
        #expect(r.outcome == .disabled)
        #expect(rec.requests.isEmpty)
        #expect(r.findings.map(\.id) == ["imds.disabled"])
    }

    @Test func reachableNodeRoleIsTheDefaultWithoutEarlierSources() async {
        let rec = Recorder()
        let r = await IMDSProbe.run(environment: Environment(), transport: Self.imds(put: .answer, get: .answer, recorder: rec))
        #expect(r.outcome == .reachable)
        #expect(r.roleName == "eks-node-role-EXAMPLE")
        #expect(r.accountId == "111122223333")
        #expect(r.defaultChainReachesIMDS)
        #expect(r.findings.map(\.id) == ["imds.node-role-default"])
        #expect(r.findings.first?.severity == .fail)
        // IMDSv2: PUT with a TTL, then GETs carrying the token; the token never reaches the report.
        #expect(rec.requests.first?.method == "PUT")
        #expect(rec.requests.first?.url == "http://169.254.169.254/latest/api/token")
        #expect(rec.requests.first?.header("X-aws-ec2-metadata-token-ttl-seconds") == "21600")
        #expect(rec.requests.dropFirst().allSatisfy { $0.header("X-aws-ec2-metadata-token") == Self.tokenCanary })
        #expect(!r.jsonObject.serialized().contains("CANARY"))
    }

    @Test func reachableNodeRoleIsAFallbackWhenIRSAIsSet() async {
        let env = Environment(["AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/account-a-role",
                               "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"])
        let r = await IMDSProbe.run(environment: env, transport: Self.imds(put: .answer, get: .answer))
        #expect(!r.defaultChainReachesIMDS)
        #expect(r.findings.map(\.id) == ["imds.node-role-fallback"])
        #expect(r.findings.first?.severity == .warn)
    }

    @Test func putWorksGetTimesOutIsTheHopLimitTrap() async {
        let r = await IMDSProbe.run(environment: Environment(), transport: Self.imds(put: .answer, get: .timeout))
        #expect(r.outcome == .hopLimit)
        #expect(r.findings.map(\.id) == ["imds.hop-limit"])
        #expect(r.findings.first?.fix.contains("hop-limit") == true)
        #expect(r.steps.map(\.method) == ["PUT", "GET"])
    }

    @Test func putTimesOutGetAnswersIsAnIMDSv1Fallback() async {
        let rec = Recorder()
        let r = await IMDSProbe.run(environment: Environment(), transport: Self.imds(put: .timeout, get: .answer, recorder: rec))
        #expect(r.outcome == .v1Only)
        #expect(r.findings.map(\.id) == ["imds.v1-fallback", "imds.node-role-default"])
        #expect(rec.requests.dropFirst().allSatisfy { $0.header("X-aws-ec2-metadata-token") == nil })
    }

    @Test func v1DisabledStopsAfterAFailedPut() async {
        let rec = Recorder()
        let r = await IMDSProbe.run(environment: Environment(["AWS_EC2_METADATA_V1_DISABLED": "true"]),
                                    transport: Self.imds(put: .timeout, get: .answer, recorder: rec))
        #expect(rec.requests.count == 1)
        #expect(r.outcome == .unreachable)
    }

    @Test func unreachableWithEarlierSourceIsGood() async {
        let r = await IMDSProbe.run(environment: Environment(["AWS_ACCESS_KEY_ID": "AKIAEXAMPLEKEY"]),
                                    transport: Self.imds(put: .refuse, get: .refuse))
        #expect(r.outcome == .unreachable)
        #expect(r.findings.map(\.id) == ["imds.unreachable"])
        #expect(r.findings.first?.severity == .ok)
    }

    @Test func noRoleAttached() async {
        let r = await IMDSProbe.run(environment: Environment(), transport: Self.imds(put: .answer, get: .answer, role: nil))
        #expect(r.findings.map(\.id) == ["imds.no-role"])
    }

    @Test(arguments: [
        ([:], "http://169.254.169.254"),
        (["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"], "http://[fd00:ec2::254]"),
        (["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1338/", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"], "http://127.0.0.1:1338"),
    ] as [([String: String], String)])
    func endpointSelection(_ vars: [String: String], _ expected: String) {
        #expect(IMDSProbe.endpoint(Environment(vars)).value == expected)
    }
}
