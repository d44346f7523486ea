import Synchronization

/// Where a value came from: a file position, an environment variable, a command-line flag, a default.
///
/// Every setting rolehop shows carries one, so a person can go straight to the line to change.
///
/// The cases that hold a String are `indirect` (the String lives in a box): a Source is then 13 bytes and a
/// `Sourced<String>` fits in four registers, so the compiler copies an optional one with two reference-count
/// operations. With the Strings inline (17 bytes) every copy of a `Sourced<String>?` went through the
/// runtime's value witnesses, about 140 instructions each (issue 11: a RoleHop holds ten of them).
public enum Source: Sendable, Hashable, CustomStringConvertible {
    /// A position in a file; `line` and `column` are 1-based, `column` 0 when unknown. The file is an index into
    /// the process's table of paths (`SourceFile`), so a position is three integers: copying a sourced value
    /// copies no path and counts no reference (config resolution copies these by the hundred thousand; issue 11).
    /// Made with `.file(path:line:column:)`.
    case file(SourceFile, line: Int32, column: Int32)
    /// An environment variable, by name.
    indirect case environment(String)
    /// A command-line flag, by its spelling (`--profile`).
    indirect case flag(String)
    /// A built-in default, with a short reason (`"SDK default"`).
    indirect case defaultValue(String)
    /// Computed from other values (for example a region inherited through `source_profile`).
    indirect case derived(String)
    /// Fetched over the network (a URL, or an API call such as `iam:GetRole`).
    indirect case remote(String)

    public var description: String {
        switch self {
        case let .file(file, line, column):
            return column > 0 ? "\(file.path):\(line):\(column)" : "\(file.path):\(line)"
        case let .environment(name): return "env \(name)"
        case let .flag(name): return "flag \(name)"
        case let .defaultValue(why): return "default (\(why))"
        case let .derived(why): return "derived (\(why))"
        case let .remote(what): return "remote \(what)"
        }
    }

    /// A stable machine-readable form for JSON output.
    public var jsonObject: JSONValue {
        switch self {
        case let .file(file, line, column):
            var fields: [(String, JSONValue)] = [("type", "file"), ("path", .string(file.path)), ("line", .number(Double(line)))]
            if column > 0 { fields.append(("column", .number(Double(column)))) }
            return .object(fields)
        case let .environment(name): return .object([("type", "environment"), ("name", .string(name))])
        case let .flag(name): return .object([("type", "flag"), ("name", .string(name))])
        case let .defaultValue(why): return .object([("type", "default"), ("reason", .string(why))])
        case let .derived(why): return .object([("type", "derived"), ("reason", .string(why))])
        case let .remote(what): return .object([("type", "remote"), ("from", .string(what))])
        }
    }
}

/// A value together with where it came from.
public struct Sourced<Value: Sendable>: Sendable {
    public var value: Value
    public var source: Source
    public init(_ value: Value, from source: Source) {
        self.value = value
        self.source = source
    }
}

extension Sourced: Equatable where Value: Equatable {}
extension Sourced: Hashable where Value: Hashable {}

extension Source {
    /// A position in the file at `path` (the path is interned on first use).
    public static func file(path: String, line: Int, column: Int) -> Source {
        .file(SourceFile(path), line: Int32(clamping: line), column: Int32(clamping: column))
    }
}

/// A file named by a provenance: an index into one table of paths per process. Interning takes a lock and
/// happens once per file read (the config parser interns its file once); reading the path back, to print a
/// position, takes the lock again.
public struct SourceFile: Sendable, Hashable {
    let index: UInt32

    public init(_ path: String) { index = SourceFiles.shared.intern(path) }

    public var path: String { SourceFiles.shared.path(index) }
}

/// The table behind `SourceFile`: append-only, behind a mutex.
final class SourceFiles: Sendable {
    static let shared = SourceFiles()
    private let table = Mutex<(paths: [String], indices: [String: UInt32])>(([], [:]))

    func intern(_ path: String) -> UInt32 {
        table.withLock { t in
            if let i = t.indices[path] { return i }
            let i = UInt32(t.paths.count)
            t.paths.append(path)
            t.indices[path] = i
            return i
        }
    }

    func path(_ index: UInt32) -> String {
        table.withLock { t in Int(index) < t.paths.count ? t.paths[Int(index)] : "?" }
    }
}
