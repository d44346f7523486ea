import CLibCrypto

/// JWS signature checks (RFC 7518) with the system's libcrypto: RSA through its bare RSA primitive with the
/// padding checked here, EC keys imported from their JWK numbers with EVP_PKEY_fromdata and checked with
/// EVP_DigestVerify. Cold path (a few verifications per run).
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

        /// The same function for the digests computed here.
        var algorithm: Digest.Algorithm {
            switch self {
            case .sha256: .sha256
            case .sha384: .sha384
            case .sha512: .sha512
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

    /// An imported public key (owns its EVP_PKEY).
    final class Key {
        let pkey: OpaquePointer
        init(_ pkey: OpaquePointer) { self.pkey = pkey }
        deinit { libcrypto.EVP_PKEY_free(pkey) }
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

    /// Whether `signature` (DER ECDSA-Sig-Value) is `key`'s signature of `message` under `hash`.
    static func verifyEC(key: Key, hash: Hash, signature: [UInt8], message: ArraySlice<UInt8>) -> Bool {
        defer { libcrypto.ERR_clear_error() }
        guard let md = libcrypto.EVP_MD_CTX_new() else { return false }
        defer { libcrypto.EVP_MD_CTX_free(md) }
        guard libcrypto.EVP_DigestVerifyInit(md, nil, hash.md, nil, key.pkey) == 1 else { return false }
        return signature.withUnsafeBufferPointer { s in
            message.withUnsafeBufferPointer { m in
                libcrypto.EVP_DigestVerify(md, s.baseAddress, s.count, m.baseAddress, m.count) == 1
            }
        }
    }

    // MARK: - RSA without the provider machinery

    /// `signature^e mod n` as `n.count` big-endian bytes, through libcrypto's RSA primitive with no padding (the
    /// encoding is then checked here, by `pkcs1Matches` and `pssMatches`), or nil when the signature is not
    /// smaller than the modulus. Why not EVP_DigestVerify as for EC keys: importing a key with
    /// EVP_PKEY_fromdata fetches and initialises the default provider first, 5 M instructions, a third of a
    /// whole live `check` (callgrind, issue 11); the legacy RSA object computes the same number without it.
    /// `n` without leading zero bytes; `signature.count == n.count` (JWS, RFC 7518 §3.3).
    static func rsaPublic(n: [UInt8], e: [UInt8], signature: [UInt8]) -> [UInt8]? {
        defer { libcrypto.ERR_clear_error() }
        guard signature.count == n.count, let rsa = libcrypto.RSA_new() else { return nil }
        defer { libcrypto.RSA_free(rsa) }
        let bn = n.withUnsafeBufferPointer { libcrypto.BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
        let be = e.withUnsafeBufferPointer { libcrypto.BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
        // RSA_set0_key takes ownership of both numbers when it succeeds.
        guard let bn, let be, libcrypto.RSA_set0_key(rsa, bn, be, nil) == 1 else {
            if let bn { libcrypto.BN_free(bn) }
            if let be { libcrypto.BN_free(be) }
            return nil
        }
        let k = Int(libcrypto.RSA_size(rsa))
        guard k == signature.count else { return nil }
        var out = [UInt8](repeating: 0, count: k)
        let written = signature.withUnsafeBufferPointer { sig in
            out.withUnsafeMutableBufferPointer { o in
                libcrypto.RSA_public_decrypt(Int32(k), sig.baseAddress, o.baseAddress, rsa, RSA_NO_PADDING)
            }
        }
        return written == Int32(k) ? out : nil
    }

    /// The DER DigestInfo prefix of a hash (RFC 8017 §9.2, note 1).
    static func digestInfoPrefix(_ hash: Hash) -> [UInt8] {
        let oidLast: UInt8, length: UInt8
        switch hash {
        case .sha256: (oidLast, length) = (1, 32)
        case .sha384: (oidLast, length) = (2, 48)
        case .sha512: (oidLast, length) = (3, 64)
        }
        return [0x30, 0x11 + length, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, oidLast,
                0x05, 0x00, 0x04, length]
    }

    /// EMSA-PKCS1-v1_5 by encoding and comparing (RFC 8017 §8.2.2 step 3-4): the expected block
    /// `00 01 FF..FF 00 DigestInfo(H(message))` is built and compared whole, never parsed, so no malformed
    /// padding can pass.
    static func pkcs1Matches(_ em: [UInt8], hash: Hash, message: ArraySlice<UInt8>) -> Bool {
        let t = digestInfoPrefix(hash) + Digest.hash(hash.algorithm, message)
        guard em.count >= t.count + 11 else { return false }
        var expected: [UInt8] = [0x00, 0x01]
        expected.append(contentsOf: repeatElement(0xFF, count: em.count - t.count - 3))
        expected.append(0x00)
        expected.append(contentsOf: t)
        return expected == em
    }

    /// MGF1 (RFC 8017 §B.2.1) with `hash`: `length` bytes.
    static func mgf1(_ seed: [UInt8], length: Int, hash: Hash) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(length + 64)
        var counter: UInt32 = 0
        while out.count < length {
            let block = seed + [UInt8(counter >> 24), UInt8(counter >> 16 & 0xFF), UInt8(counter >> 8 & 0xFF),
                                UInt8(counter & 0xFF)]
            out.append(contentsOf: Digest.hash(hash.algorithm, block))
            counter += 1
        }
        return Array(out.prefix(length))
    }

    /// EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with MGF1 over the same hash and a salt as long as the hash (RFC 7518
    /// §3.5). `em` is the `k`-byte result of the RSA primitive, `modBits` the modulus' length in bits.
    static func pssMatches(_ em: [UInt8], modBits: Int, hash: Hash, message: ArraySlice<UInt8>) -> Bool {
        let alg = hash.algorithm
        let hLen = alg.length, sLen = alg.length
        let emBits = modBits - 1
        let emLen = (emBits + 7) / 8
        // I2OSP(m, emLen): when emLen < k the extra leading byte must be zero.
        guard em.count >= emLen, em.prefix(em.count - emLen).allSatisfy({ $0 == 0 }) else { return false }
        let encoded = Array(em.suffix(emLen))
        guard emLen >= hLen + sLen + 2, encoded[emLen - 1] == 0xBC else { return false }
        let maskedDB = encoded[0..<(emLen - hLen - 1)]
        let h = Array(encoded[(emLen - hLen - 1)..<(emLen - 1)])
        let unusedBits = 8 * emLen - emBits
        let topMask: UInt8 = unusedBits == 0 ? 0 : UInt8(0xFF) << UInt8(8 - unusedBits)
        guard maskedDB[maskedDB.startIndex] & topMask == 0 else { return false }
        let dbMask = mgf1(h, length: maskedDB.count, hash: hash)
        var db = zip(maskedDB, dbMask).map { $0 ^ $1 }
        db[0] &= ~topMask
        let zeros = emLen - hLen - sLen - 2
        guard db[0..<zeros].allSatisfy({ $0 == 0 }), db[zeros] == 0x01 else { return false }
        let salt = db[(zeros + 1)...]
        let mPrime = [UInt8](repeating: 0, count: 8) + Digest.hash(alg, message) + salt
        return Digest.hash(alg, mPrime) == h
    }

    // MARK: - EC

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
