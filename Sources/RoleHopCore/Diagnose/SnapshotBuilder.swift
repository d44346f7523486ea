
/// Turns an analysis and the live results into what viewers draw: one node per link of the chain, each with
/// ready-made tab contents. Pure: the same inputs and `now` give the same snapshot.
public enum SnapshotBuilder {
    /// `baseFetch` is the session's fetch of container or instance metadata base credentials, if it made one;
    /// it is shown on the base node and on the first step, which those credentials sign.
    public static func build(analysis: Analysis, steps: [LiveStep], phases: [HopPhase], outcomes: [StepOutcome?],
                             findings: [Finding], mode: ExplorerMode, now: Date,
                             baseFetch: BaseCredentialFetch? = nil) -> ExplorerSnapshot {
        let chain = analysis.chain
        // A fetch belongs to the run on screen only while the first step has a result.
        let fetch = outcomes.first.flatMap { $0 } == nil ? nil : baseFetch
        var nodes: [NodeView] = [baseNode(analysis, findings: findings, now: now, fetch: fetch)]
        for (i, step) in steps.enumerated() {
            switch step {
            case let .hop(p):
                nodes.append(hopNode(analysis.plans[p], analysis: analysis, phase: phases[i], outcome: outcomes[i],
                                     findings: findings, now: now, fetch: i == 0 ? fetch : nil, mode: mode))
            case .identity:
                nodes.append(identityNode(analysis, phase: phases[i], outcome: outcomes[i], findings: findings,
                                          fetch: i == 0 ? fetch : nil))
            }
        }
        if steps.isEmpty {
            nodes.append(NodeView(kind: .finalIdentity, label: "final identity", detail: "chain not resolvable",
                                  state: .predicted(.fail),
                                  tabs: [.overview: [heading("No chain"), StyledLine(chain.blocker?.title ?? "nothing to run", .fail)]
                                      + fixLines(chain.blocker)],
                                  worst: .fail))
        }
        let focus = nodes.firstIndex(where: { $0.state == .failed })
            ?? nodes.firstIndex(where: { $0.state == .predicted(.fail) })
        let identity = outcomes.last??.call?.success?.callerIdentity?.arn
        return ExplorerSnapshot(profile: chain.profile?.value ?? "(default chain)",
                                region: chain.region?.value ?? "(no region)", mode: mode, finalIdentity: identity,
                                nodes: nodes, findings: findings, focusNode: focus)
    }

    // MARK: nodes

