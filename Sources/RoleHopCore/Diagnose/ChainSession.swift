
/// What one step of a live run produced: an STS call, or the reason it could not be made.
public enum StepOutcome: Sendable, Hashable {
    case call(HopCallResult)
    /// The step needs something rolehop does not have (no token, credentials it does not fetch, base credentials
    /// whose fetch failed).
    case skipped(String)

    public var call: HopCallResult? { if case let .call(c) = self { return c } else { return nil } }
}

/// One step the live runner can take: an STS hop of the chain, or the final GetCallerIdentity.
public enum LiveStep: Sendable, Hashable {
    case hop(Int)
    case identity
}

/// The live diagnosis of one chain: offline analysis plus the step-through hop runner over a real transport.
///
/// The hop runner (`HopRunner`) decides what to call; this actor performs the calls with the STS client, keeps
/// every result (credentials stay in memory, masked), and turns results into findings. The TUI drives it through
/// `ExplorerSession`; `rolehop check` calls `runAll()` and reads `report(...)`.
public actor ChainSession: ExplorerSession {
    public nonisolated let analysis: Analysis
    public nonisolated let mode: ExplorerMode
    public nonisolated let steps: [LiveStep]
    let client: STSClient
    let transport: any HTTPTransport
    let timeout: Double
    let connectTimeout: Double
    let now: @Sendable () -> Date
    /// The last fetch of container or instance metadata base credentials. A successful one is reused for the whole
    /// session; a failed one is tried again when its step runs again.
    var baseFetch: BaseCredentialFetch?
    /// The step that needed `baseFetch` (its findings are that step's).
    var baseFetchStep: Int?
    var runner: HopRunnerState<StepOutcome>
    var inFlight: Task<StepOutcome, Never>?
    /// True when every hop that ran has its role's documents read from IAM afterwards (`--read-iam`).
    public nonisolated let readIAM: Bool
    /// Role documents read live from IAM, by plan index.
    var reads: [Int: RoleRead] = [:] {
        didSet {
            let documents = reads.compactMapValues { $0.skipped == nil ? $0.documents : nil }
            currentAnalysis = Analyzer.applying(remote: documents, to: analysis)
        }
    }
    /// The offline analysis with the documents read from IAM so far: what reports and screens show (evaluated
    /// again only when a read arrives, not on every snapshot).
    public private(set) var currentAnalysis: Analysis
    /// The bundle writer, plugged in by the CLI (the core session writes no files itself).
    let exporter: (@Sendable (ChainSession, String) async -> Result<String, BundleExportError>)?

    public init(analysis: Analysis, transport: any HTTPTransport, retryPolicy: RetryPolicy = RetryPolicy(),
                now: @escaping @Sendable () -> Date, mode: ExplorerMode = .live, timeout: Double = 10,
                connectTimeout: Double = 5, readIAM: Bool = false,
                exporter: (@Sendable (ChainSession, String) async -> Result<String, BundleExportError>)? = nil) {
        self.analysis = analysis
        currentAnalysis = analysis
        self.readIAM = readIAM
        self.exporter = exporter
        self.mode = mode
        self.now = now
        self.transport = transport
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        client = STSClient(transport: transport, retryPolicy: retryPolicy, now: now, timeout: timeout,
                           connectTimeout: connectTimeout)
        var steps: [LiveStep] = analysis.plans.indices.map { .hop($0) }
        if analysis.chain.isResolvable { steps.append(.identity) }
        self.steps = steps
        runner = HopRunnerState(hopCount: steps.count)
    }

    public nonisolated var isReadOnly: Bool { mode != .live }

    // MARK: state for reports and screens

    public var phases: [HopPhase] { runner.phases }
    /// Each step's result. When the base credentials could not be fetched, the steps after the one that needed
    /// them say so too (the runner keeps them pending: running the first step again fetches again).
    public var outcomes: [StepOutcome?] {
        var out = runner.outcomes
        guard let i = baseFetchStep, let fetch = baseFetch, !fetch.succeeded, case .skipped? = out[i] else { return out }
        for j in out.indices where j > i && out[j] == nil { out[j] = .skipped(fetch.failureReason) }
        return out
    }
    public var isComplete: Bool { runner.isComplete }

    /// The live result of a hop plan, if its step ran.
    public func outcome(forPlan index: Int) -> StepOutcome? {
        guard let i = steps.firstIndex(of: .hop(index)) else { return nil }
        return runner.outcomes[i]
    }

    public var identityOutcome: StepOutcome? {
        guard let i = steps.firstIndex(of: .identity) else { return nil }
        return runner.outcomes[i]
    }

    public var finalIdentity: CallerIdentity? { identityOutcome?.call?.success?.callerIdentity }

    /// The IAM reads made so far, in hop order.
    public var roleReads: [RoleRead] { reads.keys.sorted().compactMap { reads[$0] } }

    /// Findings from the live results (each step's classified errors, contradicted predictions, the final identity,
    /// the IAM reads).
    public var liveFindings: [Finding] {
        let current = currentAnalysis
        var out: [Finding] = []
        for (i, step) in steps.enumerated() {
            guard let outcome = runner.outcomes[i] else { continue }
            out += LiveFindings.findings(step: step, outcome: outcome, analysis: current)
            if i == baseFetchStep, let fetch = baseFetch {
                let hop: Int? = if case let .hop(p) = step { analysis.plans[p].number } else { nil }
                out += fetch.findings.map { f in
                    var f = f
                    f.hop = hop
                    return f
                }
            }
        }
        for read in roleReads { out += read.findings }
        return out
    }

    /// The base credentials fetch of this session, when the chain's base is fetched live.
    public var baseCredentialFetch: BaseCredentialFetch? { baseFetch }

    /// Offline and live findings together, most severe first.
    public var allFindings: [Finding] {
        Analyzer.sortFindings(Analyzer.dedupe(currentAnalysis.findings + liveFindings))
    }

    // MARK: ExplorerSession

    public func snapshot(now: Date) async -> ExplorerSnapshot {
        SnapshotBuilder.build(analysis: currentAnalysis, steps: steps, phases: runner.phases, outcomes: outcomes,
                              findings: allFindings, mode: mode, now: now, baseFetch: baseFetch)
    }

    public func runNext() async {
        await drive(.step)
        await readAfterRun()
    }

    public func runAll() async {
        await drive(.runAll)
        await readAfterRun()
    }

    public func readRoleDocuments(node: Int) async {
        // Node 0 is the base credentials; node k is step k-1.
        guard node > 0, steps.indices.contains(node - 1), case let .hop(p) = steps[node - 1] else { return }
        await readRoleDocuments(plan: p)
    }

    public func retry(node: Int) async {
        // Node 0 is the base credentials; node k is step k-1. Retrying a fetched base fetches it again and runs the
        // step it serves.
        if node == 0, BaseCredentialFetcher.need(analysis.chain.base) != nil, !steps.isEmpty {
            baseFetch = nil
            await drive(.retry(0))
            return
        }
        let step = node - 1
        guard steps.indices.contains(step) else { return }
        await drive(.retry(step))
        await readAfterRun()
    }

    public func reset() async {
        inFlight?.cancel()
        runner = HopRunner.update(runner, .reset).0
        reads = [:]
    }

    // MARK: IAM reads

    /// With `--read-iam`: reads the documents of every hop that ran and has none read yet (a read that found no
    /// credentials to use is tried again).
    private func readAfterRun() async {
        guard readIAM, mode == .live else { return }
        for (i, step) in steps.enumerated() {
            guard case let .hop(p) = step, runner.outcomes[i] != nil, !Task.isCancelled else { continue }
            if let done = reads[p], done.skipped == nil { continue }
            await readRoleDocuments(plan: p)
        }
    }

    /// Reads the trust and identity policies of hop `p`'s role from IAM now, with the credentials that sign the
    /// hop (the caller's); when those did not get the trust policy (denied, or not found because the role is in
    /// another account) and the hop succeeded, once more with the hop's own credentials (a role may read itself).
    /// A role whose trust policy came from `--policy-dir` is not read; offline sessions never read.
    public func readRoleDocuments(plan p: Int) async {
        guard mode == .live, analysis.plans.indices.contains(p), let index = steps.firstIndex(of: .hop(p)) else { return }
        let plan = analysis.plans[p]
        if plan.trustPolicy != nil { return }
        let endpoint = IAMEndpoint.resolve(environment: analysis.input.environment, roleArn: plan.hop.roleArn.value,
                                           region: analysis.chain.region?.value)
        func fetch(_ c: AWSCredentials) async -> RoleDocuments {
            await client.fetchRoleDocuments(endpoint: endpoint.url.value, region: endpoint.signingRegion, credentials: c,
                                            roleName: plan.roleName, hop: plan.number)
        }
        var read = RoleRead(plan: p, hop: plan.number, roleArn: plan.hop.roleArn.value, endpoint: endpoint,
                            documents: RoleDocuments(roleName: plan.roleName))
        var callerWhy = "AssumeRoleWithWebIdentity is signed by no credentials"
        // IAM reads only the caller's own account: a caller known to be elsewhere (the previous hop's role) would
        // get NoSuchEntity, so it is not asked.
        var callerAccount: String?
        if index > 0, let arn = runner.outcomes[index - 1]?.call?.success?.assumedRoleArn { callerAccount = ARN(arn)?.account }
        if plan.hop.kind == .assumeRole, let account = callerAccount, account != plan.account {
            callerWhy = "the caller is in account \(account) and IAM reads only its own account's roles"
        } else if plan.hop.kind == .assumeRole {
            switch await caller(before: index) {
            case let .credentials(c):
                read.documents = await fetch(c)
                read.readAs = .caller
                callerWhy = ""
            case let .unavailable(why): callerWhy = why
            case .cancelled: return
            }
        }
        let own = runner.outcomes[index]?.call?.success?.credentials?.awsCredentials
        // Denied (or, for a role in another account, not found): the role's own session may read itself.
        if read.readAs == nil || read.documents.trustPolicy == nil || read.denied, let own, !Task.isCancelled {
            let second = await fetch(own)
            if read.readAs == nil || second.trustPolicy != nil && (read.documents.trustPolicy == nil || second.complete) {
                let calls = read.documents.calls
                read.documents = second
                read.documents.calls = calls + second.calls
                read.readAs = .hop
            } else {
                read.documents.calls += second.calls
                read.documents.findings += second.findings
            }
        }
        if read.readAs == nil {
            read.skipped = callerWhy + (runner.outcomes[index] == nil
                ? "; run the hop first: its own credentials may read the role"
                : ", and the hop returned no credentials of its own")
        }
        if Task.isCancelled { return }
        reads[p] = read
    }

    public func exportBundle(to path: String) async -> Result<String, BundleExportError> {
        guard let exporter else { return .failure(BundleExportError("export is not available here")) }
        return await exporter(self, path)
    }

    // MARK: the loop

    private func drive(_ event: HopRunnerEvent<StepOutcome>) async {
        guard mode == .live else { return }
        var (state, effects) = HopRunner.update(runner, event)
        runner = state
        while let effect = effects.first {
            effects.removeFirst()
            guard case let .call(index, ticket) = effect else { continue }
            let task = Task { await self.perform(index) }
            inFlight = task
            let outcome = await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
            inFlight = nil
            if Task.isCancelled || task.isCancelled || outcome.call?.failure == .transport(.cancelled) {
                (state, effects) = HopRunner.update(runner, .cancel)
                runner = state
                return
            }
            let ok: Bool
            switch outcome {
            case let .call(r): ok = r.succeeded
            case .skipped: ok = false
            }
            (state, effects) = HopRunner.update(runner, .finished(hop: index, ticket: ticket, outcome: outcome, succeeded: ok))
            runner = state
        }
    }

    /// What signs a step: the credentials of the step before, or for the first step the chain's base.
    private enum Caller {
        case credentials(AWSCredentials)
        /// No credentials, and why (the base fetch failed, or rolehop does not obtain this base).
        case unavailable(String)
        case cancelled
    }

    /// Credentials produced by the step before `index`; for the first step the chain's static keys, or the base
    /// credentials fetched from the container endpoint or instance metadata (once per session).
    private func caller(before index: Int) async -> Caller {
        if index > 0 {
            if let c = runner.outcomes[index - 1]?.call?.success?.credentials?.awsCredentials { return .credentials(c) }
            return .unavailable("the previous step did not produce credentials")
        }
        let base = analysis.chain.base
        if case let .accessKey(keys) = base {
            return .credentials(AWSCredentials(accessKeyId: keys.accessKeyId.value, secretAccessKey: keys.secretAccessKey.value,
                                               sessionToken: keys.sessionToken?.value))
        }
        if case let .namedSource(name, _) = base, name.value == .environment {
            let env = analysis.input.environment
            guard let id = env["AWS_ACCESS_KEY_ID"], !id.isEmpty, let secret = env["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else {
                return .unavailable("credential_source = Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set")
            }
            let token = env["AWS_SESSION_TOKEN"] ?? env["AWS_SECURITY_TOKEN"]
            return .credentials(AWSCredentials(accessKeyId: id, secretAccessKey: Secret(secret),
                                               sessionToken: token.flatMap { $0.isEmpty ? nil : Secret($0) }))
        }
        guard let need = BaseCredentialFetcher.need(base) else { return .unavailable(Self.whyNoCredentials(base)) }
        if let cached = baseFetch, let c = cached.credentials {
            baseFetchStep = index
            return .credentials(c)
        }
        let fetch = await BaseCredentialFetcher.fetch(
            need, environment: analysis.input.environment, fs: analysis.input.fileSystem, transport: transport,
            now: now(), timeout: timeout, connectTimeout: connectTimeout)
        if fetch.cancelled || Task.isCancelled { return .cancelled }
        baseFetch = fetch
        baseFetchStep = index
        if let c = fetch.credentials { return .credentials(c) }
        return .unavailable(fetch.failureReason)
    }

    /// The outcome of a step cut short by cancellation while it fetched base credentials.
    private static func cancelledOutcome(_ action: String, endpoint: String) -> StepOutcome {
        .call(HopCallResult(action: action, endpoint: endpoint, outcome: .failure(.transport(.cancelled)), attempts: []))
    }

    private func perform(_ index: Int) async -> StepOutcome {
        switch steps[index] {
        case let .hop(p):
            let plan = analysis.plans[p]
            let endpoint = plan.hop.stsEndpoint.value
            switch plan.hop.kind {
            case .assumeRoleWithWebIdentity:
                guard let token = analysis.rawToken, analysis.token?.token != nil else {
                    return .skipped("no readable web-identity token (see the token findings)")
                }
                return .call(await client.assumeRoleWithWebIdentity(
                    endpoint: endpoint, roleArn: plan.hop.roleArn.value, sessionName: plan.sessionName.value,
                    token: token, durationSeconds: plan.hop.durationSeconds?.value))
            case .assumeRole:
                let creds: AWSCredentials
                switch await caller(before: index) {
                case let .credentials(c): creds = c
                case let .unavailable(why): return .skipped(why)
                case .cancelled: return Self.cancelledOutcome("AssumeRole", endpoint: endpoint)
                }
                let params = AssumeRoleParameters(roleArn: plan.hop.roleArn.value, sessionName: plan.sessionName.value,
                                                  durationSeconds: plan.hop.durationSeconds?.value,
                                                  externalId: plan.hop.externalId?.value)
                return .call(await client.assumeRole(endpoint: endpoint, region: plan.hop.signingRegion,
                                                     credentials: creds, parameters: params))
            }
        case .identity:
            let (endpoint, region) = identityEndpoint()
            let creds: AWSCredentials
            switch await caller(before: index) {
            case let .credentials(c): creds = c
            case let .unavailable(why): return .skipped(why)
            case .cancelled: return Self.cancelledOutcome("GetCallerIdentity", endpoint: endpoint)
            }
            return .call(await client.getCallerIdentity(endpoint: endpoint, region: region, credentials: creds))
        }
    }

    /// The endpoint of the final GetCallerIdentity: the last hop's, else the chain's region's.
    private func identityEndpoint() -> (String, String) {
        if let last = analysis.plans.last { return (last.hop.stsEndpoint.value, last.hop.signingRegion) }
        let env = analysis.input.environment
        let settings = STSEndpointSettings(region: analysis.chain.region,
                                           stsRegionalEndpoints: env.sourced("AWS_STS_REGIONAL_ENDPOINTS"),
                                           envServiceEndpoint: env.sourced("AWS_ENDPOINT_URL_STS"),
                                           envGlobalEndpoint: env.sourced("AWS_ENDPOINT_URL"))
        let e = STSEndpoint.resolve(settings)
        return (e.url.value, e.signingRegion)
    }

    static func whyNoCredentials(_ base: BaseCredentials) -> String {
        switch base {
        case .process: return "credential_process is not run by rolehop; its credentials are unknown"
        case .sso: return "SSO credentials are not fetched by rolehop"
        case .container: return "container credentials were not fetched"
        case .instanceMetadata: return "instance metadata credentials were not fetched"
        case .namedSource: return "credential_source credentials were not fetched"
        case .none: return "no credentials"
        default: return "the previous step did not produce credentials"
        }
    }
}

