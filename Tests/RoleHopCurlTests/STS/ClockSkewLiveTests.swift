import RoleHopCore
import RoleHopCurl
import RoleHopTestSupport
import Testing

/// A server whose `Date` header is far from local time, through the real transport: the skew is measured from
/// the response and becomes its own finding (SigV4 and token checks fail on a skewed clock).
@Suite("Clock skew (live, loopback)")
struct ClockSkewLiveTests {
    @Test func aSkewedDateHeaderIsAFinding() async throws {
        let body = """
            <GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::111122223333:user/dev</Arn>\
            <UserId>AIDAEXAMPLE</UserId><Account>111122223333</Account></GetCallerIdentityResult>\
            <ResponseMetadata><RequestId>skew-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>
            """
        // The server stamps the real time in its Date header; this process's clock is made a day fast.
        let server = try await ScriptedServer.start([ScriptedServer.step(body: body, headers: [("Content-Type", "text/xml")])])
        defer { server.stop() }
        let now = Date().addingTimeInterval(86_400)
        let client = STSClient(transport: CurlTransport(), now: { now })
        let creds = AWSCredentials(accessKeyId: "AKIAEXAMPLESKEW00001", secretAccessKey: Secret("skew-secret-TEST"))
        let r = await client.getCallerIdentity(endpoint: server.endpoint, region: "us-east-1", credentials: creds)
        #expect(r.succeeded)
        let skew = try #require(r.clockSkew)
        #expect(skew < -3600, "server is a day behind: \(skew)")
        #expect(STSErrorClassifier.findings(for: r).contains { $0.id == "sts.clock-skew" })
    }
}
