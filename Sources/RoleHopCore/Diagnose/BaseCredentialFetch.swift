
/// Base credentials a live session fetches itself before its first signed call: from the container credentials
/// endpoint (EKS Pod Identity, ECS) or from instance metadata, through the same probes as `rolehop pod`.
///
/// The secret parts are `Secret`s inside `credentials`; nothing here renders them.
public struct BaseCredentialFetch: Sendable {
    /// Where the credentials were asked for.
    public enum Origin: Sendable, Hashable {
        /// The container credentials endpoint (nil when no endpoint is configured).
        case container(kind: PodIdentityReport.Kind, endpoint: String?)
        /// Instance metadata at `endpoint`; `roleName` once the role list answered.
        case instanceMetadata(endpoint: String, roleName: String?)
    }

    public var origin: Origin
    /// The fetched credentials, nil when the fetch failed.
    public var credentials: AWSCredentials?
    public var expiration: Date?
    /// The probe's findings, then `diagnose.base-unavailable` when the fetch failed.
    public var findings: [Finding]
    /// True when the fetch was cancelled (the step is then cancelled, not failed).
    public var cancelled: Bool
    /// Secrets handled on the way (the credentials, the agent's authorization token, the IMDSv2 token).
    var secrets: [Secret]

    public var succeeded: Bool { credentials != nil }

    /// Where the credentials came from, as the explorer and the report say it.
    public var originText: String {
        switch origin {
        case let .container(kind, endpoint):
            let url = endpoint ?? "(no endpoint configured)"
            switch kind {
            case .eksPodIdentity: return "from the Pod Identity agent at \(url)"
            case .ecs: return "from the ECS credentials endpoint at \(url)"
            case .custom, .absent: return "from the container credentials endpoint at \(url)"
            }
        case let .instanceMetadata(endpoint, role):
            return role.map { "from instance metadata (role \($0))" } ?? "from instance metadata at \(endpoint)"
        }
    }

    /// The report's `baseCredentials` object: where, whether it worked, the masked access key; never a secret.
    public var jsonObject: JSONValue {
        var fields: [(String, JSONValue)]
        switch origin {
        case let .container(kind, endpoint):
            fields = [("kind", "container"), ("endpointKind", .string(kind.rawValue)),
                      ("endpoint", endpoint.map { .string($0) } ?? .null), ("roleName", .null)]
        case let .instanceMetadata(endpoint, role):
            fields = [("kind", "instanceMetadata"), ("endpointKind", .null), ("endpoint", .string(endpoint)),
                      ("roleName", role.map { .string($0) } ?? .null)]
        }
        fields += [("origin", .string(originText)), ("fetched", .bool(succeeded)),
                   ("accessKeyId", credentials.map { .string(Redaction.maskAccessKeyId($0.accessKeyId)) } ?? .null),
                   ("expiration", expiration.map { .string(UTCTime.iso8601($0)) } ?? .null),
                   ("failure", succeeded ? .null : .string(failureReason))]
        return .object(fields)
    }

    /// Why a step that needed these credentials was not run, naming the base failure.
    public var failureReason: String {
        let cause = findings.first { $0.severity == .fail && $0.id != BaseCredentialFetcher.unavailableId }
            ?? findings.first { $0.severity >= .warn }
        return "the base credentials could not be fetched \(originText)" + (cause.map { ": \($0.title)" } ?? "")
    }
}

/// Fetches the base credentials of chains whose base rolehop can call: container credentials, instance metadata,
/// and `credential_source` EcsContainer / Ec2InstanceMetadata (the SDK providers of those names).
public enum BaseCredentialFetcher {
    static let unavailableId = "diagnose.base-unavailable"

    /// What a chain's base needs fetched at run time.
    public enum Need: Sendable, Hashable {
        case container
        case instanceMetadata
    }

