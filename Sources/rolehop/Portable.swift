import RoleHopCore

#if canImport(Glibc)
import Glibc
#endif

/// Applies `PortableLayout.adjust` to this process (TERMINFO_DIRS, AWS_CA_BUNDLE) so a binary unpacked from
/// the portable archive finds its terminfo and CA bundle. Call once at start-up, before ncurses or libcurl.
func applyPortableLayout() {
    var buf = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buf, buf.count - 1)
    guard n > 0 else { return }
    let exe = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let before = processEnvironment()
    let after = PortableLayout.adjust(environment: before, executablePath: exe, fs: LocalFileSystem())
    for (name, value) in PortableLayout.changes(from: before, to: after) { setenv(name, value, 1) }
}
