import RoleHopCore
import RoleHopTestSupport
import Testing

@Suite("Token checks")
struct TokenChecksTests {
    static func problems(_ findings: [Finding]) -> [String] {
        findings.filter { $0.severity > .ok }.map(\.id).sorted()
    }

    @Test(arguments: TokenTestData.cases)
    func eachGeneratedTokenGivesTheFindingsItWasMadeFor(c: TokenTestData.Case) throws {
        let token = try WebIdentityToken.decode(c.text)
        let findings = TokenChecks.run(token, now: TokenTestData.now)
        #expect(Self.problems(findings) == c.findings.sorted())
        for f in findings { #expect(!f.evidence.isEmpty || f.severity == .ok, "\(f.id) has no evidence") }
    }

    /// An unsigned token over `payload`, built here (decoding is tested against the generator's tokens).
    static func token(_ payload: JSONValue) throws -> WebIdentityToken {
        let header = Base64URL.encode(Array(JSONValue.object([("alg", "RS256")]).serialized().utf8))
        return try WebIdentityToken.decode(header + "." + Base64URL.encode(Array(payload.serialized().utf8)) + ".c2ln")
    }

    static let exp = JSONValue.number(TokenTestData.now.timeIntervalSince1970 + 3600)

    @Test(arguments: [
        (JSONValue.object([("iss", .string(TokenTestData.issuer)), ("sub", "system:serviceaccount:a:b"), ("aud", "sts.amazonaws.com")]),
         ["token.no-expiry"], Severity.fail),
        (.object([("iss", "http://oidc.example.test"), ("sub", "system:serviceaccount:a:b"), ("aud", "sts.amazonaws.com"), ("exp", exp)]),
         ["token.issuer"], .fail),
        (.object([("sub", "system:serviceaccount:a:b"), ("aud", "sts.amazonaws.com"), ("exp", exp)]), ["token.issuer"], .fail),
        (.object([("iss", .string(TokenTestData.issuer)), ("aud", "sts.amazonaws.com"), ("exp", exp)]), ["token.subject"], .fail),
        (.object([("iss", .string(TokenTestData.issuer)), ("sub", "system:serviceaccount::b"), ("aud", "sts.amazonaws.com"), ("exp", exp)]),
         ["token.subject"], .warn),
        (.object([("iss", .string(TokenTestData.issuer)), ("sub", "system:serviceaccount:a:b"), ("exp", exp)]), ["token.audience"], .fail),
        (.object([("iss", .string(TokenTestData.issuer)), ("sub", "system:serviceaccount:a:b"), ("aud", ["x", "sts.amazonaws.com"]), ("exp", exp)]),
         [], .ok),
    ] as [(JSONValue, [String], Severity)])
    func missingAndMisshapenClaims(payload: JSONValue, ids: [String], worst: Severity) throws {
        let findings = TokenChecks.run(try Self.token(payload), now: TokenTestData.now)
        #expect(Self.problems(findings) == ids)
        #expect(findings.map(\.severity).max() == worst)
    }

    @Test func expiredSaysHowLongAgo() throws {
        let token = try WebIdentityToken.decode(TokenTestData.text("expired"))
        let f = TokenChecks.run(token, now: TokenTestData.now).first { $0.id == "token.expired" }
        #expect(f?.title == "The token expired 1d ago")
        #expect(f?.severity == .fail)
    }

    @Test func validTokenReportsRemainingLifetime() throws {
        let token = try WebIdentityToken.decode(TokenTestData.text("valid-rs256"))
        let f = TokenChecks.run(token, now: TokenTestData.now).first { $0.id == "token.lifetime" }
        // Issued at T, expires at T + 24h, judged at T + 30m.
        #expect(f?.title == "The token is valid for another 23h 30m")
    }

    @Test(arguments: [(59.0, false), (3600.0 * 23.5 - 1, false), (3600.0 * 23.5 + 1, true)])
    func expiringBeforeTheChainFinishes(chainDuration: Double, expiring: Bool) throws {
        let token = try WebIdentityToken.decode(TokenTestData.text("valid-rs256"))
        let ids = TokenChecks.run(token, now: TokenTestData.now, chainDuration: chainDuration).map(\.id)
        #expect(ids.contains("token.expiring") == expiring)
        #expect(ids.contains("token.lifetime") == !expiring)
    }

    @Test func staleTokenShowsTheFileAge() throws {
        let token = try WebIdentityToken.decode(TokenTestData.text("stale"))
        let modified = TokenTestData.now.addingTimeInterval(-7200)
        let f = TokenChecks.run(token, now: TokenTestData.now, fileModified: modified).first { $0.id == "token.stale" }
        #expect(f?.evidence.contains { $0.label == "file modified" && $0.value.hasSuffix("(2h ago)") } == true)
    }

    @Test func fileModifiedAfterNowSaysClocksDisagree() throws {
        let token = try WebIdentityToken.decode(TokenTestData.text("expired"))
        let f = TokenChecks.run(token, now: TokenTestData.now, fileModified: TokenTestData.now.addingTimeInterval(90))
            .first { $0.id == "token.expired" }
        #expect(f?.evidence.contains { $0.label == "file modified" && $0.value.hasSuffix("(1m 30s after now: clocks disagree)") } == true)
    }

    @Test func otherAudienceIsMeasuredAgainstTheConfiguredOne() throws {
        let token = try WebIdentityToken.decode(TokenTestData.text("valid-rs256"))
        #expect(TokenChecks.run(token, now: TokenTestData.now, expectedAudience: "vault").map(\.id).contains("token.audience"))
        let typo = try WebIdentityToken.decode(TokenTestData.text("wrong-audience"))
        let f = TokenChecks.run(typo, now: TokenTestData.now).first { $0.id == "token.audience" }
        #expect(f?.fix.contains("misspelling") == true)
    }

    @Test(arguments: [("region-code", false), ("us-west-2", true)])
    func issuerRegionAgainstChainRegion(region: String, differs: Bool) throws {
        let token = try WebIdentityToken.decode(TokenTestData.text("valid-rs256"))
        let ids = TokenChecks.run(token, now: TokenTestData.now,
                                  chainRegion: Sourced(region, from: .environment("AWS_REGION"))).map(\.id)
        #expect(ids.contains("token.issuer-region") == differs)
    }

    @Test(arguments: [
        ("https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE", "us-west-2"),
        ("https://oidc.eks.cn-north-1.amazonaws.com.cn/id/ABCDEF0123456789", "cn-north-1"),
        ("https://oidc.us-west-2.eks.amazonaws.com/id/EXAMPLE", nil),
        ("http://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE", nil),
        ("https://oidc.eks.us-west-2.amazonaws.com/id/", nil),
        ("https://oidc.eks.us-west-2.amazonaws.com/id/X/extra", nil),
        ("https://kubernetes.default.svc", nil),
    ] as [(String, String?)])
    func eksIssuerShape(issuer: String, region: String?) {
        #expect(EKSIssuer.parse(issuer)?.region == region)
    }
}

@Suite("Token file")
struct TokenFileTests {
    static let path = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"
    static let mtime = Date(timeIntervalSince1970: 1_795_950_000)

