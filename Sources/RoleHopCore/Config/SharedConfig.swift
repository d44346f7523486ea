/// One profile after merging every section that defines it in the config and credentials files.
///
/// The winning properties are kept in a list (in the order their keys first appeared) with a fixed slot per
/// known key (`ConfigKey`), so the resolver's lookups are array reads, not String hashing; a profile made
/// from one section shares that section's property storage.
public struct Profile: Sendable, Hashable {
    public var name: String
    /// Every header that contributed (file:line), in reading order.
    public var sections: [Source]
    /// The winning properties, in the order their keys first appeared.
    public private(set) var orderedProperties: [ConfigProperty] = []
    var slots = ConfigKeySlots()
    /// Index + 1 into `orderedProperties` of each property whose key rolehop does not know.
    var others: [String: Int] = [:]
    /// The profile's place in `SharedConfig.profileNames` when the merge made it (-1 otherwise): lets
    /// `resolveAll` find an already resolved source profile without hashing its name (not part of equality).
    /// Kept in a spare lane of `slots` (plus one, 0 meaning none): a stored field made `Profile` larger, and
    /// the merge then copied every new profile once more.
    var ordinal: Int {
        get { Int(slots.raw[ConfigKeySlots.ordinalLane]) - 1 }
        set { slots.raw[ConfigKeySlots.ordinalLane] = UInt32(truncatingIfNeeded: newValue + 1) }
    }

    public init(name: String, sections: [Source] = [], properties: [String: ConfigProperty] = [:]) {
        self.name = name
        self.sections = sections
        for (_, p) in properties { set(p) }
    }

    /// A profile from one section's properties, sharing their storage unless a key repeats; `duplicate` is
    /// called with (overridden, used) for each repeated key.
    init(name: String, sections: [Source], adopting list: [ConfigProperty], ordinal: Int = -1,
         duplicate: (ConfigProperty, ConfigProperty) -> Void) {
        self.name = name
        self.sections = sections
        var slots = ConfigKeySlots()
        slots.raw[ConfigKeySlots.ordinalLane] = UInt32(truncatingIfNeeded: ordinal + 1)
        var others: [String: Int] = [:]
        var repeated = false
        for i in list.indices {
            let p = list[i]
            if let k = p.known {
                if slots[k] != 0 { repeated = true; break }
                slots[k] = i + 1
            } else {
                if others[p.key] != nil { repeated = true; break }
                others[p.key] = i + 1
            }
        }
        if !repeated {
            self.orderedProperties = list
            self.slots = slots
            self.others = others
            return
        }
        self.ordinal = ordinal
        for p in list { if let old = set(p) { duplicate(old, p) } }
    }

    /// Properties by lower-case key; the value that wins under the merge rules.
    public var properties: [String: ConfigProperty] {
        get {
            var d: [String: ConfigProperty] = [:]
            d.reserveCapacity(orderedProperties.count)
            for p in orderedProperties { d[p.key] = p }
            return d
        }
        set {
            orderedProperties = []
            let ordinal = self.ordinal
            slots = ConfigKeySlots()
            self.ordinal = ordinal
            others = [:]
            for (_, p) in newValue { set(p) }
        }
    }

    /// Sets a property (replacing the one with the same key in place); returns the replaced one.
    @discardableResult
    public mutating func set(_ p: ConfigProperty) -> ConfigProperty? {
        if let k = p.known {
            let i = slots[k]
            if i != 0 {
                let old = orderedProperties[i - 1]
                orderedProperties[i - 1] = p
                return old
            }
            orderedProperties.append(p)
            slots[k] = orderedProperties.count
            return nil
        }
        if let i = others[p.key] {
            let old = orderedProperties[i - 1]
            orderedProperties[i - 1] = p
            return old
        }
        orderedProperties.append(p)
        others[p.key] = orderedProperties.count
        return nil
    }

    public subscript(_ key: String) -> ConfigProperty? {
        if let k = ConfigKey(name: key) { return self[k] }
        return others[key].map { orderedProperties[$0 - 1] }
    }

    public subscript(_ key: ConfigKey) -> ConfigProperty? {
        let i = slots[key]
        return i == 0 ? nil : orderedProperties[i - 1]
    }

    /// A non-empty value with its provenance.
    public func sourced(_ key: String) -> Sourced<String>? {
        guard let p = self[key], !p.value.isEmpty else { return nil }
        return p.sourced
    }

