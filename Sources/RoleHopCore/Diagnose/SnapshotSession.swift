
/// A session over one fixed snapshot (a saved snapshot or a bundle): every tab is there, nothing runs.
public struct SnapshotSession: ExplorerSession {
    public let fixed: ExplorerSnapshot
    public init(_ snapshot: ExplorerSnapshot) { fixed = snapshot }
    public func snapshot(now: Date) async -> ExplorerSnapshot { fixed }
    public func runNext() async {}
    public func runAll() async {}
    public func retry(node: Int) async {}
    public func reset() async {}
    public func exportBundle(to path: String) async -> Result<String, BundleExportError> {
        .failure(BundleExportError("read only: this view shows a saved snapshot; export from a live session instead"))
    }
    /// Saved snapshots cannot run hops; viewers say so instead of pretending.
    public var isReadOnly: Bool { true }
}

/// A session that replays a saved snapshot node by node, each "call" taking `delay`: the explorer's live
/// controls (run next, run all, retry, reset, cancel) can be shown and tested end to end without a network.
public actor ReplaySession: ExplorerSession {
    let final: ExplorerSnapshot
    let delay: Duration
    /// Nodes `0..<revealed` show their saved outcome; the rest are predicted.
    var revealed = 0
    var running: Int?

    public init(_ snapshot: ExplorerSnapshot, delay: Duration) {
        final = snapshot
        self.delay = delay
    }

    public func snapshot(now: Date) async -> ExplorerSnapshot {
        var snap = final
        for i in snap.nodes.indices where i >= revealed {
            let saved = final.nodes[i].state
            snap.nodes[i].state = saved == .failed ? .predicted(.fail) : saved == .notRun ? .notRun : .predicted(.ok)
        }
        if let r = running, snap.nodes.indices.contains(r) { snap.nodes[r].state = .running }
        if revealed < final.nodes.count { snap.finalIdentity = nil }
        if let f = final.focusNode, f >= revealed { snap.focusNode = nil }
        return snap
    }

    /// Reveals the next node after `delay`; false when cancelled, at the end, or after a failed node.
    @discardableResult
    func step() async -> Bool {
        guard revealed < final.nodes.count, running == nil else { return false }
        if revealed > 0, final.nodes[revealed - 1].state == .failed { return false }
        running = revealed
        do {
            try await Task.sleep(for: delay)
        } catch {
            running = nil
            return false
        }
        running = nil
        revealed += 1
        return final.nodes[revealed - 1].state != .failed
    }

    public func runNext() async { await step() }
    public func runAll() async { while await step() {} }
    public func retry(node: Int) async {
        guard node < revealed, running == nil else { return }
        running = node
        try? await Task.sleep(for: delay)
        running = nil
    }
    public func reset() async { revealed = 0 }
    public func exportBundle(to path: String) async -> Result<String, BundleExportError> {
        .failure(BundleExportError("replay: there is no live data to export"))
    }
}
