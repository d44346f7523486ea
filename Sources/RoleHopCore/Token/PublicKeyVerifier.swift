import CLibCrypto

/// JWS signature checks (RFC 7518) with the system's libcrypto: keys are imported from their JWK numbers with
/// EVP_PKEY_fromdata, signatures checked with EVP_DigestVerify. Cold path (a few verifications per run).
enum PublicKeyVerifier {
    enum Hash {
        case sha256, sha384, sha512

        init(bits: Int) {
            switch bits {
            case 384: self = .sha384
            case 512: self = .sha512
            default: self = .sha256
            }
        }

        var md: OpaquePointer? {
            switch self {
            case .sha256: libcrypto.EVP_sha256()
            case .sha384: libcrypto.EVP_sha384()
            case .sha512: libcrypto.EVP_sha512()
            }
        }
    }

    enum Padding { case pkcs1v15, pss }

    /// An imported public key (owns its EVP_PKEY).
    final class Key {
        let pkey: OpaquePointer
        init(_ pkey: OpaquePointer) { self.pkey = pkey }
        deinit { libcrypto.EVP_PKEY_free(pkey) }

        /// Modulus size in bits for RSA, field size for EC.
        var bits: Int { Int(libcrypto.EVP_PKEY_get_bits(pkey)) }
        /// Largest signature in bytes (the modulus length for RSA).
        var size: Int { Int(libcrypto.EVP_PKEY_get_size(pkey)) }
    }

    /// The public key with modulus `n` and exponent `e` (big-endian, as in a JWK), or nil when libcrypto
    /// refuses them.
    static func rsaKey(n: [UInt8], e: [UInt8]) -> Key? {
        defer { libcrypto.ERR_clear_error() }
        guard let bld = libcrypto.OSSL_PARAM_BLD_new() else { return nil }
        defer { libcrypto.OSSL_PARAM_BLD_free(bld) }
        guard let bn = n.withUnsafeBufferPointer({ libcrypto.BN_bin2bn($0.baseAddress, Int32($0.count), nil) }) else { return nil }
        defer { libcrypto.BN_free(bn) }
        guard let be = e.withUnsafeBufferPointer({ libcrypto.BN_bin2bn($0.baseAddress, Int32($0.count), nil) }) else { return nil }
        defer { libcrypto.BN_free(be) }
        guard libcrypto.OSSL_PARAM_BLD_push_BN(bld, cString("n"), bn) == 1, libcrypto.OSSL_PARAM_BLD_push_BN(bld, cString("e"), be) == 1
        else { return nil }
        return fromdata(bld, type: "RSA")
    }

    /// The EC public key on `group` (an OpenSSL group name) at the uncompressed point `04 || x || y`, or nil
    /// when the point is not on the curve.
    static func ecKey(group: StaticString, point: [UInt8]) -> Key? {
        defer { libcrypto.ERR_clear_error() }
        guard let bld = libcrypto.OSSL_PARAM_BLD_new() else { return nil }
        defer { libcrypto.OSSL_PARAM_BLD_free(bld) }
        // The builder keeps the pointers it is given until OSSL_PARAM_BLD_to_param copies the data, so the
        // point's bytes stay borrowed until the key is made.
        let made: Key? = point.withUnsafeBytes { p in
            guard libcrypto.OSSL_PARAM_BLD_push_utf8_string(bld, cString("group"), cString(group), 0) == 1,
                  libcrypto.OSSL_PARAM_BLD_push_octet_string(bld, cString("pub"), p.baseAddress, p.count) == 1 else { return nil }
            return fromdata(bld, type: "EC")
        }
        guard let key = made else { return nil }
        // Import decodes the point onto the curve already; the public check also rejects the point at infinity
        // and points outside the prime-order subgroup.
        guard let ctx = libcrypto.EVP_PKEY_CTX_new_from_pkey(nil, key.pkey, nil) else { return nil }
        defer { libcrypto.EVP_PKEY_CTX_free(ctx) }
        return libcrypto.EVP_PKEY_public_check(ctx) == 1 ? key : nil
    }

