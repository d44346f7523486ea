import RoleHopCore
import RoleHopTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

let bundleTime = Date(timeIntervalSince1970: 1_795_950_269)

func sampleContents() -> BundleContents {
    BundleContents(manifest: BundleManifest(createdAt: bundleTime, uid: 1000, gid: 1000),
                   files: [BundleFile(name: BundleLayout.reportText, text: "chain works\n"),
                           BundleFile(name: BundleLayout.reportJSON, json: .object([("ok", true)]))])
}

/// Real system calls with failures injected at chosen steps.
struct FaultyOutput: BundleOutputSystem {
    var real = PosixOutputSystem()
    /// `write` fails with this errno once this many bytes have been written.
    var failWriteAfter: Int?
    var writeErrno: Int32 = ENOSPC
    var failSync: Int32?
    var failClose: Int32?
    var failLink: Int32?
    var failCreate: Int32?
    let written = Counter()

    final class Counter: @unchecked Sendable { var value = 0 }

    func createExclusive(_ path: String, mode: UInt32) -> Int32 {
        if let e = failCreate { return -e }
        return real.createExclusive(path, mode: mode)
    }
    func write(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Int {
        if let limit = failWriteAfter {
            let room = limit - written.value
            if room <= 0 { return -Int(writeErrno) }
            let n = real.write(fd, bytes.prefix(room))
            if n > 0 { written.value += n }
            return n
        }
        return real.write(fd, bytes)
    }
    func setMode(_ fd: Int32, _ mode: UInt32) -> Int32 { real.setMode(fd, mode) }
    func sync(_ fd: Int32) -> Int32 { failSync.map { -$0 } ?? real.sync(fd) }
    func close(_ fd: Int32) -> Int32 {
        let r = real.close(fd)
        return failClose.map { -$0 } ?? r
    }
    func link(_ from: String, _ to: String) -> Int32 { failLink.map { -$0 } ?? real.link(from, to) }
    func rename(_ from: String, _ to: String) -> Int32 { real.rename(from, to) }
    func unlink(_ path: String) -> Int32 { real.unlink(path) }
    func exists(_ path: String) -> Bool { real.exists(path) }
    func isDirectory(_ path: String) -> Bool { real.isDirectory(path) }
    func syncDirectory(_ path: String) { real.syncDirectory(path) }
}

func bundleFileMode(_ path: String) -> UInt32? { LocalFileSystem().info(path)?.mode }

@Suite("Bundle writer")
struct BundleWriterTests {
    @Test func writesAReadableBundleWithMode0600EvenUnderAPermissiveUmask() throws {
        let dir = TemporaryDirectory(prefix: "rolehop-bw")
        defer { dir.remove() }
        let old = umask(0)
        defer { umask(old) }
        let path = dir.path + "/b.tar.gz"
        let written = try BundleWriter.write(contents: sampleContents(), to: path, force: false, now: bundleTime)
        #expect(bundleFileMode(path) == 0o600)
        #expect(LocalFileSystem().list(dir.path) == ["b.tar.gz"])
        #expect(written.entries.map(\.name) == ["manifest.json", "report.txt", "report.json"])
        #expect(LocalFileSystem().info(path)?.size == written.size)
        let opened = try BundleReader.open(path: path)
        #expect(opened.text(BundleLayout.reportText) == "chain works\n")
        #expect(opened.manifest.createdAt == bundleTime)
        #expect(opened.manifest.uid == 1000)
    }

    @Test func refusesToReplaceAnExistingFileWithoutForce() throws {
        let dir = TemporaryDirectory(prefix: "rolehop-bw")
        defer { dir.remove() }
        let path = dir.write("b.tar.gz", "precious\n")
        let e = bundleError { try BundleWriter.write(contents: sampleContents(), to: path, force: false, now: bundleTime) }
        #expect(e?.kind == .exists)
        #expect(e?.description.contains("--force") == true)
        #expect(e?.description.hasPrefix(path) == true)
        #expect(readTextFile(path) == "precious\n")
        #expect(LocalFileSystem().list(dir.path) == ["b.tar.gz"])
    }

