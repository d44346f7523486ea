/// One hop as STS sees it: who asks to assume which role, with what.
public enum TrustRequest: Sendable {
    /// AssumeRoleWithWebIdentity with a token whose decoded payload is `claims` (`iss`, `sub`, `aud`, ...).
    /// The JWT itself is decoded elsewhere (the token module); this layer only reads the claims.
    case webIdentity(claims: JSONValue, roleArn: String?, sessionName: String?)
    /// AssumeRole signed by `callerArn` (a user, or an assumed-role session of the previous hop).
    case assumeRole(callerArn: String, roleArn: String?, externalId: String?, sessionName: String?,
                    tags: [String: String], sourceIdentity: String?)

    public static func webIdentity(claims: JSONValue, roleArn: String? = nil) -> TrustRequest {
        .webIdentity(claims: claims, roleArn: roleArn, sessionName: nil)
    }

    public static func assumeRole(callerArn: String, roleArn: String? = nil, externalId: String? = nil) -> TrustRequest {
        .assumeRole(callerArn: callerArn, roleArn: roleArn, externalId: externalId, sessionName: nil, tags: [:], sourceIdentity: nil)
    }

    public var action: String {
        switch self {
        case .webIdentity: "sts:AssumeRoleWithWebIdentity"
        case .assumeRole: "sts:AssumeRole"
        }
    }

    public var roleArn: String? {
        switch self {
        case let .webIdentity(_, r, _): r
        case let .assumeRole(_, r, _, _, _, _): r
        }
    }
}

/// The decision of one permission (`sts:TagSession`, ...) that a hop needs besides the main action.
public struct ActionDecision: Sendable, Hashable {
    public var action: String
    public var decision: Decision
    public var reason: String
}

/// The trust view of one hop: decision, what decided it, how to fix it, and what is risky about the policy.
public struct TrustResult: Sendable {
    /// The hop's outcome: trust and (when needed and given) identity policies, and the extra actions.
    public var decision: Decision
    /// The trust policy's own verdict for the main action.
    public var trustDecision: Decision
    /// Whether the caller's identity policies must allow too (cross-account, or trust naming a whole account).
    public var identityRequired: Bool
    /// The identity policies' verdict, nil when they were not given.
    public var identityDecision: Decision?
    public var evaluation: Evaluation
    public var identityEvaluation: Evaluation?
    public var extraActions: [ActionDecision]
    /// The request context rolehop derived (the keys STS sets).
    public var context: RequestContext
    /// The statement that decided, or for a denial the closest Allow statement.
    public var decidingStatement: StatementExplanation?
    /// The condition that failed in the closest statement.
    public var decidingCondition: ConditionExplanation?
    public var suggestions: [NearMiss]
    public var findings: [Finding]
    /// The trust policy patched so that this request would pass, when a small change suffices.
    public var suggestedPolicy: JSONValue?
}

/// Trust-policy analysis: evaluation against a hop's real inputs, near misses and lints.
///
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
public enum TrustAnalysis {
    /// The default `ACLSizePerRole` quota (characters of the minified trust policy).
    public static let sizeQuota = 2048
    static let docEval = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"
    static let docOIDC = "https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html"
    static let docCross = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html"
    static let docOperators = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"
    static let docQuotas = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
    static let docTags = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html"

    /// The issuer as IAM names providers: `https://` and a trailing `/` removed.
    public static func issuerPath(_ iss: String) -> String {
        var s = Substring(iss)
        if s.hasPrefix("https://") { s = s.dropFirst(8) }
        while s.hasSuffix("/") { s = s.dropLast() }
        return String(s)
    }

    static func account(ofArn arn: String?) -> String? {
        guard let arn, let p = ArnPattern.split(arn), !p[4].isEmpty else { return nil }
        return String(p[4])
    }

    static func partition(ofArn arn: String?) -> String {
        guard let arn, let p = ArnPattern.split(arn), !p[1].isEmpty else { return "aws" }
        return String(p[1])
    }

    static func claimStrings(_ v: JSONValue?) -> [String]? {
        switch v {
        case let .string(s)?: return [s]
        case let .array(items)?: return items.compactMap(\.stringValue)
        default: return nil
        }
    }

    /// Session tags a web-identity token asks for (`https://aws.amazon.com/tags` -> `principal_tags`).
    static func tokenTags(_ claims: JSONValue) -> [String: String] {
        guard let pt = claims["https://aws.amazon.com/tags"]?["principal_tags"]?.objectValue else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in pt { if let s = claimStrings(v)?.first { out[k] = s } }
        return out
    }

