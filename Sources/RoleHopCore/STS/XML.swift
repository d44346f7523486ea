import CLibXML2

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

/// A parsed XML document (libxml2 underneath, read from memory).
public enum XMLDocument {
    /// The largest document accepted: STS and IAM responses are a few KB; policy documents at most ~10 KB.
    public static let maxBytes = 1 << 20
    /// Deepest element nesting accepted (AWS responses are under 10 levels).
    public static let maxDepth = 64

    /// Parses `bytes` into the root element.
    ///
    /// Safe on hostile input: no network (`XML_PARSE_NONET`), no entity substitution (no `XML_PARSE_NOENT`),
    /// any DOCTYPE rejected (AWS never sends one, and it is where entity tricks live), size and depth capped.
    public static func parse(_ bytes: [UInt8]) throws(XMLError) -> XMLElement {
        guard !bytes.isEmpty else { throw XMLError(message: "empty document") }
        guard bytes.count <= maxBytes else { throw XMLError(message: "document larger than \(maxBytes) bytes") }
        guard let ctxt = xmlNewParserCtxt() else { throw XMLError(message: "libxml2 could not allocate a parser") }
        defer { xmlFreeParserCtxt(ctxt) }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let doc = bytes.withUnsafeBufferPointer { buf in
            buf.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                    xmlCtxtReadMemory(ctxt, $0, Int32(buf.count), nil, nil, options)
                }
            }
        }
        guard let doc else {
            let e = ctxt.pointee.lastError
            let msg = e.message.map { String(cString: $0) } ?? "not well-formed XML"
            throw XMLError(line: Int(e.line), column: Int(e.int2), message: trimNewline(msg))
        }
        defer { xmlFreeDoc(doc) }
        if doc.pointee.intSubset != nil || doc.pointee.extSubset != nil {
            throw XMLError(message: "documents with a DOCTYPE are not accepted")
        }
        guard let root = xmlDocGetRootElement(doc) else { throw XMLError(message: "document has no root element") }
        return try convert(root, depth: 0)
    }

    private static func trimNewline(_ s: String) -> String {
        var s = s
        while s.last == "\n" || s.last == " " { s.removeLast() }
        return s
    }

    private static func convert(_ node: xmlNodePtr, depth: Int) throws(XMLError) -> XMLElement {
        guard depth < maxDepth else {
            throw XMLError(line: Int(xmlGetLineNo(node)), message: "elements nested deeper than \(maxDepth)")
        }
        let name = node.pointee.name.map { String(cString: $0) } ?? ""
        var element = XMLElement(name: name)
        var child = node.pointee.children
        while let c = child {
            switch c.pointee.type {
            case XML_ELEMENT_NODE:
                element.children.append(try convert(c, depth: depth + 1))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = c.pointee.content { element.text += String(cString: content) }
            default:
                break  // comments, processing instructions
            }
            child = c.pointee.next
        }
        return element
    }
}
