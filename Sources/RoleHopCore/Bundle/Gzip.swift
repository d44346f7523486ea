import CZlib

/// gzip (RFC 1952) compression and strict decompression through zlib.
///
/// zlib checks the CRC32 and ISIZE trailer itself when inflating with a gzip-only window (`15 + 16`); the
/// decompressor stops as soon as the output passes `limit`, so a gzip bomb is refused after inflating at most
/// `limit` bytes, not all of it.
public enum Gzip {
    /// The gzip magic and the deflate method byte.
    static let magic: [UInt8] = [0x1F, 0x8B, 0x08]

    /// Compresses `bytes` into one gzip member (header mtime 0, so equal inputs give equal outputs).
    public static func compress(_ bytes: [UInt8], level: Int32 = 9) throws(BundleError) -> [UInt8] {
        var stream = z_stream()
        // deflateInit2 is a macro; this is its expansion. windowBits 15 + 16 asks for a gzip wrapper.
        let initResult = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                                       Int32(MemoryLayout<z_stream>.size))
        guard initResult == Z_OK else { throw BundleError(.io, "zlib deflateInit2 failed (\(initResult))") }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(bytes.count)))
        var out = [UInt8](repeating: 0, count: bound)
        let result: Int32 = bytes.withUnsafeBufferPointer { inBuf in
            out.withUnsafeMutableBufferPointer { outBuf in
                // zlib's next_in is not const-qualified (without ZLIB_CONST) but zlib never writes through it.
                stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
                stream.avail_in = uInt(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = uInt(outBuf.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        // deflateBound guarantees one Z_FINISH call completes.
        guard result == Z_STREAM_END else { throw BundleError(.io, "zlib deflate failed (\(result))") }
        out.removeLast(out.count - Int(stream.total_out))
        return out
    }

    /// Decompresses exactly one gzip member that must fill `bytes`, refusing output larger than `limit`.
    public static func decompress(_ bytes: [UInt8], limit: Int) throws(BundleError) -> [UInt8] {
        guard bytes.count >= 3, Array(bytes[0..<3]) == magic else { throw foreign(bytes) }
        var stream = z_stream()
        let initResult = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard initResult == Z_OK else { throw BundleError(.io, "zlib inflateInit2 failed (\(initResult))") }
        defer { inflateEnd(&stream) }

        var out: [UInt8] = []
        out.reserveCapacity(min(limit, max(bytes.count * 4, 4096)))
        let chunkSize = 64 * 1024
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var finished = false
        var failure: BundleError?
        bytes.withUnsafeBufferPointer { inBuf in
            stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.avail_in = uInt(inBuf.count)
            while !finished {
                let (result, produced): (Int32, Int) = chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = uInt(chunkSize)
                    let r = inflate(&stream, Z_NO_FLUSH)
                    return (r, chunkSize - Int(stream.avail_out))
                }
                let consumed = inBuf.count - Int(stream.avail_in)
                if out.count + produced > limit {
                    failure = BundleError(.tooLarge, "decompresses to more than \(limit) bytes (a gzip bomb?); refused "
                                          + "after inflating \(limit) bytes", offset: consumed, space: .file)
                    return
                }
                out.append(contentsOf: chunk[0..<produced])
                switch result {
                case Z_STREAM_END:
                    finished = true
                    if stream.avail_in != 0 {
                        failure = BundleError(.corrupt, "unexpected data after the end of the gzip stream",
                                              offset: consumed, space: .file)
                    }
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // No progress possible: the input ran out before the stream ended.
                    failure = BundleError(.truncated, "the file ends inside the gzip stream (truncated download or copy?)",
                                          offset: consumed, space: .file)
                    return
                default:
                    let why = stream.msg.map { String(cString: $0) } ?? "zlib error \(result)"
                    failure = BundleError(.corrupt, "gzip data is corrupt: \(why)", offset: consumed, space: .file)
                    return
                }
            }
        }
        if let failure { throw failure }
        return out
    }

    /// Names what a non-gzip file most likely is, so the message helps.
    static func foreign(_ bytes: [UInt8]) -> BundleError {
        let what: String
        if bytes.isEmpty {
            what = "the file is empty"
        } else if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            what = "it is a zip archive"
        } else if bytes.count >= 262, Array(bytes[257..<262]) == Array("ustar".utf8) {
            what = "it is an uncompressed tar archive"
        } else if bytes.starts(with: [0x1F, 0x8B]) {
            what = "it is gzip with an unknown compression method"
        } else if bytes.starts(with: [0x42, 0x5A, 0x68]) {
            what = "it is bzip2-compressed"
        } else if bytes.starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) {
            what = "it is xz-compressed"
        } else if bytes.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) {
            what = "it is zstd-compressed"
        } else {
            what = "it does not start with the gzip signature"
        }
        return BundleError(.notABundle, "not a rolehop bundle (a .tar.gz file): \(what)", offset: 0, space: .file)
    }
}
