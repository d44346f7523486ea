/// A problem in a policy document, with the JSON path and line:column of the offending value.
public struct PolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// JSON path of the offending value (`$.Statement[0].Condition.StringEqualz`), `$` for the whole document.
    public var path: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, path: String, line: Int, column: Int, message: String) {
        self.file = file
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(message) (at \(path))" }

    /// The same error as unusable input (CLI exit code 2).
    public var inputError: InputError {
        InputError(file: file, line: line, column: column, message: "\(message) (at \(path))")
    }
}

/// `Allow` or `Deny`.
public enum PolicyEffect: String, Sendable, Hashable {
    case allow = "Allow"
    case deny = "Deny"
}

/// The kind of principal a `Principal` entry or a request names.
public enum PrincipalKind: String, Sendable, Hashable, CaseIterable {
    case aws = "AWS"
    case federated = "Federated"
    case service = "Service"
    case canonicalUser = "CanonicalUser"
}

/// One entry of a `Principal` / `NotPrincipal` element, pre-analysed for matching.
public struct PrincipalEntry: Sendable, Hashable {
    public var kind: PrincipalKind
    public var value: String
    /// The account when the entry names a whole account (`arn:aws:iam::ACCOUNT:root` or a bare account id).
    public var wholeAccount: String?
    /// Account and role name when the entry is a role ARN (which matches that role's sessions).
    var roleAccount: String?
    var roleName: String?
    public var isWildcard: Bool { value == "*" }

    init(kind: PrincipalKind, value: String) {
        self.kind = kind
        self.value = value
        guard kind == .aws else { return }
        if value.utf8.count == 12, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            wholeAccount = value
        } else if let parts = ArnPattern.split(value), parts[2] == "iam" {
            if parts[5] == "root" { wholeAccount = String(parts[4]) }
            if parts[5].hasPrefix("role/") {
                roleAccount = String(parts[4])
                roleName = parts[5].split(separator: "/").last.map(String.init)
            }
        }
    }
}

/// A `Principal` or `NotPrincipal` element.
public struct PrincipalElement: Sendable, Hashable {
    /// `"Principal": "*"`.
    public var everyone: Bool
    public var entries: [PrincipalEntry]
}

/// An `Action`/`NotAction` or `Resource`/`NotResource` element: its patterns as written, pre-compiled.
public struct PatternElement: Sendable, Hashable {
    public var values: [String]
    let patterns: [PolicyValue]
}

/// One condition: an operator (with qualifier and IfExists), a key and its policy values.
public struct PolicyCondition: Sendable, Hashable {
    /// The operator exactly as written (`ForAnyValue:StringLikeIfExists`).
    public var operatorName: String
    public var op: ConditionOperator
    public var qualifier: SetQualifier
    public var ifExists: Bool
    /// The key as written (keys match case-insensitively).
    public var key: String
    /// The policy values as strings (numbers and booleans in their JSON spelling).
    public var values: [String]
    public var path: String
    public var position: JSONPosition?
    let keyLower: String
    /// Index of the key in the document's key table (resolved once per evaluation).
    let slot: Int
    let compiled: [PolicyValue]
}

/// A statement of a policy document.
public struct PolicyStatement: Sendable, Hashable {
    public var index: Int
    public var sid: String?
    public var effect: PolicyEffect
    public var principal: PrincipalElement?
    public var notPrincipal: PrincipalElement?
    public var action: PatternElement?
    public var notAction: PatternElement?
    public var resource: PatternElement?
    public var notResource: PatternElement?
    public var conditions: [PolicyCondition]
    public var path: String
    public var position: JSONPosition?
    /// The statement as written, for fixes and display.
    public var json: JSONValue
}

