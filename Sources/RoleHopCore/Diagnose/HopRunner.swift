/// The step-through hop runner as a pure state machine: `update(state, event) -> (state, [effect])`.
///
/// Hops run strictly in order, because each hop signs with the credentials the previous one returned. The
/// machine decides what to call next; whoever owns it (the CLI's `check`, the TUI's session) performs the
/// `call` effects on the transport and feeds the outcomes back as `finished` events. Every call carries a
/// ticket, so an outcome that arrives after a cancel or a reset is recognised as stale and ignored.
public enum HopPhase: Sendable, Hashable {
    case pending
    case running
    case succeeded
    case failed
    /// The user cancelled the call (Esc); the hop can be run again.
    case cancelled
}

public struct HopRunnerState<Outcome: Sendable & Hashable>: Sendable, Hashable {
    public private(set) var phases: [HopPhase]
    public private(set) var outcomes: [Outcome?]
    /// How many attempts each hop has had since the last reset (retries included).
    public private(set) var runs: [Int]
    /// True while `runAll` keeps going after each success.
    public private(set) var runningAll = false
    /// The hop in flight and its ticket.
    public private(set) var inFlight: (hop: Int, ticket: Int)?
    private var nextTicket = 1

    public init(hopCount: Int) {
        phases = Array(repeating: .pending, count: hopCount)
        outcomes = Array(repeating: nil, count: hopCount)
        runs = Array(repeating: 0, count: hopCount)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.phases == b.phases && a.outcomes == b.outcomes && a.runs == b.runs && a.runningAll == b.runningAll
            && a.inFlight?.hop == b.inFlight?.hop && a.inFlight?.ticket == b.inFlight?.ticket
    }
    public func hash(into h: inout Hasher) {
        h.combine(phases); h.combine(outcomes); h.combine(runs); h.combine(runningAll)
        h.combine(inFlight?.hop); h.combine(inFlight?.ticket)
    }

    /// The hop `step` would run: the first one not yet succeeded, or nil when the chain is done.
    public var nextHop: Int? { phases.firstIndex(where: { $0 != .succeeded }) }
    public var isRunning: Bool { inFlight != nil }
    /// True when every hop succeeded.
    public var isComplete: Bool { !phases.isEmpty && phases.allSatisfy { $0 == .succeeded } }

    fileprivate mutating func start(_ hop: Int) -> HopRunnerEffect {
        let ticket = nextTicket
        nextTicket += 1
        phases[hop] = .running
        runs[hop] += 1
        inFlight = (hop, ticket)
        return .call(hop: hop, ticket: ticket)
    }

    fileprivate mutating func invalidate(after hop: Int) {
        for i in (hop + 1)..<phases.count {
            phases[i] = .pending
            outcomes[i] = nil
        }
    }

    fileprivate mutating func resetAll() {
        for i in phases.indices {
            phases[i] = .pending
            outcomes[i] = nil
            runs[i] = 0
        }
        runningAll = false
        inFlight = nil
    }

    fileprivate mutating func complete(_ hop: Int, _ outcome: Outcome, succeeded: Bool) {
        phases[hop] = succeeded ? .succeeded : .failed
        outcomes[hop] = outcome
        inFlight = nil
    }

    fileprivate mutating func markCancelled(_ hop: Int) {
        phases[hop] = .cancelled
        inFlight = nil
        runningAll = false
    }

    fileprivate mutating func setRunningAll(_ v: Bool) { runningAll = v }
}

public enum HopRunnerEvent<Outcome: Sendable & Hashable>: Sendable, Hashable {
    /// Run the next hop (`n` / Enter).
    case step
    /// Run every remaining hop, stopping at the first failure (`a`).
    case runAll
    /// Run one hop again; the hops after it go back to pending, since their inputs came from it (`r`).
    case retry(Int)
    /// Forget every result (`x`).
    case reset
    /// Cancel the call in flight (Esc).
    case cancel
    /// A call finished.
    case finished(hop: Int, ticket: Int, outcome: Outcome, succeeded: Bool)
}

public enum HopRunnerEffect: Sendable, Hashable {
    /// Perform hop `hop` live and report back with this ticket.
    case call(hop: Int, ticket: Int)
    /// Abort the call with this ticket.
    case cancelCall(hop: Int, ticket: Int)
}

public enum HopRunner {
    public static func update<O>(_ state: HopRunnerState<O>, _ event: HopRunnerEvent<O>) -> (HopRunnerState<O>, [HopRunnerEffect]) {
        var s = state
        switch event {
        case .step:
            guard !s.isRunning, let next = s.nextHop else { return (s, []) }
            let effect = s.start(next)
            return (s, [effect])
        case .runAll:
            guard !s.isRunning, let next = s.nextHop else { return (s, []) }
            s.setRunningAll(true)
            let effect = s.start(next)
            return (s, [effect])
        case let .retry(hop):
            guard !s.isRunning, s.phases.indices.contains(hop),
                  s.phases[..<hop].allSatisfy({ $0 == .succeeded }) else { return (s, []) }
            s.invalidate(after: hop)
            let effect = s.start(hop)
            return (s, [effect])
        case .reset:
            var effects: [HopRunnerEffect] = []
            if let f = s.inFlight { effects.append(.cancelCall(hop: f.hop, ticket: f.ticket)) }
            s.resetAll()
            return (s, effects)
        case .cancel:
            guard let f = s.inFlight else { return (s, []) }
            s.markCancelled(f.hop)
            return (s, [.cancelCall(hop: f.hop, ticket: f.ticket)])
        case let .finished(hop, ticket, outcome, succeeded):
            guard let f = s.inFlight, f.hop == hop, f.ticket == ticket else { return (s, []) }  // stale
            s.complete(hop, outcome, succeeded: succeeded)
            if s.runningAll {
                if succeeded, let next = s.nextHop {
                    let effect = s.start(next)
                    return (s, [effect])
                }
                s.setRunningAll(false)
            }
            return (s, [])
        }
    }
}
