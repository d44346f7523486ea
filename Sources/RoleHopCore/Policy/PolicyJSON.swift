/// JSON forms of evaluations, for `--output json`, the report and the bundle.
extension NearMiss {
    public var jsonObject: JSONValue {
        var f: [(String, JSONValue)] = [("message", .string(message))]
        if let v = closestPolicyValue { f.append(("closestPolicyValue", .string(v))) }
        if let v = requestValue { f.append(("requestValue", .string(v))) }
        if let v = suggestedOperator { f.append(("suggestedOperator", .string(v))) }
        if let v = suggestedValue { f.append(("suggestedValue", .string(v))) }
        if let v = suggestedKey { f.append(("suggestedKey", .string(v))) }
        return .object(f)
    }
}

extension ConditionExplanation {
    public var jsonObject: JSONValue {
        var f: [(String, JSONValue)] = [
            ("key", .string(key)), ("operator", .string(operatorName)),
            ("policyValues", .array(policyValues.map { .string($0) })),
        ]
        if let r = resolvedPolicyValues { f.append(("resolvedPolicyValues", .array(r.map { .string($0) }))) }
        f.append(("requestValues", requestValues.map { .array($0.map { .string($0) }) } ?? .null))
        f.append(("result", .bool(result)))
        f.append(("note", .string(note)))
        if let n = nearMiss { f.append(("nearMiss", n.jsonObject)) }
        f.append(("path", .string(path)))
        if let p = position { f.append(("line", .number(Double(p.line)))); f.append(("column", .number(Double(p.column)))) }
        return .object(f)
    }
}

extension ElementCheck {
    public var jsonObject: JSONValue {
        .object([("element", .string(element)), ("matched", .bool(matched)), ("detail", .string(detail))])
    }
}

extension StatementExplanation {
    public var jsonObject: JSONValue {
        var f: [(String, JSONValue)] = [
            ("policy", .string(policyFile)), ("role", .string(role.rawValue)), ("index", .number(Double(index))),
            ("sid", sid.map { .string($0) } ?? .null), ("effect", .string(effect.rawValue)), ("matched", .bool(matched)),
        ]
        if delegated { f.append(("delegated", .bool(true))) }
        if let p = principal { f.append(("principal", p.jsonObject)) }
        f.append(("action", action.jsonObject))
        if let r = resource { f.append(("resource", r.jsonObject)) }
        f.append(("conditions", .array(conditions.map(\.jsonObject))))
        f.append(("path", .string(path)))
        if let p = position { f.append(("line", .number(Double(p.line)))); f.append(("column", .number(Double(p.column)))) }
        return .object(f)
    }
}

extension Evaluation {
    public var jsonObject: JSONValue {
        var f: [(String, JSONValue)] = [
            ("decision", .string(decision.rawValue)), ("reason", .string(reason)), ("action", .string(action)),
            ("resource", resource.map { .string($0) } ?? .null), ("principal", principal.map { .string($0) } ?? .null),
            ("crossAccount", .bool(crossAccount)), ("identityAllows", .bool(identityAllows)),
        ]
        f.append(("resourceAllows", resourceAllows.map { .bool($0) } ?? .null))
        f.append(("statements", .array(statements.map(\.jsonObject))))
        return .object(f)
    }
}
