import RoleHopCore
import Synchronization

/// Where background session calls post their results; the loop thread drains it each turn.
public final class Mailbox: Sendable {
    private let queue = Mutex<[(generation: Int?, event: ExplorerEvent)]>([])
    public init() {}
    func post(_ event: ExplorerEvent, generation: Int? = nil) { queue.withLock { $0.append((generation, event)) } }
    func take() -> [(generation: Int?, event: ExplorerEvent)] { queue.withLock { q in defer { q.removeAll() }; return q } }
    /// True when something is waiting (tests poll this).
    public var isEmpty: Bool { queue.withLock { $0.isEmpty } }
    private let refreshing = Mutex(false)
    /// Claims the single snapshot refresh slot; false when a refresh is already in flight.
    func beginRefresh() -> Bool { refreshing.withLock { busy in defer { busy = true }; return !busy } }
    func endRefresh() { refreshing.withLock { $0 = false } }
}

/// Applies events to the explorer state and carries out the effects: session calls run as tasks, and their
/// completion comes back through the mailbox. Owned by one thread (the terminal loop, or a test).
public final class ExplorerRuntime {
    public private(set) var state: ExplorerState
    let session: any ExplorerSession
    let clock: @Sendable () -> Date
    public let mailbox = Mailbox()
    private var task: Task<Void, Never>?
    private var generation = 0
    private var ticks = 0

    public init(session: any ExplorerSession, width: Int, height: Int, initial: ExplorerSnapshot? = nil,
                clock: @escaping @Sendable () -> Date) {
        self.session = session
        self.clock = clock
        let placeholder = ExplorerSnapshot(profile: "…", region: "…", mode: .offline, nodes: [], findings: [])
        state = ExplorerState(snapshot: initial ?? placeholder, width: width, height: height, readOnly: session.isReadOnly)
        if initial == nil { perform(.refresh) }
    }

    /// Applies one event now (keys and resizes from the loop).
    public func send(_ event: ExplorerEvent) {
        let (next, effects) = ExplorerUpdate.update(state, event, now: clock())
        state = next
        for effect in effects { perform(effect) }
    }

    /// Applies everything background work posted; returns whether anything arrived.
    @discardableResult
    public func drain() -> Bool {
        let items = mailbox.take()
        for item in items {
            if let g = item.generation, g != generation {
                // A call that was cancelled and replaced: its news is stale, but the snapshot may have moved.
                perform(.refresh)
                continue
            }
            send(item.event)
        }
        return !items.isEmpty
    }

    /// One turn of time (about 50 ms): advances the spinner and refreshes the snapshot twice a second while a
    /// call runs, so a node shows as running.
    public func tick() {
        guard state.running != nil || state.exporting else { return }
        send(.tick)
        ticks += 1
        // Soon after the call starts (so the node shows as running), then twice a second.
        if ticks == 2 || ticks % 10 == 0 { perform(.refresh) }
    }

    /// True while a session call is in flight.
    public var isBusy: Bool { task != nil && state.running != nil }

    /// Cancels what runs (used on quit).
    public func shutdown() { task?.cancel() }

    func perform(_ effect: ExplorerEffect) {
        let session = self.session
        let mailbox = self.mailbox
        let clock = self.clock
        switch effect {
        case let .run(cmd):
            generation += 1
            ticks = 0
            let g = generation
            task = Task.detached {
                switch cmd {
                case .runNext: await session.runNext()
                case .runAll: await session.runAll()
                case let .retry(node): await session.retry(node: node)
                case let .readIAM(node): await session.readRoleDocuments(node: node)
                case .reset: await session.reset()
                }
                mailbox.post(.finished(cmd, cancelled: Task.isCancelled), generation: g)
            }
        case .cancelRunning:
            task?.cancel()
        case let .export(path):
            Task.detached {
                let result = await session.exportBundle(to: path)
                mailbox.post(.exported(result))
            }
        case .refresh:
            guard mailbox.beginRefresh() else { return }
            Task.detached {
                let snap = await session.snapshot(now: clock())
                mailbox.endRefresh()
                mailbox.post(.snapshot(snap))
            }
        case .quit:
            task?.cancel()
        }
    }
}
