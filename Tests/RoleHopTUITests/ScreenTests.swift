import RoleHopCore
import RoleHopTestSupport
import Testing
@testable import RoleHopTUI

/// Every tab of every fixture at three sizes, against golden text files in Tests/Data/tui/screens/.
@Suite("Explorer screens")
struct ScreenTests {
    static let sizes = [(80, 24), (120, 40), (40, 12)]
    static let cases: [(String, ExplorerTab)] = Fixtures.all.flatMap { f in ExplorerTab.allCases.map { (f.name, $0) } }

    static func screen(_ fixture: String, tab: ExplorerTab, width: Int, height: Int, pane: Pane = .chain) -> Grid {
        let snap = Fixtures.all.first { $0.name == fixture }?.snapshot ?? Fixtures.reference
        var state = ExplorerState(snapshot: snap, width: width, height: height, readOnly: true)
        state.tab = tab
        state.pane = pane
        return ExplorerView.render(state)
    }

    @Test("tab screens match their golden files", arguments: cases)
    func tabScreens(fixture: String, tab: ExplorerTab) {
        for (w, h) in Self.sizes {
            let grid = Self.screen(fixture, tab: tab, width: w, height: h)
            #expect(grid.lines.count == h)
            #expect(grid.lines.allSatisfy { displayWidth($0) <= w })
            Golden.check(grid.lines.joined(separator: "\n"), "tui/screens/\(fixture)/\(tab.rawValue)-\(w)x\(h).txt")
        }
    }

    @Test("help overlay, too-small notice, search and ASCII fallback match their golden files")
    func specialScreens() {
        var help = ExplorerState(snapshot: Fixtures.reference, width: 80, height: 24)
        help.showHelp = true
        Golden.check(ExplorerView.render(help).lines.joined(separator: "\n"), "tui/screens/help-80x24.txt")
        help.width = 40
        help.height = 12
        Golden.check(ExplorerView.render(help).lines.joined(separator: "\n"), "tui/screens/help-40x12.txt")

        let small = ExplorerState(snapshot: Fixtures.reference, width: 39, height: 11)
        Golden.check(ExplorerView.render(small).lines.joined(separator: "\n"), "tui/screens/too-small-39x11.txt")

        var search = ExplorerState(snapshot: Fixtures.trustSubMismatch, width: 80, height: 24)
        search.tab = .findings
        search.query = "sub"
        Golden.check(ExplorerView.render(search).lines.joined(separator: "\n"), "tui/screens/findings-search-sub-80x24.txt")

        let (prompt, _) = ExplorerUpdate.update(ExplorerState(snapshot: Fixtures.reference, width: 80, height: 24), .key(.char("e")),
                                                now: Date(timeIntervalSince1970: 1_764_415_200))
        Golden.check(ExplorerView.render(prompt).lines.joined(separator: "\n"), "tui/screens/export-prompt-80x24.txt")

        let ascii = ExplorerState(snapshot: Fixtures.trustSubMismatch, width: 80, height: 24)
        let lines = ExplorerView.render(ascii, glyphs: .ascii).lines
        #expect(lines.allSatisfy { line in line.unicodeScalars.allSatisfy(\.isASCII) })
        Golden.check(lines.joined(separator: "\n"), "tui/screens/ascii-trust-sub-mismatch-80x24.txt")
    }

    @Test("a broken chain opens on the root cause: the focus node's Overview names cause and fix")
    func brokenChainFirstScreen() {
        for (name, snap) in Fixtures.all where snap.focusNode != nil {
            let state = ExplorerState(snapshot: snap, width: 80, height: 24)
            #expect(state.selected == snap.focusNode, "\(name)")
            #expect(state.tab == .overview)
            let text = ExplorerView.render(state).lines.joined(separator: "\n")
            #expect(text.contains(snap.nodes[state.selected].label), "\(name)")
        }
        let state = ExplorerState(snapshot: Fixtures.trustSubMismatch, width: 80, height: 24)
        let text = ExplorerView.render(state).lines.joined(separator: "\n")
        #expect(text.contains("fix"))
        #expect(text.contains("acount"), "the typo in the trust policy is on the first screen")
    }

    @Test("node states are drawn in their colour roles")
    func nodeRoles() {
        let state = ExplorerState(snapshot: Fixtures.trustSubMismatch, width: 80, height: 24)
        let grid = ExplorerView.render(state)
        // Chain rows start at y=2, two rows per node; the glyph is in column 1.
        #expect(grid[1, 2].char == "✔" && grid[1, 2].role == .ok)
        #expect(grid[1, 4].char == "✘" && grid[1, 4].role == .fail)
        #expect(grid[1, 6].char == "·" && grid[1, 6].role == .muted)
        #expect(grid[3, 4].inverse, "the selected node's row is drawn inverse")
        let offline = ExplorerView.render(ExplorerState(snapshot: Fixtures.expiredToken, width: 80, height: 24))
        #expect(offline[1, 2].char == "◆" && offline[1, 2].role == .fail)
        #expect(offline[1, 6].char == "○" && offline[1, 6].role == .muted)
    }

