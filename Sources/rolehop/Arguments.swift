/// The command line parser: each command states its options in a table (`CommandSpec`), and `CommandLine`
/// turns the words after the command's name into `ParsedArguments`. No reflection and no work for commands
/// that are not selected: a command's table is built the first time that command runs.

/// What an option's value must look like; checked while parsing, so commands read values that already fit.
enum ValueKind: Sendable, Equatable {
    case text
    /// An `Int` (a sign is allowed, so `--env-from-pid -1` reaches the command's own check).
    case integer
    /// A `UInt32` (uids and gids).
    case unsigned
    /// A `Double` (seconds).
    case number
    /// One of these words.
    case choice([String])
}

/// One option (`--name VALUE`) or flag (`--name`) of a command.
struct OptionSpec: Sendable {
    enum Arity: Sendable { case flag, single, repeated }

    let long: String
    let short: String?
    let arity: Arity
    let kind: ValueKind
    let valueName: String
    let help: String
    /// The default as help shows it ("(default: text)"); nil when there is none worth showing.
    let defaultText: String?
    let required: Bool
    let hidden: Bool

    /// A flag: present or not.
    static func flag(_ long: String, short: String? = nil, help: String, hidden: Bool = false) -> OptionSpec {
        OptionSpec(long: long, short: short, arity: .flag, kind: .text, valueName: "", help: help, defaultText: nil,
                   required: false, hidden: hidden)
    }

    /// An option taking one value (the last one given wins).
    static func option(_ long: String, short: String? = nil, _ kind: ValueKind = .text, value: String? = nil,
                       help: String, default defaultText: String? = nil, required: Bool = false,
                       hidden: Bool = false) -> OptionSpec {
        OptionSpec(long: long, short: short, arity: .single, kind: kind, valueName: value ?? long, help: help,
                   defaultText: defaultText, required: required, hidden: hidden)
    }

    /// An option that may be given several times; every value is kept, in order.
    static func repeated(_ long: String, _ kind: ValueKind = .text, value: String? = nil, help: String) -> OptionSpec {
        OptionSpec(long: long, short: nil, arity: .repeated, kind: kind, valueName: value ?? long, help: help,
                   defaultText: nil, required: false, hidden: false)
    }

    /// How usage lines and errors name this option: `--output <output>`, `--offline`.
    var synopsis: String { arity == .flag ? "--\(long)" : "--\(long) <\(valueName)>" }
}

/// One positional argument of a command.
struct ArgumentSpec: Sendable {
    let name: String
    let help: String
    let required: Bool
}

/// A command as the parser and help see it.
struct CommandSpec: Sendable {
    /// The words that select it: `["policy", "eval"]`; empty for rolehop itself.
    let path: [String]
    let abstract: String
    var discussion: String = ""
    var options: [OptionSpec] = []
    var arguments: [ArgumentSpec] = []
    /// Visible subcommands: name and abstract.
    var subcommands: [(name: String, abstract: String)] = []

    /// `rolehop policy eval`.
    var displayName: String { (["rolehop"] + path).joined(separator: " ") }

    /// The option named `--long`, or nil.
    func option(long: String) -> OptionSpec? {
        for o in options where o.long == long { return o }
        return nil
    }

    /// The option named `-short`, or nil.
    func option(short: String) -> OptionSpec? {
        for o in options where o.short == short { return o }
        return nil
    }
}

/// A command line that cannot be used: printed as `rolehop: message` with a pointer to the command's help, exit 2.
struct UsageError: Error, Equatable {
    let message: String
    /// The command whose help to point at (`rolehop chain`).
    let command: String

    init(_ message: String, command: String) {
        self.message = message
        self.command = command
    }

    /// The two lines for stderr.
    var text: String { "rolehop: \(message)\nSee '\(command) --help' for the options." }
}

/// `-h/--help` or `--version` was given: print this and exit 0.
enum EarlyExit: Error, Equatable {
    case help(String)
    case version
}

