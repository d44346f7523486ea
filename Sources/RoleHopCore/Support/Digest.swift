import CLibCrypto
#if canImport(Glibc)
import Glibc
#endif

// Hashes and HMAC over the system's libcrypto (OpenSSL 3, which libcurl uses too). The low-level
// SHA*_Init/Update/Final are used on purpose: their contexts are plain C structs, so a hash state is a Swift
// value that copies without allocating (HMAC keeps its keyed pads that way), and no provider is fetched per
// call as with EVP_MD_fetch / EVP_MAC. They are deprecated in 3.0 but exported by every 3.x.

/// libcrypto's functions, from `dlopen("libcrypto.so.3")` on first use (see the CLibCrypto shim for why it is
/// not linked). Without it rolehop cannot sign or verify at all, and libcurl cannot load either, so this stops
/// with the loader's message.
let libcrypto: rolehop_crypto = withUnsafeTemporaryAllocation(of: rolehop_crypto.self, capacity: 1) { p in
    let table = p.baseAddress.unsafelyUnwrapped
    if let problem = rolehop_crypto_load(table) {
        // Not a crash: the environment lacks a library, which is unusable input (exit 2) like a missing libcurl.
        let message = "rolehop: cannot load OpenSSL 3's libcrypto.so.3 (Debian/Ubuntu package libssl3): "
            + String(cString: problem) + "\n"
        _ = message.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
        exit(2)
    }
    return table.pointee
}

/// A 32-byte SHA-256 digest held inline (no heap allocation).
public struct SHA256Digest: Sendable, Equatable {
    var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    public init() {}

    public static func == (a: SHA256Digest, b: SHA256Digest) -> Bool { a.words == b.words }

    /// Calls `body` with the 32 bytes.
    @inline(__always)
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: words, body)
    }

    /// The 32 bytes as an array.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Lower-case hex.
    public var hex: String { Digest.hex(bytes) }
}

/// Incremental SHA-256. A value: copying it forks the state (how HMAC reuses its keyed pads).
public struct SHA256Hasher: @unchecked Sendable {
    var ctx = SHA256_CTX()

    public init() { _ = libcrypto.SHA256_Init(&ctx) }

    @inline(__always)
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        _ = libcrypto.SHA256_Update(&ctx, base, bytes.count)
    }

    @inline(__always)
    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    @inline(__always)
    public mutating func update(_ bytes: ArraySlice<UInt8>) { bytes.withUnsafeBytes { update($0) } }

    /// The digest; the hasher is spent afterwards (start a new one, or finalize a copy).
    @inline(__always)
    public mutating func finalize() -> SHA256Digest {
        var d = SHA256Digest()
        Swift.withUnsafeMutableBytes(of: &d.words) { raw in
            _ = libcrypto.SHA256_Final(raw.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: UInt8.self), &ctx)
        }
        return d
    }
}

/// HMAC-SHA-256 (RFC 2104) with the key's inner and outer pads hashed once, at init: each message then
/// costs its own blocks plus one outer block, and no allocation.
public struct HMACSHA256: @unchecked Sendable {
    let inner: SHA256Hasher
    let outer: SHA256Hasher

    public init(key: UnsafeRawBufferPointer) {
        var inner = SHA256Hasher()
        var outer = SHA256Hasher()
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { block in
            block.initialize(repeating: 0)
            if key.count > 64 {
                // A key longer than the block is replaced by its hash.
                var h = SHA256Hasher()
                h.update(key)
                h.finalize().withUnsafeBytes { d in for i in 0..<32 { block[i] = d[i] } }
            } else {
                for i in 0..<key.count { block[i] = key[i] }
            }
            for i in 0..<64 { block[i] ^= 0x36 }
            inner.update(UnsafeRawBufferPointer(block))
            for i in 0..<64 { block[i] ^= 0x36 ^ 0x5C }
            outer.update(UnsafeRawBufferPointer(block))
            block.initialize(repeating: 0)
        }
        self.inner = inner
        self.outer = outer
    }

    public init(key: [UInt8]) { self = key.withUnsafeBytes { HMACSHA256(key: $0) } }

    /// The MAC of `message`.
    @inline(__always)
    public func authenticationCode(for message: UnsafeRawBufferPointer) -> SHA256Digest {
        var i = inner
        i.update(message)
        let innerDigest = i.finalize()
        var o = outer
        innerDigest.withUnsafeBytes { o.update($0) }
        return o.finalize()
    }

