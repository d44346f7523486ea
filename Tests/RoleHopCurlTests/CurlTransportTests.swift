import RoleHopCore
import RoleHopCurl
import RoleHopTestSupport
import Testing

/// Live tests of the libcurl transport against servers on loopback.
@Suite("CurlTransport (live, loopback)")
struct CurlTransportLiveTests {
    let transport = CurlTransport()

    @Test func succeedsAgainstMotoWithOrderedTimings() async throws {
        let moto = try await MotoServer.shared()
        let body = Array("Action=GetCallerIdentity&Version=2011-06-15".utf8)
        let response = try await transport.send(HTTPRequest(
            method: "POST", url: moto.endpoint + "/",
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                      // moto routes by the credential scope's service; it does not check the signature here.
                      ("Authorization", "AWS4-HMAC-SHA256 Credential=TESTKEY/20261129/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0")],
            body: body))
        #expect(response.status == 200)
        #expect(response.bodyText.contains("GetCallerIdentityResult"), "\(response.bodyText)")
        let t = response.timings
        #expect(t.total > 0)
        #expect(t.dns <= t.connect)
        #expect(t.connect <= t.tls)
        #expect(t.tls <= t.firstByte)
        #expect(t.firstByte <= t.total)
        #expect(response.connection.remoteAddress == "127.0.0.1")
        #expect(response.connection.remotePort == moto.port)
        #expect(response.connection.proxy == nil)
    }

    @Test func reportsConnectionRefused() async {
        let port = unusedLoopbackPort()
        await #expect {
            _ = try await transport.send(HTTPRequest(url: "http://127.0.0.1:\(port)/", timeout: 5))
        } throws: { error in
            guard case let TransportError.connectionRefused(host, p, _) = error else { return false }
            return host == "127.0.0.1" && p == port
        }
    }

    @Test func refusesAResponseLargerThanTheCap() async throws {
        // 64 KiB x 160 = 10 MiB against a 1 MiB cap: cut off at the cap, not read to the end.
        let chunk = String(repeating: "x", count: 65536)
        let server = try await ScriptedServer.start([ScriptedServer.step(body: chunk, extra: [("bodyRepeat", 160)])])
        defer { server.stop() }
        let capped = CurlTransport(configuration: .init(maxResponseBytes: 1 << 20))
        await #expect {
            _ = try await capped.send(HTTPRequest(url: server.endpoint + "/", timeout: 10))
        } throws: { error in
            error as? TransportError == .responseTooLarge(limit: 1 << 20)
        }
    }

    @Test func acceptsAResponseUnderTheCap() async throws {
        let chunk = String(repeating: "y", count: 1000)
        let server = try await ScriptedServer.start([ScriptedServer.step(body: chunk, extra: [("bodyRepeat", 100)])])
        defer { server.stop() }
        let r = try await transport.send(HTTPRequest(url: server.endpoint + "/", timeout: 10))
        #expect(r.body.count == 100_000)
    }

    @Test func reportsAnUnreachableProxy() async throws {
        let port = unusedLoopbackPort()
        let proxied = CurlTransport(configuration: .init(httpProxy: "http://user:proxy-CANARY-pass@127.0.0.1:\(port)"))
        await #expect {
            _ = try await proxied.send(HTTPRequest(url: "http://127.0.0.1:9/", timeout: 5))
        } throws: { error in
            guard case let TransportError.proxyFailure(proxy, _) = error else { return false }
            // The proxy password is masked in the error.
            return proxy.contains("127.0.0.1:\(port)") && !proxy.contains("CANARY")
        }
    }

    @Test func sendsHeadersAndBodyExactly() async throws {
        let server = try await ScriptedServer.start([ScriptedServer.step(body: "ok")])
        defer { server.stop() }
        let r = try await transport.send(HTTPRequest(
            method: "POST", url: server.endpoint + "/path?x=1",
            headers: [("Host", "127.0.0.1:\(server.port)"), ("X-Amz-Date", "20261129T110429Z")],
            body: Array("a=b&c=d".utf8)))
        #expect(r.status == 200)
        let seen = try await transport.send(HTTPRequest(url: server.endpoint + "/__requests"))
        let requests = try JSONParser.parse(seen.body).value.arrayValue ?? []
        let first = try #require(requests.first)
        #expect(first["method"] == "POST")
        #expect(first["path"] == "/path?x=1")
        #expect(first["body"] == "a=b&c=d")
        #expect(first["headers"]?["X-Amz-Date"] == "20261129T110429Z")
        // libcurl's own defaults (Accept, Content-Type for form posts, Expect) are suppressed so signatures hold.
        #expect(first["headers"]?["Accept"] == nil)
        #expect(first["headers"]?["Content-Type"] == nil)
    }

}

@Suite("CurlTransport proxy rules")
struct ProxyRuleTests {
    @Test(arguments: [
        ("https://sts.us-east-1.amazonaws.com/", "http://proxy:3128"),
        ("https://sts.amazonaws.com/", nil),                 // NO_PROXY suffix .amazonaws.com? no: exact sts.amazonaws.com listed
        ("http://169.254.169.254/latest", nil),              // plain http has no HTTP proxy here
        ("https://oidc.eks.us-east-1.amazonaws.com/id/X", nil), // NO_PROXY entry .eks.us-east-1.amazonaws.com
    ] as [(String, String?)])
    func honoursNoProxy(url: String, expected: String?) {
        let c = CurlTransport.Configuration(httpsProxy: "http://proxy:3128",
                                            noProxy: "sts.amazonaws.com, .eks.us-east-1.amazonaws.com,localhost")
        #expect(c.proxy(for: url) == expected)
    }

    @Test func starDisablesTheProxy() {
        let c = CurlTransport.Configuration(httpsProxy: "http://proxy:3128", noProxy: "*")
        #expect(c.proxy(for: "https://sts.eu-west-1.amazonaws.com/") == nil)
    }

    @Test func readsProxyAndCABundleFromTheDiagnosedEnvironment() {
        let env = Environment(["HTTPS_PROXY": "http://p:1", "NO_PROXY": "x", "AWS_CA_BUNDLE": "/etc/ca.pem"])
        let c = CurlTransport.Configuration(environment: env)
        #expect(c.httpsProxy == "http://p:1")
        #expect(c.noProxy == "x")
        #expect(c.caBundle == "/etc/ca.pem")
    }
}
