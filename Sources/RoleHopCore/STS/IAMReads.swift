
/// One policy document with where it came from.
public struct PolicyDocumentText: Sendable, Hashable {
    /// The policy's name (inline) or ARN (managed), or the file it was read from.
    public var name: String
    /// The JSON text of the document (URL-decoded).
    public var document: String
    /// `.remote` for IAM reads, `.file` for `--policy-dir` files.
    public var source: Source
    public init(name: String, document: String, source: Source) {
        self.name = name
        self.document = document
        self.source = source
    }
}

/// A role's trust and identity policies, fetched live from IAM or read from `--policy-dir`.
public struct RoleDocuments: Sendable, Hashable {
    public var roleName: String
    public var trustPolicy: PolicyDocumentText?
    public var maxSessionDuration: Int?
    public var identityPolicies: [PolicyDocumentText]
    /// Every IAM call made, in order (empty for offline documents).
    public var calls: [HopCallResult]
    /// What went wrong (AccessDenied on IAM reads is expected inside a pod and explained here).
    public var findings: [Finding]
    /// True when every document could be read.
    public var complete: Bool
    public init(roleName: String) {
        self.roleName = roleName
        identityPolicies = []
        calls = []
        findings = []
        complete = false
    }
}

extension STSClient {
    /// Reads a role's trust policy, MaxSessionDuration, inline and attached identity policies with IAM
    /// (GetRole, ListRolePolicies/GetRolePolicy, ListAttachedRolePolicies/GetPolicy/GetPolicyVersion).
    ///
    /// A denial stops the reads and becomes an `sts.iam-read-denied` finding that explains `--policy-dir`.
    public func fetchRoleDocuments(endpoint: String, region: String = "us-east-1", credentials: AWSCredentials,
                                   roleName: String, hop: Int? = nil) async -> RoleDocuments {
        var docs = RoleDocuments(roleName: roleName)
        let signer = SigV4Signer(credentials: credentials, region: region, service: "iam")
        func iam(_ action: String, _ params: [(String, String)]) async -> XMLElement? {
            let r = await call(endpoint: endpoint, action: action, version: Self.iamVersion, params: params,
                               signer: signer, roleArn: nil)
            docs.calls.append(r)
            if let s = r.success, let result = s.result { return result }
            if let f = r.failure {
                if case let .aws(e, _) = f, e.code == "AccessDenied" || e.code == "AccessDeniedException" {
                    docs.findings.append(Self.iamReadDenied(roleName: roleName, action: action, error: e, hop: hop))
                } else {
                    docs.findings += STSErrorClassifier.findings(for: r, hop: hop)
                }
            }
            return nil
        }

        guard let role = await iam("GetRole", [("RoleName", roleName)]) else { return docs }
        if let encoded = role["Role", "AssumeRolePolicyDocument"]?.trimmedText {
            docs.trustPolicy = PolicyDocumentText(name: roleName + " trust policy", document: Self.urlDecode(encoded),
                                                  source: .remote("IAM GetRole"))
        }
        docs.maxSessionDuration = role["Role", "MaxSessionDuration"].flatMap { Int($0.trimmedText) }

        var names: [String] = []
        var marker: String?
        repeat {
            var p = [("RoleName", roleName)]
            if let marker { p.append(("Marker", marker)) }
            guard let list = await iam("ListRolePolicies", p) else { return docs }
            names += list.child("PolicyNames")?.children("member").map(\.trimmedText) ?? []
            marker = list.child("IsTruncated")?.trimmedText == "true" ? list.child("Marker")?.trimmedText : nil
        } while marker != nil
        for name in names {
            guard let got = await iam("GetRolePolicy", [("RoleName", roleName), ("PolicyName", name)]) else { return docs }
            if let encoded = got.child("PolicyDocument")?.trimmedText {
                docs.identityPolicies.append(PolicyDocumentText(name: name, document: Self.urlDecode(encoded),
                                                                source: .remote("IAM GetRolePolicy")))
            }
        }

        var attached: [String] = []
        marker = nil
        repeat {
            var p = [("RoleName", roleName)]
            if let marker { p.append(("Marker", marker)) }
            guard let list = await iam("ListAttachedRolePolicies", p) else { return docs }
            attached += list.child("AttachedPolicies")?.children("member").compactMap { $0.child("PolicyArn")?.trimmedText } ?? []
            marker = list.child("IsTruncated")?.trimmedText == "true" ? list.child("Marker")?.trimmedText : nil
        } while marker != nil
        for arn in attached {
            guard let policy = await iam("GetPolicy", [("PolicyArn", arn)]),
                  let version = policy["Policy", "DefaultVersionId"]?.trimmedText,
                  let v = await iam("GetPolicyVersion", [("PolicyArn", arn), ("VersionId", version)])
            else { return docs }
            if let encoded = v["PolicyVersion", "Document"]?.trimmedText {
                docs.identityPolicies.append(PolicyDocumentText(name: arn, document: Self.urlDecode(encoded),
                                                                source: .remote("IAM GetPolicyVersion")))
            }
        }
        docs.complete = true
        return docs
    }

