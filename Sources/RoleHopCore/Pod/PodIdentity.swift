
/// What the EKS Pod Identity (or another container credentials) endpoint answered, as rolehop shows it.
///
/// The token and the credentials are `Secret`s: they are sent and parsed, never rendered.
public struct PodIdentityReport: Sendable {
    /// How the endpoint was configured.
    public enum Kind: String, Sendable {
        /// Neither AWS_CONTAINER_CREDENTIALS_FULL_URI nor AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set.
        case absent
        /// The EKS Pod Identity agent (169.254.170.23 or fd00:ec2::23).
        case eksPodIdentity = "eks-pod-identity"
        /// ECS task credentials (169.254.170.2 plus the relative URI).
        case ecs
        /// Some other full URI (a loopback or HTTPS endpoint).
        case custom
    }

    /// Temporary credentials the endpoint returned.
    public struct Credentials: Sendable {
        public var accessKeyId: String
        public var secretAccessKey: Secret
        public var sessionToken: Secret
        public var expiration: Date?
        public var accountId: String?
    }

    public var kind: Kind
    /// The URL called (or that would be called), with where it came from.
    public var endpoint: Sourced<String>?
    /// Where the authorization token came from (the file path or the variable name); never the token.
    public var tokenSource: Source?
    /// The HTTP status, when the endpoint answered.
    public var status: Int?
    public var credentials: Credentials?
    /// The transport failure, when there was no answer.
    public var transportError: TransportError?
    public var timings: HTTPTimings?
    public var findings: [Finding]
    /// The authorization token that was sent, held only so output scrubbers know it (never in `jsonObject`).
    var authorizationToken: Secret?

    public var jsonObject: JSONValue {
        var fields: [(String, JSONValue)] = [("kind", .string(kind.rawValue))]
        fields.append(("endpoint", endpoint.map { .object([("value", .string($0.value)), ("source", $0.source.jsonObject)]) } ?? .null))
        fields.append(("tokenSource", tokenSource?.jsonObject ?? .null))
        fields.append(("status", status.map { .number(Double($0)) } ?? .null))
        if let c = credentials {
            fields.append(("credentials", .object([
                ("accessKeyId", .string(Redaction.maskAccessKeyId(c.accessKeyId))),
                ("secretAccessKey", .string(c.secretAccessKey.description)),
                ("sessionToken", .string(c.sessionToken.description)),
                ("expiration", c.expiration.map { .string(UTCTime.iso8601($0)) } ?? .null),
                ("accountId", c.accountId.map { .string($0) } ?? .null),
            ])))
        } else {
            fields.append(("credentials", .null))
        }
        fields.append(("error", transportError.map { .object([("code", .string($0.code)), ("message", .string($0.description))]) } ?? .null))
        fields.append(("timings", timings?.jsonObject ?? .null))
        fields.append(("findings", .array(findings.map(\.jsonObject))))
        return .object(fields)
    }
}

/// Detects and calls the container credentials endpoint the way the SDKs do, and explains what goes wrong.
public enum PodIdentityProbe {
    /// The EKS Pod Identity agent's addresses.
    public static let agentHosts: Set<String> = ["169.254.170.23", "fd00:ec2::23", "[fd00:ec2::23]"]
    /// The ECS agent's address, used with AWS_CONTAINER_CREDENTIALS_RELATIVE_URI.
    public static let ecsHost = "169.254.170.2"
    /// Pod Identity's session tags; they are transitive, so every later AssumeRole carries them.
    public static let sessionTags = ["eks-cluster-arn", "eks-cluster-name", "kubernetes-namespace",
                                     "kubernetes-service-account", "kubernetes-pod-name", "kubernetes-pod-uid"]
    static let docURL = "https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html"

