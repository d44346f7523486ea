/// The principal making a request, pre-analysed for `Principal` matching.
public struct RequestPrincipal: Sendable, Hashable {
    public var kind: PrincipalKind
    /// ARN (AWS, Federated), service name (Service) or canonical id.
    public var arn: String
    /// The principal's account, when the ARN names one.
    public var account: String?
    /// For a role or an assumed-role session: the role's name (a role ARN in `Principal` matches its sessions).
    public var roleName: String?
    /// For an assumed-role session: the session name.
    public var sessionName: String?

    public init(kind: PrincipalKind, arn: String) {
        self.kind = kind
        self.arn = arn
        guard let parts = ArnPattern.split(arn) else {
            if kind == .aws, arn.utf8.count == 12, arn.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { account = arn }
            return
        }
        account = parts[4].isEmpty ? nil : String(parts[4])
        let resource = parts[5]
        if parts[2] == "sts", resource.hasPrefix("assumed-role/") {
            let r = resource.split(separator: "/", omittingEmptySubsequences: false)
            if r.count >= 3 {
                roleName = String(r[1])
                sessionName = r[2...].joined(separator: "/")
            }
        } else if parts[2] == "iam", resource.hasPrefix("role/") {
            roleName = resource.split(separator: "/").last.map(String.init)
        }
    }

    public static func aws(_ arn: String) -> RequestPrincipal { RequestPrincipal(kind: .aws, arn: arn) }
    public static func federated(_ arn: String) -> RequestPrincipal { RequestPrincipal(kind: .federated, arn: arn) }
    public static func service(_ name: String) -> RequestPrincipal { RequestPrincipal(kind: .service, arn: name) }

    /// What `aws:PrincipalArn` holds for this principal: a session's role ARN (without its path, which the
    /// session ARN does not carry), otherwise the ARN itself.
    public var principalArnKey: String {
        if let roleName, sessionName != nil, let parts = ArnPattern.split(arn) {
            return "arn:\(parts[1]):iam::\(parts[4]):role/\(roleName)"
        }
        return arn
    }

    /// `aws:PrincipalType`: Account, User, AssumedRole, FederatedUser.
    public var principalType: String? {
        guard kind == .aws, let parts = ArnPattern.split(arn) else { return nil }
        if parts[5] == "root" { return "Account" }
        if parts[5].hasPrefix("user/") { return "User" }
        if parts[5].hasPrefix("assumed-role/") || parts[5].hasPrefix("role/") { return "AssumedRole" }
        if parts[5].hasPrefix("federated-user/") { return "FederatedUser" }
        return nil
    }
}

/// What a request looks like to IAM: who, which action on which resource, and the condition keys.
///
/// Keys are stored lowercased (IAM matches keys case-insensitively); each key has one or more values.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
public struct RequestContext: Sendable {
    public var principal: RequestPrincipal?
    public private(set) var action: String
    let actionLower: String
    public var resource: String?
    private var index: [String: Int] = [:]
    /// Lowercased keys by slot: small contexts are searched linearly (cheaper than hashing long OIDC keys).
    private var lowerKeys: [String] = []
    private(set) var valueLists: [[String]] = []
    /// Keys as first written, in insertion order (for display).
    public private(set) var keyNames: [String] = []

    public init(principal: RequestPrincipal? = nil, action: String, resource: String? = nil) {
        self.principal = principal
        self.action = action
        actionLower = action.lowercased()
        self.resource = resource
    }

    /// Sets a key to one or many values (replacing earlier values of the same key in any case).
    public mutating func set(_ key: String, _ values: [String]) {
        let lower = key.lowercased()
        if let i = index[lower] {
            valueLists[i] = values
        } else {
            index[lower] = valueLists.count
            valueLists.append(values)
            keyNames.append(key)
            lowerKeys.append(lower)
        }
    }

    public mutating func set(_ key: String, _ value: String) { set(key, [value]) }

    /// The values of a key (any case), or nil when the request does not carry it.
    public func values(_ key: String) -> [String]? { values(forLowercased: key.lowercased()) }

    func values(forLowercased key: String) -> [String]? {
        guard let i = index[key] else { return nil }
        return valueLists[i]
    }

    func slot(forLowercased key: String) -> Int {
        if lowerKeys.count <= 16 {
            let n = key.utf8.count
            for (i, k) in lowerKeys.enumerated() where k.utf8.count == n && k == key { return i }
            return -1
        }
        return index[key] ?? -1
    }

    /// All keys with their values, in insertion order.
    public var entries: [(key: String, values: [String])] {
        keyNames.enumerated().map { ($0.element, valueLists[$0.offset]) }
    }

    /// Adds `aws:PrincipalArn`, `aws:PrincipalAccount` and `aws:PrincipalType` for an AWS principal, unless set.
    public mutating func addPrincipalKeys() {
        guard let p = principal, p.kind == .aws else { return }
        if values("aws:PrincipalArn") == nil { set("aws:PrincipalArn", p.principalArnKey) }
        if values("aws:PrincipalAccount") == nil, let a = p.account { set("aws:PrincipalAccount", a) }
        if values("aws:PrincipalType") == nil, let t = p.principalType { set("aws:PrincipalType", t) }
    }

    /// The account that owns the resource, when the resource is an ARN that names one.
    public var resourceAccount: String? {
        guard let r = resource, let parts = ArnPattern.split(r), !parts[4].isEmpty else { return nil }
        return String(parts[4])
    }

    /// Reads a context file: an object mapping keys to a string or an array of strings (numbers and
    /// booleans are taken in their JSON spelling).
    public mutating func load(json: JSONDocument, file: String) throws(InputError) {
        guard case let .object(members) = json.value else {
            throw InputError(file: file, line: 1, column: 1, message: "a context file must be a JSON object of key -> value(s)")
        }
        for (k, v) in members {
            let pos = json.position(of: "$." + k) ?? JSONPosition(line: 1, column: 1)
            func scalar(_ x: JSONValue) throws(InputError) -> String {
                switch x {
                case let .string(s): return s
                case let .bool(b): return b ? "true" : "false"
                case .number: return x.serialized()
                default:
                    throw InputError(file: file, line: pos.line, column: pos.column,
                                     message: "the value of \"\(k)\" must be a string or an array of strings, found \(x.typeName)")
                }
            }
            if case let .array(items) = v {
                var out: [String] = []
                for item in items { out.append(try scalar(item)) }
                set(k, out)
            } else {
                set(k, [try scalar(v)])
            }
        }
    }
}
