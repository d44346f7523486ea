import RoleHopCore
import RoleHopTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Reads a test-data file as bytes.
func bundleData(_ relative: String) throws -> [UInt8] {
    try LocalFileSystem().read(RepoPaths.testData(relative), limit: 64 << 20)
}

/// The error a throwing expression raised, as a `BundleError` (nil when it did not throw; another error type is
/// recorded as a test failure).
func bundleError(_ body: () throws -> Void) -> BundleError? {
    do {
        try body()
        return nil
    } catch let e as BundleError {
        return e
    } catch {
        Issue.record("expected a BundleError, got \(error)")
        return nil
    }
}

let bundleMtime: Int64 = 1_795_950_269

@Suite("tar.gz container")
struct TarGzTests {
    static let sample: [TarGz.Entry] = [
        TarGz.Entry(name: "manifest.json", text: "{\"schemaVersion\": 1}\n"),
        TarGz.Entry(name: "report.txt", text: String(repeating: "line of the report\n", count: 100)),
        TarGz.Entry(name: "empty", bytes: []),
        TarGz.Entry(name: "exactly-512", bytes: [UInt8](repeating: 0x41, count: 512)),
        TarGz.Entry(name: "config/root/.aws/config", text: "[default]\nregion = us-east-1\n"),
        TarGz.Entry(name: "binary", bytes: (0..<1000).map { UInt8($0 % 256) }),
    ]

    @Test func roundTripsEntriesInOrder() throws {
        let archive = try TarGz.write(Self.sample, mtime: bundleMtime)
        let back = try TarGz.read(archive)
        #expect(back == Self.sample)
    }

    @Test func writesIdenticalBytesForIdenticalInput() throws {
        #expect(try TarGz.write(Self.sample, mtime: bundleMtime) == TarGz.write(Self.sample, mtime: bundleMtime))
    }

    @Test func longNamesUseTheUstarPrefix() throws {
        let dir = String(repeating: "d", count: 120)
        let entries = [TarGz.Entry(name: "config/\(dir)/\(String(repeating: "f", count: 90))", text: "x")]
        let back = try TarGz.read(TarGz.write(entries, mtime: bundleMtime))
        #expect(back == entries)
    }

    @Test(arguments: [
        ("../evil", BundleError.Kind.invalidName), ("/etc/passwd", .invalidName), ("a/../b", .invalidName),
        ("a//b", .invalidName), ("", .invalidName), (String(repeating: "n", count: 101), .invalidName),
        ("a\u{1B}[2Jb", .invalidName), ("dir\\file", .invalidName),
    ])
    func writerRefusesUnsafeOrUnstorableNames(name: String, kind: BundleError.Kind) {
        let e = bundleError { _ = try TarGz.write([TarGz.Entry(name: name, text: "x")], mtime: 0) }
        #expect(e?.kind == kind)
    }

