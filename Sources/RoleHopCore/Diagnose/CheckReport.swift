
/// The report of `rolehop check`: JSON (schema in docs/report-schema.json, version `schemaVersion`) and an
/// 80-column text form. Both render the same findings as the TUI and the bundle.
public struct CheckReport: Sendable {
    public static let schemaVersion = 1

    public var analysis: Analysis
    public var mode: ExplorerMode
    public var steps: [LiveStep]
    public var phases: [HopPhase]
    public var outcomes: [StepOutcome?]
    public var findings: [Finding]
    public var generatedAt: Date
    /// The live fetch of container or instance metadata base credentials behind the first step, if one was made.
    public var baseFetch: BaseCredentialFetch?
    /// The role documents read from IAM (`--read-iam`), in hop order.
    public var roleReads: [RoleRead]

    public init(analysis: Analysis, mode: ExplorerMode, steps: [LiveStep], phases: [HopPhase], outcomes: [StepOutcome?],
                findings: [Finding], generatedAt: Date, baseFetch: BaseCredentialFetch? = nil, roleReads: [RoleRead] = []) {
        self.analysis = analysis
        self.roleReads = roleReads
        self.baseFetch = baseFetch
        self.mode = mode
        self.steps = steps
        self.phases = phases
        self.outcomes = outcomes
        self.findings = findings
        self.generatedAt = generatedAt
    }

    /// From a session after it ran (or did not, offline).
    public static func from(_ session: ChainSession, generatedAt: Date) async -> CheckReport {
        let outcomes = await session.outcomes
        // A fetch belongs to the results shown only while the first step has one.
        let fetch = outcomes.first.flatMap { $0 } == nil ? nil : await session.baseCredentialFetch
        return CheckReport(analysis: await session.currentAnalysis, mode: session.mode, steps: session.steps,
                           phases: await session.phases, outcomes: outcomes, findings: await session.allFindings,
                           generatedAt: generatedAt, baseFetch: fetch, roleReads: await session.roleReads)
    }

    public enum Verdict: String, Sendable { case works, broken, unusable }

    public var finalIdentity: CallerIdentity? {
        guard let i = steps.firstIndex(of: .identity) else { return nil }
        return outcomes[i]?.call?.success?.callerIdentity
    }

    /// 0 when the chain works (live: every step succeeded; offline: nothing predicts failure), 1 when it does not,
    /// 2 for unusable input.
    public var exitCode: Int32 {
        if analysis.unusable != nil { return 2 }
        if mode == .live {
            return !phases.isEmpty && phases.allSatisfy({ $0 == .succeeded }) && !findings.contains(where: { $0.severity == .fail && $0.id.hasPrefix("identity.") }) ? 0 : 1
        }
        let predictedFail = analysis.plans.contains { $0.predicted == .fail }
        return predictedFail || findings.contains(where: { $0.severity == .fail }) ? 1 : 0
    }

    public var verdict: Verdict {
        switch exitCode {
        case 0: .works
        case 2: .unusable
        default: .broken
        }
    }

    // MARK: JSON

    public var jsonObject: JSONValue {
        let chain = analysis.chain
        func sourced(_ s: Sourced<String>?) -> JSONValue {
            s.map { .object([("value", .string($0.value)), ("source", $0.source.jsonObject)]) } ?? .null
        }
        var hops: [JSONValue] = []
        var identity: JSONValue = .null
        for (i, step) in steps.enumerated() {
            let live: JSONValue = .object([("state", .string(Self.phaseName(phases[i]))), ("result", Self.outcomeJSON(outcomes[i]))])
            switch step {
            case let .hop(p):
                let plan = analysis.plans[p]
                var f: [(String, JSONValue)] = [
                    ("number", .number(Double(plan.number))),
                    ("action", .string(plan.hop.kind == .assumeRole ? "AssumeRole" : "AssumeRoleWithWebIdentity")),
                    ("roleArn", sourced(plan.hop.roleArn)), ("account", .string(plan.account)),
                    ("sessionName", sourced(plan.sessionName)), ("endpoint", sourced(plan.hop.stsEndpoint)),
                    ("signingRegion", .string(plan.hop.signingRegion)), ("chained", .bool(plan.hop.isChained)),
                    ("callerArn", plan.callerArn.map { .string($0) } ?? .null),
                    ("predicted", .object([("severity", .string(plan.predicted.rawValue)), ("summary", .string(plan.prediction)),
                                           ("decision", plan.trust.map { .string($0.decision.rawValue) } ?? .null)])),
                ]
                f.append(("trustPolicy", plan.trustPolicy.map { d in
                    .object([("name", .string(d.name)), ("source", d.source.jsonObject)])
                } ?? .null))
                if let t = plan.trust { f.append(("trust", PolicyReport.json(t))) }
                f.append(("live", live))
                hops.append(.object(f))
            case .identity:
                identity = live
            }
        }
        let who = finalIdentity
        return .object([
            ("schemaVersion", .number(Double(Self.schemaVersion))),
            ("rolehopVersion", .string(RoleHopVersion.string)),
            ("generatedAt", .string(UTCTime.iso8601(generatedAt))),
            ("mode", .string(mode.rawValue)),
            ("verdict", .string(verdict.rawValue)),
            ("exitCode", .number(Double(exitCode))),
            ("unusable", analysis.unusable.map { .string($0) } ?? .null),
            ("profile", sourced(chain.profile)),
            ("region", sourced(chain.region)),
            ("finalIdentity", who.map { .object([("arn", .string($0.arn)), ("account", .string($0.account)), ("userId", .string($0.userId))]) } ?? .null),
            ("chain", ChainReport.json(chain, files: analysis.configFiles)),
            ("baseCredentials", baseFetch.map(\.jsonObject) ?? .null),
            ("token", tokenJSON),
            ("hops", .array(hops)),
            ("identity", identity),
            ("iamReads", .array(roleReads.map(\.jsonObject))),
            ("findings", .array(findings.map(\.jsonObject))),
        ])
    }

