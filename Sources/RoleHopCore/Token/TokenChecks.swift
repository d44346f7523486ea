
/// The pieces of an EKS OIDC issuer, `https://oidc.eks.REGION.amazonaws.com/id/ID`.
public struct EKSIssuer: Sendable, Hashable {
    public var region: String
    public var id: String

    /// Parses an EKS issuer URL (including the `amazonaws.com.cn` partition), or nil for any other shape.
    public static func parse(_ issuer: String) -> EKSIssuer? {
        guard issuer.hasPrefix("https://") else { return nil }
        let rest = issuer.dropFirst("https://".count)
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1] == "id", !parts[2].isEmpty else { return nil }
        let host = parts[0]
        let suffix: String
        if host.hasSuffix(".amazonaws.com") { suffix = ".amazonaws.com" }
        else if host.hasSuffix(".amazonaws.com.cn") { suffix = ".amazonaws.com.cn" }
        else { return nil }
        guard host.hasPrefix("oidc.eks.") else { return nil }
        let region = host.dropFirst("oidc.eks.".count).dropLast(suffix.count)
        guard !region.isEmpty, !region.contains("."),
              parts[2].allSatisfy({ $0.isLetter || $0.isNumber }) else { return nil }
        return EKSIssuer(region: String(region), id: String(parts[2]))
    }
}

extension WebIdentityToken {
    /// The issuer without `https://` and trailing `/`: the IAM OIDC provider's name and the prefix of its
    /// condition keys (`oidc.eks.REGION.amazonaws.com/id/ID:sub`).
    public var providerName: String? {
        guard var iss = claims.iss else { return nil }
        if iss.hasPrefix("https://") { iss.removeFirst("https://".count) }
        while iss.hasSuffix("/") { iss.removeLast() }
        return iss
    }
}

/// Checks of a decoded token against the clock and against what STS and IAM expect.
public enum TokenChecks {
    /// The audience the EKS pod identity webhook requests and IAM OIDC providers list by default.
    public static let defaultAudience = "sts.amazonaws.com"

    /// Every check on the token, each a finding with evidence.
    ///
    /// - Parameters:
    ///   - now: the time to judge against (the CLI passes the clock; tests a fixed date).
    ///   - expectedAudience: the audience the role's OIDC provider lists.
    ///   - chainRegion: the region the chain uses, to compare with the issuer's.
    ///   - chainDuration: how long the chain needs the token to stay valid, in seconds.
    ///   - fileModified: the token file's mtime, shown when the token looks stale.
    public static func run(_ token: WebIdentityToken, now: Date, expectedAudience: String = defaultAudience,
                           chainRegion: Sourced<String>? = nil, chainDuration: Double = 60,
                           fileModified: Date? = nil) -> [Finding] {
        var out: [Finding] = []
        algorithm(token, into: &out)
        times(token, now: now, chainDuration: chainDuration, fileModified: fileModified, into: &out)
        audience(token, expected: expectedAudience, into: &out)
        subject(token, into: &out)
        issuer(token, chainRegion: chainRegion, into: &out)
        return out
    }

    static func algorithm(_ token: WebIdentityToken, into out: inout [Finding]) {
        let alg = token.header.alg ?? ""
        if alg.isEmpty || alg.lowercased() == "none" {
            out.append(Finding(
                id: "token.alg-none", severity: .fail, title: "The token is not signed (alg \(alg.isEmpty ? "missing" : alg))",
                evidence: [Evidence("alg", alg.isEmpty ? "(missing)" : alg), Evidence("signature length", "\(token.signatureLength) bytes")],
                why: "STS only accepts tokens signed with the issuer's key; an unsigned token is forged or a test value.",
                fix: "Use the token the kubelet projects into the pod."))
        }
    }

    static func date(_ d: Date) -> String { UTCTime.iso8601(d) }