/// Findings drawn from live results.
public enum LiveFindings {
    public static func findings(step: LiveStep, outcome: StepOutcome, analysis: Analysis) -> [Finding] {
        switch step {
        case let .hop(p):
            let plan = analysis.plans[p]
            switch outcome {
            case let .skipped(why):
                return [Finding(id: "diagnose.hop-not-run", severity: .warn, title: "Hop \(plan.number) was not run: \(why)",
                                evidence: [Evidence("role", plan.hop.roleArn.value, source: plan.hop.roleArn.source)],
                                hop: plan.number)]
            case let .call(r):
                var out = STSErrorClassifier.findings(for: r, hop: plan.number)
                out += contradiction(plan: plan, result: r)
                return out
            }
        case .identity:
            guard case let .call(r) = outcome else { return [] }
            var out = STSErrorClassifier.findings(for: r, hop: nil)
            if let who = r.success?.callerIdentity { out += identityFindings(who, analysis: analysis) }
            return out
        }
    }

    static func contradiction(plan: HopPlan, result: HopCallResult) -> [Finding] {
        // Only authorisation answers contradict a trust/permission prediction (a ValidationError does not).
        if plan.predicted == .ok, case let .failure(.aws(e, _)) = result.outcome,
           ["AccessDenied", "InvalidIdentityToken"].contains(e.code) {
            return [Finding(
                id: "diagnose.prediction-contradicted", severity: .fail,
                title: "Hop \(plan.number): the documents allow it, but STS refused (\(e.code))",
                evidence: [Evidence("predicted", plan.prediction), Evidence("STS said", "\(e.code): \(e.message)")],
                why: "Something rolehop cannot see from here decided: a missing IAM OIDC provider in the role's account "
                    + "(for web identity the provider must exist in \(plan.account)), a service control policy, a permissions "
                    + "boundary, a session policy, or trust/identity documents that differ from the ones supplied.",
                fix: plan.hop.kind == .assumeRoleWithWebIdentity
                    ? "aws iam list-open-id-connect-providers   # run in account \(plan.account); create the provider for the cluster's issuer if missing"
                    : "Compare the supplied documents with `aws iam get-role --role-name \(plan.roleName)`; check SCPs and permission boundaries in \(plan.account).",
                hop: plan.number)]
        }
        if plan.predicted == .fail, result.succeeded {
            return [Finding(id: "diagnose.prediction-contradicted", severity: .warn,
                            title: "Hop \(plan.number): predicted to fail, but STS allowed it",
                            evidence: [Evidence("predicted", plan.prediction)],
                            why: "The supplied documents probably differ from what IAM holds now.",
                            fix: "Refresh --policy-dir with `aws iam get-role --role-name \(plan.roleName)`.", hop: plan.number)]
        }
        return []
    }