/// A parsed, pre-compiled IAM policy document (identity, resource or trust policy).
///
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
public struct PolicyDocument: Sendable {
    public var file: String
    public var version: String?
    public var id: String?
    public var statements: [PolicyStatement]
    /// The decoded JSON (after URL-decoding when IAM returned it encoded).
    public var json: JSONValue
    /// Whether the input was URL-encoded (`%7B%22Version...`, as `iam get-role` returns it).
    public var wasURLEncoded: Bool
    /// Characters of the document without whitespace, as IAM counts it for `ACLSizePerRole`.
    public var minifiedSize: Int
    /// Lowercased condition keys used by the document; conditions refer to them by index.
    let keyTable: [String]
    /// The statements reduced to what matching needs, for the fast path (no explanation data to copy).
    let fast: FastPolicy
    /// Policy variables are only substituted in version 2012-10-17 documents.
    var substitutesVariables: Bool { version == "2012-10-17" }

    /// Largest document accepted (IAM's own limits are far lower; this only bounds work).
    public static let maxInputBytes = 4 << 20

    /// Parses a policy from text, URL-decoding it first when it looks encoded.
    public static func parse(_ text: String, file: String = "<policy>") throws(PolicyError) -> PolicyDocument {
        var body = text
        var encoded = false
        let trimmed = text.drop(while: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
        if trimmed.hasPrefix("%7B") || trimmed.hasPrefix("%7b") {
            guard let decoded = percentDecode(String(trimmed)) else {
                throw PolicyError(file: file, path: "$", line: 1, column: 1,
                                  message: "the document looks URL-encoded but contains an invalid %-escape")
            }
            body = decoded
            encoded = true
        }
        guard body.utf8.count <= maxInputBytes else {
            throw PolicyError(file: file, path: "$", line: 1, column: 1,
                              message: "the document is larger than \(maxInputBytes) bytes")
        }
        let doc: JSONDocument
        do {
            doc = try JSONParser.parse(body)
        } catch {
            throw PolicyError(file: file, path: "$", line: error.position.line, column: error.position.column,
                              message: (encoded ? "after URL-decoding: " : "") + "invalid JSON: " + error.message)
        }
        var parser = Builder(file: file, positions: doc.positions)
        var result = try parser.document(doc.value)
        result.wasURLEncoded = encoded
        return result
    }

    /// Builds a document from an already parsed value (positions unknown).
    public static func parse(json: JSONValue, file: String = "<policy>") throws(PolicyError) -> PolicyDocument {
        var parser = Builder(file: file, positions: [:])
        return try parser.document(json)
    }

    static func percentDecode(_ s: String) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var it = Array(s.utf8)[...]
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: b - 0x30
            case 0x41...0x46: b - 0x41 + 10
            case 0x61...0x66: b - 0x61 + 10
            default: nil
            }
        }
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%") {
                guard let h = it.popFirst(), let l = it.popFirst(), let hv = hex(h), let lv = hex(l) else { return nil }
                out.append(hv << 4 | lv)
            } else {
                out.append(b)
            }
        }
        return String(validating: out, as: UTF8.self)
    }
}

/// Turns a parsed JSON value into a compiled document, checking the grammar as IAM does.
private struct Builder {
    let file: String
    let positions: [String: JSONPosition]
    var keyIndex: [String: Int] = [:]
    var keys: [String] = []

    init(file: String, positions: [String: JSONPosition]) {
        self.file = file
        self.positions = positions
    }

