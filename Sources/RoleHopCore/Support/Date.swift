import Glibc

/// Seconds, as a duration between two instants.
public typealias TimeInterval = Double

/// An instant in UTC, as seconds since 1970-01-01T00:00:00Z.
///
/// rolehop's own type instead of FoundationEssentials' `Date`: the only things the tool needs are an instant,
/// differences and comparisons (calendar arithmetic is in `UTCTime`), and dropping FoundationEssentials keeps
/// about 4 MB of code and tables out of the static binary (issue 11, docs/performance.md).
public struct Date: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var timeIntervalSince1970: TimeInterval

    public init(timeIntervalSince1970 t: TimeInterval) { timeIntervalSince1970 = t }

    /// The current time from the system's real-time clock. Only the command line calls this: the core takes
    /// "now" as a parameter so every computation can be replayed.
    public init() {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        timeIntervalSince1970 = TimeInterval(ts.tv_sec) + TimeInterval(ts.tv_nsec) / 1_000_000_000
    }

    public func timeIntervalSince(_ other: Date) -> TimeInterval { timeIntervalSince1970 - other.timeIntervalSince1970 }
    public func addingTimeInterval(_ t: TimeInterval) -> Date { Date(timeIntervalSince1970: timeIntervalSince1970 + t) }

    public static func < (a: Date, b: Date) -> Bool { a.timeIntervalSince1970 < b.timeIntervalSince1970 }
    public static func + (d: Date, t: TimeInterval) -> Date { d.addingTimeInterval(t) }
    public static func - (d: Date, t: TimeInterval) -> Date { d.addingTimeInterval(-t) }

    public var description: String { UTCTime.iso8601(self) }
}