    @Test func writerRefusesWhatTheReaderWouldRefuse() {
        let limits = TarGz.Limits(maxEntrySize: 10, maxTotalSize: 15, maxEntries: 3)
        #expect(bundleError { _ = try TarGz.write([TarGz.Entry(name: "a", bytes: [UInt8](repeating: 1, count: 11))],
                                                  mtime: 0, limits: limits) }?.kind == .tooLarge)
        #expect(bundleError { _ = try TarGz.write([TarGz.Entry(name: "a", bytes: [UInt8](repeating: 1, count: 8)),
                                                   TarGz.Entry(name: "b", bytes: [UInt8](repeating: 1, count: 8))],
                                                  mtime: 0, limits: limits) }?.kind == .tooLarge)
        #expect(bundleError { _ = try TarGz.write([TarGz.Entry(name: "a", text: "1"), TarGz.Entry(name: "a", text: "2")],
                                                  mtime: 0) }?.kind == .duplicateEntry)
    }

    // MARK: Refusals

    @Test(arguments: [
        ("traversal.tar.gz", BundleError.Kind.unsafeEntry, "../evil.txt"),
        ("traversal-inner.tar.gz", .unsafeEntry, "config/../../evil.txt"),
        ("absolute.tar.gz", .unsafeEntry, "/etc/evil"),
        ("symlink.tar.gz", .unsafeEntry, "config/link"),
        ("hardlink.tar.gz", .unsafeEntry, "config/hard"),
        ("chardev.tar.gz", .unsafeEntry, "dev/null"),
        ("fifo.tar.gz", .unsafeEntry, "pipe"),
        ("duplicate.tar.gz", .duplicateEntry, "report.json"),
        ("big-entry.tar.gz", .tooLarge, "big"),
        ("big-total.tar.gz", .tooLarge, "part5"),
    ])
    func refusesHostileArchivesNamingTheEntry(file: String, kind: BundleError.Kind, entry: String) throws {
        let bytes = try bundleData("bundle/" + file)
        let e = bundleError { _ = try TarGz.read(bytes) }
        #expect(e?.kind == kind)
        #expect(e?.entry == entry)
        #expect(e?.offset != nil)
        #expect(e?.description.contains(entry) == true)
    }

    @Test func aHostileNameCannotReachTheTerminal() throws {
        let e = bundleError { _ = try TarGz.read(try bundleData("bundle/escape-name.tar.gz")) }
        #expect(e?.kind == .unsafeEntry)
        #expect(e?.message.contains("control characters") == true)
        #expect(e?.description.contains("\u{1B}") == false)
        #expect(e?.description.contains("x\\u{1B}[2J") == true)
    }

    @Test func refusesPaxHeaders() throws {
        let e = bundleError { _ = try TarGz.read(try bundleData("bundle/pax.tar.gz")) }
        #expect(e?.kind == .unsafeEntry)
        #expect(e?.message.contains("'x'") == true)
    }

    @Test(arguments: [
        ("bundle.zip", "zip archive"), ("plain.tar", "uncompressed tar"), ("random.bin", "gzip signature"),
    ])
    func refusesForeignFormatsSayingWhatTheyAre(file: String, says: String) throws {
        let e = bundleError { _ = try TarGz.read(try bundleData("bundle/" + file)) }
        #expect(e?.kind == .notABundle)
        #expect(e?.message.contains(says) == true)
        #expect(e?.space == .file)
    }

    @Test func refusesEmptyInput() {
        #expect(bundleError { _ = try TarGz.read([]) }?.kind == .notABundle)
    }

    @Test func refusesAGzipBombAfterInflatingOnlyUpToTheCap() throws {
        let bytes = try bundleData("bundle/bomb.tar.gz")
        let clock = ContinuousClock()
        var e: BundleError?
        let elapsed = clock.measure { e = bundleError { _ = try TarGz.read(bytes) } }
        #expect(e?.kind == .tooLarge)
        // Inflating all 64 MiB is what the cap prevents; the check stops near 20 MiB.
        #expect(e?.message.contains("gzip bomb") == true)
        #expect(elapsed < .seconds(5))
    }

    @Test(arguments: [1, 2, 10, 20, 100, 200, 400, -9, -8, -4, -1])
    func refusesTruncatedFiles(cut: Int) throws {
        let archive = try TarGz.write(Self.sample, mtime: bundleMtime)
        let length = cut > 0 ? cut : archive.count + cut
        let e = bundleError { _ = try TarGz.read(Array(archive[0..<length])) }
        #expect(e != nil)
        #expect([.truncated, .notABundle, .corrupt].contains(e?.kind))
        if length >= 10 { #expect(e?.kind == .truncated) }
    }

    @Test func refusesEveryFlippedByteOfTheCompressedStream() throws {
        let archive = try TarGz.write(Array(Self.sample.prefix(2)), mtime: bundleMtime)
        // Bytes 4-9 of a gzip header (mtime, extra flags, OS) are not covered by any check.
        var accepted: [Int] = []
        for i in archive.indices where !(4...9).contains(i) {
            var damaged = archive
            damaged[i] ^= 0x55
            if bundleError({ _ = try TarGz.read(damaged) }) == nil { accepted.append(i) }
        }
        #expect(accepted.isEmpty)
    }

    @Test func reportsTheCRCMismatchOfADamagedTrailer() throws {
        var archive = try TarGz.write(Self.sample, mtime: bundleMtime)
        archive[archive.count - 6] ^= 0xFF  // inside the CRC32 of the trailer
        let e = bundleError { _ = try TarGz.read(archive) }
        #expect(e?.kind == .corrupt)
        #expect(e?.message.contains("incorrect data check") == true)
    }

    @Test func detectsAHeaderChecksumMismatchBeforeCompression() throws {
        var tar = try TarGz.tar(Self.sample, mtime: bundleMtime)
        tar[512 + 512 + 3] ^= 0x01  // second header's name (the first entry has one data block)
        let e = bundleError { _ = try TarGz.readTar(tar) }
        #expect(e?.kind == .corrupt)
        #expect(e?.offset == 1024)
        #expect(e?.message.contains("checksum") == true)
    }

    @Test func refusesAnArchiveWithoutBothEndBlocks() throws {
        let tar = try TarGz.tar(Self.sample, mtime: bundleMtime)
        #expect(bundleError { _ = try TarGz.readTar(Array(tar.dropLast(1024))) }?.kind == .truncated)
        #expect(bundleError { _ = try TarGz.readTar(Array(tar.dropLast(512))) }?.kind == .truncated)
        #expect(bundleError { _ = try TarGz.readTar(tar + [1] + [UInt8](repeating: 0, count: 511)) }?.kind == .corrupt)
        // Zero padding up to tar's 10 KiB record is fine.
        #expect(throws: Never.self) { try TarGz.readTar(tar + [UInt8](repeating: 0, count: 8192)) }
    }

    @Test func refusesTrailingDataAfterTheGzipStream() throws {
        let archive = try TarGz.write(Self.sample, mtime: bundleMtime)
        #expect(bundleError { _ = try TarGz.read(archive + [0x1F, 0x8B]) }?.kind == .corrupt)
    }

    /// Random damage must always end in an error or a valid result, never a crash or a hang.
    @Test func survivesRandomDamage() throws {
        let archive = try TarGz.write(Self.sample, mtime: bundleMtime)
        let tar = try TarGz.tar(Self.sample, mtime: bundleMtime)
        var rng = BundleRNG(seed: 42)
        for _ in 0..<300 {
            var a = archive
            var t = tar
            for _ in 0..<Int(rng.next() % 4 + 1) {
                a[Int(rng.next() % UInt64(a.count))] = UInt8(truncatingIfNeeded: rng.next())
                t[Int(rng.next() % UInt64(t.count))] = UInt8(truncatingIfNeeded: rng.next())
            }
            _ = try? TarGz.read(a)
            _ = try? TarGz.readTar(t)
            _ = try? TarGz.readTar(Array(t.prefix(Int(rng.next() % UInt64(t.count)))))
        }
    }

    // MARK: The system tar as an independent oracle

    @Test func systemTarListsAndExtractsWhatWeWrite() async throws {
        let dir = TemporaryDirectory(prefix: "rolehop-tar")
        defer { dir.remove() }
        let path = dir.writeBytes("b.tar.gz", try TarGz.write(Self.sample, mtime: bundleMtime))
        let list = try await ProcessRunner.runAsync(["tar", "tzf", path])
        #expect(list.exitCode == 0, "\(list.stderr)")
        #expect(list.stdout.split(separator: "\n").map(String.init) == Self.sample.map(\.name))
        let verbose = try await ProcessRunner.runAsync(["tar", "tvzf", path, "--numeric-owner"])
        #expect(verbose.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("-rw------- 0/0 ") })
        #expect(verbose.stdout.contains("2026-11-29"))
        let out = try await ProcessRunner.runAsync(["tar", "xzOf", path, "config/root/.aws/config"])
        #expect(out.stdout == "[default]\nregion = us-east-1\n")
        let gzipTest = try await ProcessRunner.runAsync(["gzip", "-t", path])
        #expect(gzipTest.exitCode == 0)
    }

    @Test(arguments: ["gnu", "ustar", "posix"])
    func readsWhatTheSystemTarWrites(format: String) async throws {
        let dir = TemporaryDirectory(prefix: "rolehop-tar")
        defer { dir.remove() }
        dir.write("in/manifest.json", "{}\n")
        dir.write("in/config/root/.aws/credentials", "[default]\nx = 1\n")
        dir.writeBytes("in/hops/1-attempt-1.txt", [UInt8](repeating: 0x61, count: 3000))
        let r = try await ProcessRunner.runAsync(["tar", "--format=\(format)", "-czf", dir.path + "/sys.tar.gz", "-C",
                                                  dir.path + "/in", "manifest.json", "config/root/.aws/credentials",
                                                  "hops/1-attempt-1.txt"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let bytes = try LocalFileSystem().read(dir.path + "/sys.tar.gz", limit: 1 << 20)
        if format == "posix" {
            // GNU tar's posix format adds pax headers for the file times: refused by design, clearly.
            #expect(bundleError { _ = try TarGz.read(bytes) }?.kind == .unsafeEntry)
            return
        }
        let entries = try TarGz.read(bytes)
        #expect(entries.map(\.name) == ["manifest.json", "config/root/.aws/credentials", "hops/1-attempt-1.txt"])
        #expect(entries[1].text == "[default]\nx = 1\n")
        #expect(entries[2].bytes.count == 3000)
    }

    @Test func readsARepackedFolderWithDirectoryEntries() async throws {
        let dir = TemporaryDirectory(prefix: "rolehop-tar")
        defer { dir.remove() }
        dir.write("in/manifest.json", "{}\n")
        dir.write("in/config/a", "a\n")
        let r = try await ProcessRunner.runAsync(["tar", "-czf", dir.path + "/re.tar.gz", "-C", dir.path + "/in", "."])
        #expect(r.exitCode == 0)
        let entries = try TarGz.read(try LocalFileSystem().read(dir.path + "/re.tar.gz", limit: 1 << 20))
        #expect(Set(entries.map(\.name)) == ["manifest.json", "config/a"])
    }
}

/// A small deterministic generator for the damage test.
struct BundleRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
