#if canImport(Glibc)
import Glibc
#endif

/// Which of the two shared files a text came from; they name sections differently.
public enum ConfigFileKind: String, Sendable, Hashable {
    /// `~/.aws/config`: `[default]`, `[profile NAME]`, `[sso-session NAME]`, `[services NAME]`.
    case config
    /// `~/.aws/credentials`: bare `[NAME]` sections only.
    case credentials
}

/// What a section header declares.
public enum ConfigSectionKind: String, Sendable, Hashable {
    case profile
    case ssoSession = "sso-session"
    case services
}

/// One `key = value` line (or an indented sub-property of one), with its position.
public struct ConfigProperty: Sendable, Hashable {
    /// The key, lower-cased (keys are case-insensitive in every SDK).
    public var key: String { didSet { known = ConfigKey(name: key) } }
    /// The interned key when rolehop knows it (derived from `key`).
    public private(set) var known: ConfigKey?
    /// The value, trimmed, inline comment removed, continuation lines joined with `\n`.
    public var value: String
    /// Where the value starts (file, line, column of the first value byte; the key's column when empty).
    public var source: Source
    /// Indented `name = value` lines under a property whose own value is empty (`s3 =`, `sts =`).
    public var subProperties: [ConfigProperty]

    public init(key: String, value: String, source: Source, subProperties: [ConfigProperty] = []) {
        self.key = key
        self.known = ConfigKey(name: key)
        self.value = value
        self.source = source
        self.subProperties = subProperties
    }

    /// A property whose key is already interned (the parser's path: no key string is built).
    init(known: ConfigKey, value: String, source: Source) {
        self.key = known.name
        self.known = known
        self.value = value
        self.source = source
        self.subProperties = []
    }

    /// A sub-property by (lower-case) name; the last one wins, as for properties.
    public func subProperty(_ name: String) -> ConfigProperty? { subProperties.last { $0.key == name } }

    public var sourced: Sourced<String> { Sourced(value, from: source) }
}

/// A section header and the properties under it, exactly as one file wrote them (not merged).
public struct ConfigSection: Sendable, Hashable {
    public var kind: ConfigSectionKind
    public var name: String
    /// True for `[default]` written without the `profile ` prefix in the config file.
    public var isBareDefault: Bool
    public var source: Source
    public var properties: [ConfigProperty]
}

/// The result of parsing one file: sections in file order, findings, and the error that stopped the parse.
public struct ParsedConfigFile: Sendable {
    public var path: String
    public var kind: ConfigFileKind
    public var sections: [ConfigSection]
    public var findings: [Finding]
    /// Set when the shared-config rules make the whole file unusable (the SDKs refuse to load it); the
    /// sections before the bad line are kept so they can still be shown.
    public var error: InputError?
}

/// The shared config/credentials file parser of the cross-SDK specification, working on UTF-8 bytes.
///
/// Rules (AWS SDKs and Tools Reference Guide, "Shared config and credentials files", and the SDKs' shared
/// parser test suite): full-line comments start with `#` or `;` in column 1; a section header may be followed
/// by a comment; a property value loses a comment only when `#`/`;` follows whitespace; lines starting with
/// whitespace continue the previous property (or, after `key =` with an empty value, define sub-properties);
/// keys are case-insensitive; duplicate sections merge and the last duplicate key wins. A property outside
/// any section, a line without `=`, an empty key, a header without `]` or a stray continuation stop the
/// parse, as the SDKs refuse such files. Where botocore (configparser) reads a line differently, a
/// `config.portability.*` finding names the line.
public enum ConfigParser {
    /// Parses one file's bytes. Never throws: problems are findings, a fatal one also sets `error`.
    public static func parse(_ bytes: [UInt8], path: String, kind: ConfigFileKind) -> ParsedConfigFile {
        // The parser reads through a buffer pointer: no bounds checks or array retains per byte in the hot loop.
        bytes.withUnsafeBufferPointer { buffer in
            var p = Parser(bytes: buffer, path: path, kind: kind)
            p.run()
            p.flush()
            return ParsedConfigFile(path: path, kind: kind, sections: p.sections, findings: p.findings, error: p.error)
        }
    }

    public static func parse(_ text: String, path: String, kind: ConfigFileKind) -> ParsedConfigFile {
        parse(Array(text.utf8), path: path, kind: kind)
    }

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    /// True when a byte in `from..<to` is 0x80 or above (not ASCII): eight bytes at a time, then the rest.
    static func hasNonASCII(_ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Bool {
        var k = from
        while k + 8 <= to {
            if UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return true }
            k += 8
        }
        while k < to {
            if base[k] >= 0x80 { return true }
            k += 1
        }
        return false
    }

