import RoleHopCore

/// libFuzzer entry: `XMLDocument.parse` on arbitrary bytes, then every AWS query-response decoding rolehop does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let root = try? XMLDocument.parse(bytes) else { return 0 }
    _ = AWSQueryResponse.error(in: root)
    _ = AWSQueryResponse.requestId(in: root)
    for action in ["AssumeRole", "AssumeRoleWithWebIdentity", "GetCallerIdentity", "GetRole"] {
        _ = AWSQueryResponse.success(action: action, root: root)
    }
    _ = AWSQueryResponse.maskingCredentials(String(decoding: bytes, as: UTF8.self))
    return 0
}
