/// Resolves a profile (or the environment's default provider chain) into a `ResolvedChain`, the way the
/// SDKs would, without any network call and without running `credential_process` or SSO.
///
/// Rules (shared across SDKs; botocore's `AssumeRoleProvider` agrees on all of them):
/// - a profile with `role_arn` + `web_identity_token_file` is a web-identity hop, also as a source profile;
/// - a role profile needs exactly one of `source_profile` and `credential_source`;
/// - a source profile with static keys is used for its keys even if it also has `role_arn`; a profile may
///   name itself as `source_profile` only when it has static keys;
/// - any other revisit of a profile is a cycle, reported with the whole path.
public enum ChainResolver {
    /// How the profile was chosen.
    public struct Selection: Sendable {
        /// `--profile`.
        public var flag: String?
        /// The flag's place in `SharedConfig.profiles`, when the caller already knows it (`resolveAll`).
        var index: ProfileIndex?
        public init(flag: String? = nil) { self.flag = flag }
        init(flag: String, index: ProfileIndex?) {
            self.flag = flag
            self.index = index
        }
    }

    /// The environment variables resolution reads, looked up once (`resolveAll` shares one for every profile).
    struct EnvView {
        let env: Environment
        let profile, defaultProfile, region, defaultRegion, accessKeyId, secretAccessKey, roleArn, tokenFile,
            roleSessionName, relativeURI, fullURI, authTokenFile, imdsDisabled: Sourced<String>?
        let endpoint: STSEndpointSettings
        /// True when no environment variable touches the STS endpoint (then a profile without endpoint
        /// settings leaves the region as the only input).
        let endpointEnvironmentEmpty: Bool
        /// The instance-metadata candidate, the same for every profile of an environment.
        let imdsCandidate: CredentialCandidate
        /// Endpoints already resolved from a region alone (no other setting), shared by `resolveAll`.
        let endpoints = EndpointCache()
        /// The walk's path buffer, reused by every resolution of `resolveAll` (one allocation, not one each).
        let scratch = WalkScratch()

        init(_ env: Environment) {
            self.env = env
            profile = env.sourced("AWS_PROFILE")
            defaultProfile = env.sourced("AWS_DEFAULT_PROFILE")
            region = env.sourced("AWS_REGION")
            defaultRegion = env.sourced("AWS_DEFAULT_REGION")
            accessKeyId = env.sourced("AWS_ACCESS_KEY_ID")
            secretAccessKey = env.sourced("AWS_SECRET_ACCESS_KEY")
            roleArn = env.sourced("AWS_ROLE_ARN")
            tokenFile = env.sourced("AWS_WEB_IDENTITY_TOKEN_FILE")
            roleSessionName = env.sourced("AWS_ROLE_SESSION_NAME")
            relativeURI = env.sourced("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
            fullURI = env.sourced("AWS_CONTAINER_CREDENTIALS_FULL_URI")
            authTokenFile = env.sourced("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
            imdsDisabled = env.sourced("AWS_EC2_METADATA_DISABLED")
            endpoint = STSEndpointSettings.from(profile: nil, services: [:], environment: env, region: nil)
            endpointEnvironmentEmpty = endpoint.stsRegionalEndpoints == nil && endpoint.useFIPS == nil
                && endpoint.useDualStack == nil && endpoint.envServiceEndpoint == nil
                && endpoint.envGlobalEndpoint == nil && endpoint.ignoreConfiguredEndpoints == nil
            imdsCandidate = CredentialCandidate(
                kind: .instanceMetadata, status: .shadowed, summary: "instance metadata (169.254.169.254)",
                evidence: [Evidence("AWS_EC2_METADATA_DISABLED", "unset", source: .defaultValue("IMDS is tried last"))])
        }
    }

    /// The source of a profile named with `--profile`: one value (its box is shared by every resolution).
    static let profileFlag = Source.flag("--profile")

    /// Role session names STS accepts: `[\w+=,.@-]{2,64}`.
    public static func isValidSessionName(_ s: String) -> Bool {
        // Native strings are contiguous: scan their bytes directly instead of through the UTF-8 view's indices.
        if let r = s.utf8.withContiguousStorageIfAvailable({ isValidSessionName(bytes: $0) }) { return r }
        return isValidSessionName(bytes: Array(s.utf8))
    }

    static func isValidSessionName<C: Collection<UInt8>>(bytes u: C) -> Bool {
        guard (2...64).contains(u.count) else { return false }
        for b in u {
            switch b {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: "="),
                 UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: "@"), UInt8(ascii: "-"): continue
            default: return false
            }
        }
        return true
    }

    /// The region the STS clients use: AWS_REGION, AWS_DEFAULT_REGION, then the selected profile's `region`.
    public static func region(environment: Environment, profile: Profile?) -> Sourced<String>? {
        environment.sourced("AWS_REGION") ?? environment.sourced("AWS_DEFAULT_REGION") ?? profile?.sourced(.region)
    }

    /// Resolves the chain for this environment: the selected profile, else the default provider chain.
    public static func resolve(config: SharedConfig, environment env: Environment,
                               selection: Selection = Selection()) -> ResolvedChain {
        resolve(config: config, view: EnvView(env), selection: selection)
    }

    static func resolve(config: SharedConfig, view v: EnvView, selection: Selection) -> ResolvedChain {
        var chain = ResolvedChain()
        resolve(config: config, view: v, selection: selection, into: &chain)
        return chain
    }