    /// The token's file facts, header and claims; never the raw token or its signature.
    public var tokenJSON: JSONValue {
        guard let t = analysis.token else { return .null }
        var f: [(String, JSONValue)] = [("path", .string(t.path.value)), ("pathSource", t.path.source.jsonObject)]
        if let info = t.info {
            f.append(("file", .object([("mode", .string("0" + String(info.mode, radix: 8))), ("uid", .number(Double(info.uid))),
                                       ("gid", .number(Double(info.gid))), ("modified", .string(UTCTime.iso8601(info.modified))),
                                       ("readable", .bool(t.readableByIdentity ?? false))])))
        }
        if let token = t.token {
            f.append(("header", token.header.json))
            f.append(("claims", token.payload))
            f.append(("signatureBytes", .number(Double(token.signatureLength))))
        }
        if let e = t.decodeError { f.append(("error", .string(e.description))) }
        if let v = analysis.tokenVerification { f.append(("verification", v.jsonObject)) }
        return .object(f)
    }

    static func phaseName(_ p: HopPhase) -> String {
        switch p {
        case .pending: "pending"
        case .running: "running"
        case .succeeded: "succeeded"
        case .failed: "failed"
        case .cancelled: "cancelled"
        }
    }

    static func outcomeJSON(_ o: StepOutcome?) -> JSONValue {
        switch o {
        case nil: return .null
        case let .skipped(why): return .object([("skipped", .string(why))])
        case let .call(r): return r.jsonObject
        }
    }

    // MARK: text

