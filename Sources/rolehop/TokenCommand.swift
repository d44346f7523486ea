import Glibc
import RoleHopCore
import RoleHopCurl

/// `rolehop token`: read, decode, check and optionally verify the web-identity token.
struct TokenCommand {
    static let spec = CommandSpec(
        path: ["token"],
        abstract: "Decode and check the web-identity token; --verify checks its signature against the issuer's keys.",
        discussion: "Without PATH the token is AWS_WEB_IDENTITY_TOKEN_FILE, else \(TokenFile.eksDefaultPath). The raw "
            + "token and its signature are never printed. Exit status: 0 no failed check, 1 a check failed, 2 the "
            + "token or key set is malformed.",
        options: [
            .flag("verify", help: "Verify the signature with the issuer's keys (OIDC discovery over the network, or --jwks)."),
            .option("jwks", value: "FILE", help: "Verify with the keys in this JWKS file instead of fetching them."),
            .option("root", help: "Read the token below this directory (for example /proc/PID/root)."),
            .option("audience", help: "The audience the role's OIDC provider lists.",
                    default: TokenChecks.defaultAudience),
            .option("region", help: "The chain's region, compared with the issuer's (default: AWS_REGION, AWS_DEFAULT_REGION)."),
            .option("uid", .unsigned, help: "Judge readability for this uid instead of rolehop's own (the application's user)."),
            .repeated("gid", .unsigned, help: "Judge readability with this group (repeatable; default: rolehop's groups)."),
            .option("slow", .number, help: "Report fetches slower than this many seconds (STS waits about 5).",
                    default: "\(TokenVerifier.stsFetchTimeout)"),
            .output(),
            .option("now", help: "Judge the token at this time (ISO 8601) instead of now, to reproduce a diagnosis.",
                    hidden: true),
        ],
        arguments: [ArgumentSpec(name: "path", help: "The token file (default: AWS_WEB_IDENTITY_TOKEN_FILE, else the EKS mount path).",
                                 required: false)])

    var path: String?
    var verify = false
    var jwks: String?
    var root: String?
    var audience: String = TokenChecks.defaultAudience
    var region: String?
    var uid: UInt32?
    var gid: [UInt32] = []
    var slow: Double = TokenVerifier.stsFetchTimeout
    var output: OutputFormat = .text
    var now: String?

    init(_ p: ParsedArguments) {
        path = p.argument(0)
        verify = p.flag("verify")
        jwks = p.string("jwks")
        root = p.string("root")
        audience = p.string("audience") ?? TokenChecks.defaultAudience
        region = p.string("region")
        uid = p.uint32("uid")
        gid = p.uint32s("gid")
        slow = p.double("slow") ?? TokenVerifier.stsFetchTimeout
        output = p.choice("output", default: .text)
        now = p.string("now")
    }

