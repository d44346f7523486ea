
/// What the EC2 instance metadata service told a pod, and whether the default chain would end up there.
public struct IMDSReport: Sendable {
    /// How far the IMDSv2 exchange got.
    public enum Outcome: String, Sendable {
        /// AWS_EC2_METADATA_DISABLED is true: the SDKs never call it.
        case disabled
        /// Token PUT and identity GET both answered.
        case reachable
        /// The PUT answered but the GET timed out: the hop-limit trap.
        case hopLimit = "hop-limit"
        /// The PUT timed out but an IMDSv1 GET answered (also the hop limit, seen from the other side).
        case v1Only = "v1-only"
        /// Nothing answered.
        case unreachable
        /// Something answered with an unexpected status.
        case error
    }

    /// One exchange with the service (the token is never recorded).
    public struct Step: Sendable {
        public var method: String
        public var path: String
        public var status: Int?
        public var error: TransportError?
        public var timings: HTTPTimings?

        public var jsonObject: JSONValue {
            .object([("method", .string(method)), ("path", .string(path)),
                     ("status", status.map { .number(Double($0)) } ?? .null),
                     ("error", error.map { .object([("code", .string($0.code)), ("message", .string($0.description))]) } ?? .null),
                     ("timings", timings?.jsonObject ?? .null)])
        }
    }

    public var outcome: Outcome
    public var endpoint: Sourced<String>
    public var steps: [Step]
    public var instanceId: String?
    public var accountId: String?
    public var region: String?
    /// The instance profile's role name (the node role), when one is attached.
    public var roleName: String?
    /// Whether the default credential chain would reach instance metadata with this environment.
    public var defaultChainReachesIMDS: Bool
    public var findings: [Finding]

    public var jsonObject: JSONValue {
        .object([
            ("outcome", .string(outcome.rawValue)),
            ("endpoint", .object([("value", .string(endpoint.value)), ("source", endpoint.source.jsonObject)])),
            ("steps", .array(steps.map(\.jsonObject))),
            ("instanceId", instanceId.map { .string($0) } ?? .null),
            ("accountId", accountId.map { .string($0) } ?? .null),
            ("region", region.map { .string($0) } ?? .null),
            ("roleName", roleName.map { .string($0) } ?? .null),
            ("defaultChainReachesIMDS", .bool(defaultChainReachesIMDS)),
            ("findings", .array(findings.map(\.jsonObject))),
        ])
    }
}

/// Probes instance metadata with IMDSv2 (token PUT, then GETs), as the SDKs do, and explains the result.
public enum IMDSProbe {
    /// How long each exchange may take. The SDKs' defaults are 1 s and one attempt.
    public struct Timeouts: Sendable {
        public var connect: Double
        public var total: Double
        public init(connect: Double = 1, total: Double = 2) {
            self.connect = connect
            self.total = total
        }
    }

    static let docURL = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html"
    static let tokenPath = "/latest/api/token"
    static let identityPath = "/latest/dynamic/instance-identity/document"
    static let rolePath = "/latest/meta-data/iam/security-credentials/"

    /// The endpoint the SDKs would use: AWS_EC2_METADATA_SERVICE_ENDPOINT, else by endpoint mode.
    public static func endpoint(_ env: Environment) -> Sourced<String> {
        if let e = env.sourced("AWS_EC2_METADATA_SERVICE_ENDPOINT") {
            var v = e.value
            while v.hasSuffix("/") { v.removeLast() }
            return Sourced(v, from: e.source)
        }
        if env["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]?.lowercased() == "ipv6" {
            return Sourced("http://[fd00:ec2::254]", from: .environment("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"))
        }
        return Sourced("http://169.254.169.254", from: .defaultValue("the SDKs' endpoint"))
    }

