import RoleHopCore

/// A loopback server started from one of the Python scripts in Tests/Servers. It runs until `stop()` or until
/// the test process exits (the script exits when its stdin closes).
public final class LoopbackServer: @unchecked Sendable {
    public let child: ProcessRunner.Child
    /// The parsed READY line.
    public let info: JSONValue
    public let port: Int

    init(script: String, arguments: [String], environment: [String: String]? = nil, readyTimeout: Double = 60) throws {
        let python = RepoPaths.python
        child = try ProcessRunner.spawn([python, RepoPaths.root + "/Tests/Servers/" + script] + arguments,
                                        environment: environment)
        while true {
            guard let line = child.readLine(timeout: readyTimeout) else {
                child.terminate()
                throw ProcessError(description: "\(script) did not report READY within \(readyTimeout) s "
                                   + "(is moto installed? run `make test-deps`)")
            }
            if line.hasPrefix("READY ") {
                let doc = try JSONParser.parse(String(line.dropFirst(6)))
                info = doc.value
                port = Int(doc.value["port"]?.numberValue ?? 0)
                break
            }
        }
    }

    /// `http://127.0.0.1:PORT`
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Stops the server without blocking the caller (a test's `defer` runs on Swift's small cooperative pool).
    public func stop() {
        let c = child
        cleanUpInBackground { c.terminate() }
    }
    deinit {
        let c = child
        cleanUpInBackground { c.terminate() }
    }
}

/// moto's server seeded with a scenario (default: the reference scenario of DESIGN.md).
public enum MotoServer {
    /// One shared, unauthenticated moto for the whole test process (started on first use). Tests that
    /// change moto's state or need authentication start their own with `start`.
    public static func shared() async throws -> LoopbackServer {
        try await offThePool { try SharedMoto.instance.get() }
    }

    /// Starts a new moto with the given seed file; `auth` switches on SigV4 and policy checks after seeding.
    public static func start(seed: String? = nil, auth: Bool = false) async throws -> LoopbackServer {
        try await offThePool { try startBlocking(seed: seed, auth: auth) }
    }

    static func startBlocking(seed: String? = nil, auth: Bool = false) throws -> LoopbackServer {
        var args: [String] = []
        if let seed { args += ["--seed", seed] }
        if auth { args.append("--auth") }
        return try LoopbackServer(script: "moto_harness.py", arguments: args)
    }

    /// Access keys of a seeded user (`"111122223333/alice"`), as moto generated them.
    public static func userKeys(_ server: LoopbackServer, _ user: String) -> (id: String, secret: String)? {
        guard let u = server.info["users"]?[user], let id = u["accessKeyId"]?.stringValue,
              let secret = u["secretAccessKey"]?.stringValue else { return nil }
        return (id, secret)
    }
}

private final class SharedMoto: @unchecked Sendable {
    static let instance = SharedMoto()
    private let lock = Mutex()
    private var server: LoopbackServer?
    private var failure: String?

    func get() throws -> LoopbackServer {
        lock.lock()
        defer { lock.unlock() }
        if let server { return server }
        if let failure { throw ProcessError(description: failure) }
        do {
            let s = try MotoServer.startBlocking()
            server = s
            return s
        } catch {
            failure = "\(error)"
            throw error
        }
    }
}

/// The scripted server of Tests/Servers/scripted_server.py: answers from a list of steps.
public enum ScriptedServer {
    /// Starts a server that serves `steps` (a JSON array; see the script's docstring). With `tls` (cert, key
    /// paths) it speaks HTTPS.
    public static func start(_ steps: JSONValue, tls: (cert: String, key: String)? = nil) async throws -> LoopbackServer {
        let dir = TemporaryDirectory(prefix: "rolehop-script")
        let path = dir.write("script.json", steps.serialized())
        var args = ["--script", path]
        if let tls { args += ["--tls", tls.cert, tls.key] }
        let arguments = args
        return try await offThePool { try LoopbackServer(script: "scripted_server.py", arguments: arguments, readyTimeout: 30) }
    }

