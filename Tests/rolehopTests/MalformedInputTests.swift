import RoleHopCore
import RoleHopTestSupport
import Testing

/// One file of the malformed-input corpus (Tests/Data/malformed, written by make_malformed.py).
struct MalformedInput: Sendable, CustomTestStringConvertible {
    var kind: String
    /// Relative to Tests/Data/malformed.
    var file: String
    /// The 1-based line of the defect, for line-based formats (from the generator, not from rolehop).
    var line: Int?

    var path: String { RepoPaths.testData("malformed/" + file) }
    var testDescription: String { file }

    /// Every corpus file of one kind, as the generator's manifest lists them.
    static func all(_ kind: String) -> [MalformedInput] {
        guard let text = readTextFile(RepoPaths.testData("malformed/manifest.json")),
              let list = try? JSONParser.parse(text).value.arrayValue else { return [] }
        return list.compactMap { e in
            guard let k = e["kind"]?.stringValue, k == kind, let f = e["file"]?.stringValue else { return nil }
            return MalformedInput(kind: k, file: f, line: e["line"]?.numberValue.map { Int($0) })
        }
    }
}

/// Every malformed config file, token, policy and raw request, fed to the built binary as a user would: exit 2,
/// `rolehop: FILE:LINE:COL: ...` (or a byte offset) on stderr, no success on stdout, nothing written to disk.
@Suite("Malformed input (binary)")
struct MalformedInputTests {
    static let fakeKeys = ["AWS_ACCESS_KEY_ID": "AKIAEXAMPLEFUZZ00001", "AWS_SECRET_ACCESS_KEY": "FAKE-secret-EXAMPLE"]

    /// The command line for one corpus file, and words only a successful run prints on stdout.
    static func command(for input: MalformedInput) -> (args: [String], successWords: [String]) {
        let f = input.path
        switch input.kind {
        case "config": return (["chain", "--config-file", f], ["chain works", "ok   chain"])
        case "token": return (["token", f], ["iss ", "sub ", "Claims"])
        case "policy": return (["policy", "eval", "--policy", f, "--action", "sts:AssumeRole"],
                               ["allowed", "implicitDeny", "explicitDeny"])
        default: return (["sigv4", "--request", f, "--region", "us-east-1", "--service", "sts",
                          "--date", "20261129T110429Z"], ["Authorization", "Signature", "Canonical"])
        }
    }

    static func run(_ input: MalformedInput) async throws {
        let home = TemporaryDirectory()
        let work = TemporaryDirectory()
        defer { home.remove(); work.remove() }
        let (args, successWords) = command(for: input)
        let r = try await ProcessRunner.rolehop(
            args, environment: ProcessRunner.cleanEnvironment(home: home.path, extra: fakeKeys), timeout: 30,
            workingDirectory: work.path)
        #expect(r.exitCode == 2, "exit \(r.exitCode); stderr: \(r.stderr)")
        #expect(!r.timedOut)
        let fs = LocalFileSystem()
        #expect(fs.list(work.path).isEmpty, "wrote into the working directory: \(fs.list(work.path))")
        #expect(fs.list(home.path).isEmpty, "wrote into HOME: \(fs.list(home.path))")
        for w in successWords { #expect(!r.stdout.contains(w), "stdout looks like a success: \(r.stdout)") }

        // `rolehop: PATH:LINE:COL: message`, or the path and a byte offset.
        let stderr = r.stderr
        let prefix = "rolehop: " + input.path + ":"
        let lines = stderr.split(separator: "\n").map(String.init)
        let located = lines.first(where: { $0.hasPrefix(prefix) })
        #expect(located != nil, "stderr does not start with `\(prefix)`: \(stderr)")
        guard let located else { return }
        let rest = located.dropFirst(prefix.count)
        let fields = rest.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        let lineNumber = fields.count == 3 ? Int(fields[0]) : nil
        let column = fields.count == 3 ? Int(fields[1]) : nil
        let byteOffset = rest.contains("byte ") || rest.contains("offset ")
        #expect((lineNumber != nil && column != nil) || byteOffset, "no line:column or byte offset: \(located)")
        if let expected = input.line, let lineNumber {
            #expect(lineNumber == expected, "reported line \(lineNumber), the defect is on line \(expected): \(located)")
        }
        // What was expected: a message, not just a position.
        let message = fields.count == 3 ? String(fields[2]) : String(rest)
        #expect(message.filter { $0 != " " }.count >= 10, "no message after the position: \(located)")
    }

    @Test(arguments: MalformedInput.all("config")) func configFile(_ input: MalformedInput) async throws {
        try await Self.run(input)
    }

    @Test(arguments: MalformedInput.all("token")) func token(_ input: MalformedInput) async throws {
        try await Self.run(input)
    }

    @Test(arguments: MalformedInput.all("policy")) func policy(_ input: MalformedInput) async throws {
        try await Self.run(input)
    }

    @Test(arguments: MalformedInput.all("request")) func rawRequest(_ input: MalformedInput) async throws {
        try await Self.run(input)
    }

    @Test func theCorpusHasAtLeastFiftyFiles() {
        let n = ["config", "token", "policy", "request", "bundle"].map { MalformedInput.all($0).count }.reduce(0, +)
        #expect(n >= 50, "\(n) files")
    }
}
