import RoleHopCore

/// The characters used for lines and symbols: Unicode in a UTF-8 locale, plain ASCII otherwise.
public struct Glyphs: Sendable, Hashable {
    public var vertical: String, horizontal: String, ellipsis: Character
    public var topLeft: String, topRight: String, bottomLeft: String, bottomRight: String
    public var succeeded: String, failed: String, notRun: String
    public var predictedOK: String, predictedWarn: String, predictedFail: String
    public var separator: String
    public var spinner: [String]
    /// The terminal's locale cannot show anything but ASCII: every other character is transliterated.
    public var asciiOnly = false

    public static let unicode = Glyphs(
        vertical: "│", horizontal: "─", ellipsis: "…", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        succeeded: "✔", failed: "✘", notRun: "·", predictedOK: "○", predictedWarn: "◇", predictedFail: "◆",
        separator: " › ", spinner: ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"])
    public static let ascii = Glyphs(
        vertical: "|", horizontal: "-", ellipsis: "~", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        succeeded: "+", failed: "x", notRun: ".", predictedOK: "o", predictedWarn: "?", predictedFail: "!",
        separator: " > ", spinner: ["|", "/", "-", "\\"], asciiOnly: true)

    /// One-column ASCII stand-ins for the symbols the core and the explorer use; anything else becomes `?`.
    static let asciiFallback: [Character: Character] = [
        "→": ">", "←": "<", "↑": "^", "↓": "v", "█": "#", "▏": "|", "✔": "+", "✘": "x", "…": "~", "─": "-",
        "│": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+", "○": "o", "◇": "?", "◆": "!", "·": ".", "›": ">",
        "‘": "'", "’": "'", "“": "\"", "”": "\"", "–": "-", "—": "-", "•": "*", "é": "e",
    ]
}

/// Where each part of the screen goes at a given size.
struct Layout {
    var wide: Bool
    var chainWidth: Int
    var detailX: Int, detailTop: Int, detailWidth: Int, detailHeight: Int

    init(width: Int, height: Int) {
        wide = width >= 60
        if wide {
            chainWidth = min(40, max(22, width * 3 / 10))
            detailX = chainWidth + 1
            detailTop = 1
            detailWidth = width - chainWidth - 1
            detailHeight = height - 2
        } else {
            chainWidth = 0
            detailX = 0
            detailTop = 2
            detailWidth = width
            detailHeight = height - 3
        }
    }
    var contentTop: Int { detailTop + 2 }
    var contentHeight: Int { max(0, detailHeight - 2) }
    var contentX: Int { detailX + 1 }
    var contentWidth: Int { max(1, detailWidth - 2) }
}

/// Pure drawing of the explorer: `render(state) -> Grid`. No clock, no terminal.
public enum ExplorerView {
    public static let minWidth = 40
    public static let minHeight = 12

    public static func render(_ s: ExplorerState, glyphs g: Glyphs = .unicode) -> Grid {
        var grid = Grid(width: s.width, height: s.height)
        guard s.width >= minWidth, s.height >= minHeight else {
            tooSmall(&grid, s, g)
            if g.asciiOnly { transliterate(&grid) }
            return grid
        }
        let layout = Layout(width: s.width, height: s.height)
        header(&grid, s, g)
        if layout.wide {
            chain(&grid, s, g, layout)
            for y in 1..<(s.height - 1) { grid.put(g.vertical, x: layout.chainWidth, y: y, role: .muted) }
        } else {
            breadcrumb(&grid, s, g, y: 1)
        }
        detail(&grid, s, g, layout)
        footer(&grid, s, g)
        if s.showHelp { help(&grid, s, g) }
        if g.asciiOnly { transliterate(&grid) }
        return grid
    }

