import ArgumentParser
import FoundationEssentials
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
            // The live session (hop runner) plugs in here once the diagnosis layer lands.
            printError("rolehop: tui: the live explorer is not wired yet; open a saved snapshot with --snapshot FILE.json")
            throw ExitCode(2)
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
        let code = ExplorerApp.run(session: session,
                                   options: ExplorerOptions(color: color, environment: processEnvironment().variables))
        if code != 0 { throw ExitCode(code) }
    }
}
