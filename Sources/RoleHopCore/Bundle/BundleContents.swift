
/// Names of the files inside a bundle, so the writer, the reader and the integrator agree.
///
/// ```
/// manifest.json              always first
/// report.json  report.txt    the check report (JSON schema and text)
/// explorer.json              the TUI snapshot, replayed read-only by `rolehop open`
/// environment.json           allowlisted, redacted environment
/// config/<original path>     redacted config and credentials files (config/root/.aws/config)
/// token/header.json          the web-identity token's header
/// token/claims.json          its claims (never the signature or the raw token)
/// policies/<name>.json       trust and identity documents used
/// hops/<n>-attempt-<m>.txt   one redacted HTTP transcript per attempt of each hop
/// ```
public enum BundleLayout {
    public static let manifest = "manifest.json"
    public static let reportJSON = "report.json"
    public static let reportText = "report.txt"
    public static let explorer = "explorer.json"
    public static let environment = "environment.json"
    public static let tokenHeader = "token/header.json"
    public static let tokenClaims = "token/claims.json"
    public static let configFolder = "config/"
    public static let policiesFolder = "policies/"
    public static let hopsFolder = "hops/"

    /// `config/root/.aws/config` for `/root/.aws/config`: the original path survives, so file:line provenance
    /// still reads right in the viewer.
    public static func configEntry(forPath path: String) -> String {
        var p = Substring(path)
        while p.hasPrefix("/") { p = p.dropFirst() }
        // `..` and `.` cannot name a file the pod read through a resolved path; drop them rather than refuse.
        let parts = p.split(separator: "/").filter { $0 != "." && $0 != ".." }
        return configFolder + parts.joined(separator: "/")
    }

    /// The original absolute path of a `config/...` entry, or nil for other entries.
    public static func originalPath(ofConfigEntry name: String) -> String? {
        guard name.hasPrefix(configFolder), name.count > configFolder.count else { return nil }
        return "/" + name.dropFirst(configFolder.count)
    }

    /// `policies/account-a-role.trust.json`: a policy document, named by a short label (role name + kind).
    public static func policyEntry(_ label: String) -> String {
        policiesFolder + safeComponent(label) + ".json"
    }

    /// `hops/1-attempt-2.txt` (both 1-based).
    public static func hopEntry(hop: Int, attempt: Int) -> String {
        hopsFolder + "\(hop)-attempt-\(attempt).txt"
    }

    /// A label reduced to characters that are safe in a file name.
    public static func safeComponent(_ label: String) -> String {
        var out = ""
        for u in label.unicodeScalars {
            switch u {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": out.unicodeScalars.append(u)
            default: out += "_"
            }
        }
        while out.hasPrefix(".") { out.removeFirst() }
        return String((out.isEmpty ? "unnamed" : out).prefix(96))
    }
}

/// One file the integrator hands to the writer: an archive entry.
public typealias BundleFile = TarGz.Entry

extension TarGz.Entry {
    /// A JSON document, indented, with a final newline.
    public init(name: String, json: JSONValue) {
        self.init(name: name, bytes: Array((json.serialized(pretty: true) + "\n").utf8))
    }
}

/// Everything a bundle holds, before the last-resort scrub: the manifest and the already-redacted files.
public struct BundleContents: Sendable {
    public var manifest: BundleManifest
    public var files: [BundleFile]
    /// Every secret value the process holds (secret keys, session tokens, raw tokens, signatures); each is
    /// replaced by `****` wherever it still appears in any file (defence in depth behind the per-format rules).
    public var secrets: [String]

    public init(manifest: BundleManifest, files: [BundleFile] = [], secrets: [String] = []) {
        self.manifest = manifest
        self.files = files
        self.secrets = secrets
    }

    public mutating func add(_ file: BundleFile) { files.append(file) }

    /// Adds secrets the process holds (credentials, the raw token, its signature) to the scrub list.
    public mutating func hold(_ held: [Secret]) {
        secrets += held.map(\.exposedValue)
    }

    /// The archive entries in order: the manifest (listing every file and its size), then the files, each
    /// scrubbed of every known secret.
    public func entries() -> [TarGz.Entry] {
        let scrubber = Redactor.Scrubber(secrets: secrets)
        let scrubbed = files.map { TarGz.Entry(name: $0.name, bytes: scrubber.scrub($0.bytes)) }
        var m = manifest
        m.files = scrubbed.map { BundleManifest.FileRecord(name: $0.name, size: $0.bytes.count) }
        let manifestBytes = scrubber.scrub(Array((m.json.serialized(pretty: true) + "\n").utf8))
        return [TarGz.Entry(name: BundleLayout.manifest, bytes: manifestBytes)] + scrubbed
    }

    /// The compressed archive, ready to be written (mtime = the manifest's creation time).
    public func archive() throws(BundleError) -> [UInt8] {
        try TarGz.write(entries(), mtime: Int64(manifest.createdAt.timeIntervalSince1970.rounded(.down)))
    }
}