    static func times(_ token: WebIdentityToken, now: Date, chainDuration: Double, fileModified: Date?,
                      into out: inout [Finding]) {
        let c = token.claims
        let nowEvidence = Evidence("now", date(now))
        var fileEvidence: [Evidence] = []
        if let m = fileModified {
            let age = now.timeIntervalSince(m)
            let rel = age >= 0 ? "\(UTCTime.humanDuration(age)) ago" : "\(UTCTime.humanDuration(age)) after now: clocks disagree"
            fileEvidence.append(Evidence("file modified", "\(date(m)) (\(rel))"))
        }
        if let exp = c.exp {
            let left = exp.timeIntervalSince(now)
            if left <= 0 {
                out.append(Finding(
                    id: "token.expired", severity: .fail,
                    title: "The token expired \(UTCTime.humanDuration(-left)) ago",
                    evidence: [Evidence("exp", date(exp)), nowEvidence] + fileEvidence,
                    why: "STS answers ExpiredTokenException. The kubelet rewrites the file well before expiry, so an "
                        + "expired token means the file is no longer refreshed or a process cached an old token.",
                    fix: "Re-read the token file for every AssumeRoleWithWebIdentity call (current SDKs do); check the "
                        + "kubelet on the node if the file itself is old."))
            } else if left < chainDuration {
                out.append(Finding(
                    id: "token.expiring", severity: .warn,
                    title: "The token expires in \(UTCTime.humanDuration(left)), before the chain would finish",
                    evidence: [Evidence("exp", date(exp)), nowEvidence,
                               Evidence("chain needs", UTCTime.humanDuration(chainDuration))] + fileEvidence,
                    why: "A hop that starts after expiry fails with ExpiredTokenException.",
                    fix: "Wait for the kubelet to rotate the token (it does so after 80% of its lifetime) and retry."))
            } else {
                var ev = [Evidence("exp", date(exp)), nowEvidence]
                if let iat = c.iat { ev.insert(Evidence("iat", date(iat)), at: 0) }
                out.append(Finding(id: "token.lifetime", severity: .ok,
                                   title: "The token is valid for another \(UTCTime.humanDuration(left))", evidence: ev))
            }
        } else {
            out.append(Finding(
                id: "token.no-expiry", severity: .fail, title: "The token has no exp claim",
                evidence: [Evidence("claims", token.payload.objectValue?.map(\.0).joined(separator: ", ") ?? "")],
                why: "STS requires exp in a web-identity token.", fix: "Use the projected service-account token."))
        }
        if let nbf = c.nbf, nbf > now {
            out.append(Finding(
                id: "token.not-yet-valid", severity: .fail,
                title: "The token is not valid for another \(UTCTime.humanDuration(nbf.timeIntervalSince(now))) (nbf)",
                evidence: [Evidence("nbf", date(nbf)), nowEvidence],
                why: "A token valid only in the future means this machine's clock is behind the API server's "
                    + "(clock skew); STS judges by its own clock.",
                fix: "Synchronise the node's clock (chrony/NTP)."))
        }
        if let iat = c.iat, iat > now {
            out.append(Finding(
                id: "token.issued-in-future", severity: .warn,
                title: "The token was issued \(UTCTime.humanDuration(iat.timeIntervalSince(now))) in the future (iat)",
                evidence: [Evidence("iat", date(iat)), nowEvidence],
                why: "Clocks disagree between this machine and the API server that minted the token.",
                fix: "Synchronise the node's clock (chrony/NTP)."))
        }
        if let warn = token.kubernetes?.warnAfter, warn < now, c.exp.map({ $0 > now }) ?? true {
            out.append(Finding(
                id: "token.stale", severity: .warn,
                title: "The token is past warnafter by \(UTCTime.humanDuration(now.timeIntervalSince(warn))): the kubelet should have replaced it",
                evidence: [Evidence("warnafter", date(warn)), nowEvidence] + fileEvidence,
                why: "The kubelet rotates projected tokens once they pass warnafter. A file still holding this token "
                    + "is not being refreshed (the volume is a copy, a subPath mount, or the kubelet is stuck), and "
                    + "it will expire.",
                fix: "Mount the projected volume directly (not through subPath) and check the kubelet's logs."))
        }
    }