    @Test func refusesADanglingSymlinkTargetWithoutForce() throws {
        let dir = TemporaryDirectory(prefix: "rolehop-bw")
        defer { dir.remove() }
        let path = dir.path + "/b.tar.gz"
        symlink(dir.path + "/elsewhere", path)
        #expect(bundleError { try BundleWriter.write(contents: sampleContents(), to: path, force: false, now: bundleTime) }?
            .kind == .exists)
        #expect(!LocalFileSystem().exists(dir.path + "/elsewhere"))
    }

    @Test func replacesWithForce() throws {
        let dir = TemporaryDirectory(prefix: "rolehop-bw")
        defer { dir.remove() }
        let path = dir.write("b.tar.gz", "old\n", mode: 0o644)
        try BundleWriter.write(contents: sampleContents(), to: path, force: true, now: bundleTime)
        #expect(bundleFileMode(path) == 0o600)
        #expect(try BundleReader.open(path: path).manifest.schemaVersion == 1)
        #expect(LocalFileSystem().list(dir.path) == ["b.tar.gz"])
    }

    @Test func linkRaceLosesCleanly() throws {
        // The target appears between the existence check and link(): link's EEXIST is reported, temp removed.
        let dir = TemporaryDirectory(prefix: "rolehop-bw")
        defer { dir.remove() }
        let e = bundleError {
            try BundleWriter.write(contents: sampleContents(), to: dir.path + "/b.tar.gz", force: false, now: bundleTime,
                                   system: FaultyOutput(failLink: EEXIST))
        }
        #expect(e?.kind == .exists)
        #expect(LocalFileSystem().list(dir.path).isEmpty)
    }

    @Test func fallsBackToRenameWhereHardLinksAreUnsupported() throws {
        let dir = TemporaryDirectory(prefix: "rolehop-bw")
        defer { dir.remove() }
        let path = dir.path + "/b.tar.gz"
        try BundleWriter.write(contents: sampleContents(), to: path, force: false, now: bundleTime,
                               system: FaultyOutput(failLink: EPERM))
        #expect(LocalFileSystem().list(dir.path) == ["b.tar.gz"])
        #expect(bundleFileMode(path) == 0o600)
    }

    /// Simulated failures at every step: a clear error naming the path, and the directory as it was.
    @Test(arguments: [
        (FaultyOutput(failWriteAfter: 0), BundleError.Kind.noSpace),
        (FaultyOutput(failWriteAfter: 100), .noSpace),
        (FaultyOutput(failWriteAfter: 100, writeErrno: EDQUOT), .noSpace),
        (FaultyOutput(failWriteAfter: 10, writeErrno: EIO), .io),
        (FaultyOutput(failSync: ENOSPC), .noSpace),
        (FaultyOutput(failClose: ENOSPC), .noSpace),
        (FaultyOutput(failLink: EROFS), .readOnly),
        (FaultyOutput(failCreate: EROFS), .readOnly),
        (FaultyOutput(failCreate: EACCES), .permissionDenied),
    ])
    func failuresLeaveNothingBehind(system: FaultyOutput, kind: BundleError.Kind) throws {
        let dir = TemporaryDirectory(prefix: "rolehop-bw")
        defer { dir.remove() }
        dir.write("other.txt", "x\n")
        let before = LocalFileSystem().list(dir.path)
        let path = dir.path + "/b.tar.gz"
        let e = bundleError { try BundleWriter.write(contents: sampleContents(), to: path, force: false, now: bundleTime,
                                                     system: system) }
        #expect(e?.kind == kind)
        #expect(e?.path == path)
        #expect(e?.description.hasPrefix(path + ": ") == true)
        #expect(LocalFileSystem().list(dir.path) == before)
    }

