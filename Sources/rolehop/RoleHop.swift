import ArgumentParser
import RoleHopCore

/// The `rolehop` command line. (Named RoleHopMain: `RoleHop` is the core's hop type.)
@main
struct RoleHopMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rolehop",
        abstract: "Explore and troubleshoot AWS role chains (IRSA, chained AssumeRole) from inside a pod.",
        version: RoleHopVersion.string,
        subcommands: [DefaultCommand.self, TUICommand.self, CheckCommand.self, ChainCommand.self, TokenCommand.self,
                      TrustCommand.self, PolicyCommand.self, SigV4Command.self, ProbeCommand.self, PodCommand.self,
                      BundleCommand.self, OpenCommand.self],
        defaultSubcommand: DefaultCommand.self)

    /// Finds the portable archive's terminfo and CA bundle before anything else runs, then dispatches.
    static func main() async {
        applyPortableLayout()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
