/// Substring search on `String` and `Substring`, written here so the program does not link the standard
/// library's `_StringProcessing` and `_RegexParser` modules (about 1.3 MB of the static binary, issue 11) for the
/// four generic algorithms it used from them: `contains`, `firstRange(of:)`, `replacing(_:with:)` and
/// `split(separator:)` with a string. These concrete overloads win over the generic ones wherever RoleHopCore is
/// imported.
///
/// Matches are whole `Character`s, as with the generic versions: a needle never matches half of a grapheme
/// (`"e"` is not found in `"e\u{301}"`, `"\n"` not in `"\r\n"`). ASCII needles, which is every one rolehop
/// uses (`://`, `${`, `<Credentials>`, `\n`), are searched byte by byte; others Character by Character.
enum StringSearch {
    /// The first match of `needle` in `hay[range]`, as a range of `hay`'s indices.
    ///
    /// An ASCII needle is searched byte by byte, and a byte match is kept only if it is whole Characters: next
    /// to ASCII bytes only CR LF can join, elsewhere `samePosition(in:)` says whether both ends are Character
    /// boundaries. No pass over the whole text first, so splitting a large text stays linear.
    static func firstRange(of needle: String, in hay: String, _ range: Range<String.Index>) -> Range<String.Index>? {
        if needle.isEmpty { return range.lowerBound..<range.lowerBound }
        let n = Array(needle.utf8)
        guard n.allSatisfy({ $0 < 0x80 }) else { return characterSearch(needle, hay, range) }
        let bytes = hay.utf8[range]
        let first = n[0]
        var i = bytes.startIndex
        while let hit = bytes[i...].firstIndex(of: first) {
            var a = hit, k = 0
            while k < n.count, a < bytes.endIndex, bytes[a] == n[k] {
                a = bytes.index(after: a)
                k += 1
            }
            if k == n.count {
                let before: UInt8? = hit > bytes.startIndex ? bytes[bytes.index(before: hit)] : nil
                let after: UInt8? = a < bytes.endIndex ? bytes[a] : nil
                if (before ?? 0) < 0x80 && (after ?? 0) < 0x80 {
                    // CR LF is one Character: a match may not begin on its LF nor end on its CR.
                    if !(n[0] == 0x0A && before == 0x0D) && !(n[n.count - 1] == 0x0D && after == 0x0A) {
                        return hit..<a
                    }
                } else if hit.samePosition(in: hay) != nil, a.samePosition(in: hay) != nil {
                    return hit..<a
                }
            }
            i = bytes.index(after: hit)
        }
        return nil
    }

    /// Character by Character, for needles that are not ASCII (canonically equivalent spellings match).
    static func characterSearch(_ needle: String, _ hay: String, _ range: Range<String.Index>) -> Range<String.Index>? {
        let chars = hay[range]
        var i = chars.startIndex
        while i < chars.endIndex {
            if chars[i...].starts(with: needle) {
                return i..<chars.index(i, offsetBy: needle.count)
            }
            i = chars.index(after: i)
        }
        return nil
    }

    /// The pieces of `hay` between occurrences of `separator` (a non-empty string).
    static func split(_ hay: Substring, separator: String, maxSplits: Int, omittingEmpty: Bool) -> [Substring] {
        guard !separator.isEmpty else { return [hay] }
        var out: [Substring] = []
        var start = hay.startIndex
        var splits = 0
        while splits < maxSplits, let r = firstRange(of: separator, in: hay.base, start..<hay.endIndex) {
            if !(omittingEmpty && r.lowerBound == start) { out.append(hay[start..<r.lowerBound]) }
            start = r.upperBound
            splits += 1
        }
        if !(omittingEmpty && start == hay.endIndex) { out.append(hay[start...]) }
        return out
    }
}

extension String {
    public func contains(_ other: String) -> Bool {
        StringSearch.firstRange(of: other, in: self, startIndex..<endIndex) != nil
    }

    public func firstRange(of other: String) -> Range<String.Index>? {
        StringSearch.firstRange(of: other, in: self, startIndex..<endIndex)
    }

    /// A copy with every occurrence of `target` (non-empty) replaced, left to right, without overlaps.
    public func replacing(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var start = startIndex
        while let r = StringSearch.firstRange(of: target, in: self, start..<endIndex) {
            out += self[start..<r.lowerBound]
            out += replacement
            start = r.upperBound
        }
        out += self[start...]
        return out
    }

    public func split(separator: String, maxSplits: Int = .max, omittingEmptySubsequences: Bool = true) -> [Substring] {
        StringSearch.split(self[...], separator: separator, maxSplits: maxSplits, omittingEmpty: omittingEmptySubsequences)
    }
}

extension Substring {
    public func contains(_ other: String) -> Bool {
        StringSearch.firstRange(of: other, in: base, startIndex..<endIndex) != nil
    }

    public func firstRange(of other: String) -> Range<String.Index>? {
        StringSearch.firstRange(of: other, in: base, startIndex..<endIndex)
    }

    public func split(separator: String, maxSplits: Int = .max, omittingEmptySubsequences: Bool = true) -> [Substring] {
        StringSearch.split(self, separator: separator, maxSplits: maxSplits, omittingEmpty: omittingEmptySubsequences)
    }
}
