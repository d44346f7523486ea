import RoleHopCore

/// How many terminal columns a character takes: 0 for combining marks and controls, 2 for East Asian wide and
/// emoji, 1 otherwise (ASCII, box drawing, arrows, common symbols).
public func displayWidth(_ ch: Character) -> Int {
    guard let first = ch.unicodeScalars.first else { return 0 }
    let v = first.value
    if v < 0x20 || (v >= 0x7f && v < 0xa0) { return 0 }
    if v < 0x300 { return 1 }
    switch first.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if isWide(v) { return 2 }
    // An emoji presentation selector makes a symbol two columns wide.
    if ch.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
    return 1
}

/// The display width of a string (sum over its characters).
public func displayWidth(_ s: String) -> Int { s.reduce(0) { $0 + displayWidth($1) } }

private func isWide(_ v: UInt32) -> Bool {
    switch v {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
         0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
         0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
        return true
    default:
        return false
    }
}

/// One terminal cell: a character in a style role. The cell after a wide character is a continuation.
public struct Cell: Sendable, Hashable {
    public var char: Character
    public var role: StyleRole
    /// Drawn in reverse video on top of the role (bars, the selected row, the search prompt).
    public var inverse: Bool
    /// The right half of a wide character: drawn by the cell to its left.
    public var isContinuation: Bool

    public init(_ char: Character = " ", _ role: StyleRole = .plain, inverse: Bool = false, isContinuation: Bool = false) {
        self.char = char
        self.role = role
        self.inverse = inverse
        self.isContinuation = isContinuation
    }
    public static let blank = Cell()
}

/// A screen drawn in memory: what `render` produces and what the terminal backend copies out.
public struct Grid: Sendable, Hashable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes `text` at (x, y) within `maxWidth` columns, ending with `…` when it does not fit; returns the
    /// columns used. Never writes outside the grid, never splits a wide character.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, maxWidth: Int? = nil, role: StyleRole = .plain,
                             inverse: Bool = false, ellipsis: Character = "…") -> Int {
        guard y >= 0, y < height, x >= 0, x < width else { return 0 }
        let limit = min(maxWidth ?? (width - x), width - x)
        guard limit > 0 else { return 0 }
        let total = displayWidth(text)
        let room = total <= limit ? limit : limit - 1
        var col = x
        for ch in text {
            let printable: Character = ch == "\t" ? " " : ch
            let w = displayWidth(printable)
            if w == 0 { continue }
            if col + w > x + room { break }
            self[col, y] = Cell(printable, role, inverse: inverse)
            if w == 2 { self[col + 1, y] = Cell(" ", role, inverse: inverse, isContinuation: true) }
            col += w
        }
        if total > limit {
            self[col, y] = Cell(ellipsis, .muted, inverse: inverse)
            col += 1
        }
        return col - x
    }

    /// Writes a styled line's spans one after another.
    @discardableResult
    public mutating func put(_ line: StyledLine, x: Int, y: Int, maxWidth: Int, inverse: Bool = false,
                             ellipsis: Character = "…", roleOverride: StyleRole? = nil) -> Int {
        let total = displayWidth(line.text)
        var col = 0
        for (i, span) in line.spans.enumerated() {
            let remaining = maxWidth - col
            if remaining <= 0 { break }
            // Only the last visible span may end the line with an ellipsis; earlier spans must fit whole or be cut.
            let rest = line.spans[(i + 1)...].reduce(0) { $0 + displayWidth($1.text) }
            let spanWidth = displayWidth(span.text)
            let fitsAll = total <= maxWidth
            let allowed = fitsAll ? spanWidth : (spanWidth + rest <= remaining ? spanWidth : remaining)
            col += put(span.text, x: x + col, y: y, maxWidth: min(allowed, remaining), role: roleOverride ?? span.role,
                       inverse: inverse, ellipsis: ellipsis)
            if allowed < spanWidth { break }
        }
        return col
    }

    /// Paints a rectangle with a role (for the selected row and bars).
    public mutating func fill(x: Int, y: Int, width w: Int, role: StyleRole = .plain, inverse: Bool = false) {
        guard y >= 0, y < height else { return }
        for col in max(0, x)..<min(width, x + w) { self[col, y] = Cell(" ", role, inverse: inverse) }
    }

    /// Marks existing cells of a row as inverse (selection) without changing their text.
    public mutating func invert(x: Int, y: Int, width w: Int) {
        guard y >= 0, y < height else { return }
        for col in max(0, x)..<min(width, x + w) { self[col, y].inverse = true }
    }

    /// The text of each row, trailing spaces removed (golden files, tests, the text fallback).
    public var lines: [String] {
        (0..<height).map { y in
            var s = ""
            for x in 0..<width where !self[x, y].isContinuation { s.append(self[x, y].char) }
            while s.last == " " { s.removeLast() }
            return s
        }
    }
}