    static func fs(mode: UInt32 = 0o600, uid: UInt32 = 0, gid: UInt32 = 0, readable: Bool = true,
                   text: String = TokenTestData.text("valid-rs256")) -> MemoryFileSystem {
        var fs = MemoryFileSystem()
        fs.add(path, text, mode: mode, uid: uid, gid: gid, modified: mtime, readable: readable)
        return fs
    }

    // (mode, owner uid, owner gid, reader uid, reader groups, readable)
    @Test(arguments: [
        (0o600, 0, 0, 0, [0], true),              // root reads anything
        (0o600, 0, 0, 1000, [1000], false),       // non-root container without fsGroup
        (0o640, 0, 65534, 1000, [1000, 65534], true), // fsGroup 65534 makes it group-readable
        (0o600, 1000, 0, 1000, [1000], true),
        (0o200, 1000, 0, 1000, [1000], false),
        (0o604, 0, 0, 1000, [1000], true),
        (0o640, 0, 5, 1000, [1000], false),
    ] as [(UInt32, UInt32, UInt32, UInt32, [UInt32], Bool)])
    func readabilityFollowsOwnerGroupAndMode(mode: UInt32, owner: UInt32, group: UInt32, uid: UInt32,
                                             gids: [UInt32], readable: Bool) {
        let info = FileInfo(size: 1, mode: mode, uid: owner, gid: group, modified: Self.mtime)
        #expect(TokenFile.canRead(info, uid: uid, gids: gids) == readable)
    }