/// The options, flags and positional arguments of one command line, already checked against its spec.
struct ParsedArguments {
    /// Values by long option name, in the order given; a flag has one empty value per occurrence.
    private(set) var values: [String: [String]] = [:]
    private(set) var positionals: [String] = []

    /// Whether the flag was given.
    func flag(_ long: String) -> Bool { values[long] != nil }

    /// The option's value (the last one when given several times).
    func string(_ long: String) -> String? { values[long]?.last }

    /// Every value of a repeatable option.
    func strings(_ long: String) -> [String] { values[long] ?? [] }

    /// The `index`-th positional argument.
    func argument(_ index: Int) -> String? { index < positionals.count ? positionals[index] : nil }

    func int(_ long: String) -> Int? { string(long).flatMap { Int($0) } }
    func double(_ long: String) -> Double? { string(long).flatMap { Double($0) } }
    func uint32(_ long: String) -> UInt32? { string(long).flatMap { UInt32($0) } }
    func uint32s(_ long: String) -> [UInt32] { strings(long).compactMap { UInt32($0) } }

    /// A `.choice` option as its enum (parsing already refused other words).
    func choice<T: RawRepresentable>(_ long: String, default value: T) -> T where T.RawValue == String {
        string(long).flatMap { T(rawValue: $0) } ?? value
    }

    /// Parses `args` (the words after the command's name) against `spec`.
    static func parse(_ args: ArraySlice<String>, spec: CommandSpec) throws -> ParsedArguments {
        // Help and version win over everything else on the line, as users expect from `cmd --bogus --help`.
        for a in args {
            if a == "--" { break }
            if a == "-h" || a == "--help" { throw EarlyExit.help(HelpText.render(spec)) }
            if a == "--version" { throw EarlyExit.version }
        }
        var parsed = ParsedArguments()
        var i = args.startIndex
        var optionsEnded = false
        func fail(_ message: String) -> UsageError { UsageError(message, command: spec.displayName) }
        while i < args.endIndex {
            let word = args[i]
            i += 1
            if optionsEnded || !word.hasPrefix("-") || word == "-" {
                guard parsed.positionals.count < spec.arguments.count else {
                    throw fail("unexpected argument '\(word)'")
                }
                parsed.positionals.append(word)
                continue
            }
            if word == "--" {
                optionsEnded = true
                continue
            }
            let option: OptionSpec?
            var inline: String?
            if word.hasPrefix("--") {
                let body = word.dropFirst(2)
                if let eq = body.firstIndex(of: "=") {
                    option = spec.option(long: String(body[..<eq]))
                    inline = String(body[body.index(after: eq)...])
                } else {
                    option = spec.option(long: String(body))
                }
            } else {
                option = spec.option(short: String(word.dropFirst()))
            }
            guard let option else {
                let name = word.firstIndex(of: "=").map { String(word[..<$0]) } ?? word
                throw fail("unknown option '\(name)'")
            }
            if option.arity == .flag {
                if inline != nil { throw fail("'--\(option.long)' takes no value") }
                parsed.values[option.long, default: []].append("")
                continue
            }
            let value: String
            if let inline {
                value = inline
            } else if i < args.endIndex, !looksLikeOption(args[i]) {
                value = args[i]
                i += 1
            } else {
                throw fail("missing value for '\(option.synopsis)'")
            }
            if let problem = check(value, option.kind) {
                throw fail("invalid value '\(value)' for '\(option.synopsis)': expected \(problem)")
            }
            if option.arity == .single {
                parsed.values[option.long] = [value]
            } else {
                parsed.values[option.long, default: []].append(value)
            }
        }
        for o in spec.options where o.required && parsed.values[o.long] == nil {
            throw fail("missing '\(o.synopsis)'")
        }
        for (n, a) in spec.arguments.enumerated() where a.required && n >= parsed.positionals.count {
            throw fail("missing argument <\(a.name)>")
        }
        return parsed
    }

