#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few system calls the writer makes, behind a protocol so tests can make a disk fill up or a directory
/// turn read-only at any step. Every function returns 0 (or a descriptor / a count) on success and `-errno` on
/// failure. This is the only place in the core that writes files.
public protocol BundleOutputSystem: Sendable {
    /// `open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)`.
    func createExclusive(_ path: String, mode: UInt32) -> Int32
    /// `write(2)`: bytes written, or `-errno`.
    func write(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Int
    func setMode(_ fd: Int32, _ mode: UInt32) -> Int32
    func sync(_ fd: Int32) -> Int32
    /// `close(2)`; NFS reports a full disk here.
    func close(_ fd: Int32) -> Int32
    /// `link(2)`: the atomic way to publish a file without replacing an existing one.
    func link(_ from: String, _ to: String) -> Int32
    func rename(_ from: String, _ to: String) -> Int32
    func unlink(_ path: String) -> Int32
    /// `lstat` says something exists at the path (a file, a link, a directory).
    func exists(_ path: String) -> Bool
    func isDirectory(_ path: String) -> Bool
    /// fsync of a directory, so the rename itself survives a crash (best effort).
    func syncDirectory(_ path: String)
}

/// The real system calls.
public struct PosixOutputSystem: BundleOutputSystem {
    public init() {}

    public func createExclusive(_ path: String, mode: UInt32) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        return fd >= 0 ? fd : -errno
    }

    public func write(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Int {
        while true {
            let n = bytes.withUnsafeBytes { buf in Glibc.write(fd, buf.baseAddress, buf.count) }
            if n < 0 && errno == EINTR { continue }
            return n >= 0 ? n : -Int(errno)
        }
    }

    public func setMode(_ fd: Int32, _ mode: UInt32) -> Int32 { fchmod(fd, mode_t(mode)) == 0 ? 0 : -errno }
    public func sync(_ fd: Int32) -> Int32 { fsync(fd) == 0 ? 0 : -errno }
    public func close(_ fd: Int32) -> Int32 { Glibc.close(fd) == 0 ? 0 : -errno }
    public func link(_ from: String, _ to: String) -> Int32 { Glibc.link(from, to) == 0 ? 0 : -errno }
    public func rename(_ from: String, _ to: String) -> Int32 { Glibc.rename(from, to) == 0 ? 0 : -errno }
    public func unlink(_ path: String) -> Int32 { Glibc.unlink(path) == 0 ? 0 : -errno }

    public func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    public func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    public func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        _ = Glibc.close(fd)
    }
}

/// What was written.
public struct WrittenBundle: Sendable, Hashable {
    public var path: String
    /// Size of the compressed file.
    public var size: Int
    /// Entry names and their (uncompressed) sizes, manifest first.
    public var entries: [BundleManifest.FileRecord]
}

/// Writes a bundle file: mode 0600, atomically (a temporary file in the same directory, fsync, then link or
/// rename into place), never over an existing file unless `force`; on any failure the temporary file is removed
/// and nothing is left behind.
public enum BundleWriter {
    /// Writes `contents` to `path`. `now` becomes the manifest's `createdAt` and every entry's mtime.
    @discardableResult
    public static func write(contents: BundleContents, to path: String, force: Bool, now: Date,
                             system: any BundleOutputSystem = PosixOutputSystem()) throws(BundleError) -> WrittenBundle {
        var contents = contents
        contents.manifest.createdAt = now
        let entries = contents.entries()
        let archive = try TarGz.write(entries, mtime: Int64(now.timeIntervalSince1970.rounded(.down)))
        try writeFile(archive, to: path, force: force, system: system)
        return WrittenBundle(path: path, size: archive.count,
                             entries: entries.map { BundleManifest.FileRecord(name: $0.name, size: $0.bytes.count) })
    }

