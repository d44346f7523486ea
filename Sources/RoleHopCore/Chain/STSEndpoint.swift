/// The settings that decide which STS endpoint a hop calls, each with its provenance.
///
/// Build it with `STSEndpointSettings.from(profile:services:environment:region:)`, or field by field in tests.
public struct STSEndpointSettings: Sendable, Hashable {
    public var region: Sourced<String>?
    /// `sts_regional_endpoints` / AWS_STS_REGIONAL_ENDPOINTS: `regional` (default) or `legacy`.
    public var stsRegionalEndpoints: Sourced<String>?
    public var useFIPS: Sourced<String>?
    public var useDualStack: Sourced<String>?
    /// AWS_ENDPOINT_URL_STS.
    public var envServiceEndpoint: Sourced<String>?
    /// `sts =` / `endpoint_url =` in the `[services NAME]` section the profile names.
    public var servicesEndpoint: Sourced<String>?
    /// AWS_ENDPOINT_URL.
    public var envGlobalEndpoint: Sourced<String>?
    /// The profile's own `endpoint_url`.
    public var profileEndpoint: Sourced<String>?
    /// `ignore_configured_endpoint_urls` / AWS_IGNORE_CONFIGURED_ENDPOINT_URLS.
    public var ignoreConfiguredEndpoints: Sourced<String>?

    public init(region: Sourced<String>? = nil, stsRegionalEndpoints: Sourced<String>? = nil,
                useFIPS: Sourced<String>? = nil, useDualStack: Sourced<String>? = nil,
                envServiceEndpoint: Sourced<String>? = nil, servicesEndpoint: Sourced<String>? = nil,
                envGlobalEndpoint: Sourced<String>? = nil, profileEndpoint: Sourced<String>? = nil,
                ignoreConfiguredEndpoints: Sourced<String>? = nil) {
        self.region = region
        self.stsRegionalEndpoints = stsRegionalEndpoints
        self.useFIPS = useFIPS
        self.useDualStack = useDualStack
        self.envServiceEndpoint = envServiceEndpoint
        self.servicesEndpoint = servicesEndpoint
        self.envGlobalEndpoint = envGlobalEndpoint
        self.profileEndpoint = profileEndpoint
        self.ignoreConfiguredEndpoints = ignoreConfiguredEndpoints
    }

    /// Collects the settings as the SDKs do: environment first, then the profile (and its services section).
    public static func from(profile: Profile?, services: [String: NamedSection], environment: Environment,
                            region: Sourced<String>?) -> STSEndpointSettings {
        var s = STSEndpointSettings(region: region)
        s.stsRegionalEndpoints = environment.sourced("AWS_STS_REGIONAL_ENDPOINTS")
        s.useFIPS = environment.sourced("AWS_USE_FIPS_ENDPOINT")
        s.useDualStack = environment.sourced("AWS_USE_DUALSTACK_ENDPOINT")
        s.envServiceEndpoint = environment.sourced("AWS_ENDPOINT_URL_STS")
        s.envGlobalEndpoint = environment.sourced("AWS_ENDPOINT_URL")
        s.ignoreConfiguredEndpoints = environment.sourced("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        return s.adding(profile: profile, services: services, region: region)
    }

    /// These environment settings completed with a profile's (the environment wins where both are set).
    public func adding(profile: Profile?, services: [String: NamedSection], region: Sourced<String>?)
        -> STSEndpointSettings {
        var s = self
        s.region = region
        guard let profile else { return s }
        s.stsRegionalEndpoints = s.stsRegionalEndpoints ?? profile.sourced(.stsRegionalEndpoints)
        s.useFIPS = s.useFIPS ?? profile.sourced(.useFIPSEndpoint)
        s.useDualStack = s.useDualStack ?? profile.sourced(.useDualStackEndpoint)
        s.profileEndpoint = profile.sourced(.endpointURL)
        s.ignoreConfiguredEndpoints = s.ignoreConfiguredEndpoints ?? profile.sourced(.ignoreConfiguredEndpointURLs)
        if let name = profile[.services]?.value, let section = services[name],
           let sts = section.properties["sts"], let url = sts.subProperty("endpoint_url"), !url.value.isEmpty {
            s.servicesEndpoint = url.sourced
        }
        return s
    }
}

/// The endpoint a hop's STS call goes to, and how it was chosen.
public struct STSEndpoint: Sendable, Hashable {
    public var url: Sourced<String>
    /// The region the request is signed for (`us-east-1` for the global endpoint).
    public var signingRegion: String
    /// Problems with the settings (invalid values, the global endpoint).
    public var findings: [Finding]

    /// The AWS partition of a region, by its prefix: (partition id, DNS suffix, dual-stack suffix).
    public static func partition(of region: String) -> (id: String, dnsSuffix: String, dualStackSuffix: String) {
        if region.hasPrefix("cn-") { return ("aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn") }
        if region.hasPrefix("us-gov-") { return ("aws-us-gov", "amazonaws.com", "api.aws") }
        if region.hasPrefix("us-isob-") { return ("aws-iso-b", "sc2s.sgov.gov", "api.aws") }
        if region.hasPrefix("us-iso-") { return ("aws-iso", "c2s.ic.gov", "api.aws") }
        return ("aws", "amazonaws.com", "api.aws")
    }

