
/// What rolehop learned from reading a token file: the file's facts, the token (held as a secret), its
/// decoded form or why it does not decode, and findings about the file itself.
public struct TokenFileReport: Sendable {
    public var path: Sourced<String>
    public var info: FileInfo?
    /// The owner and group ids, with names when the (diagnosed container's) passwd and group files have them.
    public var owner: String?
    public var group: String?
    /// The identity the readability verdict is for.
    public var uid: UInt32
    public var gids: [UInt32]
    /// Whether `uid`/`gids` may read the file by its owner, group and mode (nil when there is no file).
    public var readableByIdentity: Bool?
    public var readError: FileError?
    /// The raw token; a credential, never printed.
    public var raw: Secret?
    public var token: WebIdentityToken?
    public var decodeError: TokenError?
    public var findings: [Finding]
}

/// Reads the projected service-account token file.
public enum TokenFile {
    /// Projected tokens are about 1 KiB; anything over this is not a token.
    public static let sizeLimit = 64 * 1024
    /// Where the EKS pod identity webhook mounts the token.
    public static let eksDefaultPath = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"

    /// The token path to use: an explicit one, else the profile's `web_identity_token_file`, else
    /// `AWS_WEB_IDENTITY_TOKEN_FILE`, else the EKS mount path, with where it came from.
    public static func resolvePath(explicit: Sourced<String>? = nil, profilePath: Sourced<String>? = nil,
                                   environment: Environment) -> Sourced<String> {
        if let explicit { return explicit }
        if let profilePath { return profilePath }
        if let env = environment.sourced("AWS_WEB_IDENTITY_TOKEN_FILE"), !env.value.isEmpty { return env }
        return Sourced(eksDefaultPath, from: .defaultValue("EKS pod identity webhook mount"))
    }

    /// Whether `uid` with groups `gids` may read a file with this owner, group and mode (root always may).
    public static func canRead(_ info: FileInfo, uid: UInt32, gids: [UInt32]) -> Bool {
        if uid == 0 { return true }
        if info.uid == uid { return info.mode & 0o400 != 0 }
        if gids.contains(info.gid) { return info.mode & 0o040 != 0 }
        return info.mode & 0o004 != 0
    }

    /// Reads and decodes the token at `path`. Never throws: every problem is in the report.
    public static func read(_ path: Sourced<String>, fs: some FileSystem, uid: UInt32, gids: [UInt32]) -> TokenFileReport {
        var report = TokenFileReport(path: path, info: fs.info(path.value), owner: nil, group: nil, uid: uid, gids: gids,
                                     readableByIdentity: nil, readError: nil, raw: nil, token: nil, decodeError: nil,
                                     findings: [])
        var facts = [Evidence("path", path.value, source: path.source)]
        if let info = report.info {
            let verdict = canRead(info, uid: uid, gids: gids)
            report.readableByIdentity = verdict
            let owner = named(info.uid, in: "/etc/passwd", fs: fs)
            let group = named(info.gid, in: "/etc/group", fs: fs)
            report.owner = owner
            report.group = group
            facts += [
                Evidence("owner", "uid \(owner) gid \(group)"),
                Evidence("mode", "0" + String(info.mode, radix: 8)),
                Evidence("modified", UTCTime.iso8601(info.modified)),
                Evidence("reader", "uid \(uid) groups \(gids.map(String.init).joined(separator: ","))"),
                Evidence("readable by reader", verdict ? "yes" : "no"),
            ]
        }
        do {
            let bytes = try fs.read(path.value, limit: sizeLimit)
            let text = String(decoding: bytes, as: UTF8.self)
            report.raw = Secret(text)
            do {
                report.token = try WebIdentityToken.decode(text)
            } catch {
                report.decodeError = error
                let lc = error.lineColumn(in: text)
                report.findings.append(Finding(
                    id: "token.malformed", severity: .fail, title: "The token file does not hold a JWT",
                    evidence: facts + [Evidence("problem", error.description,
                                                source: .file(path: path.value, line: lc.line, column: lc.column))],
                    why: "STS rejects a token it cannot parse (InvalidIdentityToken); the file may be truncated, "
                        + "hold another kind of secret, or be a placeholder.",
                    fix: "Point web_identity_token_file / AWS_WEB_IDENTITY_TOKEN_FILE at the projected service-account "
                        + "token (" + eksDefaultPath + ")."))
            }
        } catch {
            report.readError = error
            report.findings.append(fileFinding(error, facts: facts, info: report.info, uid: uid))
            return report
        }
        report.findings.insert(Finding(id: "token.file", severity: .ok, title: "Token file read", evidence: facts), at: 0)
        if report.readableByIdentity == false {
            // rolehop could read it (as root, or through --root) but the identity asked about could not.
            report.findings.append(fileFinding(.permissionDenied(path.value), facts: facts, info: report.info, uid: uid))
        }
        return report
    }

    /// `1000 (app)` when the (diagnosed container's) passwd or group file names the id, else `1000`.
    static func named(_ id: UInt32, in file: String, fs: some FileSystem) -> String {
        guard let text = try? fs.readText(file, limit: 1 << 20) else { return "\(id)" }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
            if fields.count >= 3, UInt32(fields[2]) == id, !fields[0].isEmpty { return "\(id) (\(fields[0]))" }
        }
        return "\(id)"
    }

    static func fileFinding(_ error: FileError, facts: [Evidence], info: FileInfo?, uid: UInt32) -> Finding {
        let problem = Evidence("error", error.description)
        switch error {
        case .notFound:
            return Finding(
                id: "token.file-missing", severity: .fail, title: "The token file does not exist",
                evidence: facts + [problem],
                why: "Without the projected token, AssumeRoleWithWebIdentity cannot be called; SDKs fall back to "
                    + "other credentials (often the node role) or fail with 'unable to read file'.",
                fix: "Annotate the service account with eks.amazonaws.com/role-arn and recreate the pod so the "
                    + "webhook mounts the token, or correct the path.")
        case .permissionDenied:
            return Finding(
                id: "token.file-permission-denied", severity: .fail, title: "This user may not read the token file",
                evidence: facts + [problem],
                why: "The kubelet writes the token readable by its owner (mode 0600, root) unless the pod sets "
                    + "fsGroup; a non-root container then gets 'permission denied' (WebIdentityErr).",
                fix: "Set spec.securityContext.fsGroup (for example 65534) on the pod so the token is group-readable "
                    + "by the container's user.")
        case .tooLarge:
            return Finding(
                id: "token.file-too-large", severity: .fail, title: "The token file is too large to be a token",
                evidence: facts + [problem], why: "A projected service-account token is about 1 KiB.",
                fix: "Point the token path at the projected token.")
        case .isDirectory, .other:
            return Finding(
                id: "token.file-unreadable", severity: .fail, title: "The token file cannot be read",
                evidence: facts + [problem], why: "SDKs fail the same way when they read it.",
                fix: "Point the token path at the projected token file.")
        }
    }
}
