import RoleHopCore
import RoleHopTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A bundle of the reference scenario's shape, built through every redaction rule from inputs that carry
/// canaries, the way the integrator will build it.
enum ReferenceBundle {
    static let config = """
        [profile account_b_role]
        source_profile = account_a_role
        role_arn=arn:aws:iam::444455556666:role/account-b-role
        [profile account_a_role]
        web_identity_token_file = /var/run/secrets/eks.amazonaws.com/serviceaccount/token
        role_arn=arn:aws:iam::111122223333:role/account-a-role
        [profile with_process]
        credential_process = /usr/local/bin/creds --secret \(BundleCanaries.processSecret)

        """

    static let credentials = """
        [ci]
        aws_access_key_id = \(BundleCanaries.accessKeyId)
        aws_secret_access_key = \(BundleCanaries.secretKey)

        """

    static let environment = Environment([
        "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/account-a-role",
        "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
        "AWS_REGION": "us-east-1", "AWS_PROFILE": "account_b_role", "AWS_SESSION_TOKEN": BundleCanaries.envSessionToken,
        "HTTPS_PROXY": "http://u:\(BundleCanaries.proxyPassword)@proxy:3128", "HOSTNAME": "app-abc", "TERM": "xterm",
    ])

    static func trust(_ principal: String, _ action: String) -> JSONValue {
        .object([("Version", "2012-10-17"), ("Statement", .array([.object([
            ("Effect", "Allow"), ("Principal", .object([(principal.hasPrefix("arn:aws:iam::111122223333:oidc") ? "Federated" : "AWS", .string(principal))])),
            ("Action", .string(action)), ("Condition", .object([])),
        ])]))])
    }

    /// `credential_process` output, as a hop transcript of a process credential source would show it.
    static let processOutput = """
        {"Version": 1, "AccessKeyId": "\(BundleCanaries.accessKeyId)", "SecretAccessKey": "\(BundleCanaries.processSecret)",
         "SessionToken": "\(BundleCanaries.processToken)", "Expiration": "2026-11-29T12:04:29Z"}
        """

    static func hopTranscript(hop: Int, attempt: Int, status: Int) -> String {
        let request = HTTPRequest(
            method: "POST", url: "https://sts.us-east-1.amazonaws.com/",
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                      ("X-Amz-Date", "20261129T110429Z"),
                      ("Authorization", "AWS4-HMAC-SHA256 Credential=\(BundleCanaries.hopAccessKeyId)/20261129/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=\(String(repeating: "0f", count: 32))"),
                      ("X-Amz-Security-Token", BundleCanaries.hopToken)],
            body: Array((hop == 1
                ? "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Faccount-a-role&RoleSessionName=rolehop&WebIdentityToken=\(BundleCanaries.rawToken)"
                : "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Faccount-b-role&RoleSessionName=rolehop&TokenCode=\(BundleCanaries.mfaCode)").utf8))
        let body = status == 200 ? HTTPRedactionTests.stsResponse
            : "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>"
        let response = HTTPResponse(status: status, headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", "c6104cbe")],
                                    body: Array(body.utf8), timings: HTTPTimings(dns: 0.004, connect: 0.012, tls: 0.031, firstByte: 0.09, total: 0.091))
        return Redactor.transcript(request: request, response: response, title: "hop \(hop), attempt \(attempt)")
    }

    /// A report of realistic size: a few KB of findings with evidence.
    static var report: JSONValue {
        .object([
            ("schemaVersion", 1), ("profile", "account_b_role"), ("ok", false),
            ("hops", .array((1...2).map { n in .object([
                ("index", .number(Double(n))), ("kind", n == 1 ? "AssumeRoleWithWebIdentity" : "AssumeRole"),
                ("roleArn", n == 1 ? "arn:aws:iam::111122223333:role/account-a-role" : "arn:aws:iam::444455556666:role/account-b-role"),
                ("accessKeyId", .string(Redaction.maskAccessKeyId(BundleCanaries.hopAccessKeyId))),
                ("attempts", .array([.object([("status", 200), ("ms", 91)])])),
            ]) })),
            ("findings", .array((0..<24).map { i in .object([
                ("id", .string("trust.condition-empty-\(i)")), ("severity", "warn"),
                ("title", "The web-identity trust of account-a-role has an empty Condition"),
                ("evidence", .array([.object([("label", "Condition"), ("value", "{}"), ("source", "policies/account-a-role.trust.json:9:7")])])),
                ("why", "Any service account of the cluster can assume the role, not only the one meant to."),
                ("fix", "Add StringEquals on oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub."),
            ]) })),
        ])
    }

    static func contents() -> BundleContents {
        var c = BundleContents(
            manifest: BundleManifest.collect(fileSystem: BundleManifestTests.pod, environment: environment, now: bundleTime,
                                             uid: 1000, gid: 1000),
            secrets: BundleCanaries.held)
        c.add(BundleFile(name: BundleLayout.reportJSON, json: report))
        let warnings = String(repeating: "WARN trust.condition-empty: any service account can take account-a-role\n", count: 40)
        let processLine = "process output seen: " + Redactor.redactJSONBody(processOutput) + "\n"
        c.add(BundleFile(name: BundleLayout.reportText, text: warnings + processLine))
        c.add(BundleFile(name: BundleLayout.explorer, json: .object([("nodes", .array((0..<3).map { .object([("title", .string("node \($0)")), ("lines", .array(Array(repeating: "a styled line of the explorer snapshot", count: 40)))]) }))])))
        c.add(BundleFile(name: BundleLayout.environment, json: Redactor.environmentJSON(environment)))
        c.add(BundleFile(name: BundleLayout.configEntry(forPath: "/root/.aws/config"), text: Redactor.redactINI(config).text))
        c.add(BundleFile(name: BundleLayout.configEntry(forPath: "/root/.aws/credentials"), text: Redactor.redactINI(credentials).text))
        c.add(BundleFile(name: BundleLayout.tokenHeader, json: .object([("alg", "RS256"), ("kid", "CANARY")])))
        c.add(BundleFile(name: BundleLayout.tokenClaims, json: .object([
            ("aud", .array(["sts.amazonaws.com"])), ("exp", 1_795_953_869),
            ("iss", "https://oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"),
            ("sub", "system:serviceaccount:default:app"),
        ])))
        c.add(BundleFile(name: BundleLayout.policyEntry("account-a-role.trust"),
                         json: trust("arn:aws:iam::111122223333:oidc-provider/oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE", "sts:AssumeRoleWithWebIdentity")))
        c.add(BundleFile(name: BundleLayout.policyEntry("account-b-role.trust"), json: trust("arn:aws:iam::111122223333:root", "sts:AssumeRole")))
        c.add(BundleFile(name: BundleLayout.hopEntry(hop: 1, attempt: 1), text: hopTranscript(hop: 1, attempt: 1, status: 200)))
        c.add(BundleFile(name: BundleLayout.hopEntry(hop: 2, attempt: 1), text: hopTranscript(hop: 2, attempt: 1, status: 400)))
        c.add(BundleFile(name: BundleLayout.hopEntry(hop: 2, attempt: 2), text: hopTranscript(hop: 2, attempt: 2, status: 200)))
        // A careless file: secrets the per-format rules never saw, which only the scrubber catches.
        c.add(BundleFile(name: "notes.txt", text: "held: \(BundleCanaries.secretKey) \(BundleCanaries.hopSecret) \(BundleCanaries.hopToken) "
                         + "\(BundleCanaries.envSessionToken) \(BundleCanaries.containerToken) \(BundleCanaries.rawToken)\n"))
        return c
    }
}

