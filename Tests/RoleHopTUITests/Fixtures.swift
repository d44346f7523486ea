import RoleHopCore

/// Explorer snapshots for the screen tests, the tmux test and the screenshots: the reference scenario (chained
/// AssumeRole, every hop live and working) and three broken chains. Written to Tests/Data/tui/fixtures/*.json by
/// the codec test (recorded with ROLEHOP_RECORD=1) so the binary can open them with `--snapshot`.
enum Fixtures {
    static let all: [(name: String, snapshot: ExplorerSnapshot)] = [
        ("reference", reference), ("trust-sub-mismatch", trustSubMismatch), ("expired-token", expiredToken),
        ("private-cluster", privateCluster),
    ]

    static let issuer = "https://oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
    static let providerARN = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
    static let tokenFile = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"
    static let roleA = "arn:aws:iam::111122223333:role/account-a-role"
    static let roleB = "arn:aws:iam::444455556666:role/account-b-role"
    static let finalARN = "arn:aws:sts::444455556666:assumed-role/account-b-role/botocore-session-1764415200"

    static func kv(_ label: String, _ value: String, _ role: StyleRole = .plain, source: String? = nil) -> StyledLine {
        var spans = [Span(label.padding(14), .muted), Span(value, role)]
        if let source { spans.append(Span("  " + source, .muted)) }
        return StyledLine(spans)
    }
    static func heading(_ text: String) -> StyledLine { StyledLine(text, .heading) }

