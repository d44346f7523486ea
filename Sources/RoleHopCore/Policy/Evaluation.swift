/// The smallest change that would make a failed condition pass, when rolehop can see one.
public struct NearMiss: Sendable, Hashable {
    /// The policy value closest to the request's value.
    public var closestPolicyValue: String?
    public var requestValue: String?
    /// What to change, in words ("sub is X, the condition expects Y").
    public var message: String
    /// An operator that would make the condition pass as written (StringEquals -> StringLike).
    public var suggestedOperator: String?
    /// A policy value that would make the condition pass.
    public var suggestedValue: String?
    /// A condition key that the request does carry, when the written key is absent.
    public var suggestedKey: String?
}

/// Why one condition passed or failed.
public struct ConditionExplanation: Sendable, Hashable {
    public var key: String
    public var operatorName: String
    public var op: ConditionOperator
    public var qualifier: SetQualifier
    public var ifExists: Bool
    public var policyValues: [String]
    /// Policy values after variable substitution, when any value has variables.
    public var resolvedPolicyValues: [String]?
    /// The request's values, nil when the request does not carry the key.
    public var requestValues: [String]?
    public var result: Bool
    /// How the result came about, in words.
    public var note: String
    public var nearMiss: NearMiss?
    public var path: String
    public var position: JSONPosition?
}

/// Whether one element (Principal, Action, Resource and their Not forms) matched, and why.
public struct ElementCheck: Sendable, Hashable {
    public var element: String
    public var matched: Bool
    public var detail: String
}

/// Which policy a statement came from.
public enum PolicyRole: String, Sendable, Hashable {
    case identity
    /// A resource-based policy; a role's trust policy is one.
    case resource
}

/// Why one statement matched the request or not.
public struct StatementExplanation: Sendable, Hashable {
    public var policyFile: String
    public var role: PolicyRole
    public var index: Int
    public var sid: String?
    public var effect: PolicyEffect
    public var principal: ElementCheck?
    public var action: ElementCheck
    public var resource: ElementCheck?
    public var conditions: [ConditionExplanation]
    /// Principal, action, resource and every condition matched.
    public var matched: Bool
    /// Matched only through a whole-account principal (the account's identity policies must allow too).
    public var delegated: Bool
    public var path: String
    public var position: JSONPosition?

    /// Everything but the conditions matched (the statement is about this request).
    public var appliesToRequest: Bool {
        (principal?.matched ?? true) && action.matched && (resource?.matched ?? true)
    }

    public var failedConditions: [ConditionExplanation] { conditions.filter { !$0.result } }

    /// A label for lists: `Sid` or `#2`.
    public var label: String { sid.map { $0.isEmpty ? "#\(index)" : $0 } ?? "#\(index)" }
}

/// A decision with its explanation.
public struct Evaluation: Sendable {
    public var decision: Decision
    public var action: String
    public var resource: String?
    public var principal: String?
    /// Some identity policy allowed the request.
    public var identityAllows: Bool
    /// The resource policy allowed it (nil when there was none).
    public var resourceAllows: Bool?
    public var crossAccount: Bool
    /// The decision in one sentence.
    public var reason: String
    public var statements: [StatementExplanation]

    /// The statements that decided: the matching Deny statements, or else the matching Allow statements.
    public var decidingStatements: [StatementExplanation] {
        let denies = statements.filter { $0.matched && $0.effect == .deny }
        if !denies.isEmpty { return denies }
        return decision == .allowed ? statements.filter { $0.matched && $0.effect == .allow } : []
    }
}

