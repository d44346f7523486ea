import RoleHopCore
import RoleHopTestSupport
import Testing

/// The pod's ~/.aws/config of the reference scenario (DESIGN.md).
let referenceConfig = """
    [profile account_b_role]
    source_profile = account_a_role
    role_arn=arn:aws:iam::444455556666:role/account-b-role
    [profile account_a_role]
    web_identity_token_file = /var/run/secrets/eks.amazonaws.com/serviceaccount/token
    role_arn=arn:aws:iam::111122223333:role/account-a-role

    """

func resolveChain(config: String? = nil, credentials: String? = nil, env: [String: String] = [:],
                  profile: String? = nil) -> ResolvedChain {
    var fs = MemoryFileSystem()
    if let config { fs.add("/home/pod/.aws/config", config) }
    if let credentials { fs.add("/home/pod/.aws/credentials", credentials) }
    var vars = ["HOME": "/home/pod", "AWS_EC2_METADATA_DISABLED": "true"]
    for (k, v) in env { vars[k] = v }
    let e = Environment(vars)
    let shared = ConfigLoader.load(fileSystem: fs, environment: e)
    return ChainResolver.resolve(config: shared, environment: e, selection: .init(flag: profile))
}

@Suite("Chain resolution")
struct ChainResolverTests {
    @Test("reference scenario: web identity into A, then AssumeRole into B, with file:line provenance")
    func referenceScenario() throws {
        let c = resolveChain(config: referenceConfig, env: ["AWS_PROFILE": "account_b_role", "AWS_REGION": "eu-west-1"])
        #expect(c.isResolvable)
        #expect(c.profile == Sourced("account_b_role", from: .environment("AWS_PROFILE")))
        guard case let .webIdentity(tokenFile, profile) = c.base else {
            Issue.record("base is \(c.base.kind)")
            return
        }
        #expect(profile == "account_a_role")
        #expect(tokenFile == Sourced("/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
                                     from: .file(path: "/home/pod/.aws/config", line: 5, column: 27)))
        try #require(c.hops.count == 2)
        #expect(c.hops.map(\.kind) == [.assumeRoleWithWebIdentity, .assumeRole])
        #expect(c.hops[0].roleArn == Sourced("arn:aws:iam::111122223333:role/account-a-role",
                                             from: .file(path: "/home/pod/.aws/config", line: 6, column: 10)))
        #expect(c.hops[1].sourceProfile?.source == .file(path: "/home/pod/.aws/config", line: 2, column: 18))
        #expect(c.hops.map(\.isChained) == [false, true])
        #expect(c.hops.map(\.stsEndpoint.value) == ["https://sts.eu-west-1.amazonaws.com",
                                                    "https://sts.eu-west-1.amazonaws.com"])
        #expect(!c.findings.contains { $0.severity == .fail })
    }

    @Test("the JSON form has the documented fields and provenance for every setting")
    func jsonShape() throws {
        let c = resolveChain(config: referenceConfig, env: ["AWS_PROFILE": "account_b_role", "AWS_REGION": "eu-west-1"])
        let j = ChainReport.json(c)
        #expect(j["profile"]?.stringValue == "account_b_role")
        let chain = try #require(j["chain"]?.arrayValue)
        #expect(chain.map { $0["kind"]?.stringValue } == ["webIdentity", "assumeRole"])
        #expect(chain[0]["webIdentityTokenFile"]?.stringValue == "/var/run/secrets/eks.amazonaws.com/serviceaccount/token")
        #expect(chain[1]["sourceProfile"]?.stringValue == "account_a_role")
        #expect(chain[1]["durationSeconds"]?.numberValue == 3600)
        let prov = try #require(j["provenance"])
        for (n, step) in chain.enumerated() {
            for (key, _) in step.objectValue ?? [] where !["kind", "profile", "stsCall", "chained", "signingRegion"].contains(key) {
                #expect(prov["chain[\(n)].\(key)"] != nil, "no provenance for chain[\(n)].\(key)")
            }
        }
        #expect(prov["chain[1].roleArn"]?["line"]?.numberValue == 3)
        #expect(j["findings"]?.arrayValue != nil)
    }

    @Test("static keys never appear: the key id is masked to its last 4 characters, the secret is ****")
    func secretsMasked() {
        let c = resolveChain(credentials: "[default]\naws_access_key_id = AKIAFAKEEXAMPLEKEY01\n"
                             + "aws_secret_access_key = FAKESECRETCANARY\naws_session_token = FAKETOKENCANARY\n")
        let json = ChainReport.json(c).serialized(pretty: true)
        let text = ChainReport.text(c)
        for out in [json, text] {
            #expect(!out.contains("CANARY"))
            #expect(!out.contains("AKIAFAKEEXAMPLEKEY01"))
            #expect(out.contains("****EY01"))
        }
    }

    @Test("cycle is reported with the whole path", arguments: [
        ("[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\nsource_profile = b\n"
         + "[profile b]\nrole_arn = arn:aws:iam::111122223333:role/b\nsource_profile = a\n", "a -> b -> a"),
        ("[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\nsource_profile = a\n", "a -> a"),
    ])
    func cycles(config: String, path: String) {
        let c = resolveChain(config: config, profile: "a")
        #expect(c.blocker?.id == "chain.cycle")
        #expect(c.blocker?.evidence.first?.value == path)
    }

    @Test("static environment keys shadow IRSA, and say so")
    func envKeysShadowIRSA() {
        let c = resolveChain(env: ["AWS_ACCESS_KEY_ID": "AKIAFAKEEXAMPLEENV01", "AWS_SECRET_ACCESS_KEY": "FAKE",
                                   "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/irsa",
                                   "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/token",
                                   "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
                                   "AWS_EC2_METADATA_DISABLED": "false"])
        #expect(c.candidates.map(\.kind) == [.environmentKeys, .webIdentityEnvironment, .container, .instanceMetadata])
        #expect(c.candidates.map(\.status) == [.winner, .shadowed, .shadowed, .shadowed])
        #expect(c.base.kind == "accessKey")
        #expect(c.findings.contains { $0.id == "chain.env-keys-shadow" && $0.severity == .warn })
    }

    @Test("--profile ignores environment keys; AWS_PROFILE does not")
    func profileFlagVersusVariable() {
        let keys = ["AWS_ACCESS_KEY_ID": "AKIAFAKEEXAMPLEENV01", "AWS_SECRET_ACCESS_KEY": "FAKE"]
        let flag = resolveChain(config: referenceConfig, env: keys, profile: "account_b_role")
        #expect(flag.base.kind == "webIdentity")
        #expect(flag.candidates.first?.status == .ignored)
        var withVar = keys
        withVar["AWS_PROFILE"] = "account_b_role"
        let variable = resolveChain(config: referenceConfig, env: withVar)
        #expect(variable.base.kind == "accessKey")
        #expect(variable.candidates.map(\.status).prefix(2) == [.winner, .shadowed])
    }

    @Test("a selected profile without credentials falls through to instance metadata")
    func profileWithoutCredentialsFallsThrough() {
        let c = resolveChain(config: "[profile a]\nregion = eu-west-1\n", env: ["AWS_EC2_METADATA_DISABLED": "false"],
                             profile: "a")
        #expect(c.isResolvable)
        #expect(c.base == .instanceMetadata)
        #expect(c.findings.contains { $0.id == "chain.profile-without-credentials" && $0.severity == .warn })
        let disabled = resolveChain(config: "[profile a]\nregion = eu-west-1\n", profile: "a")
        #expect(disabled.blocker?.id == "chain.profile-without-credentials")
    }

    @Test("duration above 3600 fails only on a chained hop")
    func chainingLimit() {
        let direct = resolveChain(config: "[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\nsource_profile = b\n"
                                  + "duration_seconds = 7200\n[profile b]\naws_access_key_id = AKIAFAKEEXAMPLEKEY01\n"
                                  + "aws_secret_access_key = FAKE\n", profile: "a")
        #expect(!direct.findings.contains { $0.id == "chain.duration-over-chaining-limit" })
        let viaInstance = resolveChain(config: "[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\n"
                                       + "credential_source = Ec2InstanceMetadata\nduration_seconds = 7200\n", profile: "a")
        let f = viaInstance.findings.first { $0.id == "chain.duration-over-chaining-limit" }
        #expect(f?.hop == 1)
        #expect(f?.evidence.first?.source == .file(path: "/home/pod/.aws/config", line: 4, column: 20))
    }

    @Test("role session names", arguments: [("ab", true), ("a", false), ("rolehop-session@x.y,z=1+2", true),
                                            ("has space", false), (String(repeating: "n", count: 64), true),
                                            (String(repeating: "n", count: 65), false), ("é-unicode", false)])
    func sessionNames(name: String, valid: Bool) {
        #expect(ChainResolver.isValidSessionName(name) == valid)
    }

    @Test("credential_source = Environment with only IRSA variables is flagged")
    func environmentSourceWithIRSA() {
        let c = resolveChain(config: "[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\ncredential_source = Environment\n",
                             env: ["AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/irsa",
                                   "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/token"], profile: "a")
        #expect(c.findings.contains { $0.id == "chain.credential-source-environment-irsa" })
    }

    @Test("region from a source profile is not inherited")
    func regionNotInherited() {
        let c = resolveChain(config: "[profile a]\nrole_arn = arn:aws:iam::111122223333:role/a\nsource_profile = b\n"
                             + "[profile b]\naws_access_key_id = AKIAFAKEEXAMPLEKEY01\naws_secret_access_key = FAKE\n"
                             + "region = eu-west-1\n", profile: "a")
        #expect(c.region == nil)
        let f = c.findings.first { $0.id == "chain.region-missing" }
        #expect(f?.evidence.first?.value == "eu-west-1")
        #expect(c.hops.first?.stsEndpoint.value == "https://sts.amazonaws.com")
        let unused = c.findings.first { $0.id == "chain.source-profile-setting-unused" }
        #expect(unused?.evidence.first?.source == .file(path: "/home/pod/.aws/config", line: 7, column: 10))
    }

    @Test("a missing selected profile blocks with the files that were read")
    func missingProfile() {
        let c = resolveChain(config: referenceConfig, env: ["AWS_PROFILE": "nope"])
        #expect(c.blocker?.id == "chain.profile-not-found")
        #expect(c.blocker?.evidence.first?.source == .environment("AWS_PROFILE"))
    }

    @Test("every profile name, in file order")
    func profileNames() {
        let shared = SharedConfig.merge(config: ConfigParser.parse(referenceConfig, path: "/c", kind: .config),
                                        credentials: ConfigParser.parse("[extra]\n", path: "/k", kind: .credentials))
        #expect(ChainResolver.profileNames(shared) == ["account_b_role", "account_a_role", "extra"])
    }
}