    @inline(__always)
    public func authenticationCode(for message: [UInt8]) -> SHA256Digest {
        message.withUnsafeBytes { authenticationCode(for: $0) }
    }

    @inline(__always)
    public func authenticationCode(for message: ArraySlice<UInt8>) -> SHA256Digest {
        message.withUnsafeBytes { authenticationCode(for: $0) }
    }
}

/// One-shot digests for the cold paths (token verification, certificate thumbprints).
public enum Digest {
    /// Opens libcrypto now if it is not open yet (it is otherwise opened by the first hash). A live command
    /// calls this before it starts loading libcurl in the background: the dynamic loader serialises the two,
    /// and a token check that needed libcrypto while libcurl's ~35 libraries were loading waited for all of them.
    public static func load() { _ = libcrypto }

    public enum Algorithm: Sendable {
        case sha1, sha256, sha384, sha512

        /// Output length in bytes.
        public var length: Int {
            switch self {
            case .sha1: 20
            case .sha256: 32
            case .sha384: 48
            case .sha512: 64
            }
        }
    }

    /// The digest of `bytes`. (The low-level contexts again: the one-shot SHA256() of OpenSSL 3 goes through
    /// EVP_Q_digest, which fetches the default provider on first use.)
    public static func hash(_ algorithm: Algorithm, _ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: algorithm.length)
        let base = bytes.baseAddress
        let n = base == nil ? 0 : bytes.count
        out.withUnsafeMutableBufferPointer { o in
            let p = o.baseAddress.unsafelyUnwrapped
            switch algorithm {
            case .sha1:
                var c = SHA_CTX()
                _ = libcrypto.SHA1_Init(&c)
                if let base { _ = libcrypto.SHA1_Update(&c, base, n) }
                _ = libcrypto.SHA1_Final(p, &c)
            case .sha256:
                var c = SHA256_CTX()
                _ = libcrypto.SHA256_Init(&c)
                if let base { _ = libcrypto.SHA256_Update(&c, base, n) }
                _ = libcrypto.SHA256_Final(p, &c)
            case .sha384:
                var c = SHA512_CTX()
                _ = libcrypto.SHA384_Init(&c)
                if let base { _ = libcrypto.SHA384_Update(&c, base, n) }
                _ = libcrypto.SHA384_Final(p, &c)
            case .sha512:
                var c = SHA512_CTX()
                _ = libcrypto.SHA512_Init(&c)
                if let base { _ = libcrypto.SHA512_Update(&c, base, n) }
                _ = libcrypto.SHA512_Final(p, &c)
            }
        }
        return out
    }

    public static func hash(_ algorithm: Algorithm, _ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { hash(algorithm, $0) }
    }

    public static func hash(_ algorithm: Algorithm, _ bytes: ArraySlice<UInt8>) -> [UInt8] {
        bytes.withUnsafeBytes { hash(algorithm, $0) }
    }

    public static func sha1(_ bytes: [UInt8]) -> [UInt8] { hash(.sha1, bytes) }
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] { hash(.sha256, bytes) }
    public static func sha384(_ bytes: [UInt8]) -> [UInt8] { hash(.sha384, bytes) }
    public static func sha512(_ bytes: [UInt8]) -> [UInt8] { hash(.sha512, bytes) }

    /// HMAC-SHA-256 of `message` under `key`.
    public static func hmacSHA256(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        HMACSHA256(key: key).authenticationCode(for: message).bytes
    }

    /// Two lower-case hex digits per byte value, precomputed (SigV4 hexes two digests per signature).
    static let hexTable: [UInt16] = {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        return (0..<256).map { i in UInt16(digits[i >> 4]) | (UInt16(digits[i & 15]) << 8) }
    }()

    /// Writes the lower-case hex of `raw` to `out`, which has room for `raw.count * 2` bytes.
    static func writeHex(_ raw: UnsafeRawBufferPointer, to out: UnsafeMutableBufferPointer<UInt8>) {
        hexTable.withUnsafeBufferPointer { table in
            var o = 0
            for b in raw {
                let pair = table[Int(b)]
                out[o] = UInt8(truncatingIfNeeded: pair)
                out[o + 1] = UInt8(truncatingIfNeeded: pair >> 8)
                o += 2
            }
        }
    }

    /// Lower-case hex of `raw`, as bytes.
    static func hexBytes(_ raw: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: raw.count * 2) { buf, n in
            writeHex(raw, to: buf)
            n = raw.count * 2
        }
    }

    /// Lower-case hex of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.withUnsafeBytes { hexBytes($0) }, as: UTF8.self)
    }
}
