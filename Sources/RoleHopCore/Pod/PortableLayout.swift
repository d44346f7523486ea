/// The layout of the portable archive (`bin/rolehop`, `lib/`, `share/terminfo`, `share/ca-certificates.crt`)
/// and the start-up adjustments that let the binary run in an image without terminfo or CA certificates.
///
/// There is no wrapper script because distroless images have no shell: the binary adjusts its own environment.
public enum PortableLayout {
    /// Where the bundled libcurl looks for CAs when nothing says otherwise (Debian's build of libcurl).
    public static let libcurlDefaultCA = "/etc/ssl/certs/ca-certificates.crt"
    /// Other distributions' CA bundles, in the order they are tried.
    public static let systemCABundles = [
        "/etc/pki/tls/certs/ca-bundle.crt",                   // RHEL, Amazon Linux
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // RHEL 8+
        "/etc/ssl/ca-bundle.pem",                             // SUSE
        "/etc/ssl/cert.pem",                                  // Alpine, BSDs
    ]

    /// The archive's root for a binary at `executablePath` (`/x/rolehop/bin/rolehop` -> `/x/rolehop`).
    public static func prefix(executablePath: String) -> String? {
        var parts = executablePath.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 2, parts[parts.count - 2] == "bin" else { return nil }
        parts.removeLast(2)
        return "/" + parts.joined(separator: "/")
    }

    /// The environment this process should run with: TERMINFO_DIRS pointing at the bundled terminfo when
    /// unset, and AWS_CA_BUNDLE set when unset and the default CA file is missing (another system bundle
    /// first, the bundled one otherwise). `fs` is this process's own file system.
    public static func adjust(environment: Environment, executablePath: String, fs: any FileSystem) -> Environment {
        var env = environment
        guard let prefix = prefix(executablePath: executablePath) else { return env }
        let base = prefix == "/" ? "" : prefix
        let terminfo = base + "/share/terminfo"
        if (env["TERMINFO_DIRS"] ?? "").isEmpty, fs.info(terminfo)?.isDirectory == true {
            // The trailing empty entry keeps ncurses' compiled-in directory as a fallback.
            env["TERMINFO_DIRS"] = terminfo + ":"
        }
        let bundledCA = base + "/share/ca-certificates.crt"
        if (env["AWS_CA_BUNDLE"] ?? "").isEmpty, !fs.exists(libcurlDefaultCA) {
            if let system = systemCABundles.first(where: { fs.exists($0) }) {
                env["AWS_CA_BUNDLE"] = system
            } else if fs.exists(bundledCA) {
                env["AWS_CA_BUNDLE"] = bundledCA
            }
        }
        return env
    }

    /// The variables `adjust` changed, for `setenv` in main (ncurses reads TERMINFO_DIRS itself).
    public static func changes(from before: Environment, to after: Environment) -> [(String, String)] {
        after.variables.filter { before[$0.key] != $0.value }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
