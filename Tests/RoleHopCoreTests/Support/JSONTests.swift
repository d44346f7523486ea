import RoleHopCore
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    @Test func parsesNestedDocumentAndRecordsPositions() throws {
        let text = "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\"}\n  ]\n}"
        let doc = try JSONParser.parse(text)
        #expect(doc.value["Statement"]?.arrayValue?.first?["Effect"] == "Allow")
        #expect(doc.position(of: "$.Statement[0].Effect") == JSONPosition(line: 3, column: 16))
    }

    @Test(arguments: [
        ("{", "1:2"), ("[1,]", "1:4"), ("{\"a\" 1}", "1:6"), ("\"abc", "1:5"), ("tru", "1:4"), ("{} x", "1:4"),
        ("\"\\ud800\"", "1:8"),
    ])
    func rejectsMalformedInputWithPosition(input: String, position: String) {
        #expect(throws: JSONError.self) { try JSONParser.parse(input) }
        do { _ = try JSONParser.parse(input) } catch { #expect(error.position.description == position) }
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONError.self) { try JSONParser.parse(deep) }
    }

    @Test func roundTripsEscapes() throws {
        let v: JSONValue = .object([("k", .string("a\"b\\c\n\u{01}é😀"))])
        let back = try JSONParser.parse(v.serialized()).value
        #expect(back == v)
    }

    /// The writer's exact forms: RFC 8259 escapes (two-character forms for quote, backslash, LF, CR, tab;
    /// `\u00XX` for the other control characters and DEL), UTF-8 passed through, two-space indentation.
    @Test(arguments: [
        (JSONValue.string("q\"b\\n\nr\rt\t\u{01}\u{1F}\u{7F}é"), false, #""q\"b\\n\nr\rt\t\u0001\u001f\u007fé""#),
        (.array([.number(1), .number(-2.5), .bool(true), .null, .number(.infinity)]), false, "[1,-2.5,true,null,null]"),
        (.object([("a", .array([])), ("b", .object([])), ("c", .array([.number(3)]))]), true,
         "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    3\n  ]\n}"),
        (.object([("k", .object([("x", .string("y"))]))]), false, #"{"k":{"x":"y"}}"#),
    ])
    func exactForms(_ value: JSONValue, _ pretty: Bool, _ expected: String) {
        #expect(value.serialized(pretty: pretty) == expected)
    }
}

@Suite("Time")
struct TimeTests {
    @Test(arguments: [
        ("2026-11-29T11:04:29Z", 1_795_950_269.0), ("2026-11-29T11:04:29.500000Z", 1_795_950_269.5),
        ("2026-11-29T12:04:29+01:00", 1_795_950_269.0), ("1970-01-01", 0.0),
    ])
    func parsesISO8601(text: String, epoch: Double) {
        #expect(UTCTime.parseISO8601(text)?.timeIntervalSince1970 == epoch)
    }

    @Test func formatsAmzDate() {
        let d = UTCTime.parseAmzDate("20150830T123600Z")
        #expect(d.map(UTCTime.amzDate) == "20150830T123600Z")
        #expect(d.map(UTCTime.iso8601) == "2015-08-30T12:36:00Z")
    }
}
