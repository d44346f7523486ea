import RoleHopCore
import RoleHopTestSupport
import Testing

/// Rows of Tests/Data/config/sts_endpoints.json (botocore's answers, from generate_sts_endpoints.py).
enum STSEndpointTable {
    static let document: JSONValue = {
        guard let text = readTextFile(RepoPaths.testData("config/sts_endpoints.json")),
              let doc = try? JSONParser.parse(text, recordPositions: false) else { return .null }
        return doc.value
    }()
    static var rows: [JSONValue] { document["rows"]?.arrayValue ?? [] }
    static var names: [String] { rows.compactMap { $0["name"]?.stringValue } }
}

@Suite("STS endpoint selection")
struct STSEndpointTests {
    @Test("the table is there")
    func tableLoaded() { #expect(STSEndpointTable.rows.count > 100) }

    @Test("same endpoint as botocore", arguments: STSEndpointTable.names)
    func matchesBotocore(name: String) throws {
        let row = try #require(STSEndpointTable.rows.first { $0["name"]?.stringValue == name })
        var text = "[profile t]\n"
        if let r = row["region"]?.stringValue { text += "region = \(r)\n" }
        for (k, v) in row["profile"]?.objectValue ?? [] { text += "\(k) = \(v.stringValue ?? "")\n" }
        text += "[services s]\nsts =\n  endpoint_url = http://services-sts:1\n"
        var env = Environment()
        for (k, v) in row["env"]?.objectValue ?? [] { env[k] = v.stringValue }
        let config = SharedConfig.merge(config: ConfigParser.parse(text, path: "/c", kind: .config), credentials: nil)
        let profile = config.profiles["t"]
        let settings = STSEndpointSettings.from(profile: profile, services: config.services, environment: env,
                                                region: ChainResolver.region(environment: env, profile: profile))
        let ep = STSEndpoint.resolve(settings)
        #expect(ep.url.value == row["endpoint"]?.stringValue)
    }

    @Test("provenance names the winning override")
    func provenance() {
        let s = STSEndpointSettings(region: Sourced("eu-west-1", from: .environment("AWS_REGION")),
                                    envGlobalEndpoint: Sourced("http://a:1", from: .environment("AWS_ENDPOINT_URL")),
                                    profileEndpoint: Sourced("http://b:1", from: .file(path: "/c", line: 3, column: 16)))
        let ep = STSEndpoint.resolve(s)
        #expect(ep.url == Sourced("http://a:1", from: .environment("AWS_ENDPOINT_URL")))
        #expect(ep.signingRegion == "eu-west-1")
    }

    @Test("the global endpoint is a finding, signed for us-east-1")
    func globalEndpointFinding() {
        let s = STSEndpointSettings(region: Sourced("eu-west-1", from: .environment("AWS_REGION")),
                                    stsRegionalEndpoints: Sourced("legacy", from: .environment("AWS_STS_REGIONAL_ENDPOINTS")))
        let ep = STSEndpoint.resolve(s)
        #expect(ep.url.value == "https://sts.amazonaws.com")
        #expect(ep.signingRegion == "us-east-1")
        #expect(ep.findings.map(\.id) == ["chain.sts-global-endpoint"])
    }

    @Test("an invalid sts_regional_endpoints value is a failure, as botocore refuses it")
    func invalidMode() {
        let s = STSEndpointSettings(region: Sourced("eu-west-1", from: .environment("AWS_REGION")),
                                    stsRegionalEndpoints: Sourced("global", from: .file(path: "/c", line: 2, column: 26)))
        let ep = STSEndpoint.resolve(s)
        #expect(ep.findings.first?.id == "chain.sts-endpoint-setting-invalid")
        #expect(ep.findings.first?.severity == .fail)
        #expect(ep.url.value == "https://sts.eu-west-1.amazonaws.com")
    }

    @Test("partitions", arguments: [("eu-west-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-east-1", "aws-us-gov"),
                                    ("us-iso-east-1", "aws-iso"), ("us-isob-east-1", "aws-iso-b")])
    func partitions(region: String, partition: String) {
        #expect(STSEndpoint.partition(of: region).id == partition)
    }
}
