import RoleHopCore
import RoleHopTestSupport
import Testing

/// The snapshot JSON codec: fixtures round-trip, the stored fixture files are what the encoder writes, and bad
/// input names its position.
@Suite("Explorer snapshot JSON")
struct CodecTests {
    @Test("every fixture survives encode -> serialize -> parse -> decode unchanged", arguments: Fixtures.all.map(\.name))
    func roundTrip(name: String) throws {
        let snap = try #require(Fixtures.all.first { $0.name == name }?.snapshot)
        let text = snap.jsonObject.serialized(pretty: true)
        let back = try ExplorerSnapshot.parse(text, file: "\(name).json")
        #expect(back == snap)
    }

    @Test("the fixture files the binary opens are the encoder's output", arguments: Fixtures.all.map(\.name))
    func fixtureFiles(name: String) throws {
        let snap = try #require(Fixtures.all.first { $0.name == name }?.snapshot)
        Golden.check(snap.jsonObject.serialized(pretty: true), "tui/fixtures/\(name).json")
        if let stored = readTextFile(RepoPaths.testData("tui/fixtures/\(name).json")) {
            #expect(try ExplorerSnapshot.parse(stored, file: name) == snap)
        }
    }

    @Test("every node state and source kind round-trips", arguments: [
        NodeState.predicted(.ok), .predicted(.info), .predicted(.warn), .predicted(.fail), .running, .succeeded, .failed, .notRun,
    ])
    func states(state: NodeState) throws {
        let sources: [Source] = [.file(path: "/a", line: 3, column: 0), .file(path: "/b", line: 1, column: 7), .environment("X"),
                                 .flag("--profile"), .defaultValue("SDK"), .derived("inherited"), .remote("iam:GetRole")]
        let snap = ExplorerSnapshot(
            profile: "p", region: "r", mode: .bundle, finalIdentity: nil,
            nodes: [NodeView(kind: .containerCredentials, label: "l", detail: "d", state: state,
                             tabs: [.http: [StyledLine([Span("a", .fail), Span("b"), Span("c", .highlight)])], .trust: []],
                             worst: .warn)],
            findings: [Finding(id: "x.y", severity: .info, title: "t", evidence: sources.map { Evidence("k", "v", source: $0) })],
            focusNode: 0)
        let back = try ExplorerSnapshot.parse(snap.jsonObject.serialized(), file: "s.json")
        #expect(back == snap)
    }

    @Test("bad snapshots fail with file:line:column and the member at fault", arguments: [
        (#"{"version": 2}"#, "1:13", "unsupported snapshot version 2"),
        ("{\"version\": 1,\n \"profile\": \"p\", \"region\": \"r\", \"mode\": \"sideways\"}", "2:41", "unknown mode"),
        ("{\"version\": 1, \"profile\": \"p\", \"region\": \"r\", \"mode\": \"live\",\n \"nodes\": [{\"kind\": \"x\"}]}", "2:21", "unknown node kind"),
        (#"{"version": 1, "#, "1:16", ""),
    ])
    func errors(text: String, position: String, message: String) {
        do {
            _ = try ExplorerSnapshot.parse(text, file: "snap.json")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.hasPrefix("snap.json:\(position)"), "\(error.description)")
            #expect(error.description.contains(message))
        }
    }

    @Test("a snapshot session serves its snapshot and refuses to export")
    func snapshotSession() async {
        let session = SnapshotSession(Fixtures.reference)
        #expect(await session.snapshot(now: Date(timeIntervalSince1970: 0)) == Fixtures.reference)
        #expect(session.isReadOnly)
        await session.runNext()
        #expect(await session.snapshot(now: Date(timeIntervalSince1970: 0)) == Fixtures.reference)
        if case .success = await session.exportBundle(to: "/tmp/x") { Issue.record("a read-only session exported") }
    }
}

@Suite("Replay session")
struct ReplaySessionTests {
    @Test("replays node by node, stops after a failed node, resets")
    func replay() async {
        let session = ReplaySession(Fixtures.trustSubMismatch, delay: .milliseconds(1))
        var snap = await session.snapshot(now: fixedNow)
        #expect(snap.nodes.map(\.state) == [.predicted(.ok), .predicted(.fail), .notRun, .notRun])
        #expect(snap.focusNode == nil, "the root cause is not known before its hop runs")
        await session.runNext()
        snap = await session.snapshot(now: fixedNow)
        #expect(snap.nodes[0].state == .succeeded && snap.nodes[1].state == .predicted(.fail))
        await session.runAll()
        snap = await session.snapshot(now: fixedNow)
        #expect(snap == Fixtures.trustSubMismatch, "after the failed hop the saved snapshot is shown as it was")
        await session.runNext()
        #expect(await session.snapshot(now: fixedNow) == Fixtures.trustSubMismatch, "nothing runs after a failure")
        await session.reset()
        #expect(await session.snapshot(now: fixedNow).nodes[0].state == .predicted(.ok))
    }

    @Test("a cancelled step reveals nothing")
    func cancel() async {
        let session = ReplaySession(Fixtures.reference, delay: .seconds(60))
        let task = Task { await session.runNext() }
        while await session.snapshot(now: fixedNow).nodes[0].state != .running { await Task.yield() }
        task.cancel()
        await task.value
        #expect(await session.snapshot(now: fixedNow).nodes[0].state == .predicted(.ok))
    }
}
