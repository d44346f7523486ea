import RoleHopCore

#if canImport(Glibc)
import Glibc
#endif

/// This process's environment, as the core's `Environment` value.
func processEnvironment() -> Environment {
    var vars: [String: String] = [:]
    var p = environ
    while let entry = p.pointee {
        let s = String(cString: entry)
        if let eq = s.firstIndex(of: "=") { vars[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
        p += 1
    }
    return Environment(vars)
}

/// Writes a line to standard error.
func printError(_ message: String) {
    var line = message
    if !line.hasSuffix("\n") { line += "\n" }
    let bytes = Array(line.utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