    @Test("search hits are highlighted where they occur, case-insensitively")
    func searchHighlight() throws {
        let line = ExplorerView.highlighted(StyledLine([Span("want  ", .muted), Span("my-Service-acount", .fail)]), "service")
        #expect(line.spans == [Span("want  ", .muted), Span("my-", .fail), Span("Service", .highlight), Span("-acount", .fail)])
        #expect(ExplorerView.highlighted("nothing", "zzz") == "nothing")
        var s = ExplorerState(snapshot: Fixtures.trustSubMismatch, width: 80, height: 24)
        s.tab = .trust
        s.query = "acount"
        let grid = ExplorerView.render(s)
        let lines = grid.lines
        let row = try #require((3..<24).first { lines[$0].contains("acount") && !lines[$0].contains("no match") })
        let x = try #require(Array(lines[row]).indices.first { Array(lines[row])[$0...].starts(with: "acount") })
        #expect(grid[x, row].role == .highlight && grid[x + 5, row].role == .highlight)
        #expect(grid[x + 6, row].role != .highlight)
    }

    @Test("resizing through every size from 40x12 to 130x45 never writes past the edge or drops the footer")
    func everySize() {
        for w in stride(from: 40, through: 130, by: 7) {
            for h in stride(from: 12, through: 45, by: 5) {
                for (_, snap) in Fixtures.all {
                    for tab in ExplorerTab.allCases {
                        var s = ExplorerState(snapshot: snap, width: w, height: h)
                        s.tab = tab
                        let lines = ExplorerView.render(s).lines
                        #expect(lines.count == h)
                        #expect(lines.allSatisfy { displayWidth($0) <= w })
                        #expect(lines[h - 1].contains("quit"), "footer at \(w)x\(h)")
                    }
                }
            }
        }
    }
}

@Suite("Display width")
struct DisplayWidthTests {
    @Test("columns per character", arguments: [
        ("a", 1), ("─", 1), ("│", 1), ("✔", 1), ("…", 1), ("→", 1), ("█", 1), ("é", 1), ("e\u{301}", 1),
        ("漢", 2), ("한", 2), ("Ｗ", 2), ("🙂", 2), ("\u{7}", 0),
    ])
    func width(text: String, columns: Int) {
        #expect(displayWidth(text) == columns)
    }

    @Test("put truncates with an ellipsis and never splits a wide character")
    func truncation() {
        var g = Grid(width: 6, height: 1)
        g.put("漢字漢字", x: 0, y: 0)
        #expect(g.lines == ["漢字…"])
        var h = Grid(width: 5, height: 1)
        h.put("abcdefgh", x: 0, y: 0)
        #expect(h.lines == ["abcd…"])
        var k = Grid(width: 5, height: 1)
        k.put("abcde", x: 0, y: 0)
        #expect(k.lines == ["abcde"])
    }

    @Test("word wrap keeps words, cuts overlong ones and keeps newlines")
    func wrap() {
        #expect(ExplorerView.wrap("one two three", width: 7) == ["one two", "three"])
        #expect(ExplorerView.wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
        #expect(ExplorerView.wrap("a\nb", width: 10) == ["a", "b"])
    }
}

@Suite("Colour mode")
struct ColorModeTests {
    @Test("colour on or off", arguments: [
        (ColorMode.auto, [String: String](), true, true),
        (.auto, ["NO_COLOR": "1"], true, false),
        (.auto, ["NO_COLOR": ""], true, true),
        (.auto, ["TERM": "dumb"], true, false),
        (.auto, [:], false, false),
        (.always, ["NO_COLOR": "1"], true, true),
        (.always, [:], false, false),
        (.never, [:], true, false),
    ])
    func decide(mode: ColorMode, env: [String: String], hasColors: Bool, expected: Bool) {
        #expect(mode.useColor(environment: env, terminalHasColors: hasColors) == expected)
    }

    @Test("the monochrome palette tells fail, warn, highlight, muted and selected apart by attributes alone")
    func monochrome() {
        let p = Palette(color: false)
        let roles: [StyleRole] = [.plain, .muted, .fail, .highlight, .heading]
        let attrs = roles.map { p.attribute(Cell(" ", $0)) }
        #expect(Set(attrs).count == roles.count)
        #expect(p.attribute(Cell(" ", .plain, inverse: true)) != p.attribute(Cell(" ", .plain)))
    }
}