    /// The request context STS builds for the hop (the keys a trust policy's conditions see).
    public static func context(for request: TrustRequest, trustPolicy: PolicyDocument? = nil) -> RequestContext {
        switch request {
        case let .webIdentity(claims, roleArn, sessionName):
            let iss = claims["iss"]?.stringValue ?? ""
            let path = issuerPath(iss)
            var acct = account(ofArn: roleArn)
            if acct == nil, let trustPolicy {
                // Without the role ARN, take the account of the provider the trust names for this issuer.
                acct = federatedEntries(trustPolicy).first { providerPath($0.value) == path }.flatMap { account(ofArn: $0.value) }
            }
            let provider = "arn:\(partition(ofArn: roleArn)):iam::\(acct ?? "000000000000"):oidc-provider/\(path)"
            var ctx = RequestContext(principal: .federated(provider), action: "sts:AssumeRoleWithWebIdentity", resource: roleArn)
            if let sub = claims["sub"]?.stringValue { ctx.set(path + ":sub", sub) }
            if let aud = claimStrings(claims["aud"]) { ctx.set(path + ":aud", aud) }
            if let amr = claimStrings(claims["amr"]) { ctx.set(path + ":amr", amr) }
            ctx.set("aws:FederatedProvider", provider)
            if let sessionName { ctx.set("sts:RoleSessionName", sessionName) }
            addTags(tokenTags(claims), to: &ctx)
            return ctx
        case let .assumeRole(callerArn, roleArn, externalId, sessionName, tags, sourceIdentity):
            var ctx = RequestContext(principal: .aws(callerArn), action: "sts:AssumeRole", resource: roleArn)
            ctx.addPrincipalKeys()
            if let externalId { ctx.set("sts:ExternalId", externalId) }
            if let sessionName { ctx.set("sts:RoleSessionName", sessionName) }
            if let sourceIdentity { ctx.set("sts:SourceIdentity", sourceIdentity) }
            addTags(tags, to: &ctx)
            return ctx
        }
    }

    static func addTags(_ tags: [String: String], to ctx: inout RequestContext) {
        guard !tags.isEmpty else { return }
        let keys = tags.keys.sorted()
        for k in keys { ctx.set("aws:RequestTag/" + k, tags[k] ?? "") }
        ctx.set("aws:TagKeys", keys)
    }

