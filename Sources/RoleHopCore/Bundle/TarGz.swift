/// A ustar archive compressed with gzip: the bundle's container, as pure functions over bytes.
///
/// The writer stores regular files only, mode 0600, owner 0:0, one fixed mtime. The reader is strict, because
/// bundles travel between people: it verifies the gzip CRC32 and length, every header checksum, every size, and
/// the two zero end blocks, and refuses absolute names, `..`, links, devices, duplicates, and entries or
/// archives over the size caps, each with a `BundleError` naming the entry and byte offset.
public enum TarGz {
    /// One file of an archive.
    public struct Entry: Sendable, Hashable {
        public var name: String
        public var bytes: [UInt8]
        public init(name: String, bytes: [UInt8]) {
            self.name = name
            self.bytes = bytes
        }
        public init(name: String, text: String) {
            self.name = name
            bytes = Array(text.utf8)
        }
        public var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// What the reader (and, so nothing unreadable is ever written, the writer) accepts.
    public struct Limits: Sendable, Hashable {
        public var maxEntrySize: Int
        public var maxTotalSize: Int
        public var maxEntries: Int
        public init(maxEntrySize: Int = 4 << 20, maxTotalSize: Int = 16 << 20, maxEntries: Int = 4096) {
            self.maxEntrySize = maxEntrySize
            self.maxTotalSize = maxTotalSize
            self.maxEntries = maxEntries
        }
        public static let standard = Limits()

        /// The most decompressed bytes a valid archive can need: contents, one header and one padding block per
        /// entry, the end blocks, and a 10 KiB record of padding that `tar` adds.
        var maxStreamSize: Int { maxTotalSize + maxEntries * 1024 + 1024 + 10240 }
    }

    static let block = 512

    // MARK: Writing

    /// Writes `entries` in order as a gzip-compressed ustar archive with `mtime` (seconds since 1970) on each.
    public static func write(_ entries: [Entry], mtime: Int64, limits: Limits = .standard) throws(BundleError)
        -> [UInt8]
    {
        try Gzip.compress(tar(entries, mtime: mtime, limits: limits))
    }

    /// The uncompressed ustar stream (exposed for tests that corrupt it before compressing).
    public static func tar(_ entries: [Entry], mtime: Int64, limits: Limits = .standard) throws(BundleError)
        -> [UInt8]
    {
        guard entries.count <= limits.maxEntries else {
            throw BundleError(.tooLarge, "\(entries.count) entries, more than the \(limits.maxEntries) a bundle may hold")
        }
        var out: [UInt8] = []
        out.reserveCapacity(entries.reduce(1024) { $0 + 512 + ($1.bytes.count + 511) / 512 * 512 })
        var seen = Set<String>()
        var total = 0
        for entry in entries {
            if let problem = unsafeNameProblem(entry.name) {
                throw BundleError(.invalidName, problem, entry: entry.name)
            }
            guard seen.insert(entry.name).inserted else {
                throw BundleError(.duplicateEntry, "the name is used twice", entry: entry.name)
            }
            guard entry.bytes.count <= limits.maxEntrySize else {
                throw BundleError(.tooLarge, "\(entry.bytes.count) bytes, over the \(limits.maxEntrySize)-byte limit per entry",
                                  entry: entry.name)
            }
            total += entry.bytes.count
            guard total <= limits.maxTotalSize else {
                throw BundleError(.tooLarge, "the bundle would exceed \(limits.maxTotalSize) bytes", entry: entry.name)
            }
            out += try header(for: entry, mtime: mtime)
            out += entry.bytes
            let pad = (block - entry.bytes.count % block) % block
            out += [UInt8](repeating: 0, count: pad)
        }
        out += [UInt8](repeating: 0, count: 2 * block)
        return out
    }

