import RoleHopCore
import RoleHopTestSupport
import Testing

/// The corpus of Tests/Data/config/botocore_chains.json: inputs and what botocore resolved for them
/// (written by generate_botocore_chains.py beside it).
enum BotocoreCorpus {
    static let document: JSONValue = {
        guard let text = readTextFile(RepoPaths.testData("config/botocore_chains.json")),
              let doc = try? JSONParser.parse(text, recordPositions: false) else { return .null }
        return doc.value
    }()

    static var cases: [JSONValue] { document["cases"]?.arrayValue ?? [] }
    static var names: [String] { cases.compactMap { $0["name"]?.stringValue } }
    static func named(_ name: String) -> JSONValue? { cases.first { $0["name"]?.stringValue == name } }

    static let home = "/home/tester"

    /// Resolves a corpus case with rolehop, the files in memory at the paths botocore read them from.
    static func resolve(_ c: JSONValue) -> (ResolvedChain, SharedConfig) {
        var fs = MemoryFileSystem()
        if let text = c["config"]?.stringValue { fs.add(home + "/.aws/config", text) }
        if let text = c["credentials"]?.stringValue { fs.add(home + "/.aws/credentials", text) }
        var env = Environment(["HOME": home, "AWS_EC2_METADATA_DISABLED": "true"])
        for (k, v) in c["env"]?.objectValue ?? [] { env[k] = v.stringValue }
        let config = ConfigLoader.load(fileSystem: fs, environment: env)
        let chain = ChainResolver.resolve(config: config, environment: env,
                                          selection: .init(flag: c["profile"]?.stringValue))
        return (chain, config)
    }
}

@Suite("rolehop against botocore over the config corpus")
struct BotocoreOracleTests {
    @Test("the corpus has every shape the issue asks for")
    func corpusSize() {
        #expect(BotocoreCorpus.cases.count >= 40)
        #expect(BotocoreCorpus.named("reference-scenario") != nil)
    }

    @Test("rolehop resolves what botocore resolves, or differs where the case says why", arguments: BotocoreCorpus.names)
    func sameChain(name: String) throws {
        let c = try #require(BotocoreCorpus.named(name))
        let boto = try #require(c["botocore"])
        let mine = c["rolehop"]
        let (chain, _) = BotocoreCorpus.resolve(c)
        let steps = ChainReport.steps(chain)

        if mine?["error"]?.boolValue == true || (boto["error"] != nil && c["differs"] == nil) {
            #expect(!chain.isResolvable, "botocore: \(boto["error"]?.stringValue ?? "") \(boto["message"]?.stringValue ?? "")")
        }
        if let path = mine?["cyclePath"]?.stringValue {
            #expect(chain.blocker?.id == "chain.cycle")
            #expect(chain.blocker?.evidence.first { $0.label == "path" }?.value == path)
        }
        if let id = mine?["finding"]?.stringValue {
            #expect(chain.findings.contains { $0.id == id }, "expected finding \(id)")
        }
        if let kinds = mine?["kinds"]?.arrayValue {
            #expect(steps.map(\.kind) == kinds.compactMap(\.stringValue))
        }
        if let arns = mine?["roleArns"]?.arrayValue {
            #expect(chain.hops.map(\.roleArn.value) == arns.compactMap(\.stringValue))
        }
        guard c["differs"] == nil, let bSteps = boto["chain"]?.arrayValue else { return }

        // The same chain, step by step.
        try #require(chain.isResolvable, "rolehop: \(chain.blocker?.title ?? "")")
        #expect(steps.map(\.kind) == bSteps.compactMap { $0["kind"]?.stringValue })
        for (mineStep, bStep) in zip(steps, bSteps) {
            for (key, value) in bStep.objectValue ?? [] where key != "kind" {
                let have = mineStep.settings.first { $0.name == key }?.value.value
                let want = value.stringValue ?? value.numberValue.map { String(Int($0)) }
                #expect(have == want, "\(mineStep.kind).\(key)")
            }
        }
        // Same region and STS endpoint (botocore's client for the assume-role calls uses the session's).
        if let region = boto["region"]?.stringValue {
            #expect(chain.region?.value == region)
        } else {
            #expect(chain.region == nil)
        }
        if let endpoint = boto["stsEndpoint"]?.stringValue, let first = chain.hops.first {
            #expect(first.stsEndpoint.value == endpoint)
        }
    }

    @Test("every difference from botocore is stated in the corpus and reported as a finding or an error")
    func differencesAreExplained() {
        for c in BotocoreCorpus.cases where c["differs"] != nil {
            #expect(c["rolehop"] != nil, "\(c["name"]?.stringValue ?? ""): a difference needs the rolehop expectation")
        }
    }
}
