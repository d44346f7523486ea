import RoleHopCore

/// libFuzzer entry: `ExplorerSnapshot.parse` (the explorer's snapshot JSON) on arbitrary text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSnapshot(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        _ = try ExplorerSnapshot.parse(text, file: "fuzz.json")
    } catch {
        _ = error.description
    }
    return 0
}
