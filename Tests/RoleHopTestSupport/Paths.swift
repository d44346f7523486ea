
/// Where things are in the repository, found from this file's own path (no bundle resources, so tests need
/// no Foundation).
public enum RepoPaths {
    /// The repository root (the folder holding Package.swift).
    public static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        // .../Tests/RoleHopTestSupport/Paths.swift -> ...
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    /// A path below `Tests/Data`.
    public static func testData(_ relative: String) -> String { root + "/Tests/Data/" + relative }

    /// A path below `scenarios/`.
    public static func scenario(_ relative: String) -> String { root + "/scenarios/" + relative }

    /// The Python interpreter of the test virtual environment (`.venv`), or `python3` when there is none.
    public static var python: String {
        if let p = getenvString("ROLEHOP_PYTHON") { return p }
        let venv = root + "/.venv/bin/python"
        return LocalFileSystemProbe.exists(venv) ? venv : "/usr/bin/env python3"
    }

    /// The built `rolehop` binary next to the test bundle (debug or release, whichever `swift test` built).
    public static var rolehopBinary: String {
        if let p = getenvString("ROLEHOP_BINARY") { return p }
        for candidate in [".build/debug/rolehop", ".build/release/rolehop"] where LocalFileSystemProbe.exists(root + "/" + candidate) {
            return root + "/" + candidate
        }
        return root + "/.build/debug/rolehop"
    }
}

#if canImport(Glibc)
import Glibc
#endif

func getenvString(_ name: String) -> String? {
    guard let p = getenv(name) else { return nil }
    let s = String(cString: p)
    return s.isEmpty ? nil : s
}

enum LocalFileSystemProbe {
    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
}

/// A fresh temporary directory, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let path: String
    public init(prefix: String = "rolehop-test") {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buf -> String? in
            guard let base = buf.baseAddress, let p = mkdtemp(base) else { return nil }
            return String(cString: p)
        }
        path = made ?? "/tmp/\(prefix)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        if made == nil { mkdir(path, 0o700) }
    }

    /// Writes a file below the directory (creating parent folders) and returns its path.
    @discardableResult
    public func write(_ relative: String, _ text: String, mode: mode_t = 0o644) -> String {
        writeBytes(relative, Array(text.utf8), mode: mode)
    }

    @discardableResult
    public func writeBytes(_ relative: String, _ bytes: [UInt8], mode: mode_t = 0o644) -> String {
        let full = path + "/" + relative
        var dir = ""
        for comp in full.split(separator: "/").dropLast() {
            dir += "/" + comp
            mkdir(dir, 0o755)
        }
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, mode)
        if fd >= 0 {
            _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            fchmod(fd, mode)
            close(fd)
        }
        return full
    }

    /// Removes the folder in the background (see `cleanUpInBackground`).
    public func remove() {
        let p = path
        cleanUpInBackground { _ = try? ProcessRunner.run(["/bin/rm", "-rf", p], timeout: 30) }
    }
}

/// Reads a whole file as text (tests only).
public func readTextFile(_ path: String) -> String? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n <= 0 { break }
        out.append(contentsOf: buf[0..<n])
    }
    return String(decoding: out, as: UTF8.self)
}
