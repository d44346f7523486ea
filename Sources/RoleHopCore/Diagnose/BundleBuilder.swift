import FoundationEssentials

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
        for plan in a.plans {
            for doc in [plan.trustPolicy].compactMap({ $0 }) + plan.callerPolicies where seenPolicies.insert(doc.name).inserted {
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

    /// One attempt as text. The STS client already masks what it records; the bundle's redactor runs again.
    static func transcript(_ r: HopCallResult, _ a: HopAttempt) -> String {
        var lines = ["# \(r.action) attempt \(a.number) at \(UTCTime.iso8601(a.startedAt))"]
        lines.append("> \(a.request.method) \(Redactor.redactURL(a.request.url))")
        for (k, v) in Redactor.redactHeaders(a.request.headers) { lines.append("> \(k): \(v)") }
        if !a.request.body.isEmpty { lines.append(">"); lines.append("> " + Redactor.redactFormBody(a.request.body)) }
        lines.append("")
        if let resp = a.response {
            lines.append("< HTTP \(resp.status)")
            for (k, v) in Redactor.redactHeaders(resp.headers) { lines.append("< \(k): \(v)") }
            if !resp.body.isEmpty {
                lines.append("<")
                for l in Redactor.redactXMLBody(resp.body).split(separator: "\n", omittingEmptySubsequences: false) { lines.append("< " + l) }
            }
        }
        if let e = a.transportError { lines.append("! \(e.code): \(e.description)") }
        let t = a.timings
        lines.append("")
        lines.append("timings: " + Waterfall.summary(t) + (a.backoffBefore > 0 ? "  backoff before: \(Waterfall.ms(a.backoffBefore))" : ""))
        return lines.joined(separator: "\n") + "\n"
    }
}

extension ChainSession {
    /// Every secret this session holds: the raw token (and so its signature), static keys, and the temporary
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
