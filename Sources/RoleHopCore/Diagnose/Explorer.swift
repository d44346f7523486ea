
/// The presentation contract between the diagnosis layer and every viewer (TUI, text report, bundle viewer).
///
/// The core turns what it knows (chain, token, trust, live hops, findings) into an `ExplorerSnapshot`: a list of
/// chain nodes, each with ready-to-draw tab contents made of styled lines. Viewers know nothing of AWS: they lay
/// these out, scroll them, search them and colour them by role. The hop runner behind an `ExplorerSession` is
/// what moves nodes from predicted to running to succeeded or failed.

/// A semantic colour role; palettes map roles to colours, the monochrome palette to attributes.
public enum StyleRole: String, Sendable, Hashable, CaseIterable {
    case plain, muted, heading, accent, ok, warn, fail, highlight, selected
}

/// A run of text in one role.
public struct Span: Sendable, Hashable {
    public var text: String
    public var role: StyleRole
    public init(_ text: String, _ role: StyleRole = .plain) {
        self.text = text
        self.role = role
    }
}

/// One line of a panel.
public struct StyledLine: Sendable, Hashable, ExpressibleByStringLiteral {
    public var spans: [Span]
    public init(_ spans: [Span]) { self.spans = spans }
    public init(_ text: String, _ role: StyleRole = .plain) { spans = [Span(text, role)] }
    public init(stringLiteral value: String) { spans = [Span(value)] }
    /// The text without roles (for search, text output and golden files).
    public var text: String { spans.map(\.text).joined() }
}

/// The tabs of the right-hand pane, in key order (`1`-`7`).
public enum ExplorerTab: String, Sendable, Hashable, CaseIterable {
    case overview, settings, token, trust, permissions, http, findings

    public var title: String {
        switch self {
        case .overview: "Overview"
        case .settings: "Settings"
        case .token: "Token"
        case .trust: "Trust"
        case .permissions: "Permissions"
        case .http: "HTTP"
        case .findings: "Findings"
        }
    }
}

/// Where a node of the chain stands.
public enum NodeState: Sendable, Hashable {
    /// Not called yet; offline analysis predicts this outcome.
    case predicted(Severity)
    /// A live call is in flight.
    case running
    case succeeded
    case failed
    /// Not applicable or not run (offline mode, a bundle without this hop).
    case notRun
}

/// What a node is.
public enum NodeKind: String, Sendable, Hashable {
    case baseCredentials, webIdentityHop, assumeRoleHop, containerCredentials, finalIdentity
}

/// One node of the chain as a viewer shows it.
public struct NodeView: Sendable, Hashable {
    public var kind: NodeKind
    /// Short label for the chain list (`account-a-role`).
    public var label: String
    /// Second line in the chain list (`AssumeRoleWithWebIdentity -> 111122223333`).
    public var detail: String
    public var state: NodeState
    /// Contents of each tab for this node; a missing tab shows "nothing here for this node".
    public var tabs: [ExplorerTab: [StyledLine]]
    /// The most severe finding that concerns this node, if any.
    public var worst: Severity?

    public init(kind: NodeKind, label: String, detail: String, state: NodeState,
                tabs: [ExplorerTab: [StyledLine]] = [:], worst: Severity? = nil) {
        self.kind = kind
        self.label = label
        self.detail = detail
        self.state = state
        self.tabs = tabs
        self.worst = worst
    }
}

/// Where the data on screen comes from.
public enum ExplorerMode: String, Sendable, Hashable {
    case live, offline, bundle
}

/// Everything a viewer draws at one moment.
public struct ExplorerSnapshot: Sendable, Hashable {
    public var profile: String
    public var region: String
    public var mode: ExplorerMode
    /// The caller ARN at the end of the chain, once known.
    public var finalIdentity: String?
    public var nodes: [NodeView]
    /// Every finding, most severe first.
    public var findings: [Finding]
    /// The node a newcomer should look at first: the first failing (or predicted-failing) node.
    public var focusNode: Int?

    public init(profile: String, region: String, mode: ExplorerMode, finalIdentity: String? = nil,
                nodes: [NodeView], findings: [Finding], focusNode: Int? = nil) {
        self.profile = profile
        self.region = region
        self.mode = mode
        self.finalIdentity = finalIdentity
        self.nodes = nodes
        self.findings = findings
        self.focusNode = focusNode
    }
}

/// A source of snapshots that can run hops: the live runner, an offline analysis, or an opened bundle.
///
/// Implementations are actors or otherwise thread-safe; the TUI calls them from background tasks and posts the
/// returned snapshot to its loop.
public protocol ExplorerSession: Sendable {
    /// The current snapshot; `now` makes relative times ("expires in 42m") reproducible.
    func snapshot(now: Date) async -> ExplorerSnapshot
    /// Runs the next pending hop live; returns when it finished (or was cancelled).
    func runNext() async
    /// Runs every remaining hop in order, stopping at the first failure.
    func runAll() async
    /// Runs one hop again (and nothing after it).
    func retry(node: Int) async
    /// Reads a hop's role documents (trust and identity policies) from IAM now; does nothing for other nodes.
    func readRoleDocuments(node: Int) async
    /// Forgets every live result.
    func reset() async
    /// Writes the diagnostic bundle; returns the path written or a message saying why not.
    func exportBundle(to path: String) async -> Result<String, BundleExportError>
    /// True when the session only shows saved data (a snapshot file or a bundle): hop keys say so and do nothing.
    var isReadOnly: Bool { get }
}

extension ExplorerSession {
    public var isReadOnly: Bool { false }
    public func readRoleDocuments(node: Int) async {}
}

/// Why a bundle could not be written.
public struct BundleExportError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
