import RoleHopCore
import RoleHopTestSupport
import Testing

@Suite("Web-identity token decoding")
struct WebIdentityTokenDecodeTests {
    @Test func generatorWroteTheTokens() {
        #expect(TokenTestData.cases.count >= 12)
        #expect(TokenTestData.now.timeIntervalSince1970 > 1_700_000_000)
    }

    @Test(arguments: TokenTestData.cases)
    func decodesWhatTheGeneratorSigned(c: TokenTestData.Case) throws {
        let token = try WebIdentityToken.decode(c.text)
        #expect(token.header.json == c.header)
        #expect(token.header.alg == c.header["alg"]?.stringValue)
        #expect(token.header.kid == c.header["kid"]?.stringValue)
        #expect(token.payload == c.payload)
        #expect(token.signatureLength == c.signatureLength)
        #expect(token.claims.iss == c.payload["iss"]?.stringValue)
        #expect(token.claims.sub == c.payload["sub"]?.stringValue)
        let aud = c.payload["aud"]?.arrayValue?.compactMap(\.stringValue) ?? [c.payload["aud"]?.stringValue].compactMap { $0 }
        #expect(token.claims.aud == aud)
        #expect(token.claims.audIsArray == (c.payload["aud"]?.arrayValue != nil))
        #expect(token.claims.exp?.timeIntervalSince1970 == c.payload["exp"]?.numberValue)
        #expect(token.claims.iat?.timeIntervalSince1970 == c.payload["iat"]?.numberValue)
        #expect(token.claims.nbf?.timeIntervalSince1970 == c.payload["nbf"]?.numberValue)
        #expect(token.claims.jti == c.payload["jti"]?.stringValue)
        let k = c.payload["kubernetes.io"]
        #expect(token.kubernetes?.namespace == k?["namespace"]?.stringValue)
        #expect(token.kubernetes?.podName == k?["pod"]?["name"]?.stringValue)
        #expect(token.kubernetes?.podUID == k?["pod"]?["uid"]?.stringValue)
        #expect(token.kubernetes?.serviceAccountName == k?["serviceaccount"]?["name"]?.stringValue)
        #expect(token.kubernetes?.serviceAccountUID == k?["serviceaccount"]?["uid"]?.stringValue)
        #expect(token.kubernetes?.nodeName == k?["node"]?["name"]?.stringValue)
        #expect(token.kubernetes?.warnAfter?.timeIntervalSince1970 == k?["warnafter"]?.numberValue)
    }

    @Test func providerNameIsTheIssuerWithoutScheme() throws {
        let token = try WebIdentityToken.decode(TokenTestData.text("valid-rs256"))
        #expect(token.providerName == "oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE")
    }

    @Test func legacySecretTokenClaimsFillTheSameFields() throws {
        // {"iss":"kubernetes/serviceaccount","kubernetes.io/serviceaccount/namespace":"default",
        //  "kubernetes.io/serviceaccount/service-account.name":"builder"}
        let payload = "eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50Iiwia3ViZXJuZXRlcy5pby9zZXJ2aWNlYWNjb3VudC9uYW1lc3BhY2UiOiJkZWZhdWx0Iiwia3ViZXJuZXRlcy5pby9zZXJ2aWNlYWNjb3VudC9zZXJ2aWNlLWFjY291bnQubmFtZSI6ImJ1aWxkZXIifQ"
        let token = try WebIdentityToken.decode("eyJhbGciOiJSUzI1NiJ9.\(payload).c2ln")
        #expect(token.kubernetes?.legacy == true)
        #expect(token.kubernetes?.namespace == "default")
        #expect(token.kubernetes?.serviceAccountName == "builder")
    }

    @Test func surroundingWhitespaceIsIgnored() throws {
        let token = try WebIdentityToken.decode("\n  eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln\r\n")
        #expect(token.claims.sub == "a")
        #expect(token.signatureLength == 3)
    }

    // Offsets worked out by hand: the header "eyJhbGciOiJSUzI1NiJ9" is 20 bytes, so the payload starts at 21;
    // decoded byte d of a segment is encoded at segment start + d*4/3.
    @Test(arguments: [
        ("", TokenError.Part.token, 0, "a JWT", nil),
        ("   \n", .token, 0, "a JWT", nil),
        ("abc", .token, 3, "3 dot-separated", nil),
        ("a.b.c.d", .token, 5, "3 dot-separated", nil),
        ("a.b.c.d.e", .token, 5, "3 dot-separated", nil),
        ("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2l!", .signature, 40, "base64url", nil),
        ("eyJhbGciOiJSUzI1NiJ9.eyJzd*IiOiJhIn0.c2ln", .payload, 26, "base64url", nil),
        ("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c", .signature, 38, "base64url", nil),
        ("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0=x.c2ln", .payload, 37, "padding", nil),
        ("eyJhbGciOiJSUzI1NiJ9.eyJzdWIi OiJhIn0.c2ln", .payload, 29, "base64url", nil),
        (".eyJzdWIiOiJhIn0.c2ln", .header, 0, "base64url-encoded JSON object", nil),
        ("e2JhZA.e30.c2ln", .header, 1, "JSON", nil),
        ("W10.e30.c2ln", .header, 0, "a JSON object", nil),
        ("eyJhbGciOjd9.e30.c2ln", .header, 9, "a string", "$.alg"),
        ("eyJhbGciOiJSUzI1NiJ9.eyJleHAiOiJzb29uIn0.c2ln", .payload, 30, "NumericDate", "$.exp"),
        ("eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOjV9.c2ln", .payload, 30, "a string or an array", "$.aud"),
        ("eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOlsic3RzLmFtYXpvbmF3cy5jb20iLDddfQ.c2ln", .payload, 58, "a string", "$.aud[1]"),
        ("eyJhbGciOiJSUzI1NiJ9.eyJrdWJlcm5ldGVzLmlvIjoieCJ9.c2ln", .payload, 43, "an object", "$.kubernetes.io"),
    ] as [(String, TokenError.Part, Int, String, String?)])
    func malformedTokensNameThePartAndOffset(text: String, part: TokenError.Part, offset: Int, expected: String,
                                             path: String?) {
        do {
            _ = try WebIdentityToken.decode(text)
            Issue.record("decoded \(text.debugDescription)")
        } catch {
            #expect(error.part == part)
            #expect(error.offset == offset)
            #expect(error.expected.contains(expected), "\(error)")
            #expect(error.jsonPath == path)
            #expect(error.description.hasPrefix("\(part.rawValue) at byte \(offset)"))
        }
    }

    @Test func fiveSegmentsAreCalledAJWE() {
        do {
            _ = try WebIdentityToken.decode("a.b.c.d.e")
        } catch {
            #expect(error.found.contains("JWE"))
        }
    }

    @Test func errorPositionBecomesLineAndColumn() {
        let text = "\neyJhbGciOiJSUzI1NiJ9.eyJzd*IiOiJhIn0.c2ln"
        do {
            _ = try WebIdentityToken.decode(text)
        } catch {
            #expect(error.offset == 27)
            let lc = error.lineColumn(in: text)
            #expect(lc.line == 2 && lc.column == 27)
        }
    }

    @Test func base64URLRoundTripsEveryLength() throws {
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(try Base64URL.decode(Array(Base64URL.encode(bytes).utf8)) == bytes)
        }
    }
}
