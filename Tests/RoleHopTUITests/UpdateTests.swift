import RoleHopCore
import RoleHopTestSupport
import Synchronization
import Testing
@testable import RoleHopTUI

let fixedNow = Date(timeIntervalSince1970: 1_764_415_200)  // 2025-11-29T11:20:00Z

func feed(_ state: ExplorerState, _ keys: [KeyInput]) -> (ExplorerState, [ExplorerEffect]) {
    var s = state
    var all: [ExplorerEffect] = []
    for k in keys {
        let (next, effects) = ExplorerUpdate.update(s, .key(k), now: fixedNow)
        s = next
        all += effects
    }
    return (s, all)
}

@Suite("Explorer update")
struct UpdateTests {
    let live = ExplorerState(snapshot: Fixtures.trustSubMismatch, width: 80, height: 24)

    @Test("the failing trust condition is three keys or fewer from the first screen")
    func threeKeysToTheCause() {
        #expect(live.selected == 1 && live.tab == .overview)
        let (s, _) = feed(live, [.char("4")])
        #expect(s.tab == .trust)
        let text = ExplorerView.render(s).lines.joined(separator: "\n")
        #expect(text.contains("no match"))
    }

    @Test("movement keys select nodes in the chain pane and scroll in the detail pane")
    func movement() {
        var (s, _) = feed(live, [.char("j")])
        #expect(s.selected == 2)
        (s, _) = feed(s, [.down, .down, .down])
        #expect(s.selected == 3, "selection stops at the last node")
        (s, _) = feed(s, [.char("g")])
        #expect(s.selected == 0)
        (s, _) = feed(s, [.char("G"), .char("k"), .up])
        #expect(s.selected == 1)
        (s, _) = feed(s, [.tab, .char("7"), .char("j"), .char("j")])
        #expect(s.pane == .detail && s.selected == 1 && s.scroll == 2)
        (s, _) = feed(s, [.backTab])
        #expect(s.pane == .chain)
    }

    @Test("scrolling stops at the end of the content and resets when the tab changes")
    func scrollClamp() {
        var (s, _) = feed(ExplorerState(snapshot: Fixtures.trustSubMismatch, width: 40, height: 12), [.tab, .char("7"), .char("G")])
        let total = ExplorerView.contentLines(s).count
        #expect(s.scroll == total - ExplorerView.contentHeight(s))
        (s, _) = feed(s, [.pageDown, .pageDown])
        #expect(s.scroll == total - ExplorerView.contentHeight(s))
        (s, _) = feed(s, [.char("h")])
        #expect(s.tab == .http && s.scroll == 0)
        (s, _) = feed(s, [.char("l"), .char("l")])
        #expect(s.tab == .overview, "tabs wrap around")
    }

    @Test("tab keys 1-7 open the tabs in order", arguments: Array(ExplorerTab.allCases.enumerated()))
    func pickTab(index: Int, tab: ExplorerTab) {
        let (s, _) = feed(live, [.char(Character(String(index + 1)))])
        #expect(s.tab == tab)
    }

    @Test("hop keys emit session commands; a second command while busy is refused; Esc cancels")
    func hopCommands() {
        var (s, e) = feed(live, [.char("n")])
        #expect(e == [.run(.runNext)] && s.running == .runNext)
        (s, e) = feed(s, [.char("a")])
        #expect(e.isEmpty && s.running == .runNext && s.status?.text.contains("Esc") == true)
        (s, e) = feed(s, [.char("j")])
        #expect(s.selected == 2, "keys still move while a hop runs")
        (s, e) = feed(s, [.escape])
        #expect(e == [.cancelRunning] && s.running == nil)
        (s, e) = feed(s, [.char("r")])
        #expect(e == [.run(.retry(node: 2))])
        (s, _) = ExplorerUpdate.update(s, .finished(.retry(node: 2), cancelled: false), now: fixedNow)
        #expect(s.running == nil)
        (s, e) = feed(s, [.enter])
        #expect(e == [.run(.runNext)])
        (s, _) = ExplorerUpdate.update(s, .finished(.runNext, cancelled: false), now: fixedNow)
        (s, e) = feed(s, [.char("x")])
        #expect(e == [.run(.reset)])
    }

    @Test("i reads the selected hop's role policies from IAM; on a node that is not a hop it says what to select")
    func readIAMKey() {
        #expect(live.snapshot.nodes[live.selected].kind == .webIdentityHop || live.snapshot.nodes[live.selected].kind == .assumeRoleHop)
        var (s, e) = feed(live, [.char("i")])
        #expect(e == [.run(.readIAM(node: live.selected))] && s.running == .readIAM(node: live.selected))
        (s, _) = ExplorerUpdate.update(s, .finished(.readIAM(node: live.selected), cancelled: false), now: fixedNow)
        #expect(s.running == nil)
        (s, e) = feed(s, [.char("g"), .char("i")])
        #expect(s.selected == 0 && e.isEmpty && s.running == nil)
        #expect(s.status?.text.contains("select a hop") == true)
        let ro = ExplorerState(snapshot: Fixtures.reference, width: 80, height: 24, readOnly: true)
        (s, e) = feed(ro, [.char("i")])
        #expect(e.isEmpty && s.status?.text.hasPrefix("read only") == true)
    }

    @Test("a read-only snapshot says so instead of running hops")
    func readOnly() {
        let ro = ExplorerState(snapshot: Fixtures.reference, width: 80, height: 24, readOnly: true)
        for key in [KeyInput.char("n"), .enter, .char("a"), .char("r"), .char("x")] {
            let (s, e) = feed(ro, [key])
            #expect(e.isEmpty && s.running == nil && s.status?.text.hasPrefix("read only") == true)
        }
    }

