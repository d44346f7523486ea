import RoleHopCore

/// A scenario of `scenarios/` laid out as a pod's files with its peer running on loopback.
public final class RunningScenario: @unchecked Sendable {
    public let name: String
    /// The container environment (HOME, AWS_*), with the peer's endpoint substituted.
    public let environment: [String: String]
    /// `--root ... --policy-dir ... --jwks ...` (and `--profile` when the scenario names one).
    public let arguments: [String]
    public let expect: JSONValue
    public let endpoint: String
    let peer: LoopbackServer
    let directory: TemporaryDirectory

    init(name: String, environment: [String: String], arguments: [String], expect: JSONValue, endpoint: String,
         peer: LoopbackServer, directory: TemporaryDirectory) {
        self.name = name
        self.environment = environment
        self.arguments = arguments
        self.expect = expect
        self.endpoint = endpoint
        self.peer = peer
        self.directory = directory
    }

    /// Starts the scenario's peer (`scripts/scenario.py serve`) and lays its files out (`prepare`).
    public static func start(_ name: String) async throws -> RunningScenario {
        let peer = try await offThePool {
            try LoopbackServer(script: "../../scripts/scenario.py", arguments: ["serve", name], readyTimeout: 60)
        }
        let endpoint = peer.info["endpoint"]?.stringValue ?? "http://127.0.0.1:9"
        let dir = TemporaryDirectory(prefix: "rolehop-scenario")
        let r = try await ProcessRunner.runAsync([RepoPaths.python, RepoPaths.root + "/scripts/scenario.py", "prepare", name,
                                                  "--out", dir.path, "--endpoint", endpoint], timeout: 60)
        guard r.exitCode == 0 else { throw ProcessError(description: "scenario.py prepare \(name): \(r.stderr)") }
        let doc = try JSONParser.parse(r.stdout).value
        var env = ["PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "TERM": "dumb"]
        for (k, v) in doc["env"]?.objectValue ?? [] { env[k] = v.stringValue }
        let args = (doc["args"]?.arrayValue ?? []).compactMap(\.stringValue)
        return RunningScenario(name: name, environment: env, arguments: args, expect: doc["expect"] ?? .null,
                               endpoint: endpoint, peer: peer, directory: dir)
    }

    /// Runs `rolehop ARGS... <scenario arguments>` in the scenario's environment.
    public func rolehop(_ args: [String], extraEnvironment: [String: String] = [:], timeout: Double = 60) async throws -> ProcessResult {
        var env = environment
        for (k, v) in extraEnvironment { env[k] = v }
        return try await ProcessRunner.rolehop(args + arguments, environment: env, timeout: timeout)
    }

    public func stop() {
        peer.stop()
        directory.remove()
    }

    /// Names of every scenario folder.
    public static var all: [String] {
        let fs = LocalFileSystem()
        let dir = RepoPaths.root + "/scenarios"
        return fs.list(dir).filter { fs.exists(dir + "/" + $0 + "/scenario.json") }
    }
}