    /// A step that answers with `status` and `body`.
    public static func step(status: Int = 200, body: String = "", headers: [(String, String)] = [],
                            extra: [(String, JSONValue)] = []) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("status", .number(Double(status))), ("body", .string(body)),
            ("headers", .object(headers.map { ($0.0, JSONValue.string($0.1)) })),
        ]
        fields += extra
        return .object(fields)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// A tiny pthread mutex (Synchronization's Mutex needs a newer deployment target on some platforms).
final class Mutex: @unchecked Sendable {
    private var m = pthread_mutex_t()
    init() { pthread_mutex_init(&m, nil) }
    deinit { pthread_mutex_destroy(&m) }
    func lock() { pthread_mutex_lock(&m) }
    func unlock() { pthread_mutex_unlock(&m) }
}

/// A free TCP port on 127.0.0.1 that nothing listens on (bound, then released), for "connection refused".
public func unusedLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// Runs blocking work (waiting for a child process, reading its pipe) on a thread of its own, so it never holds
/// one of the few threads of Swift's cooperative pool: with 2 cores, two blocked tests would stall every other
/// test's network completions.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, any Error>) in
        let box = Unmanaged.passRetained(ThreadWork { c.resume(with: Result { try work() }) })
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { arg in
            guard let arg else { return nil }
            Unmanaged<ThreadWork>.fromOpaque(arg).takeRetainedValue().body()
            return nil
        }, box.toOpaque())
        if rc == 0 { pthread_detach(thread) } else {
            box.release()
            c.resume(throwing: ProcessError(description: "pthread_create failed: \(rc)"))
        }
    }
}

final class ThreadWork: @unchecked Sendable {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

/// A loopback listener whose accept queue is full, so further connections hang in SYN-SENT: a real connect
/// timeout without leaving the machine. Keep it alive for the test's duration.
public final class BlackholeListener: @unchecked Sendable {
    public let port: Int
    private var fds: [Int32] = []

    public init?() {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { return nil }
        fds.append(listener)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, len) } }
        guard ok == 0, listen(listener, 0) == 0 else { return nil }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
        // Fill the accept queue (backlog 0 still admits one or two): keep connecting until a connection stays
        // pending, which proves the queue is full whatever the machine's load.
        for _ in 0..<32 {
            let c = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            fds.append(c)
            _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(c, $0, len) } }
            var p = pollfd(fd: c, events: Int16(POLLOUT), revents: 0)
            if poll(&p, 1, 300) == 0 { break }
        }
    }

    deinit { fds.forEach { close($0) } }
}

/// A throwaway certificate for 127.0.0.1 made with the system's openssl (self-signed, so it is its own CA).
public struct TestCertificate: Sendable {
    public let certPath: String
    public let keyPath: String
    public let directory: TemporaryDirectory

    public static func make() async throws -> TestCertificate {
        let dir = TemporaryDirectory(prefix: "rolehop-tls")
        let cert = dir.path + "/cert.pem", key = dir.path + "/key.pem"
        let r = try await ProcessRunner.runAsync([
            "/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
            "-days", "2", "-subj", "/CN=rolehop test CA 127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-addext", "basicConstraints=critical,CA:TRUE",
        ], timeout: 60)
        guard r.exitCode == 0 else { throw ProcessError(description: "openssl failed: \(r.stderr)") }
        return TestCertificate(certPath: cert, keyPath: key, directory: dir)
    }
}

/// Runs blocking clean-up (killing a child, removing a folder) on a thread of its own and returns at once, so
/// a test's `defer` never holds one of the cooperative pool's threads.
public func cleanUpInBackground(_ work: @escaping @Sendable () -> Void) {
    let box = Unmanaged.passRetained(ThreadWork(work))
    var thread = pthread_t()
    let rc = pthread_create(&thread, nil, { arg in
        guard let arg else { return nil }
        Unmanaged<ThreadWork>.fromOpaque(arg).takeRetainedValue().body()
        return nil
    }, box.toOpaque())
    if rc == 0 {
        pthread_detach(thread)
    } else {
        box.release()
        work()
    }
}
