import RoleHopCore
import RoleHopTestSupport
import Testing

/// Every scenario of `scenarios/`, end to end: the built binary, the scenario's files through `--root`, its peer on
/// loopback (moto, the scripted server with AWS's exact answers, or a black hole). Each run must show the finding
/// ids the scenario expects, offline and live, with the expected exit code, and a report valid against
/// docs/report-schema.json (checked with Python's jsonschema, an independent validator).
@Suite("Scenarios end to end (binary, loopback peers)")
struct ScenarioTests {
    static let names = RunningScenario.all

    @Test func thereAreTheReferenceScenariosAndAtLeastTenBrokenOnes() {
        #expect(Self.names.contains("reference-chained"))
        #expect(Self.names.contains("reference-oidc-in-b"))
        #expect(Self.names.filter { !$0.hasPrefix("reference") }.count >= 10)
    }

    @Test(arguments: names)
    func findingsOfflineAndLive(name: String) async throws {
        let s = try await RunningScenario.start(name)
        defer { s.stop() }
        for mode in ["offline", "live"] {
            let flags = ["check", "--output", "json", "--timeout", "5", "--connect-timeout", "1"] + (mode == "offline" ? ["--offline"] : [])
            let r = try await s.rolehop(flags)
            let expect = try #require(s.expect[mode])
            #expect(Int32(expect["exit"]?.numberValue ?? -1) == r.exitCode, "\(name) \(mode): exit \(r.exitCode)\n\(r.stderr)")
            let doc = try JSONParser.parse(r.stdout).value
            let ids = Set((doc["findings"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
            for wanted in (expect["findings"]?.arrayValue ?? []).compactMap(\.stringValue) {
                #expect(ids.contains(wanted), "\(name) \(mode): \(wanted) missing from \(ids.sorted())")
            }
            #expect(doc["mode"]?.stringValue == (mode == "offline" ? "offline" : "live"))
            if let account = expect["finalAccount"]?.stringValue {
                #expect(doc["finalIdentity"]?["account"]?.stringValue == account)
            }
            try await validate(r.stdout, name: "\(name)-\(mode)")
        }
    }

    @Test func referenceChainedEndsInAccountBAndTheTextReportFits80Columns() async throws {
        let s = try await RunningScenario.start("reference-chained")
        defer { s.stop() }
        let r = try await s.rolehop(["check"])
        #expect(r.exitCode == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("verdict: the chain works"))
        #expect(r.stdout.contains("arn:aws:sts::444455556666:assumed-role/account-b-role/"))
        for line in r.stdout.split(separator: "\n") { #expect(line.count <= 80, "too wide: \(line)") }
    }

    func validate(_ json: String, name: String) async throws {
        let dir = TemporaryDirectory(prefix: "rolehop-schema")
        defer { dir.remove() }
        let doc = dir.write("\(name).json", json)
        let script = "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))"
        let r = try await ProcessRunner.runAsync([RepoPaths.python, "-c", script, doc, RepoPaths.root + "/docs/report-schema.json"])
        #expect(r.exitCode == 0, "\(name): report does not match docs/report-schema.json: \(r.stderr.suffix(600))")
    }
}
