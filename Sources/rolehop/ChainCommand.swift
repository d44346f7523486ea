import Glibc
import RoleHopCore

/// `rolehop chain`: the resolved profile chain with where every value came from.
struct ChainCommand {
    static let spec = CommandSpec(
        path: ["chain"],
        abstract: "Show the credential chain the AWS SDKs would use, with the source of every setting.",
        discussion: "Exit status: 0 when the chain resolves, 1 when it resolves with failures (for example a "
            + "duration above the role-chaining limit), 2 when it cannot be resolved (unusable config, "
            + "missing profile, cycle). Nothing is fetched and credential_process is never run.",
        options: [
            .option("profile", help: "Profile to resolve (default: AWS_PROFILE, AWS_DEFAULT_PROFILE, default)."),
            .option("config-file", help: "Config file (default: AWS_CONFIG_FILE, ~/.aws/config)."),
            .option("credentials-file",
                    help: "Credentials file (default: AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials)."),
        ] + TargetOptions.options + [
            .flag("all-profiles", help: "Resolve every profile of the files."),
            .output(),
        ])

    var profile: String?
    var configFile: String?
    var credentialsFile: String?
    var target: TargetOptions
    var allProfiles = false
    var output: OutputFormat = .text

    init(_ p: ParsedArguments) throws(UsageError) {
        profile = p.string("profile")
        configFile = p.string("config-file")
        credentialsFile = p.string("credentials-file")
        target = try TargetOptions(p, command: Self.spec.displayName)
        allProfiles = p.flag("all-profiles")
        output = p.choice("output", default: .text)
    }

    func run() throws {
        let env: Environment
        do { env = try target.environment() } catch { throw failWithInputError(error) }
        let fs = target.fileSystem()
        let config = ConfigLoader.load(fileSystem: fs, environment: env, configFileFlag: configFile,
                                       credentialsFileFlag: credentialsFile)
        let chains: [ResolvedChain]
        if allProfiles {
            chains = ChainResolver.resolveAll(config: config, environment: env)
        } else {
            chains = [ChainResolver.resolve(config: config, environment: env,
                                            selection: ChainResolver.Selection(flag: profile))]
        }
        switch output {
        case .json:
            let docs = chains.map { ChainReport.json($0, files: config.files) }
            print((allProfiles ? JSONValue.array(docs) : docs[0]).serialized(pretty: true))
        case .text:
            // One chain at a time (not one joined string): `--all-profiles` over a large config printed a
            // string of tens of MB at once.
            for (i, chain) in chains.enumerated() {
                if i > 0 { print("") }
                print(ChainReport.text(chain, files: config.files, width: 80), terminator: "")
            }
        }
        var code: Int32 = 0
        for c in chains {
            if let b = c.blocker {
                var message = b.title
                if let e = config.fatalError, b.id == "chain.config-unusable" { message = e.description }
                if !allProfiles || code < 2 { printError("rolehop: \(message)") }
                code = 2
            } else if code == 0, c.findings.contains(where: { $0.severity == .fail }) {
                code = 1
            }
        }
        if code != 0 { throw ExitCode(code) }
    }
}
