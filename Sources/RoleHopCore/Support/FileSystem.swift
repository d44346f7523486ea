#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `stat` says about a file, as much as rolehop reports.
public struct FileInfo: Sendable, Hashable {
    public var size: Int
    /// Permission bits (`0o644`), without the file type.
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32
    public var modified: Date
    public var isDirectory: Bool
    public init(size: Int, mode: UInt32, uid: UInt32, gid: UInt32, modified: Date, isDirectory: Bool = false) {
        self.size = size
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.modified = modified
        self.isDirectory = isDirectory
    }
}

/// Why a file could not be read.
public enum FileError: Error, Sendable, Hashable, CustomStringConvertible {
    case notFound(String)
    case permissionDenied(String)
    case tooLarge(String, limit: Int)
    case isDirectory(String)
    case other(String, String)

    public var description: String {
        switch self {
        case let .notFound(p): return "\(p): no such file"
        case let .permissionDenied(p): return "\(p): permission denied"
        case let .tooLarge(p, limit): return "\(p): larger than \(limit) bytes"
        case let .isDirectory(p): return "\(p): is a directory"
        case let .other(p, why): return "\(p): \(why)"
        }
    }
}

/// Read-only access to files, so the core can read this container, another one through `--root`, or memory.
public protocol FileSystem: Sendable {
    /// Reads a whole file, refusing files larger than `limit` bytes.
    func read(_ path: String, limit: Int) throws(FileError) -> [UInt8]
    /// `stat` of a path (following links), or nil when it does not exist.
    func info(_ path: String) -> FileInfo?
    /// Whether this process could open the file for reading (`access(R_OK)` on the real file system).
    func isReadable(_ path: String) -> Bool
    /// Names in a directory (not `.` and `..`), sorted; empty when it is not a readable directory.
    func list(_ directory: String) -> [String]
}

extension FileSystem {
    /// Reads a file as UTF-8 text (invalid sequences are repaired with U+FFFD; parsers report them).
    public func readText(_ path: String, limit: Int = 16 << 20) throws(FileError) -> String {
        let bytes = try read(path, limit: limit)
        return String(decoding: bytes, as: UTF8.self)
    }
    public func exists(_ path: String) -> Bool { info(path) != nil }
}

/// The machine's own file system, optionally seen below a root directory (`--root /proc/1/root`).
public struct LocalFileSystem: FileSystem {
    /// Prefix for every path; empty for the real root.
    public let root: String

    public init(root: String = "") {
        var r = root
        while r.count > 1 && r.hasSuffix("/") { r.removeLast() }
        self.root = r == "/" ? "" : r
    }

    /// The host path for a path as the diagnosed process sees it.
    public func hostPath(_ path: String) -> String {
        root.isEmpty ? path : root + (path.hasPrefix("/") ? path : "/" + path)
    }

    public func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] {
        let p = hostPath(path)
        let fd = open(p, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            switch errno {
            case ENOENT, ENOTDIR: throw .notFound(path)
            case EACCES, EPERM: throw .permissionDenied(path)
            case EISDIR: throw .isDirectory(path)
            default: throw .other(path, String(cString: strerror(errno)))
            }
        }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0 {
            if (st.st_mode & S_IFMT) == S_IFDIR { throw .isDirectory(path) }
            if Int(st.st_size) > limit { throw .tooLarge(path, limit: limit) }
        }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { buf in Glibc.read(fd, buf.baseAddress, buf.count) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EISDIR { throw .isDirectory(path) }
                throw .other(path, String(cString: strerror(errno)))
            }
            if n == 0 { break }
            if out.count + n > limit { throw .tooLarge(path, limit: limit) }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    public func info(_ path: String) -> FileInfo? {
        var st = stat()
        guard stat(hostPath(path), &st) == 0 else { return nil }
        let seconds = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
        return FileInfo(size: Int(st.st_size), mode: UInt32(st.st_mode) & 0o7777, uid: st.st_uid, gid: st.st_gid,
                        modified: Date(timeIntervalSince1970: seconds),
                        isDirectory: (st.st_mode & S_IFMT) == S_IFDIR)
    }

    public func isReadable(_ path: String) -> Bool { access(hostPath(path), R_OK) == 0 }

    public func list(_ directory: String) -> [String] {
        guard let dir = opendir(hostPath(directory)) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { ptr in
                ptr.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}

/// Files held in memory, for tests and for bundles opened in the viewer.
public struct MemoryFileSystem: FileSystem {
    public struct Entry: Sendable {
        public var bytes: [UInt8]
        public var info: FileInfo
        public var readable: Bool
    }
    public var files: [String: Entry]

    public init(_ files: [String: String] = [:], modified: Date = Date(timeIntervalSince1970: 0)) {
        self.files = [:]
        for (path, text) in files { add(path, text, modified: modified) }
    }

    public mutating func add(_ path: String, _ text: String, mode: UInt32 = 0o644, uid: UInt32 = 0, gid: UInt32 = 0,
                             modified: Date = Date(timeIntervalSince1970: 0), readable: Bool = true) {
        addBytes(path, Array(text.utf8), mode: mode, uid: uid, gid: gid, modified: modified, readable: readable)
    }

    public mutating func addBytes(_ path: String, _ bytes: [UInt8], mode: UInt32 = 0o644, uid: UInt32 = 0,
                                  gid: UInt32 = 0, modified: Date = Date(timeIntervalSince1970: 0),
                                  readable: Bool = true) {
        files[path] = Entry(bytes: bytes,
                            info: FileInfo(size: bytes.count, mode: mode, uid: uid, gid: gid, modified: modified),
                            readable: readable)
    }

    public func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] {
        guard let e = files[path] else {
            if !list(path).isEmpty { throw .isDirectory(path) }
            throw .notFound(path)
        }
        guard e.readable else { throw .permissionDenied(path) }
        guard e.bytes.count <= limit else { throw .tooLarge(path, limit: limit) }
        return e.bytes
    }

    public func info(_ path: String) -> FileInfo? {
        if let e = files[path] { return e.info }
        if !list(path).isEmpty {
            return FileInfo(size: 0, mode: 0o755, uid: 0, gid: 0, modified: Date(timeIntervalSince1970: 0),
                            isDirectory: true)
        }
        return nil
    }

    public func isReadable(_ path: String) -> Bool { files[path]?.readable ?? false }

    public func list(_ directory: String) -> [String] {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        var names = Set<String>()
        for path in files.keys where path.hasPrefix(prefix) {
            let rest = path.dropFirst(prefix.count)
            if let first = rest.split(separator: "/").first { names.insert(String(first)) }
        }
        return names.sorted()
    }
}