    func run() async throws {
        let env = processEnvironment()
        var now = Date()
        if let text = self.now {
            guard let parsed = UTCTime.parseISO8601(text) else {
                printError("rolehop: --now: expected an ISO 8601 time such as 2026-11-29T11:30:00Z, found \(text)")
                throw ExitCode(2)
            }
            now = parsed
        }
        let tokenPath = TokenFile.resolvePath(explicit: path.map { Sourced($0, from: .flag("PATH")) }, environment: env)
        let fs = LocalFileSystem(root: root ?? "")
        let report = TokenFile.read(tokenPath, fs: fs, uid: uid ?? getuid(), gids: gid.isEmpty ? tokenCommandGroups() : gid)
        if let error = report.decodeError {
            let lc = error.lineColumn(in: report.raw?.exposedValue ?? "")
            printError("rolehop: \(tokenPath.value):\(lc.line):\(lc.column): \(error)")
            throw ExitCode(2)
        }
        var findings = report.findings
        var discovery: DiscoveryReport?
        if let token = report.token {
            let chainRegion = region.map { Sourced($0, from: .flag("--region")) }
                ?? env.sourced("AWS_REGION") ?? env.sourced("AWS_DEFAULT_REGION")
            findings += TokenChecks.run(token, now: now, expectedAudience: audience, chainRegion: chainRegion,
                                        fileModified: report.info?.modified)
            if let raw = report.raw {
                if let jwks {
                    let keys: JSONWebKeySet
                    do {
                        keys = try JSONWebKeySet.parse(try LocalFileSystem().readText(jwks, limit: 1 << 20), file: jwks)
                    } catch {
                        // A FileError ("FILE: no such file") or an InputError ("FILE:LINE:COL: message").
                        printError("rolehop: \(error)")
                        throw ExitCode(2)
                    }
                    findings.append(TokenVerifier.finding(for: TokenVerifier.verify(raw, keys: keys), keys: keys,
                                                          keysFrom: .file(path: jwks, line: 0, column: 0)))
                } else if verify, let iss = token.claims.iss, token.header.alg.map({ $0.lowercased() != "none" }) ?? false {
                    let transport = CurlTransport(configuration: .init(environment: env))
                    let d = await TokenVerifier.discover(issuer: iss, transport: transport, slowThreshold: slow)
                    findings += d.findings
                    if let keys = d.keys {
                        findings.append(TokenVerifier.finding(for: TokenVerifier.verify(raw, keys: keys), keys: keys,
                                                              keysFrom: .remote(d.jwksURI ?? iss)))
                    }
                    discovery = d
                }
            }
        }
        switch output {
        case .json: print(TokenRendering.json(report, findings: findings, discovery: discovery).serialized(pretty: true))
        case .text: print(TokenRendering.text(report, findings: findings, discovery: discovery, now: now), terminator: "")
        }
        if findings.contains(where: { $0.severity == .fail }) { throw ExitCode(1) }
    }
}

/// The primary and supplementary groups of this process.
private func tokenCommandGroups() -> [UInt32] {
    var groups = [gid_t](repeating: 0, count: 256)
    let n = getgroups(Int32(groups.count), &groups)
    var out = [getgid()]
    if n > 0 { for g in groups[0..<Int(n)] where !out.contains(g) { out.append(g) } }
    return out
}

/// Text and JSON forms of a token report. The raw token and signature are never in either.
enum TokenRendering {
    static func date(_ d: Date?, now: Date) -> String {
        guard let d else { return "-" }
        let delta = d.timeIntervalSince(now)
        let rel = delta >= 0 ? "in \(UTCTime.humanDuration(delta))" : "\(UTCTime.humanDuration(delta)) ago"
        return "\(UTCTime.iso8601(d)) (\(rel))"
    }