    /// Regions that used the global endpoint `sts.amazonaws.com` under `sts_regional_endpoints = legacy`
    /// (botocore's LEGACY_GLOBAL_STS_REGIONS).
    public static let legacyGlobalRegions: Set<String> = [
        "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "aws-global", "ca-central-1",
        "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1", "us-east-1", "us-east-2",
        "us-west-1", "us-west-2",
    ]

    static func isTrue(_ s: Sourced<String>?) -> Bool { s?.value.lowercased() == "true" }

    /// Resolves the endpoint: configured endpoint URLs first (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the
    /// services section, the profile's `endpoint_url`, unless ignored), then the partition's regional
    /// endpoint with FIPS and dual-stack variants, or the global endpoint for `legacy` in a legacy region or
    /// when no region is set.
    public static func resolve(_ s: STSEndpointSettings, hop: Int? = nil) -> STSEndpoint {
        var findings: [Finding] = []
        let region = s.region?.value ?? ""
        let signing = region.isEmpty || region == "aws-global" ? "us-east-1" : region

        var ignore = false
        if let i = s.ignoreConfiguredEndpoints {
            switch i.value.lowercased() {
            case "true": ignore = true
            case "false": break
            default:
                findings.append(Finding(
                    id: "chain.sts-endpoint-setting-invalid", severity: .warn,
                    title: "ignore_configured_endpoint_urls must be true or false, not \(i.value)",
                    evidence: [Evidence("value", i.value, source: i.source)],
                    why: "The SDKs treat other values as false or reject them.", fix: "Set it to true or false.",
                    hop: hop))
            }
        }
        if !ignore {
            // Environment before files (SDK reference guide, "Service-specific endpoints"; botocore agrees):
            // AWS_ENDPOINT_URL beats the services section.
            for candidate in [s.envServiceEndpoint, s.envGlobalEndpoint, s.servicesEndpoint, s.profileEndpoint] {
                if let c = candidate {
                    return STSEndpoint(url: c, signingRegion: signing, findings: findings)
                }
            }
        }

        let fips = isTrue(s.useFIPS)
        let dual = isTrue(s.useDualStack)
        var mode = "regional"
        if let r = s.stsRegionalEndpoints {
            let v = r.value.lowercased()
            if v == "legacy" || v == "regional" {
                mode = v
            } else {
                findings.append(Finding(
                    id: "chain.sts-endpoint-setting-invalid", severity: .fail,
                    title: "sts_regional_endpoints must be regional or legacy, not \(r.value)",
                    evidence: [Evidence("value", r.value, source: r.source)],
                    why: "botocore refuses to create the STS client (InvalidSTSRegionalEndpointsConfigError).",
                    fix: "Set sts_regional_endpoints = regional.", hop: hop))
            }
        }

        let (_, dns, dualDNS) = partition(of: region)
        let global = !fips && !dual
            && (region.isEmpty || region == "aws-global" || (mode == "legacy" && legacyGlobalRegions.contains(region)))
        if global {
            let why: Source
            if region.isEmpty {
                why = .derived("no region configured: the SDKs fall back to the global endpoint")
            } else if region == "aws-global" {
                why = .derived("region aws-global")
            } else {
                why = .derived("sts_regional_endpoints=legacy (\(s.stsRegionalEndpoints?.source.description ?? "")) "
                               + "and \(region) is a legacy global region")
            }
            findings.append(Finding(
                id: "chain.sts-global-endpoint", severity: .info,
                title: "STS calls go to the global endpoint sts.amazonaws.com",
                evidence: [Evidence("endpoint", "https://sts.amazonaws.com", source: why)],
                why: "The global endpoint is served from us-east-1 only; private clusters without internet "
                + "access reach it only through a proxy, and regional VPC endpoints do not serve it.",
                fix: region.isEmpty ? "Set region (AWS_REGION or `region =` in the profile)."
                    : "Set sts_regional_endpoints = regional (or unset AWS_STS_REGIONAL_ENDPOINTS).", hop: hop))
            return STSEndpoint(url: Sourced("https://sts.amazonaws.com", from: why), signingRegion: "us-east-1",
                               findings: findings)
        }
        let host: String
        let name = region.isEmpty || region == "aws-global" ? "aws-global" : region
        if dual {
            host = (fips ? "sts-fips." : "sts.") + name + "." + dualDNS
        } else if fips, !region.hasPrefix("us-gov-") {
            host = "sts-fips." + name + "." + dns
        } else {
            // In GovCloud the regional STS endpoint is itself FIPS-validated: no `sts-fips` host name.
            host = "sts." + name + "." + dns
        }
        // The reason names the inputs; their own provenance is on `region`, `useFIPS`, `useDualStack`.
        let reason = fips || dual
            ? "regional endpoint of \(name)" + (fips ? ", FIPS" : "") + (dual ? ", dual-stack" : "")
            : "regional endpoint of " + name
        return STSEndpoint(url: Sourced("https://" + host, from: .derived(reason)), signingRegion: signing,
                           findings: findings)
    }
}
