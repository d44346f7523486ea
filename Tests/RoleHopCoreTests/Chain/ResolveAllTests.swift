import RoleHopCore
import RoleHopTestSupport
import Testing

/// Profiles of every shape the resolver distinguishes: deep chains, cycles (and a profile that chains onto
/// one), self references, missing source profiles, credential_source, web identity as a source, process, SSO,
/// partial keys, static keys with role_arn, endpoint settings on source profiles. Most source profiles come
/// before the profiles that use them, so `resolveAll` takes their resolved chains over (`ResolvedSuffixes`);
/// `pt` (keys and role_arn) reaches `px`, whose resolved chain ends in `pt`'s keys: taking it over would hide
/// the cycle that a walk from `pt` finds.
let resolveAllConfig = """
    [default]
    region = us-east-1
    aws_access_key_id = AKIAFAKEEXAMPLEDEFAULT
    aws_secret_access_key = FAKESECRET

    [profile base]
    aws_access_key_id = AKIAFAKEEXAMPLEBASE1
    aws_secret_access_key = FAKESECRET
    region = eu-west-1
    sts_regional_endpoints = regional

    [profile a1]
    role_arn = arn:aws:iam::111122223333:role/a1
    source_profile = base
    region = eu-central-1
    duration_seconds = 7200

    [profile a2]
    role_arn = arn:aws:iam::111122223333:role/a2
    source_profile = a1
    role_session_name = bad name!
    [profile a3]
    role_arn = arn:aws:iam::111122223333:role/a3
    source_profile = a2
    duration_seconds = abc
    region = eu-west-1
    [profile a4]
    role_arn = arn:aws:iam::111122223333:role/a4
    source_profile = a3
    external_id = ext
    mfa_serial = arn:aws:iam::111122223333:mfa/x
    [profile cyc1]
    role_arn = arn:aws:iam::111122223333:role/c1
    source_profile = cyc2
    [profile cyc2]
    role_arn = arn:aws:iam::111122223333:role/c2
    source_profile = cyc3
    [profile cyc3]
    role_arn = arn:aws:iam::111122223333:role/c3
    source_profile = cyc1
    [profile oncyc]
    role_arn = arn:aws:iam::111122223333:role/oc
    source_profile = cyc2
    region = us-west-2
    [profile self]
    role_arn = arn:aws:iam::111122223333:role/self
    source_profile = self
    aws_access_key_id = AKIAFAKEEXAMPLESELF1
    aws_secret_access_key = FAKESECRET
    [profile selfbad]
    role_arn = arn:aws:iam::111122223333:role/selfbad
    source_profile = selfbad
    [profile missing]
    role_arn = arn:aws:iam::111122223333:role/m
    source_profile = nosuch
    [profile onmissing]
    role_arn = arn:aws:iam::111122223333:role/om
    source_profile = missing
    [profile cs]
    role_arn = arn:aws:iam::111122223333:role/cs
    credential_source = Ec2InstanceMetadata
    duration_seconds = 7200
    [profile csenv]
    role_arn = arn:aws:iam::111122223333:role/cse
    credential_source = Environment
    [profile csbad]
    role_arn = arn:aws:iam::111122223333:role/csb
    credential_source = Nope
    [profile both]
    role_arn = arn:aws:iam::111122223333:role/both
    credential_source = Environment
    source_profile = base
    [profile oncs]
    role_arn = arn:aws:iam::111122223333:role/ocs
    source_profile = cs
    [profile web]
    role_arn = arn:aws:iam::111122223333:role/web
    web_identity_token_file = /tmp/token
    source_profile = base
    [profile onweb]
    role_arn = arn:aws:iam::111122223333:role/onweb
    source_profile = web
    region = ap-south-1
    [profile empty]
    region = eu-west-1
    [profile onempty]
    role_arn = arn:aws:iam::111122223333:role/oe
    source_profile = empty
    [profile norole]
    role_arn = arn:aws:iam::111122223333:role/nr
    [profile proc]
    credential_process = /bin/echo hi
    [profile onproc]
    role_arn = arn:aws:iam::111122223333:role/op
    source_profile = proc
    [profile sso]
    sso_session = s1
    sso_account_id = 111122223333
    sso_role_name = r
    [profile ssobad]
    sso_session = nosess
    [profile onsso]
    role_arn = arn:aws:iam::111122223333:role/os
    source_profile = sso
    [profile partial]
    aws_access_key_id = AKIAFAKEEXAMPLEPART1
    [profile onpartial]
    role_arn = arn:aws:iam::111122223333:role/op2
    source_profile = partial
    [profile staticrole]
    aws_access_key_id = AKIAFAKEEXAMPLESTRO1
    aws_secret_access_key = FAKESECRET
    role_arn = arn:aws:iam::111122223333:role/sr
    source_profile = base
    [profile onstaticrole]
    role_arn = arn:aws:iam::111122223333:role/osr
    source_profile = staticrole
    [profile fips]
    role_arn = arn:aws:iam::111122223333:role/f
    source_profile = base
    use_fips_endpoint = true
    region = us-east-2
    [profile web2]
    role_arn = arn:aws:iam::111122223333:role/web2
    web_identity_token_file = /tmp/token
    [profile onweb2]
    role_arn = arn:aws:iam::111122223333:role/onweb2
    source_profile = web2
    [profile px]
    role_arn = arn:aws:iam::111122223333:role/px
    source_profile = pt
    [profile pt]
    aws_access_key_id = AKIAFAKEEXAMPLEPT001
    aws_secret_access_key = FAKESECRET
    role_arn = arn:aws:iam::111122223333:role/pt
    source_profile = px
    [sso-session s1]
    sso_start_url = https://example.awsapps.com/start
    sso_region = us-east-1

    """ + deepChain(depth: 20) + longCycle(length: 18)

