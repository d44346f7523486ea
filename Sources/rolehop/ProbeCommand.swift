import ArgumentParser
import RoleHopCore
import RoleHopCurl

struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Probe the STS endpoints (and an OIDC issuer) this pod would use: address, timings, status or error.")

    @Option(help: "Region (default: AWS_REGION, then AWS_DEFAULT_REGION).") var region: String?
    @Option(name: .customLong("endpoint-url"), help: "Probe this STS endpoint instead (default: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL).")
    var endpointURL: String?
    @Option(help: "OIDC issuer URL: also probe its discovery document and key set.") var issuer: String?
    @Option(help: "Seconds allowed for each exchange.") var timeout: Double = 10
    @Option(name: .customLong("connect-timeout"), help: "Seconds allowed to connect.") var connectTimeout: Double = 5
    @Option(help: "text or json.") var output: OutputFormat = .text

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
