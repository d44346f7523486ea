
/// What the Kubernetes API told rolehop about this pod and its service account, and what does not fit.
public struct KubernetesReport: Sendable {
    /// One container of the pod spec, reduced to what credential injection touches.
    public struct Container: Sendable {
        public var name: String
        public var isInit: Bool
        /// AWS-related variables (`AWS_*`), values masked where secret; `valueFrom` shown as such.
        public var awsEnvironment: [(String, String)]
        public var mountPaths: [String]
        public var runAsUser: Int?

        public func has(_ name: String) -> Bool { awsEnvironment.contains { $0.0 == name } }
        public func value(_ name: String) -> String? { awsEnvironment.first { $0.0 == name }?.1 }
        public func mounts(_ dir: String) -> Bool { mountPaths.contains { $0 == dir || $0.hasPrefix(dir + "/") || dir.hasPrefix($0 + "/") } }
    }

    public struct PodInfo: Sendable {
        public var name: String
        public var namespace: String
        public var created: Date?
        public var serviceAccountName: String
        public var hostNetwork: Bool
        public var fsGroup: Int?
        public var runAsUser: Int?
        /// `Deployment/x`, `StatefulSet/y`, ... as far as the owner references tell.
        public var owner: String?
        public var annotations: [(String, String)]
        public var containers: [Container]
        /// Audience and lifetime of the projected IRSA token volume, when present.
        public var tokenAudience: String?
        public var tokenExpirationSeconds: Int?
    }

    public struct ServiceAccountInfo: Sendable {
        public var name: String
        public var namespace: String
        public var annotations: [(String, String)]
        /// When the role-arn annotation was last written, from `metadata.managedFields`.
        public var roleArnAnnotatedAt: Date?
        public func annotation(_ key: String) -> String? { annotations.first { $0.0 == key }?.1 }
    }

    /// Whether the pod runs inside a cluster (KUBERNETES_SERVICE_HOST set).
    public var inCluster: Bool
    public var apiServer: String?
    public var podName: String?
    public var namespace: String?
    public var pod: PodInfo?
    public var serviceAccount: ServiceAccountInfo?
    public var findings: [Finding]

    public var jsonObject: JSONValue {
        func s(_ v: String?) -> JSONValue { v.map { .string($0) } ?? .null }
        func d(_ v: Date?) -> JSONValue { v.map { .string(UTCTime.iso8601($0)) } ?? .null }
        func pairs(_ p: [(String, String)]) -> JSONValue { .object(p.map { ($0.0, .string($0.1)) }) }
        var fields: [(String, JSONValue)] = [("inCluster", .bool(inCluster)), ("apiServer", s(apiServer)),
                                             ("podName", s(podName)), ("namespace", s(namespace))]
        if let p = pod {
            fields.append(("pod", .object([
                ("name", .string(p.name)), ("namespace", .string(p.namespace)), ("created", d(p.created)),
                ("serviceAccountName", .string(p.serviceAccountName)), ("hostNetwork", .bool(p.hostNetwork)),
                ("fsGroup", p.fsGroup.map { .number(Double($0)) } ?? .null), ("owner", s(p.owner)),
                ("tokenAudience", s(p.tokenAudience)),
                ("tokenExpirationSeconds", p.tokenExpirationSeconds.map { .number(Double($0)) } ?? .null),
                ("containers", .array(p.containers.map { c in
                    .object([("name", .string(c.name)), ("init", .bool(c.isInit)), ("awsEnvironment", pairs(c.awsEnvironment)),
                             ("mounts", .array(c.mountPaths.map { .string($0) }))])
                })),
            ])))
        } else {
            fields.append(("pod", .null))
        }
        if let sa = serviceAccount {
            fields.append(("serviceAccount", .object([
                ("name", .string(sa.name)), ("namespace", .string(sa.namespace)), ("annotations", pairs(sa.annotations)),
                ("roleArnAnnotatedAt", d(sa.roleArnAnnotatedAt)),
            ])))
        } else {
            fields.append(("serviceAccount", .null))
        }
        fields.append(("findings", .array(findings.map(\.jsonObject))))
        return .object(fields)
    }
}

