
/// Everything a diagnosis reads, injected so every check is reproducible.
public struct DiagnosisInput: Sendable {
    /// The diagnosed container's files (`--root` applied).
    public var fileSystem: any FileSystem
    /// The machine rolehop runs on, for files the user names on the command line (`--policy-dir`, `--jwks`).
    public var hostFileSystem: any FileSystem
    public var environment: Environment
    public var profile: String?
    public var configFile: String?
    public var credentialsFile: String?
    public var policyDirectory: String?
    public var jwksPath: String?
    public var now: Date
    /// The identity that reads the token (this process's, or the diagnosed container's).
    public var uid: UInt32
    public var gids: [UInt32]

    public init(fileSystem: any FileSystem, hostFileSystem: any FileSystem, environment: Environment,
                profile: String? = nil, configFile: String? = nil, credentialsFile: String? = nil,
                policyDirectory: String? = nil, jwksPath: String? = nil, now: Date, uid: UInt32 = 0, gids: [UInt32] = [0]) {
        self.fileSystem = fileSystem
        self.hostFileSystem = hostFileSystem
        self.environment = environment
        self.profile = profile
        self.configFile = configFile
        self.credentialsFile = credentialsFile
        self.policyDirectory = policyDirectory
        self.jwksPath = jwksPath
        self.now = now
        self.uid = uid
        self.gids = gids
    }
}

/// The pieces of an IAM ARN rolehop needs.
public struct ARN: Sendable, Hashable {
    public var partition: String
    public var service: String
    public var account: String
    public var resource: String

    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn" else { return nil }
        partition = String(parts[1])
        service = String(parts[2])
        account = String(parts[4])
        resource = String(parts[5])
    }

    /// The last path component of a role (`role/path/name` -> `name`).
    public var roleName: String? {
        guard resource.hasPrefix("role/") else { return nil }
        return resource.split(separator: "/").last.map(String.init)
    }

    /// `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`, the caller ARN of a session of this role.
    public func assumedRoleSession(_ session: String) -> String? {
        guard let name = roleName else { return nil }
        return "arn:\(partition):sts::\(account):assumed-role/\(name)/\(session)"
    }
}

/// One STS call of the chain with what offline analysis knows about it.
public struct HopPlan: Sendable {
    /// 1-based, as shown to people ("hop 1").
    public var number: Int
    public var hop: RoleHop
    public var sessionName: Sourced<String>
    public var roleName: String
    public var account: String
    /// The trust policy of the role, when supplied (`--policy-dir`).
    public var trustPolicy: PolicyDocumentText?
    /// The identity policies of the calling role (the previous hop's role), when supplied.
    public var callerPolicies: [PolicyDocumentText]
    /// The ARN that calls (AssumeRole only): the previous hop's session, or nil when unknown offline.
    public var callerArn: String?
    /// The role's MaxSessionDuration in seconds, when its documents carry it (`aws iam get-role` JSON in
    /// `--policy-dir`, or a live IAM read), with where it came from.
    public var maxSessionDuration: Sourced<Int>? = nil
    public var trust: TrustResult?
    /// ok: predicted to succeed; fail: predicted to fail; info: not enough to predict.
    public var predicted: Severity
    public var prediction: String
    public var findings: [Finding]
}

/// The offline half of a diagnosis: the chain, the token, the trust of every hop, and the findings.
public struct Analysis: Sendable {
    public var input: DiagnosisInput
    public var chain: ResolvedChain
    public var configFiles: [ConfigFileStatus]
    public var token: TokenFileReport?
    public var tokenVerification: Finding?
    public var jwks: JSONWebKeySet?
    public var plans: [HopPlan]
    /// Every finding, most severe first.
    public var findings: [Finding]
    /// Why the input cannot be used at all (exit 2), or nil.
    public var unusable: String?

    /// The web-identity token's raw text (a secret), for the first hop.
    public var rawToken: Secret? { token?.raw }
}

public enum Analyzer {
    /// Default session name when neither the profile nor AWS_ROLE_SESSION_NAME names one (the SDKs generate one
    /// the same way, from the time).
    public static func defaultSessionName(now: Date) -> String {
        "rolehop-\(Int(now.timeIntervalSince1970))"
    }

