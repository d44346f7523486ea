import RoleHopCore

/// Which container rolehop diagnoses: this one, or another one seen through `--root` and `--env-from-pid`
/// (an ephemeral debug container started with `kubectl debug --target`). Every command takes these.
struct TargetOptions {
    /// The options every command that diagnoses a container takes.
    static let options: [OptionSpec] = [
        .option("root", value: "DIR",
                help: "Read every file relative to DIR (for example /proc/1/root: the target container's file system)."),
        .option("env-from-pid", .integer, value: "PID",
                help: "Diagnose the environment of process PID (from /proc/PID/environ) instead of rolehop's own."),
    ]

    var root: String?
    var envFromPid: Int?

    /// Reads `--root` and `--env-from-pid` of `command`; an empty root or a pid below 1 is a usage error.
    init(_ p: ParsedArguments, command: String) throws(UsageError) {
        root = p.string("root")
        envFromPid = p.int("env-from-pid")
        if let root, root.isEmpty { throw UsageError("--root needs a directory", command: command) }
        if let envFromPid, envFromPid <= 0 {
            throw UsageError("--env-from-pid needs a process id greater than 0", command: command)
        }
    }

    /// The file system of the diagnosed container.
    func fileSystem() -> LocalFileSystem { LocalFileSystem(root: root ?? "") }

    /// The diagnosed environment: process PID's (read on the host, not under `--root`), else rolehop's own.
    func environment() throws(InputError) -> Environment {
        if let envFromPid { return try ProcEnvironment.read(pid: envFromPid, fs: LocalFileSystem()) }
        return processEnvironment()
    }

    /// A path of the diagnosed container as rolehop opens it.
    func hostPath(_ path: String) -> String { fileSystem().hostPath(path) }

    /// The settings for rolehop's own HTTP client: the diagnosed environment's proxies and AWS_CA_BUNDLE (a path
    /// inside the target, so mapped through `--root`); when the target sets no CA bundle, rolehop's own choice
    /// (the portable archive's fallback) applies.
    func transportEnvironment(_ target: Environment) -> Environment {
        var env = target
        if let ca = target["AWS_CA_BUNDLE"], !ca.isEmpty {
            env["AWS_CA_BUNDLE"] = hostPath(ca)
        } else if let own = processEnvironment()["AWS_CA_BUNDLE"], !own.isEmpty {
            env["AWS_CA_BUNDLE"] = own
        }
        return env
    }
}

/// Prints an input error the way every command does (`rolehop: FILE:LINE:COL: message`) and exits with 2.
func failWithInputError(_ error: InputError) -> ExitCode {
    printError("rolehop: \(error.description)")
    return ExitCode(2)
}
