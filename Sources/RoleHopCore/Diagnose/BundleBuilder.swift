
/// Assembles the diagnostic bundle of a diagnosis (see docs/bundle.md for the layout): the report in both forms,
/// the explorer snapshot, the redacted config files and environment, the token's header and claims, the policy
/// documents used, and one transcript per HTTP attempt. Every secret the session holds is handed to the
/// bundle's scrubber as a last line of defence.
public enum BundleBuilder {
    public static func contents(report: CheckReport, snapshot: ExplorerSnapshot, manifest: BundleManifest,
                                secrets: [Secret]) -> BundleContents {
        var c = BundleContents(manifest: manifest)
        c.hold(secrets)
        let a = report.analysis
        c.add(BundleFile(name: BundleLayout.reportJSON, json: report.jsonObject))
        c.add(BundleFile(name: BundleLayout.reportText, text: report.text()))
        c.add(BundleFile(name: BundleLayout.explorer, json: snapshot.jsonObject))
        c.add(BundleFile(name: BundleLayout.environment, json: Redactor.environmentJSON(a.input.environment)))
        for f in a.configFiles where f.state != .missing {
            guard let text = try? a.input.fileSystem.readText(f.path, limit: 16 << 20) else { continue }
            c.add(BundleFile(name: BundleLayout.configEntry(forPath: f.path), text: Redactor.redactINI(text).text))
        }
        if let token = a.token?.token {
            c.add(BundleFile(name: BundleLayout.tokenHeader, json: token.header.json))
            c.add(BundleFile(name: BundleLayout.tokenClaims, json: token.payload))
        }
        var seenPolicies = Set<String>()
        // Documents read from IAM are in too (their sources are in the report's iamReads), policies are not secrets.
        let read = report.roleReads.flatMap { [$0.documents.trustPolicy].compactMap { $0 } + $0.documents.identityPolicies }
        for plan in a.plans {
            for doc in [plan.trustPolicy].compactMap({ $0 }) + plan.callerPolicies + read where seenPolicies.insert(doc.name).inserted {
                c.add(BundleFile(name: BundleLayout.policyEntry(doc.name), text: doc.document))
            }
        }
        for (i, outcome) in report.outcomes.enumerated() {
            guard let r = outcome?.call else { continue }
            for attempt in r.attempts {
                c.add(BundleFile(name: BundleLayout.hopEntry(hop: i + 1, attempt: attempt.number),
                                 text: transcript(r, attempt)))
            }
        }
        return c
    }

    /// One attempt as text, through the bundle's own transcript writer (so its redaction applies once more on top
    /// of the masking the STS client did when it recorded the attempt).
    static func transcript(_ r: HopCallResult, _ a: HopAttempt) -> String {
        let request = HTTPRequest(method: a.request.method, url: a.request.url, headers: a.request.headers,
                                  body: Array(a.request.body.utf8))
        let response = a.response.map {
            HTTPResponse(status: $0.status, headers: $0.headers, body: Array($0.body.utf8), timings: a.timings)
        }
        var title = "\(r.action) attempt \(a.number) at \(UTCTime.iso8601(a.startedAt))"
        if a.backoffBefore > 0 { title += ", after a backoff of \(Waterfall.ms(a.backoffBefore))" }
        return Redactor.transcript(request: request, response: response, error: a.transportError, title: title)
    }
}

extension ChainSession {
    /// Every secret this session holds: the raw token (and so its signature), static keys, the base credentials
    /// fetched from a container endpoint or instance metadata (and the tokens sent for them), and the temporary
    /// credentials each hop returned. Handed to output scrubbers.
    public var heldSecrets: [Secret] {
        var out: [Secret] = []
        if let raw = analysis.rawToken {
            out.append(raw)
            if let sig = raw.exposedValue.split(separator: ".").last, sig.count > 8 { out.append(Secret(String(sig))) }
        }
        if case let .accessKey(k) = analysis.chain.base {
            out.append(k.secretAccessKey.value)
            if let t = k.sessionToken { out.append(t.value) }
        }
        out += baseFetch?.secrets ?? []
        for o in runner.outcomes {
            if let c = o?.call?.success?.credentials {
                out.append(c.secretAccessKey)
                out.append(c.sessionToken)
            }
        }
        for (name, value) in analysis.input.environment.variables where Redaction.isSecretName(name) && value.count >= 8
            && !name.hasSuffix("_FILE") {
            out.append(Secret(value))
        }
        return out.filter { !$0.isEmpty }
    }
}
