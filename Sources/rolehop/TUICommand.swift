import ArgumentParser
import RoleHopCore
import RoleHopTUI

#if canImport(Glibc)
import Glibc
#endif

extension ColorMode: ExpressibleByArgument {}

struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Open the interactive explorer: the chain, every hop's tabs, live step-through, findings.")

    @OptionGroup var diagnosis: DiagnosisOptions
    @Flag(help: "Do not call STS: show the prediction only.") var offline = false
    @Option(help: "auto, always or never (auto honours NO_COLOR, TERM=dumb and the terminal's colours).")
    var color: ColorMode = .auto
    @Option(help: .hidden) var snapshot: String?
    /// Replays the snapshot node by node, each call taking this many seconds (demos, tests of the live controls).
    @Option(name: .customLong("replay-delay"), help: .hidden) var replayDelay: Double?
    @Flag(name: .customLong("print-keys"), help: .hidden) var printKeys = false

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
struct DefaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore", abstract: "The explorer in a terminal, else the text report (the default).",
        shouldDisplay: false)

    @OptionGroup var diagnosis: DiagnosisOptions
    @Flag(help: "Do not call STS.") var offline = false
    @Option(help: "auto, always or never.") var color: ColorMode = .auto

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
