import RoleHopCore

#if canImport(Glibc)
import Glibc
#endif

/// The `rolehop` command line. (Named RoleHopMain: `RoleHop` is the core's hop type.)
@main
enum RoleHopMain {
    static let abstract = "Explore and troubleshoot AWS role chains (IRSA, chained AssumeRole) from inside a pod."

    /// Sets the heap up for a short-lived process, finds the portable archive's terminfo and CA bundle before
    /// anything else runs, then dispatches.
    static func main() async {
        HeapSettings.keepFreedHeap()
        applyPortableLayout()
        let code = await dispatch(Array(CommandLine.arguments.dropFirst()))
        exit(code)
    }

    /// Runs the command the first word names (the default command when it names none) and returns the exit
    /// status. Sync commands run here on the main thread (ncurses wants it); async ones where they always ran.
    @MainActor
    static func dispatch(_ args: [String]) async -> Int32 {
        let rest = args.dropFirst()
        do {
            switch args.first ?? "" {
            case "tui": try TUICommand(try .parse(rest, spec: TUICommand.spec)).run()
            case "check": try await CheckCommand(try .parse(rest, spec: CheckCommand.spec)).run()
            case "chain": try ChainCommand(try .parse(rest, spec: ChainCommand.spec)).run()
            case "token": try await TokenCommand(try .parse(rest, spec: TokenCommand.spec)).run()
            case "trust": try TrustCommand(try .parse(rest, spec: TrustCommand.spec)).run()
            case "policy":
                switch rest.first ?? "" {
                case "eval": try PolicyEvalCommand(try .parse(rest.dropFirst(), spec: PolicyEvalCommand.spec)).run()
                case "bench": try PolicyBenchCommand(try .parse(rest.dropFirst(), spec: PolicyBenchCommand.spec)).run()
                default:
                    // `rolehop policy` alone shows its help, as a command group does.
                    _ = try ParsedArguments.parse(rest, spec: policySpec)
                    throw EarlyExit.help(HelpText.render(policySpec))
                }
            case "sigv4": try SigV4Command(try .parse(rest, spec: SigV4Command.spec)).run()
            case "probe": try await ProbeCommand(try .parse(rest, spec: ProbeCommand.spec)).run()
            case "pod": try await PodCommand(try .parse(rest, spec: PodCommand.spec)).run()
            case "bundle": try await BundleCommand(try .parse(rest, spec: BundleCommand.spec)).run()
            case "open": try OpenCommand(try .parse(rest, spec: OpenCommand.spec)).run()
            case "explore": try await DefaultCommand(try .parse(rest, spec: DefaultCommand.spec)).run()
            case "help":
                guard let spec = spec(for: Array(rest)) else {
                    throw UsageError("no command '\(rest.joined(separator: " "))'", command: "rolehop")
                }
                throw EarlyExit.help(HelpText.render(spec))
            case "-h", "--help": throw EarlyExit.help(HelpText.render(rootSpec))
            case "--version": throw EarlyExit.version
            default: try await DefaultCommand(try .parse(args[...], spec: DefaultCommand.spec)).run()
            }
            return 0
        } catch let e as ExitCode {
            return e.rawValue
        } catch let e as UsageError {
            printError(e.text)
            return 2
        } catch let e as EarlyExit {
            switch e {
            case let .help(text): print(text, terminator: "")
            case .version: print(RoleHopVersion.string)
            }
            return 0
        } catch {
            printError("rolehop: \(error)")
            return 1
        }
    }

    /// rolehop itself, for `rolehop --help`: only built when asked for.
    static var rootSpec: CommandSpec {
        let visible = [TUICommand.spec, CheckCommand.spec, ChainCommand.spec, TokenCommand.spec, TrustCommand.spec,
                       policySpec, SigV4Command.spec, ProbeCommand.spec, PodCommand.spec, BundleCommand.spec,
                       OpenCommand.spec]
        return CommandSpec(path: [], abstract: abstract,
                           subcommands: visible.map { (name: $0.path[0], abstract: $0.abstract) })
    }

    /// The `policy` group (`bench` is hidden).
    static var policySpec: CommandSpec {
        CommandSpec(path: ["policy"],
                    abstract: "Evaluate IAM policies against a request, with an explanation of every statement and condition.",
                    subcommands: [(name: "eval", abstract: PolicyEvalCommand.spec.abstract)])
    }

    /// The command `rolehop help WORDS...` describes.
    static func spec(for path: [String]) -> CommandSpec? {
        switch path {
        case []: return rootSpec
        case ["tui"]: return TUICommand.spec
        case ["check"]: return CheckCommand.spec
        case ["chain"]: return ChainCommand.spec
        case ["token"]: return TokenCommand.spec
        case ["trust"]: return TrustCommand.spec
        case ["policy"]: return policySpec
        case ["policy", "eval"]: return PolicyEvalCommand.spec
        case ["policy", "bench"]: return PolicyBenchCommand.spec
        case ["sigv4"]: return SigV4Command.spec
        case ["probe"]: return ProbeCommand.spec
        case ["pod"]: return PodCommand.spec
        case ["bundle"]: return BundleCommand.spec
        case ["open"]: return OpenCommand.spec
        case ["explore"]: return DefaultCommand.spec
        default: return nil
        }
    }
}

/// Ends a command with this exit status (after it printed what it had to say).
struct ExitCode: Error {
    let rawValue: Int32
    init(_ rawValue: Int32) { self.rawValue = rawValue }
}
