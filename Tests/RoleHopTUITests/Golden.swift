import Glibc
import RoleHopTestSupport
import Testing

/// Golden text files: compared line by line; `ROLEHOP_RECORD=1` rewrites them and fails the test, so a recording
/// run can never pass by accident.
enum Golden {
    static var recording: Bool { getenv("ROLEHOP_RECORD").map { String(cString: $0) == "1" } ?? false }

    /// Volatile values (times in default export paths) become stable placeholders.
    static func mask(_ line: String) -> String {
        line.replacing(/\d{8}T\d{6}Z/, with: "<time>")
    }

    static func check(_ text: String, _ relative: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let actual = text.split(separator: "\n", omittingEmptySubsequences: false).map { mask(String($0)) }
        let path = RepoPaths.testData(relative)
        if recording {
            let body = actual.joined(separator: "\n")
            TemporaryDirectory.writeAbsolute(path, body.hasSuffix("\n") ? body : body + "\n")
            Issue.record("recorded \(relative); run again without ROLEHOP_RECORD", sourceLocation: sourceLocation)
            return
        }
        guard let stored = readTextFile(path) else {
            Issue.record("missing golden file \(relative); record it with ROLEHOP_RECORD=1", sourceLocation: sourceLocation)
            return
        }
        var expected = stored.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if expected.last == "" { expected.removeLast() }
        var actualLines = actual
        if actualLines.last == "" { actualLines.removeLast() }
        if expected.count != actualLines.count {
            Issue.record("\(relative): \(actualLines.count) lines, golden has \(expected.count)", sourceLocation: sourceLocation)
        }
        for (i, (a, e)) in zip(actualLines, expected).enumerated() where a != e {
            Issue.record("\(relative):\(i + 1):\n  got:  \(a)\n  want: \(e)", sourceLocation: sourceLocation)
            return
        }
    }
}

extension TemporaryDirectory {
    /// Writes a file at an absolute path, creating folders (recording golden files).
    static func writeAbsolute(_ path: String, _ text: String) {
        var dir = ""
        for comp in path.split(separator: "/").dropLast() {
            dir += "/" + comp
            mkdir(dir, 0o755)
        }
        guard let f = fopen(path, "wb") else { return }
        _ = text.utf8CString.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count - 1, f) }
        fclose(f)
    }
}
