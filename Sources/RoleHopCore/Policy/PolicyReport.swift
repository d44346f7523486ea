/// Plain-text and JSON renderings of evaluations and trust results, shared by the CLI and the report.
public enum PolicyReport {
    public static func text(_ e: Evaluation) -> String {
        var out = "decision: \(e.decision.rawValue)\nreason: \(e.reason)\n"
        out += "request: \(e.action)"
        if let r = e.resource { out += " on \(r)" }
        if let p = e.principal { out += " by \(p)" }
        out += "\n"
        for s in e.statements { out += statementText(s) }
        return out
    }

    static func mark(_ b: Bool) -> String { b ? "yes" : "no " }

    static func statementText(_ s: StatementExplanation) -> String {
        var out = "\n[\(s.matched ? "match" : "no match")] \(s.role.rawValue) \(s.policyFile) statement \(s.label) (\(s.effect.rawValue))"
        if let p = s.position { out += " at \(p)" }
        out += "\n"
        for check in [s.principal, s.action, s.resource].compactMap({ $0 }) {
            out += "  \(mark(check.matched)) \(check.element): \(check.detail)\n"
        }
        for c in s.conditions {
            out += "  \(mark(c.result)) \(c.operatorName) \(c.key)\n"
            out += "      policy:  \(Text.quotedList(c.policyValues, joiner: "|"))\n"
            if let r = c.resolvedPolicyValues { out += "      resolved: \(Text.quotedList(r, joiner: "|"))\n" }
            out += "      request: \(c.requestValues.map { Text.quotedList($0, joiner: "|") } ?? "(absent)")\n"
            out += "      \(c.note)\n"
            if let n = c.nearMiss { out += "      -> \(n.message)\n" }
        }
        return out
    }

    public static func text(_ t: TrustResult) -> String {
        var out = "decision: \(t.decision.rawValue)\n"
        out += "trust policy: \(t.trustDecision.rawValue) (\(t.evaluation.reason))\n"
        if t.identityRequired {
            out += "identity policies: " + (t.identityDecision.map { $0.rawValue } ?? "required, not checked") + "\n"
        }
        for x in t.extraActions { out += "\(x.action): \(x.decision.rawValue)\n" }
        out += "\nrequest context (\(t.context.action)" + (t.context.principal.map { " by \($0.arn)" } ?? "") + "):\n"
        for (k, v) in t.context.entries { out += "  \(k) = \(Text.quotedList(v, joiner: "|"))\n" }
        if let d = t.decidingStatement {
            out += "\n" + (t.trustDecision == .allowed ? "deciding statement:" : "closest statement:")
            out += statementText(d)
        }
        if !t.suggestions.isEmpty {
            out += "\nsuggestions:\n"
            for s in t.suggestions { out += "  - \(s.message)\n" }
        }
        if !t.findings.isEmpty {
            out += "\nfindings:\n"
            for f in t.findings {
                out += "  [\(f.severity.rawValue)] \(f.id): \(f.title)\n"
                for e in f.evidence { out += "      \(e.label): \(e.value)" + (e.source.map { " (\($0))" } ?? "") + "\n" }
                if !f.fix.isEmpty {
                    out += "      fix:\n" + f.fix.split(separator: "\n", omittingEmptySubsequences: false).map { "        " + $0 }.joined(separator: "\n") + "\n"
                }
            }
        }
        if let p = t.suggestedPolicy {
            out += "\nsuggested trust policy:\n" + p.serialized(pretty: true) + "\n"
        }
        return out
    }

    public static func json(_ t: TrustResult) -> JSONValue {
        var f: [(String, JSONValue)] = [
            ("decision", .string(t.decision.rawValue)), ("action", .string(t.context.action)),
            ("principal", t.context.principal.map { .string($0.arn) } ?? .null),
            ("role", t.context.resource.map { .string($0) } ?? .null),
            ("trustDecision", .string(t.trustDecision.rawValue)), ("identityRequired", .bool(t.identityRequired)),
            ("identityDecision", t.identityDecision.map { .string($0.rawValue) } ?? .null),
            ("extraActions", .array(t.extraActions.map {
                .object([("action", .string($0.action)), ("decision", .string($0.decision.rawValue)), ("reason", .string($0.reason))])
            })),
            ("context", .object(t.context.entries.map { ($0.key, .array($0.values.map { .string($0) })) })),
            ("decidingStatement", t.decidingStatement.map(\.jsonObject) ?? .null),
            ("decidingCondition", t.decidingCondition.map(\.jsonObject) ?? .null),
            ("suggestions", .array(t.suggestions.map(\.jsonObject))),
            ("findings", .array(t.findings.map(\.jsonObject))),
            ("suggestedPolicy", t.suggestedPolicy ?? .null),
            ("evaluation", t.evaluation.jsonObject),
        ]
        if let ie = t.identityEvaluation { f.append(("identityEvaluation", ie.jsonObject)) }
        return .object(f)
    }
}
