#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import RoleHopCore

/// `rolehop trust`: one hop seen through the role's trust policy, with lints and the fix.
struct TrustCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "Evaluate a role's trust policy for one hop (web identity or AssumeRole), with lints and a suggested fix.")

    @Option(help: "The role's trust policy (plain or URL-encoded JSON, as iam get-role returns it).")
    var policy: String
    @Option(help: "JSON file with the web-identity token's decoded claims (iss, sub, aud, ...).")
    var claims: String?
    @Option(help: "The caller's ARN, for sts:AssumeRole.")
    var principal: String?
    @Option(help: "The action: sts:AssumeRoleWithWebIdentity (with --claims) or sts:AssumeRole (with --principal).")
    var action: String?
    @Option(name: .customLong("role-arn"), help: "The role's ARN (its account decides cross-account rules).")
    var roleArn: String?
    @Option(name: .customLong("external-id"), help: "The external id the caller passes.")
    var externalId: String?
    @Option(name: .customLong("session-name"), help: "The role session name.")
    var sessionName: String?
    @Option(name: .customLong("tag"), help: "A session tag KEY=VALUE (repeatable); requires sts:TagSession.")
    var tags: [String] = []
    @Option(name: .customLong("source-identity"), help: "A source identity; requires sts:SetSourceIdentity.")
    var sourceIdentity: String?
    @Option(name: .customLong("identity-policy"), help: "The caller's identity policy file (repeatable).")
    var identityPolicies: [String] = []
    @Option(help: "Output format: text or json.")
    var output: OutputFormat = .text

    func run() throws {
        let fs = LocalFileSystem()
        do {
            let trust = try PolicyFiles.loadPolicy(policy, fs: fs)
            var identity: [PolicyDocument]?
            if !identityPolicies.isEmpty {
                identity = []
                for p in identityPolicies { identity?.append(try PolicyFiles.loadPolicy(p, fs: fs)) }
            }
            let request: TrustRequest
            switch (claims, principal) {
            case let (c?, nil):
                if let action, action != "sts:AssumeRoleWithWebIdentity" {
                    throw InputError(file: "--action", message: "--claims goes with sts:AssumeRoleWithWebIdentity, not \(action)")
                }
                let doc = try PolicyFiles.loadJSON(c, fs: fs)
                request = try Self.webIdentityRequest(payload: doc.value, file: c, roleArn: roleArn, sessionName: sessionName)
            case let (nil, p?):
                if let action, action != "sts:AssumeRole" {
                    throw InputError(file: "--action", message: "--principal goes with sts:AssumeRole, not \(action)")
                }
                var tagMap: [String: String] = [:]
                for t in tags {
                    guard let eq = t.firstIndex(of: "="), eq != t.startIndex else {
                        throw InputError(file: "--tag", message: "expected KEY=VALUE, found \"\(t)\"")
                    }
                    tagMap[String(t[..<eq])] = String(t[t.index(after: eq)...])
                }
                request = .assumeRole(callerArn: p, roleArn: roleArn, externalId: externalId, sessionName: sessionName,
                                      tags: tagMap, sourceIdentity: sourceIdentity)
            default:
                throw InputError(file: "rolehop", message: "give exactly one of --claims FILE (web identity) or --principal ARN (AssumeRole)")
            }
            let result = TrustAnalysis.analyze(trustPolicy: trust, request: request, identityPolicies: identity)
            if output == .json {
                print(PolicyReport.json(result).serialized(pretty: true))
            } else {
                print(PolicyReport.text(result), terminator: "")
            }
            if result.decision != .allowed || result.findings.contains(where: { $0.severity == .fail }) { throw ExitCode(1) }
        } catch let error as InputError {
            policyPrintError("rolehop: \(error)")
            throw ExitCode(2)
        }
    }

    /// The seam for the token module: a web-identity hop from a token's decoded payload (its claims object).
    /// `--claims FILE` calls it with the file's JSON; `--token FILE` will call it with the decoded JWT payload.
    static func webIdentityRequest(payload: JSONValue, file: String, roleArn: String?, sessionName: String?) throws(InputError) -> TrustRequest {
        guard payload.objectValue != nil else {
            throw InputError(file: file, line: 1, column: 1, message: "the claims must be a JSON object (the token's payload)")
        }
        guard payload["iss"]?.stringValue != nil else {
            throw InputError(file: file, line: 1, column: 1, message: "the claims have no \"iss\" (issuer) string")
        }
        return .webIdentity(claims: payload, roleArn: roleArn, sessionName: sessionName)
    }
}