extension PolicyEvaluator {
    /// Evaluates with a full explanation of every statement and condition (slower than `decide`).
    public static func evaluate(policies: [PolicyDocument], resourcePolicy: PolicyDocument? = nil,
                                context: RequestContext) -> Evaluation {
        var explained: [StatementExplanation] = []
        for doc in policies { explained += explain(doc, role: .identity, context: context) }
        if let resourcePolicy { explained += explain(resourcePolicy, role: .resource, context: context) }
        let decision = decide(policies: policies, resourcePolicy: resourcePolicy, context: context)
        let identityAllows = explained.contains { $0.role == .identity && $0.matched && $0.effect == .allow }
        let resourceAllows: Bool? = resourcePolicy == nil ? nil
            : explained.contains { $0.role == .resource && $0.matched && $0.effect == .allow }
        let cross = isCrossAccount(context)
        let reason: String
        switch decision {
        case .explicitDeny:
            let d = explained.first { $0.matched && $0.effect == .deny }
            reason = "explicit deny by statement \(d?.label ?? "?") of \(d?.policyFile ?? "?"): a matching Deny always wins"
        case .allowed:
            if resourcePolicy == nil {
                reason = "allowed by the identity policies"
            } else if let p = context.principal, p.kind != .aws {
                reason = "allowed by the resource policy (\(p.kind.rawValue) principals have no identity policies)"
            } else if cross {
                reason = "allowed: across accounts both the resource policy and the caller's identity policies allow"
            } else {
                reason = identityAllows ? "allowed by the identity policies (same account)" : "allowed by the resource policy, which names the principal (same account)"
            }
        case .implicitDeny:
            if resourcePolicy == nil {
                reason = "no identity policy statement allows \(context.action)" + (context.resource.map { " on \($0)" } ?? "")
            } else if let p = context.principal, p.kind != .aws {
                reason = "no statement of the resource policy allows this \(p.kind.rawValue) principal"
            } else if cross, resourceAllows == true {
                reason = "the resource policy allows, but across accounts the caller's identity policies must allow too, and none does"
            } else if cross, identityAllows {
                reason = "the identity policies allow, but across accounts the resource policy must allow too, and it does not"
            } else if resourceAllows == true {
                reason = "the resource policy allows only through the whole account (root): an identity policy of the caller must allow too, and none does"
            } else {
                reason = "no statement allows the request"
            }
        }
        return Evaluation(decision: decision, action: context.action, resource: context.resource,
                          principal: context.principal?.arn, identityAllows: identityAllows, resourceAllows: resourceAllows,
                          crossAccount: cross, reason: reason, statements: explained)
    }

    static func explain(_ doc: PolicyDocument, role: PolicyRole, context: RequestContext) -> [StatementExplanation] {
        doc.statements.map { st in
            var principalCheck: ElementCheck?
            var pm = PrincipalMatch.direct
            if role == .resource {
                pm = principalMatch(st, context)
                let who = context.principal.map { "\($0.kind.rawValue) \($0.arn)" } ?? "an anonymous caller"
                if let p = st.principal {
                    let listed = p.everyone ? "*" : p.entries.map { "\($0.kind.rawValue): \($0.value)" }.joined(separator: ", ")
                    switch pm {
                    case .direct: principalCheck = ElementCheck(element: "Principal", matched: true, detail: "\(who) is named by \(listed)")
                    case .delegated: principalCheck = ElementCheck(element: "Principal", matched: true,
                        detail: "\(who) is in the account named by \(listed): that account's identity policies must also allow")
                    case .none: principalCheck = ElementCheck(element: "Principal", matched: false, detail: "\(who) is not among \(listed)")
                    }
                } else if let np = st.notPrincipal {
                    let listed = np.entries.map { "\($0.kind.rawValue): \($0.value)" }.joined(separator: ", ")
                    let matched: Bool
                    if case .none = pm { matched = false } else { matched = true }
                    principalCheck = ElementCheck(element: "NotPrincipal", matched: matched,
                        detail: matched ? "\(who) is not excluded by NotPrincipal \(listed)" : "\(who) is excluded by NotPrincipal \(listed)")
                } else {
                    principalCheck = ElementCheck(element: "Principal", matched: false,
                        detail: "the statement has no Principal, so it applies to no one in a resource policy")
                }
            }
            let am = actionMatches(st, context)
            let actionCheck: ElementCheck
            if let a = st.action {
                actionCheck = ElementCheck(element: "Action", matched: am,
                    detail: am ? "\(context.action) matches \(Text.quotedList(a.values))"
                        : "\(context.action) does not match \(Text.quotedList(a.values))")
            } else {
                let na = st.notAction?.values ?? []
                actionCheck = ElementCheck(element: "NotAction", matched: am,
                    detail: am ? "\(context.action) is not excluded by NotAction \(Text.quotedList(na))"
                        : "\(context.action) is excluded by NotAction \(Text.quotedList(na))")
            }
            var resourceCheck: ElementCheck?
            let rm = resourceMatches(st, context, doc)
            if let r = st.resource {
                resourceCheck = ElementCheck(element: "Resource", matched: rm,
                    detail: "\(context.resource ?? "(no resource)") \(rm ? "matches" : "does not match") \(Text.quotedList(r.values))")
            } else if let nr = st.notResource {
                resourceCheck = ElementCheck(element: "NotResource", matched: rm,
                    detail: "\(context.resource ?? "(no resource)") is \(rm ? "not " : "")excluded by NotResource \(Text.quotedList(nr.values))")
            }
            let conditions = st.conditions.map { explainCondition($0, context: context, doc: doc) }
            let pOK: Bool
            if case .none = pm { pOK = false } else { pOK = true }
            let matched = pOK && am && rm && conditions.allSatisfy(\.result)
            var delegated = false
            if case .delegated = pm { delegated = true }
            return StatementExplanation(policyFile: doc.file, role: role, index: st.index, sid: st.sid, effect: st.effect,
                                        principal: principalCheck, action: actionCheck, resource: resourceCheck,
                                        conditions: conditions, matched: matched, delegated: delegated, path: st.path,
                                        position: st.position)
        }
    }

