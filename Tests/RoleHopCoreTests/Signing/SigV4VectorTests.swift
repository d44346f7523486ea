import RoleHopCore
import RoleHopTestSupport
import Testing

/// One known answer computed by botocore (Tests/Data/sigv4/generate_vectors.py).
struct SigV4Vector: CustomTestStringConvertible, Sendable {
    var name: String
    var request: String
    var service: String
    var region: String
    var date: String
    var accessKeyId: String
    var secret: String
    var token: String?
    var normalizePath: Bool
    var signBody: Bool
    var presign: Bool
    var expires: Int
    var canonicalRequest: String
    var stringToSign: String
    var signature: String
    var authorization: String?
    var testDescription: String { name }

    static let all: [SigV4Vector] = {
        guard let text = readTextFile(RepoPaths.testData("sigv4/botocore-vectors.json")),
              let doc = try? JSONParser.parse(text), let vectors = doc.value["vectors"]?.arrayValue else { return [] }
        return vectors.compactMap { v in
            guard let name = v["name"]?.stringValue, let request = v["request"]?.stringValue,
                  let service = v["service"]?.stringValue, let region = v["region"]?.stringValue,
                  let date = v["date"]?.stringValue, let cr = v["canonicalRequest"]?.stringValue,
                  let sts = v["stringToSign"]?.stringValue, let sig = v["signature"]?.stringValue
            else { return nil }
            return SigV4Vector(name: name, request: request, service: service, region: region, date: date,
                               accessKeyId: v["accessKeyId"]?.stringValue ?? "", secret: v["secret"]?.stringValue ?? "",
                               token: v["token"]?.stringValue, normalizePath: v["normalizePath"]?.boolValue ?? true,
                               signBody: v["signBody"]?.boolValue ?? false, presign: v["presign"]?.boolValue ?? false,
                               expires: Int(v["expires"]?.numberValue ?? 0), canonicalRequest: cr, stringToSign: sts,
                               signature: sig, authorization: v["authorization"]?.stringValue)
        }
    }()
}

@Suite("SigV4 known answers from botocore")
struct SigV4VectorTests {
    @Test func vectorFileHasEnoughCases() {
        #expect(SigV4Vector.all.count >= 40)
    }

    @Test(arguments: SigV4Vector.all)
    func matchesBotocore(_ v: SigV4Vector) throws {
        let raw = try RawHTTPRequest.parse(Array(v.request.utf8))
        let creds = AWSCredentials(accessKeyId: v.accessKeyId, secretAccessKey: Secret(v.secret),
                                   sessionToken: v.token.map { Secret($0) })
        let signer = SigV4Signer(credentials: creds, region: v.region, service: v.service,
                                 normalizePath: v.normalizePath, addContentSHA256Header: v.signBody)
        let date = try #require(UTCTime.parseAmzDate(v.date))
        let signed = v.presign
            ? signer.presign(raw.httpRequest(scheme: "http"), date: date, expires: v.expires)
            : signer.sign(raw.httpRequest(scheme: "http"), date: date)
        // The trace shows the session token masked; botocore's canonical request has it in clear.
        var expected = v.canonicalRequest
        if let token = v.token {
            #expect(expected.contains(token) || expected.contains(SigV4Signer.uriEncode(token)))
            expected = expected.replacing(token, with: "****").replacing(SigV4Signer.uriEncode(token), with: "****")
        }
        #expect(signed.trace.canonicalRequest == expected)
        #expect(signed.trace.stringToSign == v.stringToSign)
        #expect(signed.trace.signature == v.signature)
        #expect(signed.authorization == v.authorization)
    }
}