/// Reads the pod and its ServiceAccount from the API server with the pod's own service-account token, and
/// compares them with the environment the process actually has.
public enum KubernetesReader {
    public static let serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"
    public static let caPath = serviceAccountDir + "/ca.crt"
    public static let irsaTokenDir = "/var/run/secrets/eks.amazonaws.com/serviceaccount"
    public static let podIdentityTokenDir = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount"
    static let roleArnKey = "eks.amazonaws.com/role-arn"
    static let docURL = "https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html"

    /// The API server URL from KUBERNETES_SERVICE_HOST/PORT (IPv6 hosts bracketed).
    public static func apiServer(_ env: Environment) -> String? {
        guard let host = env.sourced("KUBERNETES_SERVICE_HOST")?.value else { return nil }
        let port = env["KUBERNETES_SERVICE_PORT"].flatMap { $0.isEmpty ? nil : $0 } ?? "443"
        let h = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "https://\(h):\(port)"
    }

    /// Runs the reader. `podName` defaults to HOSTNAME, `namespace` to the service-account namespace file.
    /// The transport must trust the cluster's CA (`caPath`, under `--root` when diagnosing another container).
    public static func run(environment env: Environment, fs: any FileSystem, transport: any HTTPTransport,
                           podName: String? = nil, namespace: String? = nil,
                           timeout: Double = 5, connectTimeout: Double = 2) async -> KubernetesReport {
        var report = KubernetesReport(inCluster: false, findings: [])
        guard let server = apiServer(env) else {
            report.findings.append(Finding(
                id: "k8s.not-in-cluster", severity: .info, title: "Not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST is unset)",
                why: "The cluster's side (service account annotations, the pod spec) cannot be read from here."))
            return report
        }
        report.inCluster = true
        report.apiServer = server
        let ns = namespace ?? (try? fs.readText(serviceAccountDir + "/namespace", limit: 4096)).map { PodText.trim($0) }
        let name = podName ?? env["HOSTNAME"]
        report.namespace = ns
        report.podName = name
        let tokenText: String
        do {
            tokenText = PodText.trim(try fs.readText(serviceAccountDir + "/token", limit: 64 << 10))
        } catch {
            report.findings.append(Finding(
                id: "k8s.no-api-token", severity: .info, title: "No Kubernetes service-account token to read the cluster's side with",
                evidence: [Evidence("path", serviceAccountDir + "/token"), Evidence("error", error.description)],
                why: "The pod has automountServiceAccountToken: false, or the token is not readable by this user; the annotation and spec checks are skipped.",
                fix: "Run the checks from a debug container (see docs/pod.md) or set automountServiceAccountToken: true on the pod."))
            return report
        }
        let token = Secret(tokenText)
        guard let ns, !ns.isEmpty, let name, !name.isEmpty else {
            report.findings.append(Finding(
                id: "k8s.pod-unknown", severity: .info, title: "The pod's name or namespace is unknown",
                evidence: [Evidence("HOSTNAME", name ?? "unset"), Evidence("namespace file", ns ?? "unreadable")],
                why: "Without them the pod cannot be looked up.", fix: "Run inside the pod, or pass HOSTNAME (the pod name) in the environment."))
            return report
        }
        // The service account the token belongs to, for the RBAC advice when the pod cannot be read.
        var saName = serviceAccountFromToken(tokenText) ?? "default"

        let podURL = server + "/api/v1/namespaces/\(ns)/pods/\(name)"
        switch await get(podURL, token: token, transport: transport, timeout: timeout, connectTimeout: connectTimeout) {
        case let .success(doc):
            let pod = parsePod(doc, name: name, namespace: ns)
            report.pod = pod
            saName = pod.serviceAccountName
        case let .failure(problem):
            report.findings.append(problem.finding(resource: "pods", name: name, namespace: ns, serviceAccount: saName, url: podURL))
            if problem.stopsEverything { return report }
        }
        let saURL = server + "/api/v1/namespaces/\(ns)/serviceaccounts/\(saName)"
        switch await get(saURL, token: token, transport: transport, timeout: timeout, connectTimeout: connectTimeout) {
        case let .success(doc):
            report.serviceAccount = parseServiceAccount(doc, name: saName, namespace: ns)
        case let .failure(problem):
            report.findings.append(problem.finding(resource: "serviceaccounts", name: saName, namespace: ns, serviceAccount: saName, url: saURL))
        }
        report.findings += compare(pod: report.pod, serviceAccount: report.serviceAccount, environment: env, podName: name, namespace: ns)
        return report
    }

