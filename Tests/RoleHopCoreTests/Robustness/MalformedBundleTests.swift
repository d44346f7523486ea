import RoleHopCore
import RoleHopTestSupport
import Testing

/// The bundle part of the malformed-input corpus (Tests/Data/malformed/bundle, written by make_malformed.py with
/// Python's tarfile and gzip). Checked through the core reader: the CLI commands that open bundles (`rolehop
/// open`, `rolehop check --from-bundle`) are not on this branch yet.
@Suite("Malformed bundles")
struct MalformedBundleTests {
    static let files: [String] = {
        guard let text = readTextFile(RepoPaths.testData("malformed/manifest.json")),
              let list = try? JSONParser.parse(text).value.arrayValue else { return [] }
        return list.compactMap { e in e["kind"]?.stringValue == "bundle" ? e["file"]?.stringValue : nil }
    }()

    @Test(arguments: files) func refusedWithFileAndByteOffset(_ file: String) throws {
        let path = RepoPaths.testData("malformed/" + file)
        do {
            let b = try BundleReader.open(path: path)
            Issue.record("opened a malformed bundle: \(b.names)")
        } catch {
            let text = error.description
            #expect(text.hasPrefix(path + ": "), "\(text)")
            if error.kind == .invalidManifest {
                // The manifest is a JSON entry: a syntax error has its line:column inside the entry; a content
                // error names the entry and the field (the reader keeps no byte offset per entry).
                #expect(text.contains("entry 'manifest.json': "), "\(text)")
            } else {
                #expect(error.offset != nil, "no byte offset: \(text)")
                #expect(text.contains("at byte "), "\(text)")
            }
        }
    }

    @Test func theBundleCorpusIsThere() {
        #expect(Self.files.count >= 10)
    }
}
