/// How bad a finding is. Ordered: `ok < info < warn < fail`.
public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable, Codable {
    case ok, info, warn, fail

    private var rank: Int {
        switch self {
        case .ok: 0
        case .info: 1
        case .warn: 2
        case .fail: 3
        }
    }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One observed value behind a finding, with where it came from.
public struct Evidence: Sendable, Hashable {
    public var label: String
    public var value: String
    public var source: Source?
    public init(_ label: String, _ value: String, source: Source? = nil) {
        self.label = label
        self.value = value
        self.source = source
    }
}

/// A fact rolehop established, usually a problem, rendered the same way by the CLI, the TUI and the bundle.
///
/// `id` is stable (documented in the README's catalogue) so scripts and tests can rely on it.
public struct Finding: Sendable, Hashable {
    public var id: String
    public var severity: Severity
    public var title: String
    public var evidence: [Evidence]
    /// Why it matters, in plain words.
    public var why: String
    /// The exact change that fixes it (a config line, a JSON patch, an annotation), or empty.
    public var fix: String
    /// A documentation link, or empty.
    public var docURL: String
    /// Which hop of the chain it concerns (0 = base credentials), when it concerns one.
    public var hop: Int?

    public init(id: String, severity: Severity, title: String, evidence: [Evidence] = [], why: String = "",
                fix: String = "", docURL: String = "", hop: Int? = nil) {
        self.id = id
        self.severity = severity
        self.title = title
        self.evidence = evidence
        self.why = why
        self.fix = fix
        self.docURL = docURL
        self.hop = hop
    }

    public var jsonObject: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("id", .string(id)), ("severity", .string(severity.rawValue)), ("title", .string(title)),
            ("evidence", .array(evidence.map { e in
                var f: [(String, JSONValue)] = [("label", .string(e.label)), ("value", .string(e.value))]
                if let s = e.source { f.append(("source", .string(s.description))) }
                return .object(f)
            })),
            ("why", .string(why)), ("fix", .string(fix)), ("doc", .string(docURL)),
        ]
        if let hop { fields.append(("hop", .number(Double(hop)))) }
        return .object(fields)
    }
}

/// An error in user input with a position, for exit code 2 ("unusable input").
public struct InputError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    public init(file: String, line: Int = 0, column: Int = 0, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }
    public var description: String {
        var where_ = file
        if line > 0 { where_ += ":\(line)" }
        if column > 0 { where_ += ":\(column)" }
        return "\(where_): \(message)"
    }
}
