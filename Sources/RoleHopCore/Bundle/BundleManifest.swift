
/// `manifest.json`: what made the bundle, when, and where it ran.
///
/// Built from injected values (file system, environment, now, uid/gid) so it is reproducible; the CLI passes the
/// real ones. Readers refuse a `schemaVersion` they do not know rather than guessing at its meaning.
public struct BundleManifest: Sendable, Hashable {
    /// The bundle schema this rolehop writes and reads.
    public static let currentSchemaVersion = 1

    /// Hints that the bundle was made inside a container or a pod.
    public struct ContainerHints: Sendable, Hashable {
        /// The cgroup line of `/proc/self/cgroup` that names the container (the v2 `0::` line when present).
        public var cgroup: String?
        /// `/var/run/secrets/kubernetes.io/serviceaccount` exists (a Kubernetes service-account mount).
        public var kubernetesServiceAccount: Bool
        /// `/var/run/secrets/eks.amazonaws.com/serviceaccount` exists (the IRSA token mount).
        public var eksServiceAccount: Bool
        public init(cgroup: String? = nil, kubernetesServiceAccount: Bool = false, eksServiceAccount: Bool = false) {
            self.cgroup = cgroup
            self.kubernetesServiceAccount = kubernetesServiceAccount
            self.eksServiceAccount = eksServiceAccount
        }
    }

    /// One file of the bundle as the manifest lists it, so a reader can tell a complete bundle from a doctored one.
    public struct FileRecord: Sendable, Hashable {
        public var name: String
        public var size: Int
        public init(name: String, size: Int) {
            self.name = name
            self.size = size
        }
    }

    public var schemaVersion: Int
    public var rolehopVersion: String
    public var createdAt: Date
    /// `linux`, `macos`.
    public var os: String
    /// `PRETTY_NAME` of `/etc/os-release`, when there is one.
    public var osRelease: String?
    /// `x86_64`, `arm64`.
    public var arch: String
    public var uid: UInt32
    public var gid: UInt32
    public var container: ContainerHints
    public var term: String?
    /// Every other file of the bundle (not the manifest itself), in archive order.
    public var files: [FileRecord]

    public init(schemaVersion: Int = BundleManifest.currentSchemaVersion, rolehopVersion: String = RoleHopVersion.string,
                createdAt: Date, os: String = BundleManifest.buildOS, osRelease: String? = nil,
                arch: String = BundleManifest.buildArch, uid: UInt32, gid: UInt32,
                container: ContainerHints = ContainerHints(), term: String? = nil, files: [FileRecord] = []) {
        self.schemaVersion = schemaVersion
        self.rolehopVersion = rolehopVersion
        self.createdAt = createdAt
        self.os = os
        self.osRelease = osRelease
        self.arch = arch
        self.uid = uid
        self.gid = gid
        self.container = container
        self.term = term
        self.files = files
    }

    public static let kubernetesServiceAccountPath = "/var/run/secrets/kubernetes.io/serviceaccount"
    public static let eksServiceAccountPath = "/var/run/secrets/eks.amazonaws.com/serviceaccount"

    /// Gathers the manifest from the place being diagnosed. `files` is filled in by the writer.
    public static func collect(fileSystem: any FileSystem, environment: Environment, now: Date, uid: UInt32,
                               gid: UInt32, os: String = buildOS, arch: String = buildArch) -> BundleManifest {
        var cgroup: String?
        if let text = try? fileSystem.readText("/proc/self/cgroup", limit: 64 << 10) {
            cgroup = cgroupLine(text)
        }
        var osRelease: String?
        if let text = try? fileSystem.readText("/etc/os-release", limit: 64 << 10) {
            osRelease = prettyName(text)
        }
        let hints = ContainerHints(
            cgroup: cgroup,
            kubernetesServiceAccount: fileSystem.info(kubernetesServiceAccountPath)?.isDirectory ?? false,
            eksServiceAccount: fileSystem.info(eksServiceAccountPath)?.isDirectory ?? false)
        return BundleManifest(createdAt: now, os: os, osRelease: osRelease, arch: arch, uid: uid, gid: gid,
                              container: hints, term: environment["TERM"].map { String($0.prefix(64)) })
    }

    /// The line of `/proc/self/cgroup` most likely to name the container: the cgroup v2 line, else one naming
    /// kubepods/docker/containerd, else the first. At most 512 characters.
    public static func cgroupLine(_ text: String) -> String? {
        let lines = text.split(whereSeparator: { $0 == "\n" }).map(String.init).filter { !$0.isEmpty }
        let markers = ["kubepods", "docker", "containerd", "cri-o", "crio", "libpod"]
        let pick = lines.first(where: { line in markers.contains(where: { line.contains($0) }) })
            ?? lines.first(where: { $0.hasPrefix("0::") }) ?? lines.first
        return pick.map { String($0.prefix(512)) }
    }

