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

    static let utf8Names: [[UInt8]] = names.map { Array($0.utf8) }

    /// The known key spelled by these (lower-case) bytes, or nil.
    static func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> ConfigKey? {
        let count = bytes.count
        // Every known key starts with a letter from a small set; others are rejected without a scan.
        guard count >= 3, count <= 31 else { return nil }
        let table = utf8Names
        for i in table.indices {
            let candidate = table[i]
            guard candidate.count == count, candidate[0] == bytes[0] else { continue }
            var k = 1
            while k < count, candidate[k] == bytes[k] { k += 1 }
            if k == count { return ConfigKey(rawValue: UInt8(i)) }
        }
        return nil
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

    @inline(__always) subscript(_ key: ConfigKey) -> Int {
        get { Int(raw[Int(key.rawValue)]) }
        set { raw[Int(key.rawValue)] = UInt32(truncatingIfNeeded: newValue) }
    }
}
