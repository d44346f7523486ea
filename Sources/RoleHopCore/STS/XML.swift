/// One XML element: its local name (namespace prefixes dropped), its own text (concatenated text and CDATA
/// children, untrimmed), and its child elements in order. Enough for AWS query-protocol responses.
public struct XMLElement: Sendable, Hashable {
    public var name: String
    public var text: String
    public var children: [XMLElement]
    public init(name: String, text: String = "", children: [XMLElement] = []) {
        self.name = name
        self.text = text
        self.children = children
    }

    /// The first child with this local name.
    public func child(_ name: String) -> XMLElement? { children.first(where: { $0.name == name }) }

    /// Children with this local name.
    public func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }

    /// Follows a path of child names (`element["AssumeRoleResult", "Credentials"]`).
    public subscript(_ path: String...) -> XMLElement? {
        var e: XMLElement? = self
        for p in path { e = e?.child(p) }
        return e
    }

    /// The text with surrounding whitespace removed (AWS pretty-prints its responses).
    public var trimmedText: String {
        let isWS: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let a = text.firstIndex(where: { !isWS($0) }), let b = text.lastIndex(where: { !isWS($0) }) else { return "" }
        return String(text[a...b])
    }

    /// The first element with this name anywhere below (depth first), including self.
    public func first(named name: String) -> XMLElement? {
        if self.name == name { return self }
        for c in children { if let hit = c.first(named: name) { return hit } }
        return nil
    }

    /// A copy without any element of this name (used to drop `<Credentials>` before a response is recorded).
    public func removing(_ name: String) -> XMLElement {
        var copy = self
        copy.children = children.filter { $0.name != name }.map { $0.removing(name) }
        return copy
    }

    /// Serialises back to compact XML text (escaping `&`, `<`, `>`, `"`).
    public func serialized() -> String {
        var out = "<" + name + ">"
        out += XMLElement.escape(text)
        for c in children { out += c.serialized() }
        return out + "</" + name + ">"
    }

    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}

/// Why a document is not usable XML.
public struct XMLError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String
    public init(line: Int = 0, column: Int = 0, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }
    public var description: String { line > 0 ? "\(line):\(column): \(message)" : message }
}

/// A parsed XML document, read by the small reader below (no C library: libxml2 and the ICU data it pulls in
/// cost more at process start than rolehop spends on everything else).
///
/// What it reads is what AWS query-protocol services write: an optional XML declaration (UTF-8 only), comments
/// and processing instructions (skipped), elements with attributes (checked, then dropped; a name loses its
/// prefix when that prefix is declared, so `<sts:Arn xmlns:sts="...">` is `Arn`), character data with the five
/// predefined entities and decimal or hex character references, and CDATA sections. Line ends are normalised to
/// `\n` as XML requires.
/// It refuses, with the line and column of the problem: any DOCTYPE (there are no entity definitions to expand,
/// so no entity expansion attacks), undefined entities, mismatched or unterminated tags, comments, CDATA
/// sections and processing instructions, invalid UTF-8 and characters XML forbids, and nesting deeper than
/// `maxDepth`.
public enum XMLDocument {
    /// The largest document accepted: STS and IAM responses are a few KB; policy documents at most ~10 KB.
    public static let maxBytes = 1 << 20
    /// Deepest element nesting accepted (AWS responses are under 10 levels).
    public static let maxDepth = 64