    func fail(_ path: String, _ message: String) -> PolicyError {
        // An unknown path (a member added later) falls back to its nearest recorded parent.
        var p = path
        while positions[p] == nil, let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) { p = String(p[..<cut]) }
        let pos = positions[p] ?? JSONPosition(line: 1, column: 1)
        return PolicyError(file: file, path: path, line: pos.line, column: pos.column, message: message)
    }

    mutating func document(_ v: JSONValue) throws(PolicyError) -> PolicyDocument {
        guard case let .object(members) = v else { throw fail("$", "a policy must be a JSON object, found \(v.typeName)") }
        var version: String?
        var id: String?
        var statementValue: JSONValue?
        for (k, value) in members {
            switch k {
            case "Version":
                guard let s = value.stringValue else { throw fail("$.Version", "Version must be a string, found \(value.typeName)") }
                guard s == "2012-10-17" || s == "2008-10-17" else {
                    throw fail("$.Version", "Version must be \"2012-10-17\" or \"2008-10-17\", found \"\(s)\"")
                }
                version = s
            case "Id":
                guard let s = value.stringValue else { throw fail("$.Id", "Id must be a string, found \(value.typeName)") }
                id = s
            case "Statement": statementValue = value
            default:
                throw fail("$." + k, "unknown policy element \"\(k)\" (expected Version, Id, Statement)")
            }
        }
        guard let statementValue else { throw fail("$", "the policy has no Statement") }
        var statements: [PolicyStatement] = []
        switch statementValue {
        case .object:
            statements.append(try statement(statementValue, index: 0, path: "$.Statement", version: version))
        case let .array(items):
            for (i, item) in items.enumerated() {
                statements.append(try statement(item, index: i, path: "$.Statement[\(i)]", version: version))
            }
        default:
            throw fail("$.Statement", "Statement must be an object or an array of objects, found \(statementValue.typeName)")
        }
        return PolicyDocument(file: file, version: version, id: id, statements: statements, json: v,
                              wasURLEncoded: false, minifiedSize: v.serialized().count, keyTable: keys,
                              fast: FastPolicy(statements, keyTable: keys))
    }

    mutating func statement(_ v: JSONValue, index: Int, path: String, version: String?) throws(PolicyError) -> PolicyStatement {
        guard case let .object(members) = v else { throw fail(path, "a statement must be an object, found \(v.typeName)") }
        var sid: String?
        var effect: PolicyEffect?
        var principal: PrincipalElement?
        var notPrincipal: PrincipalElement?
        var action: PatternElement?
        var notAction: PatternElement?
        var resource: PatternElement?
        var notResource: PatternElement?
        var conditions: [PolicyCondition] = []
        var seen: Set<String> = []
        for (k, value) in members {
            let p = path + "." + k
            guard seen.insert(k).inserted else { throw fail(p, "\(k) appears twice in one statement") }
            switch k {
            case "Sid":
                guard let s = value.stringValue else { throw fail(p, "Sid must be a string, found \(value.typeName)") }
                sid = s
            case "Effect":
                guard let s = value.stringValue else { throw fail(p, "Effect must be a string, found \(value.typeName)") }
                guard let e = PolicyEffect(rawValue: s) else { throw fail(p, "Effect must be \"Allow\" or \"Deny\", found \"\(s)\"") }
                effect = e
            case "Principal": principal = try principalElement(value, path: p)
            case "NotPrincipal": notPrincipal = try principalElement(value, path: p)
            case "Action": action = try actionElement(value, path: p)
            case "NotAction": notAction = try actionElement(value, path: p)
            case "Resource": resource = try resourceElement(value, path: p, version: version)
            case "NotResource": notResource = try resourceElement(value, path: p, version: version)
            case "Condition": conditions = try conditionBlock(value, path: p, version: version)
            default:
                throw fail(p, "unknown statement element \"\(k)\" (expected Sid, Effect, Principal, NotPrincipal, "
                    + "Action, NotAction, Resource, NotResource, Condition)")
            }
        }
        guard let effect else { throw fail(path, "the statement has no Effect") }
        if principal != nil, notPrincipal != nil { throw fail(path, "a statement cannot have both Principal and NotPrincipal") }
        if action != nil, notAction != nil { throw fail(path, "a statement cannot have both Action and NotAction") }
        if action == nil, notAction == nil { throw fail(path, "the statement has no Action or NotAction") }
        if resource != nil, notResource != nil { throw fail(path, "a statement cannot have both Resource and NotResource") }
        return PolicyStatement(index: index, sid: sid, effect: effect, principal: principal, notPrincipal: notPrincipal,
                               action: action, notAction: notAction, resource: resource, notResource: notResource,
                               conditions: conditions, path: path, position: positions[path], json: v)
    }

    func strings(_ v: JSONValue, path: String, what: String) throws(PolicyError) -> [String] {
        switch v {
        case let .string(s): return [s]
        case let .array(items):
            var out: [String] = []
            for (i, item) in items.enumerated() {
                guard let s = item.stringValue else {
                    throw fail(path + "[\(i)]", "\(what) entries must be strings, found \(item.typeName)")
                }
                out.append(s)
            }
            if out.isEmpty { throw fail(path, "\(what) must not be an empty array") }
            return out
        default: throw fail(path, "\(what) must be a string or an array of strings, found \(v.typeName)")
        }
    }

    func principalElement(_ v: JSONValue, path: String) throws(PolicyError) -> PrincipalElement {
        if case let .string(s) = v {
            guard s == "*" else {
                throw fail(path, "a principal given as a string must be \"*\"; write {\"AWS\": \"\(s)\"} to name an AWS principal")
            }
            return PrincipalElement(everyone: true, entries: [])
        }
        guard case let .object(members) = v else { throw fail(path, "Principal must be \"*\" or an object, found \(v.typeName)") }
        var entries: [PrincipalEntry] = []
        for (k, value) in members {
            guard let kind = PrincipalKind(rawValue: k) else {
                throw fail(path + "." + k, "unknown principal type \"\(k)\" (expected AWS, Federated, Service, CanonicalUser)")
            }
            for s in try strings(value, path: path + "." + k, what: "Principal \(k)") {
                if kind == .aws, s != "*", s.contains("*") || s.contains("?") {
                    throw fail(path + "." + k, "wildcards are not allowed in a principal ARN (\"\(s)\"); use \"*\" with an "
                        + "aws:PrincipalArn condition instead")
                }
                entries.append(PrincipalEntry(kind: kind, value: s))
            }
        }
        if entries.isEmpty { throw fail(path, "Principal must name at least one principal") }
        return PrincipalElement(everyone: false, entries: entries)
    }

    func actionElement(_ v: JSONValue, path: String) throws(PolicyError) -> PatternElement {
        let values = try strings(v, path: path, what: "Action")
        var patterns: [PolicyValue] = []
        for (i, a) in values.enumerated() {
            if a != "*" {
                let parts = a.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw fail(values.count > 1 || v.arrayValue != nil ? path + "[\(i)]" : path,
                               "an action must look like service:Action (for example sts:AssumeRole), found \"\(a)\"")
                }
            }
            // Actions match case-insensitively: the pattern is lowercased once here, the request's action once per request.
            patterns.append(.pattern(WildcardPattern(a.lowercased())))
        }
        return PatternElement(values: values, patterns: patterns)
    }

    mutating func resourceElement(_ v: JSONValue, path: String, version: String?) throws(PolicyError) -> PatternElement {
        let values = try strings(v, path: path, what: "Resource")
        var patterns: [PolicyValue] = []
        for (i, r) in values.enumerated() {
            if r != "*", ArnPattern.split(r) == nil {
                throw fail(values.count > 1 || v.arrayValue != nil ? path + "[\(i)]" : path,
                           "a resource must be \"*\" or an ARN (arn:partition:service:region:account:resource), found \"\(r)\"")
            }
            patterns.append(compileLike(r, allowVariables: version == "2012-10-17", foldCase: false))
        }
        return PatternElement(values: values, patterns: patterns)
    }

    mutating func conditionBlock(_ v: JSONValue, path: String, version: String?) throws(PolicyError) -> [PolicyCondition] {
        guard case let .object(ops) = v else { throw fail(path, "Condition must be an object, found \(v.typeName)") }
        var out: [PolicyCondition] = []
        for (opName, body) in ops {
            let p = path + "." + opName
            let (op, qualifier, ifExists) = try parseOperator(opName, path: p)
            guard case let .object(keysAndValues) = body else {
                throw fail(p, "the body of \(opName) must be an object of condition keys, found \(body.typeName)")
            }
            if keysAndValues.isEmpty { throw fail(p, "\(opName) names no condition key") }
            for (key, raw) in keysAndValues {
                let kp = p + "." + key
                let values = try conditionValues(raw, path: kp)
                let compiled = try compile(op, values, path: kp, variables: version == "2012-10-17")
                let lower = key.lowercased()
                let slot = slotFor(lower)
                out.append(PolicyCondition(operatorName: opName, op: op, qualifier: qualifier, ifExists: ifExists, key: key,
                                           values: values, path: kp, position: positions[kp], keyLower: lower, slot: slot,
                                           compiled: compiled))
            }
        }
        return out
    }

    mutating func slotFor(_ key: String) -> Int {
        if let i = keyIndex[key] { return i }
        keys.append(key)
        keyIndex[key] = keys.count - 1
        return keys.count - 1
    }

    func parseOperator(_ name: String, path: String) throws(PolicyError) -> (ConditionOperator, SetQualifier, Bool) {
        var rest = Substring(name)
        var qualifier = SetQualifier.none
        if let colon = rest.firstIndex(of: ":") {
            let q = rest[..<colon].lowercased()
            if q == "forallvalues" { qualifier = .forAllValues } else if q == "foranyvalue" { qualifier = .forAnyValue } else {
                throw fail(path, "unknown condition set qualifier \"\(rest[..<colon])\" in \"\(name)\" (expected ForAllValues or ForAnyValue)")
            }
            rest = rest[rest.index(after: colon)...]
        }
        var ifExists = false
        var lower = rest.lowercased()
        if lower.hasSuffix("ifexists") {
            ifExists = true
            lower.removeLast(8)
        }
        guard let op = ConditionOperator.byLowercasedName[lower] else {
            let guess = ConditionOperator.allCases.min { Text.editDistance($0.rawValue.lowercased(), lower) < Text.editDistance($1.rawValue.lowercased(), lower) }
            var msg = "unknown condition operator \"\(name)\""
            if let guess, Text.editDistance(guess.rawValue.lowercased(), lower) <= 3 { msg += " (did you mean \(guess.rawValue)?)" }
            throw fail(path, msg)
        }
        if op == .null, ifExists { throw fail(path, "Null cannot take the IfExists suffix") }
        return (op, qualifier, ifExists)
    }

    func conditionValues(_ v: JSONValue, path: String) throws(PolicyError) -> [String] {
        func scalar(_ x: JSONValue, _ p: String) throws(PolicyError) -> String {
            switch x {
            case let .string(s): return s
            case let .bool(b): return b ? "true" : "false"
            case .number: return x.serialized()
            default: throw fail(p, "a condition value must be a string, number or boolean, found \(x.typeName)")
            }
        }
        if case let .array(items) = v {
            var out: [String] = []
            for (i, item) in items.enumerated() { out.append(try scalar(item, path + "[\(i)]")) }
            return out
        }
        return [try scalar(v, path)]
    }

    mutating func compile(_ op: ConditionOperator, _ values: [String], path: String, variables: Bool) throws(PolicyError) -> [PolicyValue] {
        var out: [PolicyValue] = []
        out.reserveCapacity(values.count)
        for (i, s) in values.enumerated() {
            let vp = values.count > 1 ? path + "[\(i)]" : path
            switch op {
            case .stringEquals, .stringNotEquals:
                out.append(compileExact(s, allowVariables: variables, foldCase: false))
            case .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase:
                out.append(compileExact(s, allowVariables: variables, foldCase: true))
            case .stringLike, .stringNotLike:
                out.append(compileLike(s, allowVariables: variables, foldCase: false))
            case .arnEquals, .arnLike, .arnNotEquals, .arnNotLike:
                if variables, s.contains("${") {
                    out.append(.arnTemplate(template(s)))
                } else if let a = ArnPattern(s) {
                    out.append(.arn(a))
                } else if s == "*" {
                    out.append(.pattern(WildcardPattern("*")))
                } else {
                    throw fail(vp, "\(op.rawValue) expects an ARN (six colon-separated parts), found \"\(s)\"")
                }
            case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan,
                 .numericGreaterThanEquals:
                guard let d = Double(s) else { throw fail(vp, "\(op.rawValue) expects a number, found \"\(s)\"") }
                out.append(.number(d))
            case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
                guard let d = PolicyValue.parseDate(s) else {
                    throw fail(vp, "\(op.rawValue) expects an ISO 8601 date (2026-11-29T12:00:00Z) or epoch seconds, found \"\(s)\"")
                }
                out.append(.date(d))
            case .bool, .null:
                switch s.lowercased() {
                case "true": out.append(.bool(true))
                case "false": out.append(.bool(false))
                default: throw fail(vp, "\(op.rawValue) expects true or false, found \"\(s)\"")
                }
            case .binaryEquals:
                guard let bytes = Base64.decode(s) else { throw fail(vp, "BinaryEquals expects a base64 value, found \"\(s)\"") }
                out.append(.binary(bytes))
            case .ipAddress, .notIpAddress:
                guard let c = CIDRBlock(s) else { throw fail(vp, "\(op.rawValue) expects an IPv4 or IPv6 address or CIDR block, found \"\(s)\"") }
                out.append(.cidr(c))
            }
        }
        return out
    }

    func compileExact(_ s: String, allowVariables: Bool, foldCase: Bool) -> PolicyValue {
        if allowVariables, s.contains("${") { return .template(template(s), foldCase: foldCase) }
        return foldCase ? .folded(s.lowercased()) : .exact(s)
    }

    func compileLike(_ s: String, allowVariables: Bool, foldCase: Bool) -> PolicyValue {
        if allowVariables, s.contains("${") { return .likeTemplate(template(s), foldCase: foldCase) }
        return .pattern(WildcardPattern(s, foldCase: foldCase))
    }

    func template(_ s: String) -> PolicyTemplate { PolicyTemplate.parse(s) }
}