    /// Resolves into `chain`, which must be an empty `ResolvedChain()`: a ResolvedChain is large, and the
    /// optimizer copied a returned one twice (`resolveAll` fills its array's elements in place).
    static func resolve(config: SharedConfig, view v: EnvView, selection: Selection, into chain: inout ResolvedChain) {
        var findings = config.findings
        // Looked at in place first: `fatalError` copies each file's optional error out.
        let refused = config.files.withUnsafeBufferPointer { files in
            files.indices.contains { if case .some = files[$0].error { true } else { false } }
        }
        if refused, let e = config.fatalError {
            let blocker = Finding(id: "chain.config-unusable", severity: .fail,
                                  title: "The shared config cannot be loaded: \(e)",
                                  evidence: [Evidence("error", e.message,
                                                      source: .file(path: e.file, line: e.line, column: e.column))],
                                  why: "The SDKs refuse the whole file, so no profile in it works.",
                                  fix: "Fix the line named above.")
            findings.append(blocker)
            chain = ResolvedChain(findings: findings, blocker: blocker)
            return
        }

        // Which profile: flag, AWS_PROFILE, AWS_DEFAULT_PROFILE, else `default` if it exists.
        var selected: Sourced<String>?
        var explicit = false
        if let f = selection.flag, !f.isEmpty {
            selected = Sourced(f, from: profileFlag); explicit = true
        } else if let p = v.profile {
            selected = p; explicit = true
            if let d = v.defaultProfile, d.value != p.value {
                findings.append(Finding(
                    id: "config.portability.profile-variable", severity: .warn,
                    title: "AWS_PROFILE=\(p.value) and AWS_DEFAULT_PROFILE=\(d.value) disagree",
                    evidence: [Evidence("AWS_PROFILE", p.value, source: p.source),
                               Evidence("AWS_DEFAULT_PROFILE", d.value, source: d.source)],
                    why: "Most SDKs read AWS_PROFILE; botocore (AWS CLI, Python) reads AWS_DEFAULT_PROFILE first.",
                    fix: "Unset AWS_DEFAULT_PROFILE."))
            }
        } else if let d = v.defaultProfile {
            selected = d; explicit = true
        } else if config.profiles["default"] != nil {
            selected = Sourced("default", from: .defaultValue("no profile selected"))
        }

        if let r = v.region, v.defaultRegion?.value != r.value {
            findings.append(Finding(
                id: "config.portability.aws-region", severity: .info,
                title: "AWS_REGION=\(r.value) is not read by botocore",
                evidence: [Evidence("AWS_REGION", r.value, source: r.source)],
                why: "botocore (AWS CLI, Python) reads only AWS_DEFAULT_REGION and the profile's region; the other "
                + "SDKs read AWS_REGION first.", fix: "Set AWS_DEFAULT_REGION to the same value."))
        }

        // The selected profile's place in the dictionary: looked up once, read by index in `walk` and `finish`.
        let topIndex: ProfileIndex?
        if let known = selection.index, selection.flag?.isEmpty == false {
            topIndex = known
        } else {
            topIndex = selected.flatMap { config.profiles.index(forKey: $0.value) }
        }
        if explicit, let s = selected, case .none = topIndex {
            let blocker = Finding(id: "chain.profile-not-found", severity: .fail,
                                  title: "Profile \(s.value) does not exist",
                                  evidence: [Evidence("profile", s.value, source: s.source)] + fileEvidence(config),
                                  why: "The SDKs stop with ProfileNotFound before looking at any other source.",
                                  fix: "Add [profile \(s.value)] to the config file, or select an existing profile.")
            findings.append(blocker)
            chain = ResolvedChain(profile: s, findings: findings, candidates: [], blocker: blocker)
            return
        }

        // Every source present, in precedence order.
        var candidates: [CredentialCandidate] = []
        candidates.reserveCapacity(5)
        let envKeyId = v.accessKeyId
        let envSecret = v.secretAccessKey
        // Not `!= nil`: on an optional Sourced that compared a tuple of optionals through value witnesses.
        let envKeysPresent = envKeyId.map { _ in true } ?? envSecret.map { _ in true } ?? false
        let fromFlag = selection.flag?.isEmpty == false
        if envKeysPresent {
            candidates.append(CredentialCandidate(
                kind: .environmentKeys, status: fromFlag ? .ignored : .shadowed,
                summary: "AWS_ACCESS_KEY_ID=\(envKeyId.map { Redaction.maskAccessKeyId($0.value) } ?? "(unset)")",
                evidence: [envKeyId.map { Evidence("AWS_ACCESS_KEY_ID", Redaction.maskAccessKeyId($0.value), source: $0.source) },
                           envSecret.map { Evidence("AWS_SECRET_ACCESS_KEY", Redaction.mask, source: $0.source) }]
                    .compactMap { $0 }))
        }
        if let s = selected {
            candidates.append(CredentialCandidate(kind: .profile, status: .shadowed, summary: prefixed("profile ", s.value),
                                                  evidence: [Evidence("profile", s.value, source: s.source)]))
        }
        let envRole = v.roleArn
        let envToken = v.tokenFile
        if let envRole, let envToken {
            candidates.append(CredentialCandidate(
                kind: .webIdentityEnvironment, status: .shadowed, summary: "web identity \(envRole.value)",
                evidence: [Evidence("AWS_ROLE_ARN", envRole.value, source: envRole.source),
                           Evidence("AWS_WEB_IDENTITY_TOKEN_FILE", envToken.value, source: envToken.source)]))
        }
        let containerURI: Sourced<String>? = v.relativeURI.map {
            Sourced("http://169.254.170.2" + $0.value, from: $0.source)
        } ?? v.fullURI
        if let c = containerURI {
            candidates.append(CredentialCandidate(kind: .container, status: .shadowed, summary: "container \(c.value)",
                                                  evidence: [Evidence("uri", c.value, source: c.source)]))
        }
        let imdsDisabled = v.imdsDisabled?.value.lowercased() == "true"
        if !imdsDisabled {
            candidates.append(v.imdsCandidate)
        }
        guard let winnerIndex = candidates.firstIndex(where: { $0.status != .ignored }) else {
            let blocker = Finding(id: "chain.no-credentials", severity: .fail,
                                  title: "No credential source is configured",
                                  evidence: [Evidence("AWS_EC2_METADATA_DISABLED", "true",
                                                      source: v.imdsDisabled?.source)],
                                  why: "The SDKs fail with \"Unable to locate credentials\".",
                                  fix: "Set AWS_PROFILE, or AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE (IRSA).")
            findings.append(blocker)
            chain = ResolvedChain(findings: findings, candidates: candidates, blocker: blocker)
            return
        }
        candidates[winnerIndex].status = .winner
        let winner = candidates[winnerIndex]
        // A lazy view: most resolutions never look at it.
        let shadowedNames = candidates[(winnerIndex + 1)...].lazy.filter { $0.status == .shadowed }
        if winner.kind == .environmentKeys,
           let wi = shadowedNames.first(where: { $0.kind == .webIdentityEnvironment || $0.kind == .profile }) {
            findings.append(Finding(
                id: "chain.env-keys-shadow", severity: .warn,
                title: "Static keys in the environment shadow \(wi.summary)",
                evidence: winner.evidence + wi.evidence,
                why: "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY come first in every SDK's default chain, so the "
                + "application runs as the keys' identity, not as the role you configured.",
                fix: "Unset AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN in the pod spec."))
        }
        // Whether a source profile of the walked chain sets a setting `finish` compares (most set none).
        var sourceSettings = true
        // The profiles the walk visited, top first, for `finish` to read without hashing their names again.
        var visited = v.scratch.take()
        defer { v.scratch.path = visited }
        // Builds in place: a ResolvedChain is large, so no copy is returned.
        // The common case, outside `build`: the chain is made once and filled in place.
        if winner.kind == .profile {
            chain.profile = selected
            sourceSettings = walk(&chain, config: config, view: v, top: selected?.value ?? "default",
                                  topIndex: topIndex, path: &visited)
        } else {
            build(winner, &chain, config: config, view: v, selected: selected, topIndex: topIndex,
                  sourceSettings: &sourceSettings, visited: &visited, containerURI: containerURI)
        }
        // A selected profile without any credentials does not stop the default chain: the SDKs go on to the
        // container and instance-metadata providers.
        if winner.kind == .profile, chain.hops.isEmpty, var b = chain.blocker, b.id == "chain.profile-without-credentials",
           let next = candidates.indices.first(where: { $0 > winnerIndex && candidates[$0].status != .ignored }) {
            b.severity = .warn
            b.why += " The SDKs skip it and use the next source: \(candidates[next].summary)."
            candidates[winnerIndex].status = .ignored
            candidates[next].status = .winner
            let profileFindings = chain.findings.filter { $0.id != b.id } + [b]
            sourceSettings = true
            visited.removeAll(keepingCapacity: true)
            build(candidates[next], &chain, config: config, view: v, selected: selected, topIndex: topIndex,
                  sourceSettings: &sourceSettings, visited: &visited, containerURI: containerURI)
            chain.findings = profileFindings + chain.findings
        }
        if winner.kind == .profile, candidates[winnerIndex].status == .winner,
           let wi = shadowedNames.first(where: { $0.kind == .webIdentityEnvironment }) {
            // botocore puts the IRSA provider after role profiles but before a profile's keys, process and
            // SSO; Java 2.x before any profile; Rust and Go after the profile.
            let roleProfile = !chain.hops.isEmpty
            findings.append(Finding(
                id: "chain.profile-shadows-web-identity", severity: roleProfile ? .info : .warn,
                title: roleProfile
                    ? "Profile \(selected?.value ?? "") is used; the IRSA variables are not"
                    : "SDKs disagree: profile \(selected?.value ?? "") or the IRSA variables",
                evidence: winner.evidence + wi.evidence,
                why: roleProfile
                    ? "A role profile wins over AWS_ROLE_ARN/AWS_WEB_IDENTITY_TOKEN_FILE in botocore, Rust and Go; "
                    + "Java 2.x reads the IRSA variables before any profile."
                    : "For a profile without role_arn, botocore and Java 2.x use the IRSA variables first; Rust and "
                    + "Go use the profile. rolehop shows the profile's chain.",
                fix: "Unset AWS_PROFILE, or the IRSA variables, so every SDK picks the same credentials."))
        }
        chain.candidates = candidates
        if !findings.isEmpty {
            if chain.findings.isEmpty {
                chain.findings = findings
            } else {
                findings += chain.findings
                chain.findings = findings
            }
        }
        if let b = chain.blocker, !chain.findings.contains(b) { chain.findings.append(b) }
        finish(&chain, config: config, view: v, sourceSettings: sourceSettings, visited: visited)
    }