    public static func analyze(_ input: DiagnosisInput) -> Analysis {
        let env = input.environment
        let config = ConfigLoader.load(fileSystem: input.fileSystem, environment: env, configFileFlag: input.configFile,
                                       credentialsFileFlag: input.credentialsFile)
        let chain = ChainResolver.resolve(config: config, environment: env,
                                          selection: ChainResolver.Selection(flag: input.profile))
        var findings = chain.findings
        var unusable: String?
        if let b = chain.blocker {
            if !findings.contains(b) { findings.append(b) }
            unusable = config.fatalError.map(\.description) ?? b.title
        }

        // The token: the chain's web-identity file, else the IRSA variable, else the EKS mount when present.
        var tokenReport: TokenFileReport?
        var verification: Finding?
        var jwks: JSONWebKeySet?
        let webHop = chain.hops.first(where: { $0.kind == .assumeRoleWithWebIdentity })
        let tokenPath = TokenFile.resolvePath(profilePath: webHop?.webIdentityTokenFile, environment: env)
        let tokenRelevant = webHop != nil || env.sourced("AWS_WEB_IDENTITY_TOKEN_FILE") != nil
            || input.fileSystem.exists(tokenPath.value)
        if tokenRelevant {
            var report = TokenFile.read(tokenPath, fs: input.fileSystem, uid: input.uid, gids: input.gids)
            if let token = report.token {
                let duration = Double(chain.hops.count) * 2
                report.findings += TokenChecks.run(token, now: input.now, chainRegion: chain.region,
                                                   chainDuration: duration, fileModified: report.info?.modified)
            }
            if let path = input.jwksPath {
                do {
                    let text = try input.hostFileSystem.readText(path, limit: 1 << 20)
                    let keys = try JSONWebKeySet.parse(text, file: path)
                    jwks = keys
                    if let raw = report.raw, report.token != nil {
                        let verdict = TokenVerifier.verify(raw, keys: keys)
                        verification = TokenVerifier.finding(for: verdict, keys: keys, keysFrom: .flag("--jwks"))
                    }
                } catch let e as InputError {
                    unusable = unusable ?? e.description
                } catch {
                    unusable = unusable ?? "\(path): \(error)"
                }
            }
            for i in report.findings.indices where report.findings[i].hop == nil && webHop != nil {
                report.findings[i].hop = 1
            }
            findings += report.findings
            if var v = verification {
                if webHop != nil { v.hop = 1 }
                verification = v
                findings.append(v)
            }
            tokenReport = report
        }

        // IRSA injection: a token is mounted but the variables are missing (pod older than the annotation).
        if webHop == nil, env.sourced("AWS_ROLE_ARN") == nil || env.sourced("AWS_WEB_IDENTITY_TOKEN_FILE") == nil,
           input.fileSystem.exists(TokenFile.eksDefaultPath) {
            let missing = ["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"].filter { env.sourced($0) == nil }
            findings.append(Finding(
                id: "irsa.env-missing", severity: fallsBackToNode(chain.base) ? .fail : .warn,
                title: "A service-account token is mounted but \(missing.joined(separator: " and ")) \(missing.count == 1 ? "is" : "are") not set",
                evidence: [Evidence("token", TokenFile.eksDefaultPath, source: .file(path: TokenFile.eksDefaultPath, line: 0, column: 0))]
                    + missing.map { Evidence($0, "not set", source: .environment($0)) },
                why: "The EKS pod identity webhook injects these variables only when a pod is created. A pod started before "
                    + "its service account got the eks.amazonaws.com/role-arn annotation, or one the webhook skipped, "
                    + "never gets them, so no SDK tries web identity and the app falls back to other credentials.",
                fix: "kubectl annotate serviceaccount SA -n NAMESPACE eks.amazonaws.com/role-arn=arn:aws:iam::ACCOUNT:role/ROLE\n"
                    + "kubectl rollout restart deployment/APP -n NAMESPACE   # new pods get AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE",
                docURL: "https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html"))
        }

        // Trust and permissions of every hop, from the supplied documents.
        var plans: [HopPlan] = []
        var previous: (arn: String?, policies: [PolicyDocumentText])? = nil
        switch chain.base {
        case .accessKey: previous = (nil, [])
        default: break
        }
        for (i, hop) in chain.hops.enumerated() {
            let number = i + 1
            let arn = ARN(hop.roleArn.value)
            let roleName = arn?.roleName ?? hop.roleArn.value
            let session: Sourced<String>
            if let s = hop.sessionName {
                session = s
            } else if hop.kind == .assumeRoleWithWebIdentity, let s = env.sourced("AWS_ROLE_SESSION_NAME") {
                session = s
            } else {
                session = Sourced(defaultSessionName(now: input.now), from: .defaultValue("generated, as the SDKs do"))
            }
            var plan = HopPlan(number: number, hop: hop, sessionName: session, roleName: roleName,
                               account: arn?.account ?? "?", trustPolicy: nil, callerPolicies: [], callerArn: nil,
                               trust: nil, predicted: .info, prediction: "not enough information to predict", findings: [])
            var docs: RoleDocuments?
            if let dir = input.policyDirectory {
                do {
                    docs = try PolicyDirectory.load(fs: input.hostFileSystem, directory: dir, roleName: roleName)
                } catch {
                    unusable = unusable ?? error.description
                }
            }
            plan.trustPolicy = docs?.trustPolicy
            plan.maxSessionDuration = Self.maxSessionDuration(docs)
            if hop.kind == .assumeRole {
                plan.callerArn = previous?.arn
                plan.callerPolicies = previous?.policies ?? []
            }
            evaluate(&plan, chain: chain, token: tokenReport, verification: verification, previousKnown: previous != nil)
            findings += plan.findings
            plans.append(plan)
            previous = (arn?.assumedRoleSession(session.value), docs?.identityPolicies ?? [])
        }

        return Analysis(input: input, chain: chain, configFiles: config.files, token: tokenReport,
                        tokenVerification: verification, jwks: jwks, plans: plans,
                        findings: sortFindings(dedupe(findings)), unusable: unusable)
    }

