import RoleHopCore
import Testing

/// BundleCanaries values: each contains CANARY so a search of any output finds a leak whatever the rule that missed it.
enum BundleCanaries {
    static let secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYCANARYKEY1"  // 40 characters, base64-ish
    static let sessionToken = "IQoJb3JpZ2luX2VjEXAMPLECANARYSESSIONTOKEN" + String(repeating: "Zm9vYmFy", count: 30)
    static let envSessionToken = "FwoGZXIvYXdzEXAMPLECANARYENVTOKEN" + String(repeating: "QUJD", count: 40)
    static let tokenSignature = "CANARYSIGNATURE_abcdefghijklmnopqrstuvwxyz0123456789-_ABCDEFGH"
    static let rawToken = "eyJhbGciOiJSUzI1NiIsImtpZCI6IkNBTkFSWSJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDphcHAifQ."
        + tokenSignature
    static let proxyPassword = "CANARYproxyPass"
    static let processSecret = "ProcCANARYSecretKeyFromCredentialProcess1"  // 41 characters
    static let processToken = "ProcCANARYSessionTokenFromCredentialProcess"
    static let hopSecret = "HopCANARYSecretAccessKeyReturnedByTheHop1"
    static let hopToken = "HopCANARYSessionTokenReturnedByTheHopXYZ0123456789"
    static let containerToken = "ContainerCANARYAuthorizationToken"
    static let mfaCode = "CANARY123456"
    static let cookie = "session=CANARYcookie"
    static let accessKeyId = "AKIACANARYEXAMPLE1234"  // 21 characters; only "1234" may survive
    static let hopAccessKeyId = "ASIACANARYEXAMPLEWXYZ"

    /// Every value that must never appear in output (access key ids included: only their last 4 may).
    static let all = [secretKey, sessionToken, envSessionToken, tokenSignature, rawToken, proxyPassword, processSecret,
                      processToken, hopSecret, hopToken, containerToken, mfaCode, "CANARYcookie", accessKeyId,
                      hopAccessKeyId]

    /// The secrets the process holds, as the integrator hands them to the scrubber.
    static let held = [secretKey, sessionToken, envSessionToken, tokenSignature, rawToken, processSecret, processToken,
                       hopSecret, hopToken, containerToken]

    /// Which canaries appear in `output`; the word CANARY alone (a masked id's neighbour) is not a leak.
    static func leaks(in output: String) -> [String] {
        all.filter { output.contains($0) } + (output.contains("CANARYEXAMPLE") ? ["an access key id prefix"] : [])
    }
}

/// Lines at every LF (a CRLF is one Character, so `String.split` would not split it).
func scalarLines(_ text: String) -> [String] {
    text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
}

@Suite("Redactor: ini files")
struct INIRedactionTests {
    static let credentials = """
        # static keys for the CI user
        [default]
        aws_access_key_id = \(BundleCanaries.accessKeyId)
        aws_secret_access_key=\(BundleCanaries.secretKey)
        aws_session_token = \(BundleCanaries.sessionToken)

        [legacy]
        aws_security_token = \(BundleCanaries.sessionToken)
        AWS_Secret_Access_Key =   \(BundleCanaries.secretKey)   \r
        mystery_setting = \(BundleCanaries.secretKey)
        empty_secret =
        aws_secret_access_key =
        [process]
        credential_process = /usr/local/bin/get-creds --profile ci --secret-key \(BundleCanaries.processSecret) --token=\(BundleCanaries.processToken)
        region = eu-west-1
        web_identity_token_file = /var/run/secrets/eks.amazonaws.com/serviceaccount/token
        role_arn = arn:aws:iam::111122223333:role/account-a-role
        s3 =
          aws_session_token = \(BundleCanaries.sessionToken)
        [continued]
        aws_session_token =
          \(BundleCanaries.sessionToken)
        [padded]
        aws_session_token =
          \(BundleCanaries.sessionToken)==
        \(BundleCanaries.envSessionToken)==
        """

