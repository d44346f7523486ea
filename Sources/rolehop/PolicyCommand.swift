import RoleHopCore

/// `rolehop policy eval`: the general IAM policy evaluator.
struct PolicyEvalCommand {
    static let spec = CommandSpec(
        path: ["policy", "eval"],
        abstract: "Decide allowed / implicitDeny / explicitDeny for one request and explain why.",
        options: [
            .repeated("policy", help: "Identity policy file (repeatable; plain or URL-encoded JSON)."),
            .option("resource-policy", help: "Resource-based policy file (for a role: its trust policy)."),
            .option("action", help: "The action, e.g. sts:AssumeRole.", required: true),
            .option("resource", help: "The resource ARN."),
            .option("principal",
                    help: "The calling principal's ARN (adds aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType)."),
            .repeated("context", help: "A condition key, KEY=VALUE (repeat a key for several values)."),
            .option("context-file", help: "JSON object mapping keys to a string or an array of strings."),
            .output(),
        ])

    var policies: [String] = []
    var resourcePolicy: String?
    var action: String
    var resource: String?
    var principal: String?
    var contextPairs: [String] = []
    var contextFile: String?
    var output: OutputFormat = .text

    init(_ p: ParsedArguments) {
        policies = p.strings("policy")
        resourcePolicy = p.string("resource-policy")
        action = p.string("action") ?? ""
        resource = p.string("resource")
        principal = p.string("principal")
        contextPairs = p.strings("context")
        contextFile = p.string("context-file")
        output = p.choice("output", default: .text)
    }

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
struct PolicyBenchCommand {
    static let spec = CommandSpec(
        path: ["policy", "bench"], abstract: "Measure evaluations per second of a 20-statement trust policy.",
        options: [.option("iterations", .integer, help: "Number of evaluations.", default: "1000000")])

    var iterations: Int = 1_000_000

    init(_ p: ParsedArguments) {
        iterations = p.int("iterations") ?? 1_000_000
    }

    func run() throws {
        _ = PolicyBenchmark.run(iterations: Swift.min(iterations, 10_000))  // warm-up
        let r = PolicyBenchmark.run(iterations: iterations)
        print("policy-eval 20-statement trust policy: \(Int(r.evaluationsPerSecond)) evaluations/s (\(iterations) runs, decision \(r.decision.rawValue))")
    }
}

