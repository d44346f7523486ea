import FoundationEssentials
import RoleHopCore
import RoleHopTestSupport

/// The tokens `Tests/Data/token/generate.py` minted with TEST keys, and what the generator says about each.
enum TokenTestData {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var text: String
        /// What the generator did to the signature: valid, invalid, unknown-kid, alg-none.
        var signature: String
        /// Finding ids (info, warn or fail) the checks must give at `now`.
        var findings: [String]
        var header: JSONValue
        var payload: JSONValue
        var signatureLength: Int
        var description: String { name }
    }

    static let manifest: JSONValue = {
        guard let text = readTextFile(RepoPaths.testData("token/manifest.json")),
              let doc = try? JSONParser.parse(text) else { return .null }
        return doc.value
    }()

    /// The fixed "now" the tests judge tokens at (30 minutes after issue).
    static let now = Date(timeIntervalSince1970: manifest["now"]?.numberValue ?? 0)
    static let issuer = manifest["issuer"]?.stringValue ?? ""

    static func text(_ name: String) -> String { readTextFile(RepoPaths.testData("token/\(name).jwt")) ?? "" }

    static let cases: [Case] = {
        guard let tokens = manifest["tokens"]?.objectValue else { return [] }
        return tokens.map { name, v in
            Case(name: name, text: text(name), signature: v["signature"]?.stringValue ?? "",
                 findings: v["findings"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                 header: v["header"] ?? .null, payload: v["payload"] ?? .null,
                 signatureLength: Int(v["signatureLength"]?.numberValue ?? -1))
        }
    }()

    static func named(_ name: String) -> Case? { cases.first { $0.name == name } }
}
