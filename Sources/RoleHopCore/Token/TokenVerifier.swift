/// The outcome of checking a token's signature against a key set.
public enum SignatureVerdict: Sendable, Hashable {
    /// The signature verifies with this key.
    case valid(kid: String?, alg: String)
    /// A key was found for the token but the signature does not verify with it (tampered, or signed by another key).
    case invalid(kid: String?, alg: String)
    /// The header's `kid` is not in the key set (STS: "Couldn't retrieve verification key").
    case unknownKid(kid: String, available: [String])
    /// No key of the right type for `alg` (and the token has no `kid` to look one up).
    case noMatchingKey(alg: String)
    /// `alg: none` or missing: nothing to verify.
    case unsigned(alg: String)
    case unsupportedAlgorithm(String)
    /// The key exists but cannot be used (RSA under 2048 bits, wrong curve, bad coordinates).
    case unusableKey(kid: String?, reason: String)
    /// The token text is not a JWT (see `WebIdentityToken.decode` for the reason).
    case malformed(String)
}

/// One HTTP exchange of discovery, with its timings, for evidence and the `--output json` form.
public struct DiscoveryFetch: Sendable, Hashable {
    public var url: String
    public var status: Int?
    public var timings: HTTPTimings?
    public var error: TransportError?
    public var certificates: [CertificateSummary]
}

/// What OIDC discovery found: the fetches, the key set, the issuer's certificate chain, and findings.
public struct DiscoveryReport: Sendable {
    public var issuer: String
    public var jwksURI: String?
    public var fetches: [DiscoveryFetch]
    public var keys: JSONWebKeySet?
    /// The chain of the host the thumbprint is taken from (the `jwks_uri` host, else the issuer's).
    public var certificates: [CertificateSummary]
    /// SHA-1 of the DER of the top (last) certificate, lower-case hex: what an IAM OIDC provider stores.
    public var thumbprint: String?
    public var findings: [Finding]
}

/// Verifies a token's signature: JWKS lookup by `kid`, RS/PS/ES algorithms, and OIDC discovery over a transport.
public enum TokenVerifier {
    /// About how long STS waits for an issuer's discovery document and keys.
    public static let stsFetchTimeout = 5.0

    // MARK: signatures

    /// Verifies the raw token's signature with the key set. The token is only read, never kept or shown.
    public static func verify(_ raw: Secret, keys: JSONWebKeySet) -> SignatureVerdict {
        let text = raw.exposedValue
        let segments: WebIdentityToken.Segments
        let header: TokenHeader
        let signature: [UInt8]
        do {
            segments = try WebIdentityToken.split(text)
            header = try WebIdentityToken.decodeHeader(text, segments)
            signature = try WebIdentityToken.decodeSegment(text, segments.signature, part: .signature)
        } catch {
            return .malformed(error.description)
        }
        let alg = header.alg ?? ""
        if alg.isEmpty || alg.lowercased() == "none" { return .unsigned(alg: alg.isEmpty ? "(missing)" : alg) }
        guard let family = Algorithm(alg) else { return .unsupportedAlgorithm(alg) }
        let utf8 = Array(text.utf8)
        let signingInput = utf8[segments.signingInput]

        let candidates: [JSONWebKey]
        if let kid = header.kid {
            candidates = keys.keys.filter { $0.kid == kid }
            if candidates.isEmpty { return .unknownKid(kid: kid, available: keys.kids) }
        } else {
            candidates = keys.keys.filter { $0.kty == family.kty }
            if candidates.isEmpty { return .noMatchingKey(alg: alg) }
        }
        var lastProblem: SignatureVerdict = .noMatchingKey(alg: alg)
        for key in candidates {
            switch check(signature: signature, input: signingInput, key: key, alg: family) {
            case .success(true): return .valid(kid: key.kid, alg: alg)
            case .success(false): lastProblem = .invalid(kid: key.kid, alg: alg)
            case let .failure(problem): lastProblem = .unusableKey(kid: key.kid, reason: problem.reason)
            }
        }
        return lastProblem
    }