    /// A non-empty value of a known key with its provenance (an array read).
    public func sourced(_ key: ConfigKey) -> Sourced<String>? {
        let i = slots[key]
        guard i != 0 else { return nil }
        // The two fields read in place: copying the whole property retained and released its key and list too.
        return orderedProperties.withUnsafeBufferPointer { b in
            b[i - 1].value.isEmpty ? nil : Sourced(b[i - 1].value, from: b[i - 1].source)
        }
    }

    /// True when a known key has a non-empty value (no copy of the value).
    public func has(_ key: ConfigKey) -> Bool {
        let i = slots[key]
        return i != 0 && orderedProperties.withUnsafeBufferPointer { !$0[i - 1].value.isEmpty }
    }

    public static func == (a: Profile, b: Profile) -> Bool {
        a.name == b.name && a.sections == b.sections && a.properties == b.properties
    }

    public func hash(into h: inout Hasher) {
        h.combine(name)
        h.combine(sections)
    }
}

/// A `[sso-session NAME]` or `[services NAME]` section after merging.
public struct NamedSection: Sendable, Hashable {
    public var name: String
    public var sections: [Source]
    public var properties: [String: ConfigProperty]
}

/// The merged view of the shared config and credentials files, as the SDKs build it.
///
/// Merge rules: sections of the same name merge within a file, the last duplicate key winning; in the config
/// file `[profile default]` is used and a bare `[default]` is ignored when both exist; the credentials file's
/// values override the config file's for the same profile and key.
public struct SharedConfig: Sendable {
    public var profiles: [String: Profile]
    public var ssoSessions: [String: NamedSection]
    public var services: [String: NamedSection]
    /// Profile names in the order they first appear (config file first, then credentials file).
    public var profileNames: [String]
    /// The files read (or attempted), in reading order.
    public var files: [ConfigFileStatus]
    public var findings: [Finding]

    /// The first error that makes a file unusable (the SDKs would refuse it), if any.
    public var fatalError: InputError? {
        for f in files { if let e = f.error { return e } }
        return nil
    }

    public init(profiles: [String: Profile] = [:], ssoSessions: [String: NamedSection] = [:],
                services: [String: NamedSection] = [:], profileNames: [String] = [], files: [ConfigFileStatus] = [],
                findings: [Finding] = []) {
        self.profiles = profiles
        self.ssoSessions = ssoSessions
        self.services = services
        self.profileNames = profileNames
        self.files = files
        self.findings = findings
    }

    /// Merges parsed files (config first, then credentials). Files that failed to parse contribute the
    /// sections read before the failing line, so they can be shown; `fatalError` says the SDKs refuse them.
    public static func merge(config: ParsedConfigFile?, credentials: ParsedConfigFile?) -> SharedConfig {
        var out = SharedConfig()
        if let config { out.add(config) }
        if let credentials { out.add(credentials) }
        return out
    }