    /// The sources the default chain tries before instance metadata that this environment provides.
    public static func earlierSources(_ env: Environment) -> [String] {
        var s: [String] = []
        if env.sourced("AWS_ACCESS_KEY_ID") != nil { s.append("AWS_ACCESS_KEY_ID (environment keys)") }
        if env.sourced("AWS_PROFILE") != nil { s.append("AWS_PROFILE (shared config)") }
        if env.sourced("AWS_ROLE_ARN") != nil && env.sourced("AWS_WEB_IDENTITY_TOKEN_FILE") != nil {
            s.append("AWS_WEB_IDENTITY_TOKEN_FILE (IRSA)")
        }
        if env.sourced("AWS_CONTAINER_CREDENTIALS_FULL_URI") != nil || env.sourced("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != nil {
            s.append("AWS_CONTAINER_CREDENTIALS_* (Pod Identity / ECS)")
        }
        return s
    }

    /// Runs the probe unless AWS_EC2_METADATA_DISABLED is true.
    public static func run(environment env: Environment, transport: any HTTPTransport,
                           timeouts: Timeouts = Timeouts()) async -> IMDSReport {
        await probe(environment: env, transport: transport, timeouts: timeouts).report
    }

    /// The probe, and the IMDSv2 session token it obtained (nil for IMDSv1 or when the PUT failed), so a
    /// caller can go on to fetch the role's credentials with it. `asChainSource`: instance metadata is the chain's
    /// own source, so no earlier source can make its failure harmless.
    static func probe(environment env: Environment, transport: any HTTPTransport,
                      timeouts: Timeouts, asChainSource: Bool = false) async -> (report: IMDSReport, token: Secret?) {
        let ep = endpoint(env)
        let earlier = asChainSource ? [] : earlierSources(env)
        var report = IMDSReport(outcome: .unreachable, endpoint: ep, steps: [], defaultChainReachesIMDS: earlier.isEmpty,
                                findings: [])
        if env["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" {
            report.outcome = .disabled
            report.defaultChainReachesIMDS = false
            report.findings.append(Finding(
                id: "imds.disabled", severity: .ok, title: "Instance metadata is disabled for the SDKs (AWS_EC2_METADATA_DISABLED=true)",
                evidence: [Evidence("AWS_EC2_METADATA_DISABLED", env["AWS_EC2_METADATA_DISABLED"] ?? "", source: .environment("AWS_EC2_METADATA_DISABLED"))],
                why: "The default chain can never fall back to the node role.", docURL: docURL))
            return (report, nil)
        }

        // Step 1: the session token.
        var put = HTTPRequest(method: "PUT", url: ep.value + tokenPath,
                              headers: [("X-aws-ec2-metadata-token-ttl-seconds", "21600")],
                              timeout: timeouts.total, connectTimeout: timeouts.connect)
        put.body = []
        let (putResponse, putStep) = await exchange(put, transport: transport, path: tokenPath)
        report.steps.append(putStep)
        var token: Secret?
        if let r = putResponse, r.status == 200 { token = Secret(PodText.trim(r.bodyText)) }

        // Step 2: identity. With a token it is IMDSv2; without, the SDKs fall back to IMDSv1 unless told not to.
        let v1Allowed = env["AWS_EC2_METADATA_V1_DISABLED"]?.lowercased() != "true"
        if token == nil && !v1Allowed {
            report.outcome = putStep.error == nil ? .error : .unreachable
            report.findings.append(putFailedFinding(putStep, ep: ep, earlier: earlier))
            return (report, nil)
        }
        var headers: [(String, String)] = []
        if let token { headers.append(("X-aws-ec2-metadata-token", token.exposedValue)) }
        let get = HTTPRequest(method: "GET", url: ep.value + identityPath, headers: headers,
                              timeout: timeouts.total, connectTimeout: timeouts.connect)
        let (getResponse, getStep) = await exchange(get, transport: transport, path: identityPath)
        report.steps.append(getStep)

        switch (token != nil, getResponse?.status) {
        case (true, 200?), (false, 200?):
            if let r = getResponse, let doc = try? JSONParser.parse(r.bodyText) {
                report.instanceId = doc.value["instanceId"]?.stringValue
                report.accountId = doc.value["accountId"]?.stringValue
                report.region = doc.value["region"]?.stringValue
            }
            let roles = HTTPRequest(method: "GET", url: ep.value + rolePath, headers: headers,
                                    timeout: timeouts.total, connectTimeout: timeouts.connect)
            let (roleResponse, roleStep) = await exchange(roles, transport: transport, path: rolePath)
            report.steps.append(roleStep)
            if let r = roleResponse, r.status == 200 {
                report.roleName = r.bodyText.split(whereSeparator: { $0 == "\n" }).first.map { PodText.trim($0) }
            }
            report.outcome = token == nil ? .v1Only : .reachable
            if token == nil { report.findings.append(v1OnlyFinding(putStep, ep: ep)) }
            report.findings.append(reachableFinding(report, earlier: earlier))
        case (true, nil) where getStep.error.map(isTimeout) ?? false:
            report.outcome = .hopLimit
            report.defaultChainReachesIMDS = false
            report.findings.append(Finding(
                id: "imds.hop-limit", severity: earlier.isEmpty ? .fail : .warn,
                title: "IMDSv2 token PUT answered but the metadata GET timed out: the hop-limit trap",
                evidence: [Evidence("endpoint", ep.value, source: ep.source), Evidence("PUT", "HTTP 200"),
                           Evidence("GET \(identityPath)", getStep.error.map { "\($0.code): \($0.description)" } ?? "")],
                why: "Responses from instance metadata carry an IP hop limit; from a pod's network namespace one hop is used up, so replies are dropped on the way back. SDKs that get here wait for the timeout and report \"Unable to locate credentials\".",
                fix: earlier.isEmpty
                    ? "Give the pod its own credentials (IRSA or Pod Identity). Only if the node role is really wanted: aws ec2 modify-instance-metadata-options --instance-id ID --http-put-response-hop-limit 2 (or set it in the launch template)."
                    : "Nothing to do if the earlier source (\(earlier.joined(separator: ", "))) works; keeping the hop limit at 1 stops pods from using the node role.",
                docURL: docURL))
        case (_, nil):
            report.outcome = .unreachable
            report.defaultChainReachesIMDS = false
            report.findings.append(putFailedFinding(token == nil ? putStep : getStep, ep: ep, earlier: earlier))
        case let (_, status?):
            report.outcome = .error
            report.findings.append(Finding(
                id: "imds.http-error", severity: .warn, title: "Instance metadata answered HTTP \(status) to \(identityPath)",
                evidence: [Evidence("endpoint", ep.value, source: ep.source),
                           Evidence("PUT", putStep.status.map { "HTTP \($0)" } ?? putStep.error?.code ?? "")],
                why: status == 401 ? "401 means IMDSv2 is required and the token was missing or refused." : "The SDK cannot read instance metadata here.",
                fix: status == 401 ? "Make sure nothing between the pod and 169.254.169.254 strips the X-aws-ec2-metadata-token header." : "",
                docURL: docURL))
        }
        return (report, token)
    }

    /// What fetching the instance profile role's credentials produced.
    public struct CredentialsFetch: Sendable {
        /// The probe's report; the credentials GET is its last step, and its findings say how the fetch went.
        public var report: IMDSReport
        public var credentials: PodIdentityReport.Credentials?
        /// The IMDSv2 session token, held only so output scrubbers know it.
        var token: Secret?
    }

    /// Fetches the node role's credentials as the SDKs' instance metadata provider does: the IMDSv2 token (IMDSv1
    /// when the PUT fails, unless AWS_EC2_METADATA_V1_DISABLED), the role name from `security-credentials/`, then
    /// that role's JSON, every GET carrying the token.
    public static func fetchCredentials(environment env: Environment, transport: any HTTPTransport, timeouts: Timeouts,
                                        now: Date) async -> CredentialsFetch {
        let (probed, token) = await probe(environment: env, transport: transport, timeouts: timeouts, asChainSource: true)
        var fetch = CredentialsFetch(report: probed, credentials: nil, token: token)
        // Those findings judge a silent fallback to the node role; here instance metadata is the chain's own source.
        fetch.report.findings.removeAll { $0.id.hasPrefix("imds.node-role") }
        guard probed.outcome == .reachable || probed.outcome == .v1Only, let role = probed.roleName, !role.isEmpty else {
            return fetch
        }
        let ep = probed.endpoint
        let path = rolePath + role
        var headers: [(String, String)] = [("Accept", "application/json")]
        if let token { headers.append(("X-aws-ec2-metadata-token", token.exposedValue)) }
        let get = HTTPRequest(method: "GET", url: ep.value + path, headers: headers, timeout: timeouts.total,
                              connectTimeout: timeouts.connect)
        let (response, step) = await exchange(get, transport: transport, path: path)
        fetch.report.steps.append(step)
        var ev = [Evidence("endpoint", ep.value, source: ep.source), Evidence("role", role)]
        func failed(_ title: String, _ detail: String) {
            fetch.report.findings.append(Finding(
                id: "imds.credentials-error", severity: .fail, title: title,
                evidence: ev + [Evidence("GET \(path)", detail)],
                why: "The SDK's instance metadata provider gets no credentials and the chain stops before its first STS call.",
                fix: "Check the instance profile of the node (aws ec2 describe-iam-instance-profile-associations --filters Name=instance-id,Values=ID) and that nothing between the pod and \(ep.value) rewrites answers.",
                docURL: docURL))
        }
        guard let response else {
            failed("Instance metadata did not return the role's credentials", step.error.map { "\($0.code): \($0.description)" } ?? "")
            return fetch
        }
        guard response.status == 200 else {
            failed("Instance metadata answered HTTP \(response.status) for the role's credentials", "HTTP \(response.status)")
            return fetch
        }
        let text = response.bodyText
        // IMDS reports a refusal inside a 200 answer: "Code" is "Success" only when credentials follow.
        if let doc = try? JSONParser.parse(text), let code = doc.value["Code"]?.stringValue, code != "Success" {
            failed("Instance metadata refused the role's credentials (\(code))", doc.value["Message"]?.stringValue ?? code)
            return fetch
        }
        guard let creds = PodIdentityProbe.parseCredentials(text), !creds.sessionToken.isEmpty else {
            failed("Instance metadata answered without usable credentials",
                   "HTTP 200, \(response.body.count) bytes without AccessKeyId, SecretAccessKey and Token")
            return fetch
        }
        fetch.credentials = creds
        ev.append(Evidence("access key", Redaction.maskAccessKeyId(creds.accessKeyId)))
        if let exp = creds.expiration {
            let left = exp.timeIntervalSince(now)
            ev.append(Evidence("expires", UTCTime.iso8601(exp) + (left >= 0 ? " (in \(UTCTime.humanDuration(left)))" : " (\(UTCTime.humanDuration(left)) ago)")))
            if left < 0 {
                fetch.report.findings.append(Finding(
                    id: "imds.credentials-expired", severity: .fail, title: "Instance metadata returned credentials that have already expired",
                    evidence: ev, why: "STS refuses expired credentials; a wrong clock in this container or on the node is the usual cause.",
                    fix: "Compare this container's clock with the node's (date -u); fix NTP on the node.", docURL: docURL))
            }
        }
        fetch.report.findings.append(Finding(
            id: "imds.credentials", severity: .ok, title: "Instance metadata returned credentials for the role \(role)",
            evidence: ev, why: "This is what the SDK's instance metadata provider receives.", docURL: docURL))
        return fetch
    }

    static func isTimeout(_ e: TransportError) -> Bool {
        switch e {
        case .connectTimeout, .readTimeout: return true
        default: return false
        }
    }

    static func exchange(_ request: HTTPRequest, transport: any HTTPTransport, path: String) async -> (HTTPResponse?, IMDSReport.Step) {
        do {
            let r = try await transport.send(request)
            return (r, IMDSReport.Step(method: request.method, path: path, status: r.status, timings: r.timings))
        } catch {
            return (nil, IMDSReport.Step(method: request.method, path: path, error: error))
        }
    }

    static func putFailedFinding(_ step: IMDSReport.Step, ep: Sourced<String>, earlier: [String]) -> Finding {
        let detail = step.status.map { "HTTP \($0)" } ?? step.error.map { "\($0.code): \($0.description)" } ?? ""
        return Finding(
            id: "imds.unreachable", severity: earlier.isEmpty ? .warn : .ok,
            title: "Instance metadata is not reachable from here",
            evidence: [Evidence("endpoint", ep.value, source: ep.source), Evidence("\(step.method) \(step.path)", detail)],
            why: earlier.isEmpty
                ? "No earlier credential source is configured either, so the default chain finds no credentials (\"Unable to locate credentials\")."
                : "The default chain cannot fall back to the node role, which is what you want when the pod has its own credentials.",
            fix: earlier.isEmpty ? "Give the pod its own credentials: annotate its service account with eks.amazonaws.com/role-arn (IRSA) or create a Pod Identity association, then restart it." : "",
            docURL: docURL)
    }

    static func v1OnlyFinding(_ put: IMDSReport.Step, ep: Sourced<String>) -> Finding {
        Finding(
            id: "imds.v1-fallback", severity: .warn, title: "The IMDSv2 token PUT failed but an IMDSv1 GET answered",
            evidence: [Evidence("endpoint", ep.value, source: ep.source),
                       Evidence("PUT \(tokenPath)", put.status.map { "HTTP \($0)" } ?? put.error.map { "\($0.code): \($0.description)" } ?? "")],
            why: "A PUT that times out while GETs work is the response hop limit (1) seen from a pod: SDKs wait for the token timeout, then fall back to IMDSv1, or fail if they require IMDSv2.",
            fix: "Require IMDSv2 on the nodes (HttpTokens=required) and give pods their own credentials; raise the hop limit to 2 only if pods must use the node role.",
            docURL: docURL)
    }

    static func reachableFinding(_ report: IMDSReport, earlier: [String]) -> Finding {
        var ev = [Evidence("endpoint", report.endpoint.value, source: report.endpoint.source)]
        if let i = report.instanceId { ev.append(Evidence("instance", i)) }
        if let a = report.accountId { ev.append(Evidence("account", a)) }
        ev.append(Evidence("node role", report.roleName ?? "none attached"))
        guard let role = report.roleName else {
            return Finding(id: "imds.no-role", severity: .info, title: "Instance metadata answers but no instance profile role is attached",
                           evidence: ev, why: "The default chain would reach instance metadata and still find no credentials.", docURL: docURL)
        }
        if earlier.isEmpty {
            return Finding(
                id: "imds.node-role-default", severity: .fail,
                title: "The default chain would use the node role \(role)",
                evidence: ev,
                why: "No earlier credential source (environment keys, profile, IRSA, Pod Identity) is configured, so every SDK in this pod acts as the node, with the node's permissions.",
                fix: "Give the pod its own role (IRSA annotation or Pod Identity association) and block pods from instance metadata: HttpTokens=required with --http-put-response-hop-limit 1.",
                docURL: docURL)
        }
        return Finding(
            id: "imds.node-role-fallback", severity: .warn,
            title: "The node role \(role) is reachable; an SDK that cannot use \(earlier[0]) falls back to it",
            evidence: ev + [Evidence("earlier sources", earlier.joined(separator: "; "))],
            why: "An old SDK without web-identity support, or a failing earlier source, silently runs as the node (the app then acts as \(role)).",
            fix: "Block pods from instance metadata: aws ec2 modify-instance-metadata-options --instance-id ID --http-tokens required --http-put-response-hop-limit 1.",
            docURL: docURL)
    }
}