    /// Parses `bytes` into the root element.
    public static func parse(_ bytes: [UInt8]) throws(XMLError) -> XMLElement {
        guard !bytes.isEmpty else { throw XMLError(line: 1, column: 1, message: "empty document (expected a root element)") }
        guard bytes.count <= maxBytes else { throw XMLError(message: "document larger than \(maxBytes) bytes") }
        let result: Result<XMLElement, XMLError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = XMLReader(buffer)
            do throws(XMLError) { return .success(try reader.document()) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

/// The reader's state: a cursor over the bytes and the stack of open elements.
///
/// Positions are byte offsets; line and column are computed only when an error is reported, so the hot path
/// never counts lines.
struct XMLReader {
    private let b: UnsafeBufferPointer<UInt8>
    private var i = 0
    /// Open elements, innermost last, with the byte range of each one's qualified name (for the end tag check)
    /// and the number of namespace prefixes declared outside it.
    private var open: [(element: XMLElement, nameStart: Int, nameEnd: Int, scope: Int)] = []
    /// Namespace prefixes (`xmlns:p`) declared by the open elements, as byte ranges: a name whose prefix is
    /// declared loses it, one whose prefix is not keeps it (as libxml2's tree had it).
    private var prefixes: [(start: Int, end: Int)] = []
    /// Attribute name ranges of the start tag being read (duplicate check); reused between tags.
    private var attributeNames: [(start: Int, end: Int)] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        b = bytes
        open.reserveCapacity(16)
    }

    // MARK: Document

    mutating func document() throws(XMLError) -> XMLElement {
        try validateEncoding()
        if b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { i = 3 }  // UTF-8 byte order mark
        if at("<?xml") && i + 5 < b.count && isSpace(b[i + 5]) { try xmlDeclaration() }
        try misc()
        guard i < b.count else { throw fail("no root element (expected '<' and an element name)") }
        guard b[i] == ch("<"), i + 1 < b.count, isNameStart(b[i + 1]) else {
            throw fail("text before the root element (expected '<' and an element name)")
        }
        let root = try element()
        try misc()
        if i < b.count { throw fail("content after the root element </\(root.name)> (expected the end of the document)") }
        return root
    }

    /// Whitespace, comments and processing instructions around the root element; a DOCTYPE is refused here.
    private mutating func misc() throws(XMLError) {
        while true {
            skipSpace()
            if at("<!--") {
                try comment()
            } else if at("<?") {
                try processingInstruction()
            } else if at("<!DOCTYPE") {
                throw fail("DOCTYPE declarations are not accepted (rolehop reads no DTD and expands no entities)")
            } else {
                return
            }
        }
    }

    /// `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`; only UTF-8 (or its ASCII subset) is read.
    private mutating func xmlDeclaration() throws(XMLError) {
        i += 5
        var seenVersion = false
        while true {
            let hadSpace = skipSpace()
            if at("?>") { i += 2; break }
            guard i < b.count else { throw fail("unterminated XML declaration (expected '?>')") }
            guard hadSpace else { throw fail("expected whitespace or '?>' in the XML declaration") }
            let nameStart = i
            let nameEnd = try name("a pseudo-attribute (version, encoding, standalone) in the XML declaration")
            skipSpace()
            guard i < b.count, b[i] == ch("=") else { throw fail("expected '=' after \(text(nameStart, nameEnd)) in the XML declaration") }
            i += 1
            skipSpace()
            guard i < b.count, b[i] == ch("\"") || b[i] == ch("'") else {
                throw fail("expected a quoted value in the XML declaration")
            }
            let quote = b[i]
            let valueStart = i + 1
            i = valueStart
            while i < b.count && b[i] != quote { i += 1 }
            guard i < b.count else { throw fail("unterminated value in the XML declaration (expected a closing quote)", at: valueStart) }
            let key = text(nameStart, nameEnd)
            let value = text(valueStart, i)
            i += 1
            switch key {
            case "version":
                guard value.hasPrefix("1.") else { throw fail("XML version \(value) is not supported (expected 1.x)", at: valueStart) }
                seenVersion = true
            case "encoding":
                let lower = value.lowercased()
                guard lower == "utf-8" || lower == "utf8" || lower == "us-ascii" || lower == "ascii" else {
                    throw fail("encoding \(value) is not supported (expected UTF-8)", at: valueStart)
                }
            case "standalone":
                guard value == "yes" || value == "no" else { throw fail("standalone must be yes or no", at: valueStart) }
            default:
                throw fail("unknown pseudo-attribute \(key) in the XML declaration (expected version, encoding or standalone)",
                           at: nameStart)
            }
            guard seenVersion else { throw fail("the XML declaration must start with version", at: nameStart) }
        }
        guard seenVersion else { throw fail("XML declaration without a version") }
    }

    // MARK: Elements

    /// Reads the element starting at `<`, with all its content, without recursion.
    private mutating func element() throws(XMLError) -> XMLElement {
        if let done = try startTag() { return done }
        while true {
            guard let top = open.last else { throw fail("internal: no open element") }
            guard i < b.count else {
                let name = text(top.nameStart, top.nameEnd)
                throw fail("end of document inside <\(name)> (expected </\(name)>)")
            }
            if b[i] != ch("<") {
                try characterData()
                continue
            }
            guard i + 1 < b.count else { throw fail("end of document after '<' (expected a tag)") }
            switch b[i + 1] {
            case ch("/"):
                if let done = try endTag() { return done }
            case ch("!"):
                if at("<!--") {
                    try comment()
                } else if at("<![CDATA[") {
                    try cdata()
                } else if at("<!DOCTYPE") {
                    throw fail("DOCTYPE declarations are not accepted (rolehop reads no DTD and expands no entities)")
                } else {
                    throw fail("expected a comment '<!--' or a CDATA section '<![CDATA[' after '<!'")
                }
            case ch("?"):
                try processingInstruction()
            default:
                if let done = try startTag() { return done }
            }
        }
    }

    /// Reads a start tag at `<`. An empty-element tag is complete at once: it is attached to its parent, or
    /// returned when it is the root. Otherwise the element is pushed and nil returned.
    private mutating func startTag() throws(XMLError) -> XMLElement? {
        let tagStart = i
        i += 1
        let nameStart = i
        let nameEnd = try name("an element name after '<'")
        if open.count >= XMLDocument.maxDepth {
            throw fail("elements nested deeper than \(XMLDocument.maxDepth)", at: tagStart)
        }
        let scope = prefixes.count
        attributeNames.removeAll(keepingCapacity: true)
        while true {
            let hadSpace = skipSpace()
            guard i < b.count else {
                throw fail("end of document inside the start tag of <\(text(nameStart, nameEnd))> (expected '>')")
            }
            if b[i] == ch(">") {
                i += 1
                open.append((XMLElement(name: elementName(nameStart, nameEnd)), nameStart, nameEnd, scope))
                return nil
            }
            if b[i] == ch("/") {
                guard i + 1 < b.count, b[i + 1] == ch(">") else {
                    throw fail("expected '>' after '/' in the start tag of <\(text(nameStart, nameEnd))>")
                }
                i += 2
                let element = XMLElement(name: elementName(nameStart, nameEnd))
                prefixes.removeSubrange(scope...)
                return attach(element)
            }
            guard hadSpace else {
                throw fail("expected whitespace, '>' or '/>' in the start tag of <\(text(nameStart, nameEnd))>")
            }
            try attribute(of: nameStart, nameEnd)
        }
    }

    /// `name="value"`: checked for well-formedness (references included), then dropped.
    private mutating func attribute(of elementStart: Int, _ elementEnd: Int) throws(XMLError) {
        let start = i
        let end = try name("an attribute name, '>' or '/>' in the start tag of <\(text(elementStart, elementEnd))>")
        for seen in attributeNames where seen.end - seen.start == end - start {
            if (0..<(end - start)).allSatisfy({ b[seen.start + $0] == b[start + $0] }) {
                throw fail("attribute \(text(start, end)) appears twice in <\(text(elementStart, elementEnd))>", at: start)
            }
        }
        attributeNames.append((start, end))
        if end - start > 6 && at("xmlns:", offset: start) { prefixes.append((start + 6, end)) }
        skipSpace()
        guard i < b.count, b[i] == ch("=") else { throw fail("expected '=' after the attribute name \(text(start, end))") }
        i += 1
        skipSpace()
        guard i < b.count, b[i] == ch("\"") || b[i] == ch("'") else {
            throw fail("expected a quoted value for the attribute \(text(start, end))")
        }
        let quote = b[i]
        let valueStart = i
        i += 1
        while true {
            guard i < b.count else {
                throw fail("unterminated value of the attribute \(text(start, end)) (expected a closing quote)", at: valueStart)
            }
            let c = b[i]
            if c == quote { i += 1; return }
            if c == ch("<") { throw fail("'<' is not allowed in the value of the attribute \(text(start, end))") }
            if c == ch("&") { _ = try reference() } else { i += 1 }
        }
    }

    /// Reads an end tag at `</`; returns the root when it closes it.
    private mutating func endTag() throws(XMLError) -> XMLElement? {
        let tagStart = i
        i += 2
        guard let top = open.popLast() else { throw fail("internal: end tag without an open element") }
        prefixes.removeSubrange(top.scope...)
        let expected = text(top.nameStart, top.nameEnd)
        let nameStart = i
        let nameEnd = try name("the element name </\(expected)>")
        let length = nameEnd - nameStart
        let same = length == top.nameEnd - top.nameStart
            && (0..<length).allSatisfy { b[nameStart + $0] == b[top.nameStart + $0] }
        guard same else {
            let (line, _) = position(top.nameStart)
            throw fail("end tag </\(text(nameStart, nameEnd))> does not match <\(expected)> of line \(line) (expected </\(expected)>)",
                       at: tagStart)
        }
        skipSpace()
        guard i < b.count, b[i] == ch(">") else { throw fail("expected '>' to close the end tag </\(expected)>") }
        i += 1
        return attach(top.element)
    }

    /// Adds a finished element to its parent; returns it when it is the root.
    private mutating func attach(_ element: XMLElement) -> XMLElement? {
        guard !open.isEmpty else { return element }
        open[open.count - 1].element.children.append(element)
        return nil
    }

    // MARK: Character data

    /// Text up to the next `<`, with references resolved and line ends normalised.
    private mutating func characterData() throws(XMLError) {
        var runStart = i
        while i < b.count {
            let c = b[i]
            if c == ch("<") { break }
            if c == ch("&") || c == 0x0D {
                appendText(runStart, i)
                if c == ch("&") {
                    let scalar = try reference()
                    open[open.count - 1].element.text.unicodeScalars.append(scalar)
                } else {
                    i += i + 1 < b.count && b[i + 1] == 0x0A ? 2 : 1
                    open[open.count - 1].element.text.append("\n")
                }
                runStart = i
                continue
            }
            if c == ch("]") && i + 2 < b.count && b[i + 1] == ch("]") && b[i + 2] == ch(">") {
                throw fail("']]>' is not allowed in character data (expected it only to end a CDATA section)")
            }
            i += 1
        }
        appendText(runStart, i)
    }

    /// `<![CDATA[...]]>`: its text as it is (line ends normalised).
    private mutating func cdata() throws(XMLError) {
        let start = i
        i += 9
        var runStart = i
        while true {
            guard i + 2 < b.count else { throw fail("unterminated CDATA section (expected ']]>')", at: start) }
            let c = b[i]
            if c == ch("]") && b[i + 1] == ch("]") && b[i + 2] == ch(">") { break }
            if c == 0x0D {
                appendText(runStart, i)
                i += b[i + 1] == 0x0A ? 2 : 1
                open[open.count - 1].element.text.append("\n")
                runStart = i
                continue
            }
            i += 1
        }
        appendText(runStart, i)
        i += 3
    }

    private mutating func appendText(_ start: Int, _ end: Int) {
        guard end > start else { return }
        let slice = UnsafeBufferPointer(rebasing: b[start..<end])
        open[open.count - 1].element.text += String(decoding: slice, as: UTF8.self)
    }

    /// `&name;` or `&#N;` / `&#xH;` at `&`: the character it stands for.
    private mutating func reference() throws(XMLError) -> Unicode.Scalar {
        let start = i
        i += 1
        if i < b.count && b[i] == ch("#") {
            i += 1
            let hex = i < b.count && b[i] == ch("x")
            if hex { i += 1 }
            var value: UInt32 = 0
            var digits = 0
            while i < b.count, let d = digit(b[i], hex: hex) {
                value = min(value * (hex ? 16 : 10) + d, 0x11_0000)  // saturate: anything above is invalid anyway
                digits += 1
                i += 1
            }
            guard digits > 0, i < b.count, b[i] == ch(";") else {
                throw fail("malformed character reference (expected \(hex ? "hex " : "")digits and ';' after '&#\(hex ? "x" : "")')",
                           at: start)
            }
            i += 1
            guard Self.isXMLChar(value), let scalar = Unicode.Scalar(value) else {
                throw fail("character reference \(text(start, i)) is not a character XML allows", at: start)
            }
            return scalar
        }
        let nameStart = i
        guard i < b.count, isNameStart(b[i]) else { throw fail("expected an entity name or '#' after '&' (write & as &amp;)", at: start) }
        let nameEnd = try name("an entity name")
        guard i < b.count, b[i] == ch(";") else { throw fail("expected ';' after the entity name \(text(nameStart, nameEnd))") }
        i += 1
        switch text(nameStart, nameEnd) {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "apos": return "'"
        case "quot": return "\""
        case let other:
            throw fail("undefined entity &\(other); (expected one of &lt; &gt; &amp; &apos; &quot; or a character "
                       + "reference; rolehop expands no other entities)", at: start)
        }
    }

    private func digit(_ c: UInt8, hex: Bool) -> UInt32? {
        switch c {
        case ch("0")...ch("9"): return UInt32(c - ch("0"))
        case ch("a")...ch("f") where hex: return UInt32(c - ch("a") + 10)
        case ch("A")...ch("F") where hex: return UInt32(c - ch("A") + 10)
        default: return nil
        }
    }

    /// XML 1.0's Char production.
    static func isXMLChar(_ v: UInt32) -> Bool {
        v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v)
            || (0x1_0000...0x10_FFFF).contains(v)
    }

    // MARK: Skipped constructs

    /// `<!-- ... -->`; `--` inside is not allowed.
    private mutating func comment() throws(XMLError) {
        let start = i
        i += 4
        while i + 1 < b.count {
            if b[i] == ch("-") && b[i + 1] == ch("-") {
                guard i + 2 < b.count, b[i + 2] == ch(">") else {
                    if i + 2 >= b.count { break }
                    throw fail("'--' is not allowed inside a comment (expected '-->')")
                }
                i += 3
                return
            }
            i += 1
        }
        throw fail("unterminated comment (expected '-->')", at: start)
    }

    /// `<?target ...?>`, skipped; a second XML declaration is refused.
    private mutating func processingInstruction() throws(XMLError) {
        let start = i
        i += 2
        let nameStart = i
        let nameEnd = try name("a processing instruction target after '<?'")
        if text(nameStart, nameEnd).lowercased() == "xml" {
            throw fail("XML declaration not at the start of the document", at: start)
        }
        guard i < b.count, isSpace(b[i]) || at("?>") else { throw fail("expected whitespace or '?>' after <?\(text(nameStart, nameEnd))") }
        while i + 1 < b.count {
            if b[i] == ch("?") && b[i + 1] == ch(">") { i += 2; return }
            i += 1
        }
        throw fail("unterminated processing instruction (expected '?>')", at: start)
    }

    // MARK: Lexical helpers

    /// A Name at the cursor; returns its end. Non-ASCII bytes (already validated UTF-8) count as name characters.
    private mutating func name(_ expected: String) throws(XMLError) -> Int {
        guard i < b.count, isNameStart(b[i]) else { throw fail("expected \(expected)") }
        i += 1
        while i < b.count && isNameChar(b[i]) { i += 1 }
        return i
    }

    private func isNameStart(_ c: UInt8) -> Bool {
        (c >= ch("a") && c <= ch("z")) || (c >= ch("A") && c <= ch("Z")) || c == ch("_") || c == ch(":") || c >= 0x80
    }

    private func isNameChar(_ c: UInt8) -> Bool {
        isNameStart(c) || (c >= ch("0") && c <= ch("9")) || c == ch("-") || c == ch(".")
    }

    private func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D }

