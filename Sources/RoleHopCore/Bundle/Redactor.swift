/// Redaction rules for everything that goes into a bundle: ini files, the environment, HTTP transcripts, and a
/// last-resort scrubber that removes every known secret value wherever it still appears.
///
/// Each rule keeps the shape of its input (line numbers of ini files, parameter names of form bodies, header
/// names, JSON keys) so the bundle still explains what the pod saw; only values change.
public enum Redactor {
    static let mask = Redaction.mask

    // MARK: What a secret looks like

    /// Whether a value has the shape of a secret: a 40-character mixed-case base64 secret access key, a long
    /// base64 session token, or a JWT. Used where the name alone does not tell (unknown ini keys, environment values).
    public static func looksLikeSecret(_ value: String) -> Bool {
        let v = value.utf8
        // Secret keys are mixed-case base64; a 40-digit lowercase hex string (a SHA-1 thumbprint) is not one.
        if v.count == 40, v.allSatisfy(isBase64Byte), v.contains(where: { $0 >= 0x41 && $0 <= 0x5A }),
           v.contains(where: { $0 >= 0x61 && $0 <= 0x7A })
        {
            return true
        }
        if v.count >= 64, v.allSatisfy({ isBase64Byte($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }) {
            return true
        }
        return looksLikeJWT(value)
    }

    static func looksLikeJWT(_ value: String) -> Bool {
        value.hasPrefix("eyJ") && value.utf8.filter { $0 == UInt8(ascii: ".") }.count == 2
            && value.utf8.allSatisfy { isBase64URLByte($0) || $0 == UInt8(ascii: ".") }
    }

    @inline(__always) static func isBase64Byte(_ b: UInt8) -> Bool {
        isAlnum(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: "/") || b == UInt8(ascii: "=")
    }

    @inline(__always) static func isBase64URLByte(_ b: UInt8) -> Bool {
        isAlnum(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: "=")
    }

    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    @inline(__always) static func isUpperAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A)
    }

    /// Names whose values are paths, ARNs or other public identifiers even when `Redaction.isSecretName` would
    /// match a word in them (`AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` is where the token is, not the token).
    static func isPublicValueName(_ lowercasedName: String) -> Bool {
        lowercasedName.hasSuffix("_file") || lowercasedName.hasSuffix("_path") || lowercasedName.hasSuffix("_arn")
            || lowercasedName.hasSuffix("_dir") || lowercasedName == "role_session_name"
            || lowercasedName == "aws_role_session_name"
    }

    // MARK: Access key ids

    /// Replaces every AWS access key id (`AKIA…`, `ASIA…`) in `text` by `****` and its last 4 characters.
    public static func maskAccessKeyIds(in text: String) -> String {
        let bytes = Array(text.utf8)
        let masked = maskAccessKeyIds(bytes)
        return masked == bytes ? text : String(decoding: masked, as: UTF8.self)
    }

    static func maskAccessKeyIds(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        var copiedUpTo = 0
        let n = bytes.count
        while i + 16 <= n {
            let b = bytes[i]
            guard b == UInt8(ascii: "A") else { i += 1; continue }
            let isKey = (bytes[i + 1] == UInt8(ascii: "K") || bytes[i + 1] == UInt8(ascii: "S"))
                && bytes[i + 2] == UInt8(ascii: "I") && bytes[i + 3] == UInt8(ascii: "A")
            if !isKey || (i > 0 && isAlnum(bytes[i - 1])) { i += 1; continue }
            var end = i + 4
            while end < n, isUpperAlnum(bytes[end]) { end += 1 }
            let length = end - i
            // Real ids are 20 characters; accept 16 to 128 so odd test ids are masked too.
            guard length >= 16, length <= 128, end == n || !isAlnum(bytes[end]) else { i = end; continue }
            if out.isEmpty { out.reserveCapacity(n) }
            out.append(contentsOf: bytes[copiedUpTo..<i])
            out.append(contentsOf: Array(mask.utf8))
            out.append(contentsOf: bytes[(end - 4)..<end])
            copiedUpTo = end
            i = end
        }
        if copiedUpTo == 0 { return bytes }
        out.append(contentsOf: bytes[copiedUpTo...])
        return out
    }

    // MARK: URLs

    /// Masks the password of a URL's user info (`http://user:****@proxy:3128`), also without a scheme
    /// (`user:pass@proxy:3128`, which curl accepts) and when the password itself holds an `@`.
    public static func maskURLCredentials(_ url: String) -> String {
        let authorityStart: String.Index
        if let scheme = url.firstRange(of: "://") { authorityStart = scheme.upperBound } else { authorityStart = url.startIndex }
        let rest = url[authorityStart...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return url }
        let userInfo = authority[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":" + mask + String(url[at...])
    }

    /// A URL with its user-info password and every secret-looking query parameter masked.
    public static func redactURL(_ url: String) -> String {
        var u = maskURLCredentials(url)
        if let q = u.firstIndex(of: "?") {
            let fragmentStart = u[q...].firstIndex(of: "#") ?? u.endIndex
            let query = String(u[u.index(after: q)..<fragmentStart])
            u = String(u[...q]) + redactFormBody(query) + String(u[fragmentStart...])
        }
        return maskAccessKeyIds(in: u)
    }

    // MARK: ini files

    /// What the ini redactor did to one line, so the viewer and the report can say so.
    public struct Note: Sendable, Hashable {
        public enum Action: String, Sendable, Hashable {
            /// The value of a secret setting was replaced by `****`.
            case masked
            /// An access key id was reduced to its last 4 characters.
            case accessKeyIdMasked
            /// A value that looked like a secret under an unknown name was replaced by `****`.
            case secretLookingValueMasked
            /// A `credential_process` command was kept (it is needed to diagnose), with secret-looking
            /// arguments masked; the command's output is never in the bundle.
            case credentialProcessKept
        }
        public var line: Int
        public var key: String
        public var action: Action
        public init(line: Int, key: String, action: Action) {
            self.line = line
            self.key = key
            self.action = action
        }
    }

    /// A redacted text file and what was done to it.
    public struct RedactedFile: Sendable, Hashable {
        public var text: String
        public var notes: [Note]
    }

    /// Redacts an AWS config or credentials file line by line: every line stays, so line numbers in findings
    /// still point at the right place; comments and section headers are kept as they are.
    public static func redactINI(_ text: String) -> RedactedFile {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var notes: [Note] = []
        var lineNumber = 0
        var underSecretKey = false
        for raw in splitLines(text) {
            lineNumber += 1
            if lineNumber > 1 { out += "\n" }
            var line = raw
            var ending: Substring = ""
            if line.hasSuffix("\r") {
                ending = line.suffix(1)
                line = line.dropLast()
            }
            let trimmed = trimSpace(line)
            let indented = line.first == " " || line.first == "\t"
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") || trimmed.hasPrefix("[") {
                if trimmed.hasPrefix("[") { underSecretKey = false }
                out += line + ending
                continue
            }
            let eqIndex = line.firstIndex(of: "=")
            // A value continued on indented lines under a secret key (a token with `==` padding looks like
            // `key=`), or a stray line or key that is itself a secret: mask the whole line, keep the indentation.
            let head = eqIndex.map { String(trimSpace(line[..<$0])) } ?? String(trimmed)
            if (indented && underSecretKey) || looksLikeSecret(head) {
                let leading = line.prefix(while: { $0 == " " || $0 == "\t" })
                out += leading + mask + ending
                notes.append(Note(line: lineNumber, key: "", action: underSecretKey ? .masked : .secretLookingValueMasked))
                continue
            }
            guard let eq = eqIndex else {
                out += maskAccessKeyIds(in: String(line)) + ending
                continue
            }
            let keyText = head
            let key = keyText.lowercased()
            var valueStart = line.index(after: eq)
            while valueStart < line.endIndex, line[valueStart] == " " || line[valueStart] == "\t" { valueStart = line.index(after: valueStart) }
            let keep = line[..<valueStart]
            let value = String(trimSpace(line[valueStart...]))
            let trailing = line[valueStart...].reversed().prefix(while: { $0 == " " || $0 == "\t" })
            let trailingSpace = String(trailing.reversed())
            if !indented { underSecretKey = false }
            var replacement = value
            if value.isEmpty {
                // An empty value is no secret, and that it is empty is often the finding.
                if isSecretINIKey(key) { underSecretKey = true }
            } else if key == "aws_access_key_id" {
                replacement = Redaction.maskAccessKeyId(value)
                notes.append(Note(line: lineNumber, key: keyText, action: .accessKeyIdMasked))
            } else if isSecretINIKey(key) {
                replacement = mask
                underSecretKey = true
                notes.append(Note(line: lineNumber, key: keyText, action: .masked))
            } else if key == "credential_process" {
                replacement = redactCommandLine(value)
                notes.append(Note(line: lineNumber, key: keyText, action: .credentialProcessKept))
            } else if !isPublicValueName(key) && looksLikeSecret(value) {
                replacement = mask
                notes.append(Note(line: lineNumber, key: keyText, action: .secretLookingValueMasked))
            } else {
                replacement = maskAccessKeyIds(in: maskURLCredentials(value))
            }
            out += keep + replacement + trailingSpace + ending
        }
        return RedactedFile(text: out, notes: notes)
    }

    /// ini keys whose values are secrets.
    public static func isSecretINIKey(_ lowercasedKey: String) -> Bool {
        if lowercasedKey == "aws_access_key_id" { return false }
        if ["aws_secret_access_key", "aws_session_token", "aws_security_token"].contains(lowercasedKey) { return true }
        return !isPublicValueName(lowercasedKey) && Redaction.isSecretName(lowercasedKey)
    }

    /// A command line with secret-looking words masked (`--secret=...`, bare 40-character keys, tokens).
    public static func redactCommandLine(_ command: String) -> String {
        var words: [String] = []
        var maskNext = false
        for word in command.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            if maskNext && !word.isEmpty {
                words.append(mask)
                maskNext = false
                continue
            }
            if let eq = word.firstIndex(of: "="), word.hasPrefix("-") || Redaction.isSecretName(String(word[..<eq])) {
                let name = String(word[..<eq]).trimmingDashes
                let value = String(word[word.index(after: eq)...])
                if Redaction.isSecretName(name) || looksLikeSecret(value) {
                    words.append(String(word[...eq]) + mask)
                    continue
                }
            } else if word.hasPrefix("-"), Redaction.isSecretName(word.trimmingDashes) {
                words.append(word)
                maskNext = true
                continue
            }
            words.append(looksLikeSecret(word) ? mask : maskURLCredentials(word))
        }
        return maskAccessKeyIds(in: words.joined(separator: " "))
    }

    // MARK: Environment

    /// Whether an environment variable belongs in a bundle: `AWS_*`, `KUBERNETES_*`, the proxy variables in
    /// either case (`ALL_PROXY` too, which libcurl honours), and `HOSTNAME`. Everything else is dropped.
    public static func isAllowedEnvironmentName(_ name: String) -> Bool {
        if name.hasPrefix("AWS_") || name.hasPrefix("KUBERNETES_") || name == "HOSTNAME" { return true }
        return ["http_proxy", "https_proxy", "no_proxy", "all_proxy"].contains(name.lowercased())
    }

    /// The redacted value of an allowlisted variable.
    public static func redactEnvironmentValue(name: String, value: String) -> String {
        let lower = name.lowercased()
        if value.isEmpty { return value }
        if lower == "aws_access_key_id" { return Redaction.maskAccessKeyId(value) }
        if isPublicValueName(lower) { return maskAccessKeyIds(in: maskURLCredentials(value)) }
        if Redaction.isSecretName(lower) { return mask }
        if looksLikeSecret(value) { return mask }
        // Endpoint URLs (AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_ENDPOINT_URL_STS) may carry credentials in the
        // user info or the query.
        if value.contains("://") { return redactURL(value) }
        if lower.hasSuffix("_proxy") || value.contains("@") { return maskAccessKeyIds(in: maskURLCredentials(value)) }
        return maskAccessKeyIds(in: value)
    }

    /// The allowlisted environment, redacted, sorted by name.
    public static func redactEnvironment(_ environment: Environment) -> [(name: String, value: String)] {
        environment.variables.filter { isAllowedEnvironmentName($0.key) }
            .sorted { $0.key < $1.key }
            .map { (name: $0.key, value: redactEnvironmentValue(name: $0.key, value: $0.value)) }
    }

    /// `environment.json`: `{"AWS_REGION": "us-east-1", ...}`.
    public static func environmentJSON(_ environment: Environment) -> JSONValue {
        .object(redactEnvironment(environment).map { ($0.name, .string($0.value)) })
    }

    // MARK: HTTP

    /// Headers whose values are credentials.
    public static func isSecretHeader(_ name: String) -> Bool {
        let n = name.lowercased()
        let named = ["authorization", "proxy-authorization", "x-amz-security-token", "cookie", "set-cookie",
                     "x-aws-ec2-metadata-token", "x-amz-session-token"]
        return named.contains(n) || Redaction.isSecretName(n.replacing("-", with: "_"))
    }

    /// Header values masked: SigV4 `Authorization` keeps its algorithm, credential scope (access key id as last
    /// 4) and signed headers, which is what a `SignatureDoesNotMatch` needs; other schemes keep only their name.
    public static func redactHeaders(_ headers: [(String, String)]) -> [(String, String)] {
        headers.map { name, value in
            guard isSecretHeader(name) else { return (name, maskAccessKeyIds(in: value)) }
            if name.lowercased().hasSuffix("authorization") { return (name, redactAuthorization(value)) }
            return (name, value.isEmpty ? value : mask)
        }
    }

    static func redactAuthorization(_ value: String) -> String {
        let trimmed = trimSpace(Substring(value))
        guard let space = trimmed.firstIndex(of: " ") else { return mask }
        let scheme = trimmed[..<space]
        guard scheme.hasPrefix("AWS4-") else { return scheme + " " + mask }
        // AWS4-HMAC-SHA256 Credential=AKID/scope, SignedHeaders=a;b, Signature=hex
        let params = trimmed[trimmed.index(after: space)...].split(separator: ",").map { trimSpace($0) }
        let kept = params.map { p -> String in
            if p.hasPrefix("Credential=") { return maskAccessKeyIds(in: String(p)) }
            if p.hasPrefix("SignedHeaders=") { return String(p) }
            if let eq = p.firstIndex(of: "=") { return String(p[...eq]) + mask }
            return mask
        }
        return scheme + " " + kept.joined(separator: ", ")
    }

    /// Form parameters whose values are secrets: `WebIdentityToken`, `TokenCode`, `SAMLAssertion`, and any
    /// name containing Token, Secret or Password.
    public static func isSecretParameter(_ name: String) -> Bool {
        let n = name.lowercased()
        return n.contains("token") || n.contains("secret") || n.contains("password") || n == "samlassertion"
            || Redaction.isSecretName(n)
    }

    /// An `application/x-www-form-urlencoded` body (or query string) with secret parameter values masked; the
    /// parameter stays, so the transcript still shows it was sent.
    public static func redactFormBody(_ body: String) -> String {
        let params = body.split(separator: "&", omittingEmptySubsequences: false).map { param -> String in
            guard let eq = param.firstIndex(of: "=") else { return String(param) }
            let name = percentDecode(param[..<eq])
            let value = param[param.index(after: eq)...]
            if isSecretParameter(name) { return String(param[...eq]) + (value.isEmpty ? "" : mask) }
            return String(param)
        }
        return maskAccessKeyIds(in: params.joined(separator: "&"))
    }

    static func percentDecode(_ s: Substring) -> String {
        var out: [UInt8] = []
        let bytes = Array(s.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let h = hexValue(bytes[i + 1]), let l = hexValue(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(bytes[i] == UInt8(ascii: "+") ? 0x20 : bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x41...0x46: b - 0x41 + 10
        case 0x61...0x66: b - 0x61 + 10
        default: nil
        }
    }

    /// What replaces the `Credentials` element of an STS response.
    public static let removedCredentials = "<Credentials>[removed by rolehop]</Credentials>"

    /// An XML body with every `<Credentials>` element replaced, and any stray secret element
    /// (`SecretAccessKey`, `SessionToken`) masked and `AccessKeyId` reduced to its last 4.
    public static func redactXMLBody(_ body: String) -> String {
        var out = ""
        var rest = Substring(body)
        while let open = rest.firstRange(of: "<Credentials>") {
            out += rest[..<open.lowerBound] + removedCredentials
            if let close = rest[open.upperBound...].firstRange(of: "</Credentials>") {
                rest = rest[close.upperBound...]
            } else {
                // An unterminated element (a truncated body): drop everything after it.
                rest = ""
            }
        }
        out += rest
        for element in ["SecretAccessKey", "SessionToken", "SecurityToken", "Token"] {
            out = replaceElementText(out, element) { _ in mask }
        }
        out = replaceElementText(out, "AccessKeyId") { Redaction.maskAccessKeyId($0) }
        return maskAccessKeyIds(in: out)
    }

    static func replaceElementText(_ xml: String, _ element: String, _ transform: (String) -> String) -> String {
        let open = "<\(element)>", close = "</\(element)>"
        guard xml.firstRange(of: open) != nil else { return xml }
        var out = ""
        var rest = Substring(xml)
        while let o = rest.firstRange(of: open) {
            out += rest[..<o.upperBound]
            guard let c = rest[o.upperBound...].firstRange(of: close) else {
                out += mask
                rest = ""
                break
            }
            out += transform(String(rest[o.upperBound..<c.lowerBound])) + close
            rest = rest[c.upperBound...]
        }
        return out + rest
    }

    /// A JSON body (container credentials, `credential_process` output) with `SecretAccessKey`, `Token`,
    /// `SessionToken` and any secret-named string member masked and `AccessKeyId` reduced to its last 4.
    /// Works on the text, so formatting stays and malformed JSON is still redacted.
    public static func redactJSONBody(_ body: String) -> String {
        let bytes = Array(body.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        var pendingKey: String?
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                let end = stringEnd(bytes, from: i)
                let content = bytes[(i + 1)..<max(i + 1, end - 1)]
                if let key = pendingKey {
                    // This string is the value of `key`.
                    pendingKey = nil
                    let lower = key.lowercased()
                    if lower == "accesskeyid" || lower == "aws_access_key_id" {
                        let raw = String(decoding: content, as: UTF8.self)
                        out += Array("\"\(Redaction.maskAccessKeyId(raw))\"".utf8)
                    } else if Redaction.isSecretName(lower) || lower == "secretaccesskey" {
                        out += Array("\"\(mask)\"".utf8)
                    } else {
                        out += bytes[i..<end]
                    }
                    i = end
                    continue
                }
                // Is this string a key? Look past spaces for a colon.
                var j = end
                while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x0A || bytes[j] == 0x0D || bytes[j] == 0x09 { j += 1 }
                out += bytes[i..<end]
                if j < bytes.count, bytes[j] == UInt8(ascii: ":") {
                    out += bytes[end...j]
                    i = j + 1
                    while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 {
                        out.append(bytes[i])
                        i += 1
                    }
                    pendingKey = String(decoding: content.filter { $0 != UInt8(ascii: "\\") }, as: UTF8.self)
                    if i < bytes.count, bytes[i] != UInt8(ascii: "\"") { pendingKey = nil }
                    continue
                }
                i = end
                continue
            }
            out.append(b)
            i += 1
        }
        return maskAccessKeyIds(in: String(decoding: out, as: UTF8.self))
    }

    /// The index just past the closing quote of the JSON string starting at `start` (or the end of input).
    static func stringEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var i = start + 1
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\") { i += 2; continue }
            if bytes[i] == UInt8(ascii: "\"") { return i + 1 }
            i += 1
        }
        return bytes.count
    }

    /// A body redacted by its content type (form, XML, JSON), sniffing the text when the type is missing.
    public static func redactBody(_ body: [UInt8], contentType: String?) -> String {
        let text = String(decoding: body, as: UTF8.self)
        let type = (contentType ?? "").lowercased()
        let start = text.drop(while: { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" })
        if type.contains("x-www-form-urlencoded") { return redactFormBody(text) }
        if type.contains("xml") || start.hasPrefix("<") { return redactXMLBody(text) }
        if type.contains("json") || start.hasPrefix("{") || start.hasPrefix("[") { return redactJSONBody(text) }
        if text.contains("=") && !text.contains(" ") && !text.contains("\n") { return redactFormBody(text) }
        return maskAccessKeyIds(in: text)
    }

    // MARK: Transcripts

    /// A redacted, human-readable transcript of one HTTP attempt: request line, headers, body, then the response
    /// or the transport error, and the timings. For `hops/<n>-attempt-<m>.txt`.
    public static func transcript(request: HTTPRequest, response: HTTPResponse?, error: TransportError? = nil,
                                  title: String? = nil) -> String {
        var lines: [String] = []
        if let title { lines.append("# " + title) }
        lines.append("> \(request.method) \(redactURL(request.url))")
        for (name, value) in redactHeaders(request.headers) { lines.append("> \(name): \(value)") }
        if !request.body.isEmpty {
            lines.append(">")
            lines.append(contentsOf: splitLines(redactBody(request.body, contentType: request.header("Content-Type")))
                .map { "> " + $0 })
        }
        lines.append("")
        if let response {
            lines.append("< HTTP \(response.status)")
            for (name, value) in redactHeaders(response.headers) { lines.append("< \(name): \(value)") }
            if !response.body.isEmpty {
                lines.append("<")
                lines.append(contentsOf: splitLines(redactBody(response.body, contentType: response.header("Content-Type")))
                    .map { "< " + $0 })
            }
            let t = response.timings
            lines.append("")
            lines.append("timings: dns \(ms(t.dns)) connect \(ms(t.connect)) tls \(ms(t.tls)) first-byte \(ms(t.firstByte)) total \(ms(t.total))")
            if let address = response.connection.remoteAddress {
                lines.append("remote: \(address)\(response.connection.remotePort.map { ":\($0)" } ?? "")")
            }
            if let proxy = response.connection.proxy { lines.append("proxy: \(maskURLCredentials(proxy))") }
        } else if let error {
            lines.append("! transport error \(error.code): \(maskAccessKeyIds(in: maskURLCredentials(error.description)))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func ms(_ seconds: Double) -> String {
        let v = (seconds * 1000).rounded()
        return (v.isFinite ? String(Int64(v)) : "?") + " ms"
    }

    // MARK: Last-resort scrubber

    /// Replaces every known secret value anywhere in the bytes it is given, in the spellings a secret takes in
    /// the formats rolehop writes (raw, percent-encoded in either hex case, JSON-escaped), then masks raw JWTs and
    /// access key ids. Secrets shorter than `minimumLength` are ignored: replacing a 3-letter value everywhere
    /// would destroy the text and no AWS secret is that short.
    public struct Scrubber: Sendable {
        public static let minimumLength = 6
        let needles: [[UInt8]]

        public init(secrets: [String]) {
            var set = Set<[UInt8]>()
            for s in secrets where s.utf8.count >= Scrubber.minimumLength {
                set.insert(Array(s.utf8))
                set.insert(Array(Scrubber.percentEncode(s, upper: true).utf8))
                set.insert(Array(Scrubber.percentEncode(s, upper: false).utf8))
                set.insert(Array(s.replacing("/", with: "\\/").utf8))
            }
            // Longest first, so a secret that contains another is replaced whole.
            needles = set.sorted { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1) }
        }

        public func scrub(_ bytes: [UInt8]) -> [UInt8] {
            var out = bytes
            for needle in needles { out = Scrubber.replace(needle, in: out) }
            return Redactor.maskAccessKeyIds(Scrubber.maskJWTs(out))
        }

        public func scrub(_ text: String) -> String {
            String(decoding: scrub(Array(text.utf8)), as: UTF8.self)
        }

        static func replace(_ needle: [UInt8], in haystack: [UInt8]) -> [UInt8] {
            guard let first = needle.first, haystack.count >= needle.count else { return haystack }
            var out: [UInt8] = []
            var copied = 0
            var i = 0
            let last = haystack.count - needle.count
            let maskBytes = Array(Redaction.mask.utf8)
            while i <= last {
                if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) {
                    if out.isEmpty { out.reserveCapacity(haystack.count) }
                    out += haystack[copied..<i]
                    out += maskBytes
                    i += needle.count
                    copied = i
                } else {
                    i += 1
                }
            }
            if copied == 0 { return haystack }
            out += haystack[copied...]
            return out
        }

        /// Replaces `eyJ….….…` (a raw JWT: header, claims, signature) by `****`.
        static func maskJWTs(_ bytes: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            var copied = 0
            var i = 0
            let n = bytes.count
            while i + 3 <= n {
                guard bytes[i] == UInt8(ascii: "e"), bytes[i + 1] == UInt8(ascii: "y"), bytes[i + 2] == UInt8(ascii: "J"),
                      i == 0 || !Redactor.isBase64URLByte(bytes[i - 1])
                else { i += 1; continue }
                var j = i
                var dots = 0
                var segmentLength = 0
                var minSegment = Int.max
                while j < n {
                    let b = bytes[j]
                    if b == UInt8(ascii: ".") {
                        if dots == 2 { break }
                        minSegment = min(minSegment, segmentLength)
                        segmentLength = 0
                        dots += 1
                    } else if Redactor.isBase64URLByte(b) {
                        segmentLength += 1
                    } else {
                        break
                    }
                    j += 1
                }
                // header.claims. (an unsigned JWT) and header.claims.signature both count.
                guard dots == 2, minSegment >= 2 else { i += 1; continue }
                if out.isEmpty { out.reserveCapacity(n) }
                out += bytes[copied..<i]
                out += Array(Redaction.mask.utf8)
                i = j
                copied = j
            }
            if copied == 0 { return bytes }
            out += bytes[copied...]
            return out
        }

        static func percentEncode(_ s: String, upper: Bool) -> String {
            let digits = Array((upper ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
            var out: [UInt8] = []
            for b in s.utf8 {
                if Redactor.isAlnum(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
                    || b == UInt8(ascii: "~")
                {
                    out.append(b)
                } else {
                    out += [UInt8(ascii: "%"), digits[Int(b >> 4)], digits[Int(b & 15)]]
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Replaces every known secret value in `text` (see `Scrubber`).
    public static func scrub(_ text: String, secrets: [String]) -> String {
        Scrubber(secrets: secrets).scrub(text)
    }
}

/// Lines split at every LF, CR kept at the end of the line. (`String.split(separator: "\n")` would not split
/// a CRLF file at all: "\r\n" is one Character.)
func splitLines(_ text: String) -> [Substring] {
    text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { Substring($0) }
}

/// Spaces and tabs trimmed from both ends.
func trimSpace(_ s: Substring) -> Substring {
    var t = s
    while let f = t.first, f == " " || f == "\t" { t = t.dropFirst() }
    while let l = t.last, l == " " || l == "\t" { t = t.dropLast() }
    return t
}

extension String {
    fileprivate var trimmingDashes: String { String(drop(while: { $0 == "-" })) }
}