/// Minimal base64 (standard alphabet, padding optional) for BinaryEquals.
enum Base64 {
    static func decode(_ s: String) -> [UInt8]? {
        var out: [UInt8] = []
        var acc: UInt32 = 0
        var bits = 0
        for c in s.utf8 {
            let v: UInt32
            switch c {
            case 0x41...0x5A: v = UInt32(c - 0x41)
            case 0x61...0x7A: v = UInt32(c - 0x61 + 26)
            case 0x30...0x39: v = UInt32(c - 0x30 + 52)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): v = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): v = 63
            case UInt8(ascii: "="): continue
            default: return nil
            }
            acc = acc << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((acc >> UInt32(bits)) & 0xFF))
            }
        }
        return out
    }
}

/// A condition reduced to what evaluation needs: plain integers into the policy's flat value table, so the
/// fast path walks it without reference counting.
struct FastCondition: Sendable {
    let slot: Int
    let op: ConditionOperator
    let qualifier: SetQualifier
    let ifExists: Bool
    let valueStart: Int
    let valueEnd: Int
    /// Index of this condition's result in the per-evaluation memo: statements often repeat a condition
    /// (the same `:aud` check in every statement), which is then evaluated once per request.
    let memo: Int
}

/// Principal entries grouped by kind, for matching without per-entry parsing.
struct FastPrincipal: Sendable, Hashable {
    let everyone: Bool
    let aws: [PrincipalEntry]
    let federated: [String]
    /// Lowercased service names.
    let services: [String]
    let canonical: [String]