    @Test func keepsEveryLineAndNoSecret() {
        let r = Redactor.redactINI(Self.credentials)
        let inLines = scalarLines(Self.credentials)
        let outLines = scalarLines(r.text)
        #expect(outLines.count == inLines.count)
        #expect(BundleCanaries.leaks(in: r.text).isEmpty, "\(r.text)")
        // Section headers, comments and harmless settings are untouched, at their line numbers.
        for (i, line) in inLines.enumerated() where line.hasPrefix("[") || line.hasPrefix("#") || line.contains("region")
            || line.contains("role_arn") || line.contains("web_identity_token_file") || line.isEmpty
        {
            #expect(outLines[i] == line)
        }
    }

    @Test(arguments: [
        (3, "aws_access_key_id = ****1234"), (4, "aws_secret_access_key=****"), (5, "aws_session_token = ****"),
        (8, "aws_security_token = ****"), (9, "AWS_Secret_Access_Key =   ****   \r"), (10, "mystery_setting = ****"),
        (11, "empty_secret ="), (12, "aws_secret_access_key ="),
        (14, "credential_process = /usr/local/bin/get-creds --profile ci --secret-key **** --token=****"),
        (19, "  aws_session_token = ****"), (22, "  ****"), (25, "  ****"), (26, "****"),
    ])
    func redactsLine(number: Int, expected: String) throws {
        let out = scalarLines(Redactor.redactINI(Self.credentials).text)
        try #require(out.count == 26)
        #expect(out[number - 1] == expected)
    }

    @Test func notesWhatWasDone() {
        let notes = Redactor.redactINI(Self.credentials).notes
        #expect(notes.contains(Redactor.Note(line: 3, key: "aws_access_key_id", action: .accessKeyIdMasked)))
        #expect(notes.contains(Redactor.Note(line: 14, key: "credential_process", action: .credentialProcessKept)))
        #expect(notes.contains(Redactor.Note(line: 10, key: "mystery_setting", action: .secretLookingValueMasked)))
        #expect(!notes.contains { $0.line == 15 || $0.line == 16 || $0.line == 17 })
    }

    @Test func referenceConfigIsUnchanged() {
        let config = """
            [profile account_b_role]
            source_profile = account_a_role
            role_arn=arn:aws:iam::444455556666:role/account-b-role
            [profile account_a_role]
            web_identity_token_file = /var/run/secrets/eks.amazonaws.com/serviceaccount/token
            role_arn=arn:aws:iam::111122223333:role/account-a-role

            """
        #expect(Redactor.redactINI(config).text == config)
    }
}

@Suite("Redactor: secret shapes")
struct SecretShapeTests {
    @Test(arguments: [
        (BundleCanaries.secretKey, true), (BundleCanaries.sessionToken, true), (BundleCanaries.rawToken, true),
        ("9e99a48a9960b14926bb7f3b02e22da2b0ab7280", false),  // an OIDC thumbprint
        ("arn:aws:iam::111122223333:role/account-a-role", false), ("us-east-1", false),
        ("/var/run/secrets/eks.amazonaws.com/serviceaccount/token", false),
        (String(repeating: "a", count: 40), false), ("", false),
    ])
    func looksLikeSecret(value: String, expected: Bool) {
        #expect(Redactor.looksLikeSecret(value) == expected)
    }
}

@Suite("Redactor: environment")
struct EnvironmentRedactionTests {
    static let environment = Environment([
        "AWS_ACCESS_KEY_ID": BundleCanaries.accessKeyId,
        "AWS_SECRET_ACCESS_KEY": BundleCanaries.secretKey,
        "AWS_SESSION_TOKEN": BundleCanaries.envSessionToken,
        "AWS_SECURITY_TOKEN": BundleCanaries.envSessionToken,
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": BundleCanaries.containerToken,
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token",
        "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/account-a-role",
        "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
        "AWS_REGION": "us-east-1",
        "AWS_SOME_NEW_SETTING": BundleCanaries.secretKey,
        "HTTPS_PROXY": "http://proxyuser:\(BundleCanaries.proxyPassword)@proxy.internal:3128",
        "http_proxy": "proxyuser:\(BundleCanaries.proxyPassword)@proxy.internal:3128",
        "NO_PROXY": "169.254.169.254,.svc",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials?id=1&token=\(BundleCanaries.containerToken)",
        "KUBERNETES_SERVICE_HOST": "10.100.0.1",
        "HOSTNAME": "app-7d9f-abcde",
        "DATABASE_PASSWORD": "CANARYdbpass",
        "HOME": "/root",
        "PATH": "/usr/bin",
    ])