    /// A role's MaxSessionDuration from its documents, sourced like its trust policy (the get-role JSON file, or
    /// the IAM read).
    static func maxSessionDuration(_ docs: RoleDocuments?) -> Sourced<Int>? {
        guard let docs, let max = docs.maxSessionDuration else { return nil }
        return Sourced(max, from: docs.trustPolicy?.source ?? .remote("IAM GetRole"))
    }

    /// Predicts a hop from its documents: the trust evaluation, then what overrides it (a blocking chain finding,
    /// an unusable token).
    static func evaluate(_ plan: inout HopPlan, chain: ResolvedChain, token: TokenFileReport?, verification: Finding?,
                         previousKnown: Bool) {
        analyzeTrust(&plan, token: token, previousKnown: previousKnown)
        if let max = plan.maxSessionDuration, let d = plan.hop.durationSeconds, d.value > max.value {
            plan.findings.append(Finding(
                id: "diagnose.duration-exceeds-max", severity: .fail,
                title: "Hop \(plan.number): duration_seconds \(d.value) is over \(plan.roleName)'s MaxSessionDuration (\(max.value) s)",
                evidence: [Evidence("duration_seconds", String(d.value), source: d.source),
                           Evidence("MaxSessionDuration", String(max.value), source: max.source)],
                why: "STS refuses a session longer than the role allows with ValidationError (\"The requested "
                    + "DurationSeconds exceeds the MaxSessionDuration set for this role\"), whatever the trust policy says.",
                fix: "Lower duration_seconds to \(max.value) or less, or raise the role's maximum: "
                    + "aws iam update-role --role-name \(plan.roleName) --max-session-duration \(d.value)",
                docURL: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html",
                hop: plan.number))
            plan.predicted = .fail
            plan.prediction = "duration_seconds \(d.value) is over the role's MaxSessionDuration (\(max.value) s)"
        }
        if let blocking = chain.findings.first(where: { $0.hop == plan.number && $0.severity == .fail }) {
            plan.predicted = .fail
            plan.prediction = blocking.title
        }
        if plan.hop.kind == .assumeRoleWithWebIdentity, let t = token,
           t.findings.contains(where: { $0.severity == .fail && $0.id != "token.file" }) || verification?.severity == .fail {
            plan.predicted = .fail
            plan.prediction = "the token itself is unusable (see the token findings)"
        }
    }

    /// The analysis with documents read live from IAM (by plan index) added where `--policy-dir` supplied none:
    /// a fetched trust policy becomes the plan's, a fetched role's identity policies become the next hop's caller
    /// policies, and every plan whose documents changed is evaluated again (its findings replace the old ones).
    public static func applying(remote: [Int: RoleDocuments], to analysis: Analysis) -> Analysis {
        guard !remote.isEmpty else { return analysis }
        var out = analysis
        var removed: [Finding] = []
        var added: [Finding] = []
        for p in out.plans.indices {
            var plan = out.plans[p]
            var changed = false
            if plan.trustPolicy == nil, let t = remote[p]?.trustPolicy {
                plan.trustPolicy = t
                changed = true
            }
            if plan.maxSessionDuration == nil, let m = remote[p].flatMap(Self.maxSessionDuration) {
                plan.maxSessionDuration = m
                changed = true
            }
            if plan.hop.kind == .assumeRole, plan.callerPolicies.isEmpty, p > 0,
               let fetched = remote[p - 1]?.identityPolicies, !fetched.isEmpty {
                plan.callerPolicies = fetched
                changed = true
            }
            guard changed else { continue }
            removed += plan.findings
            plan.findings = []
            plan.trust = nil
            plan.predicted = .info
            plan.prediction = "not enough information to predict"
            var previousKnown = p > 0
            if p == 0, case .accessKey = analysis.chain.base { previousKnown = true }
            evaluate(&plan, chain: analysis.chain, token: analysis.token, verification: analysis.tokenVerification,
                     previousKnown: previousKnown)
            added += plan.findings
            out.plans[p] = plan
        }
        let gone = Set(removed)
        out.findings = sortFindings(dedupe(analysis.findings.filter { !gone.contains($0) } + added))
        return out
    }

