/// A resolved credential chain: where the first credentials come from, then every STS call in order.
///
/// This is the model the rest of rolehop consumes (diagnosis, TUI, the live hop runner). It is a plain value:
/// every setting carries its `Source`, static secrets are `Secret`s, and nothing has been fetched or run.
///
/// A web-identity base is itself an STS call: `base` is `.webIdentity` (the token file) and `hops[0]` is the
/// `AssumeRoleWithWebIdentity` hop. The reference scenario therefore has two hops: web identity into
/// account A's role, then `AssumeRole` into account B's role.
public struct ResolvedChain: Sendable {
    /// The selected profile and why it was selected (flag, AWS_PROFILE, default); nil when the winning
    /// source is not a profile (environment keys, IRSA variables, container, instance metadata).
    public var profile: Sourced<String>?
    /// Where the first credentials come from.
    public var base: BaseCredentials
    /// STS calls in the order they are made, base first.
    public var hops: [RoleHop]
    /// The region every hop's STS client uses (the SDKs take it from the selected profile or environment,
    /// never from a source profile).
    public var region: Sourced<String>?
    /// Everything the resolver noticed, parse findings included.
    public var findings: [Finding]
    /// Every credential source present in this environment, in the SDKs' precedence order.
    public var candidates: [CredentialCandidate]
    /// Why the chain cannot be resolved at all (the SDKs would fail before any network call), or nil.
    public var blocker: Finding?

    public var isResolvable: Bool {
        // Not `blocker == nil`: that compares two optional Findings through the runtime's value witnesses.
        if case .none = blocker { return true }
        return false
    }

    public init(profile: Sourced<String>? = nil, base: BaseCredentials = .none, hops: [RoleHop] = [],
                region: Sourced<String>? = nil, findings: [Finding] = [], candidates: [CredentialCandidate] = [],
                blocker: Finding? = nil) {
        self.profile = profile
        self.base = base
        self.hops = hops
        self.region = region
        self.findings = findings
        self.candidates = candidates
        self.blocker = blocker
    }
}

/// The named sources `credential_source` may name (case-sensitive, as every SDK spells them).
public enum CredentialSourceName: String, Sendable, Hashable, CaseIterable {
    case environment = "Environment"
    case ec2InstanceMetadata = "Ec2InstanceMetadata"
    case ecsContainer = "EcsContainer"
}

/// Static keys, with provenance; the secret parts are `Secret`s.
public struct StaticKeys: Sendable, Hashable {
    public var accessKeyId: Sourced<String>
    public var secretAccessKey: Sourced<Secret>
    public var sessionToken: Sourced<Secret>?
    /// The profile they were read from, nil for environment variables.
    public var profile: String?

    public init(accessKeyId: Sourced<String>, secretAccessKey: Sourced<Secret>, sessionToken: Sourced<Secret>? = nil,
                profile: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.profile = profile
    }
}

/// Where the first credentials of a chain come from.
public enum BaseCredentials: Sendable, Hashable {
    /// Static keys from a profile or from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
    case accessKey(StaticKeys)
    /// A web-identity token file; the matching `AssumeRoleWithWebIdentity` call is `hops[0]`.
    case webIdentity(tokenFile: Sourced<String>, profile: String?)
    /// `credential_source` in a role profile: the SDK's own provider of that name supplies the keys.
    case namedSource(Sourced<CredentialSourceName>, profile: String)
    /// `credential_process`: shown, never run by the resolver.
    case process(command: Sourced<String>, profile: String)
    /// IAM Identity Center (SSO) settings: shown, never run.
    case sso(startURL: Sourced<String>?, session: Sourced<String>?, accountId: Sourced<String>?,
             roleName: Sourced<String>?, profile: String)
    /// The container credentials endpoint (ECS, EKS Pod Identity).
    case container(uri: Sourced<String>, authorizationTokenFile: Sourced<String>?)
    /// The EC2 instance metadata service.
    case instanceMetadata
    /// Nothing usable (see `ResolvedChain.blocker`).
    case none

    /// The `kind` word of the JSON form.
    public var kind: String {
        switch self {
        case .accessKey: "accessKey"
        case .webIdentity: "webIdentity"
        case .namedSource: "namedSource"
        case .process: "process"
        case .sso: "sso"
        case .container: "container"
        case .instanceMetadata: "instanceMetadata"
        case .none: "none"
        }
    }

