import RoleHopCore
import RoleHopTUI

/// `rolehop check`: every check, every hop live (unless --offline), one report.
struct CheckCommand {
    static let spec = CommandSpec(
        path: ["check"],
        abstract: "Resolve the chain, run every check and every hop live, and print the report.",
        discussion: "Exit status: 0 when the chain works, 1 when it does not, 2 for unusable input.",
        options: DiagnosisOptions.options + [
            .flag("offline", help: "Do not call STS: predict from the configuration, the token and the supplied documents."),
            .option("from-bundle", help: "Print the report stored in a diagnostic bundle."),
            .output(help: "text or json."),
        ])

    var diagnosis: DiagnosisOptions
    var offline = false
    var fromBundle: String?
    var output: OutputFormat = .text

    init(_ p: ParsedArguments) throws(UsageError) {
        diagnosis = try DiagnosisOptions(p, command: Self.spec.displayName)
        offline = p.flag("offline")
        try diagnosis.requireLive(offline: offline, command: Self.spec.displayName)
        fromBundle = p.string("from-bundle")
        output = p.choice("output", default: .text)
    }

    func run() async throws {
        if let path = fromBundle {
            try printBundleReport(path)
            return
        }
        let session = diagnosis.makeSession(environment: try diagnosis.environment(), now: Date(), live: !offline)
        try await printReport(session, offline: offline, output: output)
    }

    func printBundleReport(_ path: String) throws {
        let bundle: OpenedBundle
        do {
            bundle = try BundleReader.open(path: path)
        } catch {
            printError("rolehop: \(error.description)")
            throw ExitCode(2)
        }
        let name = output == .json ? BundleLayout.reportJSON : BundleLayout.reportText
        guard let text = bundle.text(name) else {
            printError("rolehop: \(path): the bundle has no \(name)")
            throw ExitCode(2)
        }
        print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
        // The stored report's own exit code: 0 works, 1 broken, 2 unusable.
        if let code = (try? bundle.json(BundleLayout.reportJSON))??["exitCode"]?.numberValue, code != 0 {
            throw ExitCode(Int32(code))
        }
    }
}

/// Runs every hop (unless offline), prints the report and exits with its code: `check` and `rolehop` without a
/// terminal share this.
func printReport(_ session: ChainSession, offline: Bool, output: OutputFormat) async throws {
    if let why = session.analysis.unusable { printError("rolehop: \(why)") }
    if !offline && session.analysis.unusable == nil { await session.runAll() }
    let report = await CheckReport.from(session, generatedAt: Date())
    switch output {
    case .json: print(report.jsonObject.serialized(pretty: true))
    case .text: print(report.text(), terminator: "")
    }
    if report.exitCode != 0 { throw ExitCode(report.exitCode) }
}

/// `rolehop bundle`: run the diagnosis and write the redacted diagnostic bundle.
struct BundleCommand {
    static let spec = CommandSpec(
        path: ["bundle"],
        abstract: "Run the diagnosis and write a redacted diagnostic bundle (tar.gz) a colleague can open.",
        options: DiagnosisOptions.options + [
            .option("output", short: "o", help: "Where to write (default: /tmp/rolehop-bundle-TIME.tar.gz)."),
            .flag("force", help: "Replace an existing file."),
            .flag("offline", help: "Do not call STS."),
        ])

    var diagnosis: DiagnosisOptions
    var outputPath: String?
    var force = false
    var offline = false

    init(_ p: ParsedArguments) throws(UsageError) {
        diagnosis = try DiagnosisOptions(p, command: Self.spec.displayName)
        outputPath = p.string("output")
        force = p.flag("force")
        offline = p.flag("offline")
        try diagnosis.requireLive(offline: offline, command: Self.spec.displayName)
    }

    func run() async throws {
        let now = Date()
        let env = try diagnosis.environment()
        let session = diagnosis.makeSession(environment: env, now: now, live: !offline)
        if !offline && session.analysis.unusable == nil { await session.runAll() }
        let path = outputPath ?? "/tmp/rolehop-bundle-\(UTCTime.amzDate(now)).tar.gz"
        switch await writeBundle(session: session, to: path, force: force) {
        case let .success(what): print("wrote \(what)")
        case let .failure(e):
            printError("rolehop: \(e.message)")
            throw ExitCode(2)
        }
    }
}

/// `rolehop open`: a bundle in the explorer, read only, every tab as it was.
struct OpenCommand {
    static let spec = CommandSpec(
        path: ["open"], abstract: "Open a diagnostic bundle in the explorer (read only).",
        options: [.color(help: "auto, always or never.")],
        arguments: [ArgumentSpec(name: "path", help: "The bundle (.tar.gz) written by `rolehop bundle` or the explorer's `e`.",
                                 required: true)])

    var path: String
    var color: ColorMode = .auto

    init(_ p: ParsedArguments) {
        path = p.argument(0) ?? ""
        color = p.choice("color", default: .auto)
    }

    func run() throws {
        let bundle: OpenedBundle
        do {
            bundle = try BundleReader.open(path: path)
        } catch {
            printError("rolehop: \(error.description)")
            throw ExitCode(2)
        }
        guard let text = bundle.text(BundleLayout.explorer) else {
            printError("rolehop: \(path): the bundle has no \(BundleLayout.explorer)")
            throw ExitCode(2)
        }
        var snapshot: ExplorerSnapshot
        do {
            snapshot = try ExplorerSnapshot.parse(text, file: path + ":" + BundleLayout.explorer)
        } catch {
            printError("rolehop: \(error.description)")
            throw ExitCode(2)
        }
        snapshot.mode = .bundle
        let code = runExplorer(session: SnapshotSession(snapshot), color: color)
        if code != 0 { throw ExitCode(code) }
    }
}
