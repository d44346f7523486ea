
/// A snapshot that could not be read back from JSON, with the JSON path of the offending value.
public struct ExplorerJSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// JSON path such as `$.nodes[1].state`, matching `JSONDocument.positions` keys.
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}

/// JSON form of an explorer snapshot, so a bundle can store exactly what every tab showed.
///
/// Shape (version 1): `{"version":1,"profile","region","mode","finalIdentity","focusNode","nodes":[...],
/// "findings":[...]}`. A line is a string when it is one plain span, else an array of spans; a span is a string
/// (plain) or `{"t": text, "r": role}`. Evidence sources use `Source.jsonObject`, so nothing is lost.
extension ExplorerSnapshot {
    public static let jsonVersion = 1

    public var jsonObject: JSONValue {
        .object([
            ("version", .number(Double(Self.jsonVersion))),
            ("profile", .string(profile)),
            ("region", .string(region)),
            ("mode", .string(mode.rawValue)),
            ("finalIdentity", finalIdentity.map { .string($0) } ?? .null),
            ("focusNode", focusNode.map { .number(Double($0)) } ?? .null),
            ("nodes", .array(nodes.map(Self.encode(node:)))),
            ("findings", .array(findings.map(Self.encode(finding:)))),
        ])
    }

    public init(json: JSONValue) throws(ExplorerJSONError) {
        let r = Reader(value: json, path: "$")
        let version = try r.int("version")
        guard version == Self.jsonVersion else {
            throw ExplorerJSONError(path: "$.version", message: "unsupported snapshot version \(version) (this rolehop reads \(Self.jsonVersion))")
        }
        let modeName = try r.string("mode")
        guard let mode = ExplorerMode(rawValue: modeName) else {
            throw ExplorerJSONError(path: "$.mode", message: "unknown mode \"\(modeName)\" (live, offline, bundle)")
        }
        var nodes: [NodeView] = []
        for item in try r.array("nodes") { nodes.append(try Self.decode(node: item)) }
        var findings: [Finding] = []
        for item in try r.array("findings") { findings.append(try Self.decode(finding: item)) }
        let focus = try r.optionalInt("focusNode")
        if let focus, !nodes.indices.contains(focus) {
            throw ExplorerJSONError(path: "$.focusNode", message: "focusNode \(focus) is not a node index (0..<\(nodes.count))")
        }
        self.init(profile: try r.string("profile"), region: try r.string("region"), mode: mode,
                  finalIdentity: try r.optionalString("finalIdentity"), nodes: nodes, findings: findings,
                  focusNode: focus)
    }