    /// Builds the chain of a winning source other than a selected profile, in place (a static function, not a
    /// closure: a closure capturing `resolve`'s locals made the compiler copy the whole chain on return).
    static func build(_ winner: CredentialCandidate, _ chain: inout ResolvedChain, config: SharedConfig,
                      view v: EnvView, selected: Sourced<String>?, topIndex: ProfileIndex?, sourceSettings: inout Bool,
                      visited: inout [WalkStep], containerURI: Sourced<String>?) {
        let env = v.env
        let envKeyId = v.accessKeyId
        let envSecret = v.secretAccessKey
        let envRole = v.roleArn
        let envToken = v.tokenFile
        switch winner.kind {
        case .environmentKeys:
            chain = ResolvedChain(base: .none)
            if let id = envKeyId, let secret = envSecret {
                let token = (env.sourced("AWS_SESSION_TOKEN") ?? env.sourced("AWS_SECURITY_TOKEN"))
                    .map { Sourced(Secret($0.value), from: $0.source) }
                chain.base = .accessKey(StaticKeys(accessKeyId: id, secretAccessKey: Sourced(Secret(secret.value),
                                                                                            from: secret.source),
                                                   sessionToken: token))
            } else {
                chain.blocker = Finding(
                    id: "chain.partial-static-keys", severity: .fail,
                    title: "Only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set",
                    evidence: winner.evidence,
                    why: "The SDKs stop with a partial-credentials error.",
                    fix: "Set both variables, or neither.")
            }
        case .profile:
            chain = ResolvedChain()
            sourceSettings = walk(&chain, config: config, view: v, top: selected?.value ?? "default",
                                  topIndex: topIndex, path: &visited)
            chain.profile = selected
        case .webIdentityEnvironment:
            chain = ResolvedChain(base: .none)
            if let envRole, let envToken {
                chain.base = .webIdentity(tokenFile: envToken, profile: nil)
                chain.hops = [RoleHop(kind: .assumeRoleWithWebIdentity, profile: nil, roleArn: envRole,
                                      sessionName: v.roleSessionName,
                                      webIdentityTokenFile: envToken)]
            }
        case .container:
            chain = ResolvedChain(base: .none)
            if let c = containerURI {
                chain.base = .container(uri: c, authorizationTokenFile: v.authTokenFile)
            }
        case .instanceMetadata:
            chain = ResolvedChain(base: .instanceMetadata)
        }
    }

