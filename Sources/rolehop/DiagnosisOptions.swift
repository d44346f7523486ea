import RoleHopCore
import RoleHopCurl

#if canImport(Glibc)
import Glibc
#endif

/// Options shared by `check`, `tui` and `bundle`: what to diagnose and with which documents.
struct DiagnosisOptions {
    /// The options of `check`, `tui`, `bundle` and the default command, `--root` and `--env-from-pid` included.
    static let options: [OptionSpec] = [
        .option("profile", help: "Profile to diagnose (default: AWS_PROFILE, AWS_DEFAULT_PROFILE, then the default chain)."),
        .option("config-file", help: "Config file (default: AWS_CONFIG_FILE, ~/.aws/config)."),
        .option("credentials-file", help: "Credentials file (default: AWS_SHARED_CREDENTIALS_FILE)."),
        .option("policy-dir", help: "Folder of ROLE.trust.json and ROLE.identity*.json documents."),
        .option("jwks", help: "The issuer's key set (JWKS) to verify the token's signature offline."),
        .flag("read-iam", help: "Read each hop's trust and identity policies from IAM (GetRole...); denials are logged in CloudTrail."),
    ] + TargetOptions.options + [
        .option("timeout", .number, help: "Seconds allowed for each STS exchange.", default: "10.0"),
        .option("connect-timeout", .number, help: "Seconds allowed to connect.", default: "5.0"),
    ]

    var profile: String?
    var configFile: String?
    var credentialsFile: String?
    var policyDir: String?
    var jwks: String?
    /// `--read-iam`: read role documents from IAM after each hop (live only).
    var readIAM = false
    var target: TargetOptions
    var timeout: Double = 10
    var connectTimeout: Double = 5

    init(_ p: ParsedArguments, command: String) throws(UsageError) {
        profile = p.string("profile")
        configFile = p.string("config-file")
        credentialsFile = p.string("credentials-file")
        policyDir = p.string("policy-dir")
        jwks = p.string("jwks")
        readIAM = p.flag("read-iam")
        target = try TargetOptions(p, command: command)
        timeout = p.double("timeout") ?? 10
        connectTimeout = p.double("connect-timeout") ?? 5
    }

    /// `--read-iam` needs live calls: with `--offline` it is a usage error rather than a silent no-op.
    func requireLive(offline: Bool, command: String) throws(UsageError) {
        if offline && readIAM {
            throw UsageError("--read-iam reads IAM live and cannot be combined with --offline", command: command)
        }
    }

    /// The diagnosed environment (`--env-from-pid`, else this process's); exits 2 when it cannot be read.
    func environment() throws -> Environment {
        do {
            return try target.environment()
        } catch {
            throw failWithInputError(error)
        }
    }

    /// The analysis and a session ready to run hops.
    func makeSession(environment env: Environment, now: Date, live: Bool) -> ChainSession {
        var groups = [gid_t](repeating: 0, count: 64)
        let n = getgroups(Int32(groups.count), &groups)
        var gids = [UInt32(getegid())]
        if n > 0 { gids += groups[0..<Int(n)].map { UInt32($0) } }
        // A live session will send HTTP: libcurl loads on another thread while the analysis reads and checks the
        // files. libcrypto first, on this thread: the analysis needs it for the token, and the loader would make
        // it wait for all of libcurl's libraries.
        if live {
            Digest.load()
            CurlLibrary.startLoading()
        }
        let input = DiagnosisInput(fileSystem: target.fileSystem(), hostFileSystem: LocalFileSystem(),
                                   environment: env, profile: profile, configFile: configFile,
                                   credentialsFile: credentialsFile, policyDirectory: policyDir, jwksPath: jwks,
                                   now: now, uid: UInt32(geteuid()), gids: gids)
        let analysis = Analyzer.analyze(input)
        // Wait for that load before the explorer owns the terminal, so a missing libcurl ends with its message on
        // a normal screen (exit 2) rather than from inside a hop.
        if live { CurlLibrary.requireOrExit() }
        let transport = CurlTransport(configuration: .init(environment: target.transportEnvironment(env)))
        return ChainSession(analysis: analysis, transport: transport,
                            now: { Date() }, mode: live ? .live : .offline, timeout: timeout,
                            connectTimeout: connectTimeout, readIAM: readIAM && live,
                            exporter: { session, path in await writeBundle(session: session, to: path, force: false) })
    }
}

/// Writes a bundle of a session to `path`; the one place the CLI writes files.
func writeBundle(session: ChainSession, to path: String, force: Bool) async -> Result<String, BundleExportError> {
    let now = Date()
    let report = await CheckReport.from(session, generatedAt: now)
    let snapshot = await session.snapshot(now: now)
    let env = session.analysis.input.environment
    let manifest = BundleManifest.collect(fileSystem: LocalFileSystem(), environment: env, now: now,
                                          uid: UInt32(geteuid()), gid: UInt32(getegid()))
    let contents = BundleBuilder.contents(report: report, snapshot: snapshot, manifest: manifest,
                                          secrets: await session.heldSecrets)
    do {
        let written = try BundleWriter.write(contents: contents, to: path, force: force, now: now)
        return .success("\(written.path) (\(written.size) bytes)")
    } catch {
        return .failure(BundleExportError(error.description))
    }
}
