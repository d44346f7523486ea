/// A compiled condition, Action or Resource value, ready for matching without re-parsing.
enum PolicyValue: Sendable, Hashable {
    case exact(String)
    /// Lowercased, for the IgnoreCase operators.
    case folded(String)
    case pattern(WildcardPattern)
    case template(PolicyTemplate, foldCase: Bool)
    case likeTemplate(PolicyTemplate, foldCase: Bool)
    case arn(ArnPattern)
    case arnTemplate(PolicyTemplate)
    case number(Double)
    /// Seconds since 1970.
    case date(Double)
    case bool(Bool)
    case binary([UInt8])
    case cidr(CIDRBlock)

    /// Dates in conditions: ISO 8601 (with or without time) or epoch seconds.
    static func parseDate(_ s: String) -> Double? {
        if let d = UTCTime.parseISO8601(s) { return d.timeIntervalSince1970 }
        if !s.isEmpty, s.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }),
           let d = Double(s) { return d }
        return nil
    }
}

/// A policy value with variables (`arn:aws:s3:::bucket/${aws:username}/*`), resolved against each request.
///
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
struct PolicyTemplate: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        case literal(String)
        /// `${key}` or `${key, 'default'}`; `key` is lowercased.
        case variable(key: String, defaultValue: String?)
        /// `${*}`, `${?}`, `${$}`: the character itself, never a wildcard.
        case special(UInt8)
    }

    let parts: [Part]

    static func parse(_ s: String) -> PolicyTemplate {
        var parts: [Part] = []
        var rest = Substring(s)
        while let open = rest.firstRange(of: "${") {
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { break }
            if open.lowerBound > rest.startIndex { parts.append(.literal(String(rest[..<open.lowerBound]))) }
            let inner = rest[open.upperBound..<close]
            switch inner {
            case "*": parts.append(.special(UInt8(ascii: "*")))
            case "?": parts.append(.special(UInt8(ascii: "?")))
            case "$": parts.append(.special(UInt8(ascii: "$")))
            default:
                if let comma = inner.firstIndex(of: ",") {
                    let key = inner[..<comma].trimmingSpaces.lowercased()
                    var d = inner[inner.index(after: comma)...].trimmingSpaces
                    if d.count >= 2, d.hasPrefix("'"), d.hasSuffix("'") { d = d.dropFirst().dropLast() }
                    parts.append(.variable(key: key, defaultValue: String(d)))
                } else {
                    parts.append(.variable(key: inner.trimmingSpaces.lowercased(), defaultValue: nil))
                }
            }
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        return PolicyTemplate(parts: parts)
    }

    /// The value with variables replaced, or nil when a variable has no value and no default (such a
    /// policy value matches nothing).
    func resolve(_ context: RequestContext) -> String? {
        var out = ""
        for p in parts {
            switch p {
            case let .literal(s): out += s
            case let .special(b): out.unicodeScalars.append(Unicode.Scalar(b))
            case let .variable(key, d):
                // Only single-valued keys can be variables.
                if let v = context.values(forLowercased: key), v.count == 1 { out += v[0] } else if let d { out += d } else { return nil }
            }
        }
        return out
    }

    /// A wildcard pattern where only the literal parts carry wildcards; substituted text is literal.
    func resolvePattern(_ context: RequestContext, foldCase: Bool) -> WildcardPattern? {
        var tokens: [UInt16] = []
        func literal(_ s: String) {
            for b in s.utf8 { tokens.append(UInt16(foldCase ? WildcardPattern.lower(b) : b)) }
        }
        for p in parts {
            switch p {
            case let .literal(s): tokens += WildcardPattern(s, foldCase: foldCase).tokens
            case let .special(b): tokens.append(UInt16(b))
            case let .variable(key, d):
                if let v = context.values(forLowercased: key), v.count == 1 { literal(v[0]) } else if let d { literal(d) } else { return nil }
            }
        }
        return WildcardPattern(tokens: tokens, foldCase: foldCase)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}

/// Small text helpers for explanations.
enum Text {
    /// Levenshtein distance over Unicode scalars (inputs are short: condition values, operator names).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var prev = Array(0...y.count)
        var cur = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            cur[0] = i
            for j in 1...y.count {
                cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[y.count]
    }

    /// Quotes a list for messages: `"a"`, `"a" or "b"`.
    static func quotedList(_ items: [String], joiner: String = "or") -> String {
        let q = items.map { "\"\($0)\"" }
        if q.count <= 1 { return q.first ?? "" }
        return q.dropLast().joined(separator: ", ") + " \(joiner) " + (q.last ?? "")
    }
}