    /// `prefix + s`, built in one piece: short results (most profile names) become a small string directly
    /// (`+` went through the general append path, about 250 instructions per profile).
    static func prefixed(_ prefix: StaticString, _ s: String) -> String {
        var s = s
        let n = prefix.utf8CodeUnitCount
        return s.withUTF8 { tail in
            String(unsafeUninitializedCapacity: n + tail.count) { buffer in
                guard let base = buffer.baseAddress else { return 0 }
                base.initialize(from: prefix.utf8Start, count: n)
                if let t = tail.baseAddress { (base + n).initialize(from: t, count: tail.count) }
                return n + tail.count
            }
        }
    }

    static func fileEvidence(_ config: SharedConfig) -> [Evidence] {
        config.files.map { Evidence($0.kind.rawValue + " file", $0.path + " (\($0.state.rawValue))", source: $0.pathSource) }
    }

    /// A profile's place in `SharedConfig.profiles` (read without hashing its name again).
    typealias ProfileIndex = Dictionary<String, Profile>.Index

    /// One profile of a walked chain: its name and, when it exists, its place in `SharedConfig.profiles`.
    struct WalkStep {
        var name: String
        var index: ProfileIndex?
        /// What `finish` reads of the profile, taken while the walk has it at hand: its own region, whether it
        /// sets an endpoint setting (read for the top only), whether it sets a checked setting besides region.
        var region: Sourced<String>? = nil
        var endpointSettings = false
        var otherChecks = false

        init(name: String, index: ProfileIndex?) {
            self.name = name
            self.index = index
        }
    }