    static func baseNode(_ a: Analysis, findings: [Finding], now: Date, fetch: BaseCredentialFetch? = nil) -> NodeView {
        let chain = a.chain
        var overview: [StyledLine] = []
        var settings: [StyledLine] = [heading("Credential sources in precedence order")]
        for c in chain.candidates {
            let role: StyleRole = c.status == .winner ? .ok : (c.status == .shadowed ? .warn : .muted)
            settings.append(StyledLine([Span(pad(c.status.rawValue, 10), role), Span(c.summary)]))
            for e in c.evidence { settings.append(kv("  " + e.label, e.value, source: e.source)) }
        }
        if chain.candidates.isEmpty { settings.append(StyledLine("none found in this environment", .fail)) }
        settings.append("")
        settings.append(heading("Files"))
        for f in a.configFiles { settings.append(kv(f.kind.rawValue, "\(f.path) (\(f.state.rawValue))")) }
        if let r = chain.region { settings.append(kv("region", r.value, source: r.source)) }

        let label: String
        var detail: String
        var kind = NodeKind.baseCredentials
        var tabs: [ExplorerTab: [StyledLine]] = [:]
        switch chain.base {
        case let .webIdentity(file, profile):
            label = "web identity token"
            detail = file.value.split(separator: "/").suffix(2).joined(separator: "/")
            overview = [heading("Base credentials: projected service-account token")]
            overview.append(kv("file", file.value, source: file.source))
            if let profile { overview.append(kv("profile", profile)) }
        case let .accessKey(keys):
            label = "static access keys"
            detail = keys.profile.map { "profile \($0)" } ?? "environment"
            overview = [heading("Base credentials: static access keys"),
                        kv("access key", Redaction.maskAccessKeyId(keys.accessKeyId.value), source: keys.accessKeyId.source),
                        kv("secret key", Redaction.mask, source: keys.secretAccessKey.source)]
            if let t = keys.sessionToken { overview.append(kv("session token", Redaction.mask, source: t.source)) }
        case let .process(command, profile):
            label = "credential_process"
            detail = "profile \(profile)"
            overview = [heading("Base credentials: credential_process (not run)"), kv("command", command.value, source: command.source)]
        case let .sso(url, _, account, role, profile):
            label = "SSO"
            detail = "profile \(profile)"
            overview = [heading("Base credentials: IAM Identity Center (not fetched)")]
            if let url { overview.append(kv("start URL", url.value, source: url.source)) }
            if let account { overview.append(kv("account", account.value, source: account.source)) }
            if let role { overview.append(kv("role", role.value, source: role.source)) }
        case let .container(uri, tokenFile):
            kind = .containerCredentials
            label = "container credentials"
            detail = uri.value
            overview = [heading("Base credentials: container credentials endpoint"), kv("URI", uri.value, source: uri.source)]
            if let t = tokenFile { overview.append(kv("token file", t.value, source: t.source)) }
        case let .namedSource(name, profile):
            label = "credential_source"
            detail = "\(name.value.rawValue) (profile \(profile))"
            overview = [heading("Base credentials: credential_source"), kv("source", name.value.rawValue, source: name.source)]
        case .instanceMetadata:
            label = "instance metadata"
            detail = "the node's role"
            overview = [heading("Base credentials: EC2 instance metadata (the node role)")]
        case .none:
            label = "no credentials"
            detail = "nothing usable"
            overview = [heading("No credential source")]
        }
        if let t = a.token {
            overview += tokenSummary(t, now: now)
            tabs[.token] = tokenTab(t, verification: a.tokenVerification, now: now)
        }
        var fetchFailed = false
        if let fetch {
            if let c = fetch.credentials {
                var text = "\(Redaction.maskAccessKeyId(c.accessKeyId)) \(fetch.originText)"
                if let e = fetch.expiration { text += ", expires \(UTCTime.iso8601(e)) (in \(UTCTime.humanDuration(e.timeIntervalSince(now))))" }
                overview.append(kv("live", text, .ok))
                if case let .instanceMetadata(_, role?) = fetch.origin { detail = "role \(role)" }
            } else {
                fetchFailed = true
                overview.append(kv("live", fetch.failureReason, .fail))
            }
        }
        let mine = findings.filter { ($0.hop == nil || $0.hop == 0) && ($0.id.hasPrefix("chain.") || $0.id.hasPrefix("config.") || $0.id.hasPrefix("irsa.")) }
            + (a.token?.findings ?? []).filter { $0.severity >= .warn }
        overview += topFindings(mine)
        tabs[.overview] = overview
        tabs[.settings] = settings
        let worst = fetchFailed ? .fail : mine.map(\.severity).max()
        let state: NodeState = fetchFailed ? .failed
            : worst == .fail ? .predicted(.fail) : (chain.isResolvable ? .succeeded : .predicted(.fail))
        return NodeView(kind: kind, label: label, detail: detail, state: state, tabs: tabs,
                        worst: worst.flatMap { $0 >= .warn ? $0 : nil })
    }

