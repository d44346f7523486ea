import CNCurses
import Glibc
import RoleHopCore

/// When the explorer uses colour.
public enum ColorMode: String, Sendable, CaseIterable {
    case auto, always, never

    /// Colour on or off: `never`, NO_COLOR (any value), TERM=dumb or a terminal without colours turn it off.
    public func useColor(environment: [String: String], terminalHasColors: Bool) -> Bool {
        switch self {
        case .never: return false
        case .always: return terminalHasColors
        case .auto:
            if let v = environment["NO_COLOR"], !v.isEmpty { return false }
            if environment["TERM"] == "dumb" { return false }
            return terminalHasColors
        }
    }
}

/// Options of `rolehop tui`.
public struct ExplorerOptions: Sendable {
    public var color: ColorMode
    public var environment: [String: String]
    public init(color: ColorMode = .auto, environment: [String: String] = [:]) {
        self.color = color
        self.environment = environment
    }
}

/// The signal that asked the explorer to stop (written by the signal handler, read by the loop).
nonisolated(unsafe) private var stopSignal: sig_atomic_t = 0

/// The ncurses front end: one thread owns the terminal, draws grids and reads keys.
public enum ExplorerApp {
    /// Runs the explorer on the calling thread until the user quits; returns the process exit code.
    ///
    /// Blocks: call it from a thread outside Swift's cooperative pool (the main thread of `rolehop`). Session calls
    /// run as tasks; the terminal is restored on quit, Ctrl-C, SIGTERM, SIGHUP and errors.
    public static func run(session: any ExplorerSession, options: ExplorerOptions,
                           clock: @escaping @Sendable () -> Date = { Date() }) -> Int32 {
        guard isatty(0) == 1, isatty(1) == 1 else {
            printError("rolehop: the explorer needs a terminal (stdin and stdout must be a TTY)")
            return 2
        }
        setlocale(LC_ALL, "")
        let utf8 = localeIsUTF8()
        if options.environment["TERM"] == "dumb" {
            printError("rolehop: TERM=dumb cannot draw the explorer; use the text commands (rolehop check)")
            return 2
        }
        guard let screen = newterm(nil, fdopen(1, "w"), fdopen(0, "r")) else {
            printError("rolehop: cannot drive terminal type \(options.environment["TERM"] ?? "(unset)")")
            return 2
        }
        set_term(screen)
        defer {
            // Terminals without an alternate screen (vt100, linux console) would keep the last frame under the
            // shell prompt; a blank screen reads better there and costs nothing where the alternate screen exists.
            werase(rh_stdscr())
            wrefresh(rh_stdscr())
            endwin()
            delscreen(screen)
        }
        stopSignal = 0
        for sig in [SIGINT, SIGTERM, SIGHUP] { signal(sig) { stopSignal = $0 } }
        defer { for sig in [SIGINT, SIGTERM, SIGHUP] { signal(sig, SIG_DFL) } }

        let win = rh_stdscr()
        cbreak()
        noecho()
        nonl()
        keypad(win, true)
        set_escdelay(25)
        curs_set(0)
        wtimeout(win, 50)
        let color = options.color.useColor(environment: options.environment, terminalHasColors: has_colors())
        let palette = Palette(color: color)
        let glyphs: Glyphs = utf8 ? .unicode : .ascii

        var h: Int32 = 0, w: Int32 = 0
        rh_getmaxyx(win, &h, &w)
        let runtime = ExplorerRuntime(session: session, width: Int(w), height: Int(h), clock: clock)
        var drawn: ExplorerState?
        while !runtime.state.quit {
            if stopSignal != 0 { break }
            var ch: wint_t = 0
            let r = wget_wch(win, &ch)
            if r != rh_err() {
                if r == KEY_CODE_YES, Int32(ch) == KEY_RESIZE {
                    rh_getmaxyx(win, &h, &w)
                    runtime.send(.resize(width: Int(w), height: Int(h)))
                } else if let key = keyInput(code: r, value: ch) {
                    runtime.send(.key(key))
                }
            }
            runtime.drain()
            runtime.tick()
            if drawn != runtime.state {
                palette.draw(ExplorerView.render(runtime.state, glyphs: glyphs), on: win, asciiOnly: !utf8)
                drawn = runtime.state
            }
        }
        runtime.shutdown()
        return stopSignal != 0 ? 128 + stopSignal : 0
    }

