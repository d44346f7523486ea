import RoleHopCore
import Testing

/// rolehop's own substring search (Support/StringSearch.swift) against the standard library's generic
/// `_StringProcessing` algorithms as the oracle: inside these generic helpers the concrete overloads of
/// RoleHopCore do not apply, so they call the library's versions.
private func oracleContains<S: StringProtocol>(_ s: S, _ t: String) -> Bool { s.contains(t) }
private func oracleFirstRange<S: StringProtocol>(_ s: S, _ t: String) -> Range<S.Index>? { s.firstRange(of: t) }
private func oracleSplit<S: StringProtocol>(_ s: S, _ t: String, _ max: Int, _ omit: Bool) -> [String] {
    s.split(separator: t, maxSplits: max, omittingEmptySubsequences: omit).map { String($0) }
}
private func oracleReplacing(_ s: String, _ t: String, _ r: String) -> String {
    func generic<C: RangeReplaceableCollection>(_ c: C, _ t: String, _ r: String) -> C where C.Element == Character {
        c.replacing(t, with: r)
    }
    return generic(s, t, r)
}

@Suite("String search without _StringProcessing")
struct StringSearchTests {
    static let texts = [
        "", "a", "arn:aws:iam::111122223333:role/a", "http://user:pw@host:8080/x", "aaa", "abab", "line1\r\nline2\nline3",
        "\r\n", "x\r", "\nx", "e\u{301}te", "caf\u{E9} au lait", "👩‍👩‍👧 family", "${aws:username}/${x}", "::1::2::",
        "caf\u{E9}\r\nx\ny", "e\u{301}\n", "😀://a", "a\u{301}b::c", "\u{E9}aa\u{301}", "x\r\u{301}\n",
    ]
    static let needles = ["a", "::", "://", "\n", "\r", "\r\n", "e", "\u{E9}", "${", "aa", "ab", "x", "👩", "missing",
                          "line", ":::"]

    @Test(arguments: texts)
    func containsAndFirstRangeAgreeWithTheLibrary(_ text: String) {
        for needle in Self.needles {
            #expect(text.contains(needle) == oracleContains(text, needle), "\(text.debugDescription) / \(needle.debugDescription)")
            #expect(text.firstRange(of: needle) == oracleFirstRange(text, needle), "\(text.debugDescription) / \(needle.debugDescription)")
            // On a Substring that starts inside the text.
            if let mid = text.indices.dropFirst().first {
                let sub = text[mid...]
                #expect(sub.contains(needle) == oracleContains(sub, needle))
                #expect(sub.firstRange(of: needle) == oracleFirstRange(sub, needle))
            }
        }
    }

    @Test(arguments: texts)
    func splitAndReplacingAgreeWithTheLibrary(_ text: String) {
        for needle in Self.needles {
            for (max, omit) in [(Int.max, true), (Int.max, false), (1, false), (0, true)] {
                #expect(text.split(separator: needle, maxSplits: max, omittingEmptySubsequences: omit).map { String($0) }
                        == oracleSplit(text, needle, max, omit), "\(text.debugDescription) / \(needle.debugDescription)")
            }
            #expect(text.replacing(needle, with: "<>") == oracleReplacing(text, needle, "<>"))
        }
    }

    /// Facts the oracle also shows, spelled out: CR LF is one Character, and so is e + combining acute.
    @Test func charactersAreWhole() {
        #expect(!"a\r\nb".contains("\n"))
        #expect("a\nb".contains("\n"))
        #expect(!"e\u{301}".contains("e"))
        #expect("a\r\nb\nc".split(separator: "\n").map { String($0) } == ["a\r\nb", "c"])
    }
}