    struct KeyProblem: Error { var reason: String }

    /// The JWS algorithms rolehop verifies.
    enum Algorithm {
        case rsa(Int), pss(Int), ecdsa(Int)

        init?(_ alg: String) {
            switch alg {
            case "RS256": self = .rsa(256)
            case "RS384": self = .rsa(384)
            case "RS512": self = .rsa(512)
            case "PS256": self = .pss(256)
            case "PS384": self = .pss(384)
            case "PS512": self = .pss(512)
            case "ES256": self = .ecdsa(256)
            case "ES384": self = .ecdsa(384)
            default: return nil
            }
        }

        var kty: String {
            switch self {
            case .rsa, .pss: "RSA"
            case .ecdsa: "EC"
            }
        }
    }

    static func check(signature: [UInt8], input: ArraySlice<UInt8>, key: JSONWebKey,
                      alg: Algorithm) -> Result<Bool, KeyProblem> {
        guard key.kty == alg.kty else {
            return .failure(KeyProblem(reason: "key is \(key.kty) but the token's alg needs \(alg.kty)"))
        }
        switch alg {
        case let .rsa(bits), let .pss(bits):
            // Checked here because libcrypto imports any numbers: at least 2048 bits (what swift-crypto demanded
            // before, and STS's minimum), at most 16384 (a bound on the work a hostile key set can cause), n and e
            // odd, 3 <= e < 2^64.
            let unusable = KeyProblem(reason: "RSA key of \(key.rsaBits) bits is unusable (under 2048 bits or malformed)")
            let e = key.e.drop(while: { $0 == 0 })
            guard (2048...16384).contains(key.rsaBits), key.n.last.map({ $0 & 1 == 1 }) == true,
                  let eLow = e.last, eLow & 1 == 1, e.count <= 8, e.count > 1 || eLow >= 3 else {
                return .failure(unusable)
            }
            let n = Array(key.n.drop(while: { $0 == 0 }))
            // JWS RSA signatures are exactly as long as the modulus (RFC 7518 §3.3); one not below the modulus
            // is no signature of this key either.
            guard signature.count == n.count,
                  let em = PublicKeyVerifier.rsaPublic(n: n, e: Array(e), signature: signature) else {
                return .success(false)
            }
            let hash = PublicKeyVerifier.Hash(bits: bits)
            if case .pss = alg {
                return .success(PublicKeyVerifier.pssMatches(em, modBits: key.rsaBits, hash: hash, message: input))
            }
            return .success(PublicKeyVerifier.pkcs1Matches(em, hash: hash, message: input))
        case let .ecdsa(bits):
            let expectedCurve = bits == 384 ? "P-384" : "P-256"
            guard key.crv == expectedCurve else {
                return .failure(KeyProblem(reason: "key curve \(key.crv ?? "(none)") does not match \(expectedCurve)"))
            }
            let size = bits == 384 ? 48 : 32
            guard key.x.count == size, key.y.count == size,
                  let publicKey = PublicKeyVerifier.ecKey(group: bits == 384 ? "secp384r1" : "prime256v1",
                                                          point: [0x04] + key.x + key.y) else {
                return .failure(KeyProblem(reason: "EC coordinates are not a point on \(expectedCurve)"))
            }
            guard let der = PublicKeyVerifier.derECDSASignature(raw: signature, half: size) else { return .success(false) }
            return .success(PublicKeyVerifier.verifyEC(key: publicKey, hash: .init(bits: bits), signature: der,
                                                       message: input))
        }
    }