    /// The profile that supplies these credentials, when a profile does.
    public var profile: String? {
        switch self {
        case let .accessKey(k): return k.profile
        case let .webIdentity(_, p): return p
        case let .namedSource(_, p), let .process(_, p): return p
        case let .sso(_, _, _, _, p): return p
        default: return nil
        }
    }

    /// True when the credentials are themselves role-session credentials, so an `AssumeRole` made with them
    /// is role chaining (limited to one hour).
    public var isRoleSession: Bool {
        switch self {
        case .container, .instanceMetadata, .sso: return true
        case let .namedSource(n, _): return n.value != .environment
        default: return false
        }
    }
}

/// One STS call of the chain.
public struct RoleHop: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// `AssumeRoleWithWebIdentity`: unsigned, the token is the proof.
        case assumeRoleWithWebIdentity
        /// `AssumeRole`: signed with the previous credentials.
        case assumeRole
    }
    public var kind: Kind
    /// The profile that declares this hop; nil for AWS_ROLE_ARN from the environment.
    public var profile: String?
    public var roleArn: Sourced<String>
    /// The session name, or nil when the SDK generates one (botocore: `botocore-session-<epoch>`).
    public var sessionName: Sourced<String>?
    public var externalId: Sourced<String>?
    public var mfaSerial: Sourced<String>?
    /// The requested duration; nil means the SDK default (3600 s).
    public var durationSeconds: Sourced<Int>?
    /// Web identity only: the token file.
    public var webIdentityTokenFile: Sourced<String>?
    /// AssumeRole only: where the calling credentials come from.
    public var sourceProfile: Sourced<String>?
    public var credentialSource: Sourced<String>?
    /// The region of the STS client (the chain's region).
    public var region: Sourced<String>?
    public var stsEndpoint: Sourced<String>
    /// The region the request is signed for.
    public var signingRegion: String
    /// True when the calling credentials are themselves role credentials (the one-hour chaining limit).
    public var isChained: Bool

    /// The endpoint of a hop not yet completed by the resolver; one value (its source's box is shared).
    public static let unsetEndpoint = Sourced("https://sts.amazonaws.com", from: .defaultValue("unset"))

    public init(kind: Kind, profile: String?, roleArn: Sourced<String>, sessionName: Sourced<String>? = nil,
                externalId: Sourced<String>? = nil, mfaSerial: Sourced<String>? = nil,
                durationSeconds: Sourced<Int>? = nil, webIdentityTokenFile: Sourced<String>? = nil,
                sourceProfile: Sourced<String>? = nil, credentialSource: Sourced<String>? = nil,
                region: Sourced<String>? = nil,
                stsEndpoint: Sourced<String> = RoleHop.unsetEndpoint,
                signingRegion: String = "us-east-1", isChained: Bool = false) {
        self.kind = kind
        self.profile = profile
        self.roleArn = roleArn
        self.sessionName = sessionName
        self.externalId = externalId
        self.mfaSerial = mfaSerial
        self.durationSeconds = durationSeconds
        self.webIdentityTokenFile = webIdentityTokenFile
        self.sourceProfile = sourceProfile
        self.credentialSource = credentialSource
        self.region = region
        self.stsEndpoint = stsEndpoint
        self.signingRegion = signingRegion
        self.isChained = isChained
    }
}

/// One credential source of the default provider chain found in this environment.
public struct CredentialCandidate: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case environmentKeys, profile, webIdentityEnvironment, container, instanceMetadata
    }
    public enum Status: String, Sendable, Hashable {
        /// The source the SDKs use.
        case winner
        /// Present, but an earlier source wins.
        case shadowed
        /// Present, but not consulted in this situation (environment keys under `--profile`).
        case ignored
    }
    public var kind: Kind
    public var status: Status
    /// What was seen (`AWS_ACCESS_KEY_ID=****WXYZ`, `profile account_b_role`), never a secret.
    public var summary: String
    public var evidence: [Evidence]

    public init(kind: Kind, status: Status, summary: String, evidence: [Evidence] = []) {
        self.kind = kind
        self.status = status
        self.summary = summary
        self.evidence = evidence
    }
}