    // MARK: - API calls

    enum Problem: Error {
        case forbidden(String)
        case unauthorized(String)
        case status(Int, String)
        case transport(TransportError)
        case badJSON

        var stopsEverything: Bool {
            switch self {
            case .unauthorized, .transport: return true
            default: return false
            }
        }

        func finding(resource: String, name: String, namespace: String, serviceAccount: String, url: String) -> Finding {
            switch self {
            case let .forbidden(message):
                return Finding(
                    id: "k8s.rbac-forbidden", severity: .info,
                    title: "RBAC does not let this pod's service account get \(resource); that check is skipped",
                    evidence: [Evidence("request", "GET " + url), Evidence("message", message),
                               Evidence("service account", "system:serviceaccount:\(namespace):\(serviceAccount)")],
                    why: "rolehop reads the \(resource == "pods" ? "pod spec (creation time, containers' environment and mounts)" : "service account's annotations") to compare them with what the process got.",
                    fix: KubernetesReader.rbacYAML(namespace: namespace, serviceAccount: serviceAccount),
                    docURL: "https://kubernetes.io/docs/reference/access-authn-authz/rbac/")
            case let .unauthorized(message):
                return Finding(
                    id: "k8s.token-rejected", severity: .warn, title: "The API server rejected the pod's service-account token (401)",
                    evidence: [Evidence("request", "GET " + url), Evidence("message", message)],
                    why: "The token may be expired (a process kept an old copy) or belong to a deleted service account.",
                    fix: "Restart the pod to get a fresh projected token.")
            case let .status(code, message):
                return Finding(
                    id: "k8s.api-error", severity: .info, title: "The API server answered HTTP \(code) for \(resource)/\(name)",
                    evidence: [Evidence("request", "GET " + url), Evidence("message", message)],
                    why: code == 404 ? "The name does not match: HOSTNAME may differ from the pod name (hostname or setHostnameAsFQDN in the spec)." : "That check is skipped.")
            case let .transport(error):
                return Finding(
                    id: "k8s.api-unreachable", severity: .info, title: "The Kubernetes API server could not be reached",
                    evidence: [Evidence("request", "GET " + url), Evidence("error", "\(error.code): \(error.description)")],
                    why: "A NetworkPolicy may block egress to the API server, or its CA does not match " + KubernetesReader.caPath + ".",
                    fix: "Allow egress to the kubernetes service (kubectl get endpoints kubernetes) in NetworkPolicies.")
            case .badJSON:
                return Finding(id: "k8s.api-error", severity: .info, title: "The API server's answer for \(resource)/\(name) was not JSON",
                               evidence: [Evidence("request", "GET " + url)], why: "That check is skipped.")
            }
        }
    }

