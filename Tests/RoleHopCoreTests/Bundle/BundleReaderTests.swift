import RoleHopCore
import RoleHopTestSupport
import Testing

@Suite("Bundle manifest")
struct BundleManifestTests {
    static let pod = MemoryFileSystem([
        "/proc/self/cgroup": "12:pids:/kubepods/burstable/pod1234/abcd\n0::/kubepods/burstable/pod1234/abcd\n",
        "/etc/os-release": "NAME=\"Amazon Linux\"\nPRETTY_NAME=\"Amazon Linux 2023\"\n",
        "/var/run/secrets/eks.amazonaws.com/serviceaccount/token": "x",
        "/var/run/secrets/kubernetes.io/serviceaccount/namespace": "default",
    ])

    @Test func collectsFromInjectedValues() {
        let m = BundleManifest.collect(fileSystem: Self.pod, environment: Environment(["TERM": "xterm-256color"]),
                                       now: bundleTime, uid: 1000, gid: 2000, os: "linux", arch: "arm64")
        #expect(m.schemaVersion == 1)
        #expect(m.rolehopVersion == RoleHopVersion.string)
        #expect(m.createdAt == bundleTime)
        #expect(m.uid == 1000 && m.gid == 2000)
        #expect(m.arch == "arm64")
        #expect(m.osRelease == "Amazon Linux 2023")
        #expect(m.container.cgroup == "12:pids:/kubepods/burstable/pod1234/abcd")
        #expect(m.container.eksServiceAccount && m.container.kubernetesServiceAccount)
        #expect(m.term == "xterm-256color")
    }

    @Test func outsideAPodThereAreNoHints() {
        let m = BundleManifest.collect(fileSystem: MemoryFileSystem(), environment: Environment(), now: bundleTime, uid: 0,
                                       gid: 0)
        #expect(m.container == BundleManifest.ContainerHints())
        #expect(m.term == nil && m.osRelease == nil)
    }

    @Test(arguments: [("0::/\n", "0::/"), ("", nil), ("1:name=systemd:/\n0::/user.slice\n", "0::/user.slice")])
    func picksTheCgroupLine(text: String, expected: String?) {
        #expect(BundleManifest.cgroupLine(text) == expected)
    }

    @Test func roundTripsThroughJSON() throws {
        var m = BundleManifest.collect(fileSystem: Self.pod, environment: Environment(["TERM": "xterm"]), now: bundleTime,
                                       uid: 5, gid: 6)
        m.files = [BundleManifest.FileRecord(name: "report.json", size: 12)]
        let text = m.json.serialized(pretty: true)
        #expect(text.hasPrefix("{\n  \"schemaVersion\": 1,\n"))
        #expect(try BundleManifest.parse(Array(text.utf8)) == m)
    }

    @Test func manifestValuesInErrorsCannotReachTheTerminal() {
        let text = "{\"schemaVersion\": 1, \"rolehopVersion\": \"0.1.0\", \"createdAt\": \"\\u001b]0;owned\\u0007\"}"
        let e = bundleError { _ = try BundleManifest.parse(Array(text.utf8)) }
        #expect(e?.kind == .invalidManifest)
        #expect(e?.description.unicodeScalars.contains { $0.value < 0x20 } == false)
        #expect(e?.description.contains("\\u{1B}]0;owned\\u{7}") == true)
    }

    @Test(arguments: [
        ("{\"schemaVersion\": 2, \"rolehopVersion\": \"9.0.0\"}", BundleError.Kind.unsupportedSchema, "newer than"),
        ("{\"schemaVersion\": 0}", .unsupportedSchema, "schema 1"),
        ("{\"rolehopVersion\": \"0.1.0\"}", .invalidManifest, "schemaVersion"),
        ("[1]", .invalidManifest, "object"),
        ("{\"schemaVersion\": 1", .invalidManifest, "not valid JSON"),
        ("{\"schemaVersion\": 1, \"rolehopVersion\": \"0.1.0\", \"createdAt\": \"yesterday\"}", .invalidManifest, "createdAt"),
    ])
    func refusesBadManifests(text: String, kind: BundleError.Kind, says: String) {
        let e = bundleError { _ = try BundleManifest.parse(Array(text.utf8)) }
        #expect(e?.kind == kind)
        #expect(e?.message.contains(says) == true, "\(String(describing: e))")
        #expect(e?.entry == "manifest.json")
    }
}

@Suite("Bundle reader")
struct BundleReaderTests {
    @Test func readsABundleWrittenByPython() throws {
        let b = try BundleReader.open(bytes: try bundleData("bundle/python-bundle.tar.gz"))
        #expect(b.names == ["manifest.json", "report.json"])
        #expect(try b.json("report.json") == .object([("ok", true)]))
        #expect(b.manifest.term == "xterm")
    }