    static func audience(_ token: WebIdentityToken, expected: String, into out: inout [Finding]) {
        let aud = token.claims.aud
        guard !aud.contains(expected) else { return }
        var fix = "Request the token with audience \(expected) (the eks.amazonaws.com/audience annotation, or the "
            + "projected volume's audience), or add the token's audience to the IAM OIDC provider's client ids."
        if aud.contains(where: { $0 == "sts.amazon.com" || $0 == "sts.amazonaws.com " || $0 == "https://sts.amazonaws.com" }) {
            fix = "The audience is a misspelling of sts.amazonaws.com; correct the eks.amazonaws.com/audience annotation."
        }
        out.append(Finding(
            id: "token.audience", severity: .fail, title: "The token's audience does not include \(expected)",
            evidence: [Evidence("aud", aud.isEmpty ? "(missing)" : aud.joined(separator: ", ")), Evidence("expected", expected)],
            why: "STS answers InvalidIdentityToken: Incorrect token audience when aud is not one of the OIDC "
                + "provider's client ids.",
            fix: fix))
    }

    static func subject(_ token: WebIdentityToken, into out: inout [Finding]) {
        guard let sub = token.claims.sub else {
            out.append(Finding(id: "token.subject", severity: .fail, title: "The token has no sub claim",
                               why: "Trust policies match the service account through the sub claim.",
                               fix: "Use the projected service-account token."))
            return
        }
        let parts = sub.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "system", parts[1] == "serviceaccount",
              !parts[2].isEmpty, !parts[3].isEmpty else {
            out.append(Finding(
                id: "token.subject", severity: .warn,
                title: "The token's sub is not system:serviceaccount:NAMESPACE:NAME",
                evidence: [Evidence("sub", sub)],
                why: "EKS trust policies conventionally match sub against system:serviceaccount:NAMESPACE:NAME; "
                    + "this token comes from something other than a Kubernetes service account.",
                fix: "Make the role's trust condition match this sub exactly, or use a service-account token."))
            return
        }
        if let k = token.kubernetes {
            var diffs: [Evidence] = []
            if let ns = k.namespace, ns != parts[2] { diffs.append(Evidence("kubernetes.io namespace", ns)) }
            if let sa = k.serviceAccountName, sa != parts[3] { diffs.append(Evidence("kubernetes.io service account", sa)) }
            if !diffs.isEmpty {
                out.append(Finding(
                    id: "token.subject-mismatch", severity: .warn,
                    title: "The token's sub disagrees with its kubernetes.io claims",
                    evidence: [Evidence("sub", sub)] + diffs,
                    why: "The API server writes both from the same service account; a disagreement means the token "
                        + "was edited or minted by something else.",
                    fix: "Use the token the kubelet projects."))
            }
        }
    }

    static func issuer(_ token: WebIdentityToken, chainRegion: Sourced<String>?, into out: inout [Finding]) {
        guard let iss = token.claims.iss, !iss.isEmpty else {
            out.append(Finding(id: "token.issuer", severity: .fail, title: "The token has no iss claim",
                               why: "STS finds the IAM OIDC provider by the issuer.",
                               fix: "Use the projected service-account token."))
            return
        }
        guard iss.hasPrefix("https://") else {
            out.append(Finding(
                id: "token.issuer", severity: .fail, title: "The token's issuer is not an https URL",
                evidence: [Evidence("iss", iss)],
                why: "IAM OIDC providers are https URLs; STS cannot match this issuer to one.",
                fix: "Configure the API server's --service-account-issuer as an https URL."))
            return
        }
        guard let eks = EKSIssuer.parse(iss) else {
            out.append(Finding(
                id: "token.issuer-not-eks", severity: .info,
                title: "The issuer is not an EKS issuer (allowed: self-managed clusters have their own)",
                evidence: [Evidence("iss", iss), Evidence("EKS shape", "https://oidc.eks.REGION.amazonaws.com/id/ID")],
                why: "Any https issuer with discovery and keys works, but the IAM OIDC provider must name it exactly, "
                    + "and a typo such as oidc.REGION.eks... is a common cause of 'No OpenIDConnect provider found'."))
            return
        }
        if let region = chainRegion, region.value != eks.region {
            out.append(Finding(
                id: "token.issuer-region", severity: .info,
                title: "The issuer's region (\(eks.region)) differs from the chain's region (\(region.value))",
                evidence: [Evidence("iss", iss), Evidence("issuer region", eks.region),
                           Evidence("chain region", region.value, source: region.source)],
                why: "IAM OIDC providers are global, so this works, but it often means the pod talks to another "
                    + "region's STS than intended, or the token comes from another cluster."))
        }
    }
}
