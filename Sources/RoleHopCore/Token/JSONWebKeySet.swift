
/// One public key of an issuer's JWKS (RFC 7517), as far as signature verification needs it.
public struct JSONWebKey: Sendable, Hashable {
    public var kty: String
    public var kid: String?
    public var alg: String?
    public var use: String?
    /// EC curve (`P-256`), nil for RSA.
    public var crv: String?
    /// RSA modulus and exponent, or EC coordinates, big-endian.
    public var n: [UInt8] = []
    public var e: [UInt8] = []
    public var x: [UInt8] = []
    public var y: [UInt8] = []

    /// RSA modulus size in bits (0 for other key types), shown so a weak key is visible.
    public var rsaBits: Int {
        guard let first = n.firstIndex(where: { $0 != 0 }) else { return 0 }
        return (n.count - first) * 8 - n[first].leadingZeroBitCount
    }

    /// A one-line description for evidence: `rsa-test-1 RSA 2048 RS256`.
    public var summary: String {
        var s = (kid ?? "(no kid)") + " " + kty
        if kty == "RSA" { s += " \(rsaBits)" }
        if let crv { s += " " + crv }
        if let alg { s += " " + alg }
        return s
    }
}

/// An issuer's key set (`{"keys": [...]}`) as served at its `jwks_uri`.
public struct JSONWebKeySet: Sendable, Hashable {
    public var keys: [JSONWebKey]
    public init(keys: [JSONWebKey]) { self.keys = keys }

    public var kids: [String] { keys.compactMap(\.kid) }

    /// Parses a JWKS document; `file` names it in errors (a path, or the URL it came from).
    ///
    /// Keys of types rolehop cannot use (`oct`, `OKP`) are kept with empty material so they are still listed.
    public static func parse(_ text: String, file: String) throws(InputError) -> JSONWebKeySet {
        let doc: JSONDocument
        do {
            doc = try JSONParser.parse(text)
        } catch {
            throw InputError(file: file, line: error.position.line, column: error.position.column,
                             message: "not JSON: \(error.message)")
        }
        func fail(_ path: String, _ message: String) -> InputError {
            let p = doc.position(of: path)
            return InputError(file: file, line: p?.line ?? 0, column: p?.column ?? 0, message: message)
        }
        guard let items = doc.value["keys"]?.arrayValue else {
            throw fail("$", "expected a JWKS object with a \"keys\" array")
        }
        var keys: [JSONWebKey] = []
        for (i, item) in items.enumerated() {
            let path = "$.keys[\(i)]"
            guard case .object = item else { throw fail(path, "expected a key object, found \(item.typeName)") }
            func string(_ name: String) throws(InputError) -> String? {
                guard let v = item[name] else { return nil }
                guard let s = v.stringValue else { throw fail(path + "." + name, "expected \(name) to be a string, found \(v.typeName)") }
                return s
            }
            func bytes(_ name: String) throws(InputError) -> [UInt8] {
                guard let s = try string(name) else { throw fail(path, "key \(i) lacks \"\(name)\"") }
                do {
                    return try Base64URL.decode(Array(s.utf8))
                } catch {
                    throw fail(path + "." + name, "\(name) is not base64url at character \(error.offset): \(error.message)")
                }
            }
            guard let kty = try string("kty") else { throw fail(path, "key \(i) lacks \"kty\"") }
            var key = JSONWebKey(kty: kty, kid: try string("kid"), alg: try string("alg"), use: try string("use"),
                                 crv: try string("crv"))
            switch kty {
            case "RSA":
                key.n = try bytes("n")
                key.e = try bytes("e")
            case "EC":
                key.x = try bytes("x")
                key.y = try bytes("y")
            default:
                break
            }
            keys.append(key)
        }
        return JSONWebKeySet(keys: keys)
    }
}
