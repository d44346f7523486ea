import RoleHopCore
import RoleHopTestSupport
import Testing

/// The command line of the built binary (needs `swift build` first): the same commands, options and arguments
/// as when swift-argument-parser read it, help on every command, usage errors with exit 2.
@Suite("rolehop command line (binary)")
struct CommandLineTests {
    /// Every command path with the labels its help listed under swift-argument-parser (Tests/Data/cli/surface.py).
    static let surface: [String: Set<String>] = {
        var out: [String: Set<String>] = [:]
        let text = (try? LocalFileSystem().readText(RepoPaths.testData("cli/surface.tsv"))) ?? ""
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3 else { continue }
            out[fields[0], default: []].insert(fields[1] + " " + fields[2])
        }
        return out
    }()

    /// The labels of the ARGUMENTS, OPTIONS and SUBCOMMANDS sections of a help text (as surface.py reads them).
    static func labels(_ help: String) -> Set<String> {
        var out: Set<String> = []
        var section = ""
        for line in help.split(separator: "\n") {
            if line.hasSuffix(":") && !line.hasPrefix(" ") {
                section = String(line.dropLast())
                continue
            }
            guard ["ARGUMENTS", "OPTIONS", "SUBCOMMANDS"].contains(section), line.hasPrefix("  "),
                  !line.hasPrefix("   ") else { continue }
            let rest = line.dropFirst(2)
            if !rest.hasPrefix("See ") { out.insert(section + " " + label(rest)) }
        }
        return out
    }

    /// `-o, --output <output>`, `--offline`, `<path>`, `eval`: the label ends where its help starts (after one
    /// space or several), as surface.py's pattern reads it.
    static func label(_ row: Substring) -> String {
        let words = row.split(separator: " ", omittingEmptySubsequences: false)
        var n = 0
        if words.count > 1, words[0].hasPrefix("-"), !words[0].hasPrefix("--"), words[0].hasSuffix(",") { n = 1 }
        guard n < words.count, words[n].hasPrefix("--") else { return String(words[0]) }
        if n + 1 < words.count, words[n + 1].hasPrefix("<") { n += 1 }
        return words[0...n].joined(separator: " ")
    }

    @Test("the oracle lists every command")
    func surfaceLoaded() {
        #expect(Self.surface.count == 15)
        #expect(Self.surface["chain"]?.contains("OPTIONS --all-profiles") == true)
    }

    @Test("every command's help lists the options it had", arguments: [
        "", "tui", "check", "chain", "token", "trust", "policy", "policy eval", "policy bench", "sigv4", "probe",
        "pod", "bundle", "open", "explore",
    ])
    func helpSurface(_ path: String) async throws {
        let words = path.split(separator: " ").map(String.init)
        let r = try await ProcessRunner.rolehop(words + ["--help"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        #expect(Self.labels(r.stdout) == Self.surface[path])
        #expect(r.stdout.contains("USAGE: rolehop" + (path.isEmpty ? "" : " " + path)))
        #expect(r.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 || $0.hasPrefix("USAGE: ") })
        // The short form and `rolehop help PATH` print the same text.
        let short = try await ProcessRunner.rolehop(words + ["-h"])
        #expect(short.stdout == r.stdout)
        let viaHelp = try await ProcessRunner.rolehop(["help"] + words)
        #expect(viaHelp.exitCode == 0)
        #expect(viaHelp.stdout == r.stdout)
    }

    @Test("--version on the root and on a subcommand")
    func version() async throws {
        for args in [["--version"], ["chain", "--version"], ["policy", "eval", "--version"]] {
            let r = try await ProcessRunner.rolehop(args)
            #expect(r.exitCode == 0)
            #expect(r.stdout == RoleHopVersion.string + "\n")
        }
    }

    @Test("`rolehop policy` alone shows the group's help, without the hidden bench")
    func policyGroup() async throws {
        let r = try await ProcessRunner.rolehop(["policy"])
        #expect(r.exitCode == 0)
        #expect(r.stdout.contains("USAGE: rolehop policy <subcommand>"))
        #expect(Self.labels(r.stdout).contains("SUBCOMMANDS eval"))
        #expect(!r.stdout.contains("bench"))
    }

    struct Misuse: CustomTestStringConvertible, Sendable {
        let args: [String]
        let message: String
        let command: String
        var testDescription: String { args.joined(separator: " ") }
    }

    static let misuses: [Misuse] = [
        Misuse(args: ["chain", "--bogus"], message: "unknown option '--bogus'", command: "rolehop chain"),
        Misuse(args: ["chain", "--output", "xml"],
               message: "invalid value 'xml' for '--output <output>': expected one of text, json", command: "rolehop chain"),
        Misuse(args: ["chain", "--profile"], message: "missing value for '--profile <profile>'", command: "rolehop chain"),
        Misuse(args: ["chain", "extra"], message: "unexpected argument 'extra'", command: "rolehop chain"),
        Misuse(args: ["chain", "--root", ""], message: "--root needs a directory", command: "rolehop chain"),
        Misuse(args: ["pod", "--env-from-pid", "0"], message: "--env-from-pid needs a process id greater than 0",
               command: "rolehop pod"),
        Misuse(args: ["check", "--timeout", "abc"],
               message: "invalid value 'abc' for '--timeout <timeout>': expected a number", command: "rolehop check"),
        Misuse(args: ["policy", "eval", "--policy", "x"], message: "missing '--action <action>'",
               command: "rolehop policy eval"),
        Misuse(args: ["policy", "nope"], message: "unexpected argument 'nope'", command: "rolehop policy"),
        Misuse(args: ["trust"], message: "missing '--policy <policy>'", command: "rolehop trust"),
        Misuse(args: ["open"], message: "missing argument <path>", command: "rolehop open"),
        Misuse(args: ["token", "--uid", "me"],
               message: "invalid value 'me' for '--uid <uid>': expected a non-negative integer", command: "rolehop token"),
        Misuse(args: ["tui", "--color", "pink"],
               message: "invalid value 'pink' for '--color <color>': expected one of auto, always, never",
               command: "rolehop tui"),
        Misuse(args: ["bogus"], message: "unexpected argument 'bogus'", command: "rolehop explore"),
        Misuse(args: ["--offline", "--bogus"], message: "unknown option '--bogus'", command: "rolehop explore"),
        Misuse(args: ["help", "nope"], message: "no command 'nope'", command: "rolehop"),
    ]

    @Test("unusable command lines: what was wrong, where the help is, exit 2, nothing run", arguments: misuses)
    func misuse(_ m: Misuse) async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let r = try await ProcessRunner.rolehop(m.args, environment: ProcessRunner.cleanEnvironment(home: dir.path))
        #expect(r.exitCode == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr == "rolehop: \(m.message)\nSee '\(m.command) --help' for the options.\n")
    }

    @Test("--opt=value, -o and -- read as their long forms do")
    func equivalentForms() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let config = dir.write("config", "[profile a]\nregion = eu-west-1\naws_access_key_id = AKIAFAKEEXAMPLE0000\n"
                               + "aws_secret_access_key = FAKESECRET\n")
        let env = ProcessRunner.cleanEnvironment(home: dir.path)
        let long = try await ProcessRunner.rolehop(["chain", "--profile", "a", "--config-file", config, "--output", "json"],
                                                   environment: env)
        #expect(long.exitCode == 0, "\(long.stderr)")
        #expect(long.stdout.hasPrefix("{"))
        let inline = try await ProcessRunner.rolehop(["chain", "--profile=a", "--config-file=" + config, "--output=json"],
                                                     environment: env)
        #expect(inline.stdout == long.stdout)
        let reordered = try await ProcessRunner.rolehop(["chain", "--output", "text", "--output", "json", "--config-file",
                                                         config, "--profile", "a"], environment: env)
        #expect(reordered.stdout == long.stdout)
        // After `--` a word that looks like an option is the token command's PATH.
        let token = try await ProcessRunner.rolehop(["token", "--", "--no-such-file"], environment: env)
        #expect(token.stdout.contains("--no-such-file"))
    }

    @Test("hidden options still work")
    func hiddenOptions() async throws {
        let bench = try await ProcessRunner.rolehop(["policy", "bench", "--iterations", "10"])
        #expect(bench.exitCode == 0, "\(bench.stderr)")
        #expect(bench.stdout.contains("(10 runs"))
        let sig = try await ProcessRunner.rolehop(["sigv4", "--bench=5"])
        #expect(sig.exitCode == 0, "\(sig.stderr)")
        #expect(sig.stdout.contains("(5 iterations)"))
    }
}