    @Test(arguments: [
        ("future-schema.tar.gz", BundleError.Kind.unsupportedSchema), ("no-manifest.tar.gz", .notABundle),
        ("traversal.tar.gz", .unsafeEntry), ("bundle.zip", .notABundle), ("bomb.tar.gz", .tooLarge),
    ])
    func refusesFilesThatAreNotGoodBundles(file: String, kind: BundleError.Kind) {
        let path = RepoPaths.testData("bundle/" + file)
        let e = bundleError { _ = try BundleReader.open(path: path) }
        #expect(e?.kind == kind)
        #expect(e?.description.hasPrefix(path + ": ") == true)
    }

    @Test func refusesMissingFilesAndDirectories() {
        #expect(bundleError { _ = try BundleReader.open(path: "/nonexistent/b.tgz") }?.message == "no such file")
        #expect(bundleError { _ = try BundleReader.open(path: "/tmp") }?.message.contains("directory") == true)
    }

    @Test func refusesEntriesTheManifestDoesNotList() throws {
        var entries = sampleContents().entries()
        entries.append(TarGz.Entry(name: "extra.txt", text: "added later\n"))
        let e = bundleError { _ = try BundleReader.open(bytes: try TarGz.write(entries, mtime: 0)) }
        #expect(e?.kind == .corrupt)
        #expect(e?.entry == "extra.txt")
    }

    @Test func refusesListedFilesThatAreMissingOrResized() throws {
        let entries = sampleContents().entries()
        let missing = bundleError { _ = try BundleReader.open(bytes: try TarGz.write(Array(entries.dropLast()), mtime: 0)) }
        #expect(missing?.kind == .corrupt)
        #expect(missing?.entry == "report.json")
        var resized = entries
        resized[1].bytes += Array("more\n".utf8)
        let e = bundleError { _ = try BundleReader.open(bytes: try TarGz.write(resized, mtime: 0)) }
        #expect(e?.kind == .corrupt)
        #expect(e?.entry == "report.txt")
    }

    @Test func exposesConfigFilesAtTheirOriginalPaths() throws {
        var contents = sampleContents()
        contents.add(BundleFile(name: BundleLayout.configEntry(forPath: "/root/.aws/config"), text: "[default]\nregion = x\n"))
        contents.add(BundleFile(name: BundleLayout.configEntry(forPath: "/root/.aws/credentials"), text: "[default]\n"))
        contents.add(BundleFile(name: BundleLayout.environment,
                                json: Redactor.environmentJSON(Environment(["AWS_REGION": "us-east-1", "HOME": "/root"]))))
        contents.add(BundleFile(name: BundleLayout.hopEntry(hop: 2, attempt: 1), text: "b"))
        contents.add(BundleFile(name: BundleLayout.hopEntry(hop: 1, attempt: 2), text: "a2"))
        contents.add(BundleFile(name: BundleLayout.hopEntry(hop: 1, attempt: 1), text: "a1"))
        let b = try BundleReader.open(bytes: try contents.archive())
        let fs = b.configFileSystem
        #expect(try fs.readText("/root/.aws/config") == "[default]\nregion = x\n")
        #expect(fs.list("/root/.aws") == ["config", "credentials"])
        #expect(fs.info("/root/.aws/config")?.modified == bundleTime)
        #expect(b.environment.variables == ["AWS_REGION": "us-east-1"])
        #expect(b.hopTranscripts.map(\.name) == ["hops/1-attempt-1.txt", "hops/1-attempt-2.txt", "hops/2-attempt-1.txt"])
    }

    @Test(arguments: [
        ("/root/.aws/config", "config/root/.aws/config"), ("relative/x", "config/relative/x"),
        ("/a/../etc/./x", "config/a/etc/x"),
    ])
    func mapsConfigPaths(path: String, entry: String) {
        #expect(BundleLayout.configEntry(forPath: path) == entry)
    }

    @Test func heldSecretsAreScrubbedFromEveryFileAndTheManifest() throws {
        var contents = sampleContents()
        contents.manifest.term = "xterm-\(BundleCanaries.containerToken)"
        contents.add(BundleFile(name: "careless.txt", text: "the key is \(BundleCanaries.hopSecret)\n"))
        contents.hold([Secret(BundleCanaries.hopSecret), Secret(BundleCanaries.containerToken)])
        let b = try BundleReader.open(bytes: try contents.archive())
        #expect(b.text("careless.txt") == "the key is ****\n")
        #expect(b.manifest.term == "xterm-****")
        // The manifest records the scrubbed sizes, so the bundle still checks out.
        #expect(b.manifest.files.first { $0.name == "careless.txt" }?.size == "the key is ****\n".utf8.count)
    }

    @Test func policyNamesAreSafe() {
        #expect(BundleLayout.policyEntry("account-a-role.trust") == "policies/account-a-role.trust.json")
        #expect(BundleLayout.policyEntry("../../x y") == "policies/_.._x_y.json")
    }
}
