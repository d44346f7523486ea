import RoleHopCore

/// Which pane the movement keys act on.
public enum Pane: Sendable, Hashable { case chain, detail }

/// A call on the session that the runtime performs in a background task.
public enum SessionCommand: Sendable, Hashable {
    case runNext, runAll, retry(node: Int), readIAM(node: Int), reset

    /// What the footer says while it runs.
    public var label: String {
        switch self {
        case .runNext: "running the next hop"
        case .runAll: "running all hops"
        case let .retry(node): "retrying node \(node)"
        case let .readIAM(node): "reading node \(node)'s role policies from IAM"
        case .reset: "resetting"
        }
    }
}

/// A one-line prompt at the bottom of the screen.
public struct InputLine: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case search, export }
    public var kind: Kind
    public var text: String
}

/// A message in the footer until the next key.
public struct StatusMessage: Sendable, Hashable {
    public var text: String
    public var role: StyleRole
}

/// Everything the explorer screen is drawn from.
public struct ExplorerState: Sendable, Hashable {
    public var snapshot: ExplorerSnapshot
    public var readOnly: Bool
    public var width: Int
    public var height: Int
    public var selected: Int
    public var tab: ExplorerTab = .overview
    public var pane: Pane = .chain
    /// First visible content line of the open tab.
    public var scroll = 0
    /// The search text (findings filter, highlighted lines); empty when not searching.
    public var query = ""
    public var input: InputLine?
    /// The session call in flight, if any.
    public var running: SessionCommand?
    /// Advances while a call runs; the spinner frame is derived from it.
    public var spinnerPhase = 0
    public var status: StatusMessage?
    public var showHelp = false
    public var helpScroll = 0
    public var exporting = false
    public var quit = false

    /// The first screen: the node a newcomer should look at (the root cause on a broken chain), Overview open.
    public init(snapshot: ExplorerSnapshot, width: Int, height: Int, readOnly: Bool = false) {
        self.snapshot = snapshot
        self.readOnly = readOnly
        self.width = width
        self.height = height
        selected = snapshot.focusNode.map { min(max(0, $0), max(0, snapshot.nodes.count - 1)) } ?? 0
    }

    public var selectedNode: NodeView? { snapshot.nodes.indices.contains(selected) ? snapshot.nodes[selected] : nil }
}

/// What happens to the explorer.
public enum ExplorerEvent: Sendable, Hashable {
    case key(KeyInput)
    case resize(width: Int, height: Int)
    /// A fresh snapshot from the session.
    case snapshot(ExplorerSnapshot)
    /// A session call ended (normally or because it was cancelled).
    case finished(SessionCommand, cancelled: Bool)
    case exported(Result<String, BundleExportError>)
    /// Time passes while a call runs (spinner).
    case tick
}

/// What the runtime must do after an update.
public enum ExplorerEffect: Sendable, Hashable {
    case run(SessionCommand)
    case cancelRunning
    case export(path: String)
    /// Fetch a fresh snapshot.
    case refresh
    case quit
}

/// The explorer's state machine: `update(state, event, now) -> (state, effects)`; no I/O, no clock reads.
public enum ExplorerUpdate {
    public static func update(_ state: ExplorerState, _ event: ExplorerEvent, now: Date) -> (ExplorerState, [ExplorerEffect]) {
        var s = state
        var effects: [ExplorerEffect] = []
        switch event {
        case let .resize(w, h):
            s.width = w
            s.height = h
        case .tick:
            if s.running != nil || s.exporting { s.spinnerPhase &+= 1 }
        case let .snapshot(snap):
            let focusMoved = snap.focusNode != nil && snap.focusNode != s.snapshot.focusNode
            s.snapshot = snap
            if focusMoved, let f = snap.focusNode {
                s.selected = f
                s.tab = .overview
                s.scroll = 0
            }
            s.selected = min(s.selected, max(0, snap.nodes.count - 1))
        case let .finished(cmd, cancelled):
            if s.running == cmd { s.running = nil }
            if cancelled { s.status = StatusMessage(text: "cancelled: \(cmd.label)", role: .warn) }
            effects.append(.refresh)
        case let .exported(result):
            s.exporting = false
            switch result {
            case let .success(path): s.status = StatusMessage(text: "bundle written: \(path)", role: .ok)
            case let .failure(err): s.status = StatusMessage(text: "export failed: \(err.message)", role: .fail)
            }
        case let .key(key):
            effects = handle(key: key, &s, now: now)
        }
        s.scroll = min(s.scroll, maxScroll(s))
        return (s, effects)
    }

