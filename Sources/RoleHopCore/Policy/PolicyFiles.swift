/// Reads policy, context and claims files for the commands (readers stay apart from the pure parsers).
public enum PolicyFiles {
    /// Largest policy or context file read (a generous bound; IAM's documents are a few KB).
    public static let readLimit = 4 << 20

    static func read(_ path: String, fs: any FileSystem) throws(InputError) -> String {
        let bytes: [UInt8]
        do {
            bytes = try fs.read(path, limit: readLimit)
        } catch {
            throw InputError(file: path, message: "cannot read: \(error)")
        }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        // Decoded leniently, bad bytes become U+FFFD and the error would be about a mangled value; the JSON
        // parser, given the bytes, names the invalid UTF-8 and where it is.
        do {
            _ = try JSONParser.parse(bytes, recordPositions: false)
        } catch {
            throw InputError(file: path, line: error.position.line, column: error.position.column,
                             message: "invalid JSON: " + error.message)
        }
        throw InputError(file: path, line: 1, column: 1, message: "expected UTF-8 text, found invalid UTF-8")
    }

    /// Reads and parses a policy document (plain or URL-encoded JSON).
    public static func loadPolicy(_ path: String, fs: any FileSystem) throws(InputError) -> PolicyDocument {
        let text = try read(path, fs: fs)
        do {
            return try PolicyDocument.parse(text, file: path)
        } catch {
            throw error.inputError
        }
    }

    /// Reads a JSON file (claims, context) with positions.
    public static func loadJSON(_ path: String, fs: any FileSystem) throws(InputError) -> JSONDocument {
        let text = try read(path, fs: fs)
        do {
            return try JSONParser.parse(text)
        } catch {
            throw InputError(file: path, line: error.position.line, column: error.position.column, message: error.message)
        }
    }

    /// Adds `KEY=VALUE` pairs to a context; a key given twice gets both values (a multi-valued key).
    public static func addContextPairs(_ pairs: [String], to ctx: inout RequestContext) throws(InputError) {
        var order: [String] = []
        var values: [String: [String]] = [:]
        for p in pairs {
            guard let eq = p.firstIndex(of: "="), eq != p.startIndex else {
                throw InputError(file: "--context", message: "expected KEY=VALUE, found \"\(p)\"")
            }
            let k = String(p[..<eq])
            if values[k] == nil { order.append(k) }
            values[k, default: []].append(String(p[p.index(after: eq)...]))
        }
        for k in order { ctx.set(k, values[k] ?? []) }
    }
}