    static func identityFindings(_ who: CallerIdentity, analysis: Analysis) -> [Finding] {
        var out: [Finding] = []
        let parts = who.arn.split(separator: "/")
        // `assumed-role/NAME/i-0123456789abcdef0`: the node's instance role.
        if who.arn.contains(":assumed-role/"), let session = parts.last, session.hasPrefix("i-"),
           session.dropFirst(2).allSatisfy({ $0.isHexDigit }) {
            out.append(Finding(
                id: "identity.node-role", severity: .fail,
                title: "The chain ends as the node's instance role",
                evidence: [Evidence("caller", who.arn)],
                why: "The pod fell back to instance metadata: an old SDK without web identity support, missing IRSA "
                    + "variables, or a source that failed silently. Everything on the node shares this role.",
                fix: "Make sure AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are set in the container and the SDK supports "
                    + "web identity; block IMDS from pods (hop limit 1) so failures are loud.",
                docURL: "https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts-minimum-sdk.html"))
        }
        let expected = analysis.plans.last?.hop.roleArn.value ?? analysis.input.environment["AWS_ROLE_ARN"]
        if let expected, let role = ARN(expected)?.roleName, let account = ARN(expected)?.account {
            let matches = who.account == account && (who.arn.contains(":assumed-role/\(role)/") || who.arn.hasSuffix(":role/\(role)"))
            if !matches {
                out.append(Finding(
                    id: "identity.unexpected", severity: .fail,
                    title: "The final identity is not \(role)",
                    evidence: [Evidence("caller", who.arn), Evidence("expected role", expected)],
                    why: "Another credential source won: static keys in the environment or a profile shadow IRSA, or the "
                        + "chain stopped early.",
                    fix: "See the precedence findings: remove AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the pod, or select the intended profile."))
            }
        }
        return out
    }
}