    @discardableResult
    private mutating func skipSpace() -> Bool {
        let start = i
        while i < b.count && isSpace(b[i]) { i += 1 }
        return i > start
    }

    /// Whether the bytes at `offset` (the cursor by default) are `literal` (ASCII).
    private func at(_ literal: StaticString, offset: Int? = nil) -> Bool {
        let start = offset ?? i
        let n = literal.utf8CodeUnitCount
        guard start + n <= b.count else { return false }
        let p = literal.utf8Start
        for k in 0..<n where b[start + k] != p[k] { return false }
        return true
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
    }

    /// An element's name as libxml2's tree gave it: the local part when the prefix is declared in scope (or is
    /// `xml`), so `<sts:Arn>` is `Arn`; the whole name when the prefix is undeclared or the name is not a QName.
    private func elementName(_ start: Int, _ end: Int) -> String {
        var colon = -1
        for k in start..<end where b[k] == ch(":") {
            if colon >= 0 { return text(start, end) }  // two colons: not a QName
            colon = k
        }
        guard colon > start && colon + 1 < end else { return text(start, end) }
        let length = colon - start
        let declared = (length == 3 && at("xml", offset: start)) || prefixes.contains { p in
            p.end - p.start == length && (0..<length).allSatisfy { b[p.start + $0] == b[start + $0] }
        }
        return declared ? text(colon + 1, end) : text(start, end)
    }