    @Test func namesAMissingDirectoryOrADirectoryTarget() {
        let dir = TemporaryDirectory(prefix: "rolehop-bw")
        defer { dir.remove() }
        #expect(bundleError { try BundleWriter.write(contents: sampleContents(), to: dir.path + "/nope/b.tgz", force: false,
                                                     now: bundleTime) }?.message.contains("does not exist") == true)
        #expect(bundleError { try BundleWriter.write(contents: sampleContents(), to: dir.path, force: true,
                                                     now: bundleTime) }?.message.contains("is a directory") == true)
    }

    // MARK: Real full and read-only file systems (tmpfs mounts; needs root and mount permission, else skipped)

    static let canMount: Bool = {
        guard getuid() == 0 else { return false }
        let probe = TemporaryDirectory(prefix: "rolehop-mnt")
        defer { probe.remove() }
        guard let r = try? ProcessRunner.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe.path], timeout: 10),
              r.exitCode == 0 else { return false }
        _ = try? ProcessRunner.run(["umount", probe.path], timeout: 10)
        return true
    }()

    func withTmpfs(_ options: String, _ body: (String) throws -> Void) throws {
        let dir = TemporaryDirectory(prefix: "rolehop-mnt")
        defer { dir.remove() }
        let r = try ProcessRunner.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.path], timeout: 10)
        try #require(r.exitCode == 0, "\(r.stderr)")
        defer { _ = try? ProcessRunner.run(["umount", dir.path], timeout: 10) }
        try body(dir.path)
    }

    @Test(.enabled(if: canMount)) func realFullDiskLeavesNothingBehind() throws {
        try withTmpfs("size=16k") { mount in
            var contents = sampleContents()
            // Incompressible bytes, so the archive is larger than the 16 KiB file system.
            var rng = BundleRNG(seed: 7)
            contents.add(BundleFile(name: "noise", bytes: (0..<100_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }))
            let path = mount + "/b.tar.gz"
            let e = bundleError { try BundleWriter.write(contents: contents, to: path, force: false, now: bundleTime) }
            #expect(e?.kind == .noSpace)
            #expect(e?.description.contains("no space left") == true)
            #expect(LocalFileSystem().list(mount).isEmpty)
        }
    }

    @Test(.enabled(if: canMount)) func realReadOnlyFileSystemGivesAClearError() throws {
        try withTmpfs("ro,size=64k") { mount in
            let e = bundleError { try BundleWriter.write(contents: sampleContents(), to: mount + "/b.tar.gz", force: false,
                                                         now: bundleTime) }
            #expect(e?.kind == .readOnly)
            #expect(e?.description.contains("read-only") == true)
            #expect(LocalFileSystem().list(mount).isEmpty)
        }
    }
}

@Suite("Bundle writer paths")
struct BundleWriterPathTests {
    /// Records every path the writer touches, to check where the temporary file goes.
    final class Recorder: BundleOutputSystem, @unchecked Sendable {
        var created: [String] = []
        let real = PosixOutputSystem()
        func createExclusive(_ path: String, mode: UInt32) -> Int32 {
            created.append(path)
            return real.createExclusive(path, mode: mode)
        }
        func write(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Int { real.write(fd, bytes) }
        func setMode(_ fd: Int32, _ mode: UInt32) -> Int32 { real.setMode(fd, mode) }
        func sync(_ fd: Int32) -> Int32 { real.sync(fd) }
        func close(_ fd: Int32) -> Int32 { real.close(fd) }
        func link(_ from: String, _ to: String) -> Int32 { real.link(from, to) }
        func rename(_ from: String, _ to: String) -> Int32 { real.rename(from, to) }
        func unlink(_ path: String) -> Int32 { real.unlink(path) }
        func exists(_ path: String) -> Bool { real.exists(path) }
        func isDirectory(_ path: String) -> Bool { real.isDirectory(path) }
        func syncDirectory(_ path: String) { real.syncDirectory(path) }
    }

    @Test func theTemporaryFileIsAHiddenSiblingOfTheTarget() throws {
        let dir = TemporaryDirectory(prefix: "rolehop-bw")
        defer { dir.remove() }
        let recorder = Recorder()
        try BundleWriter.write(contents: sampleContents(), to: dir.path + "/b.tar.gz", force: false, now: bundleTime,
                               system: recorder)
        #expect(recorder.created.count == 1)
        #expect(recorder.created.first?.hasPrefix(dir.path + "/.b.tar.gz.tmp-") == true)
        #expect(LocalFileSystem().list(dir.path) == ["b.tar.gz"])
    }
}
