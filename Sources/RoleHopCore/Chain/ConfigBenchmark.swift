#if canImport(Glibc)
import Glibc
#endif

/// A benchmark of parsing and resolving a large generated config (not a test; see bench/config_bench.sh).
public enum ConfigBenchmark {
    /// A config with `profileCount` profiles in groups of five shaped like real pods and laptops: static
    /// keys; a role on them; a role on that role; a web-identity profile; a role on the web identity (the
    /// reference scenario). Chains are 0 to 2 AssumeRole hops deep, 1.2 STS calls on average.
    public static func generate(profileCount: Int) -> String {
        var s = ""
        s.reserveCapacity(profileCount * 110)
        for i in 0..<profileCount {
            s += "[profile p\(i)]\n"
            switch i % 5 {
            case 0:
                s += "aws_access_key_id = AKIAFAKEEXAMPLE\(i)\naws_secret_access_key = FAKESECRET\nregion = eu-west-1\n"
            case 3:
                s += "web_identity_token_file = /var/run/secrets/eks.amazonaws.com/serviceaccount/token\n"
                s += "role_arn = arn:aws:iam::111122223333:role/r\(i)\n"
            default:
                s += "role_arn = arn:aws:iam::111122223333:role/r\(i)\nsource_profile = p\(i - 1)\n"
                s += "role_session_name = s\(i)\nregion = eu-west-1\n"
            }
        }
        return s
    }

    /// Parses a generated config and resolves every profile; returns the CPU time of this thread for parse,
    /// merge and resolve only (CPU time, not wall time, so a busy shared build machine does not count).
    public static func run(profileCount: Int) -> (seconds: Double, profiles: Int) {
        let bytes = Array(generate(profileCount: profileCount).utf8)
        let t0 = now()
        let parsed = ConfigParser.parse(bytes, path: "bench/config", kind: .config)
        let config = SharedConfig.merge(config: parsed, credentials: nil)
        let chains = ChainResolver.resolveAll(config: config, environment: Environment())
        let t1 = now()
        // The parsed file and the merged config are freed after the clock read, like the chains: botocore's
        // side (bench/config_bench_botocore.py) frees its loaded config after its clock read too, and a CLI run
        // keeps them until it exits. Without this Swift frees them right after their last use, inside the
        // timed part (about 12 M instructions of 190 M in session 3; docs/performance.md).
        withExtendedLifetime((parsed, config)) {}
        return (t1 - t0, chains.count)
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

extension ChainResolver {
    /// Every profile name of the merged files, in file order (for `--all-profiles`, the TUI and benchmarks).
    public static func profileNames(_ config: SharedConfig) -> [String] { config.profileNames }

    /// Resolves every profile as if selected with `--profile`.
    public static func resolveAll(config: SharedConfig, environment: Environment) -> [ResolvedChain] {
        let view = EnvView(environment)
        // Each chain is resolved in its array slot: a ResolvedChain is large, and a returned one was copied.
        let names = config.profileNames
        return [ResolvedChain](unsafeUninitializedCapacity: names.count) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            // A walk reaching an already resolved source profile takes its chain over (`ResolvedSuffixes`).
            let memo = ResolvedSuffixes(chains: base, names: names)
            view.scratch.memo = memo
            defer { view.scratch.memo = nil }
            // Every slot starts as one empty chain, copied in (building one per slot built it twice).
            base.initialize(repeating: ResolvedChain(), count: names.count)
            count = names.count
            // Each profile's place in the dictionary, found through its ordinal instead of hashing its name.
            var places = [ProfileIndex?](repeating: nil, count: names.count)
            let values = config.profiles.values
            for place in values.indices {
                let o = values[place].ordinal
                if o >= 0, o < names.count, names[o] == values[place].name { places[o] = place }
            }
            for i in names.indices {
                view.scratch.lastWalkReusable = false
                // Through the pointer: `&buffer[i]` copied the chain out and back (a ResolvedChain is large).
                resolve(config: config, view: view, selection: Selection(flag: names[i], index: places[i]),
                        into: &(base + i).pointee)
                memo.record(reusable: view.scratch.lastWalkReusable, path: view.scratch.path)
            }
        }
    }
}
