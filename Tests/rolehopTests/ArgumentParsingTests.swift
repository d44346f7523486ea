@testable import rolehop
import Testing

/// rolehop's own command line parser, on a small spec that has every kind of option.
@Suite("argument parsing")
struct ArgumentParsingTests {
    static let spec = CommandSpec(
        path: ["demo"], abstract: "A command with one of everything.",
        options: [
            .option("profile", help: "A profile."),
            .option("output", short: "o", help: "Where to write."),
            .option("timeout", .number, help: "Seconds.", default: "10"),
            .option("pid", .integer, help: "A process."),
            .repeated("gid", .unsigned, help: "A group (repeatable)."),
            .option("format", .choice(["text", "json"]), help: "text or json.", default: "text"),
            .flag("offline", help: "Do not call STS."),
            .option("secret", help: "", hidden: true),
        ],
        arguments: [ArgumentSpec(name: "path", help: "A file.", required: false)])

    static let required = CommandSpec(
        path: ["policy", "eval"], abstract: "Needs an action.",
        options: [.option("action", help: "The action.", required: true)],
        arguments: [ArgumentSpec(name: "file", help: "A file.", required: true)])

    struct Case: CustomTestStringConvertible, Sendable {
        let args: [String]
        /// Expected values: option name -> values (flags have one empty value per use); "#0" is the first argument.
        let expected: [String: [String]]
        var testDescription: String { args.joined(separator: " ") }
    }

    static let accepted: [Case] = [
        Case(args: [], expected: [:]),
        Case(args: ["--profile", "a"], expected: ["profile": ["a"]]),
        Case(args: ["--profile=a"], expected: ["profile": ["a"]]),
        Case(args: ["--profile=a=b"], expected: ["profile": ["a=b"]]),
        Case(args: ["--profile="], expected: ["profile": [""]]),
        Case(args: ["--profile", "a", "--profile", "b"], expected: ["profile": ["b"]]),
        Case(args: ["-o", "out.tgz"], expected: ["output": ["out.tgz"]]),
        Case(args: ["--output", "-"], expected: ["output": ["-"]]),
        Case(args: ["--pid", "-5"], expected: ["pid": ["-5"]]),
        Case(args: ["--timeout", "2.5"], expected: ["timeout": ["2.5"]]),
        Case(args: ["--gid", "1", "--gid=2", "--gid", "3"], expected: ["gid": ["1", "2", "3"]]),
        Case(args: ["--format", "json"], expected: ["format": ["json"]]),
        Case(args: ["--offline"], expected: ["offline": [""]]),
        Case(args: ["file", "--offline"], expected: ["#0": ["file"], "offline": [""]]),
        Case(args: ["--offline", "file"], expected: ["#0": ["file"], "offline": [""]]),
        Case(args: ["--", "--offline"], expected: ["#0": ["--offline"]]),
        Case(args: ["--offline", "--", "-"], expected: ["#0": ["-"], "offline": [""]]),
        Case(args: ["--secret", "s"], expected: ["secret": ["s"]]),
    ]

    @Test("accepted forms", arguments: accepted)
    func accepts(_ c: Case) throws {
        let p = try ParsedArguments.parse(c.args[...], spec: Self.spec)
        var got: [String: [String]] = p.values
        if let first = p.argument(0) { got["#0"] = [first] }
        #expect(got == c.expected)
    }

    @Test("typed accessors read what the spec checked")
    func typed() throws {
        let p = try ParsedArguments.parse(["--timeout", "2.5", "--pid", "7", "--gid", "4", "--gid", "9",
                                           "--format", "json"][...], spec: Self.spec)
        #expect(p.double("timeout") == 2.5)
        #expect(p.int("pid") == 7)
        #expect(p.uint32s("gid") == [4, 9])
        #expect(p.choice("format", default: OutputFormat.text) == .json)
        #expect(p.flag("offline") == false)
        #expect(p.string("profile") == nil)
        let empty = try ParsedArguments.parse([][...], spec: Self.spec)
        #expect(empty.choice("format", default: OutputFormat.text) == .text)
    }

    struct Refusal: CustomTestStringConvertible, Sendable {
        let args: [String]
        let message: String
        var testDescription: String { args.joined(separator: " ") }
    }

