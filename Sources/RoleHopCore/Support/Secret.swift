/// A secret (secret access key, session token, a token's signature, a raw token) held in memory.
///
/// Every textual rendering is a mask, so a secret cannot reach the screen, a log, JSON or a bundle by
/// accident; code that truly needs the bytes (the signer, a request body) asks for `exposedValue`.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    private let storage: String
    public init(_ value: String) { storage = value }
    /// The secret itself. Only the signer and request builders should call this.
    public var exposedValue: String { storage }
    public var isEmpty: Bool { storage.isEmpty }
    public var description: String { Redaction.mask }
    public var debugDescription: String { Redaction.mask }
}

/// Masking rules shared by every output path.
public enum Redaction {
    /// What a secret prints as.
    public static let mask = "****"

    /// An access key id shows only its last 4 characters (`****WXYZ`), enough to tell two keys apart.
    public static func maskAccessKeyId(_ id: String) -> String {
        guard id.count > 4 else { return mask }
        return mask + String(id.suffix(4))
    }

    /// Environment variable and setting names whose values are secrets.
    public static func isSecretName(_ name: String) -> Bool {
        let n = name.lowercased()
        if n == "aws_access_key_id" || n == "accesskeyid" { return false }
        let markers = ["secret", "session_token", "sessiontoken", "security_token", "password", "passwd",
                       "authorization", "credential_process_output", "token_code", "tokencode", "private_key"]
        if markers.contains(where: { n.contains($0) }) { return true }
        // AWS_CONTAINER_AUTHORIZATION_TOKEN and similar bearer tokens; token *files* are paths, not secrets.
        if n.hasSuffix("_token") || n == "token" { return true }
        return false
    }

    /// Masks the password in a URL such as `http://user:pass@proxy:3128`.
    public static func maskURLPassword(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        guard let at = rest.firstIndex(of: "@") else { return url }
        let userInfo = rest[rest.startIndex..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<schemeEnd.upperBound]) + userInfo[userInfo.startIndex..<colon] + ":" + mask + rest[at...]
    }
}
