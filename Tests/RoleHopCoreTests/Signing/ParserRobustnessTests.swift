import RoleHopCore
import Testing

/// A small deterministic generator (xorshift) so robustness inputs are the same on every run.
struct XorShift {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}

@Suite("Parsers on hostile input")
struct ParserRobustnessTests {
    static let alphabetXML = Array("<>/=\"'&;!?[]-ab Error Code\n".utf8)
    static let alphabetHTTP = Array("GET POST / HTTP/1.1\r\n:Host \t?=&%a".utf8)

    /// Random mutations of well-formed inputs never crash and always end in a value or a typed error.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func mutatedInputsNeverCrash(_ seed: UInt64) {
        var rng = XorShift(state: seed &* 0x9E37_79B9_7F4A_7C15 | 1)
        let xmlBase = Array("<ErrorResponse><Error><Code>Throttling</Code><Message>Rate</Message></Error><RequestId>1</RequestId></ErrorResponse>".utf8)
        let httpBase = Array("POST /a b?x=1 HTTP/1.1\r\nHost: h\r\nX: 1\r\n 2\r\n\r\nbody".utf8)
        for _ in 0..<300 {
            var x = xmlBase
            var h = httpBase
            for _ in 0..<Int(rng.next() % 6) + 1 {
                let i = Int(rng.next() % UInt64(x.count))
                x[i] = Self.alphabetXML[Int(rng.next() % UInt64(Self.alphabetXML.count))]
                let j = Int(rng.next() % UInt64(h.count))
                h[j] = Self.alphabetHTTP[Int(rng.next() % UInt64(Self.alphabetHTTP.count))]
            }
            if let root = try? XMLDocument.parse(x) { _ = AWSQueryResponse.error(in: root) }
            if let r = try? RawHTTPRequest.parse(h) { #expect(r.host != nil) }
        }
    }
}