    /// Follows `source_profile` from `top` to the base credentials, into `chain`. Hops come out base first.
    /// Returns false when no profile of the chain but `top` sets a setting `finish` compares with the top's.
    /// `path` receives the profiles visited, top first (`topIndex`, when given, is `top`'s place).
    @discardableResult
    static func walk(_ chain: inout ResolvedChain, config: SharedConfig, view v: EnvView, top: String,
                     topIndex: ProfileIndex? = nil, path: inout [WalkStep]) -> Bool {
        var hopsTopFirst: [RoleHop] = []
        var sourceSettings = false
        // Emptied element by element: paths are short, and removeAll(keepingCapacity:) costs more than that.
        while !path.isEmpty { path.removeLast() }
        path.reserveCapacity(4)
        path.append(WalkStep(name: top, index: nil))
        var visited: Set<String> = []
        var current = top
        var isTop = true
        var referencedBy: Sourced<String>?
        var topReadsAsSource = false
        let findingsBefore = chain.findings.count

        func block(_ f: Finding) { chain.blocker = f; chain.findings.append(f) }

        func names() -> [String] { path.map(\.name) }

        while true {
            // The top's place is known from `resolve`; each source profile is looked up once per visit.
            guard let index = isTop && topIndex.map({ _ in true }) ?? false ? topIndex
                    : config.profiles.index(forKey: current) else {
                let ref = referencedBy
                block(Finding(id: "chain.source-profile-missing", severity: .fail,
                              title: "source_profile \(current) does not exist",
                              evidence: [Evidence("source_profile", current, source: ref?.source),
                                         Evidence("path", names().joined(separator: " -> "))],
                              why: "The SDKs stop with \"The source_profile \(current) ... does not exist\".",
                              fix: "Add [profile \(current)] or correct source_profile.", hop: hopsTopFirst.count))
                break
            }
            let p = config.profiles[index].value
            path[path.count - 1].index = index
            path[path.count - 1].region = p.sourced(.region)
            path[path.count - 1].endpointSettings = isTop && hasEndpointSettings(p)
            path[path.count - 1].otherChecks = p.has(.stsRegionalEndpoints) || p.has(.endpointURL)
                || p.has(.useFIPSEndpoint)
            if !isTop, !sourceSettings {
                for k in Self.sourceProfileChecks where p.has(k) { sourceSettings = true; break }
            }
            // A source profile `resolveAll` already resolved: its chain from here on is taken over.
            if !isTop, let memo = v.scratch.memo, let slot = memo.slot(ordinal: p.ordinal, name: current),
               takeOver(memo, slot, &chain, &hopsTopFirst, path: &path) {
                if memo.entries[slot].settings { sourceSettings = true }
                break
            }
            let hasStatic = p.has(.awsAccessKeyId) || p.has(.awsSecretAccessKey)
            let roleArn = p.sourced(.roleArn)
            let tokenFile = p.sourced(.webIdentityTokenFile)
            if isTop {
                // As a source profile, role_arn with static keys means the keys: the chain differs.
                topReadsAsSource = !(hasStatic && roleArn.map { _ in true } ?? false
                                     && !(tokenFile.map { _ in true } ?? false))
            }
            let sourceProfile = p.sourced(.sourceProfile)
            let credentialSource = p.sourced(.credentialSource)

            if let roleArn, let tokenFile {
                if let other = sourceProfile ?? credentialSource {
                    chain.findings.append(Finding(
                        id: "chain.web-identity-ignores-source", severity: .warn,
                        title: "Profile \(current) has web_identity_token_file, so its "
                            + (sourceProfile != nil ? "source_profile" : "credential_source") + " is ignored",
                        evidence: [Evidence("web_identity_token_file", tokenFile.value, source: tokenFile.source),
                                   Evidence("ignored", other.value, source: other.source)],
                        why: "A role_arn + web_identity_token_file profile is a web-identity hop of its own.",
                        fix: "Remove the ignored line, or move it to a separate profile."))
                }
                chain.base = .webIdentity(tokenFile: tokenFile, profile: current)
                appendHop(&hopsTopFirst, .assumeRoleWithWebIdentity, p, roleArn: roleArn, view: v)
                break
            }
            if let roleArn, isTop || !hasStatic {
                if let sp = sourceProfile, let cs = credentialSource {
                    block(Finding(id: "chain.source-and-credential-source", severity: .fail,
                                  title: "Profile \(current) sets both source_profile and credential_source",
                                  evidence: [Evidence("source_profile", sp.value, source: sp.source),
                                             Evidence("credential_source", cs.value, source: cs.source)],
                                  why: "The SDKs refuse a role profile with two sources (InvalidConfigError).",
                                  fix: "Remove one of the two lines.", hop: hopsTopFirst.count + 1))
                    break
                }
                if let cs = credentialSource {
                    guard let name = CredentialSourceName(rawValue: cs.value) else {
                        block(Finding(id: "chain.invalid-credential-source", severity: .fail,
                                      title: "credential_source \(cs.value) is not a valid source",
                                      evidence: [Evidence("credential_source", cs.value, source: cs.source)],
                                      why: "Valid values are Environment, Ec2InstanceMetadata and EcsContainer "
                                      + "(case-sensitive).",
                                      fix: "Use one of Environment, Ec2InstanceMetadata, EcsContainer.",
                                      hop: hopsTopFirst.count + 1))
                        break
                    }
                    appendHop(&hopsTopFirst, .assumeRole, p, roleArn: roleArn, view: v, credentialSource: cs)
                    chain.base = .namedSource(Sourced(name, from: cs.source), profile: current)
                    if name == .environment, v.accessKeyId == nil,
                       v.tokenFile != nil {
                        chain.findings.append(Finding(
                            id: "chain.credential-source-environment-irsa", severity: .warn,
                            title: "credential_source = Environment finds no keys: only IRSA variables are set",
                            evidence: [Evidence("credential_source", cs.value, source: cs.source)],
                            why: "Environment means AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY only; it never uses "
                            + "AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE.",
                            fix: "Use a source profile with role_arn and web_identity_token_file instead."))
                    }
                    break
                }
                guard let sp = sourceProfile else {
                    block(Finding(id: "chain.role-without-source", severity: .fail,
                                  title: "Profile \(current) has role_arn but neither source_profile nor credential_source",
                                  evidence: [Evidence("role_arn", roleArn.value, source: roleArn.source)],
                                  why: "The SDKs do not know which credentials to call AssumeRole with.",
                                  fix: "Add source_profile = NAME (or credential_source, or web_identity_token_file).",
                                  hop: hopsTopFirst.count + 1))
                    break
                }
                appendHop(&hopsTopFirst, .assumeRole, p, roleArn: roleArn, view: v, sourceProfile: sp)
                if sp.value == current {
                    if hasStatic {
                        setStaticKeys(p, current, &chain)
                    } else {
                        block(cycle(names() + [current], sp))
                    }
                    break
                }
                // Chains are short: a linear search beats hashing until a path gets long.
                if path.count < 16 ? path.contains(where: { $0.name == sp.value }) : visited.contains(sp.value) {
                    block(cycle(names() + [sp.value], sp))
                    break
                }
                if path.count == 15 { visited = Set(names()) }
                if path.count >= 15 { visited.insert(sp.value) }
                path.append(WalkStep(name: sp.value, index: nil))
                referencedBy = sp
                current = sp.value
                isTop = false
                continue
            }
            if hasStatic {
                setStaticKeys(p, current, &chain)
                break
            }
            if let cp = p.sourced(.credentialProcess) {
                chain.base = .process(command: cp, profile: current)
                chain.findings.append(Finding(
                    id: "chain.process-not-run", severity: .info,
                    title: "credential_process of \(current) is shown, not run",
                    evidence: [Evidence("credential_process", cp.value, source: cp.source)],
                    why: "Running it may prompt, open a browser or have side effects.",
                    fix: "", hop: 0))
                break
            }
            let ssoSession = p.sourced(.ssoSession)
            let ssoURL = p.sourced(.ssoStartURL)
                ?? ssoSession.flatMap { config.ssoSessions[$0.value]?.properties["sso_start_url"]?.sourced }
            if ssoSession != nil || ssoURL != nil {
                chain.base = .sso(startURL: ssoURL, session: ssoSession, accountId: p.sourced(.ssoAccountId),
                                  roleName: p.sourced(.ssoRoleName), profile: current)
                if let s = ssoSession, config.ssoSessions[s.value] == nil {
                    block(Finding(id: "chain.sso-session-missing", severity: .fail,
                                  title: "sso_session \(s.value) has no [sso-session \(s.value)] section",
                                  evidence: [Evidence("sso_session", s.value, source: s.source)],
                                  why: "The SDKs cannot find the SSO start URL and region.",
                                  fix: "Add the [sso-session \(s.value)] section."))
                } else {
                    chain.findings.append(Finding(id: "chain.sso-not-run", severity: .info,
                                                  title: "SSO login of \(current) is shown, not run",
                                                  evidence: [Evidence("sso", (ssoURL ?? ssoSession)?.value ?? "",
                                                                      source: (ssoURL ?? ssoSession)?.source)],
                                                  why: "SSO needs a cached token from `aws sso login`.", fix: "", hop: 0))
                }
                break
            }
            block(Finding(id: "chain.profile-without-credentials", severity: .fail,
                          title: isTop ? "Profile \(current) has no credentials"
                              : "Source profile \(current) has no credentials",
                          evidence: [Evidence("profile", current, source: p.sections.first),
                                     Evidence("path", names().joined(separator: " -> "))],
                          why: "It has no keys, role_arn, web_identity_token_file, credential_process or SSO settings.",
                          fix: "Add credentials to [\(current)], or point source_profile at a profile that has them.",
                          hop: hopsTopFirst.count))
            break
        }
        // Reversed in place: a RoleHop is large, so no second array of copies.
        // Swapped through a buffer pointer: moves without retaining every field of a hop.
        if hopsTopFirst.count > 1 {
            hopsTopFirst.withUnsafeMutableBufferPointer { b in
                var i = 0
                var j = b.count - 1
                while i < j { b.swapAt(i, j); i += 1; j -= 1 }
            }
        }
        if topReadsAsSource, chain.findings.count == findingsBefore, case .none = chain.blocker {
            var durationsRead = true
            for i in hopsTopFirst.indices {
                if let d = hopsTopFirst[i].durationSeconds, d.value < 0 { durationsRead = false; break }
            }
            v.scratch.lastWalkReusable = durationsRead
        } else {
            v.scratch.lastWalkReusable = false
        }
        chain.hops = hopsTopFirst
        return sourceSettings
    }

