/// Another process's environment, read from `/proc/PID/environ` (`--env-from-pid`).
public enum ProcEnvironment {
    /// Reads `/proc/PID/environ` through `fs` (the host's file system, not one rooted at `--root`).
    ///
    /// The kernel lets only the process's own user (with the same or more capabilities) or a holder of
    /// CAP_SYS_PTRACE read it, so a permission error is the usual failure from a debug container.
    public static func read(pid: Int, fs: any FileSystem) throws(InputError) -> Environment {
        let path = "/proc/\(pid)/environ"
        do {
            return Environment.parseProcEnviron(try fs.read(path, limit: 4 << 20))
        } catch {
            let hint: String
            switch error {
            case .notFound: hint = "no process \(pid) is visible here; from a debug container use kubectl debug --target=CONTAINER so the pod's processes share this PID namespace"
            case .permissionDenied: hint = "permission denied; run as the same user as process \(pid) (kubectl debug --profile=general, or runAsUser of the target) or with CAP_SYS_PTRACE"
            default: hint = error.description
            }
            throw InputError(file: path, message: "cannot read the environment of process \(pid): \(hint)")
        }
    }
}
