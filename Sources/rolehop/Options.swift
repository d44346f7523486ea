enum OutputFormat: String, CaseIterable { case text, json }

extension OptionSpec {
    /// `--output text|json`, the same on every command that has it.
    static func output(help: String = "Output format: text or json.") -> OptionSpec {
        .option("output", .choice(["text", "json"]), help: help, default: "text")
    }

    /// `--color auto|always|never`.
    static func color(help: String) -> OptionSpec {
        .option("color", .choice(["auto", "always", "never"]), help: help, default: "auto")
    }
}