    mutating func add(_ file: ParsedConfigFile) {
        files.append(ConfigFileStatus(path: file.path, kind: file.kind, state: file.error == nil ? .read : .refused,
                                      error: file.error))
        findings += file.findings
        let hasPrefixedDefault = file.kind == .config
            && file.sections.contains { $0.kind == .profile && $0.name == "default" && !$0.isBareDefault }
        // botocore's configparser refuses a file that repeats a header or a key within one section.
        var reportedBareDefault = false
        profiles.reserveCapacity(profiles.count + file.sections.count)
        profileNames.reserveCapacity(profileNames.count + file.sections.count)
        for si in file.sections.indices {
            switch file.sections[si].kind {
            case .profile:
                // Read in place: copying a whole section per iteration cost more than the fields used.
                if file.sections[si].isBareDefault && hasPrefixedDefault {
                    if !reportedBareDefault {
                        reportedBareDefault = true
                        findings.append(Finding(
                            id: "config.portability.default-profile", severity: .warn,
                            title: "[default] is ignored because [profile default] exists in \(file.path)",
                            evidence: [Evidence("ignored", "[default]", source: file.sections[si].source)],
                            why: "The shared rules use [profile default] and drop [default]; botocore keeps "
                            + "whichever of the two comes last in the file, so the SDKs read different settings.",
                            fix: "Keep one of the two sections."))
                    }
                    continue
                }
                let name = file.sections[si].name
                // The common case is a new profile: inserted with one hashing of its name, and put back if the
                // name was already there (then the sections merge below).
                var duplicates: [Finding] = []
                let fresh = Profile(name: name, sections: [file.sections[si].source],
                                    adopting: file.sections[si].properties, ordinal: profileNames.count) {
                    duplicates.append(Self.duplicateFinding(old: $0, new: $1, sectionName: name))
                }
                if let existing = profiles.updateValue(fresh, forKey: name) {
                    profiles[name] = existing
                    let section = file.sections[si]
                    let previous = profiles[section.name]?.sections ?? []
                    if let first = previous.first(where: { $0.filePath == file.path }) {
                        findings.append(Self.duplicateSectionFinding(section, first: first, path: file.path))
                    }
                    profiles[section.name]?.sections.append(section.source)
                    for p in section.properties {
                        if let old = profiles[section.name]?.set(p) {
                            findings.append(Self.duplicateFinding(old: old, new: p, sectionName: section.name))
                        }
                    }
                } else {
                    profileNames.append(name)
                    if !duplicates.isEmpty { findings += duplicates }
                }
            case .ssoSession, .services:
                let section = file.sections[si]
                var named = (section.kind == .ssoSession ? ssoSessions : services)[section.name]
                    ?? NamedSection(name: section.name, sections: [], properties: [:])
                if let first = named.sections.first(where: { $0.filePath == file.path }) {
                    findings.append(Self.duplicateSectionFinding(section, first: first, path: file.path))
                }
                named.sections.append(section.source)
                for p in section.properties {
                    if let old = named.properties.updateValue(p, forKey: p.key) {
                        findings.append(Self.duplicateFinding(old: old, new: p, sectionName: section.name))
                    }
                }
                if section.kind == .ssoSession { ssoSessions[section.name] = named } else { services[section.name] = named }
            }
        }
    }

    static func duplicateSectionFinding(_ section: ConfigSection, first: Source, path: String) -> Finding {
        Finding(id: "config.portability.duplicate-section", severity: .warn,
                title: "Section [\(section.name)] appears twice in \(path): botocore refuses the file",
                evidence: [Evidence("first", section.name, source: first),
                           Evidence("again", section.name, source: section.source)],
                why: "The shared rules merge repeated sections; botocore (AWS CLI, Python) stops with "
                + "DuplicateSectionError and loads no profile at all.",
                fix: "Merge the two sections into one.")
    }

    static func duplicateFinding(old: ConfigProperty, new p: ConfigProperty, sectionName: String) -> Finding {
        let sameFile = old.source.filePath == p.source.filePath
        let secret = Redaction.isSecretName(p.key)
        return Finding(
            id: sameFile ? "config.portability.duplicate-key" : "config.credentials-override",
            severity: sameFile ? .warn : .info,
            title: sameFile
                ? "\(p.key) is set twice for [\(sectionName)]: the last one wins, botocore refuses the file"
                : "\(p.key) of [\(sectionName)] in the credentials file overrides the config file",
            evidence: [Evidence("overridden", secret ? Redaction.mask : old.value, source: old.source),
                       Evidence("used", secret ? Redaction.mask : p.value, source: p.source)],
            why: sameFile
                ? "The shared rules keep the last value; botocore (AWS CLI, Python) stops with "
                + "DuplicateOptionError and loads no profile at all."
                : "The credentials file wins over the config file for the same profile and key.",
            fix: sameFile ? "Remove one of the two lines." : "")
    }
}

/// What happened to one of the two files.
public struct ConfigFileStatus: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        /// Read and parsed.
        case read
        /// Not present (normal: both files are optional).
        case missing
        /// Present but unreadable (permissions, size).
        case unreadable
        /// Read, but the shared rules make it unusable (see `error`).
        case refused
    }
    public var path: String
    /// Where the path came from (flag, environment variable, default under HOME).
    public var pathSource: Source?
    public var kind: ConfigFileKind
    public var state: State
    public var error: InputError?

    public init(path: String, pathSource: Source? = nil, kind: ConfigFileKind, state: State, error: InputError? = nil) {
        self.path = path
        self.pathSource = pathSource
        self.kind = kind
        self.state = state
        self.error = error
    }
}

extension Source {
    /// The file path of a file position, nil otherwise.
    public var filePath: String? {
        if case let .file(file, _, _) = self { return file.path }
        return nil
    }
}

/// Finds and reads the two shared files the way the SDKs do, through a `FileSystem`.
public enum ConfigLoader {
    /// Largest file read; the SDKs have no limit but a bigger "config file" is not one.
    public static let sizeLimit = 64 << 20

