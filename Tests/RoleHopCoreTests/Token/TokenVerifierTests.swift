import RoleHopCore
import RoleHopTestSupport
import Testing

@Suite("Token signature verification")
struct TokenVerifierTests {
    static let jwksText = readTextFile(RepoPaths.testData("token/jwks.json")) ?? ""
    static func keys() throws -> JSONWebKeySet { try JSONWebKeySet.parse(jwksText, file: "jwks.json") }

    /// The verdict's kind in the generator's words.
    static func kind(_ v: SignatureVerdict) -> String {
        switch v {
        case .valid: "valid"
        case .invalid: "invalid"
        case .unknownKid: "unknown-kid"
        case .unsigned: "alg-none"
        case .noMatchingKey: "no-matching-key"
        case .unsupportedAlgorithm: "unsupported"
        case .unusableKey: "unusable-key"
        case .malformed: "malformed"
        }
    }

    @Test(arguments: TokenTestData.cases)
    func verdictMatchesWhatTheGeneratorDid(c: TokenTestData.Case) throws {
        let verdict = TokenVerifier.verify(Secret(c.text), keys: try Self.keys())
        #expect(Self.kind(verdict) == c.signature)
    }

    @Test(arguments: [
        ("tampered-payload", "token.signature-invalid", Severity.fail),
        ("wrong-key", "token.signature-invalid", .fail),
        ("unknown-kid", "token.kid-unknown", .fail),
        ("alg-none", "token.alg-none", .fail),
        ("valid-es256", "token.signature", .ok),
        ("valid-rs256", "token.signature", .ok),
    ])
    func eachVerdictIsAFinding(name: String, id: String, severity: Severity) throws {
        let keys = try Self.keys()
        let f = TokenVerifier.finding(for: TokenVerifier.verify(Secret(TokenTestData.text(name)), keys: keys), keys: keys,
                                      keysFrom: .flag("--jwks"))
        #expect(f.id == id)
        #expect(f.severity == severity)
        let all = ([f.title, f.why, f.fix] + f.evidence.map(\.value)).joined(separator: "\n")
        let signature = TokenTestData.text(name).split(separator: ".").dropFirst(2).first.map(String.init) ?? ""
        if signature.count > 8 { #expect(!all.contains(signature)) }
    }

    @Test func unknownKidQuotesTheSTSErrorAndListsAvailableKeys() throws {
        let keys = try Self.keys()
        let f = TokenVerifier.finding(for: TokenVerifier.verify(Secret(TokenTestData.text("unknown-kid")), keys: keys),
                                      keys: keys, keysFrom: .flag("--jwks"))
        #expect(f.why.contains("Couldn't retrieve verification key from your identity provider"))
        #expect(f.evidence.contains(Evidence("available", "rsa-test-1, ec-test-1", source: .flag("--jwks"))))
    }

    @Test func noSingleCharacterChangeKeepsTheSignatureValid() throws {
        let keys = try Self.keys()
        let original = Array(TokenTestData.text("valid-rs256").utf8.filter { $0 != UInt8(ascii: "\n") })
        var checked = 0
        for i in original.indices {
            var changed = original
            // Swap to another base64url character (or a dot, which changes the segment count).
            changed[i] = original[i] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            let text = String(decoding: changed, as: UTF8.self)
            if case .valid = TokenVerifier.verify(Secret(text), keys: keys) {
                Issue.record("still valid after changing byte \(i)")
            }
            _ = try? WebIdentityToken.decode(text)
            checked += 1
        }
        #expect(checked == original.count)
    }

    @Test func keyWithoutKidIsFoundByType() throws {
        var keys = try Self.keys()
        for i in keys.keys.indices { keys.keys[i].kid = nil }
        // A token without kid: header {"alg":"RS256"} over the valid token's payload and signature.
        let parts = TokenTestData.text("valid-rs256").split(separator: ".")
        let text = "eyJhbGciOiJSUzI1NiJ9." + parts[1] + "." + parts[2]
        // The header changed, so the signature no longer covers it: the right key is found, the signature fails.
        #expect(Self.kind(TokenVerifier.verify(Secret(text), keys: keys)) == "invalid")
    }

    @Test func keySummaryShowsSizeAndCurve() throws {
        let keys = try Self.keys()
        #expect(keys.keys.map(\.summary) == ["rsa-test-1 RSA 2048 RS256", "ec-test-1 EC P-256 ES256"])
    }

    @Test(arguments: [
        ("{\"keys\": 3}", 1, 1, "keys"),
        ("{\"keys\": [{\"kty\": \"RSA\", \"kid\": \"a\", \"e\": \"AQAB\"}]}", 1, 11, "lacks \"n\""),
        ("{\"keys\": [{\"kty\": \"EC\", \"x\": \"a!\", \"y\": \"AA\"}]}", 1, 30, "base64url"),
        ("{\"keys\": [\n  {\"kid\": 5, \"kty\": \"RSA\"}]}", 2, 11, "string"),
        ("{\"keys\": [", 1, 11, "not JSON"),
    ])
    func badKeySetsNameTheirPosition(text: String, line: Int, column: Int, message: String) {
        do {
            _ = try JSONWebKeySet.parse(text, file: "jwks.json")
            Issue.record("parsed")
        } catch {
            #expect(error.file == "jwks.json")
            #expect(error.line == line && error.column == column, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test func thumbprintIsSHA1OfTheTopCertificate() {
        let chain = readTextFile(RepoPaths.testData("token/test-chain.pem")) ?? ""
        let blocks = chain.split(separator: "-----END CERTIFICATE-----\n").map { $0 + "-----END CERTIFICATE-----\n" }
        #expect(blocks.count == 2)
        let top = TokenTestData.manifest["chain"]?["topThumbprint"]?.stringValue
        let leaf = TokenTestData.manifest["chain"]?["leafThumbprint"]?.stringValue
        #expect(TokenVerifier.thumbprint(pem: String(blocks[1])) == top)
        #expect(TokenVerifier.thumbprint(pem: String(blocks[0])) == leaf)
        #expect(PEM.derBlocks(chain).count == 2)
    }
}

@Suite("OIDC discovery")
struct TokenDiscoveryTests {
    static let issuer = TokenTestData.issuer
    static let discoveryURL = issuer + "/.well-known/openid-configuration"
    static let jwksURL = "https://oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE/keys"

    static func chain() -> [CertificateSummary] {
        let text = readTextFile(RepoPaths.testData("token/test-chain.pem")) ?? ""
        let blocks = text.split(separator: "-----END CERTIFICATE-----\n").map { String($0) + "-----END CERTIFICATE-----\n" }
        return [CertificateSummary(subject: "CN=oidc TEST", issuer: "CN=rolehop TEST root CA", notAfter: "2027", pem: blocks[0]),
                CertificateSummary(subject: "CN=rolehop TEST root CA", issuer: "CN=rolehop TEST root CA", notAfter: "2027",
                                   pem: blocks[1])]
    }

    /// A transport answering discovery and keys, with `total` seconds per exchange.
    static func transport(discovery: String? = nil, keysStatus: Int = 200, total: Double = 0.05,
                          failKeys: TransportError? = nil) -> ClosureTransport {
        let discoveryBody = discovery ?? "{\"issuer\": \"\(issuer)\", \"jwks_uri\": \"\(jwksURL)\"}"
        let jwks = TokenVerifierTests.jwksText
        let certs = chain()
        return ClosureTransport { request throws(TransportError) in
            #expect(request.collectCertificates)
            let timings = HTTPTimings(dns: 0.001, connect: 0.002, tls: 0.01, firstByte: total * 0.9, total: total)
            let conn = ConnectionInfo(remoteAddress: "127.0.0.1", remotePort: 443, certificates: certs)
            switch request.url {
            case discoveryURL:
                return HTTPResponse(status: 200, body: Array(discoveryBody.utf8), timings: timings, connection: conn)
            case jwksURL:
                if let failKeys { throw failKeys }
                return HTTPResponse(status: keysStatus, body: Array(jwks.utf8), timings: timings, connection: conn)
            default:
                return HTTPResponse(status: 404, timings: timings)
            }
        }
    }

    @Test func fetchesKeysTimesThemAndReportsTheThumbprint() async throws {
        let r = await TokenVerifier.discover(issuer: Self.issuer, transport: Self.transport())
        #expect(r.jwksURI == Self.jwksURL)
        #expect(r.keys?.kids == ["rsa-test-1", "ec-test-1"])
        #expect(r.fetches.map(\.url) == [Self.discoveryURL, Self.jwksURL])
        #expect(r.thumbprint == TokenTestData.manifest["chain"]?["topThumbprint"]?.stringValue)
        #expect(r.findings.map(\.id) == ["token.discovery", "token.issuer-certificates"])
        #expect(r.findings.first?.evidence.first?.value == "200 in 50.0 ms (dns 1.0 ms, connect 2.0 ms, tls 10.0 ms, first byte 45.0 ms)")
        let keys = try #require(r.keys)
        #expect(TokenVerifier.verify(Secret(TokenTestData.text("valid-es256")), keys: keys) == .valid(kid: "ec-test-1", alg: "ES256"))
    }

    @Test(arguments: [(0.05, 5.0, false), (0.4, 0.2, true)])
    func slowFetchesAreSaid(total: Double, threshold: Double, slow: Bool) async {
        let r = await TokenVerifier.discover(issuer: Self.issuer, transport: Self.transport(total: total), slowThreshold: threshold)
        #expect(r.findings.filter { $0.id == "token.discovery-slow" }.count == (slow ? 2 : 0))
    }

    @Test func slowTitleUsesSecondsPastOneSecond() async {
        let r = await TokenVerifier.discover(issuer: Self.issuer, transport: Self.transport(total: 6.25))
        #expect(r.findings.first { $0.id == "token.discovery-slow" }?.title
                    == "Fetching the discovery document took 6.25 s, more than STS waits (5.0 s)")
    }

    @Test func issuerWithTrailingSlashStillFindsDiscovery() async {
        let r = await TokenVerifier.discover(issuer: Self.issuer + "/", transport: Self.transport())
        #expect(r.fetches.first?.url == Self.discoveryURL)
    }

    @Test(arguments: [
        ("not json", "token.discovery-failed"),
        ("{\"issuer\": \"x\"}", "token.discovery-failed"),
    ])
    func brokenDiscoveryDocuments(body: String, id: String) async {
        let r = await TokenVerifier.discover(issuer: Self.issuer, transport: Self.transport(discovery: body))
        #expect(r.findings.contains { $0.id == id && $0.severity == .fail })
        #expect(r.keys == nil)
    }

    @Test func discoveryNamingAnotherIssuerIsSaid() async {
        let body = "{\"issuer\": \"https://elsewhere.example.test\", \"jwks_uri\": \"\(Self.jwksURL)\"}"
        let r = await TokenVerifier.discover(issuer: Self.issuer, transport: Self.transport(discovery: body))
        #expect(r.findings.map(\.id).contains("token.discovery-issuer-mismatch"))
        #expect(r.keys != nil)
    }

    @Test func keyFetchFailuresQuoteTheSTSError() async {
        let refused = await TokenVerifier.discover(
            issuer: Self.issuer,
            transport: Self.transport(failKeys: .connectTimeout(host: "oidc", seconds: 3, detail: "timed out")))
        let f = refused.findings.first { $0.id == "token.jwks-failed" }
        #expect(f?.evidence.first?.value.hasPrefix("connect-timeout") == true)
        #expect(f?.why.contains("Couldn't retrieve verification key") == true)
        let notFound = await TokenVerifier.discover(issuer: Self.issuer, transport: Self.transport(keysStatus: 404))
        #expect(notFound.findings.first { $0.id == "token.jwks-failed" }?.evidence.first?.value == "HTTP status 404")
    }

    @Test func unreachableIssuerIsAFinding() async {
        let t = ClosureTransport { _ throws(TransportError) in throw .dnsFailure(host: "oidc", detail: "no such host") }
        let r = await TokenVerifier.discover(issuer: Self.issuer, transport: t)
        #expect(r.findings.map(\.id) == ["token.discovery-failed"])
        #expect(r.thumbprint == nil)
    }
}
