import RoleHopCore
import Testing

@Suite("Reading another process's environment and the portable layout")
struct ProcEnvironmentTests {
    @Test func readsNULSeparatedEnviron() throws {
        var fs = MemoryFileSystem()
        fs.addBytes("/proc/42/environ", Array("AWS_ROLE_ARN=arn:aws:iam::111122223333:role/a\0HOSTNAME=app-7d9\0EMPTY=\0X=a=b\0".utf8))
        let env = try ProcEnvironment.read(pid: 42, fs: fs)
        #expect(env["AWS_ROLE_ARN"] == "arn:aws:iam::111122223333:role/a")
        #expect(env["HOSTNAME"] == "app-7d9")
        #expect(env["EMPTY"] == "")
        #expect(env["X"] == "a=b")
    }

    @Test func permissionDeniedNamesPtrace() {
        var fs = MemoryFileSystem()
        fs.add("/proc/1/environ", "A=b", readable: false)
        #expect {
            try ProcEnvironment.read(pid: 1, fs: fs)
        } throws: { e in
            (e as? InputError).map { $0.file == "/proc/1/environ" && $0.message.contains("CAP_SYS_PTRACE") } ?? false
        }
    }

    @Test func missingProcessNamesTarget() {
        #expect {
            try ProcEnvironment.read(pid: 7, fs: MemoryFileSystem())
        } throws: { e in (e as? InputError)?.message.contains("--target") ?? false }
    }

    static func layoutFS(systemCA: String? = nil, bundled: Bool = true) -> MemoryFileSystem {
        var fs = MemoryFileSystem()
        fs.add("/opt/rolehop/bin/rolehop", "ELF")
        fs.add("/opt/rolehop/share/terminfo/x/xterm", "terminfo")
        if bundled { fs.add("/opt/rolehop/share/ca-certificates.crt", "PEM") }
        if let systemCA { fs.add(systemCA, "PEM") }
        return fs
    }

    struct LayoutCase: Sendable, CustomTestStringConvertible {
        var name: String
        var env: [String: String]
        var fs: MemoryFileSystem
        var terminfo: String?
        var ca: String?
        var testDescription: String { name }
    }

    static let layoutCases: [LayoutCase] = [
        LayoutCase(name: "distroless without CAs", env: [:], fs: layoutFS(),
                   terminfo: "/opt/rolehop/share/terminfo:", ca: "/opt/rolehop/share/ca-certificates.crt"),
        LayoutCase(name: "Debian CA present", env: [:], fs: layoutFS(systemCA: "/etc/ssl/certs/ca-certificates.crt"),
                   terminfo: "/opt/rolehop/share/terminfo:", ca: nil),
        LayoutCase(name: "Amazon Linux CA path", env: [:], fs: layoutFS(systemCA: "/etc/pki/tls/certs/ca-bundle.crt"),
                   terminfo: "/opt/rolehop/share/terminfo:", ca: "/etc/pki/tls/certs/ca-bundle.crt"),
        LayoutCase(name: "user settings win", env: ["TERMINFO_DIRS": "/usr/share/terminfo", "AWS_CA_BUNDLE": "/corp.pem"], fs: layoutFS(),
                   terminfo: "/usr/share/terminfo", ca: "/corp.pem"),
        LayoutCase(name: "no bundled CA", env: [:], fs: layoutFS(bundled: false), terminfo: "/opt/rolehop/share/terminfo:", ca: nil),
    ]

    @Test(arguments: layoutCases)
    func portableLayout(_ c: LayoutCase) {
        let before = Environment(c.env)
        let after = PortableLayout.adjust(environment: before, executablePath: "/opt/rolehop/bin/rolehop", fs: c.fs)
        #expect(after["TERMINFO_DIRS"] == c.terminfo)
        #expect(after["AWS_CA_BUNDLE"] == c.ca)
        let changed = PortableLayout.changes(from: before, to: after).map(\.0)
        #expect(changed == ["AWS_CA_BUNDLE", "TERMINFO_DIRS"].filter { before[$0] == nil && after[$0] != nil })
    }

    @Test func binaryOutsideTheLayoutChangesNothing() {
        let env = PortableLayout.adjust(environment: Environment(), executablePath: "/usr/local/sbin/rolehop", fs: Self.layoutFS())
        #expect(env.variables.isEmpty)
    }
}
