/// Small string helpers for the pod probes (FoundationEssentials lacks trimming and replacing on String).
enum PodText {
    /// The string without leading and trailing spaces, tabs and newlines.
    static func trim<S: StringProtocol>(_ text: S) -> String {
        let ws: Set<Character> = [" ", "\t", "\n", "\r"]
        var s = Substring(text)
        while let f = s.first, ws.contains(f) { s = s.dropFirst() }
        while let l = s.last, ws.contains(l) { s = s.dropLast() }
        return String(s)
    }

    /// Every occurrence of `target` in `text` replaced.
    static func replacingAll(_ text: String, _ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return text }
        var out = ""
        var rest = Substring(text)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }

    /// A body cut to `limit` characters for evidence.
    static func snippet(_ text: String, limit: Int = 300) -> String {
        let t = trim(text)
        return t.count > limit ? String(t.prefix(limit)) + "..." : t
    }
}