    static func explainCondition(_ c: PolicyCondition, context: RequestContext, doc: PolicyDocument) -> ConditionExplanation {
        let rvs = context.values(forLowercased: c.keyLower)
        let result = conditionResult(c, rvs, context, doc)
        var resolved: [String]?
        if c.compiled.contains(where: { if case .template = $0 { true } else if case .likeTemplate = $0 { true } else if case .arnTemplate = $0 { true } else { false } }) {
            resolved = c.values.map { PolicyTemplate.parse($0).resolve(context) ?? "(unresolved: variable not in the request)" }
        }
        let note: String
        let absent = rvs?.isEmpty ?? true
        if c.op == .null {
            note = absent ? "the key is absent" : "the key is present"
        } else if absent {
            if c.ifExists { note = "the key is absent, so ...IfExists is true" } else {
                switch c.qualifier {
                case .forAllValues: note = "the key is absent: ForAllValues is true for an empty set"
                case .forAnyValue: note = "the key is absent: ForAnyValue is false for an empty set"
                case .none: note = c.op.isNegated ? "the key is absent: a negated operator is true" : "the key is absent from the request"
                }
            }
        } else {
            let q = c.qualifier == .none ? "" : "\(c.qualifier.rawValue): "
            if c.op.isNegated {
                note = result ? "\(q)no request value matches a policy value" : "\(q)a request value matches a policy value it must not"
            } else {
                note = result ? "\(q)a request value matches" : "\(q)no request value matches a policy value"
            }
        }
        var nearMiss: NearMiss?
        if !result { nearMiss = NearMissFinder.find(c, requestValues: rvs, context: context) }
        return ConditionExplanation(key: c.key, operatorName: c.operatorName, op: c.op, qualifier: c.qualifier,
                                    ifExists: c.ifExists, policyValues: c.values, resolvedPolicyValues: resolved,
                                    requestValues: rvs, result: result, note: note, nearMiss: nearMiss, path: c.path,
                                    position: c.position)
    }
}