    /// Takes over the chain `resolveAll` resolved for the source profile in `slot` (the last profile of `path`):
    /// its hops (top first, after the ones already built), its base, and its visited profiles after the first.
    /// False, with nothing changed, when one of those profiles is already on the path or the path gets long.
    static func takeOver(_ memo: ResolvedSuffixes, _ slot: Int, _ chain: inout ResolvedChain,
                         _ hopsTopFirst: inout [RoleHop], path: inout [WalkStep]) -> Bool {
        let e = memo.entries[slot]
        let start = Int(e.start)
        let end = start + Int(e.count)
        guard path.count + Int(e.count) <= 15 else { return false }
        for k in (start + 1)..<max(start + 1, end) {
            let name = memo.steps[k].name
            if path.contains(where: { $0.name == name }) { return false }
        }
        let source = memo.chains + slot
        let hops = source.pointee.hops
        if !hops.isEmpty {
            hopsTopFirst.reserveCapacity(hopsTopFirst.count + hops.count)
            var i = hops.count - 1
            while i >= 0 { hopsTopFirst.append(hops[i]); i -= 1 }
        }
        chain.base = source.pointee.base
        if end > start + 1 { path.append(contentsOf: memo.steps[(start + 1)..<end]) }
        return true
    }

    static func cycle(_ path: [String], _ at: Sourced<String>) -> Finding {
        let full = path.joined(separator: " -> ")
        let shown = path.count > 8 ? (path.prefix(4) + ["…"] + path.suffix(3)).joined(separator: " -> ") : full
        return Finding(id: "chain.cycle", severity: .fail, title: "source_profile cycle: \(shown)",
                       evidence: [Evidence("path", full), Evidence("closing source_profile", at.value, source: at.source)],
                       why: "The SDKs stop with InfiniteLoopConfigError: no profile in the cycle has credentials.",
                       fix: "Point one source_profile of the cycle at a profile with credentials.")
    }

    /// Sets the chain's base to the profile's static keys (built in place: a returned StaticKeys was copied),
    /// or its blocker when only one key is set.
    static func setStaticKeys(_ p: Profile, _ name: String, _ chain: inout ResolvedChain) {
        guard let id = p.sourced(.awsAccessKeyId), let secret = p.sourced(.awsSecretAccessKey) else {
            let have = p.sourced(.awsAccessKeyId) ?? p.sourced(.awsSecretAccessKey)
            let f = Finding(id: "chain.partial-static-keys", severity: .fail,
                            title: "Profile \(name) has only one of aws_access_key_id and aws_secret_access_key",
                            evidence: [Evidence("present", have.map { _ in "one key" } ?? "", source: have?.source)],
                            why: "The SDKs stop with a partial-credentials error.", fix: "Set both keys.", hop: 0)
            chain.blocker = f
            chain.findings.append(f)
            return
        }
        let token = (p.sourced(.awsSessionToken) ?? p.sourced(.awsSecurityToken)).map {
            Sourced(Secret($0.value), from: $0.source)
        }
        chain.base = .accessKey(StaticKeys(accessKeyId: id, secretAccessKey: Sourced(Secret(secret.value),
                                                                                       from: secret.source),
                                           sessionToken: token, profile: name))
    }

    /// One hop built in a single initializer call and appended in place (a RoleHop is large: every later
    /// assignment to a copy costs more than passing the value in, and a returned one was copied).
    static func appendHop(_ hops: inout [RoleHop], _ kind: RoleHop.Kind, _ p: Profile, roleArn: Sourced<String>,
                          view v: EnvView, sourceProfile: Sourced<String>? = nil,
                          credentialSource: Sourced<String>? = nil) {
        // Chains are mostly one or two hops deep.
        if hops.isEmpty { hops.reserveCapacity(2) }
        var duration: Sourced<Int>?
        if let d = p.sourced(.durationSeconds) {
            duration = Int(d.value).map { Sourced($0, from: d.source) }
                ?? Sourced(-1, from: d.source)  // marks "not a number" for `finish` to report
        }
        let web = kind == .assumeRoleWithWebIdentity
        let hop = RoleHop(kind: kind, profile: p.name, roleArn: roleArn,
                          sessionName: p.sourced(.roleSessionName) ?? (web ? v.roleSessionName : nil),
                          externalId: p.sourced(.externalId), mfaSerial: p.sourced(.mfaSerial),
                          durationSeconds: duration,
                          webIdentityTokenFile: web ? p.sourced(.webIdentityTokenFile) : nil,
                          sourceProfile: sourceProfile, credentialSource: credentialSource)
        hops.append(consume hop)
    }

    /// True when a profile sets anything besides the region that decides the STS endpoint.
    static func hasEndpointSettings(_ p: Profile) -> Bool {
        p.has(.stsRegionalEndpoints) || p.has(.useFIPSEndpoint) || p.has(.useDualStackEndpoint)
            || p.has(.endpointURL) || p.has(.ignoreConfiguredEndpointURLs) || p.slots[.services] != 0
    }

    /// Settings of source profiles that the SDKs ignore (reported when they differ from what is used).
    static let sourceProfileChecks: [ConfigKey] = [.region, .stsRegionalEndpoints, .endpointURL, .useFIPSEndpoint]