    // MARK: Encoding

    /// Checks the whole document is UTF-8 made of characters XML allows, before anything else reads it.
    private func validateEncoding() throws(XMLError) {
        var k = 0
        let n = b.count
        if n >= 2 && ((b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE)) {
            throw fail("UTF-16 documents are not supported (expected UTF-8)", at: 0)
        }
        while k < n {
            let c = b[k]
            if c >= 0x20 && c < 0x80 { k += 1; continue }
            if c == 0x09 || c == 0x0A || c == 0x0D { k += 1; continue }
            if c < 0x80 { throw fail("control character U+\(hex4(UInt32(c))) is not allowed in XML", at: k) }
            let count: Int
            var v: UInt32
            switch c {
            case 0xC2...0xDF: count = 1; v = UInt32(c & 0x1F)
            case 0xE0...0xEF: count = 2; v = UInt32(c & 0x0F)
            case 0xF0...0xF4: count = 3; v = UInt32(c & 0x07)
            default: throw fail("invalid UTF-8 (byte 0x\(String(c, radix: 16, uppercase: true)))", at: k)
            }
            guard k + count < n else { throw fail("invalid UTF-8 (truncated sequence at the end)", at: k) }
            for j in 1...count {
                let d = b[k + j]
                guard d & 0xC0 == 0x80 else {
                    throw fail("invalid UTF-8 (byte 0x\(String(c, radix: 16, uppercase: true)) not followed by a continuation byte)", at: k)
                }
                v = v << 6 | UInt32(d & 0x3F)
            }
            if (count == 2 && v < 0x800) || (count == 3 && (v < 0x1_0000 || v > 0x10_FFFF)) || (0xD800...0xDFFF).contains(v) {
                throw fail("invalid UTF-8 (overlong, surrogate or out-of-range sequence)", at: k)
            }
            if v == 0xFFFE || v == 0xFFFF { throw fail("character U+\(hex4(v)) is not allowed in XML", at: k) }
            k += count + 1
        }
    }

    private func hex4(_ v: UInt32) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    // MARK: Errors

    private func fail(_ message: String, at offset: Int? = nil) -> XMLError {
        let (line, column) = position(offset ?? i)
        return XMLError(line: line, column: column, message: message)
    }

    /// Line and column (both from 1; the column counts characters) of a byte offset. CR LF is one line end.
    private func position(_ offset: Int) -> (Int, Int) {
        var line = 1
        var column = 1
        var k = 0
        let end = min(offset, b.count)
        while k < end {
            let c = b[k]
            if c == 0x0A {
                line += 1
                column = 1
            } else if c == 0x0D {
                if !(k + 1 < b.count && b[k + 1] == 0x0A) { line += 1; column = 1 }
            } else if c & 0xC0 != 0x80 {
                column += 1
            }
            k += 1
        }
        return (line, column)
    }
}

/// An ASCII byte, for readable comparisons.
@inline(__always) private func ch(_ s: Unicode.Scalar) -> UInt8 { UInt8(truncatingIfNeeded: s.value) }
