#if canImport(Glibc)
import Glibc
#endif

/// The setting keys rolehop reads, interned: a profile keeps a fixed slot per known key, so looking a setting
/// up is an array read instead of hashing a String, and every property with a known key shares one key string.
public enum ConfigKey: UInt8, Sendable, Hashable, CaseIterable {
    case awsAccessKeyId, awsSecretAccessKey, awsSessionToken, awsSecurityToken
    case roleArn, webIdentityTokenFile, sourceProfile, credentialSource, credentialProcess
    case roleSessionName, externalId, mfaSerial, durationSeconds
    case ssoSession, ssoStartURL, ssoAccountId, ssoRoleName, ssoRegion
    case region, stsRegionalEndpoints, useFIPSEndpoint, useDualStackEndpoint, endpointURL
    case ignoreConfiguredEndpointURLs, services, sts

    /// The key as written in the files (lower case).
    public var name: String { Self.names[Int(rawValue)] }

    /// Names by raw value; one String instance per key, shared by every property that uses it.
    static let names: [String] = [
        "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_security_token",
        "role_arn", "web_identity_token_file", "source_profile", "credential_source", "credential_process",
        "role_session_name", "external_id", "mfa_serial", "duration_seconds",
        "sso_session", "sso_start_url", "sso_account_id", "sso_role_name", "sso_region",
        "region", "sts_regional_endpoints", "use_fips_endpoint", "use_dualstack_endpoint", "endpoint_url",
        "ignore_configured_endpoint_urls", "services", "sts",
    ]

    /// The key as a static string (no reference counting when the parser compares bytes with it).
    var staticName: StaticString {
        switch self {
        case .awsAccessKeyId: "aws_access_key_id"
        case .awsSecretAccessKey: "aws_secret_access_key"
        case .awsSessionToken: "aws_session_token"
        case .awsSecurityToken: "aws_security_token"
        case .roleArn: "role_arn"
        case .webIdentityTokenFile: "web_identity_token_file"
        case .sourceProfile: "source_profile"
        case .credentialSource: "credential_source"
        case .credentialProcess: "credential_process"
        case .roleSessionName: "role_session_name"
        case .externalId: "external_id"
        case .mfaSerial: "mfa_serial"
        case .durationSeconds: "duration_seconds"
        case .ssoSession: "sso_session"
        case .ssoStartURL: "sso_start_url"
        case .ssoAccountId: "sso_account_id"
        case .ssoRoleName: "sso_role_name"
        case .ssoRegion: "sso_region"
        case .region: "region"
        case .stsRegionalEndpoints: "sts_regional_endpoints"
        case .useFIPSEndpoint: "use_fips_endpoint"
        case .useDualStackEndpoint: "use_dualstack_endpoint"
        case .endpointURL: "endpoint_url"
        case .ignoreConfiguredEndpointURLs: "ignore_configured_endpoint_urls"
        case .services: "services"
        case .sts: "sts"
        }
    }

    /// A hash of a key's length, middle and last byte that is distinct for every known key (checked when the
    /// table is built; a collision falls back to comparing with every key), so a lookup compares one name.
    @inline(__always) static func slot(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let n = bytes.count
        return (n &* 25 &+ Int(bytes[n - 1]) &* 6 &+ Int(bytes[n >> 1])) & 63
    }

    /// Raw value + 1 by `slot`, 0 for none; empty when two keys collide.
    static let slots: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 64)
        for k in ConfigKey.allCases {
            let name = k.staticName
            let h = slot(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            if table[h] != 0 { return [] }
            table[h] = k.rawValue + 1
        }
        return table
    }()

    /// The known key spelled by these (lower-case) bytes, or nil.
    static func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> ConfigKey? {
        let count = bytes.count
        guard count >= 3, count <= 31, let base = bytes.baseAddress else { return nil }
        let table = slots
        if table.isEmpty {
            for k in ConfigKey.allCases where matches(k, base, count) { return k }
            return nil
        }
        let v = table[slot(bytes)]
        guard v != 0, let k = ConfigKey(rawValue: v - 1), matches(k, base, count) else { return nil }
        return k
    }

    @inline(__always) static func matches(_ k: ConfigKey, _ base: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        let name = k.staticName
        return name.utf8CodeUnitCount == count && memcmp(name.utf8Start, base, count) == 0
    }

    /// The known key of a (lower-case) key string, or nil.
    public init?(name: String) {
        var s = name
        guard let found = s.withUTF8({ ConfigKey.lookup($0) }) else { return nil }
        self = found
    }
}

/// Index + 1 into a profile's property list for each known key; 0 when the key is absent.
struct ConfigKeySlots: Sendable, Hashable {
    var raw = SIMD32<UInt32>()
    /// The last lane, past every `ConfigKey`: holds `Profile.ordinal`.
    static let ordinalLane = 31

    @inline(__always) subscript(_ key: ConfigKey) -> Int {
        get { Int(raw[Int(key.rawValue)]) }
        set { raw[Int(key.rawValue)] = UInt32(truncatingIfNeeded: newValue) }
    }
}