@Suite("Bundle canaries and size")
struct BundleCanaryTests {
    @Test func noCanaryInAnyDecompressedByte() async throws {
        let dir = TemporaryDirectory(prefix: "rolehop-canary")
        defer { dir.remove() }
        let path = dir.path + "/reference.tar.gz"
        try BundleWriter.write(contents: ReferenceBundle.contents(), to: path, force: false, now: bundleTime)

        // 1. The whole decompressed stream, headers included, decompressed by the system gzip.
        let raw = try await ProcessRunner.runAsync(["gzip", "-dc", path])
        #expect(raw.stdout.count > 10_000)
        #expect(BundleCanaries.leaks(in: raw.stdout).isEmpty, "\(BundleCanaries.leaks(in: raw.stdout))")
        #expect(BundleCanaries.leaks(in: raw.stderr).isEmpty)

        // 2. Every file the system tar extracts, searched by grep (an independent search).
        mkdir(dir.path + "/x", 0o700)
        let x = try await ProcessRunner.runAsync(["tar", "xzf", path, "-C", dir.path + "/x"])
        #expect(x.exitCode == 0, "\(x.stderr)")
        for canary in BundleCanaries.all + ["CANARYEXAMPLE"] {
            let g = try await ProcessRunner.runAsync(["grep", "-rlF", "--", canary, dir.path + "/x"])
            #expect(g.exitCode == 1, "canary \(canary) found in \(g.stdout)")
        }

        // 3. What our own reader hands the viewer.
        let opened = try BundleReader.open(path: path)
        for name in opened.names {
            let text = opened.text(name) ?? ""
            #expect(BundleCanaries.leaks(in: text).isEmpty, "\(name): \(BundleCanaries.leaks(in: text))")
        }

        // Access key ids survive only as their last 4 characters.
        let creds = opened.text("config/root/.aws/credentials") ?? ""
        #expect(creds.contains("aws_access_key_id = ****1234"))
        #expect(opened.text("hops/1-attempt-1.txt")?.contains("Credential=****WXYZ/20261129") == true)
        #expect(opened.text("report.txt")?.contains("\"AccessKeyId\": \"****1234\"") == true)
        // What must stay for diagnosis stays.
        #expect(opened.text("hops/1-attempt-1.txt")?.contains("<Credentials>[removed by rolehop]</Credentials>") == true)
        #expect(opened.text("hops/2-attempt-1.txt")?.contains("<Code>Throttling</Code>") == true)
        #expect(opened.text("config/root/.aws/config")?.contains("role_arn=arn:aws:iam::444455556666:role/account-b-role") == true)
        #expect(opened.environment["HTTPS_PROXY"] == "http://u:****@proxy:3128")
        #expect(opened.environment["AWS_SESSION_TOKEN"] == "****")
        #expect(opened.environment["TERM"] == nil)
    }

    @Test func theReferenceBundleStaysUnder64KiB() throws {
        let contents = ReferenceBundle.contents()
        let archive = try contents.archive()
        let uncompressed = contents.entries().reduce(0) { $0 + $1.bytes.count }
        #expect(uncompressed > 20_000)  // representative, not a toy
        #expect(archive.count < 64 * 1024)
        // Recorded in docs/bundle.md; the exact figure moves with the contents, the bound must not.
        print("reference bundle: \(uncompressed) bytes in \(contents.entries().count) files -> \(archive.count) bytes compressed")
    }
}
