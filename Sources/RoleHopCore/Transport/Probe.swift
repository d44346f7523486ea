
/// One endpoint to probe and why it is on the list.
public struct ProbeTarget: Sendable, Hashable {
    public enum Kind: String, Sendable { case stsRegional, stsGlobal, stsConfigured, oidcDiscovery, oidcKeys }
    public var kind: Kind
    public var url: String
    public var method: String
    public var body: [UInt8]
    public var source: Source
    public init(kind: Kind, url: String, method: String = "GET", body: [UInt8] = [], source: Source) {
        self.kind = kind
        self.url = url
        self.method = method
        self.body = body
        self.source = source
    }

    public var label: String {
        switch kind {
        case .stsRegional: "STS (regional)"
        case .stsGlobal: "STS (global)"
        case .stsConfigured: "STS (configured)"
        case .oidcDiscovery: "OIDC discovery"
        case .oidcKeys: "OIDC keys (jwks_uri)"
        }
    }
}

/// What one probe saw.
public struct ProbeResult: Sendable, Hashable {
    public var target: ProbeTarget
    public var outcome: Result<HTTPResponse, TransportError>

    public var reachable: Bool {
        if case .success = outcome { return true }
        return false
    }

    public var jsonObject: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("target", .string(target.kind.rawValue)), ("label", .string(target.label)), ("url", .string(target.url)),
            ("source", .string(target.source.description)), ("reachable", .bool(reachable)),
        ]
        switch outcome {
        case let .success(r):
            fields.append(("status", .number(Double(r.status))))
            fields.append(("address", r.connection.remoteAddress.map { .string($0) } ?? .null))
            fields.append(("port", r.connection.remotePort.map { .number(Double($0)) } ?? .null))
            fields.append(("proxy", r.connection.proxy.map { .string($0) } ?? .null))
            fields.append(("timings", r.timings.jsonObject))
        case let .failure(e):
            fields.append(("error", .object([("code", .string(e.code)), ("message", .string(e.description))])))
        }
        return .object(fields)
    }
}

/// Reachability of the endpoints a pod needs: STS (regional, global, or the configured override) and, given an
/// issuer, its OIDC discovery document and key set. The case it exists for: private clusters whose pods cannot
/// reach STS (`dial tcp ...: i/o timeout`).
public struct Prober: Sendable {
    public var transport: any HTTPTransport
    public var timeout: Double
    public var connectTimeout: Double

    public init(transport: any HTTPTransport, timeout: Double = 10, connectTimeout: Double = 5) {
        self.transport = transport
        self.timeout = timeout
        self.connectTimeout = connectTimeout
    }

    /// The region a pod would use, with provenance: the flag, then AWS_REGION, then AWS_DEFAULT_REGION.
    public static func region(flag: String?, environment env: Environment) -> Sourced<String>? {
        if let flag, !flag.isEmpty { return Sourced(flag, from: .flag("--region")) }
        return env.sourced("AWS_REGION") ?? env.sourced("AWS_DEFAULT_REGION")
    }

    /// The STS targets: a configured endpoint (flag, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL) alone when there is
    /// one, else the regional endpoint (when a region is known) and the global one.
    public static func stsTargets(region: Sourced<String>?, endpointFlag: String?, environment env: Environment) -> [ProbeTarget] {
        // An unsigned GetCallerIdentity: STS answers 403 MissingAuthenticationToken, which proves it is reachable.
        let body = Array("Action=GetCallerIdentity&Version=2011-06-15".utf8)
        func sts(_ kind: ProbeTarget.Kind, _ url: String, _ source: Source) -> ProbeTarget {
            ProbeTarget(kind: kind, url: url, method: "POST", body: body, source: source)
        }
        if let e = endpointFlag, !e.isEmpty { return [sts(.stsConfigured, e, .flag("--endpoint-url"))] }
        if let e = env.sourced("AWS_ENDPOINT_URL_STS") ?? env.sourced("AWS_ENDPOINT_URL") {
            return [sts(.stsConfigured, e.value, e.source)]
        }
        var out: [ProbeTarget] = []
        if let region {
            let suffix = region.value.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
            out.append(sts(.stsRegional, "https://sts.\(region.value).\(suffix)/", .derived("regional endpoint of \(region.value) (\(region.source))")))
        }
        out.append(sts(.stsGlobal, "https://sts.amazonaws.com/", .defaultValue("global endpoint")))
        return out
    }