    /// Analyses one hop against a trust policy and, when given, the caller's identity policies.
    public static func analyze(trustPolicy: PolicyDocument, request: TrustRequest,
                               identityPolicies: [PolicyDocument]? = nil, hop: Int? = nil) -> TrustResult {
        let ctx = context(for: request, trustPolicy: trustPolicy)
        var evaluation = PolicyEvaluator.evaluate(policies: [], resourcePolicy: trustPolicy, context: ctx)
        let trustScan = PolicyEvaluator.scan(trustPolicy, context: ctx, usePrincipal: true)
        let trustDecision: Decision
        var delegatedOnly = false
        switch trustScan {
        case .deny: trustDecision = .explicitDeny
        case .allowDirect: trustDecision = .allowed
        case .allowDelegated: trustDecision = .allowed; delegatedOnly = true
        case .nothing: trustDecision = .implicitDeny
        }
        let isAWS = ctx.principal?.kind == .aws
        let identityRequired = isAWS && (PolicyEvaluator.isCrossAccount(ctx) || delegatedOnly)
        var identityEvaluation: Evaluation?
        var decision = trustDecision
        if let identityPolicies, isAWS {
            let e = PolicyEvaluator.evaluate(policies: identityPolicies, resourcePolicy: nil, context: ctx)
            identityEvaluation = e
            decision = PolicyEvaluator.decide(policies: identityPolicies, resourcePolicy: trustPolicy, context: ctx)
        }
        let identityDecision = identityEvaluation?.decision
        if trustDecision == .allowed, evaluation.decision != .allowed {
            // Evaluated without identity policies, the trust alone "denies" a delegated or cross-account hop;
            // say what the trust policy itself decided.
            evaluation.reason = "the trust policy allows \(ctx.action); the caller's identity policies must allow it too"
                + (identityPolicies == nil ? " (not checked)" : "")
        }

        // Session tags and a source identity each need their own permission in the trust (and identity) policy.
        var extra: [ActionDecision] = []
        var extraActions: [String] = []
        if ctx.values("aws:TagKeys") != nil { extraActions.append("sts:TagSession") }
        if ctx.values("sts:SourceIdentity") != nil { extraActions.append("sts:SetSourceIdentity") }
        for action in extraActions {
            var c2 = RequestContext(principal: ctx.principal, action: action, resource: ctx.resource)
            for (k, v) in ctx.entries { c2.set(k, v) }
            let d: Decision
            if let identityPolicies, isAWS {
                d = PolicyEvaluator.decide(policies: identityPolicies, resourcePolicy: trustPolicy, context: c2)
            } else {
                switch PolicyEvaluator.scan(trustPolicy, context: c2, usePrincipal: true) {
                case .deny: d = .explicitDeny
                case .allowDirect, .allowDelegated: d = .allowed
                case .nothing: d = .implicitDeny
                }
            }
            let e = PolicyEvaluator.evaluate(policies: identityPolicies ?? [], resourcePolicy: trustPolicy, context: c2)
            extra.append(ActionDecision(action: action, decision: d, reason: d == .allowed ? "allowed" : e.reason))
            if d != .allowed, decision == .allowed { decision = d }
        }

        // What decided, or the closest Allow statement for a denial.
        var deciding: StatementExplanation?
        var decidingCondition: ConditionExplanation?
        let trustStatements = evaluation.statements
        if let deny = trustStatements.first(where: { $0.matched && $0.effect == .deny }) {
            deciding = deny
        } else if trustDecision == .allowed {
            deciding = trustStatements.first { $0.matched && $0.effect == .allow }
        } else {
            deciding = closestAllow(trustStatements)
            decidingCondition = deciding?.failedConditions.first
        }
        let suggestions = (trustDecision == .allowed ? [] : deciding?.failedConditions.compactMap(\.nearMiss)) ?? []

        var findings: [Finding] = []
        let claims: JSONValue?
        if case let .webIdentity(c, _, _) = request { claims = c } else { claims = nil }
        findings += lint(trustPolicy: trustPolicy, claims: claims, roleArn: request.roleArn, caller: ctx.principal, hop: hop,
                         deniedBy: trustDecision == .allowed ? nil : decidingCondition)
        var suggested: JSONValue?
        if trustDecision != .allowed {
            let (f, patched) = denialFindings(trustPolicy: trustPolicy, evaluation: evaluation, closest: deciding,
                                              context: ctx, hop: hop)
            findings += f
            suggested = patched
        }
        if identityRequired {
            if let identityEvaluation {
                if identityEvaluation.decision != .allowed {
                    findings.append(identityFinding(identityEvaluation, ctx: ctx, hop: hop))
                }
            } else {
                findings.append(Finding(
                    id: "policy.identity-not-checked", severity: .info,
                    title: "The caller's identity policies must also allow \(ctx.action); they were not checked",
                    evidence: [Evidence("caller", ctx.principal?.arn ?? "?"), Evidence("role", ctx.resource ?? "?")],
                    why: PolicyEvaluator.isCrossAccount(ctx)
                        ? "Across accounts both the role's trust policy and the caller's identity policies must allow."
                        : "The trust policy names the whole account, which delegates the decision to the account's identity policies.",
                    fix: "Pass the caller's identity policies (rolehop policy eval --policy FILE) or check that one contains:\n"
                        + assumeRoleSnippet(ctx.resource ?? "ROLE_ARN"),
                    docURL: docCross, hop: hop))
            }
        }
        for x in extra where x.decision != .allowed {
            let isTag = x.action == "sts:TagSession"
            findings.append(Finding(
                id: isTag ? "trust.tagsession-required" : "trust.setsourceidentity-required", severity: .fail,
                title: "The hop passes \(isTag ? "session tags" : "a source identity"), so the trust policy must also allow \(x.action)",
                evidence: [Evidence("action", x.action), Evidence("decision", x.decision.rawValue), Evidence("reason", x.reason)],
                why: isTag ? "STS refuses a request with session tags (including transitive tags from an earlier hop, such as "
                    + "EKS Pod Identity's) unless the trust policy allows sts:TagSession."
                    : "STS refuses a request with a source identity unless the trust policy allows sts:SetSourceIdentity.",
                fix: "Add \(x.action) to the Action of the statement that allows \(ctx.action):\n\"Action\": [\"\(ctx.action)\", \"\(x.action)\"]",
                docURL: docTags, hop: hop))
        }
        if decision == .allowed {
            findings.insert(Finding(
                id: "trust.allowed", severity: .ok,
                title: "The trust policy allows \(ctx.action) for \(ctx.principal?.arn ?? "this caller")",
                evidence: [Evidence("statement", deciding?.label ?? "?")] + (identityRequired && identityDecision == nil
                    ? [Evidence("note", "identity policies not checked")] : []),
                hop: hop), at: 0)
        }
        return TrustResult(decision: decision, trustDecision: trustDecision, identityRequired: identityRequired,
                           identityDecision: identityDecision, evaluation: evaluation, identityEvaluation: identityEvaluation,
                           extraActions: extra, context: ctx, decidingStatement: deciding, decidingCondition: decidingCondition,
                           suggestions: suggestions, findings: findings, suggestedPolicy: suggested)
    }

