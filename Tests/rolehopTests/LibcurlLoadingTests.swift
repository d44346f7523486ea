import RoleHopCore
import RoleHopTestSupport
import Testing

/// libcurl is dlopen()ed at the first HTTP exchange: the binary does not link it, a live command without it
/// ends with a message and exit 2, an offline command never notices. ROLEHOP_LIBCURL at a missing path stands in
/// for a machine without libcurl.
@Suite("libcurl loaded on demand (binary)")
struct LibcurlLoadingTests {
    static let missing = "/nonexistent/rolehop-test/libcurl.so.4"

    @Test func binaryDoesNotNeedLibcurl() async throws {
        let r = try await ProcessRunner.runAsync(["/usr/bin/readelf", "-d", RepoPaths.rolehopBinary])
        try #require(r.exitCode == 0, "\(r.stderr)")
        let needed = r.stdout.split(separator: "\n").filter { $0.contains("(NEEDED)") }
        #expect(!needed.isEmpty)
        #expect(!needed.contains { $0.contains("libcurl") }, "\(needed)")
        #expect(!needed.contains { $0.contains("libxml2") }, "\(needed)")
    }

    @Test(arguments: [["probe", "--endpoint-url", "http://127.0.0.1:PORT/"], ["pod", "--output", "json"], ["check"]])
    func liveCommandWithoutLibcurlExitsTwoWithTheReason(_ template: [String]) async throws {
        let port = unusedLoopbackPort()
        let home = TemporaryDirectory()
        defer { home.remove() }
        let args = template.map { $0.replacing("PORT", with: "\(port)") }
        let env = ProcessRunner.cleanEnvironment(home: home.path, extra: [
            "ROLEHOP_LIBCURL": Self.missing,
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:\(port)",
        ])
        let r = try await ProcessRunner.rolehop(args, environment: env)
        #expect(r.exitCode == 2, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stderr.hasPrefix("rolehop: cannot load libcurl (\(Self.missing)): "), "\(r.stderr)")
        #expect(r.stderr.contains("No such file or directory"), "dlerror() text: \(r.stderr)")
        #expect(r.stderr.contains("apt-get install libcurl4"))
        #expect(r.stderr.contains("ROLEHOP_LIBCURL"))
    }

    @Test func aLibraryThatIsNotLibcurlIsRefusedByName() async throws {
        let home = TemporaryDirectory()
        defer { home.remove() }
        let port = unusedLoopbackPort()
        // libz is a real shared object without curl_global_init.
        let libz = "/lib/x86_64-linux-gnu/libz.so.1"
        try #require(LocalFileSystem().exists(libz))
        let env = ProcessRunner.cleanEnvironment(home: home.path, extra: ["ROLEHOP_LIBCURL": libz])
        let r = try await ProcessRunner.rolehop(["probe", "--endpoint-url", "http://127.0.0.1:\(port)/"], environment: env)
        #expect(r.exitCode == 2, "\(r.stderr)")
        #expect(r.stderr.contains("\(libz) has no curl_global_init"), "\(r.stderr)")
    }

    @Test func offlineCheckNeverLoadsLibcurl() async throws {
        let home = TemporaryDirectory()
        defer { home.remove() }
        _ = home.write(".aws/credentials", "[default]\naws_access_key_id = AKIAEXAMPLELOADTEST1\naws_secret_access_key = load-CANARY-secret\n")
        let env = ProcessRunner.cleanEnvironment(home: home.path, extra: [
            "ROLEHOP_LIBCURL": Self.missing, "AWS_EC2_METADATA_DISABLED": "true",
        ])
        let r = try await ProcessRunner.rolehop(["check", "--offline", "--output", "json"], environment: env)
        #expect(r.exitCode == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(!r.stderr.contains("libcurl"))
        let report = try JSONParser.parse(r.stdout).value
        #expect(report["chain"]?["chain"]?[0]?["kind"] == "accessKey")
    }

    @Test func explicitLibcurlPathIsUsed() async throws {
        let moto = try await MotoServer.shared()
        let home = TemporaryDirectory()
        defer { home.remove() }
        let env = ProcessRunner.cleanEnvironment(home: home.path, extra: [
            "ROLEHOP_LIBCURL": "/lib/x86_64-linux-gnu/libcurl.so.4", "AWS_ENDPOINT_URL_STS": moto.endpoint + "/",
        ])
        let r = try await ProcessRunner.rolehop(["probe", "--output", "json"], environment: env)
        #expect(r.exitCode == 0, "\(r.stderr)")
    }
}