    @Test func readsAndReportsFileFacts() {
        let r = TokenFile.read(Sourced(Self.path, from: .flag("PATH")), fs: Self.fs(mode: 0o640, gid: 65534),
                               uid: 1000, gids: [65534])
        #expect(r.token?.claims.sub == "system:serviceaccount:payments:api-sa")
        #expect(r.raw?.description == "****")
        let facts = r.findings.first { $0.id == "token.file" }?.evidence ?? []
        #expect(facts.contains(Evidence("mode", "0640")))
        #expect(facts.contains(Evidence("owner", "uid 0 gid 65534")))
        #expect(facts.contains(Evidence("modified", "2026-11-29T11:00:00Z")))
        #expect(facts.contains(Evidence("readable by reader", "yes")))
        #expect(r.findings.allSatisfy { $0.severity == .ok })
    }

    @Test func ownerIsNamedFromTheContainersPasswdAndGroupFiles() {
        var fs = Self.fs(mode: 0o640, uid: 0, gid: 65534)
        fs.add("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n")
        fs.add("/etc/group", "root:x:0:\nnogroup:x:65534:\n")
        let r = TokenFile.read(Sourced(Self.path, from: .flag("PATH")), fs: fs, uid: 1000, gids: [1000])
        let facts = r.findings.first { $0.id == "token.file" }?.evidence ?? []
        #expect(facts.contains(Evidence("owner", "uid 0 (root) gid 65534 (nogroup)")))
    }

    @Test func permissionDeniedIsExplainedWithFsGroup() {
        let r = TokenFile.read(Sourced(Self.path, from: .flag("PATH")), fs: Self.fs(readable: false), uid: 1000, gids: [1000])
        #expect(r.readError == .permissionDenied(Self.path))
        let f = r.findings.first { $0.id == "token.file-permission-denied" }
        #expect(f?.fix.contains("fsGroup") == true)
        #expect(f?.evidence.contains(Evidence("readable by reader", "no")) == true)
    }

    @Test func readableByRolehopButNotByTheGivenUser() {
        let r = TokenFile.read(Sourced(Self.path, from: .flag("PATH")), fs: Self.fs(), uid: 1000, gids: [1000])
        #expect(r.token != nil)
        #expect(r.findings.map(\.id).contains("token.file-permission-denied"))
    }

    @Test func missingAndOversizedFiles() {
        let missing = TokenFile.read(Sourced("/nope", from: .flag("PATH")), fs: Self.fs(), uid: 0, gids: [0])
        #expect(missing.findings.map(\.id) == ["token.file-missing"])
        let big = TokenFile.read(Sourced(Self.path, from: .flag("PATH")),
                                 fs: Self.fs(text: String(repeating: "a", count: TokenFile.sizeLimit + 1)), uid: 0, gids: [0])
        #expect(big.findings.map(\.id) == ["token.file-too-large"])
    }

    @Test func malformedTokenPointsAtTheFilePosition() {
        let r = TokenFile.read(Sourced(Self.path, from: .flag("PATH")), fs: Self.fs(text: "not-a-token\n"), uid: 0, gids: [0])
        #expect(r.decodeError?.part == .token)
        let f = r.findings.first { $0.id == "token.malformed" }
        #expect(f?.evidence.last?.source == .file(path: Self.path, line: 1, column: 12))
    }

    @Test(arguments: [
        ([String: String](), TokenFile.eksDefaultPath, "default (EKS pod identity webhook mount)"),
        (["AWS_WEB_IDENTITY_TOKEN_FILE": "/tok"], "/tok", "env AWS_WEB_IDENTITY_TOKEN_FILE"),
    ])
    func defaultPath(env: [String: String], path: String, source: String) {
        let p = TokenFile.resolvePath(environment: Environment(env))
        #expect(p.value == path)
        #expect(p.source.description == source)
    }
}
