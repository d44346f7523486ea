/// The base condition operators of IAM (without `...IfExists` and set qualifiers).
///
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
public enum ConditionOperator: String, Sendable, Hashable, CaseIterable {
    case stringEquals = "StringEquals"
    case stringNotEquals = "StringNotEquals"
    case stringEqualsIgnoreCase = "StringEqualsIgnoreCase"
    case stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
    case stringLike = "StringLike"
    case stringNotLike = "StringNotLike"
    case numericEquals = "NumericEquals"
    case numericNotEquals = "NumericNotEquals"
    case numericLessThan = "NumericLessThan"
    case numericLessThanEquals = "NumericLessThanEquals"
    case numericGreaterThan = "NumericGreaterThan"
    case numericGreaterThanEquals = "NumericGreaterThanEquals"
    case dateEquals = "DateEquals"
    case dateNotEquals = "DateNotEquals"
    case dateLessThan = "DateLessThan"
    case dateLessThanEquals = "DateLessThanEquals"
    case dateGreaterThan = "DateGreaterThan"
    case dateGreaterThanEquals = "DateGreaterThanEquals"
    case bool = "Bool"
    case binaryEquals = "BinaryEquals"
    case ipAddress = "IpAddress"
    case notIpAddress = "NotIpAddress"
    case arnEquals = "ArnEquals"
    case arnLike = "ArnLike"
    case arnNotEquals = "ArnNotEquals"
    case arnNotLike = "ArnNotLike"
    case null = "Null"

    /// Negated operators match when no policy value matches (NOR), and are true when the key is absent.
    public var isNegated: Bool {
        switch self {
        case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals,
             .notIpAddress, .arnNotEquals, .arnNotLike: true
        default: false
        }
    }

    /// Operators whose values may contain policy variables (`${aws:username}`).
    var allowsVariables: Bool {
        switch self {
        case .stringEquals, .stringNotEquals, .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase, .stringLike,
             .stringNotLike, .arnEquals, .arnLike, .arnNotEquals, .arnNotLike: true
        default: false
        }
    }

    /// The operators of the StringEquals family, under which `*` and `?` are literal characters.
    public var treatsWildcardsLiterally: Bool {
        switch self {
        case .stringEquals, .stringNotEquals, .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase: true
        default: false
        }
    }

    /// The wildcard-aware operator with the same sense (StringEquals -> StringLike), when there is one.
    public var likeCounterpart: ConditionOperator? {
        switch self {
        case .stringEquals, .stringEqualsIgnoreCase: .stringLike
        case .stringNotEquals, .stringNotEqualsIgnoreCase: .stringNotLike
        default: nil
        }
    }

    /// Looks up an operator name case-insensitively (IAM accepts `stringequals`).
    static let byLowercasedName: [String: ConditionOperator] = {
        var d: [String: ConditionOperator] = [:]
        for op in ConditionOperator.allCases { d[op.rawValue.lowercased()] = op }
        return d
    }()
}

/// `ForAllValues:` / `ForAnyValue:` prefix of a condition operator, for multi-valued keys.
public enum SetQualifier: String, Sendable, Hashable {
    case none = ""
    case forAllValues = "ForAllValues"
    case forAnyValue = "ForAnyValue"
}