    static let refused: [Refusal] = [
        Refusal(args: ["--bogus"], message: "unknown option '--bogus'"),
        Refusal(args: ["--bogus=1"], message: "unknown option '--bogus'"),
        Refusal(args: ["-x"], message: "unknown option '-x'"),
        Refusal(args: ["--Profile", "a"], message: "unknown option '--Profile'"),
        Refusal(args: ["--profile"], message: "missing value for '--profile <profile>'"),
        Refusal(args: ["--profile", "--offline"], message: "missing value for '--profile <profile>'"),
        Refusal(args: ["-o"], message: "missing value for '--output <output>'"),
        Refusal(args: ["--format", "xml"], message: "invalid value 'xml' for '--format <format>': expected one of text, json"),
        Refusal(args: ["--format=JSON"], message: "invalid value 'JSON' for '--format <format>': expected one of text, json"),
        Refusal(args: ["--timeout", "soon"], message: "invalid value 'soon' for '--timeout <timeout>': expected a number"),
        Refusal(args: ["--pid", "1.5"], message: "invalid value '1.5' for '--pid <pid>': expected an integer"),
        Refusal(args: ["--gid", "-1"], message: "invalid value '-1' for '--gid <gid>': expected a non-negative integer"),
        Refusal(args: ["--offline=yes"], message: "'--offline' takes no value"),
        Refusal(args: ["a", "b"], message: "unexpected argument 'b'"),
        Refusal(args: ["--", "a", "--offline"], message: "unexpected argument '--offline'"),
    ]

    @Test("refused command lines say what was wrong", arguments: refused)
    func refuses(_ r: Refusal) {
        #expect(throws: UsageError(r.message, command: "rolehop demo")) {
            try ParsedArguments.parse(r.args[...], spec: Self.spec)
        }
    }

    @Test("required options and arguments", arguments: [
        (["x"], "missing '--action <action>'"),
        (["--action", "s3:GetObject"], "missing argument <file>"),
    ])
    func requiredMissing(_ args: [String], _ message: String) {
        #expect(throws: UsageError(message, command: "rolehop policy eval")) {
            try ParsedArguments.parse(args[...], spec: Self.required)
        }
    }

    @Test("-h, --help and --version win over the rest of the line, not after --",
          arguments: [(["-h"], true), (["--bogus", "--help"], true), (["--profile", "a", "--version"], false)])
    func earlyExits(_ args: [String], _ help: Bool) {
        do {
            _ = try ParsedArguments.parse(args[...], spec: Self.required)
            Issue.record("parsed \(args)")
        } catch let e as EarlyExit {
            if help { #expect(e == .help(HelpText.render(Self.required))) } else { #expect(e == .version) }
        } catch {
            Issue.record("\(error)")
        }
        #expect(throws: UsageError("unexpected argument '--help'", command: "rolehop policy eval")) {
            try ParsedArguments.parse(["--action", "a", "f", "--", "--help"][...], spec: Self.required)
        }
    }

    @Test("the usage error names the command's help")
    func usageText() {
        #expect(UsageError("unknown option '--x'", command: "rolehop chain").text
                == "rolehop: unknown option '--x'\nSee 'rolehop chain --help' for the options.")
    }

    @Test("help: overview, usage line, aligned options with notes, hidden options left out")
    func help() {
        let text = HelpText.render(Self.spec)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "OVERVIEW: A command with one of everything.")
        #expect(lines.contains("USAGE: rolehop demo [<path>] [--profile <profile>] [--output <output>] "
                               + "[--timeout <timeout>] [--pid <pid>] [--gid <gid> ...] [--format <format>] [--offline]"))
        #expect(lines.contains("  <path>                  A file."))
        #expect(lines.contains("  --profile <profile>     A profile."))
        #expect(lines.contains("  -o, --output <output>   Where to write."))
        #expect(lines.contains("  --timeout <timeout>     Seconds. (default: 10)"))
        #expect(lines.contains("  --format <format>       text or json. (values: text, json; default: text)"))
        #expect(lines.contains("  --offline               Do not call STS."))
        #expect(lines.contains("  -h, --help              Show help information."))
        #expect(!text.contains("secret"))
        #expect(!text.contains("SUBCOMMANDS"))
        #expect(HelpText.usage(Self.required) == "rolehop policy eval <file> --action <action>")
    }

    @Test("help wraps long help strings under the help column and puts a long label on its own line")
    func helpWrapping() {
        let rows = HelpText.row("--credentials-file <credentials-file>",
                                "Credentials file (default: AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials).")
        #expect(rows == ["  --credentials-file <credentials-file>",
                         "                          Credentials file (default:",
                         "                          AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials)."])
        let long = HelpText.row("--root <DIR>", String(repeating: "word ", count: 40))
        #expect(long.count > 2)
        #expect(long.allSatisfy { $0.count <= HelpText.width })
        #expect(long.dropFirst().allSatisfy { $0.hasPrefix(String(repeating: " ", count: HelpText.column)) })
    }
}