    /// The fetch a base needs, or nil when its credentials are static, come from a hop, or are not fetched.
    public static func need(_ base: BaseCredentials) -> Need? {
        switch base {
        case .container: return .container
        case .instanceMetadata: return .instanceMetadata
        case let .namedSource(name, _):
            switch name.value {
            case .ecsContainer: return .container
            case .ec2InstanceMetadata: return .instanceMetadata
            case .environment: return nil
            }
        default: return nil
        }
    }

    /// Calls the endpoint the diagnosed environment names: `fs` reads the agent's token file (rooted for `--root`).
    /// Instance metadata gets the SDKs' short timeouts (1 s connect, 2 s total), capped by the session's.
    public static func fetch(_ need: Need, environment env: Environment, fs: any FileSystem, transport: any HTTPTransport,
                             now: Date, timeout: Double, connectTimeout: Double) async -> BaseCredentialFetch {
        var fetch: BaseCredentialFetch
        switch need {
        case .container:
            let report = await PodIdentityProbe.run(environment: env, fs: fs, transport: transport, now: now,
                                                    timeout: timeout, connectTimeout: connectTimeout)
            fetch = BaseCredentialFetch(origin: .container(kind: report.kind, endpoint: report.endpoint?.value),
                                        credentials: nil, expiration: report.credentials?.expiration,
                                        findings: report.findings, cancelled: report.transportError == .cancelled,
                                        secrets: [report.authorizationToken].compactMap { $0 })
            if let c = report.credentials {
                fetch.credentials = AWSCredentials(accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey,
                                                   sessionToken: c.sessionToken.isEmpty ? nil : c.sessionToken)
                fetch.secrets += [c.secretAccessKey, c.sessionToken]
            }
        case .instanceMetadata:
            let timeouts = IMDSProbe.Timeouts(connect: min(1, connectTimeout), total: min(2, timeout))
            let f = await IMDSProbe.fetchCredentials(environment: env, transport: transport, timeouts: timeouts, now: now)
            fetch = BaseCredentialFetch(origin: .instanceMetadata(endpoint: f.report.endpoint.value, roleName: f.report.roleName),
                                        credentials: nil, expiration: f.credentials?.expiration, findings: f.report.findings,
                                        cancelled: f.report.steps.contains { $0.error == .cancelled },
                                        secrets: [f.token].compactMap { $0 })
            if let c = f.credentials {
                fetch.credentials = AWSCredentials(accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey,
                                                   sessionToken: c.sessionToken)
                fetch.secrets += [c.secretAccessKey, c.sessionToken]
            }
            if f.report.outcome == .disabled {
                // Disabled for the SDKs means disabled for the chain: the provider never calls.
                fetch.findings = fetch.findings.map { var x = $0; x.severity = .info; return x }
            }
        }
        if !fetch.succeeded && !fetch.cancelled { fetch.findings.append(unavailable(fetch, need: need)) }
        return fetch
    }

    /// The failure of the base itself, so the step that needed it fails with a reason even when the probe's own
    /// findings are only warnings (an unreachable instance metadata service is a warning for `rolehop pod`).
    static func unavailable(_ f: BaseCredentialFetch, need: Need) -> Finding {
        let cause = f.findings.first { $0.severity == .fail } ?? f.findings.first { $0.severity >= .warn }
            ?? f.findings.first
        var ev: [Evidence] = []
        if let cause { ev.append(Evidence("cause", "\(cause.id): \(cause.title)")) }
        ev += cause?.evidence.prefix(3) ?? []
        return Finding(
            id: unavailableId, severity: .fail,
            title: "The chain's base credentials could not be fetched \(f.originText)",
            evidence: ev,
            why: "Every later step is signed with these credentials; the SDK's "
                + (need == .container ? "container" : "instance metadata")
                + " provider fails the same way, before any STS call (\"Unable to locate credentials\" or a provider error).",
            fix: need == .container
                ? "Follow the pod.identity finding above; `rolehop pod` shows the endpoint, the token and the agent's answer in detail."
                : "Follow the imds finding above; `rolehop pod` shows each instance metadata exchange in detail.",
            docURL: need == .container ? PodIdentityProbe.docURL : IMDSProbe.docURL)
    }
}