    /// A word that starts an option rather than being a value: `-x`, `--name`, but not `-` nor `-5`.
    private static func looksLikeOption(_ word: String) -> Bool {
        word.hasPrefix("-") && word != "-" && Double(word) == nil
    }

    /// What `value` should have been, or nil when it fits `kind`.
    private static func check(_ value: String, _ kind: ValueKind) -> String? {
        switch kind {
        case .text: return nil
        case .integer: return Int(value) == nil ? "an integer" : nil
        case .unsigned: return UInt32(value) == nil ? "a non-negative integer" : nil
        case .number: return Double(value) == nil ? "a number" : nil
        case let .choice(words): return words.contains(value) ? nil : "one of " + words.joined(separator: ", ")
        }
    }
}

/// The `--help` text of a command: overview, discussion, usage line, arguments, options, subcommands.
enum HelpText {
    /// Lines are at most this wide.
    static let width = 80
    /// Where help strings start: two spaces, then the label padded to this column.
    static let column = 26

    static func render(_ spec: CommandSpec) -> String {
        var out: [String] = []
        out += wrap("OVERVIEW: " + spec.abstract, indent: "")
        out.append("")
        if !spec.discussion.isEmpty {
            out += wrap(spec.discussion, indent: "")
            out.append("")
        }
        out.append("USAGE: " + usage(spec))
        out.append("")
        if !spec.arguments.isEmpty {
            out.append("ARGUMENTS:")
            for a in spec.arguments { out += row("<\(a.name)>", a.help) }
            out.append("")
        }
        out.append("OPTIONS:")
        for o in spec.options where !o.hidden {
            var label = o.arity == .flag ? "--\(o.long)" : "--\(o.long) <\(o.valueName)>"
            if let s = o.short { label = "-\(s), " + label }
            var notes: [String] = []
            if case let .choice(words) = o.kind { notes.append("values: " + words.joined(separator: ", ")) }
            if let d = o.defaultText { notes.append("default: " + d) }
            out += row(label, notes.isEmpty ? o.help : o.help + " (" + notes.joined(separator: "; ") + ")")
        }
        out += row("--version", "Show the version.")
        out += row("-h, --help", "Show help information.")
        if !spec.subcommands.isEmpty {
            out.append("")
            out.append("SUBCOMMANDS:")
            for s in spec.subcommands { out += row(s.name, s.abstract) }
            out.append("")
            out.append("  See '\((["rolehop", "help"] + spec.path).joined(separator: " ")) <subcommand>' for detailed help.")
        } else {
            out.append("")
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// `rolehop chain [--profile <profile>] ... [--output <output>]`.
    static func usage(_ spec: CommandSpec) -> String {
        var words = [spec.displayName]
        if !spec.subcommands.isEmpty { words.append("<subcommand>") }
        for a in spec.arguments { words.append(a.required ? "<\(a.name)>" : "[<\(a.name)>]") }
        for o in spec.options where !o.hidden {
            let s = o.synopsis + (o.arity == .repeated ? " ..." : "")
            words.append(o.required ? s : "[\(s)]")
        }
        return words.joined(separator: " ")
    }

    /// A label and its help: on one line when the label fits before `column`, else the help on the next line.
    static func row(_ label: String, _ help: String) -> [String] {
        let pad = String(repeating: " ", count: column)
        let head = "  " + label
        if head.count < column {
            return wrap(help, indent: pad, first: head + String(repeating: " ", count: column - head.count))
        }
        return [head] + wrap(help, indent: pad)
    }

    /// Word-wraps `text` to `width` columns; continuation lines start with `indent`.
    static func wrap(_ text: String, indent: String, first: String? = nil) -> [String] {
        var lines: [String] = []
        var line = first ?? indent
        var empty = true
        for word in text.split(separator: " ") {
            if !empty && line.count + 1 + word.count > width {
                lines.append(line)
                line = indent
                empty = true
            }
            line += (empty ? "" : " ") + word
            empty = false
        }
        lines.append(line)
        return lines
    }
}
