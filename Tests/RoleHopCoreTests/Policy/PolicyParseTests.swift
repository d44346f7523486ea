import RoleHopCore
import Testing

struct ParseErrorCase: Sendable, CustomTestStringConvertible {
    let name: String
    let text: String
    /// A fragment the message must contain.
    let message: String
    let path: String
    /// Where the error must point: the first occurrence of `at` in the text (an independent way to count).
    var at: String? = nil
    var line = 0
    var column = 0
    var testDescription: String { name }

    var expectedPosition: (line: Int, column: Int) {
        guard let at, let r = text.firstRange(of: at) else { return (line, column) }
        let before = text[..<r.lowerBound]
        let lineNo = before.filter { $0 == "\n" }.count + 1
        let lineStart = before.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
        return (lineNo, text[lineStart..<r.lowerBound].count + 1)
    }
}

private let grammar = "reference_policies_grammar"

let parseErrorCases: [ParseErrorCase] = [
    ParseErrorCase(name: "invalid JSON: missing comma", text: "{\"Version\": \"2012-10-17\"\n \"Statement\": []}", message: "invalid JSON", path: "$", at: "\"Statement\""),
    ParseErrorCase(name: "invalid JSON: truncated", text: "{\"Version\": ", message: "invalid JSON", path: "$", line: 1, column: 13),
    ParseErrorCase(name: "\(grammar): the document must be an object", text: "[1]", message: "must be a JSON object", path: "$", at: "[1]"),
    ParseErrorCase(name: "\(grammar): Statement is required", text: "{\"Version\": \"2012-10-17\"}", message: "no Statement", path: "$", at: "{"),
    ParseErrorCase(name: "\(grammar): unknown top-level element", text: "{\"Statement\": [], \"Extra\": 1}", message: "unknown policy element \"Extra\"", path: "$.Extra", at: "1}"),
    ParseErrorCase(name: "\(grammar): Version value", text: "{\"Version\": \"2020-01-01\", \"Statement\": []}", message: "Version must be", path: "$.Version", at: "\"2020-01-01\""),
    ParseErrorCase(name: "\(grammar): Statement of a wrong type", text: "{\"Statement\": \"x\"}", message: "Statement must be an object or an array", path: "$.Statement", at: "\"x\""),
    ParseErrorCase(name: "\(grammar): Effect is required", text: "{\"Statement\": [{\"Action\": \"s3:*\"}]}", message: "no Effect", path: "$.Statement[0]", at: "{\"Action\""),
    ParseErrorCase(name: "\(grammar): Effect is case-sensitive", text: "{\"Statement\": [{\"Effect\": \"allow\", \"Action\": \"s3:*\"}]}", message: "Effect must be \"Allow\" or \"Deny\"", path: "$.Statement[0].Effect", at: "\"allow\""),
    ParseErrorCase(name: "\(grammar): Action or NotAction is required", text: "{\"Statement\": {\"Effect\": \"Allow\"}}", message: "no Action or NotAction", path: "$.Statement", at: "{\"Effect\""),
    ParseErrorCase(name: "\(grammar): Action and NotAction together", text: "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"a:b\", \"NotAction\": \"c:d\"}}", message: "both Action and NotAction", path: "$.Statement", at: "{\"Effect\""),
    ParseErrorCase(name: "\(grammar): Action must be service:action", text: "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"AssumeRole\"}}", message: "service:Action", path: "$.Statement.Action", at: "\"AssumeRole\""),
    ParseErrorCase(name: "\(grammar): Action of a wrong type", text: "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": 5}}", message: "Action must be a string or an array", path: "$.Statement.Action", at: "5}"),
    ParseErrorCase(name: "\(grammar): an Action array entry of a wrong type", text: "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": [\"s3:*\", true]}}", message: "entries must be strings", path: "$.Statement.Action[1]", at: "true"),
    ParseErrorCase(name: "reference_policies_elements_principal: a principal string other than *", text: "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": \"arn:aws:iam::111122223333:root\", \"Action\": \"sts:AssumeRole\"}}", message: "{\"AWS\":", path: "$.Statement.Principal", at: "\"arn:aws:iam::111122223333:root\""),
    ParseErrorCase(name: "reference_policies_elements_principal: unknown principal type", text: "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": {\"Aws\": \"*\"}, \"Action\": \"sts:AssumeRole\"}}", message: "unknown principal type \"Aws\"", path: "$.Statement.Principal.Aws", at: "\"*\""),
    ParseErrorCase(name: "reference_policies_elements_principal: no wildcards inside principal ARNs", text: "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:role/*\"}, \"Action\": \"sts:AssumeRole\"}}", message: "wildcards are not allowed in a principal", path: "$.Statement.Principal.AWS", at: "\"arn:aws:iam::111122223333:role/*\""),
    ParseErrorCase(name: "reference_policies_elements_condition_operators: an unknown operator is named", text: "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Condition\": {\"StringEqualz\": {\"k:v\": \"x\"}}}}", message: "unknown condition operator \"StringEqualz\" (did you mean StringEquals?)", path: "$.Statement.Condition.StringEqualz", at: "{\"k:v\""),
    ParseErrorCase(name: "reference_policies_elements_condition_operators: unknown set qualifier", text: "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Condition\": {\"ForSomeValues:StringEquals\": {\"k:v\": \"x\"}}}}", message: "unknown condition set qualifier \"ForSomeValues\"", path: "$.Statement.Condition.ForSomeValues:StringEquals", at: "{\"k:v\""),
    ParseErrorCase(name: "reference_policies_elements_condition_operators: Numeric needs a number", text: "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Condition\": {\"NumericLessThan\": {\"s3:max-keys\": \"ten\"}}}}", message: "expects a number, found \"ten\"", path: "$.Statement.Condition.NumericLessThan.s3:max-keys", at: "\"ten\""),
    ParseErrorCase(name: "reference_policies_elements_condition_operators: Date needs a date", text: "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Condition\": {\"DateLessThan\": {\"aws:CurrentTime\": \"soon\"}}}}", message: "expects an ISO 8601 date", path: "$.Statement.Condition.DateLessThan.aws:CurrentTime", at: "\"soon\""),
    ParseErrorCase(name: "reference_policies_elements_condition_operators: IpAddress needs a CIDR", text: "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Condition\": {\"IpAddress\": {\"aws:SourceIp\": \"10.0.0.0/33\"}}}}", message: "IPv4 or IPv6 address", path: "$.Statement.Condition.IpAddress.aws:SourceIp", at: "\"10.0.0.0/33\""),
    ParseErrorCase(name: "reference_policies_elements_condition_operators: Bool needs true or false", text: "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"yes\"}}}}", message: "expects true or false", path: "$.Statement.Condition.Bool.aws:SecureTransport", at: "\"yes\""),
    ParseErrorCase(name: "reference_policies_elements_condition_operators: Arn operators need an ARN", text: "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Condition\": {\"ArnLike\": {\"aws:SourceArn\": \"bucket\"}}}}", message: "expects an ARN", path: "$.Statement.Condition.ArnLike.aws:SourceArn", at: "\"bucket\""),
    ParseErrorCase(name: "reference_policies_elements_condition_operators: Null takes no IfExists", text: "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Condition\": {\"NullIfExists\": {\"k:v\": \"true\"}}}}", message: "Null cannot take the IfExists suffix", path: "$.Statement.Condition.NullIfExists", at: "{\"k:v\""),
    ParseErrorCase(name: "\(grammar): a condition value of a wrong type", text: "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Condition\": {\"StringEquals\": {\"k:v\": {\"a\": 1}}}}}", message: "must be a string, number or boolean", path: "$.Statement.Condition.StringEquals.k:v", at: "{\"a\""),
    ParseErrorCase(name: "\(grammar): a Condition of a wrong type", text: "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Condition\": []}}", message: "Condition must be an object", path: "$.Statement.Condition", at: "[]"),
    ParseErrorCase(name: "\(grammar): Resource must be an ARN or *", text: "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"bucket\"}}", message: "must be \"*\" or an ARN", path: "$.Statement.Resource", at: "\"bucket\""),
    ParseErrorCase(name: "\(grammar): an element given twice", text: "{\"Statement\": {\"Effect\": \"Allow\", \"Effect\": \"Deny\", \"Action\": \"s3:*\"}}", message: "appears twice", path: "$.Statement.Effect", at: "\"Deny\""),
    ParseErrorCase(name: "URL-encoded with a broken escape", text: "%7B%22Version%2", message: "invalid %-escape", path: "$", line: 1, column: 1),
]

@Suite("Policy documents: shapes, errors with positions, hostile input")
struct PolicyParseTests {
    @Test(arguments: parseErrorCases)
    func parseError(_ k: ParseErrorCase) {
        do {
            _ = try PolicyDocument.parse(k.text, file: "p.json")
            Issue.record("parsed without error")
        } catch {
            #expect(error.message.contains(k.message), "\(error.message)")
            #expect(error.path == k.path)
            let (line, column) = k.expectedPosition
            #expect(error.line == line)
            #expect(error.column == column)
            #expect(error.file == "p.json")
            #expect(error.inputError.description.hasPrefix("p.json:\(line):\(column): "))
        }
    }

    @Test("every legal shape parses: statement object, principal forms, NotPrincipal, NotResource, numbers and booleans")
    func legalShapes() throws {
        let doc = try PolicyDocument.parse(#"""
        {"Version": "2012-10-17", "Id": "x", "Statement": [
          {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "444455556666"], "Service": "ec2.amazonaws.com",
            "Federated": "cognito-identity.amazonaws.com", "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
           "Action": ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"]},
          {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/admin"}, "NotAction": "s3:Get*", "NotResource": ["arn:aws:s3:::b/*"],
           "Condition": {"NumericLessThan": {"s3:max-keys": 10}, "Bool": {"aws:SecureTransport": false}}}]}
        """#)
        #expect(doc.statements.count == 2)
        #expect(doc.statements[0].principal?.entries.count == 5)
        #expect(doc.statements[0].principal?.entries[1].wholeAccount == "444455556666")
        #expect(doc.statements[1].conditions.map(\.values) == [["10"], ["false"]])
        let single = try PolicyDocument.parse(#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#)
        #expect(single.statements.count == 1)
        #expect(single.version == nil)
    }

    @Test("deeply nested JSON is an error, not a crash")
    func deepNesting() {
        let text = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: PolicyError.self) { try PolicyDocument.parse(text) }
        let inCondition = "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Condition\": {\"StringEquals\": {\"k\": "
            + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "}}}}"
        #expect(throws: PolicyError.self) { try PolicyDocument.parse(inCondition) }
    }

    @Test("a 1 MB document parses and evaluates")
    func oneMegabyte() throws {
        var statements: [String] = []
        var size = 0
        var i = 0
        while size < 1 << 20 {
            let s = #"{"Sid": "S\#(i)", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-\#(i)/*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "team-\#(i)"}}}"#
            statements.append(s)
            size += s.utf8.count + 1
            i += 1
        }
        let text = #"{"Version": "2012-10-17", "Statement": ["# + statements.joined(separator: ",") + "]}"
        let doc = try PolicyDocument.parse(text, file: "big.json")
        #expect(doc.statements.count == i)
        var ctx = RequestContext(action: "s3:GetObject", resource: "arn:aws:s3:::bucket-\(i - 1)/k")
        ctx.set("aws:PrincipalTag/team", "team-\(i - 1)")
        #expect(PolicyEvaluator.decide(policies: [doc], context: ctx) == .allowed)
    }

    @Test("a document over the size bound is refused with a clear message")
    func tooLarge() {
        let text = "{\"Statement\": [" + String(repeating: " ", count: PolicyDocument.maxInputBytes) + "]}"
        do {
            _ = try PolicyDocument.parse(text)
            Issue.record("accepted")
        } catch {
            #expect(error.message.contains("larger than"))
        }
    }

    @Test("minified size counts characters without whitespace", arguments: [
        (#"{ "Statement" : { "Effect" : "Allow" , "Action" : "*" } }"#, #"{"Statement":{"Effect":"Allow","Action":"*"}}"#.count),
    ])
    func minified(_ text: String, _ expected: Int) throws {
        #expect(try PolicyDocument.parse(text).minifiedSize == expected)
    }

    @Test("invalid UTF-8 and control characters are errors, not crashes")
    func hostileBytes() {
        #expect(throws: PolicyError.self) { try PolicyDocument.parse("{\"Statement\": \"\u{01}\"}") }
        #expect(throws: PolicyError.self) { try PolicyDocument.parse("") }
        #expect(throws: PolicyError.self) { try PolicyDocument.parse("%7B%FF%FE%7D") }
    }
}
