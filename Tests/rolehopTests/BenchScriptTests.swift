import RoleHopTestSupport
import Testing

/// The benchmark driver still runs: `bench/bench.py --tiny` (one repetition, tiny sizes, nothing that needs moto,
/// the AWS CLI, a compiler or tmux) against the built binary. The figures themselves are not checked here:
/// benchmarks stay out of the test run.
@Suite("bench/bench.py (tiny)")
struct BenchScriptTests {
    @Test("--tiny exits 0 and prints the results table")
    func tinyRun() async throws {
        let python = RepoPaths.python.split(separator: " ").map(String.init)
        let r = try await ProcessRunner.runAsync(
            python + [RepoPaths.root + "/bench/bench.py", "--tiny", "--bin", RepoPaths.rolehopBinary], timeout: 300)
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.contains("| measurement"), "\(r.stdout)")
        #expect(r.stdout.contains("| rolehop"))
        // Every section is either measured or skipped with a reason, never missing.
        for section in ["b", "c", "d", "e", "f"] {
            #expect(r.stdout.contains("| \(section) |"), "section \(section) missing")
        }
        #expect(r.stdout.contains("SigV4 signatures per CPU-second"))
    }
}
