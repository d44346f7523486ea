import RoleHopCore
import RoleHopTestSupport
import Testing

/// Answers IAM actions by name (from the form body), like a tiny IAM.
private func iamTransport(_ answers: [String: (Int, String)]) -> ScriptedTransportByAction {
    ScriptedTransportByAction(answers)
}

final class ScriptedTransportByAction: HTTPTransport, @unchecked Sendable {
    let answers: [String: (Int, String)]
    private let lock = NSLockLike()
    private var seen: [String] = []
    init(_ answers: [String: (Int, String)]) { self.answers = answers }
    var actions: [String] { lock.with { seen } }
    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        let body = String(decoding: request.body, as: UTF8.self)
        let action = body.split(separator: "&").first.map { String($0.dropFirst("Action=".count)) } ?? ""
        lock.with { seen.append(action) }
        let (status, text) = answers[action] ?? (400, "<ErrorResponse><Error><Code>InvalidAction</Code><Message>\(action)</Message></Error></ErrorResponse>")
        return HTTPResponse(status: status, body: Array(text.utf8))
    }
}

private let trustEncoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A111122223333%3Aroot%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D"

@Suite("IAM reads")
struct IAMReadsTests {
    @Test func fetchesTrustInlineAndAttachedPolicies() async throws {
        let t = iamTransport([
            "GetRole": (200, "<GetRoleResponse><GetRoleResult><Role><RoleName>account-b-role</RoleName><AssumeRolePolicyDocument>\(trustEncoded)</AssumeRolePolicyDocument><MaxSessionDuration>7200</MaxSessionDuration></Role></GetRoleResult></GetRoleResponse>"),
            "ListRolePolicies": (200, "<ListRolePoliciesResponse><ListRolePoliciesResult><PolicyNames><member>inline-one</member></PolicyNames><IsTruncated>false</IsTruncated></ListRolePoliciesResult></ListRolePoliciesResponse>"),
            "GetRolePolicy": (200, "<GetRolePolicyResponse><GetRolePolicyResult><PolicyName>inline-one</PolicyName><PolicyDocument>%7B%22Version%22%3A%222012-10-17%22%7D</PolicyDocument></GetRolePolicyResult></GetRolePolicyResponse>"),
            "ListAttachedRolePolicies": (200, "<ListAttachedRolePoliciesResponse><ListAttachedRolePoliciesResult><AttachedPolicies><member><PolicyName>ReadOnly</PolicyName><PolicyArn>arn:aws:iam::aws:policy/ReadOnlyAccess</PolicyArn></member></AttachedPolicies><IsTruncated>false</IsTruncated></ListAttachedRolePoliciesResult></ListAttachedRolePoliciesResponse>"),
            "GetPolicy": (200, "<GetPolicyResponse><GetPolicyResult><Policy><DefaultVersionId>v3</DefaultVersionId></Policy></GetPolicyResult></GetPolicyResponse>"),
            "GetPolicyVersion": (200, "<GetPolicyVersionResponse><GetPolicyVersionResult><PolicyVersion><Document>%7B%22a%22%3A%201%7D</Document><VersionId>v3</VersionId></PolicyVersion></GetPolicyVersionResult></GetPolicyVersionResponse>"),
        ])
        let c = STSClient(transport: t, retryPolicy: .none, now: { fixedNow })
        let docs = await c.fetchRoleDocuments(endpoint: "https://iam.amazonaws.com", credentials: creds, roleName: "account-b-role")
        #expect(docs.complete)
        #expect(docs.maxSessionDuration == 7200)
        #expect(docs.trustPolicy?.document.contains("\"AWS\":\"arn:aws:iam::111122223333:root\"") == true)
        #expect(docs.identityPolicies.map(\.name) == ["inline-one", "arn:aws:iam::aws:policy/ReadOnlyAccess"])
        #expect(docs.identityPolicies.map(\.document) == ["{\"Version\":\"2012-10-17\"}", "{\"a\": 1}"])
        #expect(t.actions == ["GetRole", "ListRolePolicies", "GetRolePolicy", "ListAttachedRolePolicies", "GetPolicy", "GetPolicyVersion"])
        #expect(docs.findings.isEmpty)
    }

    @Test func accessDeniedExplainsPolicyDir() async throws {
        let t = iamTransport(["GetRole": (403, fixture("access-denied.xml"))])
        let c = STSClient(transport: t, retryPolicy: .none, now: { fixedNow })
        let docs = await c.fetchRoleDocuments(endpoint: "https://iam.amazonaws.com", credentials: creds, roleName: "account-b-role")
        #expect(!docs.complete)
        #expect(docs.findings.map(\.id) == ["sts.iam-read-denied"])
        #expect(docs.findings.first?.fix.contains("--policy-dir") == true)
        #expect(docs.findings.first?.fix.contains("account-b-role.trust.json") == true)
        #expect(t.actions == ["GetRole"])
    }

    @Test func policyDirAcceptsGetRoleOutputAndPlainPolicies() throws {
        var fs = MemoryFileSystem()
        fs.add("/p/account-b-role.trust.json", """
            {"Role": {"RoleName": "account-b-role", "MaxSessionDuration": 3600,
              "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}}}
            """)
        fs.add("/p/account-b-role.identity-s3.json", "{\"Version\": \"2012-10-17\", \"Statement\": []}")
        fs.add("/p/account-b-role.identity-get.json", "{\"RoleName\": \"x\", \"PolicyName\": \"get\", \"PolicyDocument\": {\"Version\": \"2012-10-17\"}}")
        fs.add("/p/other-role.identity.json", "{}")
        let docs = try PolicyDirectory.load(fs: fs, directory: "/p", roleName: "account-b-role")
        #expect(docs.complete)
        #expect(docs.maxSessionDuration == 3600)
        let trust = try JSONParser.parse(try #require(docs.trustPolicy?.document)).value
        #expect(trust["Version"]?.stringValue == "2012-10-17")
        #expect(docs.trustPolicy?.source == .file(path: "/p/account-b-role.trust.json", line: 2, column: 31))  // 2 spaces + 26-char key + ": " -> the value starts at column 31
        #expect(docs.identityPolicies.map(\.name) == ["account-b-role.identity-get.json", "account-b-role.identity-s3.json"])
    }

    @Test func policyDirReportsBadJSONWithPosition() {
        var fs = MemoryFileSystem()
        fs.add("/p/r.trust.json", "{\n  \"Version\": ,\n}")
        #expect(throws: InputError.self) { try PolicyDirectory.load(fs: fs, directory: "/p", roleName: "r") }
        do {
            _ = try PolicyDirectory.load(fs: fs, directory: "/p", roleName: "r")
        } catch {
            #expect(error.file == "/p/r.trust.json")
            #expect(error.line == 2)
        }
    }
}
