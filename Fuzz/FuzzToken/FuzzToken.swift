import RoleHopCore

/// libFuzzer entry: `WebIdentityToken.decode` on arbitrary text (a token file's content).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzToken(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let token = try WebIdentityToken.decode(text)
        _ = token.payload.serialized(pretty: false)
    } catch {
        _ = error.description
    }
    return 0
}
