/// A key press as the explorer sees it, independent of ncurses key codes.
public enum KeyInput: Hashable, Sendable {
    case char(Character)
    case enter, escape, tab, backTab, up, down, left, right, pageUp, pageDown, home, end, backspace, ctrlC

    /// How the key is written in help and docs.
    public var name: String {
        switch self {
        case let .char(c): c == " " ? "Space" : String(c)
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .up: "Up"
        case .down: "Down"
        case .left: "Left"
        case .right: "Right"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .backspace: "Backspace"
        case .ctrlC: "Ctrl-C"
        }
    }
}

/// What a key does; the ids of the key table.
public enum KeyAction: String, Hashable, Sendable, CaseIterable {
    case runNext, runAll, retry, readIAM, reset, cancel
    case up, down, pageUp, pageDown, top, bottom, previousTab, nextTab, nextPane, previousPane, pickTab
    case search, export, help, quit
}

/// One row of the key table: the single source for dispatch, the help overlay, the footer and docs/tui.md.
public struct KeyBinding: Sendable, Hashable {
    public var id: KeyAction
    public var keys: [KeyInput]
    /// Shown in the help overlay and the docs.
    public var help: String
    public var group: String
    /// Short label for the footer; nil keeps the binding out of the footer.
    public var footer: String?
    /// How the keys are written when listing every key would be noisy (`1-7`).
    public var keysLabel: String?

    public var keysText: String { keysLabel ?? keys.map(\.name).joined(separator: ", ") }
}

/// The explorer's key table.
public enum KeyTable {
    public static let groups = ["Hops", "Move", "View", "Other"]

    public static let bindings: [KeyBinding] = [
        KeyBinding(id: .runNext, keys: [.char("n"), .enter], help: "Run the next hop live", group: "Hops", footer: "next"),
        KeyBinding(id: .runAll, keys: [.char("a")], help: "Run all remaining hops, stopping at the first failure", group: "Hops", footer: "all"),
        KeyBinding(id: .retry, keys: [.char("r")], help: "Retry the selected hop (and nothing after it)", group: "Hops", footer: "retry"),
        KeyBinding(id: .readIAM, keys: [.char("i")],
                   help: "Read the selected hop's trust and identity policies from IAM now (live; a denial is logged in CloudTrail)",
                   group: "Hops"),
        KeyBinding(id: .reset, keys: [.char("x")], help: "Reset: forget every live result", group: "Hops", footer: "reset"),
        KeyBinding(id: .cancel, keys: [.escape], help: "Cancel the running call; close help, search or a prompt", group: "Hops"),
        KeyBinding(id: .up, keys: [.up, .char("k")], help: "Select the previous node (chain) or scroll up (tab)", group: "Move"),
        KeyBinding(id: .down, keys: [.down, .char("j")], help: "Select the next node (chain) or scroll down (tab)", group: "Move"),
        KeyBinding(id: .pageUp, keys: [.pageUp, .char("u")], help: "Scroll the tab up a page", group: "Move"),
        KeyBinding(id: .pageDown, keys: [.pageDown, .char("d"), .char(" ")], help: "Scroll the tab down a page", group: "Move"),
        KeyBinding(id: .top, keys: [.home, .char("g")], help: "Go to the first node or the top of the tab", group: "Move"),
        KeyBinding(id: .bottom, keys: [.end, .char("G")], help: "Go to the last node or the end of the tab", group: "Move"),
        KeyBinding(id: .previousTab, keys: [.left, .char("h")], help: "Previous tab", group: "View"),
        KeyBinding(id: .nextTab, keys: [.right, .char("l")], help: "Next tab", group: "View"),
        KeyBinding(id: .pickTab, keys: (1...7).map { .char(Character(String($0))) },
                   help: "Open a tab: 1 Overview, 2 Settings, 3 Token, 4 Trust, 5 Permissions, 6 HTTP, 7 Findings",
                   group: "View", footer: "tabs", keysLabel: "1-7"),
        KeyBinding(id: .nextPane, keys: [.tab], help: "Focus the other pane (chain or tab)", group: "View", footer: "pane"),
        KeyBinding(id: .previousPane, keys: [.backTab], help: "Focus the other pane, backwards", group: "View"),
        KeyBinding(id: .search, keys: [.char("/")], help: "Search: filter findings, highlight matching lines (Enter keeps, Esc clears)", group: "View", footer: "search"),
        KeyBinding(id: .export, keys: [.char("e")], help: "Export the diagnostic bundle (asks for a path)", group: "Other", footer: "export"),
        KeyBinding(id: .help, keys: [.char("?")], help: "Show or hide this help", group: "Other", footer: "help"),
        KeyBinding(id: .quit, keys: [.char("q"), .ctrlC], help: "Quit and restore the terminal", group: "Other", footer: "quit"),
    ]

    private static let byKey: [KeyInput: KeyAction] = {
        var map: [KeyInput: KeyAction] = [:]
        for b in bindings { for k in b.keys where map[k] == nil { map[k] = b.id } }
        return map
    }()

    /// The action bound to a key, if any.
    public static func action(for key: KeyInput) -> KeyAction? { byKey[key] }

    public static func binding(_ id: KeyAction) -> KeyBinding? { bindings.first { $0.id == id } }

    /// The key list for docs/tui.md (also printed by `rolehop tui --print-keys`).
    public static var markdown: String {
        var out: [String] = []
        for group in groups {
            out.append("### \(group)")
            out.append("")
            out.append("| Keys | Action |")
            out.append("|---|---|")
            for b in bindings where b.group == group {
                out.append("| \(b.keysText.split(separator: ", ").map { "`\($0)`" }.joined(separator: ", ")) | \(b.help) |")
            }
            out.append("")
        }
        return out.joined(separator: "\n")
    }
}
