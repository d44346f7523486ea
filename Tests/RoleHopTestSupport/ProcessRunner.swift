#if canImport(Glibc)
import Glibc
#endif

/// The outcome of running a program to completion.
public struct ProcessResult: Sendable {
    public var exitCode: Int32
    public var stdout: String
    public var stderr: String
    /// True when the program was killed because it ran past its timeout.
    public var timedOut: Bool
}

public struct ProcessError: Error, CustomStringConvertible {
    public var description: String
}

/// Runs programs with posix_spawn (Foundation's Process is not in FoundationEssentials).
public enum ProcessRunner {
    /// Runs `argv` to completion with the given environment (nil: inherit) and standard input, killing it after
    /// `timeout` seconds. Output is read concurrently so a chatty child cannot deadlock on a full pipe.
    public static func run(_ argv: [String], environment: [String: String]? = nil, stdin: String = "",
                           timeout: Double = 60, workingDirectory: String? = nil) throws -> ProcessResult {
        let child = try spawn(argv, environment: environment, workingDirectory: workingDirectory)
        defer { child.closeAll() }
        // Feed stdin then close it.
        if !stdin.isEmpty {
            let bytes = Array(stdin.utf8)
            var off = 0
            while off < bytes.count {
                let n = bytes[off...].withUnsafeBytes { Glibc.write(child.stdinFD, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                off += n
            }
        }
        close(child.stdinFD)
        child.stdinClosed = true
        var out: [UInt8] = []
        var err: [UInt8] = []
        let deadline = monotonicNow() + timeout
        var openFDs: [Int32] = [child.stdoutFD, child.stderrFD]
        var timedOut = false
        var buf = [UInt8](repeating: 0, count: 65536)
        while !openFDs.isEmpty {
            let remaining = deadline - monotonicNow()
            if remaining <= 0 { timedOut = true; kill(child.pid, SIGKILL); break }
            var fds = openFDs.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let r = poll(&fds, nfds_t(fds.count), Int32(min(remaining, 0.2) * 1000) + 1)
            if r < 0 && errno != EINTR { break }
            for p in fds where p.revents != 0 {
                let n = read(p.fd, &buf, buf.count)
                if n > 0 {
                    if p.fd == child.stdoutFD { out.append(contentsOf: buf[0..<n]) } else { err.append(contentsOf: buf[0..<n]) }
                } else {
                    openFDs.removeAll { $0 == p.fd }
                }
            }
        }
        var status: Int32 = 0
        while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ProcessResult(exitCode: code, stdout: String(decoding: out, as: UTF8.self),
                             stderr: String(decoding: err, as: UTF8.self), timedOut: timedOut)
    }

    /// Runs the built `rolehop` binary with arguments, as a user would.
    public static func rolehop(_ args: [String], environment: [String: String]? = nil, stdin: String = "",
                               timeout: Double = 60, workingDirectory: String? = nil) async throws -> ProcessResult {
        let binary = RepoPaths.rolehopBinary
        return try await offThePool {
            try run([binary] + args, environment: environment, stdin: stdin, timeout: timeout, workingDirectory: workingDirectory)
        }
    }

    /// `run` off Swift's cooperative pool (use this from async tests).
    public static func runAsync(_ argv: [String], environment: [String: String]? = nil, stdin: String = "",
                                timeout: Double = 60) async throws -> ProcessResult {
        try await offThePool { try run(argv, environment: environment, stdin: stdin, timeout: timeout) }
    }

    /// A minimal, predictable environment for running the binary: PATH, HOME in a temp dir, no AWS_* leaking in.
    public static func cleanEnvironment(home: String, extra: [String: String] = [:]) -> [String: String] {
        var env = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", "TERM": "dumb"]
        for (k, v) in extra { env[k] = v }
        return env
    }

    /// A started child process with pipes.
    public final class Child: @unchecked Sendable {
        public let pid: pid_t
        public let stdinFD: Int32
        public let stdoutFD: Int32
        public let stderrFD: Int32
        var stdinClosed = false
        init(pid: pid_t, stdinFD: Int32, stdoutFD: Int32, stderrFD: Int32) {
            self.pid = pid
            self.stdinFD = stdinFD
            self.stdoutFD = stdoutFD
            self.stderrFD = stderrFD
        }
        func closeAll() {
            if !stdinClosed { close(stdinFD) }
            close(stdoutFD)
            close(stderrFD)
        }

        /// Reads one line from stdout, waiting up to `timeout` seconds.
        public func readLine(timeout: Double) -> String? {
            var line: [UInt8] = []
            let deadline = monotonicNow() + timeout
            var byte: UInt8 = 0
            while monotonicNow() < deadline {
                var p = pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)
                let r = poll(&p, 1, 100)
                if r <= 0 { continue }
                let n = read(stdoutFD, &byte, 1)
                if n <= 0 { return line.isEmpty ? nil : String(decoding: line, as: UTF8.self) }
                if byte == 0x0A { return String(decoding: line, as: UTF8.self) }
                line.append(byte)
            }
            return nil
        }

        /// Closes stdin (the harness scripts exit on EOF), then kills and reaps the child.
        public func terminate() {
            lock.lock()
            defer { lock.unlock() }
            if reaped { return }
            reaped = true
            if !stdinClosed { close(stdinFD); stdinClosed = true }
            kill(pid, SIGTERM)
            var status: Int32 = 0
            let deadline = monotonicNow() + 5
            while monotonicNow() < deadline {
                let r = waitpid(pid, &status, WNOHANG)
                if r == pid || (r < 0 && errno != EINTR) { return }
                usleep(5_000)
            }
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
        private let lock = Mutex()
        private var reaped = false
    }

    /// Starts a program with stdin, stdout and stderr piped. The caller owns the child.
    public static func spawn(_ argv: [String], environment: [String: String]? = nil,
                             workingDirectory: String? = nil) throws -> Child {
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        // Close-on-exec, so a later child does not inherit (and hold open) an earlier child's stdin pipe: the harness
        // servers exit when their stdin reaches end of file.
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw ProcessError(description: "pipe failed")
        }
        for fd in inPipe + outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in inPipe + outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }

        var args = argv
        // glibc 2.36 lacks posix_spawn_file_actions_addchdir_np in its Swift-visible headers: go through sh.
        if let wd = workingDirectory {
            args = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", wd] + argv
        }
        // "/usr/bin/env python3" style commands are split into words.
        if args.count >= 1, args[0].contains(" ") {
            args = args[0].split(separator: " ").map(String.init) + args.dropFirst()
        }
        let cArgs = args.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var envStrings: [String] = []
        if let environment {
            envStrings = environment.map { "\($0.key)=\($0.value)" }
        } else {
            var p = environ
            while let e = p.pointee { envStrings.append(String(cString: e)); p += 1 }
        }
        let cEnv = envStrings.map { strdup($0) } + [nil]
        defer { cEnv.forEach { free($0) } }

        // Children start with no blocked signals and default handlers: the threads of Swift's pool (and threads
        // started from them) block every signal, and a child would inherit that mask, so a TUI under test would
        // never see SIGWINCH, SIGINT or SIGTERM.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var pid: pid_t = 0
        let path = args[0]
        let rc = path.contains("/")
            ? posix_spawn(&pid, path, &actions, &attr, cArgs, cEnv)
            : posix_spawnp(&pid, path, &actions, &attr, cArgs, cEnv)
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        guard rc == 0 else {
            close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
            throw ProcessError(description: "cannot start \(path): \(String(cString: strerror(rc)))")
        }
        return Child(pid: pid, stdinFD: inPipe[1], stdoutFD: outPipe[0], stderrFD: errPipe[0])
    }
}

/// Seconds on the monotonic clock.
public func monotonicNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