    /// Runs the probe: reads the configuration from `environment`, the token through `fs`, and calls the endpoint.
    public static func run(environment env: Environment, fs: any FileSystem, transport: any HTTPTransport,
                           now: Date, timeout: Double = 5, connectTimeout: Double = 2) async -> PodIdentityReport {
        var report = await probe(environment: env, fs: fs, transport: transport, now: now, timeout: timeout,
                                 connectTimeout: connectTimeout)
        if report.kind == .eksPodIdentity { report.findings.append(sdkMinimum) }
        return report
    }

    /// SDK releases that know the agent's address; older ones fail with "169.254.170.23 is not a valid container
    /// metadata service hostname" and fall through to the next provider (often the node role).
    public static let sdkMinimum = Finding(
        id: "pod.identity.sdk-minimum", severity: .info,
        title: "The application's SDK must be new enough to accept the Pod Identity agent's address",
        evidence: [Evidence("minimum versions", "Java v2 2.21.30, Java 1.12.746, Go v1 1.47.11, Go v2 release-2023-11-14, boto3/botocore 1.34.41, AWS CLI 1.30.0 / 2.15.0, JavaScript v2 2.1550.0, v3 3.458.0, Kotlin 1.0.1, Ruby 3.188.0, Rust release-2024-03-13, C++ 1.11.263, .NET AWSSDK.Core 3.7.302, PowerShell 4.1.502, PHP 3.287.1")],
        why: "Older SDKs accept only 169.254.170.2 and loopback for AWS_CONTAINER_CREDENTIALS_FULL_URI and report \"169.254.170.23 is not a valid container metadata service hostname\"; rolehop itself does not depend on the SDK, so its call succeeding does not prove the application's will.",
        fix: "Upgrade the application's AWS SDK to at least the version listed for its language.",
        docURL: "https://docs.aws.amazon.com/eks/latest/userguide/pod-id-minimum-sdk.html")

