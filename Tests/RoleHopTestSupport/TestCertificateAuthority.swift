
/// A throw-away CA and a localhost server certificate made with `openssl` for one test.
public struct TestCertificateAuthority: Sendable {
    public let dir: TemporaryDirectory
    public var caCert: String { dir.path + "/ca.pem" }
    public var serverKey: String { dir.path + "/server-key.pem" }
    /// The server certificate followed by the CA, so the server sends the whole chain.
    public var serverChain: String { dir.path + "/server-chain.pem" }
    /// SHA-1 of the CA certificate's DER as `openssl x509 -fingerprint -sha1` reports it (lower case, no colons).
    public let caThumbprint: String

    public struct Failure: Error, CustomStringConvertible { public var description: String }

    /// Makes the CA and a server certificate for `localhost` and `127.0.0.1` signed by it (openssl must be on PATH).
    public static func make() throws -> TestCertificateAuthority {
        let dir = TemporaryDirectory(prefix: "rolehop-ca")
        let p = dir.path
        dir.write("server.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
        let steps: [[String]] = [
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", p + "/ca-key.pem", "-out", p + "/ca.pem",
             "-days", "2", "-subj", "/CN=rolehop TEST CA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
            ["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", p + "/server-key.pem", "-out", p + "/server.csr",
             "-subj", "/CN=localhost TEST"],
            ["openssl", "x509", "-req", "-in", p + "/server.csr", "-CA", p + "/ca.pem", "-CAkey", p + "/ca-key.pem",
             "-CAcreateserial", "-out", p + "/server.pem", "-days", "2", "-extfile", p + "/server.ext"],
        ]
        for argv in steps {
            let r = try ProcessRunner.run(["/usr/bin/env"] + argv, timeout: 60)
            guard r.exitCode == 0 else { throw Failure(description: "\(argv.joined(separator: " ")): \(r.stderr)") }
        }
        let chain = (readTextFile(p + "/server.pem") ?? "") + (readTextFile(p + "/ca.pem") ?? "")
        dir.write("server-chain.pem", chain)
        let fp = try ProcessRunner.run(["/usr/bin/env", "openssl", "x509", "-in", p + "/ca.pem", "-noout", "-fingerprint", "-sha1"])
        // "SHA1 Fingerprint=AB:CD:..."
        guard let eq = fp.stdout.firstIndex(of: "=") else { throw Failure(description: "openssl fingerprint: \(fp.stdout)") }
        let thumb = fp.stdout[fp.stdout.index(after: eq)...].filter { $0.isHexDigit }.lowercased()
        return TestCertificateAuthority(dir: dir, caThumbprint: thumb)
    }
}
