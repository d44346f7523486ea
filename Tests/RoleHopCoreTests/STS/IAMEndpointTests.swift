import RoleHopCore
import RoleHopTestSupport
import Testing

/// IAM's global endpoint per partition against botocore (Tests/Data/sts/iam-endpoints.py wrote the table), and the
/// configured endpoint variables.
@Suite("IAM endpoint")
struct IAMEndpointTests {
    struct Row: Sendable, CustomStringConvertible {
        var region: String
        var url: String
        var signingRegion: String
        var description: String { region }
    }

    static let rows: [Row] = (readTextFile(RepoPaths.testData("sts/iam-endpoints.tsv")) ?? "")
        .split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let f = line.split(separator: "\t").map(String.init)
            return f.count == 3 ? Row(region: f[0], url: f[1], signingRegion: f[2]) : nil
        }

    @Test func theTableIsThere() { #expect(Self.rows.count >= 10) }

    @Test("the partition's endpoint, as botocore picks it", arguments: rows)
    func partitionEndpoint(row: Row) {
        let e = IAMEndpoint.resolve(environment: Environment(), roleArn: nil, region: row.region)
        #expect(e.url.value == row.url)
        #expect(e.signingRegion == row.signingRegion)
        // The role ARN's partition decides when the region says something else.
        let partition = STSEndpoint.partition(of: row.region).id
        let byArn = IAMEndpoint.resolve(environment: Environment(), roleArn: "arn:\(partition):iam::111122223333:role/r", region: "us-east-1")
        #expect(byArn.url.value == row.url)
    }

    @Test func configuredEndpointsWinInOrderUnlessIgnored() {
        let both = ["AWS_ENDPOINT_URL_IAM": "http://iam.local", "AWS_ENDPOINT_URL": "http://all.local"]
        let e = IAMEndpoint.resolve(environment: Environment(both), roleArn: nil, region: "cn-north-1")
        #expect(e.url.value == "http://iam.local")
        #expect(e.url.source == .environment("AWS_ENDPOINT_URL_IAM"))
        #expect(e.signingRegion == "cn-north-1")
        #expect(IAMEndpoint.resolve(environment: Environment(["AWS_ENDPOINT_URL": "http://all.local"]), roleArn: nil, region: nil).url.value
            == "http://all.local")
        var ignored = both
        ignored["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true"
        #expect(IAMEndpoint.resolve(environment: Environment(ignored), roleArn: nil, region: nil).url.value == "https://iam.amazonaws.com")
    }
}