    static func probe(environment env: Environment, fs: any FileSystem, transport: any HTTPTransport,
                      now: Date, timeout: Double, connectTimeout: Double) async -> PodIdentityReport {
        var report = PodIdentityReport(kind: .absent, findings: [])
        // The SDKs prefer the relative URI (ECS) when both are set.
        if let rel = env.sourced("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            report.kind = .ecs
            report.endpoint = Sourced("http://\(ecsHost)" + rel.value, from: rel.source)
        } else if let full = env.sourced("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            report.endpoint = full
            let host = hostOf(full.value)
            report.kind = agentHosts.contains(host) ? .eksPodIdentity : .custom
            if let f = hostNotAllowed(full) { report.findings.append(f); return report }
        } else {
            report.findings.append(Finding(
                id: "pod.identity.absent", severity: .info, title: "No container credentials endpoint (EKS Pod Identity) is configured",
                evidence: [Evidence("AWS_CONTAINER_CREDENTIALS_FULL_URI", "unset")],
                why: "Without it the default chain does not use EKS Pod Identity; IRSA or another source must provide credentials.",
                fix: "If the pod should use Pod Identity, create an association: aws eks create-pod-identity-association --cluster-name CLUSTER --namespace NS --service-account SA --role-arn ROLE_ARN, then restart the pod.",
                docURL: docURL))
            return report
        }
        if env.sourced("AWS_ROLE_ARN") != nil && env.sourced("AWS_WEB_IDENTITY_TOKEN_FILE") != nil {
            report.findings.append(Finding(
                id: "pod.identity.shadowed-by-irsa", severity: .warn,
                title: "IRSA variables are also set; the default chain uses them before Pod Identity",
                evidence: [Evidence("AWS_ROLE_ARN", env["AWS_ROLE_ARN"] ?? "", source: .environment("AWS_ROLE_ARN")),
                           Evidence("AWS_CONTAINER_CREDENTIALS_FULL_URI", report.endpoint?.value ?? "")],
                why: "Web identity comes before container credentials in every SDK's default chain, so the Pod Identity role is not the one used.",
                fix: "Remove the eks.amazonaws.com/role-arn annotation from the service account (and restart the pod), or delete the Pod Identity association.",
                docURL: docURL))
        }
        guard let endpoint = report.endpoint else { return report }

        // The token: the file wins over the variable, as in the SDKs.
        var token: Secret?
        if let file = env.sourced("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            report.tokenSource = .environment("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
            do {
                let text = try fs.readText(file.value, limit: 64 << 10)
                let trimmed = PodText.trim(text)
                if trimmed.isEmpty {
                    report.findings.append(Finding(
                        id: "pod.identity.token-empty", severity: .fail, title: "The Pod Identity token file is empty",
                        evidence: [Evidence("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file.value, source: file.source)],
                        why: "The agent refuses a request without a token; the kubelet writes the projected token when the pod starts and rotates it.",
                        fix: "Restart the pod so the kubelet projects the token again; check that the pod's eks-pod-identity-token volume is mounted at this path.",
                        docURL: docURL))
                } else {
                    token = Secret(trimmed)
                }
            } catch {
                report.findings.append(tokenFileFinding(error, path: file, fs: fs))
            }
        } else if let t = env.sourced("AWS_CONTAINER_AUTHORIZATION_TOKEN") {
            report.tokenSource = .environment("AWS_CONTAINER_AUTHORIZATION_TOKEN")
            token = Secret(t.value)
        } else if report.kind == .eksPodIdentity {
            report.findings.append(Finding(
                id: "pod.identity.token-missing", severity: .fail,
                title: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE is not set",
                evidence: [Evidence("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoint.value, source: endpoint.source)],
                why: "The Pod Identity agent needs the pod's projected service-account token in the Authorization header.",
                fix: "Let the EKS Pod Identity webhook inject both variables (restart the pod after creating the association); do not set AWS_CONTAINER_CREDENTIALS_FULL_URI by hand.",
                docURL: docURL))
        }
        if report.kind == .eksPodIdentity && token == nil { return report }
        report.authorizationToken = token

        var request = HTTPRequest(method: "GET", url: endpoint.value, headers: [("Accept", "application/json")],
                                  timeout: timeout, connectTimeout: connectTimeout)
        if let token { request.headers.append(("Authorization", token.exposedValue)) }
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch {
            report.transportError = error
            report.findings.append(unreachableFinding(error, endpoint: endpoint, kind: report.kind))
            return report
        }
        report.status = response.status
        report.timings = response.timings
        guard response.status == 200 else {
            report.findings.append(httpErrorFinding(response, endpoint: endpoint, token: token))
            return report
        }
        guard let creds = parseCredentials(response.bodyText) else {
            report.findings.append(Finding(
                id: "pod.identity.bad-response", severity: .fail, title: "The credentials endpoint answered 200 without usable credentials",
                evidence: [Evidence("endpoint", endpoint.value, source: endpoint.source),
                           Evidence("body bytes", String(response.body.count))],
                why: "SDKs expect JSON with AccessKeyId, SecretAccessKey, Token and Expiration.",
                fix: "Check that the URL points at the Pod Identity agent (http://169.254.170.23/v1/credentials) and not at another service.",
                docURL: docURL))
            return report
        }
        report.credentials = creds
        var ev = [Evidence("endpoint", endpoint.value, source: endpoint.source),
                  Evidence("access key", Redaction.maskAccessKeyId(creds.accessKeyId))]
        if let a = creds.accountId { ev.append(Evidence("account", a)) }
        if let exp = creds.expiration {
            let left = exp.timeIntervalSince(now)
            ev.append(Evidence("expires", UTCTime.iso8601(exp) + (left >= 0 ? " (in \(UTCTime.humanDuration(left)))" : " (\(UTCTime.humanDuration(left)) ago)")))
            if left < 0 {
                report.findings.append(Finding(
                    id: "pod.identity.expired", severity: .fail, title: "The credentials the endpoint returned have already expired",
                    evidence: ev, why: "SDKs refresh before expiry; expired credentials point at a wrong clock on the node or in this container.",
                    fix: "Compare this container's clock with the node's (date -u); fix NTP on the node.", docURL: docURL))
            }
        }
        report.findings.append(Finding(
            id: "pod.identity.ok", severity: .ok, title: "The container credentials endpoint returned credentials", evidence: ev,
            why: "This is what the SDK's container provider receives.", docURL: docURL))
        if report.kind == .eksPodIdentity {
            report.findings.append(Finding(
                id: "pod.identity.session-tags", severity: .info,
                title: "Pod Identity sessions carry transitive session tags; the next hop's trust must allow sts:TagSession",
                evidence: [Evidence("tags", sessionTags.joined(separator: ", "))],
                why: "A role assumed with these credentials (a chained hop) receives the tags too, and AssumeRole fails with \"not authorized to perform: sts:TagSession\" unless its trust policy allows it.",
                fix: "In the next role's trust policy statement for this principal, use \"Action\": [\"sts:AssumeRole\", \"sts:TagSession\"].",
                docURL: "https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html"))
        }
        return report
    }

    /// Credentials JSON as the agent (and ECS) return it.
    public static func parseCredentials(_ text: String) -> PodIdentityReport.Credentials? {
        guard let doc = try? JSONParser.parse(text), let id = doc.value["AccessKeyId"]?.stringValue,
              let secret = doc.value["SecretAccessKey"]?.stringValue, !id.isEmpty else { return nil }
        return PodIdentityReport.Credentials(
            accessKeyId: id, secretAccessKey: Secret(secret),
            sessionToken: Secret(doc.value["Token"]?.stringValue ?? ""),
            expiration: doc.value["Expiration"]?.stringValue.flatMap(UTCTime.parseISO8601),
            accountId: doc.value["AccountId"]?.stringValue)
    }

    /// The host of an http(s) URL, lower-cased, with IPv6 brackets removed.
    static func hostOf(_ url: String) -> String {
        var rest = Substring(url)
        if let r = rest.firstRange(of: "://") { rest = rest[r.upperBound...] }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            return String(rest[rest.index(after: rest.startIndex)..<close]).lowercased()
        }
        if let colon = rest.lastIndex(of: ":") { rest = rest[..<colon] }
        return String(rest).lowercased()
    }

    /// The SDKs accept a plain-HTTP full URI only for loopback and the agents' link-local addresses; old SDKs
    /// know only 169.254.170.2 and loopback.
    static func hostNotAllowed(_ full: Sourced<String>) -> Finding? {
        let url = full.value.lowercased()
        let host = hostOf(url)
        let isLoopback = host == "localhost" || host.hasPrefix("127.") || host == "::1"
        if url.hasPrefix("https://") { return nil }
        guard url.hasPrefix("http://") else {
            return Finding(id: "pod.identity.bad-uri", severity: .fail, title: "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL",
                           evidence: [Evidence("AWS_CONTAINER_CREDENTIALS_FULL_URI", full.value, source: full.source)],
                           why: "SDKs ignore or reject the credentials provider.", fix: "Use http://169.254.170.23/v1/credentials.", docURL: docURL)
        }
        if isLoopback || host == ecsHost || agentHosts.contains(host) { return nil }
        return Finding(id: "pod.identity.host-not-allowed", severity: .fail,
                       title: "SDKs refuse plain HTTP to \(host) for container credentials",
                       evidence: [Evidence("AWS_CONTAINER_CREDENTIALS_FULL_URI", full.value, source: full.source)],
                       why: "Over plain HTTP the SDKs allow only loopback, 169.254.170.2, 169.254.170.23 and fd00:ec2::23.",
                       fix: "Use http://169.254.170.23/v1/credentials (as the Pod Identity webhook injects it) or an https URL.", docURL: docURL)
    }

    static func tokenFileFinding(_ error: FileError, path: Sourced<String>, fs: any FileSystem) -> Finding {
        var ev = [Evidence("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path.value, source: path.source), Evidence("error", error.description)]
        if let info = fs.info(path.value) {
            ev.append(Evidence("mode", "0" + String(info.mode, radix: 8)))
            ev.append(Evidence("owner", "uid \(info.uid) gid \(info.gid)"))
        }
        switch error {
        case .permissionDenied:
            return Finding(id: "pod.identity.token-unreadable", severity: .fail, title: "The Pod Identity token file cannot be read by this user",
                           evidence: ev, why: "The projected token is readable by its owner and group only; a non-root container needs the group.",
                           fix: "Set the pod's securityContext.fsGroup (for example fsGroup: 65534) so the kubelet makes the token group-readable.",
                           docURL: docURL)
        default:
            return Finding(id: "pod.identity.token-file-missing", severity: .fail, title: "The Pod Identity token file cannot be read",
                           evidence: ev, why: "Without the token the agent refuses the request (an SDK reports an empty or missing token).",
                           fix: "Check that the eks-pod-identity-token volume is mounted at this path in this container (the webhook adds it; a container added later lacks it); restart the pod.",
                           docURL: docURL)
        }
    }

    static func unreachableFinding(_ error: TransportError, endpoint: Sourced<String>, kind: PodIdentityReport.Kind) -> Finding {
        let agent = kind == .eksPodIdentity
        return Finding(
            id: "pod.identity.unreachable", severity: .fail,
            title: agent ? "The EKS Pod Identity agent did not answer" : "The container credentials endpoint did not answer",
            evidence: [Evidence("endpoint", endpoint.value, source: endpoint.source), Evidence("error", "\(error.code): \(error.description)")],
            why: agent ? "The agent is a DaemonSet listening on the node's link-local address; a missing agent, a NetworkPolicy blocking egress to 169.254.170.23:80, or a hostNetwork pod (which does not reach the agent's address the same way) leaves the SDK without credentials." : "The SDK's container provider fails the same way.",
            fix: agent ? "kubectl -n kube-system get daemonset eks-pod-identity-agent (install the eks-pod-identity-agent add-on if missing); allow egress to 169.254.170.23/32 port 80 (and fd00:ec2::23 on IPv6 clusters) in NetworkPolicies; do not use hostNetwork: true for this pod." : "Check the URL and that the service behind it runs.",
            docURL: docURL)
    }

    static func httpErrorFinding(_ response: HTTPResponse, endpoint: Sourced<String>, token: Secret?) -> Finding {
        var message = response.bodyText
        if let doc = try? JSONParser.parse(message), let m = doc.value["message"]?.stringValue ?? doc.value["Message"]?.stringValue {
            message = m
        }
        // The agent does not echo the token, but never let one through if a proxy or stand-in does.
        if let token, !token.isEmpty { message = PodText.replacingAll(message, token.exposedValue, with: Redaction.mask) }
        if message.count > 300 { message = String(message.prefix(300)) + "..." }
        let fix: String
        switch response.status {
        case 400, 401, 403:
            fix = "Check the Pod Identity association for this namespace and service account (aws eks list-pod-identity-associations --cluster-name CLUSTER --namespace NS); the role's trust must allow pods.eks.amazonaws.com to sts:AssumeRole and sts:TagSession."
        case 404:
            fix = "Use the path the webhook injects: http://169.254.170.23/v1/credentials."
        default:
            fix = "Read the agent's logs: kubectl -n kube-system logs daemonset/eks-pod-identity-agent."
        }
        return Finding(id: "pod.identity.http-error", severity: .fail, title: "The credentials endpoint answered HTTP \(response.status)",
                       evidence: [Evidence("endpoint", endpoint.value, source: endpoint.source), Evidence("message", message)],
                       why: "The SDK gets no credentials from this provider and the call fails.", fix: fix, docURL: docURL)
    }
}

