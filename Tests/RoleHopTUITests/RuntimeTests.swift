import RoleHopCore
import RoleHopTestSupport
import Synchronization
import Testing
@testable import RoleHopTUI

/// A session whose hops take as long as the test wants: `runNext` waits until released or cancelled.
final class SlowSession: ExplorerSession, @unchecked Sendable {
    let log = Mutex<[String]>([])
    let release = Mutex(false)
    func snapshot(now: Date) async -> ExplorerSnapshot {
        var snap = Fixtures.trustSubMismatch
        if log.withLock({ $0.contains("runNext:start") && !$0.contains("runNext:end") && !$0.contains("runNext:cancelled") }) {
            snap.nodes[1].state = .running
        }
        return snap
    }
    func runNext() async {
        log.withLock { $0.append("runNext:start") }
        while !release.withLock({ $0 }) {
            do { try await Task.sleep(for: .milliseconds(10)) } catch {
                log.withLock { $0.append("runNext:cancelled") }
                return
            }
        }
        log.withLock { $0.append("runNext:end") }
    }
    func runAll() async { log.withLock { $0.append("runAll") } }
    func retry(node: Int) async { log.withLock { $0.append("retry:\(node)") } }
    func reset() async { log.withLock { $0.append("reset") } }
    func exportBundle(to path: String) async -> Result<String, BundleExportError> {
        log.withLock { $0.append("export:\(path)") }
        return .success(path)
    }
}

/// Drains the runtime until `condition` holds or the deadline passes (tests wait for events, never sleep-and-hope).
func waitFor(_ runtime: ExplorerRuntime, seconds: Double = 5, _ condition: () -> Bool) async -> Bool {
    let deadline = monotonicNow() + seconds
    while monotonicNow() < deadline {
        runtime.drain()
        runtime.tick()
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return false
}

@Suite("Explorer runtime")
struct RuntimeTests {
    @Test("keys are handled while a slow hop runs, the node shows as running, and Esc cancels the call")
    func slowHopAndCancel() async {
        let session = SlowSession()
        let runtime = ExplorerRuntime(session: session, width: 80, height: 24, clock: { fixedNow })
        #expect(await waitFor(runtime) { runtime.state.snapshot == Fixtures.trustSubMismatch })
        runtime.send(.key(.char("n")))
        #expect(await waitFor(runtime) { session.log.withLock { $0 == ["runNext:start"] } })
        runtime.send(.key(.char("j")))
        runtime.send(.key(.char("3")))
        #expect(runtime.state.selected == 2 && runtime.state.tab == .token, "the loop is not blocked by the hop")
        #expect(await waitFor(runtime) { runtime.state.snapshot.nodes[1].state == .running }, "the twice-a-second refresh shows the running node")
        let phase = runtime.state.spinnerPhase
        #expect(await waitFor(runtime) { runtime.state.spinnerPhase > phase + 2 })
        runtime.send(.key(.escape))
        #expect(runtime.state.running == nil)
        #expect(await waitFor(runtime) { session.log.withLock { $0.contains("runNext:cancelled") } })
        #expect(await waitFor(runtime) { runtime.state.status?.text.hasPrefix("cancelled") == true })
        #expect(await waitFor(runtime) { runtime.state.snapshot.nodes[1].state == .failed }, "a refresh after the cancel")
    }

    @Test("a hop that finishes posts its completion and a fresh snapshot")
    func completion() async {
        let session = SlowSession()
        session.release.withLock { $0 = true }
        let runtime = ExplorerRuntime(session: session, width: 80, height: 24, initial: Fixtures.reference, clock: { fixedNow })
        runtime.send(.key(.char("n")))
        #expect(await waitFor(runtime) { runtime.state.running == nil })
        #expect(session.log.withLock { $0 } == ["runNext:start", "runNext:end"])
        #expect(await waitFor(runtime) { runtime.state.snapshot == Fixtures.trustSubMismatch })
        #expect(runtime.state.selected == 1, "the new focus node is selected")
    }

    @Test("export runs in the background and its result lands in the footer")
    func export() async {
        let session = SlowSession()
        let runtime = ExplorerRuntime(session: session, width: 80, height: 24, initial: Fixtures.reference, clock: { fixedNow })
        runtime.send(.key(.char("e")))
        runtime.send(.key(.enter))
        #expect(await waitFor(runtime) { runtime.state.status?.text == "bundle written: /tmp/rolehop-bundle-20251129T112000Z.tar.gz" })
    }
}