    static func hopNode(_ plan: HopPlan, analysis: Analysis, phase: HopPhase, outcome: StepOutcome?,
                        findings: [Finding], now: Date, fetch: BaseCredentialFetch? = nil,
                        mode: ExplorerMode = .offline) -> NodeView {
        let hop = plan.hop
        let action = hop.kind == .assumeRole ? "AssumeRole" : "AssumeRoleWithWebIdentity"
        var overview: [StyledLine] = [heading("Hop \(plan.number): \(action)")]
        overview.append(kv("role", hop.roleArn.value, source: hop.roleArn.source))
        overview.append(kv("session", plan.sessionName.value, source: plan.sessionName.source))
        overview.append(kv("endpoint", hop.stsEndpoint.value, source: hop.stsEndpoint.source))
        if let caller = plan.callerArn { overview.append(kv("caller", caller)) }
        if let fetch, fetch.succeeded { overview.append(kv("signed with", "base credentials \(fetch.originText)")) }
        overview.append(kv("predicted", plan.prediction, plan.predicted == .fail ? .fail : (plan.predicted == .ok ? .ok : .muted)))
        overview += liveSummary(outcome, now: now)
        let mine = findings.filter { $0.hop == plan.number }
        overview += topFindings(mine)

        var settings: [StyledLine] = [heading("Settings of hop \(plan.number)")]
        func add(_ name: String, _ v: Sourced<String>?) { if let v { settings.append(kv(name, v.value, source: v.source)) } }
        add("role_arn", hop.roleArn)
        add("role_session_name", hop.sessionName)
        add("external_id", hop.externalId)
        add("mfa_serial", hop.mfaSerial)
        if let d = hop.durationSeconds { settings.append(kv("duration_seconds", String(d.value), source: d.source)) }
        add("web_identity_token_file", hop.webIdentityTokenFile)
        add("source_profile", hop.sourceProfile)
        add("credential_source", hop.credentialSource)
        add("region", hop.region)
        add("sts endpoint", hop.stsEndpoint)
        settings.append(kv("signing region", hop.signingRegion))
        settings.append(kv("chained", hop.isChained ? "yes (1-hour limit)" : "no"))
        if let p = hop.profile { settings.append(kv("profile", p)) }

        var tabs: [ExplorerTab: [StyledLine]] = [.overview: overview, .settings: settings, .trust: trustTab(plan, mode: mode),
                                                 .permissions: permissionsTab(plan), .http: httpTab(outcome)]
        if hop.kind == .assumeRoleWithWebIdentity, let t = analysis.token {
            tabs[.token] = tokenTab(t, verification: analysis.tokenVerification, now: now)
        }
        let worst = mine.map(\.severity).max()
        return NodeView(kind: hop.kind == .assumeRole ? .assumeRoleHop : .webIdentityHop, label: plan.roleName,
                        detail: "\(action) → \(plan.account)", state: state(phase, predicted: plan.predicted),
                        tabs: tabs, worst: worst.flatMap { $0 >= .warn ? $0 : nil })
    }

    static func identityNode(_ a: Analysis, phase: HopPhase, outcome: StepOutcome?, findings: [Finding],
                             fetch: BaseCredentialFetch? = nil) -> NodeView {
        var overview: [StyledLine] = [heading("Final identity: GetCallerIdentity")]
        if let fetch, fetch.succeeded { overview.append(kv("signed with", "base credentials \(fetch.originText)")) }
        let who = outcome?.call?.success?.callerIdentity
        if let who {
            overview.append(kv("arn", who.arn, .ok))
            overview.append(kv("account", who.account))
            overview.append(kv("user id", who.userId))
        } else if case let .skipped(why) = outcome {
            overview.append(kv("not run", why, .warn))
        } else {
            overview.append(StyledLine("Run the chain (n or a) to see who the pod finally is.", .muted))
        }
        overview += liveSummary(outcome, now: nil)
        // With no hop, GetCallerIdentity is the step the base credentials fetch served: its findings are shown here.
        let mine = findings.filter {
            $0.id.hasPrefix("identity.") || (fetch != nil && $0.hop == nil
                && ($0.id.hasPrefix("pod.identity.") || $0.id.hasPrefix("imds.") || $0.id == BaseCredentialFetcher.unavailableId))
        }
        overview += topFindings(mine)
        let worst = mine.map(\.severity).max()
        return NodeView(kind: .finalIdentity, label: "final identity", detail: who?.arn ?? "unknown until run",
                        state: state(phase, predicted: .info), tabs: [.overview: overview, .http: httpTab(outcome)],
                        worst: worst.flatMap { $0 >= .warn ? $0 : nil })
    }