    /// Per-hop region, endpoint, chaining flag and the checks that need the whole chain.
    /// `visited` is the walk's path (top first): the profiles of the chain, read by index instead of by name.
    static func finish(_ chain: inout ResolvedChain, config: SharedConfig, view v: EnvView,
                       sourceSettings: Bool = true, visited: [WalkStep] = []) {
        // Profiles are read in place through their index: an optional Profile (large) was copied and
        // destroyed through the runtime's value witnesses.
        // The walk noted what is read here of each profile it visited (`WalkStep`); other names are looked up.
        let profiles = config.profiles.values
        func step(_ name: String) -> Int? {
            for k in visited.indices where visited[k].name == name {
                if case .some = visited[k].index { return k }
            }
            return nil
        }
        func regionOf(_ name: String) -> Sourced<String>? {
            if let k = step(name) { return visited[k].region }
            return config.profiles.index(forKey: name).flatMap { profiles[$0].sourced(.region) }
        }
        let topName = chain.profile?.value
        let topStep = topName.flatMap { step($0) }
        let topAt = topStep.flatMap { visited[$0].index } ?? topName.flatMap { config.profiles.index(forKey: $0) }
        let region = v.region ?? v.defaultRegion ?? topName.flatMap { regionOf($0) }
        chain.region = region
        // Most profiles set nothing about the endpoint: the region is then its only input, and no settings
        // value is built (`settings` nil stands for "only the region").
        let topEndpointSettings = topStep.map { visited[$0].endpointSettings }
            ?? topAt.map { hasEndpointSettings(profiles[$0]) } ?? false
        let regionOnly = v.endpointEnvironmentEmpty && !topEndpointSettings
        let settings = regionOnly ? nil
            : v.endpoint.adding(profile: topAt.map { profiles[$0] }, services: config.services, region: region)
        // A chain that cannot be resolved gets no region or endpoint advice: it would only add noise.
        // `case .none =` rather than `== nil`: on an optional of an Equatable type `== nil` compared a tuple of
        // two optionals, copied and destroyed through the runtime's value witnesses.
        if case .none = chain.blocker, !chain.hops.isEmpty, case .none = region {
            var elsewhere: Sourced<String>?
            for h in chain.hops.indices {
                if let name = chain.hops[h].profile, let r = regionOf(name) {
                    elsewhere = r
                    break
                }
            }
            if case .none = elsewhere, let name = chain.base.profile { elsewhere = regionOf(name) }
            chain.findings.append(Finding(
                id: "chain.region-missing", severity: .warn,
                title: elsewhere != nil ? "The region of a source profile is not inherited"
                    : "No region is configured for the STS calls",
                evidence: elsewhere.map { [Evidence("region (not used)", $0.value, source: $0.source)] } ?? [],
                why: "The STS client takes its region from AWS_REGION, AWS_DEFAULT_REGION or the selected "
                + "profile only. botocore then uses the global endpoint; other SDKs fail with "
                + "\"You must specify a region\".",
                fix: "Add `region = ...` to [\(chain.profile?.value ?? "profile")] or set AWS_REGION."))
        }
        // Source profiles' own region and endpoint settings are never used: say so where they differ.
        if case .none = chain.blocker, sourceSettings, let top = chain.profile?.value {
            // The profiles of the hops, then the base's, read in place (no array of names per chain).
            let hopCount = chain.hops.count
            let baseProfile = chain.base.profile
            func profileName(_ i: Int) -> String? { i < hopCount ? chain.hops[i].profile : baseProfile }
            var seen: Set<String> = []
            for i in 0...hopCount {
                guard let name = profileName(i), name != top else { continue }
                // Chains are short: only long ones need a set to skip repeats.
                if hopCount >= 8 {
                    if !seen.insert(name).inserted { continue }
                } else if (0..<i).contains(where: { profileName($0) == name }) {
                    continue
                }
                let si = step(name)
                let looked: ProfileIndex? = si == nil ? config.profiles.index(forKey: name) : nil
                if si == nil, case .none = looked { continue }
                for k in Self.sourceProfileChecks {
                    // Most source profiles set none of these: the used value is only looked at when they do.
                    let own: Sourced<String>?
                    if let si {
                        if k == .region {
                            own = visited[si].region
                        } else if visited[si].otherChecks, let pi = visited[si].index {
                            own = profiles[pi].sourced(k)
                        } else {
                            own = nil
                        }
                    } else {
                        own = looked.flatMap { profiles[$0].sourced(k) }
                    }
                    guard let own else { continue }
                    let used: Sourced<String>?
                    switch k {
                    case .region: used = region
                    case .stsRegionalEndpoints: used = settings?.stsRegionalEndpoints
                    case .endpointURL: used = settings?.profileEndpoint
                    default: used = settings?.useFIPS
                    }
                    guard used?.value != own.value else { continue }
                    let key = k.name
                    chain.findings.append(Finding(
                        id: "chain.source-profile-setting-unused", severity: .info,
                        title: "\(key) = \(own.value) of profile \(name) is not used for the STS calls",
                        evidence: [Evidence(key, own.value, source: own.source),
                                   Evidence("used", used?.value ?? "(none)", source: used?.source)],
                        why: "The SDKs configure every STS client of the chain from the selected profile "
                        + "[\(top)] and the environment; settings of source profiles are ignored.",
                        fix: "Set \(key) in [\(top)] (or the environment) if that is what you meant."))
                }
            }
        }
        // Every hop's STS client is configured from the same profile and environment: one resolution.
        guard !chain.hops.isEmpty else { return }
        let ep = settings.map { v.endpoints.resolve($0) } ?? v.endpoints.resolve(region: region)
        if case .none = chain.blocker, !ep.findings.isEmpty { chain.findings += ep.findings }
        let baseIsRoleSession = chain.base.isRoleSession
        // The hops are taken out of the chain while they are completed, so each is written in place once.
        var hops = chain.hops
        chain.hops = []
        defer { chain.hops = hops }
        for i in hops.indices {
            let n = i + 1
            let isChained = i > 0 || baseIsRoleSession
            hops[i].region = region
            hops[i].stsEndpoint = ep.url
            hops[i].signingRegion = ep.signingRegion
            hops[i].isChained = isChained
            // Only the fields checked below are read: copying the whole hop costs a retain per string.
            if let s = hops[i].sessionName, !isValidSessionName(s.value) {
                chain.findings.append(Finding(
                    id: "chain.session-name-invalid", severity: .fail,
                    title: "Role session name \"\(s.value)\" is not valid",
                    evidence: [Evidence("role_session_name", s.value, source: s.source)],
                    why: "STS accepts 2 to 64 characters from [A-Za-z0-9_+=,.@-] and rejects the call otherwise.",
                    fix: "Use a name like rolehop-session.", hop: n))
            }
            if let d = hops[i].durationSeconds {
                if d.value < 0 {
                    chain.findings.append(Finding(
                        id: "chain.duration-invalid", severity: .warn, title: "duration_seconds is not a number",
                        evidence: [Evidence("duration_seconds", "not an integer", source: d.source)],
                        why: "botocore ignores it silently (3600 s); other SDKs reject the profile.",
                        fix: "Write a number of seconds, e.g. duration_seconds = 3600.", hop: n))
                    hops[i].durationSeconds = nil
                } else if isChained && d.value > 3600 {
                    chain.findings.append(Finding(
                        id: "chain.duration-over-chaining-limit", severity: .fail,
                        title: "duration_seconds \(d.value) exceeds the 1 hour limit of role chaining",
                        evidence: [Evidence("duration_seconds", String(d.value), source: d.source)],
                        why: "STS rejects it: \"The requested DurationSeconds exceeds the 1 hour session limit for "
                        + "roles assumed by role chaining.\"",
                        fix: "Set duration_seconds = 3600 (or less) on this profile.", hop: n))
                } else if d.value < 900 || d.value > 43200 {
                    chain.findings.append(Finding(
                        id: "chain.duration-out-of-range", severity: .fail,
                        title: "duration_seconds \(d.value) is outside 900…43200",
                        evidence: [Evidence("duration_seconds", String(d.value), source: d.source)],
                        why: "STS rejects durations outside 15 minutes to 12 hours (and above the role's maximum).",
                        fix: "Set duration_seconds between 900 and 3600.", hop: n))
                }
            }
        }
    }
}

