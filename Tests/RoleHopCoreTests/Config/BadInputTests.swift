import RoleHopCore
import RoleHopTestSupport
import Testing

/// Hostile or broken files: always a clear error or finding, never a crash or a hang.
@Suite("Bad config input")
struct BadInputTests {
    /// Deterministic pseudo-random bytes (a 64-bit LCG), so a failure can be reproduced.
    static func garbage(count: Int, seed: UInt64) -> [UInt8] {
        var x = seed
        return (0..<count).map { _ in
            x = x &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: x >> 33)
        }
    }

    @Test("binary garbage stops with a positioned error", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func binaryGarbage(seed: UInt64) {
        let f = ConfigParser.parse(Self.garbage(count: 64 << 10, seed: seed), path: "/bin.ini", kind: .config)
        // Garbage has a line without a header or '=' long before its end.
        #expect(f.error != nil)
        #expect((f.error?.line ?? 0) >= 1)
        #expect(f.findings.allSatisfy { $0.evidence.allSatisfy { $0.value.utf8.count < 400 } })
    }

    @Test("invalid UTF-8 is a finding on its line and the value is repaired")
    func invalidUTF8() throws {
        let bytes = Array("[profile a]\nregion = eu".utf8) + [0xFF, 0xFE] + Array("\nrole_arn = x\n".utf8)
        let f = ConfigParser.parse(bytes, path: "/c", kind: .config)
        #expect(f.error == nil)
        let finding = try #require(f.findings.first { $0.id == "config.invalid-utf8" })
        #expect(finding.evidence.first?.source == .file(path: "/c", line: 2, column: 1))
        #expect(f.sections.first?.properties.first?.value == "eu\u{FFFD}\u{FFFD}")
        #expect(f.sections.first?.properties.count == 2)
    }

    @Test("a 10 MB file parses (and quickly)")
    func tenMegabytes() {
        var text = ""
        text.reserveCapacity(10 << 20)
        var i = 0
        while text.utf8.count < 10 << 20 {
            text += "[profile p\(i)]\nrole_arn = arn:aws:iam::111122223333:role/r\(i)\nsource_profile = p\(i + 1)\n"
            i += 1
        }
        let t0 = monotonicNow()
        let f = ConfigParser.parse(text, path: "/big", kind: .config)
        let elapsed = monotonicNow() - t0
        #expect(f.error == nil)
        #expect(f.sections.count == i)
        #expect(elapsed < 10, "parsing 10 MB took \(elapsed) s")
    }

    @Test("the loader refuses a file above its size limit with a finding")
    func overLimit() {
        var fs = MemoryFileSystem()
        fs.addBytes("/h/.aws/config", [UInt8](repeating: 0x20, count: ConfigLoader.sizeLimit + 1))
        let c = ConfigLoader.load(fileSystem: fs, environment: Environment(["HOME": "/h"]))
        #expect(c.findings.first?.id == "config.file-unreadable")
    }

    @Test("a 1 MB line: kept as a value, shortened in findings")
    func megabyteLine() throws {
        let long = String(repeating: "x", count: 1 << 20)
        let ok = ConfigParser.parse("[profile a]\ncredential_process = \(long)\n", path: "/c", kind: .config)
        #expect(ok.sections.first?.properties.first?.value.utf8.count == 1 << 20)
        let bad = ConfigParser.parse("[profile a]\n\(long)\n", path: "/c", kind: .config)
        let e = try #require(bad.findings.first { $0.id == "config.parse.missing-equals" })
        #expect((e.evidence.first?.value.utf8.count ?? .max) < 300)
    }

    @Test("deeply nested sub-properties stay one level deep")
    func deepSubProperties() {
        var text = "[profile a]\ns3 =\n"
        for depth in 1...2_000 { text += String(repeating: " ", count: depth) + "k\(depth) = v\n" }
        let f = ConfigParser.parse(text, path: "/c", kind: .config)
        #expect(f.error == nil)
        #expect(f.sections.first?.properties.first?.subProperties.count == 2_000)
    }

    @Test("10,000 profiles in one source_profile cycle: one finding with the whole path, fast")
    func hugeCycle() throws {
        let n = 10_000
        var text = ""
        for i in 0..<n {
            text += "[profile p\(i)]\nrole_arn = arn:aws:iam::111122223333:role/r\(i)\nsource_profile = p\((i + 1) % n)\n"
        }
        let config = SharedConfig.merge(config: ConfigParser.parse(text, path: "/c", kind: .config), credentials: nil)
        let t0 = monotonicNow()
        let c = ChainResolver.resolve(config: config, environment: Environment(), selection: .init(flag: "p0"))
        #expect(monotonicNow() - t0 < 5)
        let b = try #require(c.blocker)
        #expect(b.id == "chain.cycle")
        let path = b.evidence.first?.value ?? ""
        #expect(path.hasPrefix("p0 -> p1 -> "))
        #expect(path.hasSuffix("p9999 -> p0"))
        #expect(b.title.utf8.count < 120)
    }

    @Test("NUL bytes and lone carriage returns do not crash")
    func controlBytes() {
        let f = ConfigParser.parse([0x5B, 0x00, 0x5D, 0x0D, 0x0D, 0x0A, 0x00, 0x3D], path: "/c", kind: .config)
        #expect(f.findings.count >= 1)
    }
}