    static func state(_ phase: HopPhase, predicted: Severity) -> NodeState {
        switch phase {
        case .pending, .cancelled: return .predicted(predicted)
        case .running: return .running
        case .succeeded: return .succeeded
        case .failed: return .failed
        }
    }

    // MARK: tab contents

    static func liveSummary(_ outcome: StepOutcome?, now: Date?) -> [StyledLine] {
        // Swift 6.3's optimizer crashed (CopyPropagation ownership error) on `r.attempts.last?.status` here in
        // release builds; the loop over attempts below avoids that shape.
        guard let outcome else { return [] }
        guard let r = outcome.call else {
            if case let .skipped(why) = outcome { return [kv("live", "not run: \(why)", .warn)] }
            return []
        }
        var out: [StyledLine] = []
        let total = r.attempts.reduce(0.0) { $0 + $1.timings.total }
        let tries = r.attempts.count > 1 ? ", \(r.attempts.count) attempts" : ""
        if let s = r.success {
            var status = 200
            for a in r.attempts { if let resp = a.response { status = resp.status } }
            out.append(kv("live result", "\(status) OK in \(Waterfall.ms(total))\(tries)", .ok))
            if let arn = s.assumedRoleArn { out.append(kv("identity", arn)) }
            if let c = s.credentials { out.append(kv("credentials", credentialsText(c, now: now))) }
            if let id = s.requestId { out.append(kv("request id", id, .muted)) }
        } else if let f = r.failure {
            out.append(kv("live result", describe(f) + tries, .fail))
            if let id = r.requestId { out.append(kv("request id", id, .muted)) }
        }
        return out
    }

    static func credentialsText(_ c: TemporaryCredentials, now: Date?) -> String {
        var exp = c.expiration.map(UTCTime.iso8601) ?? "?"
        if let now, let e = c.expiration { exp += " (in \(UTCTime.humanDuration(e.timeIntervalSince(now))))" }
        return "\(Redaction.maskAccessKeyId(c.accessKeyId)), expires \(exp)"
    }

    public static func describe(_ f: HopFailure) -> String {
        switch f {
        case let .aws(e, status): return "HTTP \(status) \(e.code): \(e.message)"
        case let .transport(t): return "\(t.code): \(t.description)"
        case let .malformedResponse(status, detail): return "malformed response (HTTP \(status)): \(detail)"
        }
    }

    static func tokenSummary(_ t: TokenFileReport, now: Date) -> [StyledLine] {
        var out: [StyledLine] = []
        if let info = t.info {
            let readable = t.readableByIdentity ?? false
            out.append(kv("readable", (readable ? "yes" : "NO") + " (mode 0\(String(info.mode, radix: 8)), uid \(info.uid) gid \(info.gid))",
                          readable ? .ok : .fail))
        } else {
            out.append(kv("file", "missing", .fail))
        }
        if let c = t.token?.claims {
            if let exp = c.exp {
                let d = exp.timeIntervalSince(now)
                out.append(kv("expires", UTCTime.iso8601(exp) + (d >= 0 ? " (in \(UTCTime.humanDuration(d)))" : " (expired \(UTCTime.humanDuration(d)) ago)"),
                              d >= 0 ? .ok : .fail))
            }
            if let sub = c.sub { out.append(kv("subject", sub)) }
        } else if let e = t.decodeError {
            out.append(kv("token", e.description, .fail))
        }
        return out
    }

