extension TrustAnalysis {
    /// Every `Federated` entry of the policy's Allow statements.
    static func federatedEntries(_ doc: PolicyDocument) -> [PrincipalEntry] {
        doc.statements.filter { $0.effect == .allow }.flatMap { $0.principal?.entries ?? [] }.filter { $0.kind == .federated }
    }

    /// `arn:aws:iam::A:oidc-provider/HOST/PATH` -> `HOST/PATH`.
    static func providerPath(_ arn: String) -> String? {
        guard let r = arn.firstRange(of: ":oidc-provider/") else { return nil }
        return String(arn[r.upperBound...])
    }

    /// `oidc.us-east-1.eks.amazonaws.com/...` (region before `eks`) rewritten as EKS names issuers.
    static func fixedRegionSlip(_ path: String) -> String? {
        let labels = path.split(separator: ".", maxSplits: 3, omittingEmptySubsequences: false)
        guard labels.count == 4, labels[0] == "oidc", labels[2] == "eks", labels[1] != "eks" else { return nil }
        return "oidc.eks.\(labels[1]).\(labels[3])"
    }

    static func isWebIdentityStatement(_ st: PolicyStatement) -> Bool {
        guard st.effect == .allow, let p = st.principal, p.entries.contains(where: { $0.kind == .federated && providerPath($0.value) != nil })
        else { return false }
        let ctx = RequestContext(action: "sts:AssumeRoleWithWebIdentity")
        return PolicyEvaluator.actionMatches(st, ctx)
    }

    static func source(_ doc: PolicyDocument, _ pos: JSONPosition?) -> Source? {
        pos.map { .file(path: doc.file, line: $0.line, column: $0.column) }
    }