    @Test func keepsOnlyTheAllowlist() {
        let names = Redactor.redactEnvironment(Self.environment).map(\.name)
        #expect(names == names.sorted())
        #expect(!names.contains("DATABASE_PASSWORD") && !names.contains("HOME") && !names.contains("PATH"))
        #expect(names.contains("http_proxy") && names.contains("NO_PROXY") && names.contains("KUBERNETES_SERVICE_HOST"))
        #expect(names.contains("HOSTNAME"))
    }

    @Test(arguments: [
        ("AWS_ACCESS_KEY_ID", "****1234"), ("AWS_SECRET_ACCESS_KEY", "****"), ("AWS_SESSION_TOKEN", "****"),
        ("AWS_SECURITY_TOKEN", "****"), ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "****"),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
         "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"),
        ("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/account-a-role"), ("AWS_REGION", "us-east-1"),
        ("AWS_SOME_NEW_SETTING", "****"), ("HTTPS_PROXY", "http://proxyuser:****@proxy.internal:3128"),
        ("http_proxy", "proxyuser:****@proxy.internal:3128"), ("NO_PROXY", "169.254.169.254,.svc"),
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials?id=1&token=****"),
    ])
    func redactsValue(name: String, expected: String) {
        let env = Dictionary(uniqueKeysWithValues: Redactor.redactEnvironment(Self.environment).map { ($0.name, $0.value) })
        #expect(env[name] == expected)
    }

    @Test func jsonHasNoCanary() {
        let json = Redactor.environmentJSON(Self.environment).serialized(pretty: true)
        #expect(BundleCanaries.leaks(in: json).isEmpty)
        #expect(!json.contains("CANARYdbpass"))
    }

    @Test(arguments: [
        ("http://u:p%40ss@proxy:3128", "http://u:****@proxy:3128"),
        ("http://u:p@ss@proxy:3128/x", "http://u:****@proxy:3128/x"),
        ("http://proxy:3128", "http://proxy:3128"), ("http://user@proxy:3128", "http://user@proxy:3128"),
        ("https://h/path?q=a@b:c", "https://h/path?q=a@b:c"),
    ])
    func masksURLPasswords(url: String, expected: String) {
        #expect(Redactor.maskURLCredentials(url) == expected)
    }
}