    @Test("search filters findings live, Enter keeps the query, Esc clears it")
    func search() {
        var (s, _) = feed(live, [.char("7"), .char("/")] + "stringequal".map { .char($0) })
        #expect(s.input?.kind == .search && s.query == "stringequal")
        let shown = ExplorerView.contentLines(s).filter { $0.text.hasPrefix("FAIL") || $0.text.hasPrefix("INFO") }
        #expect(shown.map(\.text) == ["FAIL trust.sub-mismatch  (selected node)", "INFO trust.condition-missing  (selected node)"],
                "matched case-insensitively in evidence and fix; sts.access-denied does not mention it")
        (s, _) = feed(s, [.backspace, .char("X"), .enter])
        #expect(s.input == nil && s.query == "stringequaX")
        (s, _) = feed(s, [.char("/"), .escape])
        #expect(s.query.isEmpty && s.input == nil)
        (s, _) = feed(s, [.char("q")])
        #expect(s.quit, "q quits once the prompt is closed")
    }

    @Test("search in a long tab scrolls to the first matching line")
    func searchScrolls() {
        let (s, _) = feed(ExplorerState(snapshot: Fixtures.trustSubMismatch, width: 40, height: 12),
                          [.char("4"), .char("/")] + "Decision".map { KeyInput.char($0) })
        #expect(s.scroll > 0)
        let visible = ExplorerView.contentLines(s).dropFirst(s.scroll).prefix(ExplorerView.contentHeight(s))
        #expect(visible.contains { $0.text.contains("Decision") })
    }

    @Test("export asks for a path with a timestamped default and reports the result")
    func export() {
        var (s, e) = feed(live, [.char("e")])
        #expect(s.input?.text == "/tmp/rolehop-bundle-20251129T112000Z.tar.gz")
        (s, e) = feed(s, Array(repeating: KeyInput.backspace, count: 45) + "/tmp/b.tgz".map { .char($0) } + [.enter])
        #expect(e == [.export(path: "/tmp/b.tgz")] && s.exporting)
        (s, _) = ExplorerUpdate.update(s, .exported(.failure(BundleExportError("disk full"))), now: fixedNow)
        #expect(s.status == StatusMessage(text: "export failed: disk full", role: .fail) && !s.exporting)
        (s, _) = ExplorerUpdate.update(s, .exported(.success("/tmp/b.tgz")), now: fixedNow)
        #expect(s.status?.role == .ok)
    }

    @Test("help opens, scrolls and closes; q closes help before it quits")
    func help() {
        var (s, _) = feed(live, [.char("?")])
        #expect(s.showHelp)
        (s, _) = feed(s, [.char("j"), .char("j")])
        #expect(s.helpScroll == 2 && s.selected == 1, "keys scroll the help, not the chain")
        (s, _) = feed(s, [.char("q")])
        #expect(!s.showHelp && !s.quit)
        (s, _) = feed(s, [.ctrlC])
        #expect(s.quit)
    }

    @Test("resize is an event: the state takes the new size and keeps the scroll inside the content")
    func resize() {
        var (s, _) = feed(live, [.tab, .char("G")])
        let before = s.scroll
        (s, _) = ExplorerUpdate.update(s, .resize(width: 120, height: 40), now: fixedNow)
        #expect(s.width == 120 && s.height == 40 && s.scroll <= before)
        #expect(s.scroll == max(0, ExplorerView.contentLines(s).count - ExplorerView.contentHeight(s)))
        (s, _) = ExplorerUpdate.update(s, .resize(width: 30, height: 8), now: fixedNow)
        #expect(ExplorerView.render(s).lines.joined().contains("too small"))
    }

    @Test("a new snapshot whose focus moved selects the new root cause")
    func snapshotFocus() {
        var s = ExplorerState(snapshot: Fixtures.reference, width: 80, height: 24)
        s.tab = .http
        (s, _) = ExplorerUpdate.update(s, .snapshot(Fixtures.expiredToken), now: fixedNow)
        #expect(s.selected == 0 && s.tab == .overview)
        (s, _) = ExplorerUpdate.update(s, .snapshot(Fixtures.trustSubMismatch), now: fixedNow)
        #expect(s.selected == 1)
    }
}

@Suite("Key table")
struct KeyTableTests {
    @Test("no key is bound to two actions and every action has a key")
    func unique() {
        var seen: [KeyInput: KeyAction] = [:]
        for b in KeyTable.bindings {
            for k in b.keys {
                #expect(seen[k] == nil, "\(k.name) bound to \(seen[k]?.rawValue ?? "") and \(b.id.rawValue)")
                seen[k] = b.id
            }
        }
        #expect(Set(KeyTable.bindings.map(\.id)) == Set(KeyAction.allCases))
        #expect(KeyTable.bindings.allSatisfy { KeyTable.groups.contains($0.group) })
    }

    @Test("docs/tui.md lists exactly the keys the table generates")
    func docsMatch() throws {
        let doc = try #require(readTextFile(RepoPaths.root + "/docs/tui.md"))
        let begin = try #require(doc.firstRange(of: "<!-- keys:begin -->\n"))
        let end = try #require(doc.firstRange(of: "<!-- keys:end -->"))
        #expect(String(doc[begin.upperBound..<end.lowerBound]) == KeyTable.markdown,
                "regenerate with: rolehop tui --print-keys")
    }

    @Test("the help overlay lists every binding's keys")
    func helpListsAll() {
        let text = ExplorerView.helpLines(glyphs: .unicode).map(\.text).joined(separator: "\n")
        for b in KeyTable.bindings { #expect(text.contains(b.keysText)) }
    }
}
