import RoleHopCore
import RoleHopTUI

#if canImport(Glibc)
import Glibc
#endif

/// `rolehop tui`: the explorer, live or on a snapshot.
struct TUICommand {
    static let spec = CommandSpec(
        path: ["tui"],
        abstract: "Open the interactive explorer: the chain, every hop's tabs, live step-through, findings.",
        options: DiagnosisOptions.options + [
            .flag("offline", help: "Do not call STS: show the prediction only."),
            .color(help: "auto, always or never (auto honours NO_COLOR, TERM=dumb and the terminal's colours)."),
            .option("snapshot", help: "", hidden: true),
            .option("replay-delay", .number, help: "", hidden: true),
            .flag("print-keys", help: "", hidden: true),
        ])

    var diagnosis: DiagnosisOptions
    var offline = false
    var color: ColorMode = .auto
    var snapshot: String?
    /// Replays the snapshot node by node, each call taking this many seconds (demos, tests of the live controls).
    var replayDelay: Double?
    var printKeys = false

    init(_ p: ParsedArguments) throws(UsageError) {
        diagnosis = try DiagnosisOptions(p, command: Self.spec.displayName)
        offline = p.flag("offline")
        try diagnosis.requireLive(offline: offline, command: Self.spec.displayName)
        color = p.choice("color", default: .auto)
        snapshot = p.string("snapshot")
        replayDelay = p.double("replay-delay")
        printKeys = p.flag("print-keys")
    }

    func run() throws {
        if printKeys {
            print(KeyTable.markdown, terminator: "")
            return
        }
        guard let path = snapshot else {
            let session = diagnosis.makeSession(environment: try diagnosis.environment(), now: Date(), live: !offline)
            let code = runExplorer(session: session, color: color)
            if code != 0 { throw ExitCode(code) }
            return
        }
        let fs = LocalFileSystem()
        let text: String
        do {
            text = try fs.readText(path)
        } catch {
            printError("rolehop: \(error)")
            throw ExitCode(2)
        }
        let snap: ExplorerSnapshot
        do {
            snap = try ExplorerSnapshot.parse(text, file: path)
        } catch {
            printError("rolehop: \(error.description)")
            throw ExitCode(2)
        }
        let session: any ExplorerSession = replayDelay.map { ReplaySession(snap, delay: .milliseconds(Int($0 * 1000))) }
            ?? SnapshotSession(snap)
        let code = runExplorer(session: session, color: color)
        if code != 0 { throw ExitCode(code) }
    }
}

/// Runs the explorer on this (the main) thread until the user quits; returns the exit status.
func runExplorer(session: any ExplorerSession, color: ColorMode) -> Int32 {
    ExplorerApp.run(session: session, options: ExplorerOptions(color: color, environment: processEnvironment().variables))
}

/// `rolehop` with no subcommand: the explorer in a terminal, the text report otherwise (pipes, CI, `kubectl exec`
/// without -t).
struct DefaultCommand {
    static let spec = CommandSpec(
        path: ["explore"], abstract: "The explorer in a terminal, else the text report (the default).",
        options: DiagnosisOptions.options + [
            .flag("offline", help: "Do not call STS."),
            .color(help: "auto, always or never."),
        ])

    var diagnosis: DiagnosisOptions
    var offline = false
    var color: ColorMode = .auto

    init(_ p: ParsedArguments) throws(UsageError) {
        diagnosis = try DiagnosisOptions(p, command: Self.spec.displayName)
        offline = p.flag("offline")
        try diagnosis.requireLive(offline: offline, command: Self.spec.displayName)
        color = p.choice("color", default: .auto)
    }

    func run() async throws {
        let env = try diagnosis.environment()
        let session = diagnosis.makeSession(environment: env, now: Date(), live: !offline)
        if isatty(0) == 1 && isatty(1) == 1 && env["TERM"] != "dumb" {
            // ncurses wants the main thread: hop over to it and block there until the explorer exits.
            let code = await MainActor.run { runExplorer(session: session, color: color) }
            if code != 0 { throw ExitCode(code) }
            return
        }
        try await printReport(session, offline: offline, output: .text)
    }
}