    static func tokenTab(_ t: TokenFileReport, verification: Finding?, now: Date) -> [StyledLine] {
        var out: [StyledLine] = [heading("File")]
        out.append(kv("path", t.path.value, source: t.path.source))
        if let info = t.info {
            out.append(kv("owner", "uid \(info.uid)\(t.owner.map { " (\($0))" } ?? "") gid \(info.gid)\(t.group.map { " (\($0))" } ?? "")"))
            out.append(kv("mode", "0" + String(info.mode, radix: 8)))
            out.append(kv("modified", UTCTime.iso8601(info.modified) + " (\(UTCTime.humanDuration(now.timeIntervalSince(info.modified))) ago)"))
            out.append(kv("readable", (t.readableByIdentity ?? false) ? "yes, by uid \(t.uid)" : "no, not by uid \(t.uid)",
                          (t.readableByIdentity ?? false) ? .ok : .fail))
        }
        guard let token = t.token else {
            if let e = t.decodeError { out.append(kv("error", e.description, .fail)) }
            return out
        }
        out.append("")
        out.append(heading("Header"))
        out.append(kv("alg", token.header.alg ?? "(none)", token.header.alg == nil || token.header.alg == "none" ? .fail : .plain))
        out.append(kv("kid", token.header.kid ?? "(none)"))
        if let typ = token.header.typ { out.append(kv("typ", typ)) }
        out.append("")
        out.append(heading("Claims"))
        let c = token.claims
        if let iss = c.iss { out.append(kv("iss", iss)) }
        if let sub = c.sub { out.append(kv("sub", sub)) }
        out.append(kv("aud", c.aud.joined(separator: ", ")))
        func time(_ name: String, _ d: Date?) {
            guard let d else { return }
            let delta = d.timeIntervalSince(now)
            let rel = delta >= 0 ? "in \(UTCTime.humanDuration(delta))" : "\(UTCTime.humanDuration(delta)) ago"
            let role: StyleRole = (name == "exp" && delta < 0) || (name == "nbf" && delta > 0) ? .fail : .plain
            out.append(kv(name, "\(UTCTime.iso8601(d))  \(rel)", role))
        }
        time("iat", c.iat)
        time("nbf", c.nbf)
        time("exp", c.exp)
        if let k = token.kubernetes {
            out.append("")
            out.append(heading("Kubernetes"))
            if let v = k.namespace { out.append(kv("namespace", v)) }
            if let v = k.serviceAccountName { out.append(kv("service acct", v)) }
            if let v = k.podName { out.append(kv("pod", v)) }
            if let v = k.nodeName { out.append(kv("node", v)) }
            if let w = k.warnAfter {
                let delta = w.timeIntervalSince(now)
                out.append(kv("warnafter", UTCTime.iso8601(w) + (delta >= 0 ? "  in \(UTCTime.humanDuration(delta))" : "  passed \(UTCTime.humanDuration(delta)) ago"),
                              delta >= 0 ? .plain : .warn))
            }
        }
        out.append("")
        out.append(heading("Signature"))
        out.append(kv("value", "**** (\(token.signatureLength) bytes, never shown)", .muted))
        if let v = verification {
            out.append(kv("verification", v.title, v.severity == .fail ? .fail : (v.severity == .ok ? .ok : .warn)))
        } else {
            out.append(kv("verification", "not checked (use --jwks FILE, or `rolehop token --verify`)", .muted))
        }
        return out
    }