    /// Probes each target in turn; for an issuer, follows discovery to its `jwks_uri`.
    public func run(_ targets: [ProbeTarget], issuer: String? = nil) async -> [ProbeResult] {
        var results: [ProbeResult] = []
        for t in targets { results.append(await probe(t)) }
        if let issuer {
            var base = issuer
            while base.hasSuffix("/") { base.removeLast() }
            let discovery = ProbeTarget(kind: .oidcDiscovery, url: base + "/.well-known/openid-configuration",
                                        source: .flag("--issuer"))
            let r = await probe(discovery)
            results.append(r)
            if case let .success(resp) = r.outcome, resp.status == 200,
               let doc = try? JSONParser.parse(resp.body, recordPositions: false),
               let jwks = doc.value["jwks_uri"]?.stringValue {
                results.append(await probe(ProbeTarget(kind: .oidcKeys, url: jwks, source: .remote(discovery.url))))
            }
        }
        return results
    }

    func probe(_ target: ProbeTarget) async -> ProbeResult {
        var headers: [(String, String)] = []
        if target.method == "POST" { headers.append(("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")) }
        let req = HTTPRequest(method: target.method, url: target.url, headers: headers, body: target.body,
                              timeout: timeout, connectTimeout: connectTimeout)
        do {
            return ProbeResult(target: target, outcome: .success(try await transport.send(req)))
        } catch {
            return ProbeResult(target: target, outcome: .failure(error))
        }
    }

    /// Findings for what the probe saw: an unreachable STS endpoint the pod would use, and the fix.
    public static func findings(_ results: [ProbeResult]) -> [Finding] {
        var out: [Finding] = []
        for r in results {
            guard case let .failure(e) = r.outcome else { continue }
            let isSTS = [.stsRegional, .stsGlobal, .stsConfigured].contains(r.target.kind)
            var fix = ""
            var why = "Calls to this endpoint fail the same way inside the SDK."
            if isSTS {
                switch e {
                case .connectTimeout, .connectionRefused:
                    why = "Pods in private clusters often cannot reach STS on the internet; SDKs then fail with "
                        + "\"dial tcp ...: i/o timeout\"."
                    fix = r.target.kind == .stsGlobal
                        ? "Use the regional endpoint: set AWS_STS_REGIONAL_ENDPOINTS=regional (or annotate the service account eks.amazonaws.com/sts-regional-endpoints: \"true\") and create an STS interface VPC endpoint (com.amazonaws.REGION.sts)."
                        : "Create an STS interface VPC endpoint (com.amazonaws.REGION.sts) with private DNS, or allow egress to it through the proxy."
                case .dnsFailure:
                    fix = "Check the pod's DNS (resolv.conf, CoreDNS) and, in private clusters, the VPC endpoint's private DNS."
                case .tlsFailure:
                    fix = "A TLS-intercepting proxy needs its CA in AWS_CA_BUNDLE."
                case .proxyFailure:
                    fix = "Fix HTTPS_PROXY, or add the STS host to NO_PROXY when a VPC endpoint serves it."
                default: break
                }
            } else {
                why = "STS fetches the issuer's keys itself; if they are slow or unreachable from AWS, STS fails with "
                    + "\"Couldn't retrieve verification key from your identity provider\". This probe only shows what "
                    + "this pod can reach."
            }
            out.append(Finding(id: isSTS ? "net.sts-unreachable" : "net.oidc-unreachable",
                               severity: r.target.kind == .stsGlobal ? .warn : .fail,
                               title: "\(r.target.label) is unreachable: \(e.code)",
                               evidence: [Evidence("url", r.target.url, source: r.target.source), Evidence("error", e.description)],
                               why: why, fix: fix,
                               docURL: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_sts_vpce.html"))
        }
        return out
    }
}

/// Renders phase timings as a one-line waterfall for 80-column terminals.
public enum Waterfall {
    /// `dns 1.2 ms  connect 3.4 ms  tls 10.0 ms  first byte 25.1 ms  total 25.3 ms`
    public static func summary(_ t: HTTPTimings) -> String {
        "dns \(ms(t.dns))  connect \(ms(t.connect))  tls \(ms(t.tls))  first byte \(ms(t.firstByte))  total \(ms(t.total))"
    }

    /// A bar of `width` cells: `d` DNS, `c` connect, `t` TLS, `w` waiting for the first byte, `r` receiving.
    public static func bar(_ t: HTTPTimings, width: Int) -> String {
        guard t.total > 0, width > 0 else { return String(repeating: " ", count: max(0, width)) }
        let marks: [(Double, Character)] = [(t.dns, "d"), (t.connect, "c"), (t.tls, "t"), (t.firstByte, "w"), (t.total, "r")]
        var out = ""
        var previousEnd = 0
        for (end, ch) in marks {
            let cells = Int((end / t.total * Double(width)).rounded())
            if cells > previousEnd {
                out += String(repeating: ch, count: cells - previousEnd)
                previousEnd = cells
            }
        }
        if previousEnd < width { out += String(repeating: "r", count: width - previousEnd) }
        return out
    }

    public static func ms(_ seconds: Double) -> String {
        let v = seconds * 1000
        if v >= 100 { return "\(Int(v.rounded())) ms" }
        let tenths = (v * 10).rounded() / 10
        return "\(tenths) ms"
    }
}