    /// The finding for a verdict; `keysFrom` says where the keys came from (a file or the jwks_uri).
    public static func finding(for verdict: SignatureVerdict, keys: JSONWebKeySet, keysFrom: Source) -> Finding {
        let keyList = Evidence("keys", keys.keys.map(\.summary).joined(separator: "; "), source: keysFrom)
        switch verdict {
        case let .valid(kid, alg):
            return Finding(id: "token.signature", severity: .ok, title: "The signature verifies (\(alg), key \(kid ?? "without kid"))",
                           evidence: [keyList])
        case let .invalid(kid, alg):
            return Finding(
                id: "token.signature-invalid", severity: .fail,
                title: "The signature does not verify with key \(kid ?? "(no kid)") (\(alg))",
                evidence: [Evidence("kid", kid ?? "(none)"), keyList],
                why: "The token was altered after signing, or signed by another key that reuses this kid (a different "
                    + "cluster, or a rotated key). STS rejects it as InvalidIdentityToken.",
                fix: "Use the token the kubelet projects, and compare the issuer with the cluster's.")
        case let .unknownKid(kid, available):
            return Finding(
                id: "token.kid-unknown", severity: .fail, title: "The issuer's key set has no key \(kid)",
                evidence: [Evidence("kid", kid), Evidence("available", available.isEmpty ? "(none)" : available.joined(separator: ", "),
                                                          source: keysFrom)],
                why: "STS answers \"InvalidIdentityToken: Couldn't retrieve verification key from your identity provider\". "
                    + "The signing key was rotated away, or the token comes from another cluster with the same issuer name.",
                fix: "Get a fresh token (restart the pod) and make sure the issuer serves the API server's current "
                    + "signing keys.")
        case let .noMatchingKey(alg):
            return Finding(
                id: "token.kid-unknown", severity: .fail, title: "The key set has no key usable for \(alg)",
                evidence: [keyList],
                why: "STS answers \"Couldn't retrieve verification key from your identity provider\".",
                fix: "Serve the API server's signing key at the issuer's jwks_uri.")
        case let .unsigned(alg):
            return Finding(
                id: "token.alg-none", severity: .fail, title: "The token is not signed (alg \(alg))",
                evidence: [Evidence("alg", alg)],
                why: "STS only accepts tokens signed by the issuer's key.", fix: "Use the token the kubelet projects.")
        case let .unsupportedAlgorithm(alg):
            return Finding(
                id: "token.alg-unsupported", severity: .warn, title: "rolehop cannot verify alg \(alg)",
                evidence: [Evidence("alg", alg)],
                why: "rolehop verifies RS256/384/512, PS256/384/512 and ES256/384; STS supports RS256 and ES256 for "
                    + "web identity, so an issuer signing with \(alg) is likely rejected too.",
                fix: "Configure the issuer to sign with RS256.")
        case let .unusableKey(kid, reason):
            return Finding(
                id: "token.key-unusable", severity: .fail, title: "Key \(kid ?? "(no kid)") cannot verify the token",
                evidence: [Evidence("problem", reason), keyList],
                why: "STS would fail the same way to use this key.", fix: "Serve a 2048-bit (or larger) RSA or a P-256 key.")
        case let .malformed(reason):
            return Finding(id: "token.malformed", severity: .fail, title: "The token is not a JWT",
                           evidence: [Evidence("problem", reason)])
        }
    }

    // MARK: discovery

