import RoleHopCore

let credentials = AWSCredentials(accessKeyId: "AKIAEXAMPLEFUZZ00001", secretAccessKey: Secret("fuzz-EXAMPLE-secret"),
                                 sessionToken: Secret("FAKE-session-token"))
let date = Date(timeIntervalSince1970: 1_796_036_669)

/// libFuzzer entry: `rolehop sigv4`'s path: `RawHTTPRequest.parse`, then sign and presign the result.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRawRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for presign in [nil, 900] as [Int?] {
        let options = SigV4InspectOptions(region: "us-east-1", service: "sts", date: date, normalizePath: presign == nil,
                                          signBody: presign != nil, presignExpires: presign)
        guard let inspection = try? SigV4Inspector.inspect(requestBytes: bytes, requestFile: "fuzz.http", options: options,
                                                           credentials: credentials) else { return 0 }
        _ = inspection.text
        _ = inspection.json.serialized(pretty: false)
    }
    return 0
}
