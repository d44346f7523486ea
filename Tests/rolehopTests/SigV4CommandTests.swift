import RoleHopCore
import RoleHopTestSupport
import Testing

/// `rolehop sigv4` run as a user runs it (needs `swift build` first).
@Suite("rolehop sigv4 (binary)")
struct SigV4CommandTests {
    static let env = ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                      "AWS_SESSION_TOKEN": "CANARY-session-token-EXAMPLE"]

    static func run(_ args: [String], env: [String: String] = env) async throws -> ProcessResult {
        let home = TemporaryDirectory()
        defer { home.remove() }
        return try await ProcessRunner.rolehop(["sigv4"] + args,
                                               environment: ProcessRunner.cleanEnvironment(home: home.path, extra: env))
    }

    static let request = RepoPaths.testData("sigv4/get-caller-identity.http")
    static let common = ["--request", request, "--region", "us-east-1", "--service", "sts", "--date", "20261129T110000Z"]

    @Test func jsonHasEveryStageAndMasksTheToken() async throws {
        let r = try await Self.run(Self.common + ["--output", "json"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let doc = try JSONParser.parse(r.stdout).value
        for key in ["canonicalRequest", "stringToSign", "signature", "authorization", "signedRequest"] {
            #expect(doc[key]?.stringValue?.isEmpty == false, "\(key)")
        }
        #expect(doc["canonicalRequest"]?.stringValue?.contains("x-amz-security-token:****") == true)
        #expect(doc["signature"]?.stringValue?.count == 64)
        #expect(!r.stdout.contains("CANARY"))
        #expect(!r.stdout.contains("wJalrXUtnFEMI"))
    }

    @Test func presignPutsTheSignatureInTheQuery() async throws {
        let r = try await Self.run(Self.common + ["--presign", "--expires", "60"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.contains("X-Amz-Expires=60"))
        #expect(r.stdout.contains("X-Amz-Signature="))
        #expect(r.stdout.contains("X-Amz-Security-Token=****"))
        #expect(!r.stdout.contains("CANARY"))
    }

    @Test func awsErrorIsDiffedLineByLine() async throws {
        let r = try await Self.run(Self.common + ["--aws-error", RepoPaths.testData("sigv4/aws-error-signature-mismatch.xml")])
        #expect(r.exitCode == 1, "\(r.stderr)")
        // AWS saw the content type without `; charset=utf-8` (a proxy rewrote it) and no session token header.
        #expect(r.stdout.contains("  - content-type:application/x-www-form-urlencoded\n"))
        #expect(r.stdout.contains("  + content-type:application/x-www-form-urlencoded; charset=utf-8\n"))
        #expect(r.stdout.contains("  + x-amz-security-token:****\n"))
        #expect(r.stdout.contains("    host:sts.us-east-1.amazonaws.com\n"))
        // AWS's line comes first, then rolehop's.
        let minus = try #require(r.stdout.firstRange(of: "  - content-type:"))
        let plus = try #require(r.stdout.firstRange(of: "  + content-type:"))
        #expect(minus.lowerBound < plus.lowerBound)
    }

    @Test func badRequestFileExitsTwoWithPosition() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.write("bad.http", "POST / HTTP/1.1\nHost: example.com\nNoColonHere\n\n")
        let r = try await Self.run(["--request", path, "--region", "us-east-1", "--service", "sts"])
        #expect(r.exitCode == 2)
        #expect(r.stderr.contains("rolehop: \(path):3:1: header line has no `:`"))
    }

    @Test func missingCredentialsExitTwo() async throws {
        let r = try await Self.run(Self.common, env: [:])
        #expect(r.exitCode == 2)
        #expect(r.stderr.contains("AWS_ACCESS_KEY_ID"))
    }
}