    /// Replaces every non-ASCII cell with a one-column stand-in (a wide character's two columns become `??`).
    static func transliterate(_ grid: inout Grid) {
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                var cell = grid[x, y]
                guard !cell.char.isASCII || cell.isContinuation else { continue }
                cell.char = cell.isContinuation ? "?" : (Glyphs.asciiFallback[cell.char] ?? "?")
                cell.isContinuation = false
                grid[x, y] = cell
            }
        }
    }

    // MARK: parts

    static func tooSmall(_ grid: inout Grid, _ s: ExplorerState, _ g: Glyphs) {
        let lines = ["terminal too small", "\(s.width)x\(s.height), need \(minWidth)x\(minHeight)", "q quits"]
        let top = max(0, (s.height - lines.count) / 2)
        for (i, line) in lines.enumerated() {
            let x = max(0, (s.width - displayWidth(line)) / 2)
            grid.put(line, x: x, y: top + i, role: i == 0 ? .warn : .muted, ellipsis: g.ellipsis)
        }
    }

    static func header(_ grid: inout Grid, _ s: ExplorerState, _ g: Glyphs) {
        grid.fill(x: 0, y: 0, width: s.width, role: .heading, inverse: true)
        let snap = s.snapshot
        var spans = [Span(" rolehop", .heading), Span("  \(snap.profile)", .heading), Span("  \(snap.region)", .heading),
                     Span("  \(snap.mode.rawValue)", .heading)]
        if s.readOnly { spans.append(Span(" (read only)", .heading)) }
        spans.append(Span("  " + (snap.finalIdentity ?? "identity not known yet"), .heading))
        grid.put(StyledLine(spans), x: 0, y: 0, maxWidth: s.width, inverse: true, ellipsis: g.ellipsis)
    }

    static func nodeGlyph(_ node: NodeView, _ s: ExplorerState, _ g: Glyphs) -> (String, StyleRole, String) {
        switch node.state {
        case let .predicted(sev):
            switch sev {
            case .ok, .info: return (g.predictedOK, .muted, "predicted ok")
            case .warn: return (g.predictedWarn, .warn, "predicted warn")
            case .fail: return (g.predictedFail, .fail, "predicted fail")
            }
        case .running: return (g.spinner[(s.spinnerPhase / 2) % g.spinner.count], .accent, "running")
        case .succeeded: return (g.succeeded, .ok, "ok")
        case .failed: return (g.failed, .fail, "failed")
        case .notRun: return (g.notRun, .muted, "not run")
        }
    }

    static func chain(_ grid: inout Grid, _ s: ExplorerState, _ g: Glyphs, _ layout: Layout) {
        let w = layout.chainWidth
        let focused = s.pane == .chain
        grid.put(" Chain", x: 0, y: 1, maxWidth: w, role: focused ? .accent : .muted, ellipsis: g.ellipsis)
        let rows = s.height - 3
        let summary = findingSummary(s.snapshot.findings)
        let nodeRows = summary.isEmpty ? rows : rows - 2
        let visible = max(1, nodeRows / 2)
        let first = max(0, min(s.selected - visible + 1, s.snapshot.nodes.count - visible))
        var y = 2
        for index in first..<s.snapshot.nodes.count {
            if y + 1 > 1 + nodeRows { break }
            let node = s.snapshot.nodes[index]
            let (glyph, role, word) = nodeGlyph(node, s, g)
            let isSelected = index == s.selected
            if isSelected { grid.fill(x: 0, y: y, width: w, inverse: focused) }
            var used = grid.put(" " + glyph + " ", x: 0, y: y, maxWidth: w, role: role, inverse: isSelected && focused)
            used += grid.put(node.label, x: used, y: y, maxWidth: w - used, role: isSelected ? .selected : .plain,
                             inverse: isSelected && focused, ellipsis: g.ellipsis)
            if used + 2 + displayWidth(word) <= w {
                grid.put("  " + word, x: used, y: y, role: .muted, inverse: isSelected && focused)
            }
            let last = index == s.snapshot.nodes.count - 1
            let connector = last ? "   " : " " + g.vertical + " "
            let used2 = grid.put(connector, x: 0, y: y + 1, maxWidth: w, role: .muted)
            grid.put(node.detail, x: used2, y: y + 1, maxWidth: w - used2, role: .muted, ellipsis: g.ellipsis)
            y += 2
        }
        if !summary.isEmpty {
            grid.put(StyledLine([Span(" ")] + summary), x: 0, y: s.height - 2, maxWidth: w, ellipsis: g.ellipsis)
        }
    }

    static func findingSummary(_ findings: [Finding]) -> [Span] {
        var spans: [Span] = []
        for sev in [Severity.fail, .warn, .info] {
            let n = findings.filter { $0.severity == sev }.count
            if n > 0 {
                if !spans.isEmpty { spans.append(Span("  ", .muted)) }
                spans.append(Span("\(n) \(sev.rawValue)", severityRole(sev)))
            }
        }
        return spans
    }

    static func breadcrumb(_ grid: inout Grid, _ s: ExplorerState, _ g: Glyphs, y: Int) {
        let nodes = s.snapshot.nodes
        guard !nodes.isEmpty else { return }
        let parts = nodes.map { node -> (String, StyleRole, String) in
            let (glyph, role, _) = nodeGlyph(node, s, g)
            return (glyph, role, node.label)
        }
        func width(from start: Int) -> Int {
            parts[start...].reduce(0) { $0 + displayWidth($1.0) + 1 + displayWidth($1.2) } + (parts.count - start - 1) * displayWidth(g.separator)
        }
        var start = 0
        while start < s.selected, width(from: start) + 2 > s.width { start += 1 }
        var x = 0
        if start > 0 { x += grid.put(String(g.ellipsis) + " ", x: x, y: y, role: .muted) }
        for i in start..<parts.count {
            if i > start { x += grid.put(g.separator, x: x, y: y, role: .muted) }
            let selected = i == s.selected
            x += grid.put(parts[i].0 + " ", x: x, y: y, role: parts[i].1, inverse: selected && s.pane == .chain)
            x += grid.put(parts[i].2, x: x, y: y, maxWidth: s.width - x, role: selected ? .selected : .plain,
                          inverse: selected && s.pane == .chain, ellipsis: g.ellipsis)
            if x >= s.width { break }
        }
    }

    static let shortTitles: [ExplorerTab: String] = [
        .overview: "Ovw", .settings: "Set", .token: "Tok", .trust: "Trust", .permissions: "Perm", .http: "HTTP",
        .findings: "Find",
    ]

    static func tabBar(_ s: ExplorerState, width: Int) -> [(String, Bool)] {
        let tabs = ExplorerTab.allCases
        let full = tabs.enumerated().map { ("\($0.offset + 1) \($0.element.title)", $0.element == s.tab) }
        let short = tabs.enumerated().map { ("\($0.offset + 1) \(shortTitles[$0.element] ?? "")", $0.element == s.tab) }
        let numbers = tabs.enumerated().map {
            $0.element == s.tab ? ("\($0.offset + 1) \($0.element.title)", true) : ("\($0.offset + 1)", false)
        }
        for form in [full, short, numbers] {
            let w = form.reduce(0) { $0 + displayWidth($1.0) + 2 } + 1
            if w <= width { return form }
        }
        return numbers
    }

    static func detail(_ grid: inout Grid, _ s: ExplorerState, _ g: Glyphs, _ layout: Layout) {
        var x = layout.detailX + 1
        let right = layout.detailX + layout.detailWidth
        for (title, active) in tabBar(s, width: layout.detailWidth) {
            x += grid.put(" " + title + " ", x: x, y: layout.detailTop, maxWidth: right - x,
                          role: active ? .selected : .muted, inverse: active)
        }
        let ruleY = layout.detailTop + 1
        let focused = s.pane == .detail
        grid.put(String(repeating: g.horizontal, count: layout.detailWidth), x: layout.detailX, y: ruleY,
                 maxWidth: layout.detailWidth, role: focused ? .accent : .muted)
        let lines = contentLines(s)
        let height = layout.contentHeight
        if !s.query.isEmpty {
            grid.put(" /\(s.query) ", x: layout.detailX + 1, y: ruleY, maxWidth: layout.detailWidth / 2, role: .highlight,
                     ellipsis: g.ellipsis)
        }
        if lines.count > height {
            let label = " \(s.scroll + 1)-\(min(lines.count, s.scroll + height))/\(lines.count) "
            let lw = displayWidth(label)
            grid.put(label, x: max(layout.detailX, right - lw - 1), y: ruleY, role: .muted)
        }
        let highlight = !s.query.isEmpty && s.tab != .findings
        for (i, line) in lines.dropFirst(s.scroll).prefix(height).enumerated() {
            grid.put(highlight ? highlighted(line, s.query) : line, x: layout.contentX, y: layout.contentTop + i,
                     maxWidth: layout.contentWidth, ellipsis: g.ellipsis)
        }
    }

    static func footer(_ grid: inout Grid, _ s: ExplorerState, _ g: Glyphs) {
        let y = s.height - 1
        if let input = s.input {
            let prompt = input.kind == .search ? "/" : "export to: "
            grid.fill(x: 0, y: y, width: s.width, inverse: true)
            let hint = input.kind == .search ? " Enter keep  Esc clear " : " Enter write  Esc cancel "
            let hintWidth = displayWidth(hint)
            let fieldRoom = s.width - (s.width >= 60 ? hintWidth : 0)
            let room = fieldRoom - displayWidth(prompt) - 1
            var text = input.text
            if displayWidth(text) > room {
                // Keep the end in view (that is where typing happens).
                while displayWidth(text) > room - 1, !text.isEmpty { text.removeFirst() }
                text = String(g.ellipsis) + text
            }
            let used = grid.put(prompt + text, x: 0, y: y, role: .accent, inverse: true)
            grid.put("_", x: used, y: y, role: .accent)
            if s.width >= 60 { grid.put(hint, x: s.width - hintWidth, y: y, role: .muted, inverse: true) }
            return
        }
        if s.showHelp {
            grid.put(StyledLine([Span(" j/k", .heading), Span(" scroll  ", .muted), Span("? Esc", .heading), Span(" close help", .muted)]),
                     x: 0, y: y, maxWidth: s.width, ellipsis: g.ellipsis)
            return
        }
        if let running = s.running {
            let spin = g.spinner[(s.spinnerPhase / 2) % g.spinner.count]
            grid.put(StyledLine([Span(" " + spin + " ", .accent), Span(running.label + "… ", .accent), Span("Esc", .heading),
                                 Span(" cancels", .muted)]), x: 0, y: y, maxWidth: s.width, ellipsis: g.ellipsis)
            return
        }
        if let status = s.status {
            grid.put(" " + status.text, x: 0, y: y, role: status.role, ellipsis: g.ellipsis)
            return
        }
        // Help and quit always show at the right; the other keys fill what is left, in table order.
        func spans(_ ids: (KeyBinding) -> Bool) -> [Span] {
            var out: [Span] = []
            for b in KeyTable.bindings where ids(b) {
                guard let label = b.footer else { continue }
                if s.readOnly, b.group == "Hops" { continue }
                let key = b.keysLabel ?? b.keys.first.map(\.name) ?? ""
                out.append(Span(" " + key, .heading))
                out.append(Span(" " + label + " ", .muted))
            }
            return out
        }
        let fixed = StyledLine(spans { $0.id == .help || $0.id == .quit })
        let fixedWidth = displayWidth(fixed.text)
        var left = StyledLine(spans { $0.id != .help && $0.id != .quit })
        // What the movement keys do depends on the focused pane; say which.
        let move = [KeyAction.down, .up].compactMap { KeyTable.binding($0)?.keys.last?.name }.joined(separator: "/")
        let hopKeys = s.readOnly ? 0 : 2 * KeyTable.bindings.filter { $0.group == "Hops" && $0.footer != nil }.count
        left.spans.insert(contentsOf: [Span(" " + move, .heading), Span(s.pane == .chain ? " node " : " scroll ", .muted)],
                          at: hopKeys)
        if s.readOnly { left.spans.insert(Span(" read only ", .warn), at: 0) }
        let room = s.width - fixedWidth
        // Drop whole keys rather than cutting one in half.
        while displayWidth(left.text) > room, left.spans.count >= 2 { left.spans.removeLast(2) }
        grid.put(left, x: 0, y: y, maxWidth: room, ellipsis: g.ellipsis)
        grid.put(fixed, x: s.width - fixedWidth, y: y, maxWidth: fixedWidth, ellipsis: g.ellipsis)
    }

    /// The help overlay's lines, generated from the key table (plus the node-state legend).
    public static func helpLines(glyphs g: Glyphs, width: Int = 76) -> [StyledLine] {
        var out: [StyledLine] = []
        let keyColumn = 16
        for group in KeyTable.groups {
            out.append(StyledLine(group, .heading))
            for b in KeyTable.bindings where b.group == group {
                let keys = b.keysText
                let wrapped = wrap(b.help, width: max(10, width - keyColumn))
                for (i, part) in wrapped.enumerated() {
                    let left = i == 0 ? "  " + keys : ""
                    let pad = String(repeating: " ", count: max(1, keyColumn - displayWidth(left)))
                    out.append(StyledLine([Span(left, .accent), Span(pad + part)]))
                }
            }
            out.append("")
        }
        out.append(StyledLine("Node states", .heading))
        let legend: [(String, StyleRole, String)] = [
            (g.succeeded, .ok, "succeeded"), (g.failed, .fail, "failed"), (g.spinner[0], .accent, "running"),
            (g.predictedOK, .muted, "predicted ok (not run yet)"), (g.predictedWarn, .warn, "predicted warn"),
            (g.predictedFail, .fail, "predicted to fail"), (g.notRun, .muted, "not run"),
        ]
        for (glyph, role, text) in legend { out.append(StyledLine([Span("  " + glyph, role), Span("  " + text)])) }
        return out
    }

    static func help(_ grid: inout Grid, _ s: ExplorerState, _ g: Glyphs) {
        let x0 = 2, y0 = 1
        let w = s.width - 4, h = s.height - 2
        let inner = w - 4
        for y in y0..<(y0 + h) { grid.fill(x: x0, y: y, width: w) }
        let horizontal = String(repeating: g.horizontal, count: max(0, w - 2))
        grid.put(g.topLeft + horizontal + g.topRight, x: x0, y: y0, role: .accent)
        grid.put(g.bottomLeft + horizontal + g.bottomRight, x: x0, y: y0 + h - 1, role: .accent)
        for y in (y0 + 1)..<(y0 + h - 1) {
            grid.put(g.vertical, x: x0, y: y, role: .accent)
            grid.put(g.vertical, x: x0 + w - 1, y: y, role: .accent)
        }
        grid.put(" Keys: ? or Esc closes ", x: x0 + 2, y: y0, maxWidth: w - 4, role: .heading, ellipsis: g.ellipsis)
        let lines = helpLines(glyphs: g, width: inner)
        let rows = h - 2
        let top = min(s.helpScroll, max(0, lines.count - rows))
        for (i, line) in lines.dropFirst(top).prefix(rows).enumerated() {
            grid.put(line, x: x0 + 2, y: y0 + 1 + i, maxWidth: inner, ellipsis: g.ellipsis)
        }
        if lines.count > rows {
            grid.put(" \(top + 1)-\(min(lines.count, top + rows))/\(lines.count) j/k ", x: x0 + w - 18, y: y0 + h - 1,
                     maxWidth: 16, role: .muted)
        }
    }

    // MARK: content

    static func contentHeight(_ s: ExplorerState) -> Int { Layout(width: s.width, height: s.height).contentHeight }

    /// The lines of the open tab for the selected node (the Findings tab is built here from every finding).
    public static func contentLines(_ s: ExplorerState) -> [StyledLine] {
        let width = Layout(width: s.width, height: s.height).contentWidth
        if s.tab == .findings {
            return findingLines(s.snapshot.findings, query: s.query, width: width, selectedNode: s.selected)
        }
        guard let node = s.selectedNode else { return [StyledLine("no chain to show", .muted)] }
        if let lines = node.tabs[s.tab], !lines.isEmpty { return lines.flatMap { wrap($0, width: width) } }
        return [StyledLine("nothing here for this node", .muted)]
    }

    /// The line with every case-insensitive occurrence of `query` in the highlight role.
    static func highlighted(_ line: StyledLine, _ query: String) -> StyledLine {
        let needle = query.map { String($0).lowercased() }
        guard !needle.isEmpty else { return line }
        var cells: [(Character, StyleRole)] = []
        for span in line.spans { for ch in span.text { cells.append((ch, span.role)) } }
        let lower = cells.map { String($0.0).lowercased() }
        var i = 0
        var hit = false
        while i + needle.count <= cells.count {
            if (0..<needle.count).allSatisfy({ lower[i + $0] == needle[$0] }) {
                for j in i..<(i + needle.count) { cells[j].1 = .highlight }
                i += needle.count
                hit = true
            } else {
                i += 1
            }
        }
        guard hit else { return line }
        var spans: [Span] = []
        for (ch, role) in cells {
            if let last = spans.last, last.role == role { spans[spans.count - 1].text.append(ch) } else { spans.append(Span(String(ch), role)) }
        }
        return StyledLine(spans)
    }

    static func matches(_ text: String, _ query: String) -> Bool {
        query.isEmpty || text.lowercased().contains(query.lowercased())
    }

    static func severityRole(_ sev: Severity) -> StyleRole {
        switch sev {
        case .ok: .ok
        case .info: .accent
        case .warn: .warn
        case .fail: .fail
        }
    }

    /// Every finding, most severe first, filtered by the search: severity, id, title, evidence, why, fix.
    public static func findingLines(_ findings: [Finding], query: String, width: Int, selectedNode: Int? = nil) -> [StyledLine] {
        let sorted = findings.enumerated().sorted {
            $0.element.severity != $1.element.severity ? $0.element.severity > $1.element.severity : $0.offset < $1.offset
        }.map(\.element)
        let shown = sorted.filter { f in
            query.isEmpty || matches(([f.id, f.title, f.why, f.fix] + f.evidence.flatMap { [$0.label, $0.value] })
                .joined(separator: "\n"), query)
        }
        var out: [StyledLine] = []
        var summary = [Span("\(findings.count) finding\(findings.count == 1 ? "" : "s")", .heading)]
        if !findingSummary(findings).isEmpty { summary += [Span(": ")] + findingSummary(findings) }
        out.append(StyledLine(summary))
        if !query.isEmpty {
            out.append(StyledLine([Span("search \"\(query)\": ", .muted), Span("\(shown.count) shown", .highlight)]))
        }
        if findings.isEmpty { out.append(StyledLine("no findings", .muted)) }
        let indent = 10
        let textWidth = max(10, width - indent)
        func field(_ label: String, _ text: String, _ role: StyleRole) {
            for (i, part) in wrap(text, width: textWidth).enumerated() {
                let left = i == 0 ? "  " + label : ""
                out.append(StyledLine([Span(left + String(repeating: " ", count: max(1, indent - displayWidth(left))), .muted),
                                       Span(part, role)]))
            }
        }
        for f in shown {
            out.append("")
            var head = [Span(tag(f.severity), severityRole(f.severity)), Span(" "), Span(f.id, .accent)]
            // Findings of the node selected in the chain are marked, so the list still reads per node.
            if let hop = f.hop, hop == selectedNode { head.append(Span("  (selected node)", .muted)) }
            out.append(StyledLine(head))
            field("", f.title, .heading)
            for e in f.evidence {
                field("seen", "\(e.label): \(e.value)" + (e.source.map { "  (\($0.description))" } ?? ""), .plain)
            }
            if !f.why.isEmpty { field("why", f.why, .plain) }
            if !f.fix.isEmpty { field("fix", f.fix, .ok) }
            if let hop = f.hop { field("node", "\(hop)", .muted) }
        }
        return out
    }

    static func tag(_ sev: Severity) -> String {
        switch sev {
        case .ok: "OK  "
        case .info: "INFO"
        case .warn: "WARN"
        case .fail: "FAIL"
        }
    }

    /// Wraps a styled line at spaces; continuation lines are indented under the value when the line starts with
    /// a muted label (`label   value`), else by two columns.
    public static func wrap(_ line: StyledLine, width: Int) -> [StyledLine] {
        guard displayWidth(line.text) > width, width >= 8 else { return [line] }
        var cells: [(Character, StyleRole)] = []
        for span in line.spans { for ch in span.text { cells.append((ch, span.role)) } }
        var indent = 2
        var labelChars = 0
        if let first = line.spans.first, first.role == .muted, line.spans.count > 1 {
            let w = displayWidth(first.text)
            if w <= width / 2 {
                indent = w
                labelChars = first.text.count
            }
        }
        var out: [StyledLine] = []
        var start = 0
        while start < cells.count {
            let prefix = out.isEmpty ? 0 : indent
            let avail = width - prefix
            var cols = 0
            var end = start
            while end < cells.count {
                let cw = displayWidth(cells[end].0)
                if cols + cw > avail { break }
                cols += cw
                end += 1
            }
            if end < cells.count {
                // Break after the last space that fits, when there is one past the start.
                // (Never inside the leading label, or the value would start on the next line.)
                let earliest = out.isEmpty ? start + labelChars : start
                if let space = cells[start..<end].lastIndex(where: { $0.0 == " " }), space > earliest {
                    end = space + 1
                } else if let mark = cells[start..<end].lastIndex(where: { "/,-".contains($0.0) }), mark > earliest {
                    end = mark + 1
                }
            }
            if end == start { end = start + 1 }
            var spans: [Span] = prefix > 0 ? [Span(String(repeating: " ", count: prefix))] : []
            for (ch, role) in cells[start..<end] {
                if let last = spans.last, last.role == role, !(spans.count == 1 && prefix > 0) {
                    spans[spans.count - 1].text.append(ch)
                } else {
                    spans.append(Span(String(ch), role))
                }
            }
            while let last = spans.last, last.text.last == " " {
                spans[spans.count - 1].text.removeLast()
                if spans[spans.count - 1].text.isEmpty { spans.removeLast() }
            }
            out.append(StyledLine(spans))
            start = end
            while start < cells.count, cells[start].0 == " " { start += 1 }
        }
        return out
    }

    /// Word wrap to a display width; newlines in the text are kept, overlong words are cut.
    public static func wrap(_ text: String, width: Int) -> [String] {
        let width = max(1, width)
        var out: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var word = String(word)
                var ww = displayWidth(word)
                if lineWidth > 0, lineWidth + 1 + ww > width {
                    out.append(line)
                    line = ""
                    lineWidth = 0
                }
                while ww > width {
                    var head = ""
                    var hw = 0
                    for ch in word {
                        let cw = displayWidth(ch)
                        if hw + cw > width - lineWidth - (lineWidth > 0 ? 1 : 0) { break }
                        head.append(ch)
                        hw += cw
                    }
                    if head.isEmpty { out.append(line); line = ""; lineWidth = 0; continue }
                    out.append(lineWidth > 0 ? line + " " + head : head)
                    line = ""
                    lineWidth = 0
                    word.removeFirst(head.count)
                    ww = displayWidth(word)
                }
                if !word.isEmpty {
                    line += (lineWidth > 0 ? " " : "") + word
                    lineWidth += (lineWidth > 0 ? 1 : 0) + ww
                }
            }
            out.append(line)
        }
        return out
    }
}