    /// Lints a trust policy; with `claims` (a web-identity token's payload) also checks the issuer.
    ///
    /// `deniedBy` is the condition that made the hop fail, which turns a warning about it into a failure.
    public static func lint(trustPolicy doc: PolicyDocument, claims: JSONValue? = nil, roleArn: String? = nil,
                            caller: RequestPrincipal? = nil, hop: Int? = nil,
                            deniedBy: ConditionExplanation? = nil) -> [Finding] {
        var out: [Finding] = []
        let label = { (st: PolicyStatement) in st.sid.map { $0.isEmpty ? "#\(st.index)" : $0 } ?? "#\(st.index)" }
        // Web-identity statements: sub and aud conditions.
        for st in doc.statements where isWebIdentityStatement(st) {
            let provider = st.principal?.entries.first { $0.kind == .federated }?.value ?? ""
            let path = providerPath(provider) ?? "ISSUER"
            let positive = st.conditions.filter { !$0.op.isNegated && $0.op != .null }
            let subs = positive.filter { $0.keyLower.hasSuffix(":sub") }
            let subOpen = subs.isEmpty || subs.allSatisfy { c in
                c.op == .stringLike && c.values.contains { $0 == "*" || $0 == "system:serviceaccount:*" || $0 == "system:serviceaccount:*:*" }
            }
            if subOpen {
                let sa = claims?["sub"]?.stringValue ?? "system:serviceaccount:NAMESPACE:SERVICE_ACCOUNT"
                out.append(Finding(
                    id: "trust.no-sub-condition", severity: .warn,
                    title: "Statement \(label(st)) lets any service account of the cluster take the role (no :sub condition)",
                    evidence: [Evidence("statement", label(st), source: source(doc, st.position)), Evidence("Federated", provider)],
                    why: "Without a condition on \(path):sub every pod of the cluster that can get a projected token for "
                        + "sts.amazonaws.com can assume this role.",
                    fix: "Add to the statement's Condition:\n\"StringEquals\": {\n  \"\(path):sub\": \"\(sa)\",\n  \"\(path):aud\": \"sts.amazonaws.com\"\n}",
                    docURL: docOIDC, hop: hop))
            }
            if !positive.contains(where: { $0.keyLower.hasSuffix(":aud") }) {
                out.append(Finding(
                    id: "trust.no-aud-condition", severity: .warn,
                    title: "Statement \(label(st)) does not check the token's audience (no :aud condition)",
                    evidence: [Evidence("statement", label(st), source: source(doc, st.position))],
                    why: "EKS tokens for IRSA carry aud sts.amazonaws.com; checking it keeps tokens minted for other audiences out.",
                    fix: "Add to the statement's Condition:\n\"StringEquals\": {\"\(path):aud\": \"sts.amazonaws.com\"}",
                    docURL: docOIDC, hop: hop))
            }
        }
        // Wildcards under StringEquals-family operators.
        for st in doc.statements {
            for c in st.conditions where c.op.treatsWildcardsLiterally {
                let wild = c.values.filter { v in
                    let t = PolicyTemplate.parse(v)
                    return t.parts.contains { if case let .literal(s) = $0 { s.contains("*") || s.contains("?") } else { false } }
                }
                guard !wild.isEmpty, let like = c.op.likeCounterpart else { continue }
                let causedDenial = deniedBy.map { $0.path == c.path } ?? false
                let newOp = (c.qualifier == .none ? "" : c.qualifier.rawValue + ":") + like.rawValue + (c.ifExists ? "IfExists" : "")
                out.append(Finding(
                    id: "trust.stringequals-wildcard", severity: causedDenial ? .fail : .warn,
                    title: "\(c.operatorName) treats * and ? literally: \(Text.quotedList(wild)) only matches those exact characters",
                    evidence: [Evidence("condition", "\(c.operatorName) \(c.key)", source: source(doc, c.position)),
                               Evidence("values", wild.joined(separator: ", "))],
                    why: "Wildcards work only with StringLike / StringNotLike (and the Arn operators); under \(c.operatorName) the "
                        + "value must equal the request's value character for character.",
                    fix: "Use \(newOp) for this key:\n\"\(newOp)\": {\"\(c.key)\": \(JSONValue.array(c.values.map { .string($0) }).serialized())}",
                    docURL: docOperators, hop: hop))
            }
        }
        // Federated principals vs the token's issuer and the role's account.
        let roleAccount = account(ofArn: roleArn)
        let iss = claims?["iss"]?.stringValue.map(issuerPath)
        let webStatements = doc.statements.filter(isWebIdentityStatement)
        let providers = webStatements.flatMap { $0.principal?.entries ?? [] }.filter { $0.kind == .federated && providerPath($0.value) != nil }
        if let iss, !providers.isEmpty, !providers.contains(where: { providerPath($0.value) == iss }) {
            for p in providers {
                let path = providerPath(p.value) ?? ""
                var detail = "the trust names the provider \(path), the token's issuer is \(iss)"
                if fixedRegionSlip(path) == iss { detail += ": the region and \"eks\" are swapped (EKS issuers read oidc.eks.REGION.amazonaws.com)" }
                let acct = account(ofArn: p.value) ?? roleAccount ?? "ACCOUNT"
                out.append(Finding(
                    id: "trust.federated-issuer-mismatch", severity: .fail,
                    title: "The Federated principal does not match the token's issuer",
                    evidence: [Evidence("Federated", p.value), Evidence("token iss", claims?["iss"]?.stringValue ?? "")],
                    why: detail + ". STS matches the token to the provider named after its issuer, so this statement never applies.",
                    fix: "\"Principal\": {\"Federated\": \"arn:\(partition(ofArn: roleArn)):iam::\(acct):oidc-provider/\(iss)\"}\n"
                        + "and rename the condition keys to \(iss):sub and \(iss):aud",
                    docURL: docOIDC, hop: hop))
            }
        } else if iss == nil {
            for p in providers {
                guard let path = providerPath(p.value), let fixed = fixedRegionSlip(path) else { continue }
                out.append(Finding(
                    id: "trust.federated-issuer-mismatch", severity: .fail,
                    title: "The Federated principal swaps the region and \"eks\" (\(path))",
                    evidence: [Evidence("Federated", p.value)],
                    why: "EKS issuers read oidc.eks.REGION.amazonaws.com/id/ID; no token carries this issuer, so the statement never applies.",
                    fix: "\"Federated\": \"\(p.value.replacingPath(path, with: fixed))\"",
                    docURL: docOIDC, hop: hop))
            }
        }
        if let roleAccount {
            for p in providers {
                guard let acct = account(ofArn: p.value), acct != roleAccount, let path = providerPath(p.value),
                      iss == nil || iss == path else { continue }
                out.append(Finding(
                    id: "trust.federated-account-mismatch", severity: .fail,
                    title: "The trust names an OIDC provider in account \(acct), but the role lives in \(roleAccount)",
                    evidence: [Evidence("Federated", p.value), Evidence("role", roleArn ?? "")],
                    why: "STS looks the issuer up among the IAM OIDC providers of the role's own account; another account's "
                        + "provider never matches (InvalidIdentityToken: No OpenIDConnect provider found in your account).",
                    fix: "Either create the provider in \(roleAccount) (aws iam create-open-id-connect-provider --url https://\(path) "
                        + "--client-id-list sts.amazonaws.com) and name it:\n\"Federated\": \"arn:\(partition(ofArn: roleArn)):iam::\(roleAccount):oidc-provider/\(path)\"\n"
                        + "or chain: web identity into a role of \(acct), then sts:AssumeRole into this role.",
                    docURL: docOIDC, hop: hop))
            }
        }
        // Whole-account principals, NotPrincipal with Allow.
        for st in doc.statements where st.effect == .allow {
            for e in st.principal?.entries ?? [] where e.wholeAccount != nil {
                let suggestion = caller.map { $0.principalArnKey } ?? "arn:aws:iam::\(e.wholeAccount ?? "ACCOUNT"):role/ROLE_NAME"
                out.append(Finding(
                    id: "trust.root-principal", severity: .warn,
                    title: "Statement \(label(st)) trusts the whole account \(e.wholeAccount ?? "")",
                    evidence: [Evidence("Principal", e.value, source: source(doc, st.position))],
                    why: "Any principal of that account whose identity policies allow sts:AssumeRole on this role can take it; "
                        + "the trust itself narrows nothing.",
                    fix: "Name the caller's role:\n\"Principal\": {\"AWS\": \"\(suggestion)\"}\nor keep the account and add:\n"
                        + "\"Condition\": {\"ArnEquals\": {\"aws:PrincipalArn\": \"\(suggestion)\"}}",
                    docURL: docCross, hop: hop))
            }
            if st.notPrincipal != nil {
                out.append(Finding(
                    id: "trust.notprincipal-allow", severity: .warn,
                    title: "Statement \(label(st)) allows everyone except the listed principals (NotPrincipal with Allow)",
                    evidence: [Evidence("statement", label(st), source: source(doc, st.position))],
                    why: "NotPrincipal with Allow trusts every principal in every account not listed, including anonymous ones.",
                    fix: "Replace NotPrincipal with a Principal naming who may assume the role:\n\"Principal\": {\"AWS\": \"arn:aws:iam::ACCOUNT:role/ROLE_NAME\"}",
                    docURL: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html", hop: hop))
            }
        }
        if doc.minifiedSize > sizeQuota {
            out.append(Finding(
                id: "trust.size-over-quota", severity: .fail,
                title: "The trust policy is \(doc.minifiedSize) characters minified, over the default quota of \(sizeQuota)",
                evidence: [Evidence("size", "\(doc.minifiedSize)"), Evidence("quota", "\(sizeQuota) (ACLSizePerRole)")],
                why: "IAM refuses it: LimitExceeded: Cannot exceed quota for ACLSizePerRole: \(sizeQuota).",
                fix: "Merge statements that differ only in a condition value into one statement with a list of values, or "
                    + "use StringLike with a pattern; or ask for a quota increase (up to 4096).",
                docURL: docQuotas, hop: hop))
        }
        return out
    }
}

extension String {
    func replacingPath(_ old: String, with new: String) -> String {
        guard let r = firstRange(of: old) else { return self }
        return String(self[..<r.lowerBound]) + new + String(self[r.upperBound...])
    }
}