@Suite("Redactor: HTTP")
struct HTTPRedactionTests {
    @Test func masksSecretHeaders() {
        let headers: [(String, String)] = [
            ("Authorization", "AWS4-HMAC-SHA256 Credential=\(BundleCanaries.hopAccessKeyId)/20261129/us-east-1/sts/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=\(String(repeating: "ab", count: 32))"),
            ("X-Amz-Security-Token", BundleCanaries.sessionToken), ("Cookie", BundleCanaries.cookie),
            ("X-Aws-Ec2-Metadata-Token", BundleCanaries.containerToken), ("Proxy-Authorization", "Basic \(BundleCanaries.containerToken)"),
            ("X-Custom-Secret", BundleCanaries.hopSecret), ("Content-Type", "application/x-www-form-urlencoded"),
            ("Host", "sts.us-east-1.amazonaws.com"),
        ]
        let out = Redactor.redactHeaders(headers)
        let text = out.map { "\($0.0): \($0.1)" }.joined(separator: "\n")
        #expect(BundleCanaries.leaks(in: text).isEmpty, "\(text)")
        #expect(out.map(\.0) == headers.map(\.0))
        #expect(out[0].1 == "AWS4-HMAC-SHA256 Credential=****WXYZ/20261129/us-east-1/sts/aws4_request, "
            + "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=****")
        #expect(out[4].1 == "Basic ****")
        #expect(out[6].1 == "application/x-www-form-urlencoded")
        #expect(out[7].1 == "sts.us-east-1.amazonaws.com")
    }

    @Test func masksFormParametersButKeepsThem() {
        let body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fa"
            + "&RoleSessionName=s&WebIdentityToken=\(BundleCanaries.rawToken)&TokenCode=\(BundleCanaries.mfaCode)"
            + "&SerialNumber=arn%3Aaws%3Aiam%3A%3A1%3Amfa%2Fu&X-Amz-Security-Token=\(BundleCanaries.sessionToken)&Client%53ecret=\(BundleCanaries.hopSecret)"
        let out = Redactor.redactFormBody(body)
        #expect(BundleCanaries.leaks(in: out).isEmpty, "\(out)")
        #expect(out.contains("&WebIdentityToken=****&TokenCode=****&"))
        #expect(out.contains("Client%53ecret=****"))
        #expect(out.hasPrefix("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws"))
        #expect(out.contains("SerialNumber=arn%3Aaws%3Aiam%3A%3A1%3Amfa%2Fu"))
    }

    static let stsResponse = """
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleResult>
            <AssumedRoleUser>
              <AssumedRoleId>AROA3XFRBF535PLBIFPI4:s3-access-example</AssumedRoleId>
              <Arn>arn:aws:sts::444455556666:assumed-role/account-b-role/s</Arn>
            </AssumedRoleUser>
            <Credentials>
              <SecretAccessKey>\(BundleCanaries.hopSecret)</SecretAccessKey>
              <SessionToken>\(BundleCanaries.hopToken)</SessionToken>
              <Expiration>2026-11-29T12:04:29Z</Expiration>
              <AccessKeyId>\(BundleCanaries.hopAccessKeyId)</AccessKeyId>
            </Credentials>
          </AssumeRoleResult>
          <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
        </AssumeRoleResponse>
        """

    @Test func stripsTheCredentialsElement() {
        let out = Redactor.redactXMLBody(Self.stsResponse)
        #expect(BundleCanaries.leaks(in: out).isEmpty, "\(out)")
        #expect(out.contains("    " + Redactor.removedCredentials + "\n  </AssumeRoleResult>"))
        #expect(out.contains("<Arn>arn:aws:sts::444455556666:assumed-role/account-b-role/s</Arn>"))
        #expect(out.contains("<RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>"))
        #expect(!out.contains("Expiration"))
    }

    @Test func stripsAnUnterminatedCredentialsElement() {
        let cut = String(Self.stsResponse.prefix(while: { $0 != "E" }))  // ends inside <Credentials>
        #expect(cut.contains("<Credentials>"))
        #expect(BundleCanaries.leaks(in: Redactor.redactXMLBody(cut)).isEmpty)
    }

    @Test func masksContainerCredentialsJSON() {
        let body = """
            {"AccessKeyId": "\(BundleCanaries.hopAccessKeyId)", "SecretAccessKey" : "\(BundleCanaries.hopSecret)",
             "Token":"\(BundleCanaries.hopToken)", "Expiration": "2026-11-29T12:04:29Z", "Version": 1,
             "SessionToken": "\(BundleCanaries.processToken)", "nested": {"AccountId": "111122223333", "secret": "\(BundleCanaries.processSecret)"}}
            """
        let out = Redactor.redactJSONBody(body)
        #expect(BundleCanaries.leaks(in: out).isEmpty, "\(out)")
        #expect(out.contains("\"AccessKeyId\": \"****WXYZ\""))
        #expect(out.contains("\"SecretAccessKey\" : \"****\""))
        #expect(out.contains("\"Token\":\"****\""))
        #expect(out.contains("\"Expiration\": \"2026-11-29T12:04:29Z\""))
        #expect(out.contains("\"AccountId\": \"111122223333\""))
    }

    @Test func masksMalformedJSONToo() {
        let body = "{\"SecretAccessKey\": \"\(BundleCanaries.hopSecret)\", \"Token\": \"\(BundleCanaries.hopToken)"
        #expect(BundleCanaries.leaks(in: Redactor.redactJSONBody(body)).isEmpty)
    }

    @Test func masksSecretQueryParametersInURLs() {
        let url = "https://sts.amazonaws.com/?Action=GetCallerIdentity&X-Amz-Credential=\(BundleCanaries.hopAccessKeyId)%2F20261129"
            + "&X-Amz-Security-Token=\(BundleCanaries.sessionToken)&X-Amz-Signature=abcd"
        let out = Redactor.redactURL(url)
        #expect(BundleCanaries.leaks(in: out).isEmpty, "\(out)")
        #expect(out.contains("X-Amz-Credential=****WXYZ%2F20261129"))
        #expect(out.contains("Action=GetCallerIdentity"))
    }

    @Test func transcriptOfAHopHasNoSecret() {
        let request = HTTPRequest(
            method: "POST", url: "https://sts.us-east-1.amazonaws.com/",
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                      ("Authorization", "AWS4-HMAC-SHA256 Credential=\(BundleCanaries.hopAccessKeyId)/x, SignedHeaders=host, Signature=ff"),
                      ("X-Amz-Security-Token", BundleCanaries.sessionToken)],
            body: Array("Action=AssumeRoleWithWebIdentity&WebIdentityToken=\(BundleCanaries.rawToken)".utf8))
        let response = HTTPResponse(status: 200, headers: [("Content-Type", "text/xml")], body: Array(Self.stsResponse.utf8),
                                    timings: HTTPTimings(dns: 0.001, connect: 0.002, tls: 0.01, firstByte: 0.05, total: 0.0512))
        let text = Redactor.transcript(request: request, response: response, title: "hop 1, attempt 1")
        #expect(BundleCanaries.leaks(in: text).isEmpty, "\(text)")
        #expect(text.hasPrefix("# hop 1, attempt 1\n> POST https://sts.us-east-1.amazonaws.com/\n"))
        #expect(text.contains("> Action=AssumeRoleWithWebIdentity&WebIdentityToken=****"))
        #expect(text.contains("< HTTP 200"))
        #expect(text.contains("timings: dns 1 ms connect 2 ms tls 10 ms first-byte 50 ms total 51 ms"))
        let failed = Redactor.transcript(request: request, response: nil, error: .readTimeout(seconds: 5, detail: "timed out"))
        #expect(failed.contains("! transport error"))
        #expect(BundleCanaries.leaks(in: failed).isEmpty)
    }
}

