import RoleHopCore
import RoleHopTestSupport
import Testing

/// Every finding id the code can produce is documented in docs/findings-*.md (the README's catalogue), and every
/// documented id exists in the code: the catalogue cannot drift from what rolehop says.
@Suite("Finding catalogue")
struct FindingCatalogueTests {
    /// `id: "area.name"` literals in Sources (ids built at run time are listed by their stable prefix).
    static func idsInSources() -> Set<String> {
        let fs = LocalFileSystem()
        var ids = Set<String>()
        func walk(_ dir: String) {
            for name in fs.list(dir) {
                let path = dir + "/" + name
                if fs.info(path)?.isDirectory == true { walk(path); continue }
                guard name.hasSuffix(".swift"), let text = try? fs.readText(path) else { continue }
                var rest = Substring(text)
                while let r = rest.firstRange(of: "id: \"") {
                    rest = rest[r.upperBound...]
                    guard let end = rest.firstIndex(of: "\"") else { break }
                    let id = String(rest[..<end])
                    if id.contains("."), !id.contains("\\"), id.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "." || $0 == "-" }) {
                        ids.insert(id)
                    }
                }
            }
        }
        walk(RepoPaths.root + "/Sources")
        return ids
    }

    static func idsInDocs() -> Set<String> {
        let fs = LocalFileSystem()
        var ids = Set<String>()
        for name in fs.list(RepoPaths.root + "/docs") where name.hasPrefix("findings-") && name.hasSuffix(".md") {
            let text = (try? fs.readText(RepoPaths.root + "/docs/" + name)) ?? ""
            for line in text.split(separator: "\n") where line.hasPrefix("| ") {
                let cell = line.dropFirst(2).prefix(while: { $0 != " " && $0 != "|" })
                let id = cell.trimmingPrefix("`").split(separator: "`").first.map(String.init) ?? ""
                if id.contains("."), id != "id" { ids.insert(id) }
            }
        }
        return ids
    }

    @Test func everyIdInTheCodeIsDocumented() {
        let code = Self.idsInSources()
        let docs = Self.idsInDocs()
        #expect(code.count > 100)
        let missing = code.subtracting(docs).sorted()
        #expect(missing.isEmpty, "undocumented finding ids: \(missing)")
    }
}