    static func trustTab(_ plan: HopPlan, mode: ExplorerMode) -> [StyledLine] {
        guard let text = plan.trustPolicy else {
            var out: [StyledLine] = [
                heading("Trust policy of \(plan.roleName)"),
                StyledLine("Not supplied. A pod usually may not call iam:GetRole; give the documents offline:", .muted),
                StyledLine("  aws iam get-role --role-name \(plan.roleName) > DIR/\(plan.roleName).trust.json", .accent),
                StyledLine("  rolehop --policy-dir DIR", .accent)]
            if mode == .live {
                out.append(StyledLine("Or read it from IAM now: i in the live explorer, --read-iam for check (a denied read is logged in CloudTrail).", .muted))
            }
            return out
        }
        var out: [StyledLine] = [heading("Trust policy of \(plan.roleName)"), kv("from", text.source.description, .muted)]
        guard let t = plan.trust else {
            out.append(StyledLine(plan.prediction, .muted))
            out += policyLines(text.document, highlight: [])
            return out
        }
        let verdictRole: StyleRole = t.decision == .allowed ? .ok : .fail
        out.append(kv("decision", t.decision.rawValue + " — " + t.evaluation.reason, verdictRole))
        var highlights: [String] = []
        if let c = t.decidingCondition { highlights.append(c.key) }
        if let d = t.decidingStatement {
            out.append("")
            out.append(heading(t.trustDecision == .allowed ? "Deciding statement" : "Closest statement"))
            out.append(kv("statement", (d.sid.map { "\"\($0)\" " } ?? "") + "#\(d.index) \(d.effect.rawValue)"))
            if let p = d.principal { out.append(kv("principal", p.detail, p.matched ? .ok : .fail)) }
            out.append(kv("action", d.action.detail, d.action.matched ? .ok : .fail))
            for c in d.conditions {
                out.append(StyledLine([Span(c.result ? "✔ " : "✘ ", c.result ? .ok : .fail), Span(c.operatorName + " ", .accent),
                                       Span(c.key, c.result ? .plain : .highlight)]))
                out.append(kv("    policy", c.policyValues.joined(separator: " | ")))
                out.append(kv("    request", c.requestValues?.joined(separator: " | ") ?? "(absent)", c.result ? .plain : .fail))
                if let n = c.nearMiss { out.append(kv("    fix", n.message, .warn)) }
                if !c.result { highlights.append(c.key) }
            }
        }
        for s in t.suggestions where !out.contains(where: { $0.text.contains(s.message) }) {
            out.append(StyledLine([Span("→ ", .warn), Span(s.message)]))
        }
        out.append("")
        out.append(heading("Policy"))
        out += policyLines(text.document, highlight: highlights)
        if let fix = t.suggestedPolicy, t.decision != .allowed {
            out.append("")
            out.append(heading("Suggested trust policy"))
            out += fix.serialized(pretty: true).split(separator: "\n", omittingEmptySubsequences: false).map { StyledLine(String($0), .accent) }
        }
        return out
    }