    static func header(for entry: Entry, mtime: Int64) throws(BundleError) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: block)
        let nameBytes = Array(entry.name.utf8)
        var name = nameBytes
        var prefix: [UInt8] = []
        if nameBytes.count > 100 {
            // ustar splits a long name at a slash: prefix (up to 155 bytes) "/" name (up to 100 bytes).
            guard let split = nameBytes.indices.last(where: { i in
                nameBytes[i] == UInt8(ascii: "/") && i <= 155 && nameBytes.count - i - 1 <= 100 && i > 0
            }) else {
                throw BundleError(.invalidName, "the name is too long for a ustar header (at most 100 bytes after "
                                  + "the last slash, 255 in all)", entry: entry.name)
            }
            prefix = Array(nameBytes[..<split])
            name = Array(nameBytes[(split + 1)...])
        }
        put(name, into: &h, at: 0)
        put(Array("0000600\0".utf8), into: &h, at: 100)
        put(Array("0000000\0".utf8), into: &h, at: 108)
        put(Array("0000000\0".utf8), into: &h, at: 116)
        put(octal(UInt64(entry.bytes.count), width: 12), into: &h, at: 124)
        put(octal(UInt64(max(0, mtime)), width: 12), into: &h, at: 136)
        put([UInt8](repeating: 0x20, count: 8), into: &h, at: 148)
        h[156] = UInt8(ascii: "0")
        put(Array("ustar\0".utf8), into: &h, at: 257)
        put(Array("00".utf8), into: &h, at: 263)
        put(Array("root".utf8), into: &h, at: 265)
        put(Array("root".utf8), into: &h, at: 297)
        put(prefix, into: &h, at: 345)
        let sum = h.reduce(0) { $0 + UInt64($1) }
        // Six octal digits, NUL, space: the form every tar writes.
        put(octal(sum, width: 7), into: &h, at: 148)
        h[155] = 0x20
        return h
    }

    private static func put(_ bytes: [UInt8], into h: inout [UInt8], at offset: Int) {
        for (i, b) in bytes.enumerated() { h[offset + i] = b }
    }

    /// `width - 1` zero-padded octal digits and a NUL.
    private static func octal(_ value: UInt64, width: Int) -> [UInt8] {
        let digits = Array(String(value, radix: 8).utf8)
        return [UInt8](repeating: UInt8(ascii: "0"), count: max(0, width - 1 - digits.count)) + digits + [0]
    }

    // MARK: Reading

    /// Reads a gzip-compressed ustar archive, returning its regular files in archive order.
    public static func read(_ bytes: [UInt8], limits: Limits = .standard) throws(BundleError) -> [Entry] {
        let stream = try Gzip.decompress(bytes, limit: limits.maxStreamSize)
        if stream.isEmpty {
            throw BundleError(.notABundle, "the gzip stream is empty, not a tar archive", offset: 0)
        }
        return try readTar(stream, limits: limits)
    }

    /// Reads an uncompressed ustar stream with the same checks.
    public static func readTar(_ t: [UInt8], limits: Limits = .standard) throws(BundleError) -> [Entry] {
        var entries: [Entry] = []
        var names = Set<String>()
        var total = 0
        var offset = 0
        while true {
            guard offset + block <= t.count else {
                if offset == t.count {
                    throw BundleError(.truncated, "the archive ends without the two zero end blocks "
                                      + "(truncated before compression?)", offset: offset)
                }
                throw BundleError(.truncated, "the archive ends inside a header block", offset: offset)
            }
            let h = t[offset..<(offset + block)]
            if h.allSatisfy({ $0 == 0 }) {
                let second = offset + block
                guard second + block <= t.count else {
                    throw BundleError(.truncated, "only one of the two zero end blocks is present", offset: second)
                }
                guard t[second..<(second + block)].allSatisfy({ $0 == 0 }) else {
                    throw BundleError(.corrupt, "a zero block is followed by data; the archive is damaged",
                                      offset: second)
                }
                // Anything after the end blocks must be the zero padding tar adds up to its record size.
                if let junk = t[(second + block)...].firstIndex(where: { $0 != 0 }) {
                    throw BundleError(.corrupt, "unexpected data after the end of the archive", offset: junk)
                }
                return entries
            }
            if offset == 0, Array(h[(offset + 257)..<(offset + 262)]) != Array("ustar".utf8) {
                throw BundleError(.notABundle, "the gzip file does not hold a ustar archive", offset: 0)
            }
            let entryName = rawName(h, base: offset)
            let shown = entryName ?? "?"
            // The checksum counts its own field as eight spaces.
            guard let stored = parseOctal(h, offset + 148, 8) else {
                throw BundleError(.corrupt, "the header checksum field is not an octal number", entry: shown, offset: offset)
            }
            var sum: UInt64 = 0
            for i in h.indices { sum += (i >= offset + 148 && i < offset + 156) ? 0x20 : UInt64(t[i]) }
            guard stored == sum else {
                throw BundleError(.corrupt, "header checksum mismatch (stored \(stored), computed \(sum))", entry: shown,
                                  offset: offset)
            }
            let magic = Array(h[(offset + 257)..<(offset + 263)])
            guard magic == Array("ustar\0".utf8) || magic == Array("ustar ".utf8) else {
                throw BundleError(.corrupt, "the header is not a ustar header", entry: shown, offset: offset)
            }
            guard let name = entryName else {
                throw BundleError(.unsafeEntry, "the entry name is empty or not UTF-8", offset: offset)
            }
            guard let size = parseOctal(h, offset + 124, 12) else {
                throw BundleError(.corrupt, "the size field is not an octal number", entry: name, offset: offset)
            }
            let type = h[offset + 156]
            switch type {
            case UInt8(ascii: "0"), 0, UInt8(ascii: "5"):
                break
            case UInt8(ascii: "1"), UInt8(ascii: "2"):
                throw BundleError(.unsafeEntry, "links are not allowed in a bundle", entry: name, offset: offset)
            case UInt8(ascii: "3"), UInt8(ascii: "4"), UInt8(ascii: "6"):
                throw BundleError(.unsafeEntry, "device and fifo entries are not allowed in a bundle", entry: name,
                                  offset: offset)
            default:
                throw BundleError(.unsafeEntry, "unsupported entry type '\(Character(Unicode.Scalar(type)))' "
                                  + "(pax or GNU extension headers are not used by rolehop)", entry: name, offset: offset)
            }
            var path = name
            // `tar czf b.tgz -C dir .` stores "./manifest.json"; the prefix is harmless.
            while path.hasPrefix("./") { path.removeFirst(2) }
            if type == UInt8(ascii: "5") { while path.hasSuffix("/") { path.removeLast() } }
            if let problem = unsafeNameProblem(path), !(type == UInt8(ascii: "5") && (path.isEmpty || path == ".")) {
                throw BundleError(.unsafeEntry, problem, entry: name, offset: offset)
            }
            guard size <= UInt64(limits.maxEntrySize) else {
                throw BundleError(.tooLarge, "\(size) bytes, over the \(limits.maxEntrySize)-byte limit per entry",
                                  entry: name, offset: offset)
            }
            let count = Int(size)
            let dataStart = offset + block
            guard dataStart + count <= t.count else {
                throw BundleError(.truncated, "the data ends after \(t.count - dataStart) of \(count) bytes",
                                  entry: name, offset: dataStart)
            }
            let next = dataStart + (count + block - 1) / block * block
            guard next <= t.count else {
                throw BundleError(.truncated, "the archive ends inside the entry's padding", entry: name, offset: t.count)
            }
            if type == UInt8(ascii: "5") {
                guard count == 0 else {
                    throw BundleError(.corrupt, "a directory entry with data", entry: name, offset: offset)
                }
                offset = next
                continue
            }
            guard names.insert(path).inserted else {
                throw BundleError(.duplicateEntry, "the name appears twice in the archive", entry: name, offset: offset)
            }
            guard entries.count < limits.maxEntries else {
                throw BundleError(.tooLarge, "more than \(limits.maxEntries) entries", entry: name, offset: offset)
            }
            total += count
            guard total <= limits.maxTotalSize else {
                throw BundleError(.tooLarge, "the entries add up to more than \(limits.maxTotalSize) bytes",
                                  entry: name, offset: offset)
            }
            entries.append(Entry(name: path, bytes: Array(t[dataStart..<(dataStart + count)])))
            offset = next
        }
    }

    /// The full entry name (ustar prefix + name), or nil when empty or not valid UTF-8.
    private static func rawName(_ h: ArraySlice<UInt8>, base: Int) -> String? {
        func field(_ start: Int, _ length: Int) -> ArraySlice<UInt8> {
            let s = h[(base + start)..<(base + start + length)]
            return s.prefix(while: { $0 != 0 })
        }
        let name = field(0, 100)
        // Only POSIX ustar has a prefix field; old GNU headers keep other data there.
        let isPOSIX = Array(h[(base + 257)..<(base + 263)]) == Array("ustar\0".utf8)
        let prefix = isPOSIX ? field(345, 155) : []
        let full = prefix.isEmpty ? Array(name) : Array(prefix) + [UInt8(ascii: "/")] + Array(name)
        guard !full.isEmpty, let s = String(validating: full, as: UTF8.self) else { return nil }
        return s
    }

    /// Octal digits with optional leading spaces and a NUL or space terminator; nil for anything else
    /// (including GNU's base-256 form, which only very large or negative values need).
    private static func parseOctal(_ h: ArraySlice<UInt8>, _ start: Int, _ length: Int) -> UInt64? {
        var i = start
        let end = start + length
        while i < end, h[i] == 0x20 { i += 1 }
        var value: UInt64 = 0
        var digits = 0
        while i < end, h[i] >= UInt8(ascii: "0"), h[i] <= UInt8(ascii: "7") {
            value = value &* 8 &+ UInt64(h[i] - UInt8(ascii: "0"))
            digits += 1
            i += 1
            if digits > 21 { return nil }
        }
        guard digits > 0 else { return nil }
        while i < end {
            guard h[i] == 0 || h[i] == 0x20 else { return nil }
            i += 1
        }
        return value
    }

    /// Why a name must not be stored or extracted, or nil when it is a plain relative path.
    static func unsafeNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "the entry name is empty" }
        if name.hasPrefix("/") { return "absolute paths are not allowed in a bundle" }
        if name.utf8.contains(0) { return "the name contains a NUL byte" }
        if name.contains("\\") { return "backslashes are not allowed in entry names" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) }) {
            return "control characters are not allowed in entry names"
        }
        for component in name.split(separator: "/", omittingEmptySubsequences: false) {
            if component == ".." { return "'..' path components are not allowed in a bundle (path traversal)" }
            if component.isEmpty || component == "." { return "empty or '.' path components are not allowed" }
        }
        return nil
    }
}
