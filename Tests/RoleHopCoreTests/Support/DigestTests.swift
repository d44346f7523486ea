import RoleHopCore
import RoleHopTestSupport
import Testing

/// SHA-1/256/384/512 and HMAC-SHA-256 over libcrypto against Python's hashlib and hmac
/// (Tests/Data/digest/generate.py).
@Suite("Digests")
struct DigestTests {
    static let vectors: JSONValue = {
        guard let text = readTextFile(RepoPaths.testData("digest/vectors.json")),
              let doc = try? JSONParser.parse(text) else { return .null }
        return doc.value
    }()

    /// The generator's rules for message and key bytes.
    static func message(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 * 31 + n) } }
    static func key(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 * 7 + 1) } }

    static let digestCases: [JSONValue] = vectors["digests"]?.arrayValue ?? []
    static let hmacCases: [JSONValue] = vectors["hmac"]?.arrayValue ?? []

    @Test func generatorWroteTheVectors() {
        #expect(Self.digestCases.count >= 10)
        #expect(Self.hmacCases.count >= 20)
    }

    @Test(arguments: digestCases)
    func oneShotDigests(v: JSONValue) {
        let m = Self.message(Int(v["length"]?.numberValue ?? -1))
        #expect(Digest.hex(Digest.sha1(m)) == v["sha1"]?.stringValue)
        #expect(Digest.hex(Digest.sha256(m)) == v["sha256"]?.stringValue)
        #expect(Digest.hex(Digest.sha384(m)) == v["sha384"]?.stringValue)
        #expect(Digest.hex(Digest.sha512(m)) == v["sha512"]?.stringValue)
        #expect(Digest.hex(Digest.hash(.sha256, m[...])) == v["sha256"]?.stringValue)
    }

    @Test(arguments: digestCases)
    func incrementalSHA256InUnevenPieces(v: JSONValue) {
        let m = Self.message(Int(v["length"]?.numberValue ?? -1))
        var h = SHA256Hasher()
        var i = 0
        var step = 1
        while i < m.count {
            let end = min(m.count, i + step)
            h.update(m[i..<end])
            i = end
            step = step * 3 + 1
        }
        let fork = h
        #expect(h.finalize().hex == v["sha256"]?.stringValue)
        var again = fork
        #expect(again.finalize().hex == v["sha256"]?.stringValue)
    }

    @Test(arguments: hmacCases)
    func hmacSHA256(v: JSONValue) {
        let k = Self.key(Int(v["keyLength"]?.numberValue ?? -1))
        let m = Self.message(Int(v["length"]?.numberValue ?? -1))
        let mac = HMACSHA256(key: k)
        #expect(mac.authenticationCode(for: m).hex == v["hmacSHA256"]?.stringValue)
        // The keyed pads are reused: a second message under the same key gives the same answer again.
        #expect(mac.authenticationCode(for: m[...]).hex == v["hmacSHA256"]?.stringValue)
        #expect(Digest.hex(Digest.hmacSHA256(key: k, m)) == v["hmacSHA256"]?.stringValue)
    }
}