    static func policyLines(_ document: String, highlight: [String]) -> [StyledLine] {
        let pretty = (try? JSONParser.parse(document, recordPositions: false).value.serialized(pretty: true)) ?? document
        return pretty.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let hit = highlight.contains { !$0.isEmpty && line.contains("\"\($0)\"") }
            return StyledLine(String(line), hit ? .highlight : .plain)
        }
    }

    static func permissionsTab(_ plan: HopPlan) -> [StyledLine] {
        var out: [StyledLine] = [heading("Does the caller's identity policy allow this hop?")]
        guard plan.hop.kind == .assumeRole else {
            return out + [StyledLine("AssumeRoleWithWebIdentity is unsigned: the token is the proof, no identity policy applies.", .muted)]
        }
        if let caller = plan.callerArn { out.append(kv("caller", caller)) }
        guard let t = plan.trust else {
            return out + [StyledLine(plan.callerPolicies.isEmpty ? "The caller's identity policies were not supplied (--policy-dir ROLE.identity*.json)." : plan.prediction, .muted)]
        }
        out.append(kv("required", t.identityRequired ? "yes (cross-account or account-root trust)" : "no (the trust names the caller)"))
        if let e = t.identityEvaluation {
            out.append(kv("decision", e.decision.rawValue + " — " + e.reason, e.decision == .allowed ? .ok : .fail))
            for s in e.statements {
                out.append(StyledLine([Span(s.matched ? "✔ " : "✘ ", s.matched ? .ok : .muted), Span("\(s.policyFile) #\(s.index) \(s.effect.rawValue)")]))
                out.append(kv("    action", s.action.detail, s.action.matched ? .plain : .muted))
                if let r = s.resource { out.append(kv("    resource", r.detail, r.matched ? .plain : .muted)) }
            }
        } else {
            out.append(StyledLine("Identity policies not supplied: " + (t.identityRequired ? "the hop needs them to allow sts:AssumeRole." : "not needed here."), .muted))
        }
        for x in t.extraActions { out.append(kv(x.action, x.decision.rawValue + " — " + x.reason, x.decision == .allowed ? .ok : .fail)) }
        return out
    }

    static func httpTab(_ outcome: StepOutcome?) -> [StyledLine] {
        guard let r = outcome?.call else { return [StyledLine("No call yet. Press n to run the next hop.", .muted)] }
        var out: [StyledLine] = [heading("\(r.action) → \(r.endpoint)")]
        if let skew = r.clockSkew { out.append(kv("clock skew", "\(Int(skew.rounded())) s (server minus local)", abs(skew) > 300 ? .fail : .muted)) }
        for a in r.attempts {
            out.append("")
            var status = "no answer"
            if let resp = a.response { status = "HTTP \(resp.status)" } else if let e = a.transportError { status = e.code }
            out.append(heading("Attempt \(a.number): \(status)\(a.errorCode.map { " \($0)" } ?? "")\(a.retried ? " (retried)" : "")"))
            if a.backoffBefore > 0 { out.append(kv("backoff", Waterfall.ms(a.backoffBefore))) }
            out.append(kv("timing", Waterfall.summary(a.timings)))
            out.append(StyledLine([Span(pad("", 14)), Span(Waterfall.bar(a.timings, width: 40), .accent)]))
            out.append(StyledLine("> \(a.request.method) \(a.request.url)", .accent))
            for (k, v) in a.request.headers { out.append(StyledLine("> \(k): \(v)", .muted)) }
            if !a.request.body.isEmpty { out.append(StyledLine("> " + a.request.body, .muted)) }
            if let resp = a.response {
                out.append(StyledLine("< HTTP \(resp.status)", resp.status < 400 ? .ok : .fail))
                for (k, v) in resp.headers { out.append(StyledLine("< \(k): \(v)", .muted)) }
                for line in resp.body.split(separator: "\n").prefix(40) { out.append(StyledLine("< " + String(line))) }
            } else if let e = a.transportError {
                out.append(StyledLine("✘ \(e.description)", .fail))
            }
        }
        return out
    }

    static func topFindings(_ findings: [Finding]) -> [StyledLine] {
        let top = findings.filter { $0.severity >= .warn }.prefix(3)
        guard !top.isEmpty else { return [] }
        var out: [StyledLine] = ["", heading("Findings")]
        for f in top {
            out.append(StyledLine([Span(f.severity == .fail ? "✘ " : "! ", f.severity == .fail ? .fail : .warn), Span(f.title)]))
            out += fixLines(f)
        }
        return out
    }

    static func fixLines(_ f: Finding?) -> [StyledLine] {
        guard let f, !f.fix.isEmpty else { return [] }
        return f.fix.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { i, line in
            StyledLine([Span(i == 0 ? "  fix: " : "       ", .muted), Span(String(line), .accent)])
        }
    }

    static func heading(_ text: String) -> StyledLine { StyledLine(text, .heading) }

    static func kv(_ label: String, _ value: String, _ role: StyleRole = .plain, source: Source? = nil) -> StyledLine {
        var spans = [Span(pad(label, 14), .muted), Span(value, role)]
        if let source { spans.append(Span("  " + source.description, .muted)) }
        return StyledLine(spans)
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}
