import RoleHopCore
import RoleHopTestSupport
import Testing

/// Inputs that broke a parser (found by the fuzzers or the malformed corpus), each named after what broke.
@Suite("Parser regressions")
struct ParserRegressionTests {
    /// A NUL in a header value was signed (and `rolehop sigv4` exited 0); a bare CR or ESC too.
    @Test(arguments: [
        ("POST / HTTP/1.1\nHost: sts.amazonaws.com\nX-Test: a\u{0}b\n\n", 3, 10),
        ("POST / HTTP/1.1\nHost: sts.amazonaws.com\nX-Test: a\rb\n\n", 3, 10),
        ("POST / HTTP/1.1\nHost: sts.amazonaws.com\nX-Test: a\n  \u{1B}[31m\n\n", 4, 3),
        ("POST / HTTP/1.1\nHost: sts.amazon\u{7F}aws.com\n\n", 2, 17),
    ])
    func rawRequestHeaderValueWithControlCharacterIsRefused(text: String, line: Int, column: Int) {
        #expect(throws: RawRequestError(line: line, column: column, message: "control character in header value")) {
            try RawHTTPRequest.parse(Array(text.utf8))
        }
    }

    @Test func rawRequestHeaderValueWithTabIsStillAccepted() throws {
        let r = try RawHTTPRequest.parse(Array("POST / HTTP/1.1\nHost: sts.amazonaws.com\nX-Test: a\tb\n\n".utf8))
        #expect(r.headers.last?.1 == "a\tb")
    }

    /// A policy file with invalid UTF-8 was decoded leniently: the error was about a mangled action (`"��"`),
    /// not about the bytes.
    @Test func policyFileWithInvalidUTF8NamesTheInvalidBytes() {
        var fs = MemoryFileSystem()
        fs.addBytes("/p.json", Array("{\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"".utf8) + [0xFF, 0xFE]
                        + Array("\", \"Resource\": \"*\"}]\n}\n".utf8))
        do {
            _ = try PolicyFiles.loadPolicy("/p.json", fs: fs)
            Issue.record("loaded a policy with invalid UTF-8")
        } catch {
            #expect(error.line == 2, "\(error)")
            #expect(error.message.contains("invalid UTF-8"), "\(error)")
        }
    }
}