    static func get(_ url: String, token: Secret, transport: any HTTPTransport, timeout: Double,
                    connectTimeout: Double) async -> Result<JSONValue, Problem> {
        let request = HTTPRequest(method: "GET", url: url,
                                  headers: [("Authorization", "Bearer " + token.exposedValue), ("Accept", "application/json")],
                                  timeout: timeout, connectTimeout: connectTimeout)
        let response: HTTPResponse
        do { response = try await transport.send(request) } catch { return .failure(.transport(error)) }
        let message: String = {
            let text = response.bodyText
            if let doc = try? JSONParser.parse(text), let m = doc.value["message"]?.stringValue { return m }
            return PodText.snippet(PodText.replacingAll(text, token.exposedValue, with: Redaction.mask))
        }()
        switch response.status {
        case 200:
            guard let doc = try? JSONParser.parse(response.bodyText) else { return .failure(.badJSON) }
            return .success(doc.value)
        case 401: return .failure(.unauthorized(message))
        case 403: return .failure(.forbidden(message))
        default: return .failure(.status(response.status, message))
        }
    }

    /// The Role and RoleBinding that let `serviceAccount` read its own pod and service account.
    public static func rbacYAML(namespace: String, serviceAccount: String) -> String {
        """
        kubectl apply -f - <<'YAML'
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: rolehop-read
          namespace: \(namespace)
        rules:
          - apiGroups: [""]
            resources: ["pods", "serviceaccounts"]
            verbs: ["get"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: rolehop-read
          namespace: \(namespace)
        subjects:
          - kind: ServiceAccount
            name: \(serviceAccount)
            namespace: \(namespace)
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: Role
          name: rolehop-read
        YAML
        """
    }

    /// `system:serviceaccount:NS:NAME` from the token's `sub` claim (the signature is not checked: the API server does that).
    static func serviceAccountFromToken(_ token: String) -> String? {
        let parts = token.split(separator: ".")
        guard parts.count == 3 else { return nil }
        guard let data = try? Base64URL.decode(parts[1].utf8), let doc = try? JSONParser.parse(String(decoding: data, as: UTF8.self)),
              let sub = doc.value["sub"]?.stringValue else { return nil }
        let fields = sub.split(separator: ":")
        guard fields.count == 4, fields[0] == "system", fields[1] == "serviceaccount" else { return nil }
        return String(fields[3])
    }

    // MARK: - Parsing

    static func intValue(_ v: JSONValue?) -> Int? { v?.numberValue.map { Int($0) } }

    public static func parsePod(_ doc: JSONValue, name: String, namespace: String) -> KubernetesReport.PodInfo {
        let meta = doc["metadata"], spec = doc["spec"]
        var owner: String?
        if let ref = meta?["ownerReferences"]?[0], let kind = ref["kind"]?.stringValue, let n = ref["name"]?.stringValue {
            owner = "\(kind)/\(n)"
            // A ReplicaSet made by a Deployment is named DEPLOYMENT-HASH, HASH being the pod-template-hash label.
            if kind == "ReplicaSet", let hash = meta?["labels"]?["pod-template-hash"]?.stringValue, n.hasSuffix("-" + hash) {
                owner = "Deployment/" + n.dropLast(hash.count + 1)
            }
        }
        var containers: [KubernetesReport.Container] = []
        for (key, isInit) in [("initContainers", true), ("containers", false)] {
            for c in spec?[key]?.arrayValue ?? [] {
                var env: [(String, String)] = []
                for e in c["env"]?.arrayValue ?? [] {
                    guard let n = e["name"]?.stringValue, n.hasPrefix("AWS_") else { continue }
                    if let v = e["value"]?.stringValue {
                        env.append((n, Redaction.isSecretName(n) ? Redaction.mask : v))
                    } else if let from = e["valueFrom"]?.objectValue?.first?.0 {
                        env.append((n, "(valueFrom \(from))"))
                    } else {
                        env.append((n, ""))
                    }
                }
                containers.append(KubernetesReport.Container(
                    name: c["name"]?.stringValue ?? "?", isInit: isInit, awsEnvironment: env,
                    mountPaths: (c["volumeMounts"]?.arrayValue ?? []).compactMap { $0["mountPath"]?.stringValue },
                    runAsUser: intValue(c["securityContext"]?["runAsUser"])))
            }
        }
        // The IRSA token volume: a projected serviceAccountToken whose path is "token" mounted at irsaTokenDir.
        var audience: String?, expiration: Int?
        let irsaVolumeNames = Set((spec?["containers"]?.arrayValue ?? []).flatMap { c in
            (c["volumeMounts"]?.arrayValue ?? []).filter { $0["mountPath"]?.stringValue == irsaTokenDir }.compactMap { $0["name"]?.stringValue }
        })
        for v in spec?["volumes"]?.arrayValue ?? [] where irsaVolumeNames.contains(v["name"]?.stringValue ?? "") {
            for src in v["projected"]?["sources"]?.arrayValue ?? [] {
                if let t = src["serviceAccountToken"] {
                    audience = t["audience"]?.stringValue
                    expiration = intValue(t["expirationSeconds"])
                }
            }
        }
        return KubernetesReport.PodInfo(
            name: meta?["name"]?.stringValue ?? name, namespace: meta?["namespace"]?.stringValue ?? namespace,
            created: meta?["creationTimestamp"]?.stringValue.flatMap(UTCTime.parseISO8601),
            serviceAccountName: spec?["serviceAccountName"]?.stringValue ?? "default",
            hostNetwork: spec?["hostNetwork"]?.boolValue ?? false,
            fsGroup: intValue(spec?["securityContext"]?["fsGroup"]),
            runAsUser: intValue(spec?["securityContext"]?["runAsUser"]),
            owner: owner,
            annotations: (meta?["annotations"]?.objectValue ?? []).compactMap { k, v in v.stringValue.map { (k, $0) } },
            containers: containers, tokenAudience: audience, tokenExpirationSeconds: expiration)
    }

