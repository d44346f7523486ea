import RoleHopCore

/// The test key set (Tests/Data/token/jwks.json), so a mutated valid token reaches signature verification.
let testKeys: JSONWebKeySet? = try? JSONWebKeySet.parse(
    "{\"keys\": [{\"kty\": \"RSA\", \"kid\": \"rsa-test-1\", \"e\": \"AQAB\", \"n\": \""
        + "1C5Qz_9Ozmif0MdnhuKyyjXcgFkwd0eFmlKNlwprhGP_ox8LB0weuRYuvmTR8j1GFwu62fdIVgaUi_eEZsgLCl4TS_gEpLkXjcLb59AcKHASrDgWNKCbDKGPJZr9cz-d8Td9y9LaceeSaPC9MgpAXfxVxrZuTApsZhOnQLfrKsKz"
        + "u5KaLWWwcLJITpNvrTspMJ5LtQ2sNsNyq4guK7GZOzr8ee1B16A-y0pyGuWqF8r8oObsvwyQd7ssiW7RaECYMeK1XsnEdh7P50ed1ukbdA2KbuTG0b9d8arniTBnilbDZNsJ7U96kbc5Ue_Xjy0ZBZFG7T0oay9h8RiywB-YLw"
        + "\"}, {\"kty\": \"EC\", \"kid\": \"ec-test-1\", \"crv\": \"P-256\", "
        + "\"x\": \"wI1jDE7Uxj7x_rHWrTJuJK0AkEHU66TVC2GdNMYEl8E\", \"y\": \"4beGurqQPYUDCgq_DGEfA4NJSE4yDjRpqZReO-HZVFc\"}]}",
    file: "jwks.json")

/// libFuzzer entry: `WebIdentityToken.decode` on arbitrary text (a token file's content), then signature
/// verification (libcrypto key import and EVP verification) against the test key set or, when the input has a
/// second line, against that line read as a JWKS (arbitrary RSA n/e and EC x/y).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzToken(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let token = try WebIdentityToken.decode(text)
        _ = token.payload.serialized(pretty: false)
    } catch {
        _ = error.description
    }
    let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    if lines.count == 2, let keys = try? JSONWebKeySet.parse(String(lines[1]), file: "fuzz") {
        _ = TokenVerifier.verify(Secret(String(lines[0])), keys: keys)
    } else if let testKeys {
        _ = TokenVerifier.verify(Secret(text), keys: testKeys)
    }
    return 0
}
