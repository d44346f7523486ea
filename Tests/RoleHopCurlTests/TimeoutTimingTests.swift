import RoleHopCore
import RoleHopCurl
import RoleHopTestSupport
import Testing

/// Tests that assert wall-clock bounds (timeouts, cancellation). scripts/test.sh runs them on their own after the
/// rest: in the parallel run, CPU-heavy tests of other suites can hold Swift's two cooperative threads for seconds,
/// which delays when an awaiting test resumes and makes wall-clock bounds meaningless.
@Suite("Timeout timing (live, loopback)", .serialized)
struct TimeoutTimingTests {
    let transport = CurlTransport()

    @Test func cutsAStalledResponseAtTheReadTimeout() async throws {
        let server = try await ScriptedServer.start([ScriptedServer.step(body: "late", extra: [("delayBeforeHeaders", 10)])])
        defer { server.stop() }
        let started = monotonicNow()
        await #expect {
            _ = try await transport.send(HTTPRequest(url: server.endpoint + "/", timeout: 0.5, connectTimeout: 0.5))
        } throws: { error in
            if case TransportError.readTimeout = error { return true }
            return false
        }
        #expect(monotonicNow() - started < 3)
    }

    @Test func connectTimeoutWhenTheListenerNeverAccepts() async throws {
        let hole = try #require(BlackholeListener())
        let started = monotonicNow()
        await #expect {
            _ = try await transport.send(HTTPRequest(url: "http://127.0.0.1:\(hole.port)/", timeout: 5, connectTimeout: 0.4))
        } throws: { error in
            if case TransportError.connectTimeout = error { return true }
            return false
        }
        #expect(monotonicNow() - started < 3)
        withExtendedLifetime(hole) {}
    }

    @Test func cancellationAbortsASlowExchangePromptly() async throws {
        let server = try await ScriptedServer.start([ScriptedServer.step(body: "late", extra: [("delayBeforeHeaders", 10)])])
        defer { server.stop() }
        let t = transport
        let url = server.endpoint + "/"
        let task = Task { try await t.send(HTTPRequest(url: url, timeout: 20)) }
        try await Task.sleep(for: .milliseconds(200))
        let started = monotonicNow()
        task.cancel()
        let result = await task.result
        #expect(monotonicNow() - started < 2)
        guard case let .failure(error) = result else {
            Issue.record("a cancelled exchange must fail")
            return
        }
        #expect(error as? TransportError == .cancelled)
    }
}
