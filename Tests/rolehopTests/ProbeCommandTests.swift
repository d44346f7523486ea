import RoleHopCore
import RoleHopTestSupport
import Testing

/// `rolehop probe` run as a user runs it: the built binary, a clean environment, moto on loopback.
@Suite("rolehop probe (binary)")
struct ProbeCommandTests {
    @Test func jsonOutputAgainstMotoHasOrderedTimings() async throws {
        let moto = try await MotoServer.shared()
        let home = TemporaryDirectory()
        defer { home.remove() }
        let env = ProcessRunner.cleanEnvironment(home: home.path, extra: ["AWS_ENDPOINT_URL_STS": moto.endpoint + "/"])
        let result = try await ProcessRunner.rolehop(["probe", "--output", "json"], environment: env)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let doc = try JSONParser.parse(result.stdout).value
        let target = try #require(doc["targets"]?.arrayValue?.first)
        #expect(target["target"] == "stsConfigured")
        #expect(target["source"] == "env AWS_ENDPOINT_URL_STS")
        #expect(target["reachable"] == true)
        #expect(target["status"]?.numberValue == 200)
        #expect(target["address"] == "127.0.0.1")
        let t = try #require(target["timings"])
        let phases = ["dnsMs", "connectMs", "tlsMs", "firstByteMs", "totalMs"].compactMap { t[$0]?.numberValue }
        #expect(phases.count == 5)
        #expect(phases == phases.sorted())
        #expect((phases.last ?? 0) > 0)
    }

    @Test func unreachableEndpointExitsOneWithClassifiedError() async throws {
        let port = unusedLoopbackPort()
        let home = TemporaryDirectory()
        defer { home.remove() }
        let result = try await ProcessRunner.rolehop(
            ["probe", "--endpoint-url", "http://127.0.0.1:\(port)/", "--output", "json"],
            environment: ProcessRunner.cleanEnvironment(home: home.path))
        #expect(result.exitCode == 1)
        let doc = try JSONParser.parse(result.stdout).value
        #expect(doc["targets"]?[0]?["error"]?["code"] == "connection-refused")
        #expect(doc["findings"]?[0]?["id"] == "net.sts-unreachable")
    }

    @Test func regionFromEnvironmentNamesTheRegionalEndpoint() async throws {
        // AWS_DEFAULT_REGION is used when AWS_REGION is absent; nothing is contacted beyond loopback because the
        // endpoint override is absent only in this pure check of the target list.
        let targets = Prober.stsTargets(region: Prober.region(flag: nil, environment: Environment(["AWS_DEFAULT_REGION": "eu-west-1"])),
                                        endpointFlag: nil, environment: Environment())
        #expect(targets.map(\.url) == ["https://sts.eu-west-1.amazonaws.com/", "https://sts.amazonaws.com/"])
        #expect(targets.first?.source.description.contains("AWS_DEFAULT_REGION") == true)
    }
}
