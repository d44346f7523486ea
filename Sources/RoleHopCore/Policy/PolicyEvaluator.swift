/// The outcome of evaluating policies against a request.
public enum Decision: String, Sendable, Hashable {
    case allowed
    /// No statement allowed the request (nothing denied it either).
    case implicitDeny
    /// A matching Deny statement.
    case explicitDeny
}

/// How a statement's principal matched.
enum PrincipalMatch {
    case none
    /// Named directly (ARN, role of a session, `*`, a service or provider).
    case direct
    /// Through the whole account (`arn:aws:iam::ACCOUNT:root`): the account's own policies must allow too.
    case delegated
}

/// Evaluates identity and resource (trust) policies the way IAM does for one account boundary.
///
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
public enum PolicyEvaluator {
    /// The decision alone, without building explanations (the fast path).
    public static func decide(policies: [PolicyDocument], resourcePolicy: PolicyDocument? = nil,
                              context: RequestContext) -> Decision {
        var identityAllow = false
        for i in policies.indices {
            switch scan(policies[i].fast, context: context, usePrincipal: false) {
            case .deny: return .explicitDeny
            case .allowDirect, .allowDelegated: identityAllow = true
            case .nothing: break
            }
        }
        var resourceDirect = false
        var resourceDelegated = false
        if let fast = resourcePolicy?.fast {
            switch scan(fast, context: context, usePrincipal: true) {
            case .deny: return .explicitDeny
            case .allowDirect: resourceDirect = true
            case .allowDelegated: resourceDelegated = true
            case .nothing: break
            }
        }
        return combine(identityAllow: identityAllow, resourcePolicy: resourcePolicy != nil, resourceDirect: resourceDirect,
                       resourceDelegated: resourceDelegated, context: context)
    }

    /// Whether the principal and the resource are in different accounts (both must then allow).
    static func isCrossAccount(_ context: RequestContext) -> Bool {
        guard let p = context.principal, p.kind == .aws, let pa = p.account, let ra = context.resourceAccount else { return false }
        return pa != ra
    }

    static func combine(identityAllow: Bool, resourcePolicy: Bool, resourceDirect: Bool, resourceDelegated: Bool,
                        context: RequestContext) -> Decision {
        guard resourcePolicy else { return identityAllow ? .allowed : .implicitDeny }
        // Federated and service principals have no identity policies: the resource (trust) policy decides.
        if let p = context.principal, p.kind != .aws { return resourceDirect || resourceDelegated ? .allowed : .implicitDeny }
        if isCrossAccount(context) { return identityAllow && (resourceDirect || resourceDelegated) ? .allowed : .implicitDeny }
        // Same account: a statement naming the principal suffices; one naming the account delegates to identity.
        return identityAllow || resourceDirect ? .allowed : .implicitDeny
    }

    enum ScanResult { case nothing, allowDirect, allowDelegated, deny }

    /// Scans one document: deny wins; a direct allow beats a delegated one.
    static func scan(_ doc: PolicyDocument, context: RequestContext, usePrincipal: Bool) -> ScanResult {
        scan(doc.fast, context: context, usePrincipal: usePrincipal)
    }

