import RoleHopCore
import Testing

@Suite("Hop runner state machine")
struct HopRunnerTests {
    typealias State = HopRunnerState<String>
    typealias Event = HopRunnerEvent<String>

    /// Feeds events, answering every call effect with `answer(hop)` (nil: leave it in flight).
    func drive(_ hops: Int, _ events: [Event], answer: (Int) -> (String, Bool)? = { _ in nil }) -> (State, [HopRunnerEffect]) {
        var state = State(hopCount: hops)
        var all: [HopRunnerEffect] = []
        var queue = events
        while !queue.isEmpty {
            let e = queue.removeFirst()
            let (s, effects) = HopRunner.update(state, e)
            state = s
            all += effects
            for case let .call(hop, ticket) in effects {
                if let (o, ok) = answer(hop) { queue.insert(.finished(hop: hop, ticket: ticket, outcome: o, succeeded: ok), at: 0) }
            }
        }
        return (state, all)
    }

    @Test func stepRunsHopsInOrder() {
        let (s, effects) = drive(2, [.step, .step], answer: { ("ok\($0)", true) })
        #expect(effects == [.call(hop: 0, ticket: 1), .call(hop: 1, ticket: 2)])
        #expect(s.phases == [.succeeded, .succeeded])
        #expect(s.outcomes == ["ok0", "ok1"])
        #expect(s.isComplete)
    }

    @Test func stepWhileRunningDoesNothing() {
        let (s, effects) = drive(2, [.step, .step])
        #expect(effects == [.call(hop: 0, ticket: 1)])
        #expect(s.phases == [.running, .pending])
    }

    @Test func runAllStopsAtTheFirstFailure() {
        let (s, effects) = drive(3, [.runAll], answer: { ($0 == 1 ? "AccessDenied" : "ok", $0 != 1) })
        #expect(effects.count == 2)
        #expect(s.phases == [.succeeded, .failed, .pending])
        #expect(!s.runningAll)
    }

    @Test func retryReRunsOneHopAndInvalidatesTheRest() {
        var (s, _) = drive(3, [.runAll], answer: { ("ok\($0)", true) })
        #expect(s.isComplete)
        let (s2, effects) = HopRunner.update(s, .retry(1))
        s = s2
        #expect(effects == [.call(hop: 1, ticket: 4)])
        #expect(s.phases == [.succeeded, .running, .pending])
        #expect(s.outcomes[2] == nil)
        #expect(s.runs == [1, 2, 1])
    }

    @Test func retryNeedsEveryEarlierHopToHaveSucceeded() {
        let (s, effects) = drive(3, [.retry(2)])
        #expect(effects.isEmpty)
        #expect(s.phases == [.pending, .pending, .pending])
    }

    @Test func cancelMarksTheHopAndIgnoresTheLateOutcome() {
        var (s, _) = drive(2, [.step])
        let (s1, e1) = HopRunner.update(s, .cancel)
        s = s1
        #expect(e1 == [.cancelCall(hop: 0, ticket: 1)])
        #expect(s.phases == [.cancelled, .pending])
        let (s2, e2) = HopRunner.update(s, .finished(hop: 0, ticket: 1, outcome: "late", succeeded: true))
        #expect(e2.isEmpty)
        #expect(s2.phases == [.cancelled, .pending])
        #expect(s2.outcomes == [nil, nil])
        // The cancelled hop is the next one again.
        #expect(s2.nextHop == 0)
    }

    @Test func resetCancelsTheCallInFlightAndForgetsEverything() {
        var (s, _) = drive(2, [.step], answer: { _ in ("ok", true) })
        s = HopRunner.update(s, .step).0
        let (s2, effects) = HopRunner.update(s, .reset)
        #expect(effects == [.cancelCall(hop: 1, ticket: 2)])
        #expect(s2.phases == [.pending, .pending])
        #expect(s2.runs == [0, 0])
        #expect(s2.inFlight == nil)
    }

    @Test func staleTicketFromBeforeAResetIsIgnored() {
        var (s, _) = drive(1, [.step])
        s = HopRunner.update(s, .reset).0
        s = HopRunner.update(s, .step).0          // ticket 2 now in flight
        let (s2, _) = HopRunner.update(s, .finished(hop: 0, ticket: 1, outcome: "old", succeeded: false))
        #expect(s2.phases == [.running])
        let (s3, _) = HopRunner.update(s2, .finished(hop: 0, ticket: 2, outcome: "new", succeeded: true))
        #expect(s3.outcomes == ["new"])
    }
}
