import RoleHopCore

/// Small limits, so the limit checks are reached with inputs libFuzzer can build.
let small = TarGz.Limits(maxEntrySize: 4096, maxTotalSize: 16384, maxEntries: 8)

/// libFuzzer entry: the bundle reader on arbitrary bytes (tar, gzip+tar, manifest), with the standard and
/// with small limits.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBundle(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? TarGz.readTar(bytes, limits: small)
    _ = try? TarGz.read(bytes, limits: small)
    _ = try? TarGz.read(bytes)
    if let bundle = try? BundleReader.open(bytes: bytes) {
        for name in bundle.names { _ = try? bundle.json(name) }
    }
    return 0
}
