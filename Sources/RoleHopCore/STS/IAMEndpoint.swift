/// Where IAM reads go: IAM is a global service with one endpoint per partition.
public struct IAMEndpoint: Sendable, Hashable {
    public var url: Sourced<String>
    /// The region requests are signed for (IAM signs with its partition's home region).
    public var signingRegion: String

    public init(url: Sourced<String>, signingRegion: String) {
        self.url = url
        self.signingRegion = signingRegion
    }

    /// The partition's global IAM endpoint and signing region, by partition id (`aws`, `aws-cn`, ...).
    public static func partitionEndpoint(_ partition: String) -> (url: String, signingRegion: String) {
        switch partition {
        case "aws-cn": ("https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1")
        case "aws-us-gov": ("https://iam.us-gov.amazonaws.com", "us-gov-west-1")
        case "aws-iso": ("https://iam.us-iso-east-1.c2s.ic.gov", "us-iso-east-1")
        case "aws-iso-b": ("https://iam.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1")
        default: ("https://iam.amazonaws.com", "us-east-1")
        }
    }

    /// AWS_ENDPOINT_URL_IAM, else AWS_ENDPOINT_URL (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true), else the
    /// partition's endpoint. The partition is the role ARN's when it names one, else the region's.
    public static func resolve(environment: Environment, roleArn: String?, region: String?) -> IAMEndpoint {
        let partition = roleArn.flatMap { ARN($0)?.partition }
            ?? STSEndpoint.partition(of: region ?? "").id
        let (url, signing) = partitionEndpoint(partition)
        if environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() != "true" {
            for name in ["AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL"] {
                if let v = environment.sourced(name), !v.value.isEmpty {
                    return IAMEndpoint(url: v, signingRegion: signing)
                }
            }
        }
        return IAMEndpoint(url: Sourced(url, from: .derived("IAM's endpoint in partition \(partition)")),
                           signingRegion: signing)
    }
}