    static func prettyName(_ osRelease: String) -> String? {
        for line in osRelease.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            var v = line.dropFirst("PRETTY_NAME=".count)
            if v.hasPrefix("\"") && v.hasSuffix("\"") && v.count >= 2 { v = v.dropFirst().dropLast() }
            return String(v.prefix(128))
        }
        return nil
    }

    public static var buildOS: String {
        #if os(Linux)
        "linux"
        #elseif os(macOS)
        "macos"
        #else
        "unknown"
        #endif
    }

    public static var buildArch: String {
        #if arch(x86_64)
        "x86_64"
        #elseif arch(arm64)
        "arm64"
        #else
        "unknown"
        #endif
    }

    // MARK: JSON

    /// The manifest as written into `manifest.json` (`schemaVersion` first, so `head` shows it).
    public var json: JSONValue {
        func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
        return .object([
            ("schemaVersion", .number(Double(schemaVersion))),
            ("rolehopVersion", .string(rolehopVersion)),
            ("createdAt", .string(UTCTime.iso8601(createdAt))),
            ("os", .string(os)),
            ("osRelease", optional(osRelease)),
            ("arch", .string(arch)),
            ("uid", .number(Double(uid))),
            ("gid", .number(Double(gid))),
            ("container", .object([
                ("cgroup", optional(container.cgroup)),
                ("kubernetesServiceAccount", .bool(container.kubernetesServiceAccount)),
                ("eksServiceAccount", .bool(container.eksServiceAccount)),
            ])),
            ("term", optional(term)),
            ("files", .array(files.map { .object([("name", .string($0.name)), ("size", .number(Double($0.size)))]) })),
        ])
    }

    /// Parses `manifest.json`, checking the schema version before anything else.
    public static func parse(_ bytes: [UInt8]) throws(BundleError) -> BundleManifest {
        let entry = BundleLayout.manifest
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, recordPositions: false).value
        } catch {
            throw BundleError(.invalidManifest, "not valid JSON at \(error.position): \(error.message)", entry: entry)
        }
        guard case .object = value else {
            throw BundleError(.invalidManifest, "expected a JSON object, found \(value.typeName)", entry: entry)
        }
        guard let version = value["schemaVersion"]?.numberValue, version == version.rounded() else {
            throw BundleError(.invalidManifest, "no schemaVersion number; not a rolehop bundle manifest", entry: entry)
        }
        guard Int(exactly: version) == currentSchemaVersion else {
            let newer = version > Double(currentSchemaVersion)
            throw BundleError(.unsupportedSchema,
                              "bundle schema version \(Int(exactly: version).map(String.init) ?? "\(version)") is "
                              + (newer ? "newer than" : "not one")
                              + " this rolehop (\(RoleHopVersion.string)) can read (schema \(currentSchemaVersion))"
                              + (newer ? "; open it with the rolehop that wrote it (\(value["rolehopVersion"]?.stringValue ?? "unknown"))" : ""),
                              entry: entry)
        }
        func string(_ key: String) throws(BundleError) -> String {
            guard let s = value[key]?.stringValue else {
                throw BundleError(.invalidManifest, "'\(key)' is missing or not a string", entry: entry)
            }
            return s
        }
        func optionalString(_ v: JSONValue?, _ key: String) throws(BundleError) -> String? {
            switch v {
            case nil, .null?: return nil
            case let .string(s)?: return s
            default: throw BundleError(.invalidManifest, "'\(key)' is not a string", entry: entry)
            }
        }
        func id(_ key: String) throws(BundleError) -> UInt32 {
            guard let n = value[key]?.numberValue, let u = UInt32(exactly: n) else {
                throw BundleError(.invalidManifest, "'\(key)' is missing or not a user/group id", entry: entry)
            }
            return u
        }
        let createdText = try string("createdAt")
        guard let created = UTCTime.parseISO8601(createdText) else {
            throw BundleError(.invalidManifest, "'createdAt' is not an ISO 8601 time: \(createdText)", entry: entry)
        }
        let c = value["container"]
        let hints = ContainerHints(cgroup: try optionalString(c?["cgroup"], "container.cgroup"),
                                   kubernetesServiceAccount: c?["kubernetesServiceAccount"]?.boolValue ?? false,
                                   eksServiceAccount: c?["eksServiceAccount"]?.boolValue ?? false)
        guard let fileList = value["files"]?.arrayValue else {
            throw BundleError(.invalidManifest, "'files' is missing or not an array", entry: entry)
        }
        var files: [FileRecord] = []
        for item in fileList {
            guard let name = item["name"]?.stringValue, let n = item["size"]?.numberValue, let size = Int(exactly: n),
                  size >= 0
            else { throw BundleError(.invalidManifest, "an item of 'files' lacks a name or size", entry: entry) }
            files.append(FileRecord(name: name, size: size))
        }
        return BundleManifest(schemaVersion: currentSchemaVersion, rolehopVersion: try string("rolehopVersion"),
                              createdAt: created, os: try string("os"),
                              osRelease: try optionalString(value["osRelease"], "osRelease"), arch: try string("arch"),
                              uid: try id("uid"), gid: try id("gid"), container: hints,
                              term: try optionalString(value["term"], "term"), files: files)
    }
}