    /// Profile names the SDKs accept: letters, digits and `- / . % @ _ : +`.
    static func isProfileNameByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "."), UInt8(ascii: "%"), UInt8(ascii: "@"),
             UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "+"): return true
        default: return false
        }
    }

    /// Property names the SDKs accept: letters, digits, `-` and `_`.
    static func isKeyByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "_"): return true
        default: return false
        }
    }
}

private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    let path: String
    let kind: ConfigFileKind
    var sections: [ConfigSection] = []
    var findings: [Finding] = []
    var error: InputError?

    /// Index in `sections` of the section being filled; nil before the first header.
    var current: Int?
    /// The properties of the section being filled, moved into it when the section ends (`flush`): appending
    /// to a local array costs no uniqueness checks of the sections array per line.
    var props: [ConfigProperty] = []
    /// True after a header that the rules ignore (bad name, wrong prefix): its lines are skipped.
    var skipping = false
    var sawHeader = false
    /// Index of the last property of the current section, for continuation lines.
    var lastProperty: Int?
    /// True when the last property had an empty value, so indented lines are sub-properties.
    var inSubBlock = false
    /// Lines of the last property's continuation, to warn once about botocore's comment handling.
    var line = 0

    init(bytes: UnsafeBufferPointer<UInt8>, path: String, kind: ConfigFileKind) {
        self.bytes = bytes
        self.path = path
        self.file = SourceFile(path)
        self.kind = kind
    }

    /// The file, interned once: every property's position refers to it.
    let file: SourceFile

    func src(_ line: Int, _ column: Int) -> Source {
        .file(file, line: Int32(clamping: line), column: Int32(clamping: column))
    }

    mutating func fail(_ id: String, _ message: String, line: Int, column: Int, text: String) {
        let e = InputError(file: path, line: line, column: column, message: message)
        error = e
        findings.append(Finding(
            id: id, severity: .fail, title: message,
            evidence: [Evidence("line", text, source: src(line, column))],
            why: "The AWS SDKs refuse to load a file with this line, so no profile in it can be used.",
            fix: "Correct or remove line \(line) of \(path)."))
    }

    mutating func warn(_ id: String, _ title: String, line: Int, column: Int, text: String, why: String,
                       fix: String, severity: Severity = .warn) {
        findings.append(Finding(id: id, severity: severity, title: title,
                                evidence: [Evidence("line", text, source: src(line, column))], why: why, fix: fix))
    }

    /// The index of the first `byte` in `a..<b`, or `b`.
    func find(_ byte: UInt8, _ a: Int, _ b: Int) -> Int {
        guard a < b, let base = bytes.baseAddress, let hit = memchr(base + a, Int32(byte), b - a) else { return b }
        return UnsafeRawPointer(hit).assumingMemoryBound(to: UInt8.self) - base
    }

    /// Text of a byte range for messages and values; invalid UTF-8 is repaired (and reported per line).
    func text(_ a: Int, _ b: Int) -> String {
        a >= b ? "" : String(decoding: UnsafeBufferPointer(rebasing: bytes[a..<b]), as: UTF8.self)
    }

    /// A line shortened for evidence (a 1 MB line must not become a 1 MB finding).
    func excerpt(_ a: Int, _ b: Int) -> String {
        if b - a <= 200 { return text(a, b) }
        var end = a + 200
        while end > a, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return text(a, end) + "… (\(b - a) bytes)"
    }

    mutating func run() {
        let n = bytes.count
        var start = 0
        // A UTF-8 byte order mark is skipped, as the SDKs' readers do.
        if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        var invalidUTF8Reported = 0
        // Non-ASCII bytes are looked for once in the whole file, 8 at a time: an ASCII file (the common case)
        // then needs no per-line UTF-8 check.
        var fileHasHigh = false
        if let base = bytes.baseAddress { fileHasHigh = ConfigParser.hasNonASCII(base, from: start, to: n) }
        while start < n || (start == n && line == 0 && n == 0) {
            if start == n { break }
            line += 1
            // memchr finds the newline a word at a time; non-ASCII bytes are then looked for 8 at a time.
            guard let base = bytes.baseAddress else { return }
            var end = n
            if let nl = memchr(base + start, 0x0A, n - start) {
                end = UnsafeRawPointer(nl).assumingMemoryBound(to: UInt8.self) - base
            }
            let high = fileHasHigh && invalidUTF8Reported < 5 && ConfigParser.hasNonASCII(base, from: start, to: end)
            let next = end + 1
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            if high, invalidUTF8Reported < 5, !isValidUTF8(start, end) {
                invalidUTF8Reported += 1
                warn("config.invalid-utf8", "Line \(line) is not valid UTF-8", line: line, column: 1,
                     text: excerpt(start, end),
                     why: "The SDKs read these files as UTF-8; botocore refuses the whole file, others replace the bytes.",
                     fix: "Save \(path) as UTF-8.")
            }
            processLine(start, end)
            if error != nil { return }
            start = next
        }
    }

    func isValidUTF8(_ a: Int, _ b: Int) -> Bool {
        var i = a
        while i < b {
            let c = bytes[i]
            if c < 0x80 { i += 1; continue }
            let len: Int
            if c & 0xE0 == 0xC0, c >= 0xC2 {
                len = 2
            } else if c & 0xF0 == 0xE0 {
                len = 3
            } else if c & 0xF8 == 0xF0, c <= 0xF4 {
                len = 4
            } else {
                return false
            }
            if i + len > b { return false }
            for k in 1..<len where bytes[i + k] & 0xC0 != 0x80 { return false }
            i += len
        }
        return true
    }

    mutating func processLine(_ s: Int, _ e: Int) {
        // Blank lines are ignored everywhere (also inside sub-property blocks).
        var first = s
        while first < e, ConfigParser.isSpace(bytes[first]) { first += 1 }
        if first == e { return }
        let c = bytes[s]
        if c == UInt8(ascii: "#") || c == UInt8(ascii: ";") { return }
        if c == UInt8(ascii: "[") { header(s, e); return }
        if ConfigParser.isSpace(c) { continuation(s, first, e); return }
        property(s, e)
    }

    /// Moves the pending properties into the current section.
    mutating func flush() {
        guard let cur = current, !props.isEmpty else { return }
        swap(&sections[cur].properties, &props)
        props = []
    }

    mutating func header(_ s: Int, _ e: Int) {
        flush()
        sawHeader = true
        lastProperty = nil
        inSubBlock = false
        var close = s + 1
        while close < e, bytes[close] != UInt8(ascii: "]") { close += 1 }
        guard close < e else {
            fail("config.parse.section-unterminated", "Section header must end with ']'", line: line, column: 1,
                 text: excerpt(s, e))
            return
        }
        // After `]` only whitespace or a comment may follow.
        var k = close + 1
        while k < e, ConfigParser.isSpace(bytes[k]) { k += 1 }
        if k < e, bytes[k] != UInt8(ascii: "#"), bytes[k] != UInt8(ascii: ";") {
            warn("config.section-trailing-text", "Text after the section header on line \(line) is ignored",
                 line: line, column: k - s + 1, text: excerpt(s, e),
                 why: "Only a comment may follow `]`; some SDKs reject the line.", fix: "Remove the text after `]`.")
        }
        var a = s + 1
        var b = close
        while a < b, ConfigParser.isSpace(bytes[a]) { a += 1 }
        while b > a, ConfigParser.isSpace(bytes[b - 1]) { b -= 1 }

        func hasWord(_ word: StaticString) -> Int? {
            let count = word.utf8CodeUnitCount
            guard b - a > count else { return nil }
            let w = word.utf8Start
            for i in 0..<count where bytes[a + i] != w[i] { return nil }
            guard ConfigParser.isSpace(bytes[a + count]) else { return nil }
            var r = a + count
            while r < b, ConfigParser.isSpace(bytes[r]) { r += 1 }
            return r
        }

        if kind == .config, a > s + 1 {
            warn("config.portability.header-whitespace",
                 "Whitespace after '[' on line \(line): botocore ignores this section", line: line, column: 2,
                 text: excerpt(s, e),
                 why: "The shared rules trim the section name; botocore (AWS CLI, Python) compares the untrimmed "
                 + "text with `profile`, so the section is lost there.", fix: "Remove the whitespace after '['.")
        }
        var sectionKind = ConfigSectionKind.profile
        var nameStart = a
        var bare = false
        switch kind {
        case .config:
            if let r = hasWord("profile") {
                nameStart = r
            } else if let r = hasWord("sso-session") {
                sectionKind = .ssoSession; nameStart = r
            } else if let r = hasWord("services") {
                sectionKind = .services; nameStart = r
            } else if b - a == 7, bytes[a] == UInt8(ascii: "d"), text(a, b) == "default" {
                bare = true
            } else {
                skipSection(s, e, why: "In the config file a profile section must be written `[profile NAME]` "
                            + "(only `[default]` may omit the prefix); the SDKs ignore this section.",
                            fix: "Write `[profile \(text(a, b))]`, or move the section to the credentials file.")
                return
            }
        case .credentials:
            if hasWord("profile") != nil {
                skipSection(s, e, why: "The credentials file names profiles without the `profile ` prefix; "
                            + "the SDKs that follow the shared rules ignore this section (botocore reads it as a "
                            + "profile literally named `\(text(a, b))`).",
                            fix: "Write `[\(text(hasWord("profile") ?? a, b))]`.")
                return
            }
        }
        for i in nameStart..<b where !ConfigParser.isProfileNameByte(bytes[i]) {
            skipSection(s, e, why: "Section names may contain only letters, digits and - / . % @ _ : +; the SDKs "
                        + "ignore this section and every property under it.",
                        fix: "Rename the section.", id: "config.invalid-profile-name")
            return
        }
        if nameStart == b {
            skipSection(s, e, why: "The section has no name; the SDKs ignore it.", fix: "Name the section.",
                        id: "config.invalid-profile-name")
            return
        }
        skipping = false
        sections.append(ConfigSection(kind: sectionKind, name: text(nameStart, b), isBareDefault: bare,
                                      source: src(line, 1), properties: []))
        current = sections.count - 1
        // Sections hold a few properties: one allocation up front instead of growing 1, 2, 4.
        props.reserveCapacity(4)
    }

    mutating func skipSection(_ s: Int, _ e: Int, why: String, fix: String, id: String = "config.section-ignored") {
        skipping = true
        flush()
        current = nil
        warn(id, "Section on line \(line) is ignored", line: line, column: 1, text: excerpt(s, e), why: why, fix: fix)
    }

    mutating func property(_ s: Int, _ e: Int) {
        guard sawHeader else {
            fail("config.parse.property-outside-section", "Property before any section header", line: line,
                 column: 1, text: excerpt(s, e))
            return
        }
        lastProperty = nil
        inSubBlock = false
        // memchr looks for the delimiter (and below for comment starts) a word at a time.
        let eq = find(UInt8(ascii: "="), s, e)
        guard eq < e else {
            var colon = s
            while colon < e, bytes[colon] != UInt8(ascii: ":") { colon += 1 }
            if colon < e {
                warn("config.portability.colon-delimiter",
                     "Line \(line) uses ':' as the delimiter: botocore reads it, the other SDKs reject the file",
                     line: line, column: colon - s + 1, text: excerpt(s, e),
                     why: "botocore (AWS CLI, Python) uses configparser, which accepts `key : value`; the SDKs "
                     + "that follow the shared rules (Java 2.x, Rust, Go v2, .NET, JavaScript v3, Kotlin, Swift) "
                     + "accept only `=`.", fix: "Write `key = value`.")
            }
            fail("config.parse.missing-equals", "Expected an '=' sign defining a property", line: line, column: 1,
                 text: excerpt(s, e))
            return
        }
        var ka = s
        var kb = eq
        while kb > ka, ConfigParser.isSpace(bytes[kb - 1]) { kb -= 1 }
        while ka < kb, ConfigParser.isSpace(bytes[ka]) { ka += 1 }
        guard ka < kb else {
            fail("config.parse.empty-key", "Property did not have a name", line: line, column: 1, text: excerpt(s, e))
            return
        }
        // Value: trimmed; an inline comment starts at whitespace followed by `#` or `;`.
        var va = eq + 1
        while va < e, ConfigParser.isSpace(bytes[va]) { va += 1 }
        var vb = e
        // Candidates for a comment start: the next `#` and the next `;` (values rarely hold either).
        var nextHash = find(UInt8(ascii: "#"), va, e)
        var nextSemi = find(UInt8(ascii: ";"), va, e)
        while nextHash < e || nextSemi < e {
            let i = min(nextHash, nextSemi)
            if i > va, ConfigParser.isSpace(bytes[i - 1]) {
                vb = i
                if !skipping {
                    warn("config.portability.inline-comment",
                         "Inline comment on line \(line): botocore keeps it as part of the value",
                         line: line, column: i - s + 1, text: excerpt(s, e),
                         why: "The shared rules drop ` #…`/` ;…` after a value; botocore (AWS CLI, Python) keeps "
                         + "the comment in the value, so the two read different settings.",
                         fix: "Move the comment to its own line.")
                }
                break
            }
            if i == nextHash {
                nextHash = find(UInt8(ascii: "#"), i + 1, e)
            } else {
                nextSemi = find(UInt8(ascii: ";"), i + 1, e)
            }
        }
        while vb > va, ConfigParser.isSpace(bytes[vb - 1]) { vb -= 1 }
        if skipping { return }
        guard let cur = current else { return }
        for k in ka..<kb where !ConfigParser.isKeyByte(bytes[k]) {
            warn("config.invalid-key", "Property name on line \(line) is invalid and ignored", line: line,
                 column: 1, text: excerpt(s, e),
                 why: "Property names may contain only letters, digits, `-` and `_`; the SDKs ignore this line.",
                 fix: "Correct the property name.")
            return
        }
        let column = (va < vb ? va : ka) - s + 1
        let prop: ConfigProperty
        if let known = knownKey(ka, kb) {
            prop = ConfigProperty(known: known, value: text(va, vb), source: src(line, column))
        } else {
            prop = ConfigProperty(key: lowerKey(ka, kb), value: text(va, vb), source: src(line, column))
        }
        _ = cur
        props.append(prop)
        lastProperty = props.count - 1
        inSubBlock = va == vb
    }

    /// The interned key these bytes spell (case-insensitively), without building a String.
    func knownKey(_ a: Int, _ b: Int) -> ConfigKey? {
        guard b - a <= 31 else { return nil }
        // Keys are almost always written in lower case: try the bytes as they are first.
        if let k = ConfigKey.lookup(UnsafeBufferPointer(rebasing: bytes[a..<b])) { return k }
        var hasUpper = false
        for i in a..<b where bytes[i] >= 0x41 && bytes[i] <= 0x5A { hasUpper = true; break }
        if !hasUpper { return nil }
        var lowered = Array(bytes[a..<b])
        for i in lowered.indices where lowered[i] >= 0x41 && lowered[i] <= 0x5A { lowered[i] += 0x20 }
        return lowered.withUnsafeBufferPointer { ConfigKey.lookup($0) }
    }

    func lowerKey(_ a: Int, _ b: Int) -> String {
        var hasUpper = false
        for i in a..<b where bytes[i] >= 0x41 && bytes[i] <= 0x5A { hasUpper = true; break }
        if !hasUpper { return text(a, b) }
        var lowered = Array(bytes[a..<b])
        for i in lowered.indices where lowered[i] >= 0x41 && lowered[i] <= 0x5A { lowered[i] += 0x20 }
        return String(decoding: lowered, as: UTF8.self)
    }

    mutating func continuation(_ s: Int, _ first: Int, _ e: Int) {
        if !sawHeader {
            fail("config.parse.property-outside-section", "Expected a profile definition, found an indented line",
                 line: line, column: first - s + 1, text: excerpt(s, e))
            return
        }
        if skipping { return }
        guard current != nil, let lp = lastProperty else {
            fail("config.parse.continuation-without-property", "Expected a property definition, found continuation",
                 line: line, column: first - s + 1, text: excerpt(s, e))
            return
        }
        var b = e
        while b > first, ConfigParser.isSpace(bytes[b - 1]) { b -= 1 }
        if bytes[first] == UInt8(ascii: "#") || bytes[first] == UInt8(ascii: ";") {
            warn("config.portability.indented-comment",
                 "Indented comment on line \(line) continues the value above in the shared rules",
                 line: line, column: first - s + 1, text: excerpt(s, e),
                 why: "The shared rules read an indented `#`/`;` line as part of the previous value; botocore "
                 + "(AWS CLI, Python) drops it as a comment.", fix: "Start comment lines in column 1.")
        }
        if inSubBlock {
            var eq = first
            while eq < b, bytes[eq] != UInt8(ascii: "=") { eq += 1 }
            guard eq < b else {
                fail("config.parse.subproperty-missing-equals", "Expected an '=' sign defining a sub-property",
                     line: line, column: first - s + 1, text: excerpt(s, e))
                return
            }
            var kb = eq
            while kb > first, ConfigParser.isSpace(bytes[kb - 1]) { kb -= 1 }
            guard kb > first else {
                fail("config.parse.subproperty-empty-key", "Sub-property did not have a name", line: line,
                     column: first - s + 1, text: excerpt(s, e))
                return
            }
            var va = eq + 1
            while va < b, ConfigParser.isSpace(bytes[va]) { va += 1 }
            let sub = ConfigProperty(key: lowerKey(first, kb), value: text(va, b),
                                     source: src(line, (va < b ? va : first) - s + 1))
            props[lp].subProperties.append(sub)
            // The raw value keeps the sub-property lines, as the SDKs expose it (`"\nname = value"`).
            props[lp].value += "\n" + text(first, b)
        } else {
            props[lp].value += "\n" + text(first, b)
        }
    }
}