    static func handle(key: KeyInput, _ s: inout ExplorerState, now: Date) -> [ExplorerEffect] {
        if key == .ctrlC { s.quit = true; return [.quit] }
        if s.input != nil { return handlePrompt(key: key, &s) }
        let action = KeyTable.action(for: key)
        s.status = nil
        if s.showHelp {
            switch action {
            case .help, .cancel, .quit: s.showHelp = false
            case .down: s.helpScroll += 1
            case .up: s.helpScroll = max(0, s.helpScroll - 1)
            case .top: s.helpScroll = 0
            default: break
            }
            s.helpScroll = min(s.helpScroll, max(0, ExplorerView.helpLines(glyphs: .ascii).count - 1))
            return []
        }
        guard let action else { return [] }
        let page = max(1, ExplorerView.contentHeight(s) - 1)
        switch action {
        case .quit:
            s.quit = true
            return [.quit]
        case .help:
            s.showHelp = true
            s.helpScroll = 0
        case .cancel:
            if s.running != nil {
                s.running = nil
                s.status = StatusMessage(text: "cancelling…", role: .warn)
                return [.cancelRunning]
            }
            if !s.query.isEmpty { s.query = "" }
        case .runNext, .runAll, .retry, .readIAM, .reset:
            if s.readOnly {
                s.status = StatusMessage(text: "read only: a saved snapshot cannot run hops", role: .warn)
                return []
            }
            if let running = s.running {
                s.status = StatusMessage(text: "busy \(running.label); Esc cancels", role: .warn)
                return []
            }
            if action == .readIAM {
                let kind = s.snapshot.nodes.indices.contains(s.selected) ? s.snapshot.nodes[s.selected].kind : nil
                guard kind == .webIdentityHop || kind == .assumeRoleHop else {
                    s.status = StatusMessage(text: "select a hop: i reads its role's policies from IAM", role: .warn)
                    return []
                }
            }
            let cmd: SessionCommand = switch action {
            case .runNext: .runNext
            case .runAll: .runAll
            case .retry: .retry(node: s.selected)
            case .readIAM: .readIAM(node: s.selected)
            default: .reset
            }
            s.running = cmd
            s.spinnerPhase = 0
            return [.run(cmd)]
        case .up:
            if s.pane == .chain { select(&s, s.selected - 1) } else { s.scroll = max(0, s.scroll - 1) }
        case .down:
            if s.pane == .chain { select(&s, s.selected + 1) } else { s.scroll += 1 }
        case .pageUp: s.scroll = max(0, s.scroll - page)
        case .pageDown: s.scroll += page
        case .top:
            if s.pane == .chain { select(&s, 0) } else { s.scroll = 0 }
        case .bottom:
            if s.pane == .chain { select(&s, s.snapshot.nodes.count - 1) } else { s.scroll = Int.max / 2 }
        case .previousTab: openTab(&s, (tabIndex(s.tab) + ExplorerTab.allCases.count - 1) % ExplorerTab.allCases.count)
        case .nextTab: openTab(&s, (tabIndex(s.tab) + 1) % ExplorerTab.allCases.count)
        case .pickTab:
            if case let .char(c) = key, let n = c.wholeNumberValue, (1...ExplorerTab.allCases.count).contains(n) {
                openTab(&s, n - 1)
            }
        case .nextPane, .previousPane: s.pane = s.pane == .chain ? .detail : .chain
        case .search:
            s.input = InputLine(kind: .search, text: s.query)
        case .export:
            if s.exporting {
                s.status = StatusMessage(text: "an export is already running", role: .warn)
                return []
            }
            s.input = InputLine(kind: .export, text: defaultBundlePath(now: now))
        }
        return []
    }

    static func handlePrompt(key: KeyInput, _ s: inout ExplorerState) -> [ExplorerEffect] {
        guard var input = s.input else { return [] }
        switch key {
        case .escape:
            if input.kind == .search { s.query = "" }
            s.input = nil
            return []
        case .enter:
            s.input = nil
            if input.kind == .export {
                let path = trimmedWhitespace(input.text)
                guard !path.isEmpty else {
                    s.status = StatusMessage(text: "export cancelled: no path", role: .warn)
                    return []
                }
                s.exporting = true
                s.status = StatusMessage(text: "exporting to \(path)…", role: .muted)
                return [.export(path: path)]
            }
            return []
        case .backspace:
            if !input.text.isEmpty { input.text.removeLast() }
        case let .char(c):
            input.text.append(c)
        default:
            return []
        }
        s.input = input
        if input.kind == .search {
            s.query = input.text
            s.scroll = firstMatch(s) ?? 0
        }
        return []
    }

    /// `/tmp/rolehop-bundle-<UTC time>.tar.gz`, from the time the prompt opened.
    public static func defaultBundlePath(now: Date) -> String {
        "/tmp/rolehop-bundle-\(UTCTime.amzDate(now)).tar.gz"
    }

    static func tabIndex(_ tab: ExplorerTab) -> Int { ExplorerTab.allCases.firstIndex(of: tab) ?? 0 }

    static func openTab(_ s: inout ExplorerState, _ index: Int) {
        let tab = ExplorerTab.allCases[index]
        if tab != s.tab { s.scroll = 0 }
        s.tab = tab
        if !s.query.isEmpty, let m = firstMatch(s) { s.scroll = m }
    }

    static func select(_ s: inout ExplorerState, _ index: Int) {
        let clamped = min(max(0, index), max(0, s.snapshot.nodes.count - 1))
        if clamped != s.selected { s.scroll = 0 }
        s.selected = clamped
    }

    static func maxScroll(_ s: ExplorerState) -> Int {
        max(0, ExplorerView.contentLines(s).count - ExplorerView.contentHeight(s))
    }

    /// The first content line matching the search (non-findings tabs scroll to it).
    static func firstMatch(_ s: ExplorerState) -> Int? {
        guard !s.query.isEmpty, s.tab != .findings else { return nil }
        return ExplorerView.contentLines(s).firstIndex { ExplorerView.matches($0.text, s.query) }
    }
}

func trimmedWhitespace(_ text: String) -> String {
    var chars = Substring(text)
    while let f = chars.first, f.isWhitespace { chars.removeFirst() }
    while let l = chars.last, l.isWhitespace { chars.removeLast() }
    return String(chars)
}