    /// Fetches `ISSUER/.well-known/openid-configuration`, then its `jwks_uri`, timing both and collecting the
    /// certificate chain, the way STS does when it validates a token.
    ///
    /// - Parameter slowThreshold: a fetch slower than this (seconds) is reported; STS gives up after about 5 s.
    public static func discover(issuer: String, transport: some HTTPTransport, slowThreshold: Double = stsFetchTimeout,
                                timeout: Double = 15) async -> DiscoveryReport {
        var base = issuer
        while base.hasSuffix("/") { base.removeLast() }
        let discoveryURL = base + "/.well-known/openid-configuration"
        var report = DiscoveryReport(issuer: issuer, jwksURI: nil, fetches: [], keys: nil, certificates: [],
                                     thumbprint: nil, findings: [])

        let (discovery, discoveryBody) = await fetch(discoveryURL, transport: transport, timeout: timeout)
        report.fetches.append(discovery)
        slowFinding(discovery, what: "discovery document", threshold: slowThreshold, into: &report.findings)
        guard let body = discoveryBody else {
            report.findings.append(fetchFailure(discovery, id: "token.discovery-failed", what: "the discovery document"))
            finishCertificates(&report)
            return report
        }
        let doc: JSONDocument
        do {
            doc = try JSONParser.parse(body)
        } catch {
            report.findings.append(Finding(
                id: "token.discovery-failed", severity: .fail, title: "The discovery document is not JSON",
                evidence: [Evidence("url", discoveryURL), Evidence("problem", "\(error.position): \(error.message)")],
                why: "STS cannot find the issuer's keys: \"Couldn't retrieve verification key from your identity provider\".",
                fix: "Serve the OpenID configuration as JSON at \(discoveryURL)."))
            finishCertificates(&report)
            return report
        }
        if let stated = doc.value["issuer"]?.stringValue, stated != issuer {
            report.findings.append(Finding(
                id: "token.discovery-issuer-mismatch", severity: .warn,
                title: "The discovery document names another issuer",
                evidence: [Evidence("token iss", issuer), Evidence("discovery issuer", stated, source: .remote(discoveryURL))],
                why: "OpenID Connect requires the two to be identical; validators may reject the token.",
                fix: "Make the API server's --service-account-issuer equal the issuer the discovery document serves."))
        }
        guard let jwksURI = doc.value["jwks_uri"]?.stringValue, !jwksURI.isEmpty else {
            report.findings.append(Finding(
                id: "token.discovery-failed", severity: .fail, title: "The discovery document has no jwks_uri",
                evidence: [Evidence("url", discoveryURL)],
                why: "STS cannot find the issuer's keys: \"Couldn't retrieve verification key from your identity provider\".",
                fix: "Add jwks_uri to the OpenID configuration."))
            finishCertificates(&report)
            return report
        }
        report.jwksURI = jwksURI
        let (keysFetch, keysBody) = await fetch(jwksURI, transport: transport, timeout: timeout)
        report.fetches.append(keysFetch)
        slowFinding(keysFetch, what: "key set", threshold: slowThreshold, into: &report.findings)
        if let keysBody {
            do {
                report.keys = try JSONWebKeySet.parse(String(decoding: keysBody, as: UTF8.self), file: jwksURI)
            } catch {
                report.findings.append(Finding(
                    id: "token.jwks-invalid", severity: .fail, title: "The key set is not a valid JWKS",
                    evidence: [Evidence("problem", error.description)],
                    why: "STS cannot read the issuer's keys.", fix: "Serve a JWKS document at \(jwksURI)."))
            }
        } else {
            report.findings.append(fetchFailure(keysFetch, id: "token.jwks-failed", what: "the key set"))
        }
        finishCertificates(&report)
        if !report.findings.contains(where: { $0.severity >= .warn }) {
            report.findings.insert(Finding(
                id: "token.discovery", severity: .ok, title: "Discovery and keys fetched",
                evidence: report.fetches.map { Evidence($0.url, timingText($0)) }), at: 0)
        }
        return report
    }

    /// GETs `url`; the body only when the status is 200.
    static func fetch(_ url: String, transport: some HTTPTransport, timeout: Double) async -> (DiscoveryFetch, [UInt8]?) {
        var request = HTTPRequest(url: url, headers: [("Accept", "application/json")], timeout: timeout)
        request.collectCertificates = true
        do {
            let response = try await transport.send(request)
            let f = DiscoveryFetch(url: url, status: response.status, timings: response.timings, error: nil,
                                   certificates: response.connection.certificates)
            return (f, response.status == 200 ? response.body : nil)
        } catch {
            return (DiscoveryFetch(url: url, status: nil, timings: nil, error: error, certificates: []), nil)
        }
    }

    static func ms(_ seconds: Double) -> String {
        let v = (seconds * 10_000).rounded() / 10
        return "\(v) ms"
    }