    /// A static string as a C string. OSSL_PARAM_BLD stores key and value pointers without copying, so a
    /// bridged Swift `String` (a temporary buffer) would dangle; a literal's storage lives for the program.
    @inline(__always)
    private static func cString(_ s: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    private static func fromdata(_ bld: OpaquePointer, type: StaticString) -> Key? {
        guard let params = libcrypto.OSSL_PARAM_BLD_to_param(bld) else { return nil }
        defer { libcrypto.OSSL_PARAM_free(params) }
        guard let ctx = libcrypto.EVP_PKEY_CTX_new_from_name(nil, cString(type), nil) else { return nil }
        defer { libcrypto.EVP_PKEY_CTX_free(ctx) }
        guard libcrypto.EVP_PKEY_fromdata_init(ctx) == 1 else { return nil }
        var pkey: OpaquePointer?
        guard libcrypto.EVP_PKEY_fromdata(ctx, &pkey, rolehop_evp_pkey_public_key_selection(), params) == 1, let pkey else {
            return nil
        }
        return Key(pkey)
    }

    /// Whether `signature` is `key`'s signature of `message`. For RSA, `padding` picks PKCS #1 v1.5 or PSS
    /// (MGF1 with the same hash, salt as long as the hash: RFC 7518 §3.5); for EC, `signature` is DER.
    static func verify(key: Key, hash: Hash, padding: Padding?, signature: [UInt8], message: ArraySlice<UInt8>) -> Bool {
        defer { libcrypto.ERR_clear_error() }
        guard let md = libcrypto.EVP_MD_CTX_new() else { return false }
        defer { libcrypto.EVP_MD_CTX_free(md) }
        var pctx: OpaquePointer?
        guard libcrypto.EVP_DigestVerifyInit(md, &pctx, hash.md, nil, key.pkey) == 1, let pctx else { return false }
        switch padding {
        case .pkcs1v15?:
            guard libcrypto.EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 else { return false }
        case .pss?:
            guard libcrypto.EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1,
                  libcrypto.EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1,
                  libcrypto.EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, hash.md) == 1 else { return false }
        case nil:
            break
        }
        return signature.withUnsafeBufferPointer { s in
            message.withUnsafeBufferPointer { m in
                libcrypto.EVP_DigestVerify(md, s.baseAddress, s.count, m.baseAddress, m.count) == 1
            }
        }
    }

    /// A JWS ECDSA signature (`r || s`, each `half` bytes) as the DER `ECDSA-Sig-Value` libcrypto takes, or
    /// nil when the length is not `2 * half`.
    static func derECDSASignature(raw: [UInt8], half: Int) -> [UInt8]? {
        guard raw.count == 2 * half else { return nil }
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            // Minimal two's complement: no leading zero bytes, one zero byte before a high bit.
            var v = bytes.drop(while: { $0 == 0 })
            if v.isEmpty { v = [0][...] }
            var out: [UInt8] = [0x02]
            let needsZero = (v.first ?? 0) & 0x80 != 0
            appendLength(v.count + (needsZero ? 1 : 0), into: &out)
            if needsZero { out.append(0) }
            out.append(contentsOf: v)
            return out
        }
        let body = integer(raw[0..<half]) + integer(raw[half...])
        var out: [UInt8] = [0x30]
        appendLength(body.count, into: &out)
        out.append(contentsOf: body)
        return out
    }

    /// A DER length (short form below 128, else long form; ECDSA-Sig-Value for P-384 needs at most 2 bytes).
    static func appendLength(_ n: Int, into out: inout [UInt8]) {
        if n < 0x80 {
            out.append(UInt8(n))
        } else if n < 0x100 {
            out.append(0x81)
            out.append(UInt8(n))
        } else {
            out.append(0x82)
            out.append(UInt8(n >> 8))
            out.append(UInt8(n & 0xFF))
        }
    }
}
