import RoleHopCore
import RoleHopCurl

/// `rolehop pod`: the pod's side (EKS Pod Identity, instance metadata, the cluster).
struct PodCommand {
    static let spec = CommandSpec(
        path: ["pod"],
        abstract: "Check the pod's side: EKS Pod Identity, instance metadata, the service account and pod spec.",
        options: TargetOptions.options + [
            .output(help: "text or json."),
            .option("imds-timeout", .number,
                    help: "Seconds allowed for each instance metadata exchange (SDK default: 1).", default: "1.0"),
        ])

    var target: TargetOptions
    var output: OutputFormat = .text
    var imdsTimeout: Double = 1

    init(_ p: ParsedArguments) throws(UsageError) {
        target = try TargetOptions(p, command: Self.spec.displayName)
        output = p.choice("output", default: .text)
        imdsTimeout = p.double("imds-timeout") ?? 1
    }

    func run() async throws {
        applyPortableLayout()
        let env: Environment
        do { env = try target.environment() } catch { throw failWithInputError(error) }
        let fs = target.fileSystem()
        let transportEnv = target.transportEnvironment(env)
        let transport = CurlTransport(configuration: .init(environment: transportEnv))
        var k8sConfig = CurlTransport.Configuration(environment: transportEnv)
        k8sConfig.caBundle = target.hostPath(KubernetesReader.caPath)
        let diagnosis = await PodDiagnosis.run(
            environment: env, fs: fs, transport: transport, kubernetesTransport: CurlTransport(configuration: k8sConfig),
            now: Date(), imdsTimeouts: .init(connect: imdsTimeout, total: imdsTimeout * 2))
        switch output {
        case .json: print(diagnosis.jsonObject.serialized(pretty: true))
        case .text: print(PodReportText.render(diagnosis, width: 80))
        }
        if diagnosis.hasFailures { throw ExitCode(1) }
    }
}

/// The text form of `rolehop pod`, readable at 80 columns.
enum PodReportText {
    static func render(_ d: PodDiagnosis, width: Int) -> String {
        var out: [String] = []
        func row(_ label: String, _ value: String) {
            out += wrap(value, width: width, first: "  " + label.padding(12), rest: String(repeating: " ", count: 14))
        }
        let pi = d.podIdentity
        out.append("EKS Pod Identity")
        if let ep = pi.endpoint {
            row("endpoint", "\(ep.value) (\(ep.source))")
            row("kind", pi.kind.rawValue)
            row("token", pi.tokenSource.map { "from \($0)" } ?? "none")
            if let c = pi.credentials {
                var parts = ["HTTP 200", "access key \(Redaction.maskAccessKeyId(c.accessKeyId))"]
                if let a = c.accountId { parts.append("account \(a)") }
                if let e = c.expiration { parts.append("expires \(UTCTime.iso8601(e))") }
                row("result", parts.joined(separator: ", "))
            } else if let s = pi.status {
                row("result", "HTTP \(s)")
            } else if let e = pi.transportError {
                row("result", "\(e.code): \(e.description)")
            } else {
                row("result", "not called")
            }
        } else {
            row("endpoint", "not configured")
        }
        out.append("")
        let md = d.imds
        out.append("Instance metadata")
        row("endpoint", "\(md.endpoint.value) (\(md.endpoint.source))")
        row("outcome", md.outcome.rawValue)
        for s in md.steps {
            row(s.method, s.path + "  " + (s.status.map { "HTTP \($0)" } ?? s.error.map { "\($0.code)" } ?? ""))
        }
        if let i = md.instanceId { row("instance", i + (md.accountId.map { " in account \($0)" } ?? "")) }
        if md.outcome == .reachable || md.outcome == .v1Only { row("node role", md.roleName ?? "none attached") }
        row("default chain", md.defaultChainReachesIMDS ? "reaches instance metadata (no earlier source configured)" : "does not reach instance metadata")
        out.append("")
        let k = d.kubernetes
        out.append("Kubernetes")
        if !k.inCluster {
            row("cluster", "not in a cluster")
        } else {
            row("api server", k.apiServer ?? "?")
            row("pod", "\(k.namespace ?? "?")/\(k.podName ?? "?")")
            if let p = k.pod {
                row("created", p.created.map(UTCTime.iso8601) ?? "?")
                if let o = p.owner { row("owner", o) }
                row("account", p.serviceAccountName)
                for c in p.containers {
                    row(c.isInit ? "init" : "container", c.name + (c.awsEnvironment.isEmpty ? " (no AWS_ variables)" : ""))
                    for (name, value) in c.awsEnvironment { row("", "\(name) \(value)") }
                    for m in c.mountPaths where m.hasPrefix("/var/run/secrets/") { row("", "mount \(m)") }
                }
            }
            if let sa = k.serviceAccount {
                row("sa", "\(sa.namespace)/\(sa.name)")
                for (key, v) in sa.annotations where key.hasPrefix("eks.amazonaws.com/") { row("", "\(key): \(v)") }
                if let t = sa.roleArnAnnotatedAt { row("", "role-arn written \(UTCTime.iso8601(t))") }
            }
        }
        let findings = d.findings.filter { $0.severity != .ok } + d.findings.filter { $0.severity == .ok }
        if !findings.isEmpty { out.append(""); out.append("Findings") }
        for f in findings {
            out.append("")
            out += wrap("\(f.id): \(f.title)", width: width, first: "[\(f.severity.rawValue.uppercased())] ", rest: "  ")
            for e in f.evidence {
                out += wrap(e.value + (e.source.map { "  (\($0))" } ?? ""), width: width, first: "  " + e.label + ": ", rest: "    ")
            }
            if !f.why.isEmpty { out += wrap(f.why, width: width, first: "  why: ", rest: "    ") }
            if !f.fix.isEmpty {
                if f.fix.contains("\n") {
                    out.append("  fix:")
                    out += f.fix.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
                } else {
                    out += wrap(f.fix, width: width, first: "  fix: ", rest: "    ")
                }
            }
        }
        return out.joined(separator: "\n")
    }

    /// Word-wraps `text` to `width` columns.
    static func wrap(_ text: String, width: Int, first: String, rest: String) -> [String] {
        var lines: [String] = []
        var line = first
        var lineHasWord = false
        for whole in text.split(separator: " ") {
            var word = Substring(whole)
            if lineHasWord && line.count + 1 + word.count > width {
                lines.append(line)
                line = rest
                lineHasWord = false
            }
            // A word longer than a whole line (a long path or URL) is cut at the margin.
            while line.count + (lineHasWord ? 1 : 0) + word.count > width {
                let room = width - line.count - (lineHasWord ? 1 : 0)
                guard room > 0 else { lines.append(line); line = rest; lineHasWord = false; continue }
                line += (lineHasWord ? " " : "") + word.prefix(room)
                word = word.dropFirst(room)
                lines.append(line)
                line = rest
                lineHasWord = false
            }
            if word.isEmpty { continue }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        lines.append(line)
        return lines
    }
}

extension String {
    fileprivate func padding(_ n: Int) -> String { count >= n ? self + " " : self + String(repeating: " ", count: n - count) }
}
