import RoleHopCore
import RoleHopCurl
import RoleHopTestSupport
import Testing

/// The network fault matrix through the real libcurl transport, on loopback only.
@Suite("Network faults (live, loopback)")
struct FaultMatrixTests {
    let transport = CurlTransport()

    @Test func dnsFailureIsClassifiedWithoutLeavingTheMachine() async {
        // A 70-character label is invalid DNS: the resolver fails locally, no query is sent.
        let host = String(repeating: "a", count: 70) + ".invalid"
        await #expect {
            _ = try await transport.send(HTTPRequest(url: "https://\(host)/", timeout: 5))
        } throws: { error in
            guard case let TransportError.dnsFailure(h, _) = error else { return false }
            return h == host
        }
    }

    @Test func serverErrorsComeBackAsStatusesNotTransportErrors() async throws {
        let server = try await ScriptedServer.start([
            ScriptedServer.step(status: 500, body: "boom"), ScriptedServer.step(status: 503, body: "later"),
        ])
        defer { server.stop() }
        let a = try await transport.send(HTTPRequest(url: server.endpoint + "/"))
        let b = try await transport.send(HTTPRequest(url: server.endpoint + "/"))
        #expect(a.status == 500)
        #expect(b.status == 503)
        #expect(b.bodyText == "later")
    }

    @Test func truncatedBodyIsAConnectionFailure() async throws {
        let server = try await ScriptedServer.start([ScriptedServer.step(body: "<partial", extra: [("truncate", true)])])
        defer { server.stop() }
        await #expect {
            _ = try await transport.send(HTTPRequest(url: server.endpoint + "/", timeout: 5))
        } throws: { error in
            if case TransportError.connectionFailed = error { return true }
            return false
        }
    }

    @Test func tlsFailsAgainstAnUntrustedCertificateAndSucceedsWithAWSCABundle() async throws {
        let cert = try await TestCertificate.make()
        defer { cert.directory.remove() }
        let server = try await ScriptedServer.start([ScriptedServer.step(body: "secure")], tls: (cert.certPath, cert.keyPath))
        defer { server.stop() }
        let url = "https://127.0.0.1:\(server.port)/"
        // The system trust store does not know the test CA.
        await #expect {
            _ = try await transport.send(HTTPRequest(url: url, timeout: 5))
        } throws: { error in
            guard case let TransportError.tlsFailure(detail) = error else { return false }
            return !detail.isEmpty
        }
        // AWS_CA_BUNDLE, read from the diagnosed environment, makes it trusted.
        let trusted = CurlTransport(configuration: .init(environment: Environment(["AWS_CA_BUNDLE": cert.certPath])))
        var request = HTTPRequest(url: url, timeout: 5)
        request.collectCertificates = true
        let response = try await trusted.send(request)
        #expect(response.status == 200)
        #expect(response.bodyText == "secure")
        #expect(response.timings.tls >= response.timings.connect)
        let chain = response.connection.certificates
        #expect(chain.count == 1)
        #expect(chain.first?.pem.contains("BEGIN CERTIFICATE") == true)
        #expect(chain.first?.subject.contains("rolehop test CA") == true)
    }

    @Test func aMissingCABundleFileIsATLSFailureNamingIt() async throws {
        let cert = try await TestCertificate.make()
        defer { cert.directory.remove() }
        let server = try await ScriptedServer.start([ScriptedServer.step(body: "x")], tls: (cert.certPath, cert.keyPath))
        defer { server.stop() }
        let t = CurlTransport(configuration: .init(caBundle: "/nonexistent/ca.pem"))
        await #expect {
            _ = try await t.send(HTTPRequest(url: "https://127.0.0.1:\(server.port)/", timeout: 5))
        } throws: { error in
            if case TransportError.tlsFailure = error { return true }
            return false
        }
    }
}