@Suite("Redactor: last-resort scrubber")
struct ScrubberTests {
    @Test func replacesHeldSecretsInEverySpelling() {
        let s = BundleCanaries.secretKey
        let text = """
            raw: \(s)
            form: \(s.replacing("/", with: "%2F"))
            lower: \(s.replacing("/", with: "%2f"))
            json: \(s.replacing("/", with: "\\/"))
            token: \(BundleCanaries.rawToken)
            id: \(BundleCanaries.accessKeyId) and ASIAIOSFODNN7EXAMPLE.
            """
        let out = Redactor.scrub(text, secrets: BundleCanaries.held)
        #expect(BundleCanaries.leaks(in: out).isEmpty, "\(out)")
        #expect(!out.contains("K7MDENG"))
        #expect(out.contains("id: ****1234 and ****MPLE."))
    }

    @Test func masksRawJWTsEvenWhenNotHeld() {
        let out = Redactor.scrub("Bearer \(BundleCanaries.rawToken) end", secrets: [])
        #expect(out == "Bearer **** end")
    }

    @Test func leavesShortValuesAndOrdinaryTextAlone() {
        let text = "role_arn = arn:aws:iam::111122223333:role/account-a-role region=us-east-1 eyJ alone"
        #expect(Redactor.scrub(text, secrets: ["abc", ""]) == text)
    }

    @Test(arguments: [
        ("AKIAIOSFODNN7EXAMPLE", "****MPLE"), ("xAKIAIOSFODNN7EXAMPLE", "xAKIAIOSFODNN7EXAMPLE"),
        ("AKIA123", "AKIA123"), ("(ASIAIOSFODNN7EXAMPLE)", "(****MPLE)"), ("AROA3XFRBF535PLBIFPI4", "AROA3XFRBF535PLBIFPI4"),
    ])
    func masksAccessKeyIdsInText(text: String, expected: String) {
        #expect(Redactor.maskAccessKeyIds(in: text) == expected)
    }
}