/// A buffer lent to one resolution at a time (an `EnvView` is used by one thread).
final class WalkScratch {
    @exclusivity(unchecked) var path: [ChainResolver.WalkStep] = []
    /// The chains `resolveAll` has already resolved, while it runs (nil for a single resolution).
    @exclusivity(unchecked) var memo: ResolvedSuffixes?
    /// Set by `walk`: the chain it built from its top profile is exactly what a walk reaching that profile as a
    /// source profile would build from there (see `ResolvedSuffixes`).
    @exclusivity(unchecked) var lastWalkReusable = false

    /// The buffer, moved out (no copy of its storage); put it back with `path = ...`.
    func take() -> [ChainResolver.WalkStep] {
        var p: [ChainResolver.WalkStep] = []
        swap(&p, &path)
        return p
    }
}

/// The profiles `resolveAll` has resolved so far whose chain a later walk can take over when it reaches them as
/// a source profile, instead of walking on (in a generated or real config, profile N's source is often N-1).
///
/// A resolved top profile's chain is reusable when its walk added no finding and no blocker (findings carry
/// hop numbers and paths of their own walk), no hop has an unreadable duration (`finish` clears it), and the
/// profile reads the same as a source as it does as the top (not `role_arn` together with static keys: a top
/// profile uses the role, a source profile its keys). The walk that takes a chain over copies its hops and base
/// and the visited profiles after the first (their region and checked settings, for `finish`), and does so only
/// when none of those profiles is already on its own path (that would be a cycle, reported by walking on) and the
/// path stays short (long paths switch the cycle check to a set). `finish` recomputes every hop's region,
/// endpoint and chaining flag for the new top. `ResolveAllTests` holds this to resolving each profile alone.
final class ResolvedSuffixes {
    struct Entry {
        var reusable = false
        /// True when a visited profile sets a setting `finish` compares with the top's.
        var settings = false
        var start: Int32 = 0
        var count: Int32 = 0
    }
    let chains: UnsafeMutablePointer<ResolvedChain>
    let names: [String]
    /// Slots `0..<resolved` of `chains` are filled.
    @exclusivity(unchecked) var resolved = 0
    @exclusivity(unchecked) var entries: [Entry]
    /// The visited profiles of every reusable chain, one run each (`Entry.start`, `Entry.count`).
    @exclusivity(unchecked) var steps: [ChainResolver.WalkStep] = []

    init(chains: UnsafeMutablePointer<ResolvedChain>, names: [String]) {
        self.chains = chains
        self.names = names
        entries = [Entry](repeating: Entry(), count: names.count)
        steps.reserveCapacity(names.count * 2)
    }

    /// Records slot `resolved` (just filled) and its walk's path.
    func record(reusable: Bool, path: [ChainResolver.WalkStep]) {
        let slot = resolved
        resolved += 1
        guard reusable, slot < entries.count else { return }
        var settings = false
        for k in path.indices where path[k].otherChecks || path[k].region.map({ _ in true }) ?? false {
            settings = true
            break
        }
        entries[slot] = Entry(reusable: true, settings: settings, start: Int32(truncatingIfNeeded: steps.count),
                              count: Int32(truncatingIfNeeded: path.count))
        // A taken-over chain copies the steps after the first: a one-profile path stores none.
        if path.count > 1 { steps.append(contentsOf: path) }
    }

    /// The slot of `name`'s reusable chain, when `ordinal` names an already resolved slot of that name.
    func slot(ordinal: Int, name: String) -> Int? {
        guard ordinal >= 0, ordinal < resolved, entries[ordinal].reusable, names[ordinal] == name else { return nil }
        return ordinal
    }
}

/// Remembers the STS endpoint of each region when only the region decides it (the common case): the
/// result then depends on the region's value alone, not on where it was set, and building it costs strings.
/// Used by one resolution at a time (an `EnvView` is not shared across threads): no dynamic exclusivity checks.
final class EndpointCache {
    @exclusivity(unchecked) var byRegion: [String: STSEndpoint] = [:]
    /// The last few regions resolved and their endpoints, newest first (compared before hashing: the
    /// profiles of a file mostly cycle through a few regions). Two arrays, not an optional tuple: the
    /// compiler copies an optional tuple through the runtime's value witnesses.
    @exclusivity(unchecked) var recentRegions: [String] = []
    @exclusivity(unchecked) var recentEndpoints: [STSEndpoint] = []

    func resolve(_ s: STSEndpointSettings) -> STSEndpoint {
        guard s.stsRegionalEndpoints == nil, s.useFIPS == nil, s.useDualStack == nil, s.envServiceEndpoint == nil,
              s.servicesEndpoint == nil, s.envGlobalEndpoint == nil, s.profileEndpoint == nil,
              s.ignoreConfiguredEndpoints == nil else { return STSEndpoint.resolve(s, hop: 1) }
        return resolve(region: s.region)
    }

    /// The endpoint when the region is the only setting (no settings value is built unless it is new).
    func resolve(region: Sourced<String>?) -> STSEndpoint {
        let key = region?.value ?? ""
        for i in recentRegions.indices where recentRegions[i] == key { return recentEndpoints[i] }
        let ep: STSEndpoint
        if let hit = byRegion[key] {
            ep = hit
        } else {
            ep = STSEndpoint.resolve(STSEndpointSettings(region: region), hop: 1)
            if byRegion.count < 64 { byRegion[key] = ep }
        }
        if recentRegions.count == 4 {
            recentRegions.removeLast()
            recentEndpoints.removeLast()
        }
        recentRegions.insert(key, at: 0)
        recentEndpoints.insert(ep, at: 0)
        return ep
    }
}
