/// One live read of a hop's role documents from IAM (`--read-iam`, the explorer's `i`).
public struct RoleRead: Sendable, Hashable {
    /// Whose credentials made the read that is kept.
    public enum Reader: String, Sendable, Hashable {
        /// The credentials that sign the hop (the base credentials or the previous hop's).
        case caller
        /// The hop's own result: a role reading itself.
        case hop
    }

    /// The plan's index and its 1-based hop number.
    public var plan: Int
    public var hop: Int
    public var roleArn: String
    public var endpoint: IAMEndpoint
    /// What was read; every IAM call of the read (both attempts) is in `documents.calls`.
    public var documents: RoleDocuments
    public var readAs: Reader?
    /// Why no read could be made (no credentials to sign it), or nil.
    public var skipped: String?

    public init(plan: Int, hop: Int, roleArn: String, endpoint: IAMEndpoint, documents: RoleDocuments,
                readAs: Reader? = nil, skipped: String? = nil) {
        self.plan = plan
        self.hop = hop
        self.roleArn = roleArn
        self.endpoint = endpoint
        self.documents = documents
        self.readAs = readAs
        self.skipped = skipped
    }

    /// True when IAM refused part of the read.
    public var denied: Bool {
        !documents.complete && documents.findings.contains { $0.id == "sts.iam-read-denied" }
    }

    /// The read's findings: IAM's refusals and errors, or why it could not be made.
    public var findings: [Finding] {
        guard let why = skipped else { return documents.findings }
        return [Finding(id: "sts.iam-read-skipped", severity: .info,
                        title: "Hop \(hop): role \(documents.roleName)'s policies were not read from IAM: \(why)",
                        evidence: [Evidence("role", roleArn)],
                        why: "IAM reads are signed by the credentials that call the hop, or by the hop's own result.",
                        fix: "Run the hops first (`r`/`a` in the explorer, or `rolehop check --read-iam`), or supply the documents with --policy-dir.",
                        hop: hop)]
    }

    /// `iamReads` entries of the JSON report: which role, where, as whom, what came back.
    public var jsonObject: JSONValue {
        func doc(_ d: PolicyDocumentText) -> JSONValue {
            .object([("name", .string(d.name)), ("source", d.source.jsonObject)])
        }
        return .object([
            ("hop", .number(Double(hop))), ("roleArn", .string(roleArn)),
            ("endpoint", .object([("url", .string(endpoint.url.value)), ("source", endpoint.url.source.jsonObject),
                                  ("signingRegion", .string(endpoint.signingRegion))])),
            ("readAs", readAs.map { .string($0.rawValue) } ?? .null),
            ("skipped", skipped.map { .string($0) } ?? .null),
            ("complete", .bool(documents.complete)),
            ("calls", .array(documents.calls.map { c in
                .object([("action", .string(c.action)), ("succeeded", .bool(c.succeeded))])
            })),
            ("trustPolicy", documents.trustPolicy.map(doc) ?? .null),
            ("maxSessionDuration", documents.maxSessionDuration.map { .number(Double($0)) } ?? .null),
            ("identityPolicies", .array(documents.identityPolicies.map(doc))),
        ])
    }
}
