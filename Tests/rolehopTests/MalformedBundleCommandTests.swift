import RoleHopCore
import RoleHopTestSupport
import Testing

/// The malformed bundles of Tests/Data/malformed through the binary, as a colleague would open them:
/// `rolehop check --from-bundle` and `rolehop open` refuse each with exit code 2, the file and the position,
/// and write nothing.
@Suite("Malformed bundles through the binary")
struct MalformedBundleCommandTests {
    static let files: [String] = {
        guard let text = readTextFile(RepoPaths.testData("malformed/manifest.json")),
              let list = try? JSONParser.parse(text).value.arrayValue else { return [] }
        return list.compactMap { e in e["kind"]?.stringValue == "bundle" ? e["file"]?.stringValue : nil }
    }()

    @Test(arguments: files) func refusedByCheckAndOpen(_ file: String) async throws {
        let path = RepoPaths.testData("malformed/" + file)
        let home = TemporaryDirectory(prefix: "rolehop-badbundle-home")
        defer { home.remove() }
        let env = ["PATH": "/usr/bin:/bin", "HOME": home.path, "TERM": "xterm"]
        for argv in [["check", "--from-bundle", path], ["open", path]] {
            let r = try await ProcessRunner.rolehop(argv, environment: env)
            #expect(r.exitCode == 2, "\(argv[0]) \(file): exit \(r.exitCode)")
            #expect(r.stderr.contains("rolehop: " + path + ": "), "\(argv[0]) \(file): \(r.stderr)")
            #expect(r.stderr.contains("at byte ") || r.stderr.contains("entry 'manifest.json'"), "\(r.stderr)")
            #expect(!r.stdout.contains("verdict"))
        }
        #expect(LocalFileSystem().list(home.path).isEmpty, "nothing written")
    }
}