    static func iamReadDenied(roleName: String, action: String, error: AWSErrorInfo, hop: Int?) -> Finding {
        Finding(id: "sts.iam-read-denied", severity: .info,
                title: "IAM did not let these credentials read role \(roleName)'s policies",
                evidence: [Evidence("call", "iam:" + action), Evidence("AWS error", error.code + ": " + error.message)]
                    + (error.requestId.map { [Evidence("request id", $0)] } ?? []),
                why: "Workload roles rarely have iam:GetRole or iam:GetRolePolicy, so inside a pod this is normal. "
                    + "Without the documents rolehop cannot explain trust or permission denials in detail.",
                fix: "Export the documents where you have IAM access and pass them with `--policy-dir DIR`: "
                    + "`aws iam get-role --role-name \(roleName) > DIR/\(roleName).trust.json` and, per identity policy, "
                    + "`aws iam get-role-policy --role-name \(roleName) --policy-name NAME --query PolicyDocument "
                    + "> DIR/\(roleName).identity-NAME.json`.",
                docURL: "https://docs.aws.amazon.com/cli/latest/reference/iam/get-role.html", hop: hop)
    }

    /// Percent-decodes an IAM policy document (IAM returns them URL-encoded; `+` is a literal plus).
    public static func urlDecode(_ s: String) -> String {
        var out: [UInt8] = []
        let b = Array(s.utf8)
        out.reserveCapacity(b.count)
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x41...0x46: c - 0x41 + 10
            case 0x61...0x66: c - 0x61 + 10
            default: nil
            }
        }
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let hi = hex(b[i + 1]), let lo = hex(b[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Reads role documents supplied offline with `--policy-dir DIR`: `ROLE-NAME.trust.json` (a trust policy, or
/// the JSON `aws iam get-role` prints) and every `ROLE-NAME.identity*.json` (one identity policy each, or the
/// JSON `aws iam get-role-policy` prints).
public enum PolicyDirectory {
    public static func load(fs: any FileSystem, directory: String, roleName: String) throws(InputError) -> RoleDocuments {
        var docs = RoleDocuments(roleName: roleName)
        let dir = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let trustPath = dir + "/" + roleName + ".trust.json"
        if fs.exists(trustPath) {
            let (text, doc) = try read(fs, trustPath)
            var document = doc.value
            var docPath = "$"
            if let role = doc.value["Role"], let inner = role["AssumeRolePolicyDocument"] {
                docPath = "$.Role.AssumeRolePolicyDocument"
                document = inner
                docs.maxSessionDuration = role["MaxSessionDuration"]?.numberValue.map { Int($0) }
            }
            let rendered: String
            if case let .string(s) = document { rendered = CallIdentityDecoding.decodeIfEncoded(s) } else {
                rendered = docPath == "$" ? text : document.serialized(pretty: true)
            }
            let pos = doc.position(of: docPath) ?? JSONPosition(line: 1, column: 1)
            docs.trustPolicy = PolicyDocumentText(name: roleName + " trust policy", document: rendered,
                                                  source: .file(path: trustPath, line: pos.line, column: pos.column))
        }
        let prefix = roleName + ".identity"
        for name in fs.list(dir).sorted() where name.hasPrefix(prefix) && name.hasSuffix(".json") {
            let path = dir + "/" + name
            let (text, doc) = try read(fs, path)
            var rendered = text
            if let inner = doc.value["PolicyDocument"] {
                if case let .string(s) = inner { rendered = CallIdentityDecoding.decodeIfEncoded(s) } else {
                    rendered = inner.serialized(pretty: true)
                }
            }
            docs.identityPolicies.append(PolicyDocumentText(name: name, document: rendered,
                                                            source: .file(path: path, line: 1, column: 1)))
        }
        docs.complete = docs.trustPolicy != nil
        return docs
    }

    private static func read(_ fs: any FileSystem, _ path: String) throws(InputError) -> (String, JSONDocument) {
        let text: String
        do {
            text = try fs.readText(path, limit: 1 << 20)
        } catch {
            throw InputError(file: path, message: "\(error)")
        }
        do {
            return (text, try JSONParser.parse(text))
        } catch {
            throw InputError(file: path, line: error.position.line, column: error.position.column, message: error.message)
        }
    }
}

enum CallIdentityDecoding {
    /// A policy given as a string is URL-encoded (as IAM's raw API returns it) when it does not start with `{`.
    static func decodeIfEncoded(_ s: String) -> String {
        s.hasPrefix("{") ? s : STSClient.urlDecode(s)
    }
}
