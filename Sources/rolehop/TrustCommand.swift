import RoleHopCore

/// `rolehop trust`: one hop seen through the role's trust policy, with lints and the fix.
struct TrustCommand {
    static let spec = CommandSpec(
        path: ["trust"],
        abstract: "Evaluate a role's trust policy for one hop (web identity or AssumeRole), with lints and a suggested fix.",
        options: [
            .option("policy", help: "The role's trust policy (plain or URL-encoded JSON, as iam get-role returns it).",
                    required: true),
            .option("token", help: "The web-identity token file (a JWT; decoded, never printed)."),
            .option("claims",
                    help: "JSON file with the web-identity token's decoded claims (iss, sub, aud, ...), instead of --token."),
            .option("principal", help: "The caller's ARN, for sts:AssumeRole."),
            .option("action",
                    help: "The action: sts:AssumeRoleWithWebIdentity (with --claims) or sts:AssumeRole (with --principal)."),
            .option("role-arn", help: "The role's ARN (its account decides cross-account rules)."),
            .option("external-id", help: "The external id the caller passes."),
            .option("session-name", help: "The role session name."),
            .repeated("tag", help: "A session tag KEY=VALUE (repeatable); requires sts:TagSession."),
            .option("source-identity", help: "A source identity; requires sts:SetSourceIdentity."),
            .repeated("identity-policy", help: "The caller's identity policy file (repeatable)."),
            .output(),
        ])

    var policy: String
    var token: String?
    var claims: String?
    var principal: String?
    var action: String?
    var roleArn: String?
    var externalId: String?
    var sessionName: String?
    var tags: [String] = []
    var sourceIdentity: String?
    var identityPolicies: [String] = []
    var output: OutputFormat = .text

    init(_ p: ParsedArguments) {
        policy = p.string("policy") ?? ""
        token = p.string("token")
        claims = p.string("claims")
        principal = p.string("principal")
        action = p.string("action")
        roleArn = p.string("role-arn")
        externalId = p.string("external-id")
        sessionName = p.string("session-name")
        tags = p.strings("tag")
        sourceIdentity = p.string("source-identity")
        identityPolicies = p.strings("identity-policy")
        output = p.choice("output", default: .text)
    }

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
            switch (token ?? claims, principal) {
            case (_?, nil):
                if let action, action != "sts:AssumeRoleWithWebIdentity" {
                    throw InputError(file: "--action", message: "--token/--claims go with sts:AssumeRoleWithWebIdentity, not \(action)")
                }
                if token != nil, claims != nil { throw InputError(file: "rolehop", message: "give --token or --claims, not both") }
                if let token {
                    request = try Self.webIdentityRequest(tokenFile: token, fs: fs, roleArn: roleArn, sessionName: sessionName)
                } else if let claims {
                    let doc = try PolicyFiles.loadJSON(claims, fs: fs)
                    request = try Self.webIdentityRequest(payload: doc.value, file: claims, roleArn: roleArn, sessionName: sessionName)
                } else {
                    throw InputError(file: "rolehop", message: "give --token FILE or --claims FILE")
                }
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
                throw InputError(file: "rolehop", message: "give exactly one of --token FILE / --claims FILE (web identity) or --principal ARN (AssumeRole)")
            }
            let result = TrustAnalysis.analyze(trustPolicy: trust, request: request, identityPolicies: identity)
            if output == .json {
                print(PolicyReport.json(result).serialized(pretty: true))
            } else {
                print(PolicyReport.text(result), terminator: "")
            }
            if result.decision != .allowed || result.findings.contains(where: { $0.severity == .fail }) { throw ExitCode(1) }
        } catch let error as InputError {
            printError("rolehop: \(error)")
            throw ExitCode(2)
        }
    }

    /// A web-identity hop from a token file: the token module decodes the JWT (nothing is verified here) and
    /// only its payload is used; the raw token is never printed.
    static func webIdentityRequest(tokenFile: String, fs: LocalFileSystem, roleArn: String?, sessionName: String?) throws(InputError) -> TrustRequest {
        let text: String
        do {
            text = try fs.readText(tokenFile, limit: 1 << 20)
        } catch {
            throw InputError(file: tokenFile, message: "cannot read: \(error)")
        }
        do {
            let decoded = try WebIdentityToken.decode(text)
            return try webIdentityRequest(payload: decoded.payload, file: tokenFile, roleArn: roleArn, sessionName: sessionName)
        } catch let error as InputError {
            throw error
        } catch let error as TokenError {
            let (line, column) = error.lineColumn(in: text)
            throw InputError(file: tokenFile, line: line, column: column, message: "not a JWT: \(error)")
        } catch {
            throw InputError(file: tokenFile, message: "not a JWT: \(error)")
        }
    }

    /// The seam between the token module and the trust view: a web-identity hop from a token's decoded
    /// payload (its claims object). `--claims FILE` passes the file's JSON, `--token FILE` the JWT's payload.
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
