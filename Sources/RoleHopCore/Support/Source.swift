/// Where a value came from: a file position, an environment variable, a command-line flag, a default.
///
/// Every setting rolehop shows carries one, so a person can go straight to the line to change.
public enum Source: Sendable, Hashable, CustomStringConvertible {
    /// A position in a file; `line` and `column` are 1-based, `column` 0 when unknown.
    case file(path: String, line: Int, column: Int)
    /// An environment variable, by name.
    case environment(String)
    /// A command-line flag, by its spelling (`--profile`).
    case flag(String)
    /// A built-in default, with a short reason (`"SDK default"`).
    case defaultValue(String)
    /// Computed from other values (for example a region inherited through `source_profile`).
    case derived(String)
    /// Fetched over the network (a URL, or an API call such as `iam:GetRole`).
    case remote(String)

    public var description: String {
        switch self {
        case let .file(path, line, column):
            return column > 0 ? "\(path):\(line):\(column)" : "\(path):\(line)"
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
        case let .file(path, line, column):
            var fields: [(String, JSONValue)] = [("type", "file"), ("path", .string(path)), ("line", .number(Double(line)))]
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