    /// Publishes `bytes` at `path` with mode 0600 (the atomic part of `write`, usable for any output file).
    public static func writeFile(_ bytes: [UInt8], to path: String, force: Bool,
                                 system: any BundleOutputSystem = PosixOutputSystem()) throws(BundleError) {
        guard !path.isEmpty, !path.hasSuffix("/") else {
            throw BundleError(.io, "the output path must name a file", path: path)
        }
        let (directory, base) = split(path)
        if system.isDirectory(path) {
            throw BundleError(.io, "is a directory; give a file name such as \(path)/rolehop-bundle.tar.gz", path: path)
        }
        if !force && system.exists(path) {
            throw BundleError(.exists, "already exists; use --force to replace it", path: path)
        }
        if !system.isDirectory(directory) {
            throw BundleError(.io, "the directory \(directory) does not exist", path: path)
        }

        // Create the temporary file next to the target, so the final rename never crosses file systems.
        let folderPrefix = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
        var temp = ""
        var fd: Int32 = -1
        for _ in 0..<8 {
            temp = folderPrefix + "." + base + ".tmp-"
                + String(UInt64.random(in: 0...UInt64.max), radix: 16)
            fd = system.createExclusive(temp, mode: 0o600)
            if fd != -EEXIST { break }
        }
        if fd < 0 { throw failure(-fd, "cannot create a temporary file in \(directory)", path: path) }

        var ok = false
        defer {
            if !ok { _ = system.unlink(temp) }
        }
        // The umask may have cleared bits of 0600 but cannot add any; set it exactly.
        let modeResult = system.setMode(fd, 0o600)
        if modeResult < 0 {
            _ = system.close(fd)
            throw failure(-modeResult, "cannot set mode 0600 on the temporary file", path: path)
        }
        var offset = 0
        while offset < bytes.count {
            let n = system.write(fd, bytes[offset...])
            if n < 0 {
                _ = system.close(fd)
                throw failure(Int32(-n), "cannot write the bundle (\(offset) of \(bytes.count) bytes written)", path: path)
            }
            if n == 0 {
                _ = system.close(fd)
                throw failure(ENOSPC, "cannot write the bundle (\(offset) of \(bytes.count) bytes written)", path: path)
            }
            offset += n
        }
        let syncResult = system.sync(fd)
        if syncResult < 0 {
            _ = system.close(fd)
            throw failure(-syncResult, "cannot flush the bundle to disk", path: path)
        }
        let closeResult = system.close(fd)
        if closeResult < 0 { throw failure(-closeResult, "cannot finish writing the bundle", path: path) }

        if force {
            let r = system.rename(temp, path)
            if r < 0 { throw failure(-r, "cannot move the bundle into place", path: path) }
        } else {
            // link() fails with EEXIST if the target appeared meanwhile: no check-then-rename race.
            let r = system.link(temp, path)
            if r == -EEXIST {
                throw BundleError(.exists, "already exists; use --force to replace it", path: path)
            } else if r == -EPERM || r == -ENOTSUP || r == -EOPNOTSUPP || r == -ENOSYS || r == -EMLINK {
                // File systems without hard links (vfat, some FUSE): check, then rename. A file created in
                // the instant between the two would be replaced; documented in docs/bundle.md.
                if system.exists(path) {
                    throw BundleError(.exists, "already exists; use --force to replace it", path: path)
                }
                let rr = system.rename(temp, path)
                if rr < 0 { throw failure(-rr, "cannot move the bundle into place", path: path) }
            } else if r < 0 {
                throw failure(-r, "cannot move the bundle into place", path: path)
            } else {
                _ = system.unlink(temp)
            }
        }
        ok = true
        system.syncDirectory(directory)
    }

    static func split(_ path: String) -> (directory: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let dir = String(path[..<slash])
        return (dir.isEmpty ? "/" : dir, String(path[path.index(after: slash)...]))
    }

    static func failure(_ code: Int32, _ what: String, path: String) -> BundleError {
        let reason = String(cString: strerror(code))
        switch code {
        case ENOSPC, EDQUOT:
            return BundleError(.noSpace, "\(what): no space left on the device (\(reason)); nothing was written",
                               path: path)
        case EROFS:
            return BundleError(.readOnly, "\(what): the file system is read-only; write the bundle elsewhere, "
                               + "for example -o /tmp/rolehop-bundle.tar.gz", path: path)
        case EACCES, EPERM:
            return BundleError(.permissionDenied, "\(what): permission denied; write the bundle to a directory "
                               + "you can write, for example -o /tmp/rolehop-bundle.tar.gz", path: path)
        default:
            return BundleError(.io, "\(what): \(reason)", path: path)
        }
    }
}