    init(_ e: PrincipalElement) {
        everyone = e.everyone || e.entries.contains { $0.kind == .aws && $0.isWildcard }
        aws = e.entries.filter { $0.kind == .aws }
        federated = e.entries.filter { $0.kind == .federated }.map(\.value)
        services = e.entries.filter { $0.kind == .service }.map { $0.value.lowercased() }
        canonical = e.entries.filter { $0.kind == .canonicalUser }.map(\.value)
    }
}

/// A statement reduced to plain integers and flags; principal, action and resource patterns live in side tables.
struct FastStatement: Sendable {
    let index: Int
    let deny: Bool
    /// Memo index of the principal element's result (equal elements share one).
    let principalMemo: Int
    let actionMemo: Int
    let hasResources: Bool
    let conditionStart: Int
    let conditionEnd: Int
}

/// The fast-path form of a document. A class, so that evaluation borrows one reference instead of copying tables.
final class FastPolicy: Sendable {
    /// Lowercased condition keys used by the document; conditions refer to them by index.
    let keyTable: [String]
    let statements: [FastStatement]
    let conditions: [FastCondition]
    let values: [PolicyValue]
    let principals: [FastPrincipal?]
    let notPrincipals: [FastPrincipal?]
    let actions: [[PolicyValue]]
    let actionsNegated: [Bool]
    let resources: [[PolicyValue]?]
    let resourcesNegated: [Bool]
    let memoSize: Int