    /// True when the chain would end on the node's credentials (or none): what a pod without IRSA variables gets.
    static func fallsBackToNode(_ base: BaseCredentials) -> Bool {
        switch base {
        case .instanceMetadata, .none: return true
        default: return false
        }
    }

    static func analyzeTrust(_ plan: inout HopPlan, token: TokenFileReport?, previousKnown: Bool) {
        guard let text = plan.trustPolicy else {
            plan.findings.append(Finding(
                id: "diagnose.trust-unknown", severity: .info,
                title: "Hop \(plan.number): the trust policy of \(plan.roleName) was not supplied",
                evidence: [Evidence("role", plan.hop.roleArn.value, source: plan.hop.roleArn.source)],
                why: "Without the role's trust policy rolehop cannot predict the outcome or name the condition that fails. "
                    + "A pod is usually not allowed to call iam:GetRole.",
                fix: "aws iam get-role --role-name \(plan.roleName) > DIR/\(plan.roleName).trust.json   # then: rolehop check --policy-dir DIR",
                hop: plan.number))
            return
        }
        let doc: PolicyDocument
        do {
            doc = try PolicyDocument.parse(text.document, file: text.source.description)
        } catch {
            plan.findings.append(Finding(id: "policy.unparsable", severity: .fail,
                                         title: "Hop \(plan.number): the trust policy of \(plan.roleName) cannot be parsed",
                                         evidence: [Evidence("error", error.description, source: text.source)],
                                         why: "IAM would refuse this document; rolehop cannot evaluate it.", hop: plan.number))
            plan.predicted = .fail
            plan.prediction = "the trust policy is invalid"
            return
        }
        let request: TrustRequest
        switch plan.hop.kind {
        case .assumeRoleWithWebIdentity:
            guard let payload = token?.token?.payload else {
                plan.prediction = "no decodable token to evaluate the trust policy against"
                return
            }
            request = .webIdentity(claims: payload, roleArn: plan.hop.roleArn.value, sessionName: plan.sessionName.value)
        case .assumeRole:
            guard let caller = plan.callerArn else {
                plan.prediction = previousKnown
                    ? "the caller's ARN is known only live (static keys); run the hop"
                    : "the caller's credentials are obtained only live; run the hop"
                return
            }
            request = .assumeRole(callerArn: caller, roleArn: plan.hop.roleArn.value,
                                  externalId: plan.hop.externalId?.value, sessionName: plan.sessionName.value,
                                  tags: [:], sourceIdentity: nil)
        }
        var identity: [PolicyDocument]?
        if plan.hop.kind == .assumeRole, !plan.callerPolicies.isEmpty {
            identity = plan.callerPolicies.compactMap { try? PolicyDocument.parse($0.document, file: $0.source.description) }
        }
        let result = TrustAnalysis.analyze(trustPolicy: doc, request: request, identityPolicies: identity, hop: plan.number)
        plan.trust = result
        plan.findings += result.findings
        switch result.decision {
        case .allowed:
            plan.predicted = .ok
            plan.prediction = "trust policy allows " + request.action
                + (result.identityRequired ? (identity == nil ? " (identity policies of the caller not supplied)" : " and the caller's identity policy allows it") : "")
            if result.identityRequired, identity == nil { plan.predicted = .info }
        case .implicitDeny, .explicitDeny:
            plan.predicted = .fail
            if result.trustDecision != .allowed {
                plan.prediction = "trust policy " + (result.trustDecision == .explicitDeny ? "explicitly denies " : "does not allow ") + request.action
            } else {
                plan.prediction = "the caller's identity policies do not allow " + request.action
            }
        }
    }

    static func dedupe(_ findings: [Finding]) -> [Finding] {
        var seen = Set<String>()
        var out: [Finding] = []
        for f in findings {
            let key = "\(f.id)|\(f.hop ?? -1)|\(f.title)"
            if seen.insert(key).inserted { out.append(f) }
        }
        return out
    }

    /// Most severe first; stable within a severity (the order things were found).
    public static func sortFindings(_ findings: [Finding]) -> [Finding] {
        findings.enumerated().sorted { a, b in
            a.element.severity != b.element.severity ? a.element.severity > b.element.severity : a.offset < b.offset
        }.map(\.element)
    }
}
