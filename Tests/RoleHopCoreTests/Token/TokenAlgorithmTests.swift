import RoleHopCore
import RoleHopTestSupport
import Testing

/// Every JWS algorithm rolehop verifies, and the edges of key import and signature encoding, against tokens
/// python `cryptography` signed (Tests/Data/token/algorithms.py).
@Suite("Token signature algorithms")
struct TokenAlgorithmTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var jwks: String
        var token: String
        var signature: String
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        guard let text = readTextFile(RepoPaths.testData("token/algorithms.json")),
              let doc = try? JSONParser.parse(text), let list = doc.value["cases"]?.arrayValue else { return [] }
        return list.map { c in
            Case(name: c["name"]?.stringValue ?? "", jwks: c["jwks"]?.serialized() ?? "",
                 token: c["token"]?.stringValue ?? "", signature: c["signature"]?.stringValue ?? "")
        }
    }()

    @Test func generatorWroteEveryAlgorithm() {
        let names = Set(Self.cases.map(\.name))
        for alg in ["rs256", "rs384", "rs512", "ps256", "ps384", "ps512", "es256", "es384"] {
            #expect(names.contains(alg))
            #expect(names.contains(alg + "-tampered"))
        }
    }

    @Test(arguments: cases)
    func verdictMatchesWhatTheGeneratorDid(c: Case) throws {
        let keys = try JSONWebKeySet.parse(c.jwks, file: "algorithms.json")
        let verdict = TokenVerifier.verify(Secret(c.token), keys: keys)
        #expect(TokenVerifierTests.kind(verdict) == c.signature, "\(verdict)")
    }

    @Test(arguments: [
        ("rs256-1024-key", "RSA key of 1024 bits is unusable (under 2048 bits or malformed)"),
        ("es256-p384-key", "key curve P-384 does not match P-256"),
        ("es384-p256-key", "key curve P-256 does not match P-384"),
        ("es256-off-curve", "EC coordinates are not a point on P-256"),
        ("es256-key-labelled-p384", "key curve P-384 does not match P-256"),
    ])
    func unusableKeysSayWhy(name: String, reason: String) throws {
        let c = try #require(Self.cases.first { $0.name == name })
        let verdict = TokenVerifier.verify(Secret(c.token), keys: try JSONWebKeySet.parse(c.jwks, file: "algorithms.json"))
        guard case let .unusableKey(_, got) = verdict else {
            Issue.record("\(verdict)")
            return
        }
        #expect(got == reason)
    }

    /// Keys a JWKS can carry that libcrypto must refuse without crashing: empty or even numbers, short
    /// coordinates, a point at infinity.
    static let ones2048 = Base64URL.encode([UInt8](repeating: 0xFF, count: 256))
    static let zero32 = Base64URL.encode([UInt8](repeating: 0, count: 32))

    @Test(arguments: [
        ("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k\",\"n\":\"AA\",\"e\":\"AQAB\"}]}", "RS256"),
        ("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k\",\"n\":\"\",\"e\":\"\"}]}", "PS256"),
        ("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k\",\"n\":\"\(ones2048)\",\"e\":\"AA\"}]}", "RS256"),
        ("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k\",\"n\":\"\(ones2048)\",\"e\":\"Ag\"}]}", "RS256"),
        ("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k\",\"n\":\"\(ones2048.dropLast())A\",\"e\":\"AQAB\"}]}", "RS256"),
        ("{\"keys\":[{\"kty\":\"EC\",\"kid\":\"k\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\"}]}", "ES256"),
        ("{\"keys\":[{\"kty\":\"EC\",\"kid\":\"k\",\"crv\":\"P-256\",\"x\":\"\(zero32)\",\"y\":\"\(zero32)\"}]}", "ES256"),
        ("{\"keys\":[{\"kty\":\"EC\",\"kid\":\"k\",\"crv\":\"P-384\",\"x\":\"\",\"y\":\"\"}]}", "ES384"),
    ])
    func malformedKeysAreUnusable(jwks: String, alg: String) throws {
        let keys = try JSONWebKeySet.parse(jwks, file: "jwks.json")
        let header = Base64URL.encode(Array("{\"alg\":\"\(alg)\",\"kid\":\"k\"}".utf8))
        let token = header + ".e30." + Base64URL.encode([UInt8](repeating: 1, count: 64))
        #expect(TokenVerifierTests.kind(TokenVerifier.verify(Secret(token), keys: keys)) == "unusable-key")
    }
}