    /// Where the config and credentials files are, with provenance: flag, then AWS_CONFIG_FILE /
    /// AWS_SHARED_CREDENTIALS_FILE, then `~/.aws/config` / `~/.aws/credentials`; `~` expands to HOME.
    public static func locations(environment: Environment, configFileFlag: String? = nil,
                                 credentialsFileFlag: String? = nil)
        -> (config: Sourced<String>?, credentials: Sourced<String>?, findings: [Finding]) {
        var findings: [Finding] = []
        let home = environment.sourced("HOME")
        func pick(_ flag: String?, _ flagName: String, _ env: String, _ defaultPath: String) -> Sourced<String>? {
            let raw: Sourced<String>
            if let flag, !flag.isEmpty {
                raw = Sourced(flag, from: .flag(flagName))
            } else if let e = environment.sourced(env) {
                raw = e
            } else {
                raw = Sourced(defaultPath, from: .defaultValue("SDK default"))
            }
            guard raw.value == "~" || raw.value.hasPrefix("~/") else { return raw }
            guard let home else {
                findings.append(Finding(
                    id: "config.home-unset", severity: .warn, title: "HOME is not set, so \(raw.value) cannot be found",
                    evidence: [Evidence("path", raw.value, source: raw.source)],
                    why: "The SDKs expand `~` with HOME (or the user database); without it they find no shared files.",
                    fix: "Set HOME, or \(env) to an absolute path."))
                return nil
            }
            var h = home.value
            while h.count > 1, h.hasSuffix("/") { h.removeLast() }
            return Sourced(h + raw.value.dropFirst(1), from: raw.source)
        }
        let c = pick(configFileFlag, "--config-file", "AWS_CONFIG_FILE", "~/.aws/config")
        let k = pick(credentialsFileFlag, "--credentials-file", "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials")
        return (c, k, findings)
    }

    /// Reads and merges both files. Missing files are normal; unreadable ones are findings.
    public static func load(fileSystem: any FileSystem, environment: Environment, configFileFlag: String? = nil,
                            credentialsFileFlag: String? = nil) -> SharedConfig {
        let loc = locations(environment: environment, configFileFlag: configFileFlag,
                            credentialsFileFlag: credentialsFileFlag)
        var statuses: [ConfigFileStatus] = []
        var findings = loc.findings
        func read(_ p: Sourced<String>?, _ kind: ConfigFileKind) -> ParsedConfigFile? {
            guard let p else { return nil }
            do {
                let bytes = try fileSystem.read(p.value, limit: sizeLimit)
                return ConfigParser.parse(bytes, path: p.value, kind: kind)
            } catch {
                if case .notFound = error {
                    statuses.append(ConfigFileStatus(path: p.value, pathSource: p.source, kind: kind, state: .missing))
                    if case .defaultValue = p.source {} else {
                        findings.append(Finding(
                            id: "config.file-missing", severity: .warn,
                            title: "The \(kind.rawValue) file \(p.value) does not exist",
                            evidence: [Evidence("path", p.value, source: p.source)],
                            why: "It was named explicitly, so its profiles were probably expected.",
                            fix: "Correct the path, or create the file."))
                    }
                } else {
                    statuses.append(ConfigFileStatus(path: p.value, pathSource: p.source, kind: kind,
                                                     state: .unreadable))
                    findings.append(Finding(
                        id: "config.file-unreadable", severity: .fail,
                        title: "The \(kind.rawValue) file cannot be read: \(error)",
                        evidence: [Evidence("path", p.value, source: p.source)],
                        why: "The SDKs skip or reject a file they cannot read, so its profiles are missing.",
                        fix: "Make \(p.value) readable by this user (and smaller than \(sizeLimit >> 20) MB)."))
                }
                return nil
            }
        }
        let c = read(loc.config, .config)
        let k = read(loc.credentials, .credentials)
        var merged = SharedConfig.merge(config: c, credentials: k)
        // Keep the path provenance on the files that were read.
        for i in merged.files.indices {
            if merged.files[i].path == loc.config?.value, merged.files[i].kind == .config {
                merged.files[i].pathSource = loc.config?.source
            } else if merged.files[i].path == loc.credentials?.value {
                merged.files[i].pathSource = loc.credentials?.source
            }
        }
        merged.files = statuses.filter { $0.kind == .config } + merged.files + statuses.filter { $0.kind == .credentials }
        merged.findings = findings + merged.findings
        return merged
    }
}