    static func printError(_ message: String) {
        let bytes = Array((message + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// True when the C library's character set (after `setlocale(LC_ALL, "")`) is UTF-8.
    static func localeIsUTF8() -> Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    static func keyInput(code: Int32, value: wint_t) -> KeyInput? {
        let v = Int32(bitPattern: value)
        if code == KEY_CODE_YES {
            switch v {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_BTAB: return .backTab
            case KEY_ENTER: return .enter
            case KEY_BACKSPACE: return .backspace
            default: return nil
            }
        }
        switch v {
        case 10, 13: return .enter
        case 27: return .escape
        case 9: return .tab
        case 8, 127: return .backspace
        case 3: return .ctrlC
        case 0..<32: return nil
        default:
            guard let scalar = Unicode.Scalar(UInt32(value)) else { return nil }
            return .char(Character(scalar))
        }
    }
}

/// Maps style roles to ncurses attributes: colour pairs, or attributes only (monochrome).
struct Palette {
    let attrs: [StyleRole: attr_t]

    init(color: Bool) {
        var a: [StyleRole: attr_t] = [:]
        if color {
            start_color()
            // -1 means "the terminal's own background"; terminals without that get black.
            let bg: Int16 = use_default_colors() == rh_err() ? Int16(COLOR_BLACK) : -1
            let pairs: [(StyleRole, Int16, Int16)] = [
                (.accent, Int16(COLOR_CYAN), bg), (.ok, Int16(COLOR_GREEN), bg), (.warn, Int16(COLOR_YELLOW), bg),
                (.fail, Int16(COLOR_RED), bg), (.highlight, Int16(COLOR_BLACK), Int16(COLOR_YELLOW)),
                (.heading, Int16(COLOR_CYAN), bg),
            ]
            for (i, p) in pairs.enumerated() {
                init_pair(Int16(i + 1), p.1, p.2)
                a[p.0] = rh_color_pair(Int32(i + 1))
            }
            a[.fail, default: 0] |= rh_a_bold()
            a[.heading, default: 0] |= rh_a_bold()
            a[.highlight, default: 0] |= rh_a_bold()
            a[.muted] = rh_a_dim()
            a[.selected] = rh_a_bold()
        } else {
            a[.muted] = rh_a_dim()
            a[.heading] = rh_a_bold()
            a[.accent] = rh_a_bold()
            a[.warn] = rh_a_bold()
            a[.fail] = rh_a_bold() | rh_a_underline()
            a[.highlight] = rh_a_reverse() | rh_a_bold()
            a[.selected] = rh_a_bold()
        }
        attrs = a
    }

    func attribute(_ cell: Cell) -> attr_t {
        var a = attrs[cell.role] ?? rh_a_normal()
        if cell.inverse { a |= rh_a_reverse() }
        return a
    }

    /// Copies a grid to the terminal: runs of equally styled cells become one `mvwaddstr`.
    func draw(_ grid: Grid, on win: UnsafeMutablePointer<WINDOW>?, asciiOnly: Bool) {
        werase(win)
        for y in 0..<grid.height {
            var x = 0
            while x < grid.width {
                let style = attribute(grid[x, y])
                var text = ""
                let start = x
                while x < grid.width, attribute(grid[x, y]) == style {
                    let cell = grid[x, y]
                    if asciiOnly {
                        // Render already transliterated; this only guards the column count.
                        text.append(cell.char.isASCII ? cell.char : "?")
                    } else if !cell.isContinuation {
                        text.append(cell.char)
                    }
                    x += 1
                }
                wattrset(win, Int32(bitPattern: UInt32(truncatingIfNeeded: style)))
                _ = mvwaddstr(win, Int32(y), Int32(start), text)
            }
        }
        wattrset(win, 0)
        wrefresh(win)
    }
}