    public static func parseServiceAccount(_ doc: JSONValue, name: String, namespace: String) -> KubernetesReport.ServiceAccountInfo {
        let meta = doc["metadata"]
        var annotatedAt: Date?
        // managedFields records, per field manager, when it last changed its fields; the entry owning the
        // role-arn annotation dates it (the API keeps no other history of annotations).
        for entry in meta?["managedFields"]?.arrayValue ?? [] {
            guard let fields = entry["fieldsV1"]?["f:metadata"]?["f:annotations"],
                  fields["f:" + roleArnKey] != nil,
                  let t = entry["time"]?.stringValue.flatMap(UTCTime.parseISO8601) else { continue }
            if annotatedAt.map({ t > $0 }) ?? true { annotatedAt = t }
        }
        return KubernetesReport.ServiceAccountInfo(
            name: meta?["name"]?.stringValue ?? name, namespace: meta?["namespace"]?.stringValue ?? namespace,
            annotations: (meta?["annotations"]?.objectValue ?? []).compactMap { k, v in v.stringValue.map { (k, $0) } },
            roleArnAnnotatedAt: annotatedAt)
    }

    // MARK: - Comparisons

    /// Compares the service account's annotations, the pod spec and the process environment.
    /// `podName` and `namespace` name the pod in the fixes when its spec could not be read.
    public static func compare(pod: KubernetesReport.PodInfo?, serviceAccount sa: KubernetesReport.ServiceAccountInfo?,
                               environment env: Environment, podName: String? = nil, namespace: String? = nil) -> [Finding] {
        var out: [Finding] = []
        let annotated = sa?.annotation(roleArnKey)
        let envRole = env["AWS_ROLE_ARN"].flatMap { $0.isEmpty ? nil : $0 }
        let restart = pod?.owner.map { o -> String in
            let parts = o.split(separator: "/", maxSplits: 1)
            return "kubectl -n \(pod?.namespace ?? namespace ?? "NS") rollout restart \(parts[0].lowercased())/\(parts.count > 1 ? parts[1] : "")"
        } ?? "kubectl -n \(pod?.namespace ?? namespace ?? "NS") delete pod \(pod?.name ?? podName ?? "POD") (its controller recreates it)"

        if let annotated, let envRole, annotated != envRole {
            out.append(Finding(
                id: "k8s.role-arn-mismatch", severity: .fail, title: "AWS_ROLE_ARN differs from the service account's role-arn annotation",
                evidence: [Evidence("AWS_ROLE_ARN", envRole, source: .environment("AWS_ROLE_ARN")),
                           Evidence(roleArnKey, annotated, source: .remote("serviceaccounts/\(sa?.name ?? "")"))],
                why: "The webhook copies the annotation into the pod only when the pod is created; the annotation changed since, or the variable was set by hand.",
                fix: restart, docURL: docURL))
        }
        if let annotated, envRole == nil {
            var ev = [Evidence(roleArnKey, annotated, source: .remote("serviceaccounts/\(sa?.name ?? "")")), Evidence("AWS_ROLE_ARN", "unset")]
            if let c = pod?.created { ev.append(Evidence("pod created", UTCTime.iso8601(c))) }
            if let t = sa?.roleArnAnnotatedAt { ev.append(Evidence("annotation written", UTCTime.iso8601(t))) }
            if let c = pod?.created, let t = sa?.roleArnAnnotatedAt, t > c {
                out.append(Finding(
                    id: "k8s.pod-older-than-annotation", severity: .fail,
                    title: "The pod was created before its service account got the role-arn annotation",
                    evidence: ev,
                    why: "The pod identity webhook injects AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE and the token volume only at pod creation, so this pod never got them and falls back to another credential source (often the node role).",
                    fix: restart, docURL: docURL))
            } else {
                out.append(Finding(
                    id: "k8s.env-missing", severity: .fail,
                    title: "The service account is annotated but this process has no AWS_ROLE_ARN",
                    evidence: ev,
                    why: "The webhook did not inject this container, or the process's environment was replaced (an entrypoint that clears it, env -i, sudo).",
                    fix: "Check the container's spec (kubectl get pod -o yaml) for AWS_ROLE_ARN; if it is there, the entrypoint drops it; if not, \(restart).",
                    docURL: docURL))
            }
        }
        if let pod {
            out += injectionFindings(pod: pod, annotated: annotated != nil, restart: restart)
            if let sa {
                if let want = sa.annotation("eks.amazonaws.com/audience"), let got = pod.tokenAudience, want != got {
                    out.append(Finding(
                        id: "k8s.audience-mismatch", severity: .warn, title: "The projected token's audience differs from the audience annotation",
                        evidence: [Evidence("eks.amazonaws.com/audience", want), Evidence("token volume audience", got)],
                        why: "STS rejects a token whose aud is not a client id of the IAM OIDC provider (\"Incorrect token audience\").",
                        fix: restart, docURL: docURL))
                }
                if let want = sa.annotation("eks.amazonaws.com/token-expiration").flatMap({ Int($0) }), let got = pod.tokenExpirationSeconds, want != got {
                    out.append(Finding(
                        id: "k8s.token-expiration-mismatch", severity: .info, title: "The token lifetime differs from the token-expiration annotation",
                        evidence: [Evidence("eks.amazonaws.com/token-expiration", String(want)), Evidence("token volume expirationSeconds", String(got))],
                        why: "The annotation changed after the pod was created.", fix: restart, docURL: docURL))
                }
                if sa.annotation("eks.amazonaws.com/sts-regional-endpoints") == "true", env["AWS_STS_REGIONAL_ENDPOINTS"] != "regional" {
                    out.append(Finding(
                        id: "k8s.regional-endpoints-missing", severity: .warn,
                        title: "sts-regional-endpoints is \"true\" but AWS_STS_REGIONAL_ENDPOINTS is not regional here",
                        evidence: [Evidence("eks.amazonaws.com/sts-regional-endpoints", "true"),
                                   Evidence("AWS_STS_REGIONAL_ENDPOINTS", env["AWS_STS_REGIONAL_ENDPOINTS"] ?? "unset")],
                        why: "Older SDKs then call the global endpoint sts.amazonaws.com, which private clusters often cannot reach.",
                        fix: restart, docURL: docURL))
                }
            }
            let podIdentityHere = env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] != nil || pod.containers.contains { $0.has("AWS_CONTAINER_CREDENTIALS_FULL_URI") }
            if pod.hostNetwork && (podIdentityHere || annotated != nil) {
                out.append(Finding(
                    id: "k8s.host-network", severity: .warn, title: "The pod uses hostNetwork: true",
                    evidence: [Evidence("spec.hostNetwork", "true")],
                    why: "A hostNetwork pod shares the node's network: instance metadata answers it with the node role despite the hop limit, and the Pod Identity agent's link-local address behaves differently than from a pod network.",
                    fix: "Remove hostNetwork: true unless the workload needs it.", docURL: docURL))
            }
            let injected = pod.containers.contains { $0.mounts(irsaTokenDir) || $0.mounts(podIdentityTokenDir) }
            let uids = [pod.runAsUser] + pod.containers.map(\.runAsUser)
            if injected, pod.fsGroup == nil, uids.contains(where: { ($0 ?? 0) != 0 }) {
                out.append(Finding(
                    id: "k8s.no-fs-group", severity: .warn, title: "A container runs as non-root and the pod sets no fsGroup",
                    evidence: [Evidence("runAsUser", uids.compactMap { $0 }.map(String.init).joined(separator: ", ")), Evidence("spec.securityContext.fsGroup", "unset")],
                    why: "Projected tokens are mode 0600 for their owner unless fsGroup makes them group-readable; the SDK then fails with \"permission denied\" reading the token.",
                    fix: "Add to the pod spec: securityContext: { fsGroup: 65534 } (any group the container user is in).",
                    docURL: "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"))
            }
        }
        return out
    }