    static func scan(_ fast: FastPolicy, context: RequestContext, usePrincipal: Bool) -> ScanResult {
        let n = fast.keyTable.count
        let m = fast.memoSize
        // One scratch buffer: key slots, then the memo of principal/action/condition results (-1 = not yet).
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: Swift.max(n + m, 1)) { buf in
            for i in 0..<n { buf[i] = context.slot(forLowercased: fast.keyTable[i]) }
            for i in n..<(n + m) { buf[i] = -1 }
            return fast.statements.withUnsafeBufferPointer { statements in
                fast.conditions.withUnsafeBufferPointer { conditions in
                    fast.values.withUnsafeBufferPointer { values in
                        context.valueLists.withUnsafeBufferPointer { lists in
                            var result = ScanResult.nothing
                            statementLoop: for st in statements {
                                var pm = PrincipalMatch.direct
                                if usePrincipal {
                                    // The principal's kind of match is memoised as 0 none, 1 direct, 2 delegated.
                                    var v = buf[n + st.principalMemo]
                                    if v < 0 {
                                        switch fastPrincipalMatch(fast, st.index, context.principal) {
                                        case .none: v = 0
                                        case .direct: v = 1
                                        case .delegated: v = 2
                                        }
                                        buf[n + st.principalMemo] = v
                                    }
                                    if v == 0 { continue }
                                    pm = v == 1 ? .direct : .delegated
                                }
                                var a = buf[n + st.actionMemo]
                                if a < 0 {
                                    a = fastActionMatches(fast, st.index, context) ? 1 : 0
                                    buf[n + st.actionMemo] = a
                                }
                                if a == 0 { continue }
                                if st.hasResources, !fastResourceMatches(fast, st.index, context) { continue }
                                for ci in st.conditionStart..<st.conditionEnd {
                                    let c = conditions[ci]
                                    var r = buf[n + c.memo]
                                    if r < 0 {
                                        let s = buf[c.slot]
                                        let ok = conditionResult(
                                            op: c.op, qualifier: c.qualifier, ifExists: c.ifExists,
                                            values: UnsafeBufferPointer(rebasing: values[c.valueStart..<c.valueEnd]),
                                            requestValues: s >= 0 ? lists[s] : nil, context: context)
                                        r = ok ? 1 : 0
                                        buf[n + c.memo] = r
                                    }
                                    if r == 0 { continue statementLoop }
                                }
                                if st.deny { return .deny }
                                if case .direct = pm { result = .allowDirect } else if case .nothing = result { result = .allowDelegated }
                            }
                            return result
                        }
                    }
                }
            }
        }
    }

    static func fastPrincipalMatch(_ fast: FastPolicy, _ i: Int, _ principal: RequestPrincipal?) -> PrincipalMatch {
        if let p = fast.principals[i] { return fastMatch(p, principal) }
        if let np = fast.notPrincipals[i] {
            if case .none = fastMatch(np, principal) { return .direct }
            return .none
        }
        return .none
    }

    static func fastActionMatches(_ fast: FastPolicy, _ i: Int, _ context: RequestContext) -> Bool {
        var any = false
        for pv in fast.actions[i] where valueMatches(pv, context.actionLower, .stringLike, context) {
            any = true
            break
        }
        return any != fast.actionsNegated[i]
    }

    static func fastResourceMatches(_ fast: FastPolicy, _ i: Int, _ context: RequestContext) -> Bool {
        guard let r = context.resource else { return !fast.resourcesNegated[i] }
        guard let patterns = fast.resources[i] else { return true }
        var any = false
        for pv in patterns where valueMatches(pv, r, .stringLike, context) {
            any = true
            break
        }
        return any != fast.resourcesNegated[i]
    }

    static func fastMatch(_ e: FastPrincipal, _ principal: RequestPrincipal?) -> PrincipalMatch {
        if e.everyone { return .direct }
        guard let p = principal else { return .none }
        switch p.kind {
        case .federated: return e.federated.contains(p.arn) ? .direct : .none
        case .service: return e.services.contains(p.arn.lowercased()) ? .direct : .none
        case .canonicalUser: return e.canonical.contains(p.arn) ? .direct : .none
        case .aws:
            var best = PrincipalMatch.none
            for entry in e.aws {
                switch entryMatch(entry, p) {
                case .direct: return .direct
                case .delegated: best = .delegated
                case .none: break
                }
            }
            return best
        }
    }

    // MARK: Element matching

    static func principalMatch(_ st: PolicyStatement, _ context: RequestContext) -> PrincipalMatch {
        if let p = st.principal { return match(p, context.principal) }
        if let np = st.notPrincipal {
            // NotPrincipal matches everyone not listed (a delegated entry also excludes its account's principals).
            if case .none = match(np, context.principal) { return .direct }
            return .none
        }
        return .none
    }

    static func match(_ element: PrincipalElement, _ principal: RequestPrincipal?) -> PrincipalMatch {
        if element.everyone { return .direct }
        guard let principal else { return .none }
        var best = PrincipalMatch.none
        for e in element.entries {
            switch entryMatch(e, principal) {
            case .direct: return .direct
            case .delegated: best = .delegated
            case .none: break
            }
        }
        return best
    }

    static func entryMatch(_ e: PrincipalEntry, _ p: RequestPrincipal) -> PrincipalMatch {
        if e.kind == .aws, e.isWildcard { return .direct }
        guard e.kind == p.kind else { return .none }
        switch e.kind {
        case .aws:
            if e.value == p.arn { return .direct }
            if let acct = e.wholeAccount, acct == p.account { return .delegated }
            if let rn = e.roleName, rn == p.roleName, e.roleAccount == p.account { return .direct }
            return .none
        case .service:
            return e.value.lowercased() == p.arn.lowercased() ? .direct : .none
        case .federated, .canonicalUser:
            return e.value == p.arn ? .direct : .none
        }
    }

    static func actionMatches(_ st: PolicyStatement, _ context: RequestContext) -> Bool {
        if let a = st.action { return a.patterns.contains { valueMatches($0, context.actionLower, .stringLike, context) } }
        if let na = st.notAction { return !na.patterns.contains { valueMatches($0, context.actionLower, .stringLike, context) } }
        return false
    }

    static func resourceMatches(_ st: PolicyStatement, _ context: RequestContext, _ doc: PolicyDocument) -> Bool {
        // Trust and resource policies usually omit Resource: the statement is about the resource itself.
        guard let r = context.resource else { return st.notResource == nil }
        if let res = st.resource { return res.patterns.contains { valueMatches($0, r, .stringLike, context) } }
        if let nr = st.notResource { return !nr.patterns.contains { valueMatches($0, r, .stringLike, context) } }
        return true
    }

    // MARK: Conditions

    /// The result of one condition for the request's values of its key (nil when the key is absent).
    ///
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
    static func conditionResult(_ c: PolicyCondition, _ requestValues: [String]?, _ context: RequestContext,
                                _ doc: PolicyDocument) -> Bool {
        c.compiled.withUnsafeBufferPointer {
            conditionResult(op: c.op, qualifier: c.qualifier, ifExists: c.ifExists, values: $0,
                            requestValues: requestValues, context: context)
        }
    }

    static func conditionResult(op: ConditionOperator, qualifier: SetQualifier, ifExists: Bool, values: UnsafeBufferPointer<PolicyValue>,
                                requestValues: [String]?, context: RequestContext) -> Bool {
        if op == .null {
            let absent = requestValues?.isEmpty ?? true
            return values.contains { if case let .bool(b) = $0 { return b == absent } else { return false } }
        }
        guard let rvs = requestValues, !rvs.isEmpty else {
            if ifExists { return true }
            switch qualifier {
            case .forAllValues: return true
            case .forAnyValue: return false
            case .none: return op.isNegated
            }
        }
        func m(_ rv: String) -> Bool {
            let count = rv.utf8.count
            for i in values.indices {
                // Exact strings (the usual :sub and :aud values) are compared inline: length first.
                if case let .exact(s) = values[i] {
                    if s.utf8.count == count, s == rv { return true }
                    continue
                }
                if valueMatches(values[i], rv, op, context) { return true }
            }
            return false
        }
        if rvs.count == 1 {
            // The common single-valued case, without the set logic.
            let hit = m(rvs[0])
            switch (qualifier, op.isNegated) {
            case (_, false): return hit
            case (_, true): return !hit
            }
        }
        switch (qualifier, op.isNegated) {
        case (.none, false), (.forAnyValue, false): return rvs.contains(where: m)
        case (.none, true): return !rvs.contains(where: m)
        case (.forAllValues, false): return rvs.allSatisfy(m)
        case (.forAllValues, true): return rvs.allSatisfy { !m($0) }
        case (.forAnyValue, true): return rvs.contains { !m($0) }
        }
    }

    /// Whether one request value matches one policy value under the (positive sense of the) operator.
    static func valueMatches(_ pv: PolicyValue, _ rv: String, _ op: ConditionOperator, _ context: RequestContext) -> Bool {
        switch pv {
        case let .exact(s): return s.utf8.count == rv.utf8.count && s == rv
        case let .folded(s): return s == rv.lowercased()
        case let .pattern(p): return p.matches(rv)
        case let .template(t, fold):
            guard let s = t.resolve(context) else { return false }
            return fold ? s.lowercased() == rv.lowercased() : s == rv
        case let .likeTemplate(t, fold):
            guard let p = t.resolvePattern(context, foldCase: fold) else { return false }
            return p.matches(rv)
        case let .arn(a): return a.matches(rv)
        case let .arnTemplate(t):
            guard let s = t.resolve(context), let a = ArnPattern(s) else { return false }
            return a.matches(rv)
        case let .number(n):
            guard let x = Double(rv) else { return false }
            return compare(x, n, op)
        case let .date(d):
            guard let x = PolicyValue.parseDate(rv) else { return false }
            return compare(x, d, op)
        case let .bool(b):
            switch rv.lowercased() {
            case "true": return b
            case "false": return !b
            default: return false
            }
        case let .binary(bytes):
            return Base64.decode(rv) == bytes
        case let .cidr(c): return c.contains(rv)
        }
    }

    @inline(__always) static func compare(_ request: Double, _ policy: Double, _ op: ConditionOperator) -> Bool {
        switch op {
        case .numericLessThan, .dateLessThan: return request < policy
        case .numericLessThanEquals, .dateLessThanEquals: return request <= policy
        case .numericGreaterThan, .dateGreaterThan: return request > policy
        case .numericGreaterThanEquals, .dateGreaterThanEquals: return request >= policy
        default: return request == policy
        }
    }
}