    static func tokenNode(expired: Bool) -> NodeView {
        NodeView(
            kind: .baseCredentials, label: "web identity token", detail: "serviceaccount/token (IRSA)",
            state: expired ? .predicted(.fail) : .succeeded,
            tabs: [
                .overview: [
                    heading("Base credentials: projected service-account token"),
                    kv("source", "AWS_WEB_IDENTITY_TOKEN_FILE", source: "env AWS_WEB_IDENTITY_TOKEN_FILE"),
                    kv("file", tokenFile),
                    kv("readable", "yes (mode 0644, uid 0)", .ok),
                    expired ? kv("expires", "2026-11-29T09:12:00Z (expired 2h16m ago)", .fail)
                        : kv("expires", "2026-11-29T12:28:00Z (in 59m)", .ok),
                    "",
                    expired ? StyledLine([Span("✘ ", .fail), Span("The token expired; STS will answer ExpiredTokenException.", .fail)])
                        : StyledLine([Span("✔ ", .ok), Span("Token present, readable and valid for this chain.")]),
                ],
                .settings: [
                    kv("AWS_ROLE_ARN", roleA, source: "env"),
                    kv("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile, source: "env"),
                    kv("AWS_REGION", "us-east-1", source: "env"),
                    kv("AWS_STS_REGIONAL_ENDPOINTS", "regional", source: "default (SDK default)"),
                ],
                .token: [
                    heading("Header"),
                    kv("alg", "RS256"), kv("kid", "EXAMPLEKEYID0123456789"),
                    heading("Claims"),
                    kv("iss", issuer),
                    kv("sub", "system:serviceaccount:default:my-service-account"),
                    kv("aud", "sts.amazonaws.com"),
                    kv("iat", "2026-11-29T08:12:00Z"),
                    expired ? kv("exp", "2026-11-29T09:12:00Z  expired 2h16m ago", .fail)
                        : kv("exp", "2026-11-29T12:28:00Z  in 59m", .ok),
                    heading("Signature"),
                    kv("value", "**** (never shown)", .muted),
                ],
            ],
            worst: expired ? .fail : nil)
    }

    static func hopA(state: NodeState, trustFails: Bool = false, http: [StyledLine]? = nil, overview: [StyledLine]? = nil) -> NodeView {
        let sub = trustFails ? "system:serviceaccount:default:my-service-acount" : "system:serviceaccount:default:my-service-account"
        return NodeView(
            kind: .webIdentityHop, label: "account-a-role", detail: "AssumeRoleWithWebIdentity → 111122223333",
            state: state,
            tabs: [
                .overview: overview ?? [
                    heading("Hop 1: AssumeRoleWithWebIdentity"),
                    kv("role", roleA, source: "env AWS_ROLE_ARN"),
                    kv("session", "botocore-session-1764415200"),
                    kv("endpoint", "https://sts.us-east-1.amazonaws.com/"),
                    kv("result", "200 OK in 412 ms", .ok),
                    kv("identity", "arn:aws:sts::111122223333:assumed-role/account-a-role/botocore-session-1764415200"),
                    kv("credentials", "****MPLE, expires in 59m"),
                ],
                .settings: [
                    kv("role_arn", roleA, source: "env AWS_ROLE_ARN"),
                    kv("session name", "botocore-session-1764415200", source: "default (SDK default)"),
                    kv("duration", "3600 s", source: "default (SDK default)"),
                    kv("region", "us-east-1", source: "env AWS_REGION"),
                    kv("sts endpoint", "https://sts.us-east-1.amazonaws.com/", source: "derived (regional)"),
                ],
                .trust: [
                    heading("Trust policy of account-a-role"),
                    StyledLine([Span("Statement[0] ", .muted), Span("Allow sts:AssumeRoleWithWebIdentity", .plain)]),
                    kv("principal", "Federated " + providerARN, .ok),
                    StyledLine([Span("  ✔ ", .ok), Span("provider host matches the token's iss")]),
                    kv("condition", "StringEquals"),
                    StyledLine([Span("  key   ", .muted), Span("oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub")]),
                    StyledLine([Span("  want  ", .muted), Span(sub, trustFails ? .fail : .ok)]),
                    StyledLine([Span("  token ", .muted), Span("system:serviceaccount:default:my-service-account")]),
                    trustFails ? StyledLine([Span("  ✘ ", .fail), Span("no match: 'acount' in the policy vs 'account' in the token", .fail)])
                        : StyledLine([Span("  ✔ ", .ok), Span("matches")]),
                    kv("condition", "StringEquals :aud = sts.amazonaws.com", .ok),
                    "",
                    trustFails ? StyledLine([Span("Decision: ", .heading), Span("implicit deny (no statement matches)", .fail)])
                        : StyledLine([Span("Decision: ", .heading), Span("allow (Statement[0])", .ok)]),
                ],
                .permissions: [
                    heading("Identity policies of account-a-role"),
                    kv("allow-b", "Allow sts:AssumeRole on " + roleB, .ok),
                    StyledLine([Span("  ✔ ", .ok), Span("next hop's AssumeRole is allowed")]),
                ],
                .http: http ?? waterfall(status: "200 OK", total: 412, phases: [("dns", 8), ("connect", 31), ("tls", 96), ("wait", 277)]),
            ],
            worst: trustFails ? .fail : nil)
    }

    static func waterfall(status: String, total: Int, phases: [(String, Int)], failed: Bool = false) -> [StyledLine] {
        var out: [StyledLine] = [
            StyledLine([Span("POST ", .heading), Span("https://sts.us-east-1.amazonaws.com/"), Span("  " + status, failed ? .fail : .ok),
                        Span("  \(total) ms", .muted)]),
            kv("remote", "203.0.113.10:443 (no proxy)"),
            "",
        ]
        let scale = 30.0 / Double(max(1, total))
        var start = 0
        for (name, ms) in phases {
            let offset = Int(Double(start) * scale)
            let width = max(1, Int(Double(ms) * scale))
            out.append(StyledLine([Span("  " + name.padding(9), .muted), Span(String(repeating: " ", count: offset)),
                                   Span(String(repeating: "█", count: width), failed && name == phases.last?.0 ? .fail : .accent),
                                   Span(String(repeating: " ", count: max(0, 31 - offset - width)) + "\(ms) ms".leftPadding(8))]))
            start += ms
        }
        out.append("")
        out.append(heading("Request"))
        out.append(kv("Action", "AssumeRoleWithWebIdentity"))
        out.append(kv("WebIdentityToken", "**** (redacted)", .muted))
        return out
    }

    static func hopB(state: NodeState) -> NodeView {
        NodeView(
            kind: .assumeRoleHop, label: "account-b-role", detail: "AssumeRole → 444455556666", state: state,
            tabs: [
                .overview: [
                    heading("Hop 2: AssumeRole (signed with account-a-role's credentials)"),
                    kv("role", roleB, source: "~/.aws/config:3:1"),
                    kv("source", "profile account_a_role", source: "~/.aws/config:2:1"),
                    state == .succeeded ? kv("result", "200 OK in 188 ms", .ok) : kv("result", "not run: the hop before it failed", .muted),
                ],
                .settings: [
                    kv("profile", "account_b_role", source: "env AWS_PROFILE"),
                    kv("source_profile", "account_a_role", source: "~/.aws/config:2:1"),
                    kv("role_arn", roleB, source: "~/.aws/config:3:1"),
                ],
                .trust: [
                    heading("Trust policy of account-b-role"),
                    kv("principal", "AWS arn:aws:iam::111122223333:root", .warn),
                    StyledLine([Span("  ! ", .warn), Span("trusts every principal of account A that its policies allow")]),
                    kv("condition", "(none)", .muted),
                ],
                .http: state == .succeeded
                    ? waterfall(status: "200 OK", total: 188, phases: [("dns", 2), ("connect", 18), ("tls", 60), ("wait", 108)])
                    : [StyledLine("no request made", .muted)],
            ],
            worst: .warn)
    }

    static func finalNode(known: Bool) -> NodeView {
        NodeView(kind: .finalIdentity, label: known ? "assumed-role/account-b-role" : "final identity",
                 detail: known ? "GetCallerIdentity → 444455556666" : "unknown until the chain works",
                 state: known ? .succeeded : .notRun,
                 tabs: known ? [.overview: [heading("Who the pod finally is"), kv("arn", finalARN, .ok), kv("account", "444455556666"),
                                            kv("user id", "AROAEXAMPLEEXAMPLE0001:botocore-session-1764415200")]] : [:])
    }

    static let openTrust = Finding(
        id: "trust.condition-missing", severity: .warn, title: "Any service account of the cluster can assume account-a-role",
        evidence: [Evidence("trust Condition", "{}", source: .remote("iam:GetRole account-a-role"))],
        why: "The web-identity trust has no :sub condition, so every pod of the cluster with a projected token can take this role.",
        fix: "Add \"StringEquals\": {\"oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub\": \"system:serviceaccount:default:my-service-account\"}",
        hop: 1)
    static let accountTrust = Finding(
        id: "trust.account-root", severity: .info, title: "account-b-role trusts all of account 111122223333",
        evidence: [Evidence("Principal", "arn:aws:iam::111122223333:root", source: .remote("iam:GetRole account-b-role"))],
        why: "Any principal in account A whose identity policy allows sts:AssumeRole on this role can assume it.",
        fix: "Name the role instead: \"AWS\": \"\(roleA)\"", hop: 2)

    static let reference = ExplorerSnapshot(
        profile: "account_b_role", region: "us-east-1", mode: .live, finalIdentity: finalARN,
        nodes: [tokenNode(expired: false), hopA(state: .succeeded), hopB(state: .succeeded), finalNode(known: true)],
        findings: [
            openTrust, accountTrust,
            Finding(id: "chain.ok", severity: .ok, title: "The chain works: the pod is account-b-role in 444455556666", hop: 3),
        ],
        focusNode: nil)

    static let trustSubMismatch = ExplorerSnapshot(
        profile: "account_b_role", region: "us-east-1", mode: .live, finalIdentity: nil,
        nodes: [
            tokenNode(expired: false),
            hopA(state: .failed, trustFails: true,
                 http: waterfall(status: "403 AccessDenied", total: 301, phases: [("dns", 7), ("connect", 29), ("tls", 90), ("wait", 175)], failed: true),
                 overview: [
                    heading("Hop 1 failed: AccessDenied"),
                    StyledLine([Span("cause  ", .muted), Span("the trust condition on :sub does not match the token", .fail)]),
                    StyledLine([Span("want   ", .muted), Span("system:serviceaccount:default:my-service-acount", .fail)]),
                    StyledLine([Span("token  ", .muted), Span("system:serviceaccount:default:my-service-account")]),
                    StyledLine([Span("fix    ", .muted), Span("in account-a-role's trust policy, Statement[0].Condition.StringEquals, set", .ok)]),
                    StyledLine([Span("       ", .muted), Span("\":sub\": \"system:serviceaccount:default:my-service-account\"", .ok)]),
                    "",
                    StyledLine("STS said: Not authorized to perform sts:AssumeRoleWithWebIdentity", .muted),
                    StyledLine("Press 4 for the trust policy, 7 for every finding.", .muted),
                 ]),
            hopB(state: .notRun), finalNode(known: false),
        ],
        findings: [
            Finding(id: "trust.sub-mismatch", severity: .fail, title: "The token's sub does not match the trust policy of account-a-role",
                    evidence: [
                        Evidence("condition", "StringEquals ...:sub = system:serviceaccount:default:my-service-acount",
                                 source: .remote("iam:GetRole account-a-role")),
                        Evidence("token sub", "system:serviceaccount:default:my-service-account", source: .file(path: tokenFile, line: 1, column: 1)),
                    ],
                    why: "StringEquals compares exactly; one letter differs, so STS denies AssumeRoleWithWebIdentity.",
                    fix: "Set the condition value to system:serviceaccount:default:my-service-account", hop: 1),
            Finding(id: "sts.access-denied", severity: .fail, title: "STS denied AssumeRoleWithWebIdentity",
                    evidence: [Evidence("response", "403 AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity")],
                    why: "The role's trust policy does not allow this token.", fix: "See trust.sub-mismatch.", hop: 1),
            openTrust.with(severity: .info),
        ],
        focusNode: 1)

    static let expiredToken = ExplorerSnapshot(
        profile: "account_b_role", region: "us-east-1", mode: .offline, finalIdentity: nil,
        nodes: [tokenNode(expired: true), hopA(state: .predicted(.fail), http: [StyledLine("offline: no request made", .muted)]),
                hopB(state: .predicted(.ok)), finalNode(known: false)],
        findings: [
            Finding(id: "token.expired", severity: .fail, title: "The web identity token expired 2h16m ago",
                    evidence: [Evidence("exp", "2026-11-29T09:12:00Z", source: .file(path: tokenFile, line: 1, column: 1)),
                               Evidence("file mtime", "2026-11-29T08:12:00Z")],
                    why: "STS rejects expired tokens with ExpiredTokenException. The kubelet rotates the file; a process that cached the token keeps the stale one.",
                    fix: "Re-read the token file before each call (current SDKs do), or restart the pod.", hop: 0),
            openTrust,
        ],
        focusNode: 0)

    static let privateCluster = ExplorerSnapshot(
        profile: "account_b_role", region: "us-east-1", mode: .live, finalIdentity: nil,
        nodes: [
            tokenNode(expired: false),
            hopA(state: .failed,
                 http: [
                    StyledLine([Span("POST ", .heading), Span("https://sts.amazonaws.com/"), Span("  connect timeout", .fail), Span("  5000 ms", .muted)]),
                    kv("remote", "(no address: connect never finished)", .fail),
                    "",
                    StyledLine([Span("  dns      ", .muted), Span("█", .accent), Span("                               4 ms")]),
                    StyledLine([Span("  connect  ", .muted), Span("██████████████████████████████", .fail), Span("  5000 ms (gave up)")]),
                 ],
                 overview: [
                    heading("Hop 1 failed: the STS endpoint does not answer"),
                    StyledLine([Span("cause  ", .muted), Span("connect to sts.amazonaws.com:443 timed out after 5 s", .fail)]),
                    StyledLine([Span("why    ", .muted), Span("the global endpoint is used and this private cluster has no route to it")]),
                    StyledLine([Span("fix    ", .muted), Span("set AWS_STS_REGIONAL_ENDPOINTS=regional (and an STS VPC endpoint)", .ok)]),
                 ]),
            hopB(state: .notRun), finalNode(known: false),
        ],
        findings: [
            Finding(id: "net.connect-timeout", severity: .fail, title: "sts.amazonaws.com:443 did not answer within 5 s",
                    evidence: [Evidence("endpoint", "https://sts.amazonaws.com/", source: .environment("AWS_STS_REGIONAL_ENDPOINTS")),
                               Evidence("resolved", "52.94.236.248")],
                    why: "Private clusters reach STS only through a VPC endpoint, which serves the regional name.",
                    fix: "AWS_STS_REGIONAL_ENDPOINTS=regional", hop: 1),
        ],
        focusNode: 1)
}

extension Finding {
    func with(severity: Severity) -> Finding {
        var f = self
        f.severity = severity
        return f
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
    func leftPadding(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