    /// `200 in 12.3 ms (dns 0.1 ms, connect 0.4 ms, tls 5.0 ms, first byte 11.9 ms)`.
    public static func timingText(_ f: DiscoveryFetch) -> String {
        if let error = f.error { return "failed: \(error)" }
        guard let t = f.timings else { return "status \(f.status ?? 0)" }
        return "\(f.status ?? 0) in \(ms(t.total)) (dns \(ms(t.dns)), connect \(ms(t.connect)), tls \(ms(t.tls)), "
            + "first byte \(ms(t.firstByte)))"
    }

    static func slowFinding(_ f: DiscoveryFetch, what: String, threshold: Double, into out: inout [Finding]) {
        let took: Double? = f.timings?.total ?? {
            if case let .readTimeout(s, _) = f.error { return s }
            if case let .connectTimeout(_, s, _) = f.error { return s }
            return nil
        }()
        guard let took, took > threshold else { return }
        out.append(Finding(
            id: "token.discovery-slow", severity: .warn,
            title: "Fetching the \(what) took \(took >= 1 ? "\((took * 100).rounded() / 100) s" : ms(took)), "
                + "more than STS waits (\(threshold) s)",
            evidence: [Evidence(f.url, timingText(f))],
            why: "STS gives up on an identity provider after about 5 s and answers \"Couldn't retrieve verification "
                + "key from your identity provider\".",
            fix: "Serve discovery and keys from a fast, highly available location (for example an S3 bucket or CDN)."))
    }

    static func fetchFailure(_ f: DiscoveryFetch, id: String, what: String) -> Finding {
        Finding(
            id: id, severity: .fail, title: "Could not fetch \(what)",
            evidence: [Evidence(f.url, f.error.map { "\($0.code): \($0)" } ?? "HTTP status \(f.status ?? 0)")],
            why: "STS fetches the same URL and answers \"InvalidIdentityToken: Couldn't retrieve verification key from "
                + "your identity provider\" when it cannot.",
            fix: "Make \(f.url) publicly reachable over HTTPS (STS fetches it from the internet), and check proxies "
                + "and firewalls on the way.")
    }

    /// Picks the certificate chain (the jwks_uri host's, else the issuer's), computes the thumbprint and says so.
    static func finishCertificates(_ report: inout DiscoveryReport) {
        guard let f = report.fetches.last(where: { !$0.certificates.isEmpty }) else { return }
        report.certificates = f.certificates
        guard let top = f.certificates.last, let thumb = thumbprint(pem: top.pem) else { return }
        report.thumbprint = thumb
        var ev = f.certificates.enumerated().map { i, c in
            Evidence("certificate \(i)", "subject \(c.subject); issuer \(c.issuer); not after \(c.notAfter)")
        }
        ev.append(Evidence("thumbprint (SHA-1 of the top certificate)", thumb, source: .remote(f.url)))
        report.findings.append(Finding(
            id: "token.issuer-certificates", severity: .info, title: "Issuer certificate chain; top thumbprint \(thumb)",
            evidence: ev,
            why: "An IAM OIDC provider stores the SHA-1 thumbprint of the top certificate of this chain; a stale "
                + "one makes STS answer \"OpenIDConnect provider's HTTPS certificate doesn't match configured "
                + "thumbprint\" (for issuers whose CA AWS trusts, IAM may rely on its own trust store instead).",
            fix: "Compare with `aws iam get-open-id-connect-provider --open-id-connect-provider-arn ARN` and update "
                + "with `aws iam update-open-id-connect-provider-thumbprint ... --thumbprint-list \(thumb)`."))
    }

    /// SHA-1 of the DER of the first certificate in `pem`, as 40 lower-case hex digits.
    public static func thumbprint(pem: String) -> String? {
        guard let der = PEM.derBlocks(pem).first else { return nil }
        return Digest.hex(Digest.sha1(der))
    }
}