    /// Parses snapshot JSON text; errors name `file:line:column` for exit code 2.
    public static func parse(_ text: String, file: String) throws(InputError) -> ExplorerSnapshot {
        let doc: JSONDocument
        do {
            doc = try JSONParser.parse(text)
        } catch {
            throw InputError(file: file, line: error.position.line, column: error.position.column, message: error.message)
        }
        do {
            return try ExplorerSnapshot(json: doc.value)
        } catch {
            // Walk up the path until a recorded position is found (missing members have none of their own).
            var path = error.path
            while doc.position(of: path) == nil, let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) {
                path = String(path[..<cut])
            }
            let pos = doc.position(of: path)
            throw InputError(file: file, line: pos?.line ?? 0, column: pos?.column ?? 0, message: error.description)
        }
    }

    // MARK: encoding

    static func encode(node: NodeView) -> JSONValue {
        var tabs: [(String, JSONValue)] = []
        for tab in ExplorerTab.allCases {
            if let lines = node.tabs[tab] { tabs.append((tab.rawValue, .array(lines.map(encode(line:))))) }
        }
        return .object([
            ("kind", .string(node.kind.rawValue)),
            ("label", .string(node.label)),
            ("detail", .string(node.detail)),
            ("state", encode(state: node.state)),
            ("worst", node.worst.map { .string($0.rawValue) } ?? .null),
            ("tabs", .object(tabs)),
        ])
    }

    static func encode(state: NodeState) -> JSONValue {
        switch state {
        case let .predicted(sev): .object([("type", "predicted"), ("severity", .string(sev.rawValue))])
        case .running: .object([("type", "running")])
        case .succeeded: .object([("type", "succeeded")])
        case .failed: .object([("type", "failed")])
        case .notRun: .object([("type", "notRun")])
        }
    }

    static func encode(line: StyledLine) -> JSONValue {
        if line.spans.count == 1, line.spans[0].role == .plain { return .string(line.spans[0].text) }
        return .array(line.spans.map { span in
            span.role == .plain ? .string(span.text) : .object([("t", .string(span.text)), ("r", .string(span.role.rawValue))])
        })
    }

    static func encode(finding f: Finding) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("id", .string(f.id)), ("severity", .string(f.severity.rawValue)), ("title", .string(f.title)),
            ("evidence", .array(f.evidence.map { e in
                var ev: [(String, JSONValue)] = [("label", .string(e.label)), ("value", .string(e.value))]
                if let s = e.source { ev.append(("source", s.jsonObject)) }
                return .object(ev)
            })),
            ("why", .string(f.why)), ("fix", .string(f.fix)), ("doc", .string(f.docURL)),
        ]
        if let hop = f.hop { fields.append(("hop", .number(Double(hop)))) }
        return .object(fields)
    }

    // MARK: decoding

    static func decode(node value: Reader) throws(ExplorerJSONError) -> NodeView {
        let kindName = try value.string("kind")
        guard let kind = NodeKind(rawValue: kindName) else { throw value.error("kind", "unknown node kind \"\(kindName)\"") }
        var tabs: [ExplorerTab: [StyledLine]] = [:]
        let tabsReader = try value.child("tabs")
        guard let members = tabsReader.value.objectValue else { throw tabsReader.error(nil, "expected an object, found \(tabsReader.value.typeName)") }
        for (name, _) in members {
            guard let tab = ExplorerTab(rawValue: name) else { throw tabsReader.error(name, "unknown tab \"\(name)\"") }
            var lines: [StyledLine] = []
            for line in try tabsReader.array(name) { lines.append(try decode(line: line)) }
            tabs[tab] = lines
        }
        let worst = try value.optionalString("worst")
        return NodeView(kind: kind, label: try value.string("label"), detail: try value.string("detail"),
                        state: try decode(state: try value.child("state")), tabs: tabs,
                        worst: try worst.map { w throws(ExplorerJSONError) in try severity(w, value, "worst") })
    }

    static func severity(_ name: String, _ r: Reader, _ key: String) throws(ExplorerJSONError) -> Severity {
        guard let s = Severity(rawValue: name) else { throw r.error(key, "unknown severity \"\(name)\" (ok, info, warn, fail)") }
        return s
    }

    static func decode(state r: Reader) throws(ExplorerJSONError) -> NodeState {
        switch try r.string("type") {
        case "predicted": return .predicted(try severity(try r.string("severity"), r, "severity"))
        case "running": return .running
        case "succeeded": return .succeeded
        case "failed": return .failed
        case "notRun": return .notRun
        case let other: throw r.error("type", "unknown node state \"\(other)\" (predicted, running, succeeded, failed, notRun)")
        }
    }

    static func decode(line r: Reader) throws(ExplorerJSONError) -> StyledLine {
        if let s = r.value.stringValue { return StyledLine(s) }
        guard let items = r.value.arrayValue else { throw r.error(nil, "a line is a string or an array of spans, found \(r.value.typeName)") }
        var spans: [Span] = []
        for (i, item) in items.enumerated() {
            let sr = Reader(value: item, path: r.path + "[\(i)]")
            if let s = item.stringValue { spans.append(Span(s)); continue }
            let roleName = try sr.string("r")
            guard let role = StyleRole(rawValue: roleName) else { throw sr.error("r", "unknown style role \"\(roleName)\"") }
            spans.append(Span(try sr.string("t"), role))
        }
        return StyledLine(spans)
    }

    static func decode(finding r: Reader) throws(ExplorerJSONError) -> Finding {
        var evidence: [Evidence] = []
        for e in try r.array("evidence") {
            let source: Source? = try e.value["source"] == nil ? nil : decode(source: try e.child("source"))
            evidence.append(Evidence(try e.string("label"), try e.string("value"), source: source))
        }
        return Finding(id: try r.string("id"), severity: try severity(try r.string("severity"), r, "severity"),
                       title: try r.string("title"), evidence: evidence, why: try r.string("why"), fix: try r.string("fix"),
                       docURL: try r.string("doc"), hop: try r.optionalInt("hop"))
    }

    static func decode(source r: Reader) throws(ExplorerJSONError) -> Source {
        switch try r.string("type") {
        case "file": return .file(path: try r.string("path"), line: try r.int("line"), column: try r.optionalInt("column") ?? 0)
        case "environment": return .environment(try r.string("name"))
        case "flag": return .flag(try r.string("name"))
        case "default": return .defaultValue(try r.string("reason"))
        case "derived": return .derived(try r.string("reason"))
        case "remote": return .remote(try r.string("from"))
        case let other: throw r.error("type", "unknown source type \"\(other)\"")
        }
    }

    /// A value with its JSON path, so every decoding error says where it is.
    struct Reader {
        var value: JSONValue
        var path: String

        func error(_ key: String?, _ message: String) -> ExplorerJSONError {
            ExplorerJSONError(path: key.map { path + "." + $0 } ?? path, message: message)
        }
        func child(_ key: String) throws(ExplorerJSONError) -> Reader {
            guard value.objectValue != nil else { throw error(nil, "expected an object, found \(value.typeName)") }
            guard let v = value[key] else { throw error(key, "missing member \"\(key)\"") }
            return Reader(value: v, path: path + "." + key)
        }
        func string(_ key: String) throws(ExplorerJSONError) -> String {
            let c = try child(key)
            guard let s = c.value.stringValue else { throw error(key, "expected a string, found \(c.value.typeName)") }
            return s
        }
        func optionalString(_ key: String) throws(ExplorerJSONError) -> String? {
            guard let v = value[key], v != .null else { return nil }
            return try string(key)
        }
        func int(_ key: String) throws(ExplorerJSONError) -> Int {
            let c = try child(key)
            guard let n = c.value.numberValue, n == n.rounded(), abs(n) < 1e15 else {
                throw error(key, "expected an integer, found \(c.value.typeName)")
            }
            return Int(n)
        }
        func optionalInt(_ key: String) throws(ExplorerJSONError) -> Int? {
            guard let v = value[key], v != .null else { return nil }
            return try int(key)
        }
        func array(_ key: String) throws(ExplorerJSONError) -> [Reader] {
            let c = try child(key)
            guard let items = c.value.arrayValue else { throw error(key, "expected an array, found \(c.value.typeName)") }
            return items.enumerated().map { Reader(value: $0.element, path: c.path + "[\($0.offset)]") }
        }
    }
}
