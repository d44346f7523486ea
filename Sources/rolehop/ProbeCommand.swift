import RoleHopCore
import RoleHopCurl

/// `rolehop probe`: reachability and timings of the STS endpoints (and an OIDC issuer).
struct ProbeCommand {
    static let spec = CommandSpec(
        path: ["probe"],
        abstract: "Probe the STS endpoints (and an OIDC issuer) this pod would use: address, timings, status or error.",
        options: [
            .option("region", help: "Region (default: AWS_REGION, then AWS_DEFAULT_REGION)."),
            .option("endpoint-url",
                    help: "Probe this STS endpoint instead (default: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL)."),
            .option("issuer", help: "OIDC issuer URL: also probe its discovery document and key set."),
            .option("timeout", .number, help: "Seconds allowed for each exchange.", default: "10.0"),
            .option("connect-timeout", .number, help: "Seconds allowed to connect.", default: "5.0"),
            .output(help: "text or json."),
        ])

    var region: String?
    var endpointURL: String?
    var issuer: String?
    var timeout: Double = 10
    var connectTimeout: Double = 5
    var output: OutputFormat = .text

    init(_ p: ParsedArguments) {
        region = p.string("region")
        endpointURL = p.string("endpoint-url")
        issuer = p.string("issuer")
        timeout = p.double("timeout") ?? 10
        connectTimeout = p.double("connect-timeout") ?? 5
        output = p.choice("output", default: .text)
    }

    func run() async throws {
        let env = processEnvironment()
        let region = Prober.region(flag: region, environment: env)
        let targets = Prober.stsTargets(region: region, endpointFlag: endpointURL, environment: env)
        let prober = Prober(transport: CurlTransport(configuration: .init(environment: env)), timeout: timeout,
                            connectTimeout: connectTimeout)
        let results = await prober.run(targets, issuer: issuer)
        let findings = Prober.findings(results)
        switch output {
        case .json:
            let doc: JSONValue = .object([
                ("region", region.map { .object([("value", .string($0.value)), ("source", .string($0.source.description))]) } ?? .null),
                ("targets", .array(results.map(\.jsonObject))),
                ("findings", .array(findings.map(\.jsonObject))),
            ])
            print(doc.serialized(pretty: true))
        case .text:
            print(ProbeText.render(region: region, results: results, findings: findings))
        }
        // The endpoint the SDK would use is the first target; it decides the exit code.
        if let first = results.first, !first.reachable { throw ExitCode(1) }
    }
}

enum ProbeText {
    static func render(region: Sourced<String>?, results: [ProbeResult], findings: [Finding]) -> String {
        var lines: [String] = []
        if let region { lines.append("region  \(region.value)  (\(region.source))") } else { lines.append("region  not set (AWS_REGION, AWS_DEFAULT_REGION empty): only the global endpoint is probed") }
        for r in results {
            lines.append("")
            lines.append("\(r.target.label)  \(r.target.url)")
            lines.append("  from     \(r.target.source)")
            switch r.outcome {
            case let .success(resp):
                let addr = resp.connection.remoteAddress.map { a in resp.connection.remotePort.map { "\(a):\($0)" } ?? a } ?? "?"
                lines.append("  address  \(addr)   proxy \(resp.connection.proxy ?? "none")")
                lines.append("  status   HTTP \(resp.status) (answered)")
                lines.append("  timing   \(Waterfall.summary(resp.timings))")
                lines.append("           [\(Waterfall.bar(resp.timings, width: 60))]")
            case let .failure(e):
                lines.append("  FAILED   \(e.code): \(e.description)")
            }
        }
        for f in findings {
            lines.append("")
            lines.append("[\(f.severity.rawValue.uppercased())] \(f.id): \(f.title)")
            if !f.why.isEmpty { lines.append("  why: \(f.why)") }
            if !f.fix.isEmpty { lines.append("  fix: \(f.fix)") }
        }
        return lines.joined(separator: "\n")
    }
}