/// `[profile deepN]` on `deepN-1` down to static keys in `deep0`: longer than the walk's linear path search.
func deepChain(depth: Int) -> String {
    var s = "[profile deep0]\naws_access_key_id = AKIAFAKEEXAMPLEDEEP0\naws_secret_access_key = FAKESECRET\n"
    for i in 1...depth {
        s += "[profile deep\(i)]\nrole_arn = arn:aws:iam::111122223333:role/deep\(i)\nsource_profile = deep\(i - 1)\n"
        if i % 7 == 0 { s += "region = eu-west-\(i % 3 + 1)\nduration_seconds = 900\n" }
    }
    return s
}

/// A cycle of `length` profiles (the finding shortens paths longer than 8).
func longCycle(length: Int) -> String {
    var s = ""
    for i in 0..<length {
        s += "[profile ring\(i)]\nrole_arn = arn:aws:iam::111122223333:role/ring\(i)\n"
        s += "source_profile = ring\((i + 1) % length)\n"
    }
    return s
}

@Suite("Resolving every profile at once")
struct ResolveAllTests {
    /// Environments that change which source wins and which findings appear.
    static let environments: [[String: String]] = [
        [:],
        ["AWS_REGION": "eu-west-3"],
        ["AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/irsa", "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token",
         "AWS_DEFAULT_REGION": "us-west-2"],
        ["AWS_ACCESS_KEY_ID": "AKIAFAKEEXAMPLEENV01", "AWS_SECRET_ACCESS_KEY": "FAKESECRET",
         "AWS_STS_REGIONAL_ENDPOINTS": "legacy", "AWS_EC2_METADATA_DISABLED": "false"],
        ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x", "AWS_USE_FIPS_ENDPOINT": "true"],
    ]

    @Test("resolveAll gives, for every profile, the chain that resolving that profile alone gives",
          arguments: environments)
    func sameAsOneByOne(env: [String: String]) throws {
        var fs = MemoryFileSystem()
        fs.add("/home/pod/.aws/config", resolveAllConfig)
        fs.add("/home/pod/.aws/credentials", "[base]\nregion = ap-south-1\n[self]\naws_session_token = FAKETOKEN\n")
        var vars = ["HOME": "/home/pod", "AWS_EC2_METADATA_DISABLED": "true"]
        for (k, v) in env { vars[k] = v }
        let e = Environment(vars)
        let config = ConfigLoader.load(fileSystem: fs, environment: e)
        let names = ChainResolver.profileNames(config)
        try #require(names.count == 38 + 21 + 18)
        let all = ChainResolver.resolveAll(config: config, environment: e)
        try #require(all.count == names.count)
        var cycles = 0
        for (name, chain) in zip(names, all) {
            let alone = ChainResolver.resolve(config: config, environment: e, selection: .init(flag: name))
            #expect(ChainReport.json(chain, files: config.files).serialized()
                    == ChainReport.json(alone, files: config.files).serialized(), "profile \(name)")
            #expect(ChainReport.text(chain, files: config.files) == ChainReport.text(alone, files: config.files),
                    "profile \(name)")
            if chain.blocker?.id == "chain.cycle" { cycles += 1 }
        }
        // The shapes are really there: cycles (3 + oncyc + selfbad + pt + 18 ring profiles), a 21-profile chain.
        #expect(cycles == 24)
        #expect(all[names.firstIndex(of: "deep20") ?? 0].hops.count == 20)
    }
}
