import RoleHopCore
import RoleHopTestSupport
import Testing

/// The XML reader against Tests/Data/xml/cases.json (make_cases.py): trees of good documents as Python's expat
/// read them, and malformed documents with the line and column of the problem (expat agrees on the line of
/// every one it rejects; the deliberate cases are well-formed XML rolehop refuses on purpose).
@Suite("XML reader")
struct XMLReaderTests {
    struct Good: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var tree: XMLElement
        var testDescription: String { name }
    }

    struct Malformed: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var line: Int
        var column: Int
        var fragment: String
        var deliberate: Bool
        var expat: String
        var testDescription: String { name }
    }

    static let document: JSONValue = {
        guard let text = readTextFile(RepoPaths.testData("xml/cases.json")),
              let value = try? JSONParser.parse(text).value else { return .null }
        return value
    }()

    static func bytes(_ v: JSONValue) -> [UInt8] {
        v["base64"]?.stringValue.flatMap { try? Base64URL.decode(Array($0.utf8), standard: true) } ?? []
    }

    static func element(_ v: JSONValue) -> XMLElement {
        XMLElement(name: v["name"]?.stringValue ?? "?", text: v["text"]?.stringValue ?? "?",
                   children: v["children"]?.arrayValue?.map(element) ?? [])
    }

    static let good: [Good] = (document["good"]?.arrayValue ?? []).map {
        Good(name: $0["name"]?.stringValue ?? "?", bytes: bytes($0), tree: element($0["tree"] ?? .null))
    }

    static let malformed: [Malformed] = (document["malformed"]?.arrayValue ?? []).map {
        Malformed(name: $0["name"]?.stringValue ?? "?", bytes: bytes($0), line: Int($0["line"]?.numberValue ?? -1),
                  column: Int($0["column"]?.numberValue ?? -1), fragment: $0["fragment"]?.stringValue ?? "?",
                  deliberate: $0["deliberate"]?.boolValue ?? false, expat: $0["expat"]?.stringValue ?? "?")
    }

    @Test func casesLoaded() {
        #expect(Self.good.count >= 30)
        #expect(Self.malformed.count >= 45)
        #expect(Self.good.contains { $0.name == "sigv4/responses/assume-role-success.xml" })
    }

    @Test(arguments: good) func readsLikeExpat(_ c: Good) throws {
        let root = try XMLDocument.parse(c.bytes)
        #expect(root == c.tree)
    }

    @Test(arguments: malformed) func refusesWithPosition(_ c: Malformed) {
        #expect(c.deliberate || c.expat.hasPrefix("line \(c.line):"), "expat: \(c.expat)")
        do {
            let root = try XMLDocument.parse(c.bytes)
            Issue.record("accepted: \(root)")
        } catch {
            #expect(error.line == c.line && error.column == c.column, "\(error)")
            #expect(error.message.contains(c.fragment), "\(error)")
            #expect(error.description.hasPrefix("\(c.line):\(c.column): "))
        }
    }

    /// Element names as libxml2's tree gave them before the reader replaced it (each checked against Debian 12's
    /// libxml2 2.9.14): a declared prefix is dropped, an undeclared one kept, a name with two colons kept whole.
    @Test(arguments: [
        ("<p:a><q:b/></p:a>", ["p:a", "q:b"]),
        ("<p:a xmlns:p=\"u\"><p:b/><q:c xmlns:q=\"v\"/><q:d/></p:a>", ["a", "b", "c", "q:d"]),
        ("<a xmlns:p=\"u\"><p:b/></a><!-- p is out of scope after </a> -->", ["a", "b"]),
        ("<a><b xmlns:p=\"u\"/><p:c/></a>", ["a", "b", "p:c"]),
        ("<a:b:c/>", ["a:b:c"]),
        ("<xml:a/>", ["a"]),
        ("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"/>", ["GetCallerIdentityResponse"]),
    ])
    func namespacePrefixes(_ document: String, _ names: [String]) throws {
        func walk(_ e: XMLElement) -> [String] { [e.name] + e.children.flatMap(walk) }
        #expect(walk(try XMLDocument.parse(Array(document.utf8))) == names)
    }

    @Test func realResponsesDecode() throws {
        let assume = try XMLDocument.parse(Array(fixture("assume-role-success.xml").utf8))
        #expect(assume["AssumeRoleResult", "Credentials", "AccessKeyId"]?.trimmedText.hasPrefix("ASIA") == true)
        let web = try XMLDocument.parse(Array(fixture("web-identity-success-moto.xml").utf8))
        #expect(web["AssumeRoleWithWebIdentityResult", "SubjectFromWebIdentityToken"]?.text
            == "system:serviceaccount:default:my-sa")
        let who = try XMLDocument.parse(Array(fixture("get-caller-identity.xml").utf8))
        #expect(who["GetCallerIdentityResult", "Account"]?.text.count == 12)
        let denied = try XMLDocument.parse(Array(fixture("access-denied.xml").utf8))
        #expect(AWSQueryResponse.error(in: denied)?.code == "AccessDenied")
    }

    /// Every prefix of a real response is refused (never accepted, never a crash), and each error is positioned.
    @Test func everyTruncationIsRefused() throws {
        let full = Array(fixture("assume-role-success.xml").utf8)
        var trimmed = full
        while let last = trimmed.last, last == 0x0A || last == 0x20 { trimmed.removeLast() }
        for n in 1..<trimmed.count {
            do {
                _ = try XMLDocument.parse(Array(trimmed[0..<n]))
                Issue.record("accepted a truncation to \(n) bytes")
            } catch {
                #expect(error.line >= 1 && error.column >= 1)
            }
        }
    }

    @Test func sizeLimitHasNoPosition() {
        #expect(throws: XMLError(message: "document larger than \(XMLDocument.maxBytes) bytes")) {
            try XMLDocument.parse([UInt8](repeating: 0x20, count: XMLDocument.maxBytes + 1))
        }
    }
}
