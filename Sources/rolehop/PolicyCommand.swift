import ArgumentParser
import RoleHopCore

/// `rolehop policy`: the general IAM policy evaluator.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Evaluate IAM policies against a request, with an explanation of every statement and condition.",
        subcommands: [PolicyEvalCommand.self, PolicyBenchCommand.self])
}

struct PolicyEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Decide allowed / implicitDeny / explicitDeny for one request and explain why.")

    @Option(name: .customLong("policy"), help: "Identity policy file (repeatable; plain or URL-encoded JSON).")
    var policies: [String] = []
    @Option(name: .customLong("resource-policy"), help: "Resource-based policy file (for a role: its trust policy).")
    var resourcePolicy: String?
    @Option(help: "The action, e.g. sts:AssumeRole.")
    var action: String
    @Option(help: "The resource ARN.")
    var resource: String?
    @Option(help: "The calling principal's ARN (adds aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType).")
    var principal: String?
    @Option(name: .customLong("context"), help: "A condition key, KEY=VALUE (repeat a key for several values).")
    var contextPairs: [String] = []
    @Option(name: .customLong("context-file"), help: "JSON object mapping keys to a string or an array of strings.")
    var contextFile: String?
    @Option(help: "Output format: text or json.")
    var output: OutputFormat = .text

    func run() throws {
        let fs = LocalFileSystem()
        do {
            guard !policies.isEmpty || resourcePolicy != nil else {
                throw InputError(file: "rolehop", message: "give at least one --policy or --resource-policy")
            }
            var docs: [PolicyDocument] = []
            for p in policies { docs.append(try PolicyFiles.loadPolicy(p, fs: fs)) }
            let res = try resourcePolicy.map { p throws(InputError) in try PolicyFiles.loadPolicy(p, fs: fs) }
            var ctx = RequestContext(principal: principal.map { arn in
                arn.contains(":oidc-provider/") || arn.contains(":saml-provider/") ? .federated(arn)
                    : (arn.hasSuffix(".amazonaws.com") ? .service(arn) : .aws(arn))
            }, action: action, resource: resource)
            if let contextFile { try ctx.load(json: try PolicyFiles.loadJSON(contextFile, fs: fs), file: contextFile) }
            try PolicyFiles.addContextPairs(contextPairs, to: &ctx)
            ctx.addPrincipalKeys()
            let e = PolicyEvaluator.evaluate(policies: docs, resourcePolicy: res, context: ctx)
            print(output == .json ? e.jsonObject.serialized(pretty: true) : PolicyReport.text(e), terminator: output == .json ? "\n" : "")
            if e.decision != .allowed { throw ExitCode(1) }
        } catch let error as InputError {
            printError("rolehop: \(error)")
            throw ExitCode(2)
        }
    }
}

/// Hidden: measures the evaluator (used by bench/policy_bench.sh).
struct PolicyBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure evaluations per second of a 20-statement trust policy.", shouldDisplay: false)

    @Option(help: "Number of evaluations.")
    var iterations: Int = 1_000_000

    func run() throws {
        _ = PolicyBenchmark.run(iterations: Swift.min(iterations, 10_000))  // warm-up
        let r = PolicyBenchmark.run(iterations: iterations)
        print("policy-eval 20-statement trust policy: \(Int(r.evaluationsPerSecond)) evaluations/s (\(iterations) runs, decision \(r.decision.rawValue))")
    }
}

