/// The process environment as rolehop sees it: this process's, another process's (`--env-from-pid`), a
/// bundle's, or a test's. Values are looked up by exact name, as the SDKs do.
public struct Environment: Sendable, Hashable {
    public var variables: [String: String]
    public init(_ variables: [String: String] = [:]) { self.variables = variables }

    public subscript(_ name: String) -> String? {
        get { variables[name] }
        set { variables[name] = newValue }
    }

    /// A non-empty value, with its provenance.
    public func sourced(_ name: String) -> Sourced<String>? {
        guard let v = variables[name], !v.isEmpty else { return nil }
        return Sourced(v, from: .environment(name))
    }

    /// Parses `/proc/PID/environ` contents (NUL-separated `NAME=value`).
    public static func parseProcEnviron(_ bytes: [UInt8]) -> Environment {
        var vars: [String: String] = [:]
        for entry in bytes.split(separator: 0) {
            let s = String(decoding: entry, as: UTF8.self)
            guard let eq = s.firstIndex(of: "=") else { continue }
            vars[String(s[..<eq])] = String(s[s.index(after: eq)...])
        }
        return Environment(vars)
    }
}