    /// The Allow statement closest to matching: principal and action match, fewest failed conditions.
    static func closestAllow(_ statements: [StatementExplanation]) -> StatementExplanation? {
        let allows = statements.filter { $0.effect == .allow }
        func score(_ s: StatementExplanation) -> Int {
            var x = s.failedConditions.count
            if !(s.principal?.matched ?? true) { x += 100 }
            if !s.action.matched { x += 50 }
            if !(s.resource?.matched ?? true) { x += 50 }
            return x
        }
        return allows.min { score($0) < score($1) }
    }

    static func assumeRoleSnippet(_ role: String) -> String {
        JSONValue.object([("Effect", "Allow"), ("Action", "sts:AssumeRole"), ("Resource", .string(role))]).serialized(pretty: true)
    }

    static func identityFinding(_ e: Evaluation, ctx: RequestContext, hop: Int?) -> Finding {
        Finding(id: "policy.identity-denies-assume-role", severity: .fail,
                title: "The caller's identity policies do not allow \(ctx.action) on \(ctx.resource ?? "the role")",
                evidence: [Evidence("caller", ctx.principal?.arn ?? "?"), Evidence("decision", e.decision.rawValue),
                           Evidence("reason", e.reason)],
                why: "Across accounts, or when the trust names the whole account, the caller's own policies must allow the "
                    + "call as well as the role's trust policy.",
                fix: "Attach to the caller (\(ctx.principal?.principalArnKey ?? "the caller")) a statement such as:\n"
                    + assumeRoleSnippet(ctx.resource ?? "ROLE_ARN"),
                docURL: docCross, hop: hop)
    }

    // MARK: Denial findings

    static func denialFindings(trustPolicy: PolicyDocument, evaluation: Evaluation, closest: StatementExplanation?,
                               context ctx: RequestContext, hop: Int?) -> ([Finding], JSONValue?) {
        var out: [Finding] = []
        var patched: JSONValue?
        let who = ctx.principal.map { "\($0.kind.rawValue) \($0.arn)" } ?? "the caller"
        var evidence = [Evidence("decision", evaluation.decision.rawValue), Evidence("reason", evaluation.reason),
                        Evidence("principal", who)]
        if let closest {
            evidence.append(Evidence("closest statement", closest.label, source: closest.position.map {
                .file(path: trustPolicy.file, line: $0.line, column: $0.column) }))
            for check in [closest.principal, closest.action, closest.resource].compactMap({ $0 }) where !check.matched {
                evidence.append(Evidence(check.element, check.detail))
            }
            for c in closest.failedConditions {
                evidence.append(Evidence("condition \(c.operatorName) \(c.key)", c.nearMiss?.message ?? c.note,
                                         source: c.position.map { .file(path: trustPolicy.file, line: $0.line, column: $0.column) }))
            }
        }
        var fix = ""
        if let closest, closest.effect == .allow, closest.appliesToRequest, !closest.failedConditions.isEmpty {
            patched = patch(trustPolicy, statement: closest, failed: closest.failedConditions)
            if let patched, let st = statementJSON(patched, index: closest.index, isArray: trustPolicy.json["Statement"]?.arrayValue != nil),
               let cond = st["Condition"] {
                fix = "Change the Condition of statement \(closest.label) to:\n\"Condition\": " + cond.serialized(pretty: true)
            }
        } else if let closest, closest.effect == .allow, !(closest.principal?.matched ?? true) {
            if let p = ctx.principal {
                fix = "Name the caller in the Principal of statement \(closest.label):\n\"Principal\": {\"\(p.kind.rawValue)\": \"\(p.kind == .aws ? p.principalArnKey : p.arn)\"}"
            }
        } else if let closest, closest.effect == .allow, !closest.action.matched {
            fix = "Allow the action in statement \(closest.label):\n\"Action\": \"\(ctx.action)\""
            out.append(Finding(id: "trust.action-mismatch", severity: .fail,
                               title: "The statement that names this principal allows another action than \(ctx.action)",
                               evidence: [Evidence("statement", closest.label), Evidence("Action", closest.action.detail)],
                               why: ctx.action == "sts:AssumeRoleWithWebIdentity"
                                   ? "A web-identity hop calls sts:AssumeRoleWithWebIdentity; sts:AssumeRole in the trust does not cover it."
                                   : "The hop calls \(ctx.action), which the statement does not list.",
                               fix: fix, docURL: docOIDC, hop: hop))
        }
        if let deny = evaluation.statements.first(where: { $0.matched && $0.effect == .deny }) {
            fix = "Statement \(deny.label) denies this request explicitly; narrow its conditions or remove it."
        }
        out.append(Finding(id: "trust.denied", severity: .fail,
                           title: "The trust policy does not let \(who) call \(ctx.action)",
                           evidence: evidence,
                           why: "STS answers AccessDenied: Not authorized to perform \(ctx.action).",
                           fix: fix, docURL: docEval, hop: hop))
        // Dedicated findings for the failed conditions people hit most.
        if let closest, closest.effect == .allow, closest.appliesToRequest {
            for c in closest.failedConditions {
                let k = c.key.lowercased()
                guard let nm = c.nearMiss else { continue }
                let id: String
                if nm.suggestedKey != nil { id = "trust.condition-key-mismatch" }
                else if c.op.treatsWildcardsLiterally, nm.suggestedOperator != nil { continue }  // reported by the lint
                else if k.hasSuffix(":sub") { id = "trust.sub-mismatch" }
                else if k.hasSuffix(":aud") { id = "trust.aud-mismatch" }
                else if k == "sts:externalid" { id = "trust.external-id-mismatch" }
                else { id = "trust.condition-failed" }
                var snippet = ""
                if let key = nm.suggestedKey {
                    snippet = "\"\(c.operatorName)\": {\"\(key)\": \(JSONValue.array(c.policyValues.map { .string($0) }).serialized())}"
                } else if let v = nm.suggestedValue {
                    snippet = "\"\(nm.suggestedOperator ?? c.operatorName)\": {\"\(c.key)\": \(JSONValue.string(v).serialized())}"
                }
                out.append(Finding(id: id, severity: .fail, title: nm.message,
                                   evidence: [Evidence("key", c.key), Evidence("operator", c.operatorName),
                                              Evidence("policy values", c.policyValues.joined(separator: ", ")),
                                              Evidence("request values", c.requestValues?.joined(separator: ", ") ?? "(absent)")],
                                   why: "Every condition of a statement must hold; this one does not, so the statement does not allow the hop.",
                                   fix: snippet, docURL: docOIDC, hop: hop))
            }
        }
        return (out, patched)
    }

