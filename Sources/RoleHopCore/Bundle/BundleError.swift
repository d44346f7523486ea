/// Why a bundle could not be written or read, with the entry and byte offset where reading stopped.
///
/// Offsets say which byte stream they count in: the compressed file (`.file`, where gzip problems are found)
/// or the decompressed tar stream (`.tar`, where entry problems are found), so `tar tzf` and a hex dump can
/// be pointed at the same place.
public struct BundleError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Not a gzip file, a gzip file without a tar inside, or a tar without a rolehop manifest.
        case notABundle
        /// The data ends before the archive does.
        case truncated
        /// A checksum (gzip CRC32, ISIZE, tar header) or a structure does not match.
        case corrupt
        /// An entry that could write outside the extraction folder or is not a regular file.
        case unsafeEntry
        /// An entry or the whole archive is larger than the reader accepts (gzip bombs end here).
        case tooLarge
        /// Two entries with the same name.
        case duplicateEntry
        /// The manifest is missing a field or has a field of the wrong type.
        case invalidManifest
        /// The bundle was written with a schema this rolehop does not know.
        case unsupportedSchema
        /// An entry name the writer cannot store (too long, unsafe).
        case invalidName
        /// The target exists and `--force` was not given.
        case exists
        /// ENOSPC / EDQUOT.
        case noSpace
        /// EROFS.
        case readOnly
        /// EACCES / EPERM.
        case permissionDenied
        /// Any other system error.
        case io
    }

    /// Which byte stream an offset counts in.
    public enum Space: String, Sendable, Hashable {
        case file, tar
    }

    public var kind: Kind
    public var message: String
    /// The bundle file, when the error came from a file rather than bytes.
    public var path: String?
    /// The archive entry being read or written.
    public var entry: String?
    public var offset: Int?
    public var space: Space

    public init(_ kind: Kind, _ message: String, path: String? = nil, entry: String? = nil, offset: Int? = nil,
                space: Space = .tar) {
        self.kind = kind
        self.message = message
        self.path = path
        self.entry = entry
        self.offset = offset
        self.space = space
    }

    /// `bundle.tgz: entry 'hops/1-attempt-1.txt' at byte 1536 of the tar stream: header checksum mismatch`
    public var description: String {
        var parts: [String] = []
        if let path { parts.append(path) }
        var location: [String] = []
        if let entry { location.append("entry '\(entry)'") }
        if let offset {
            location.append(space == .file ? "at byte \(offset) of the file" : "at byte \(offset) of the tar stream")
        }
        if !location.isEmpty { parts.append(location.joined(separator: " ")) }
        parts.append(message)
        // Entry names and manifest values come from the archive: escape control characters so a hostile bundle
        // cannot drive the terminal that prints the error.
        return BundleError.printable(parts.joined(separator: ": "))
    }

    /// `text` with control characters written as `\u{1B}`.
    static func printable(_ text: String) -> String {
        var out = ""
        for u in text.unicodeScalars {
            if u.value < 0x20 || (u.value >= 0x7F && u.value < 0xA0) {
                out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// The same error, naming the bundle file it came from.
    public func at(path: String) -> BundleError {
        var e = self
        e.path = path
        return e
    }
}
