
/// Turns the result of an STS/IAM call into findings that say, in plain words, what happened, why, and what to
/// change. The messages people see for each case are collected in FAILURES.md.
public enum STSErrorClassifier {
    /// A clock further off than this breaks SigV4 (AWS rejects signatures older or newer than 5 minutes) and
    /// token time checks.
    public static let maxClockSkew: Double = 300

    /// Findings for one call: the failure (if any), throttling that was retried, and clock skew.
    public static func findings(for result: HopCallResult, hop: Int? = nil) -> [Finding] {
        var out: [Finding] = []
        let base = baseEvidence(result)
        if let f = result.failure { out.append(failureFinding(f, result: result, evidence: base, hop: hop)) }
        let throttled = result.attempts.filter { a in a.retried && (a.status == 429 || a.errorCode.map(isThrottle) == true) }
        if !throttled.isEmpty, result.failure?.awsCode.map(isThrottle) != true {
            out.append(Finding(
                id: "sts.throttled", severity: .warn,
                title: "\(result.action) was throttled and retried \(throttled.count) time(s)",
                evidence: base + attemptEvidence(result),
                why: "STS limits the request rate per account and region. Retries hid it this time; a busy workload "
                    + "that calls STS on every request will keep hitting it.",
                fix: "Cache and reuse temporary credentials until shortly before they expire (the AWS SDKs do); "
                    + "use a regional STS endpoint so the quota is per region.",
                docURL: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html", hop: hop))
        }
        if let skew = result.clockSkew, abs(skew) > maxClockSkew {
            out.append(Finding(
                id: "sts.clock-skew", severity: .fail,
                title: "Local clock is \(UTCTime.humanDuration(abs(skew))) \(skew > 0 ? "behind" : "ahead of") the server",
                evidence: base + [Evidence("server Date", result.serverDate.map { UTCTime.iso8601($0) } ?? "?"),
                                  Evidence("skew seconds", String(Int(skew.rounded())))],
                why: "SigV4 signatures are only accepted within 5 minutes of the server's time, and web identity tokens "
                    + "are checked against it too: requests fail with SignatureDoesNotMatch, "
                    + "\"Signature expired\" or ExpiredTokenException although nothing else is wrong.",
                fix: "Synchronise the node's clock (chrony/NTP, or the Amazon Time Sync Service at 169.254.169.123).",
                docURL: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/set-time.html", hop: hop))
        }
        return out
    }

    private static func isThrottle(_ code: String) -> Bool {
        ["Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded", "RequestThrottled",
         "TooManyRequestsException", "SlowDown"].contains(code)
    }

    static func baseEvidence(_ r: HopCallResult) -> [Evidence] {
        var e = [Evidence("call", r.action), Evidence("endpoint", r.endpoint)]
        if let role = r.roleArn { e.append(Evidence("role", role)) }
        if let status = r.attempts.last?.status { e.append(Evidence("HTTP status", String(status))) }
        if let id = r.requestId { e.append(Evidence("request id", id)) }
        return e
    }

    static func attemptEvidence(_ r: HopCallResult) -> [Evidence] {
        r.attempts.map { a in
            let what = a.transportError.map { $0.code } ?? a.errorCode ?? a.status.map { "HTTP \($0)" } ?? "?"
            let wait = a.backoffBefore > 0 ? " after \(Int((a.backoffBefore * 1000).rounded())) ms backoff" : ""
            return Evidence("attempt \(a.number)", what + wait + ", \(Int((a.timings.total * 1000).rounded())) ms")
        }
    }

    static func failureFinding(_ f: HopFailure, result r: HopCallResult, evidence: [Evidence], hop: Int?) -> Finding {
        switch f {
        case let .transport(t):
            return transportFinding(t, result: r, evidence: evidence, hop: hop)
        case let .malformedResponse(status, detail):
            if (500...599).contains(status) {
                return Finding(id: "sts.server-error", severity: .fail, title: "\(r.action) failed with HTTP \(status)",
                               evidence: evidence + [Evidence("detail", detail)] + attemptEvidence(r),
                               why: "The endpoint answered with a server error \(r.attempts.count) time(s). Either STS "
                                   + "has an outage or something in between (proxy, VPC endpoint, firewall) answers instead.",
                               fix: "Check the AWS Health Dashboard; if only this pod sees it, check HTTPS_PROXY and the "
                                   + "STS VPC endpoint.", hop: hop)
            }
            return Finding(id: "sts.malformed-response", severity: .fail,
                           title: "\(r.action) returned something that is not an STS answer",
                           evidence: evidence + [Evidence("detail", detail)],
                           why: "The answer could not be read as an AWS query-protocol response. Usually a proxy, a "
                               + "captive portal or a wrong endpoint URL answers instead of STS.",
                           fix: "Check the endpoint URL (AWS_ENDPOINT_URL_STS, sts_regional_endpoints) and any proxy "
                               + "between the pod and STS; the response body is in the HTTP details.", hop: hop)
        case let .aws(e, status):
            return awsFinding(e, status: status, result: r, evidence: evidence, hop: hop)
        }
    }

    static func transportFinding(_ t: TransportError, result r: HopCallResult, evidence: [Evidence], hop: Int?) -> Finding {
        let ev = evidence + [Evidence("error", t.description)]
        switch t {
        case .dnsFailure, .connectionRefused, .connectionFailed:
            return Finding(id: "net.unreachable", severity: .fail, title: "Cannot reach \(r.endpoint)", evidence: ev,
                           why: "No HTTP answer came back, so the hop could not run.",
                           fix: "Check DNS and network policies for the STS endpoint; in a private cluster without "
                               + "internet access use the regional endpoint with an STS interface VPC endpoint "
                               + "(AWS_STS_REGIONAL_ENDPOINTS=regional, AWS_REGION set).", hop: hop)
        case .connectTimeout, .readTimeout:
            return Finding(id: "net.timeout", severity: .fail, title: "\(r.endpoint) did not answer in time", evidence: ev,
                           why: "The connection or the response timed out: the `dial tcp ...: i/o timeout` of private "
                               + "clusters that use the global endpoint without a route to it, or a very slow proxy.",
                           fix: "Use the regional STS endpoint reachable from the cluster (an STS VPC endpoint in private "
                               + "subnets), or fix the route/proxy to it.",
                           docURL: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_sts_vpce.html", hop: hop)
        case .tlsFailure:
            return Finding(id: "net.tls-failure", severity: .fail, title: "TLS to \(r.endpoint) failed", evidence: ev,
                           why: "The certificate could not be verified; a TLS-intercepting proxy or a missing CA bundle "
                               + "is the usual reason.",
                           fix: "Point AWS_CA_BUNDLE at the proxy's CA, or exempt STS from interception.", hop: hop)
        case .proxyFailure:
            return Finding(id: "net.proxy-failure", severity: .fail, title: "The proxy refused or failed", evidence: ev,
                           why: "HTTPS_PROXY is set and the proxy did not open a tunnel to STS.",
                           fix: "Fix the proxy, or add the STS endpoint host to NO_PROXY.", hop: hop)
        case .responseTooLarge:
            return Finding(id: "sts.malformed-response", severity: .fail, title: "\(r.action) answer was too large",
                           evidence: ev, why: "STS answers are a few KB; something else answered.",
                           fix: "Check the endpoint URL and proxy.", hop: hop)
        case .cancelled:
            return Finding(id: "net.cancelled", severity: .info, title: "\(r.action) was cancelled", evidence: ev,
                           why: "The call was stopped before it finished.", fix: "", hop: hop)
        case .invalidURL:
            return Finding(id: "net.invalid-url", severity: .fail, title: "The endpoint URL is not usable", evidence: ev,
                           why: "The STS endpoint could not be parsed as a URL.",
                           fix: "Check AWS_ENDPOINT_URL_STS / endpoint_url.", hop: hop)
        }
    }

    static func awsFinding(_ e: AWSErrorInfo, status: Int, result r: HopCallResult, evidence: [Evidence],
                           hop: Int?) -> Finding {
        let ev = evidence + [Evidence("AWS error", e.code + ": " + e.message)]
        let msg = e.message
        let web = r.action == "AssumeRoleWithWebIdentity"
        switch e.code {
        case "AccessDenied", "AccessDeniedException":
            return Finding(
                id: "sts.access-denied", severity: .fail, title: "\(r.action) was denied", evidence: ev,
                why: web
                    ? "The role's trust policy does not let this token in: the Federated principal must be the "
                        + "`oidc-provider/` of the token's issuer, and every condition (`:sub`, `:aud`) must match the "
                        + "token exactly (a `*` inside StringEquals is literal; use StringLike)."
                    : "Either the target role's trust policy does not name the caller (or its account root), or the "
                        + "caller's own identity policy lacks `sts:AssumeRole` on the target role: both must allow it.",
                fix: web
                    ? "Compare the token's `sub` and `aud` with the trust conditions (`rolehop trust`), and fix the "
                        + "condition or the service-account annotation."
                    : "Add an Allow for `sts:AssumeRole` on the role ARN to the caller's identity policy, and the "
                        + "caller's role ARN (or account root) as Principal in the target role's trust policy.",
                docURL: "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_roles.html", hop: hop)
        case "InvalidIdentityToken":
            let (why, fix): (String, String)
            if msg.contains("No OpenIDConnect provider found") {
                why = "The role's account has no IAM OIDC identity provider for the token's issuer. Cross-account, the "
                    + "provider must exist in the account that owns the role (or chain through a role in the cluster's account)."
                fix = "Create the IAM OIDC provider for the cluster's issuer in the role's account, or use chained "
                    + "AssumeRole from a role in the cluster's account."
            } else if msg.contains("audience") {
                why = "The token's `aud` is not one of the provider's client ids (`sts.amazonaws.com` for IRSA)."
                fix = "Add the token's audience to the OIDC provider's client ids, or fix the "
                    + "`eks.amazonaws.com/audience` annotation (watch for `sts.amazon.com`)."
            } else if msg.contains("thumbprint") {
                why = "The issuer's TLS certificate no longer matches the thumbprint stored on the IAM OIDC provider."
                fix = "Update the provider's thumbprint list to the issuer chain's top certificate."
            } else if msg.contains("verification key") {
                why = "STS could not fetch the issuer's discovery document or JWKS in time (about 5 s), or the "
                    + "token's `kid` is not among the keys."
                fix = "Make the issuer's `/.well-known/openid-configuration` and `jwks_uri` publicly reachable and fast."
            } else {
                why = "STS rejected the web identity token itself (issuer, signature, audience or format)."
                fix = "Check the token with `rolehop token` and the IAM OIDC provider of the role's account."
            }
            return Finding(id: "sts.invalid-identity-token", severity: .fail, title: "STS rejected the web identity token",
                           evidence: ev, why: why, fix: fix,
                           docURL: "https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html",
                           hop: hop)
        case "ExpiredTokenException", "ExpiredToken":
            return Finding(id: "sts.expired-token", severity: .fail, title: "The token or credentials had expired",
                           evidence: ev,
                           why: web
                               ? "The projected service-account token is past its `exp`. A process that read the token "
                                   + "once keeps using it after kubelet rotated the file."
                               : "The credentials signing this call (a previous hop's session) have expired.",
                           fix: web
                               ? "Re-read the token file on every refresh (current AWS SDKs do); check the node clock."
                               : "Re-run the previous hop to get fresh credentials; check the node clock.", hop: hop)
        case "IDPCommunicationError":
            return Finding(id: "sts.idp-communication-error", severity: .fail,
                           title: "STS could not talk to the identity provider", evidence: ev + attemptEvidence(r),
                           why: "STS fetches the issuer's keys to verify the token; the issuer did not answer in time.",
                           fix: "Check that the OIDC issuer URL is publicly reachable; retry later.", hop: hop)
        case "RegionDisabledException":
            return Finding(id: "sts.region-disabled", severity: .fail,
                           title: "STS is not activated in this region for the account", evidence: ev,
                           why: "Regional STS endpoints must be activated per account for opt-in regions.",
                           fix: "Activate the region in IAM > Account settings > STS, or use another region's endpoint.",
                           docURL: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_enable-regions.html",
                           hop: hop)
        case "ValidationError" where msg.contains("role chaining"):
            return Finding(id: "sts.chaining-duration-limit", severity: .fail,
                           title: "DurationSeconds is over the 1 hour limit for chained roles", evidence: ev,
                           why: "A role assumed with credentials from another role session is limited to 3600 s, "
                               + "whatever the role's MaxSessionDuration says.",
                           fix: "Set `duration_seconds = 3600` (or less) on this profile, or remove it.",
                           docURL: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining",
                           hop: hop)
        case "ValidationError" where msg.contains("MaxSessionDuration"):
            return Finding(id: "sts.duration-exceeds-max", severity: .fail,
                           title: "DurationSeconds is over the role's MaxSessionDuration", evidence: ev,
                           why: "A session cannot outlive the role's MaxSessionDuration.",
                           fix: "Lower `duration_seconds`, or raise the role's MaxSessionDuration.", hop: hop)
        case "SignatureDoesNotMatch":
            return Finding(id: "sts.signature-mismatch", severity: .fail, title: "AWS computed a different signature",
                           evidence: ev + (r.trace.map { [Evidence("signed headers", $0.signedHeaders),
                                                          Evidence("credential scope", $0.credentialScope)] } ?? []),
                           why: "The secret key does not belong to the access key id, the clock is off, or something "
                               + "between the pod and AWS (a proxy) changed the request after signing.",
                           fix: "Check the secret for the access key; compare AWS's canonical request with rolehop's "
                               + "(`rolehop sigv4 --aws-error FILE`); check clock skew and proxies.", hop: hop)
        case "InvalidClientTokenId", "UnrecognizedClientException":
            return Finding(id: "sts.invalid-client-token", severity: .fail,
                           title: "AWS does not know the access key id", evidence: ev,
                           why: "The key was deleted or deactivated, belongs to another partition (aws-cn, aws-us-gov), "
                               + "or a session token is missing or belongs to other credentials.",
                           fix: "Check which credentials signed this hop (`rolehop chain`) and that the session token "
                               + "travels with its key.", hop: hop)
        case let c where isThrottle(c):
            return Finding(id: "sts.throttled", severity: .fail,
                           title: "\(r.action) stayed throttled after \(r.attempts.count) attempts",
                           evidence: ev + attemptEvidence(r),
                           why: "STS limits the request rate per account and region.",
                           fix: "Cache temporary credentials instead of assuming the role per request; spread calls "
                               + "over regional endpoints.",
                           docURL: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html", hop: hop)
        default:
            if (500...599).contains(status) {
                return Finding(id: "sts.server-error", severity: .fail, title: "\(r.action) failed with HTTP \(status)",
                               evidence: ev + attemptEvidence(r),
                               why: "AWS reported an internal error on every attempt.", fix: "Retry later.", hop: hop)
            }
            return Finding(id: "sts.error", severity: .fail, title: "\(r.action) failed: \(e.code)", evidence: ev,
                           why: "AWS rejected the request with the message above.",
                           fix: "Read AWS's message; the request (masked) is in the HTTP details.", hop: hop)
        }
    }
}
