
/// The three pod-level probes together: EKS Pod Identity, instance metadata and the cluster's side.
public struct PodDiagnosis: Sendable {
    public var podIdentity: PodIdentityReport
    public var imds: IMDSReport
    public var kubernetes: KubernetesReport

    public init(podIdentity: PodIdentityReport, imds: IMDSReport, kubernetes: KubernetesReport) {
        self.podIdentity = podIdentity
        self.imds = imds
        self.kubernetes = kubernetes
    }

    /// Runs the three probes concurrently.
    public static func run(environment: Environment, fs: any FileSystem, transport: any HTTPTransport,
                           kubernetesTransport: any HTTPTransport, now: Date,
                           imdsTimeouts: IMDSProbe.Timeouts = IMDSProbe.Timeouts()) async -> PodDiagnosis {
        async let pi = PodIdentityProbe.run(environment: environment, fs: fs, transport: transport, now: now)
        async let md = IMDSProbe.run(environment: environment, transport: transport, timeouts: imdsTimeouts)
        async let k8s = KubernetesReader.run(environment: environment, fs: fs, transport: kubernetesTransport)
        return PodDiagnosis(podIdentity: await pi, imds: await md, kubernetes: await k8s)
    }

    /// Every finding, Pod Identity first.
    public var findings: [Finding] { podIdentity.findings + imds.findings + kubernetes.findings }

    /// True when some finding is a failure (exit code 1).
    public var hasFailures: Bool { findings.contains { $0.severity == .fail } }

    public var jsonObject: JSONValue {
        .object([("podIdentity", podIdentity.jsonObject), ("imds", imds.jsonObject), ("kubernetes", kubernetes.jsonObject)])
    }
}