@Suite("SigV4 examples published by AWS")
struct SigV4PublishedExampleTests {
    static let creds = AWSCredentials(accessKeyId: "AKIDEXAMPLE",
                                      secretAccessKey: Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))

    /// "Examples of how to derive a signing key for Signature Version 4" (AWS General Reference).
    @Test func signingKeyDerivation() {
        let signer = SigV4Signer(credentials: Self.creds, region: "us-east-1", service: "iam")
        let key = signer.signingKey(dateStamp: Array("20120215".utf8)[...])
        let hex = key.withUnsafeBytes { $0.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
        #expect(hex == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }

    /// The IAM ListUsers example of "Signature Version 4 signing process" (GET with X-Amz-Date given).
    @Test func iamListUsers() throws {
        let signer = SigV4Signer(credentials: Self.creds, region: "us-east-1", service: "iam")
        let request = HTTPRequest(method: "GET", url: "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08",
                                  headers: [("Host", "iam.amazonaws.com"),
                                            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                                            ("X-Amz-Date", "20150830T123600Z")])
        let signed = signer.sign(request, date: try #require(UTCTime.parseAmzDate("20150830T123600Z")))
        #expect(signed.trace.stringToSign == """
            AWS4-HMAC-SHA256
            20150830T123600Z
            20150830/us-east-1/iam/aws4_request
            f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59
            """)
        #expect(signed.trace.signature == "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
        #expect(signed.authorization == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, "
                + "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
    }
}

@Suite("SigV4 behaviour")
struct SigV4BehaviourTests {
    let creds = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: Secret("secret-EXAMPLE"),
                               sessionToken: Secret("token-FAKE"))
    let date = Date(timeIntervalSince1970: 1_440_938_160)

    @Test func existingSecurityTokenAndDateAreKept() {
        let signer = SigV4Signer(credentials: creds, region: "us-east-1", service: "sts")
        let req = HTTPRequest(method: "POST", url: "https://sts.amazonaws.com/",
                              headers: [("X-Amz-Security-Token", "given-FAKE"), ("x-amz-date", "20200101T000000Z")])
        let s = signer.sign(req, date: date)
        #expect(s.request.headers.filter { $0.0.lowercased() == "x-amz-security-token" }.map(\.1) == ["given-FAKE"])
        #expect(s.request.headers.filter { $0.0.lowercased() == "x-amz-date" }.map(\.1) == ["20200101T000000Z"])
        #expect(s.trace.credentialScope == "20200101/us-east-1/sts/aws4_request")
    }

    @Test func traceAndRequestDoNotLeakTheSecretKey() {
        let signer = SigV4Signer(credentials: creds, region: "us-east-1", service: "sts")
        let s = signer.sign(HTTPRequest(method: "POST", url: "https://sts.amazonaws.com/"), date: date)
        #expect(!s.trace.canonicalRequest.contains("secret-EXAMPLE"))
        #expect(!"\(creds)".contains("secret-EXAMPLE"))
        #expect(!"\(creds)".contains("token-FAKE"))
    }

    @Test func signingKeyCacheFollowsTheDate() {
        let signer = SigV4Signer(credentials: creds, region: "us-east-1", service: "sts")
        let a = signer.sign(HTTPRequest(method: "GET", url: "https://sts.amazonaws.com/"), date: date)
        let b = signer.sign(HTTPRequest(method: "GET", url: "https://sts.amazonaws.com/"), date: date + 86400)
        let fresh = SigV4Signer(credentials: creds, region: "us-east-1", service: "sts")
            .sign(HTTPRequest(method: "GET", url: "https://sts.amazonaws.com/"), date: date + 86400)
        #expect(a.trace.signature != b.trace.signature)
        #expect(b.trace.signature == fresh.trace.signature)
    }
}

@Suite("SigV4 host from the URL")
struct SigV4HostTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var url: String
        var host: String
        var testDescription: String { url }
    }

    // Expected values follow RFC 3986 authority rules and the SigV4 rule "default port omitted".
    @Test(arguments: [
        Case(url: "https://STS.us-east-1.amazonaws.com/", host: "sts.us-east-1.amazonaws.com"),
        Case(url: "https://sts.amazonaws.com:443/", host: "sts.amazonaws.com"),
        Case(url: "http://127.0.0.1:80/x", host: "127.0.0.1"),
        Case(url: "http://127.0.0.1:5000?Action=X", host: "127.0.0.1:5000"),
        Case(url: "https://sts.amazonaws.com:8443/", host: "sts.amazonaws.com:8443"),
        Case(url: "https://user:pw@example.com/", host: "example.com"),
        Case(url: "HTTPS://example.com:443", host: "example.com"),
    ])
    func hostHeaderIsDerivedFromTheURL(_ c: Case) {
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: Secret("s")),
                                 region: "us-east-1", service: "sts")
        let s = signer.sign(HTTPRequest(method: "GET", url: c.url), date: Date(timeIntervalSince1970: 0))
        #expect(s.trace.canonicalRequest.contains("\nhost:\(c.host)\n"))
    }
}
