import ArgumentParser
import RoleHopCore

/// The `rolehop` command line. (Named RoleHopMain: `RoleHop` is the core's hop type.)
@main
struct RoleHopMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rolehop",
        abstract: "Explore and troubleshoot AWS role chains (IRSA, chained AssumeRole) from inside a pod.",
        version: RoleHopVersion.string,
        subcommands: [TUICommand.self, ChainCommand.self, TokenCommand.self, TrustCommand.self, PolicyCommand.self,
                      SigV4Command.self, ProbeCommand.self, PodCommand.self])
}