    static func text(_ r: TokenFileReport, findings: [Finding], discovery: DiscoveryReport?, now: Date) -> String {
        var out = "Token file  \(r.path.value)  [\(r.path.source)]\n"
        if let info = r.info {
            out += "  owner uid \(r.owner ?? String(info.uid)) gid \(r.group ?? String(info.gid)), mode 0\(String(info.mode, radix: 8)), "
                + "modified \(date(info.modified, now: now)), \(info.size) bytes\n"
        }
        if let t = r.token {
            out += "Header\n"
            out += "  alg  \(t.header.alg ?? "-")\n  kid  \(t.header.kid ?? "-")\n  typ  \(t.header.typ ?? "-")\n"
            out += "  signature  \(t.signatureLength) bytes (not shown)\n"
            let c = t.claims
            out += "Claims\n"
            out += "  iss  \(c.iss ?? "-")\n  sub  \(c.sub ?? "-")\n"
            out += "  aud  \(c.aud.isEmpty ? "-" : c.aud.joined(separator: ", "))\n"
            out += "  iat  \(date(c.iat, now: now))\n  nbf  \(date(c.nbf, now: now))\n  exp  \(date(c.exp, now: now))\n"
            out += "  jti  \(c.jti ?? "-")\n"
            if let k = t.kubernetes {
                out += "Kubernetes\(k.legacy ? " (legacy secret token)" : "")\n"
                out += "  namespace        \(k.namespace ?? "-")\n"
                out += "  service account  \(k.serviceAccountName ?? "-")\(k.serviceAccountUID.map { " (uid \($0))" } ?? "")\n"
                if k.podName != nil { out += "  pod              \(k.podName ?? "-")\(k.podUID.map { " (uid \($0))" } ?? "")\n" }
                if k.nodeName != nil { out += "  node             \(k.nodeName ?? "-")\n" }
                if k.warnAfter != nil { out += "  warnafter        \(date(k.warnAfter, now: now))\n" }
            }
        }
        if let d = discovery {
            out += "Discovery\n"
            for f in d.fetches { out += "  \(f.url)\n    \(TokenVerifier.timingText(f))\n" }
            if let thumb = d.thumbprint { out += "  thumbprint  \(thumb)\n" }
        }
        out += "Findings\n"
        for f in findings {
            let tag: String
            switch f.severity {
            case .ok: tag = "ok  "
            case .info: tag = "info"
            case .warn: tag = "WARN"
            case .fail: tag = "FAIL"
            }
            out += "  \(tag) \(f.id): \(f.title)\n"
            guard f.severity > .ok else { continue }
            for e in f.evidence { out += "       \(e.label): \(e.value)\(e.source.map { "  [\($0)]" } ?? "")\n" }
            if !f.why.isEmpty { out += "       why: \(f.why)\n" }
            if !f.fix.isEmpty { out += "       fix: \(f.fix)\n" }
        }
        return out
    }

    static func json(_ r: TokenFileReport, findings: [Finding], discovery: DiscoveryReport?) -> JSONValue {
        var file: [(String, JSONValue)] = [("path", .string(r.path.value)), ("source", r.path.source.jsonObject)]
        if let info = r.info {
            file += [("uid", .number(Double(info.uid))), ("gid", .number(Double(info.gid))),
                     ("mode", .string("0" + String(info.mode, radix: 8))), ("modified", .string(UTCTime.iso8601(info.modified))),
                     ("size", .number(Double(info.size)))]
        }
        if let readable = r.readableByIdentity { file.append(("readable", .bool(readable))) }
        if let o = r.owner { file.append(("owner", .string(o))) }
        if let g = r.group { file.append(("group", .string(g))) }
        file.append(("reader", .object([("uid", .number(Double(r.uid))),
                                         ("gids", .array(r.gids.map { .number(Double($0)) }))])))
        if let e = r.readError { file.append(("error", .string(e.description))) }
        var fields: [(String, JSONValue)] = [("file", .object(file))]
        if let t = r.token {
            fields += [("header", t.header.json), ("claims", t.payload), ("signatureLength", .number(Double(t.signatureLength)))]
        }
        if let d = discovery {
            var df: [(String, JSONValue)] = [("issuer", .string(d.issuer))]
            if let j = d.jwksURI { df.append(("jwksUri", .string(j))) }
            df.append(("fetches", .array(d.fetches.map { f in
                var o: [(String, JSONValue)] = [("url", .string(f.url))]
                if let s = f.status { o.append(("status", .number(Double(s)))) }
                if let t = f.timings { o.append(("timings", t.jsonObject)) }
                if let e = f.error { o.append(("error", .string(e.code))); o.append(("detail", .string(e.description))) }
                return .object(o)
            })))
            df.append(("certificates", .array(d.certificates.map {
                .object([("subject", .string($0.subject)), ("issuer", .string($0.issuer)), ("notAfter", .string($0.notAfter))])
            })))
            if let th = d.thumbprint { df.append(("thumbprint", .string(th))) }
            if let keys = d.keys { df.append(("keys", .array(keys.keys.map { .string($0.summary) }))) }
            fields.append(("discovery", .object(df)))
        }
        fields.append(("findings", .array(findings.map(\.jsonObject))))
        return .object(fields)
    }
}