    static func statementJSON(_ doc: JSONValue, index: Int, isArray: Bool) -> JSONValue? {
        guard let s = doc["Statement"] else { return nil }
        if isArray { return s.arrayValue.flatMap { index < $0.count ? $0[index] : nil } }
        return s
    }

    /// The trust policy with the failed conditions of one statement changed to pass.
    static func patch(_ doc: PolicyDocument, statement: StatementExplanation, failed: [ConditionExplanation]) -> JSONValue? {
        guard case var .object(top) = doc.json, let si = top.firstIndex(where: { $0.0 == "Statement" }) else { return nil }
        func patchStatement(_ st: JSONValue) -> JSONValue {
            guard case var .object(members) = st, let ci = members.firstIndex(where: { $0.0 == "Condition" }),
                  case var .object(ops) = members[ci].1 else { return st }
            for c in failed {
                guard let nm = c.nearMiss, let oi = ops.firstIndex(where: { $0.0 == c.operatorName }),
                      case var .object(keys) = ops[oi].1, let ki = keys.firstIndex(where: { $0.0 == c.key }) else { continue }
                if let key = nm.suggestedKey {
                    keys[ki].0 = key
                    ops[oi].1 = .object(keys)
                } else if let newOp = nm.suggestedOperator {
                    let body = ops[oi].1
                    if keys.count == 1 {
                        ops[oi] = (newOp, body)
                    } else {
                        let moved = keys.remove(at: ki)
                        ops[oi].1 = .object(keys)
                        ops.append((newOp, .object([moved])))
                    }
                } else if let v = nm.suggestedValue, let closest = nm.closestPolicyValue {
                    switch keys[ki].1 {
                    case .string: keys[ki].1 = .string(v)
                    case let .array(items):
                        keys[ki].1 = .array(items.map { $0.stringValue == closest ? .string(v) : $0 })
                    default: break
                    }
                    ops[oi].1 = .object(keys)
                }
            }
            members[ci].1 = .object(ops)
            return .object(members)
        }
        switch top[si].1 {
        case let .array(items):
            var items = items
            guard statement.index < items.count else { return nil }
            items[statement.index] = patchStatement(items[statement.index])
            top[si].1 = .array(items)
        case let s:
            top[si].1 = patchStatement(s)
        }
        return .object(top)
    }
}