    private struct PrincipalKey: Hashable { let principal: PrincipalElement?; let notPrincipal: PrincipalElement? }
    private struct ActionKey: Hashable { let patterns: [PolicyValue]; let negated: Bool }
    private struct ConditionKey: Hashable {
        let slot: Int, op: ConditionOperator, qualifier: SetQualifier, ifExists: Bool, values: [PolicyValue]
    }

    /// Compiles statements, numbering equal principal elements, action lists and conditions so that each
    /// distinct one is evaluated at most once per request.
    init(_ statements: [PolicyStatement], keyTable: [String]) {
        self.keyTable = keyTable
        var memo = 0
        var principalIDs: [PrincipalKey: Int] = [:]
        var actionIDs: [ActionKey: Int] = [:]
        var conditionIDs: [ConditionKey: Int] = [:]
        func id<K: Hashable>(_ key: K, _ table: inout [K: Int]) -> Int {
            if let i = table[key] { return i }
            table[key] = memo
            memo += 1
            return memo - 1
        }
        var fs: [FastStatement] = []
        var fc: [FastCondition] = []
        var values: [PolicyValue] = []
        for (i, st) in statements.enumerated() {
            let p = id(PrincipalKey(principal: st.principal, notPrincipal: st.notPrincipal), &principalIDs)
            let a = id(ActionKey(patterns: st.action?.patterns ?? st.notAction?.patterns ?? [], negated: st.action == nil), &actionIDs)
            let cStart = fc.count
            for c in st.conditions {
                let vStart = values.count
                values += c.compiled
                fc.append(FastCondition(slot: c.slot, op: c.op, qualifier: c.qualifier, ifExists: c.ifExists,
                                        valueStart: vStart, valueEnd: values.count,
                                        memo: id(ConditionKey(slot: c.slot, op: c.op, qualifier: c.qualifier, ifExists: c.ifExists,
                                                              values: c.compiled), &conditionIDs)))
            }
            fs.append(FastStatement(index: i, deny: st.effect == .deny, principalMemo: p, actionMemo: a,
                                    hasResources: st.resource != nil || st.notResource != nil,
                                    conditionStart: cStart, conditionEnd: fc.count))
        }
        self.statements = fs
        conditions = fc
        self.values = values
        principals = statements.map { $0.principal.map(FastPrincipal.init) }
        notPrincipals = statements.map { $0.notPrincipal.map(FastPrincipal.init) }
        actions = statements.map { $0.action?.patterns ?? $0.notAction?.patterns ?? [] }
        actionsNegated = statements.map { $0.action == nil }
        resources = statements.map { $0.resource?.patterns ?? $0.notResource?.patterns }
        resourcesNegated = statements.map { $0.resource == nil && $0.notResource != nil }
        memoSize = memo
    }
}