    /// Containers that lack what the webhook injects into the others (sidecars, containers added later).
    static func injectionFindings(pod: KubernetesReport.PodInfo, annotated: Bool, restart: String) -> [Finding] {
        struct Injection { var label: String; var variables: [String]; var mount: String }
        let kinds = [
            Injection(label: "IRSA", variables: ["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"], mount: irsaTokenDir),
            Injection(label: "Pod Identity", variables: ["AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], mount: podIdentityTokenDir),
        ]
        let skip = pod.annotations.first { $0.0 == "eks.amazonaws.com/skip-containers" }?.1
        var out: [Finding] = []
        let app = pod.containers.filter { !$0.isInit }
        for kind in kinds {
            let somebody = app.contains { c in kind.variables.contains { c.has($0) } }
            guard somebody || (kind.label == "IRSA" && annotated) else { continue }
            for c in app {
                var missing = kind.variables.filter { !c.has($0) }
                if !c.mounts(kind.mount) { missing.append("mount " + kind.mount) }
                guard !missing.isEmpty else { continue }
                var ev = [Evidence("container", c.name), Evidence("missing", missing.joined(separator: ", "))]
                if let skip { ev.append(Evidence("eks.amazonaws.com/skip-containers", skip)) }
                out.append(Finding(
                    id: "k8s.container-not-injected", severity: .warn,
                    title: "Container \(c.name) lacks the \(kind.label) variables or token mount the others have",
                    evidence: ev,
                    why: "The webhook injects containers present at admission (minus eks.amazonaws.com/skip-containers); a sidecar added later by another webhook, or a volume-name collision, leaves one container on another identity.",
                    fix: skip.map { _ in "Remove \(c.name) from the pod's eks.amazonaws.com/skip-containers annotation, then \(restart)." }
                        ?? "Set reinvocationPolicy: IfNeeded on the webhook that adds \(c.name), or add the variables and the token volume mount to \(c.name) by hand; then \(restart).",
                    docURL: docURL))
            }
        }
        return out
    }
}