/// Works out the smallest change that would make a failed condition pass.
enum NearMissFinder {
    static func find(_ c: PolicyCondition, requestValues: [String]?, context: RequestContext) -> NearMiss? {
        let short = shortKey(c.key)
        guard let rvs = requestValues, let rv = rvs.first else {
            if c.op.isNegated || c.op == .null { return nil }
            // The key is absent: look for a key the request does carry with the same last segment (`:sub`).
            let suffix = c.key.split(separator: ":").last.map { ":" + $0.lowercased() } ?? ""
            if !suffix.isEmpty, let other = context.keyNames.first(where: { $0.lowercased().hasSuffix(suffix) && $0.lowercased() != c.keyLower }) {
                return NearMiss(closestPolicyValue: nil, requestValue: nil,
                                message: "the request has no key \(c.key); it carries \(other) instead: the key's prefix names another issuer",
                                suggestedKey: other)
            }
            return NearMiss(closestPolicyValue: nil, requestValue: nil,
                            message: "the request carries no \(c.key); a \(c.operatorName) condition on an absent key is false"
                                + " (use \(c.op.rawValue)IfExists only if the key may legitimately be missing)")
        }
        if c.op.isNegated {
            return NearMiss(closestPolicyValue: nil, requestValue: rv,
                            message: "\(short) is \(rv), which \(c.operatorName) excludes")
        }
        let candidates = c.values
        guard !candidates.isEmpty else { return nil }
        // StringEquals with a wildcard that would match as a pattern: the classic slip.
        if c.op.treatsWildcardsLiterally, let like = c.op.likeCounterpart {
            for (i, v) in candidates.enumerated() where v.contains("*") || v.contains("?") {
                let fold = c.op == .stringEqualsIgnoreCase
                if rvs.contains(where: { WildcardPattern(v, foldCase: fold).matches(fold ? $0.lowercased() : $0) }) {
                    _ = i
                    return NearMiss(closestPolicyValue: v, requestValue: rv,
                                    message: "\(c.op.rawValue) treats * literally: use \(like.rawValue) (\"\(v)\" would then match \(rv))",
                                    suggestedOperator: (c.qualifier == .none ? "" : c.qualifier.rawValue + ":") + like.rawValue
                                        + (c.ifExists ? "IfExists" : ""))
                }
            }
        }
        guard c.op.rawValue.hasPrefix("String") || c.op.rawValue.hasPrefix("Arn") else {
            return NearMiss(closestPolicyValue: candidates.first, requestValue: rv,
                            message: "\(short) is \(rv), the condition expects \(c.operatorName) \(Text.quotedList(candidates))")
        }
        var best = candidates[0]
        var bestRV = rv
        var bestD = Int.max
        for v in candidates {
            for r in rvs {
                let d = Text.editDistance(v, r)
                if d < bestD { best = v; bestRV = r; bestD = d }
            }
        }
        if c.op == .stringEquals, best.lowercased() == bestRV.lowercased() {
            return NearMiss(closestPolicyValue: best, requestValue: bestRV,
                            message: "\(short) is \(bestRV), the condition expects \(best): they differ only in case (StringEquals is case-sensitive)",
                            suggestedOperator: "StringEqualsIgnoreCase", suggestedValue: bestRV)
        }
        var message = "\(short) is \(bestRV), the condition expects \(best)"
        if let detail = serviceAccountDiff(request: bestRV, policy: best) { message += " (\(detail))" }
        // An audience in a sub condition (or the reverse) is a common mix-up.
        if c.keyLower.hasSuffix(":aud"), best.hasPrefix("system:serviceaccount:") {
            message += "; this value is a service account: it belongs in a :sub condition"
        } else if c.keyLower.hasSuffix(":sub"), best == "sts.amazonaws.com" {
            message += "; sts.amazonaws.com is an audience: it belongs in an :aud condition"
        }
        return NearMiss(closestPolicyValue: best, requestValue: bestRV, message: message, suggestedValue: bestRV)
    }

    /// `system:serviceaccount:NS:SA` values: says which part differs.
    static func serviceAccountDiff(request: String, policy: String) -> String? {
        let r = request.split(separator: ":", omittingEmptySubsequences: false)
        let p = policy.split(separator: ":", omittingEmptySubsequences: false)
        guard r.count == 4, p.count == 4, r[0] == "system", r[1] == "serviceaccount", p[0] == "system", p[1] == "serviceaccount"
        else { return nil }
        var parts: [String] = []
        if r[2] != p[2] { parts.append("namespace is \(r[2]), the condition expects \(p[2])") }
        if r[3] != p[3] { parts.append("service account is \(r[3]), the condition expects \(p[3])") }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// `oidc.eks.../id/X:sub` -> `sub`; `aws:PrincipalArn` and `s3:max-keys` stay as they are.
    static func shortKey(_ key: String) -> String {
        // Only issuer-prefixed keys (a host name before the colon) are shortened; `s3:max-keys` stays whole.
        guard let colon = key.lastIndex(of: ":"), key[..<colon].contains(".") else { return key }
        return String(key[key.index(after: colon)...])
    }
}
