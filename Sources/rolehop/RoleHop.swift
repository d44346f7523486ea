import ArgumentParser
import RoleHopCore

@main
struct RoleHop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rolehop",
        abstract: "Explore and troubleshoot AWS role chains (IRSA, chained AssumeRole) from inside a pod.",
        version: RoleHopVersion.string,
        subcommands: [ProbeCommand.self, PodCommand.self])
}
