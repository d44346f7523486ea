import RoleHopCore
import RoleHopCurl
import RoleHopTestSupport
import Testing

/// OIDC discovery and JWKS served by the scripted server on loopback, fetched by libcurl.
///
/// The key set is served by a first server and the discovery document by a second one whose `jwks_uri`
/// points at the first (as EKS issuers point at their own keys and self-managed issuers often at S3).
@Suite("Token discovery (live, loopback)", .serialized)
struct TokenDiscoveryLiveTests {
    static let jwks = readTextFile(RepoPaths.testData("token/jwks.json")) ?? ""

    struct Servers {
        var keys: LoopbackServer
        var issuer: LoopbackServer
        /// The issuer URL (discovery is below it).
        var base: String

        /// Stops the issuer first: it was spawned second and holds a copy of the key server's stdin pipe
        /// (ProcessRunner.spawn does not set close-on-exec), so the key server only sees EOF after that.
        func stop() {
            issuer.stop()
            keys.stop()
        }
    }

    static func start(tls: (cert: String, key: String)? = nil, discoveryDelay: Double = 0,
                      keysStatus: Int = 200) async throws -> Servers {
        let json = [("Content-Type", "application/json")]
        let keys = try await ScriptedServer.start([
            ScriptedServer.step(status: keysStatus, body: jwks, headers: json, extra: [("match", .object([("path", "/keys")]))]),
        ], tls: tls)
        let scheme = tls == nil ? "http" : "https"
        // The scripted server listens on 127.0.0.1 (the test certificate names it as an IP address).
        let keysBase = "\(scheme)://127.0.0.1:\(keys.port)"
        let discovery = "{\"jwks_uri\": \"\(keysBase)/keys\"}"
        let issuer = try await ScriptedServer.start([
            ScriptedServer.step(body: discovery, headers: json,
                                extra: [("match", .object([("path", "/id/TEST/.well-known/openid-configuration")])),
                                        ("delayBeforeHeaders", .number(discoveryDelay))]),
        ], tls: tls)
        return Servers(keys: keys, issuer: issuer, base: "\(scheme)://127.0.0.1:\(issuer.port)/id/TEST")
    }

    @Test func verifiesGeneratedTokensWithKeysFetchedOverHTTP() async throws {
        let s = try await Self.start()
        defer { s.stop() }
        let r = await TokenVerifier.discover(issuer: s.base, transport: CurlTransport())
        #expect(r.findings.map(\.id) == ["token.discovery"], "\(r.findings)")
        #expect(r.fetches.allSatisfy { $0.status == 200 && ($0.timings?.total ?? 0) > 0 })
        let keys = try #require(r.keys)
        for c in TokenTestData.cases {
            let verdict = TokenVerifier.verify(Secret(c.text), keys: keys)
            let ok = if case .valid = verdict { true } else { false }
            #expect(ok == (c.signature == "valid"), "\(c.name): \(verdict)")
        }
        #expect(TokenVerifier.verify(Secret(TokenTestData.text("unknown-kid")), keys: keys)
                    == .unknownKid(kid: "rotated-away-TEST", available: ["rsa-test-1", "ec-test-1"]))
    }

    @Test func slowDiscoveryIsSaidAgainstASmallThreshold() async throws {
        let s = try await Self.start(discoveryDelay: 0.4)
        defer { s.stop() }
        let r = await TokenVerifier.discover(issuer: s.base, transport: CurlTransport(), slowThreshold: 0.2)
        let slow = r.findings.filter { $0.id == "token.discovery-slow" }
        #expect(slow.count == 1, "\(r.findings)")
        #expect(slow.first?.title.hasPrefix("Fetching the discovery document took") == true)
        #expect(r.keys != nil)
    }

    @Test func missingKeysAndUnreachableIssuer() async throws {
        let s = try await Self.start(keysStatus: 404)
        defer { s.stop() }
        let r = await TokenVerifier.discover(issuer: s.base, transport: CurlTransport())
        #expect(r.findings.first { $0.id == "token.jwks-failed" }?.evidence.first?.value == "HTTP status 404")
        let port = unusedLoopbackPort()
        let down = await TokenVerifier.discover(issuer: "http://127.0.0.1:\(port)/id/TEST", transport: CurlTransport())
        #expect(down.findings.first?.id == "token.discovery-failed")
        #expect(down.findings.first?.evidence.first?.value.hasPrefix("connection-refused") == true)
    }

    @Test func httpsWithATestCAReportsTheChainAndTheTopThumbprint() async throws {
        let ca = try TestCertificateAuthority.make()
        defer { ca.dir.remove() }
        let s = try await Self.start(tls: (ca.serverChain, ca.serverKey))
        defer { s.stop() }
        let transport = CurlTransport(configuration: .init(environment: Environment(["AWS_CA_BUNDLE": ca.caCert])))
        let r = await TokenVerifier.discover(issuer: s.base, transport: transport)
        #expect(r.keys?.kids == ["rsa-test-1", "ec-test-1"], "\(r.findings)")
        #expect(r.fetches.allSatisfy { ($0.timings?.tls ?? 0) > ($0.timings?.connect ?? 0) })
        #expect(r.certificates.count == 2, "\(r.certificates)")
        #expect(r.thumbprint == ca.caThumbprint)
        #expect(r.findings.contains { $0.id == "token.issuer-certificates" })
    }

    @Test func httpsWithoutTheCAIsADiscoveryFailure() async throws {
        let ca = try TestCertificateAuthority.make()
        defer { ca.dir.remove() }
        let s = try await Self.start(tls: (ca.serverChain, ca.serverKey))
        defer { s.stop() }
        let r = await TokenVerifier.discover(issuer: s.base, transport: CurlTransport())
        #expect(r.findings.first?.id == "token.discovery-failed")
        #expect(r.findings.first?.evidence.first?.value.hasPrefix("tls-failure") == true, "\(r.findings)")
    }
}
