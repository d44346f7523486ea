import RoleHopCore
import Testing

@Suite("Raw HTTP request parser")
struct RawHTTPRequestTests {
    @Test func parsesFoldedHeadersSpacesInPathAndBody() throws {
        let text = "GET /a b/c?x=1 HTTP/1.1\r\nHost: example.com\r\nX-Long: one\r\n  two\r\n\tthree\r\n\r\nbody\r\nmore"
        let r = try RawHTTPRequest.parse(Array(text.utf8))
        #expect(r.method == "GET")
        #expect(r.target == "/a b/c?x=1")
        #expect(r.version == "HTTP/1.1")
        #expect(r.headers.map(\.0) == ["Host", "X-Long"])
        #expect(r.headers[1].1 == "one two three")
        #expect(r.body == Array("body\r\nmore".utf8))
    }

    @Test func acceptsBareLineFeedsAndNoBody() throws {
        let r = try RawHTTPRequest.parse(Array("POST / HTTP/1.1\nHost: h\n".utf8))
        #expect(r.body.isEmpty)
        #expect(r.host == "h")
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var text: String
        var line: Int
        var column: Int
        var testDescription: String { text.debugDescription }
    }

    @Test(arguments: [
        Bad(text: "", line: 1, column: 1),
        Bad(text: "\n\nGET / HTTP/1.1", line: 1, column: 1),
        Bad(text: "GET\nHost: h\n\n", line: 1, column: 4),
        Bad(text: "GET / FTP/1\nHost: h\n\n", line: 1, column: 7),
        Bad(text: "GET a HTTP/1.1\nHost: h\n\n", line: 1, column: 5),
        Bad(text: "G(T / HTTP/1.1\nHost: h\n\n", line: 1, column: 2),
        Bad(text: "GET / HTTP/1.1\n folded\nHost: h\n\n", line: 2, column: 1),
        Bad(text: "GET / HTTP/1.1\nHost: h\nBad Name: v\n\n", line: 3, column: 4),
        Bad(text: "GET / HTTP/1.1\nHost: h\n: v\n\n", line: 3, column: 1),
        Bad(text: "GET / HTTP/1.1\nX-A: 1\n\n", line: 3, column: 1),
    ])
    func errorsCarryPositions(_ bad: Bad) {
        do {
            _ = try RawHTTPRequest.parse(Array(bad.text.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.line == bad.line)
            #expect(error.column == bad.column)
        }
    }
}