    /// The readable report, at most `width` columns wide.
    public func text(width: Int = 80) -> String {
        var out: [String] = []
        let chain = analysis.chain
        out.append("rolehop check  (\(mode.rawValue))")
        if let p = chain.profile { out += wrap("profile  \(p.value)  [\(p.source)]", width, indent: 9) } else { out.append("profile  (none: the default provider chain)") }
        if let r = chain.region { out += wrap("region   \(r.value)  [\(r.source)]", width, indent: 9) } else { out.append("region   (none)") }
        if let u = analysis.unusable { out += wrap("unusable input: \(u)", width, indent: 2) }
        out.append("")
        out.append("chain")
        out += wrap("  base    \(baseText)", width, indent: 10)
        if let f = baseFetch, let c = f.credentials {
            let expires = f.expiration.map { ", expires \(UTCTime.iso8601($0))" } ?? ""
            out += wrap("          fetched \(Redaction.maskAccessKeyId(c.accessKeyId)) \(f.originText)\(expires)", width, indent: 10)
        }
        for (i, step) in steps.enumerated() {
            let status = Self.statusText(phases[i], outcomes[i])
            switch step {
            case let .hop(p):
                let plan = analysis.plans[p]
                let action = plan.hop.kind == .assumeRole ? "AssumeRole" : "AssumeRoleWithWebIdentity"
                out += wrap("  hop \(plan.number)   \(action) -> \(plan.hop.roleArn.value)", width, indent: 10)
                let predicted = mode == .live && phases[i] != .pending ? "" : "predicted \(plan.predicted == .ok ? "ok" : (plan.predicted == .fail ? "FAIL" : "unknown")): \(plan.prediction)"
                if mode == .live { out += wrap("          \(status)", width, indent: 10) }
                if !predicted.isEmpty { out += wrap("          " + predicted, width, indent: 10) }
                for read in roleReads where read.plan == p {
                    if let why = read.skipped {
                        out += wrap("          IAM read skipped: \(why)", width, indent: 10)
                    } else if read.documents.trustPolicy != nil, plan.trustPolicy?.source == read.documents.trustPolicy?.source {
                        let decision = plan.trust.map { ": \($0.decision.rawValue)" } ?? ""
                        out += wrap("          trust policy read from IAM as \(read.readAs == .hop ? "the role itself" : "the caller")\(decision)",
                                    width, indent: 10)
                    } else if read.denied {
                        out += wrap("          IAM refused to read the role's policies (sts.iam-read-denied)", width, indent: 10)
                    }
                }
            case .identity:
                let who = outcomes[i]?.call?.success?.callerIdentity?.arn
                out += wrap("  final   " + (who ?? (mode == .live ? status : "known only live (GetCallerIdentity)")), width, indent: 10)
            }
        }
        out.append("")
        switch verdict {
        case .works: out.append(mode == .live ? "verdict: the chain works" : "verdict: nothing predicts a failure (run without --offline to confirm)")
        case .unusable: out.append("verdict: unusable input")
        case .broken:
            if let i = phases.firstIndex(of: .failed) {
                out.append("verdict: BROKEN at " + (steps[i] == .identity ? "the final GetCallerIdentity" : "hop \(i + 1)"))
            } else {
                out.append("verdict: BROKEN")
            }
        }
        let shown = findings.filter { $0.severity != .ok }
        out.append("")
        out.append("findings (\(shown.count))")
        for f in shown {
            out.append("")
            out += wrap("[\(f.severity.rawValue.uppercased())] \(f.id)" + (f.hop.map { " (hop \($0))" } ?? ""), width, indent: 2)
            out += wrap("  " + f.title, width, indent: 2)
            for e in f.evidence.prefix(6) {
                out += wrap("    \(e.label): \(e.value)" + (e.source.map { "  [\($0)]" } ?? ""), width, indent: 6)
            }
            if !f.why.isEmpty { out += wrap("  why: " + f.why, width, indent: 7) }
            if !f.fix.isEmpty {
                for (n, line) in f.fix.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    out += wrap((n == 0 ? "  fix: " : "       ") + line, width, indent: 7)
                }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    var baseText: String {
        switch analysis.chain.base {
        case let .webIdentity(file, _): "web identity token \(file.value)"
        case let .accessKey(k): "static keys \(Redaction.maskAccessKeyId(k.accessKeyId.value)) [\(k.accessKeyId.source)]"
        case let .process(c, _): "credential_process \(c.value) (not run)"
        case .sso: "SSO (not fetched)"
        case let .container(uri, _): "container credentials \(uri.value)"
        case let .namedSource(n, _): "credential_source \(n.value.rawValue)"
        case .instanceMetadata: "instance metadata (the node role)"
        case .none: "none"
        }
    }

    static func statusText(_ phase: HopPhase, _ outcome: StepOutcome?) -> String {
        switch outcome {
        case let .skipped(why)?: return "not run: \(why)"
        case let .call(r)?:
            let ms = Waterfall.ms(r.attempts.reduce(0) { $0 + $1.timings.total })
            let tries = r.attempts.count > 1 ? " after \(r.attempts.count) attempts" : ""
            if let s = r.success { return "succeeded in \(ms)\(tries)" + (s.assumedRoleArn.map { ": \($0)" } ?? "") }
            if let f = r.failure { return "FAILED\(tries): " + SnapshotBuilder.describe(f) }
            return phaseName(phase)
        case nil: return phase == .pending ? "not run" : phaseName(phase)
        }
    }

    /// Word-wraps one line to `width`, keeping its own leading spaces; continuation lines are indented by
    /// `indent` spaces (at least the line's own indentation); words longer than a line are split.
    public static func wrapLine(_ line: String, width: Int, indent: Int) -> [String] {
        guard line.count > width else { return [line] }
        let lead = String(line.prefix(while: { $0 == " " }))
        let pad = String(repeating: " ", count: min(max(indent, lead.count), width / 2))
        var lines: [String] = []
        var current = lead
        var currentIsBare = true
        for word in line.dropFirst(lead.count).split(separator: " ", omittingEmptySubsequences: false) {
            var w = Substring(word)
            if !currentIsBare, current.count + 1 + w.count <= width {
                current += " " + w
                continue
            }
            if !currentIsBare {
                lines.append(current)
                current = pad
            }
            while current.count + w.count > width {
                let room = max(1, width - current.count)
                lines.append(current + w.prefix(room))
                w = w.dropFirst(room)
                current = pad
            }
            current += w
            currentIsBare = false
        }
        if !currentIsBare { lines.append(current) }
        return lines
    }

    func wrap(_ line: String, _ width: Int, indent: Int) -> [String] { Self.wrapLine(line, width: width, indent: indent) }
}
