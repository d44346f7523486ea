import CCurlLoader
import RoleHopCore

#if canImport(Glibc)
import Glibc
#endif

/// `HTTPTransport` over libcurl: real DNS, TCP, TLS and proxies, with per-phase timings and typed errors.
///
/// Each exchange runs on its own thread (libcurl's easy interface blocks), so a slow hop never blocks Swift's
/// cooperative pool or the TUI's loop. Cancellation of the calling task aborts the transfer at libcurl's next
/// progress callback (a few milliseconds).
public struct CurlTransport: HTTPTransport {
    /// Settings that come from the environment rolehop diagnoses (not necessarily this process's).
    public struct Configuration: Sendable {
        /// PEM bundle of trusted CAs (`AWS_CA_BUNDLE`); nil uses the system's.
        public var caBundle: String?
        /// `HTTPS_PROXY` / `https_proxy`.
        public var httpsProxy: String?
        /// `HTTP_PROXY` / `http_proxy`.
        public var httpProxy: String?
        /// `NO_PROXY` / `no_proxy`: comma-separated hosts, domain suffixes, `*`.
        public var noProxy: String?
        /// Largest response body accepted; a larger one fails with `.responseTooLarge`.
        public var maxResponseBytes: Int
        public var userAgent: String

        public init(caBundle: String? = nil, httpsProxy: String? = nil, httpProxy: String? = nil,
                    noProxy: String? = nil, maxResponseBytes: Int = 1 << 20,
                    userAgent: String = "rolehop/\(RoleHopVersion.string)") {
            self.caBundle = caBundle
            self.httpsProxy = httpsProxy
            self.httpProxy = httpProxy
            self.noProxy = noProxy
            self.maxResponseBytes = maxResponseBytes
            self.userAgent = userAgent
        }

        /// Reads AWS_CA_BUNDLE and the proxy variables from an environment (upper case first, as libcurl does
        /// for HTTPS_PROXY; lower case first for http_proxy, which libcurl reads only in lower case).
        public init(environment env: Environment, maxResponseBytes: Int = 1 << 20) {
            self.init(caBundle: env["AWS_CA_BUNDLE"].flatMap { $0.isEmpty ? nil : $0 },
                      httpsProxy: Self.first(env, "HTTPS_PROXY", "https_proxy"),
                      httpProxy: Self.first(env, "http_proxy", "HTTP_PROXY"),
                      noProxy: Self.first(env, "NO_PROXY", "no_proxy"),
                      maxResponseBytes: maxResponseBytes)
        }

        private static func first(_ env: Environment, _ names: String...) -> String? {
            for n in names { if let v = env[n], !v.isEmpty { return v } }
            return nil
        }

        /// The proxy to use for a URL, honouring NO_PROXY, or nil for a direct connection.
        public func proxy(for url: String) -> String? {
            let lower = url.lowercased()
            let candidate = lower.hasPrefix("https://") ? httpsProxy : (lower.hasPrefix("http://") ? httpProxy : nil)
            guard let candidate else { return nil }
            let host = CurlTransport.host(of: url).lowercased()
            if let noProxy {
                for raw in noProxy.split(separator: ",") {
                    var entry = String(raw).trimmingCharacters(in: " \t").lowercased()
                    if entry == "*" { return nil }
                    if let colon = entry.lastIndex(of: ":"), !entry.contains("]"), entry.filter({ $0 == ":" }).count == 1 {
                        entry = String(entry[..<colon])
                    }
                    if entry.hasPrefix(".") { entry.removeFirst() }
                    if entry.isEmpty { continue }
                    if host == entry || host.hasSuffix("." + entry) { return nil }
                }
            }
            return candidate
        }
    }

    public let configuration: Configuration

    /// Makes a transport; libcurl is not loaded until the first `send` (offline runs never load it).
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The host part of a URL (without port or brackets), for errors and NO_PROXY.
    static func host(of url: String) -> String {
        var rest = Substring(url)
        if let r = rest.firstRange(of: "://") { rest = rest[r.upperBound...] }
        if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<slash] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            return String(rest[rest.index(after: rest.startIndex)..<close])
        }
        if let colon = rest.lastIndex(of: ":") { rest = rest[..<colon] }
        return String(rest)
    }

    static func port(of url: String) -> Int {
        var rest = Substring(url)
        let https = url.lowercased().hasPrefix("https://")
        if let r = rest.firstRange(of: "://") { rest = rest[r.upperBound...] }
        if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<slash] }
        if let close = rest.lastIndex(of: "]") { rest = rest[rest.index(after: close)...] }
        if let colon = rest.lastIndex(of: ":"), let p = Int(rest[rest.index(after: colon)...]) { return p }
        return https ? 443 : 80
    }

    /// Sends one request. The first call loads libcurl; when that fails the process ends with exit status 2 and
    /// `CurlLibrary`'s message (see `CurlLibrary.requireOrExit`).
    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        CurlLibrary.requireOrExit()
        let exchange = Exchange(request: request, configuration: configuration)
        let result: Result<HTTPResponse, TransportError> = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>) in
                exchange.continuation = continuation
                if Task.isCancelled { exchange.cancel() }
                exchange.start()
            }
        } onCancel: {
            exchange.cancel()
        }
        return try result.get()
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

/// libcurl, opened with dlopen at the first HTTP exchange (Sources/CCurlLoader): an offline run never pays for
/// resolving libcurl and its ~35 libraries, and runs where libcurl is not installed at all.
public enum CurlLibrary {
    /// The environment variable naming a libcurl to load instead of `libcurl.so.4` (read once, at the first load).
    public static let overrideVariable = "ROLEHOP_LIBCURL"

    /// Loads libcurl (once per process; later calls return the first answer). Nil when it is usable, else a
    /// message saying which library failed, the loader's reason and what to install.
    public static func load() -> String? {
        if rh_curl_load() != 0 { return nil }
        let library = String(cString: rh_curl_library())
        let reason = String(cString: rh_curl_load_error())
        return "cannot load libcurl (\(library)): \(reason). rolehop sends HTTP through libcurl, loaded only when a "
            + "command goes online: install it (Debian/Ubuntu: apt-get install libcurl4; Fedora/RHEL: dnf install "
            + "libcurl; Alpine is not supported), use the portable archive (it carries its own), or set "
            + "\(overrideVariable) to the path of a libcurl.so.4. Offline commands work without it."
    }

    /// Starts loading libcurl on a thread of its own (see `rh_curl_load_in_background`); `load` and
    /// `requireOrExit` then wait for that load instead of starting another.
    public static func startLoading() { rh_curl_load_in_background() }

    /// Loads libcurl or ends the process: `rolehop: <message>` on stderr, exit status 2 (an environment rolehop
    /// cannot work in, like unusable input). A transport that cannot exist has no error worth reporting as a
    /// network finding, and every live command needs it.
    public static func requireOrExit() {
        guard let message = load() else { return }
        let line = Array("rolehop: \(message)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        exit(2)
    }
}

/// One request/response on its own thread. Callbacks from C reach it through an unmanaged pointer.
final class Exchange: @unchecked Sendable {
    let request: HTTPRequest
    let configuration: CurlTransport.Configuration
    var continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>?

    // Touched by the transfer thread only, except `cancelled`, which is atomic enough as an aligned word
    // read by the progress callback (a stale read only delays cancellation by one callback).
    var body: [UInt8] = []
    var headerLines: [String] = []
    var tooLarge = false
    private let cancelFlag = UnsafeMutablePointer<Int32>.allocate(capacity: 1)

    init(request: HTTPRequest, configuration: CurlTransport.Configuration) {
        self.request = request
        self.configuration = configuration
        cancelFlag.initialize(to: 0)
    }
    deinit { cancelFlag.deallocate() }

    func cancel() { rh_atomic_set_flag(cancelFlag) }
    var isCancelled: Bool { rh_atomic_get_flag(cancelFlag) }

    func start() {
        let unmanaged = Unmanaged.passRetained(self)
        var thread = pthread_t()
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED))
        let rc = pthread_create(&thread, &attr, { arg in
            guard let arg else { return nil }
            let ex = Unmanaged<Exchange>.fromOpaque(arg).takeRetainedValue()
            ex.run()
            return nil
        }, unmanaged.toOpaque())
        pthread_attr_destroy(&attr)
        if rc != 0 {
            unmanaged.release()
            finish(.failure(.connectionFailed(detail: "could not start a transfer thread (error \(rc))")))
        }
    }

    private func finish(_ result: Result<HTTPResponse, TransportError>) {
        let c = continuation
        continuation = nil
        c?.resume(returning: result)
    }

    private func run() {
        finish(perform())
    }

    private func perform() -> Result<HTTPResponse, TransportError> {
        guard let handle = rh_curl_easy_init() else {
            return .failure(.connectionFailed(detail: "libcurl could not create a handle"))
        }
        defer { rh_curl_easy_cleanup(handle) }
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { rh_curl_slist_free_all(headerList) }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }

        let url = request.url
        let lowerURL = url.lowercased()
        guard lowerURL.hasPrefix("http://") || lowerURL.hasPrefix("https://") else {
            return .failure(.invalidURL(url))
        }
        let proxy = configuration.proxy(for: url)
        let selfPointer = Unmanaged.passUnretained(self).toOpaque()

        rh_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        guard rh_curl_setopt_string(handle, CURLOPT_URL, url) == CURLE_OK else { return .failure(.invalidURL(url)) }
        rh_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        rh_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        rh_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, max(1, Int(request.timeout * 1000)))
        rh_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(min(request.connectTimeout, request.timeout) * 1000)))
        rh_curl_setopt_string(handle, CURLOPT_USERAGENT, configuration.userAgent)
        // An explicit empty proxy stops libcurl from reading this process's proxy variables: rolehop decides from
        // the environment it diagnoses, which may be another process's.
        rh_curl_setopt_string(handle, CURLOPT_PROXY, proxy ?? "")
        if let ca = configuration.caBundle { rh_curl_setopt_string(handle, CURLOPT_CAINFO, ca) }
        rh_curl_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(configuration.maxResponseBytes))
        if request.collectCertificates { rh_curl_setopt_long(handle, CURLOPT_CERTINFO, 1) }

        // Method and body.
        let method = request.method.uppercased()
        if method == "GET" && request.body.isEmpty {
            rh_curl_setopt_long(handle, CURLOPT_HTTPGET, 1)
        } else if method == "HEAD" {
            rh_curl_setopt_long(handle, CURLOPT_NOBODY, 1)
        } else {
            rh_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
            request.body.withUnsafeBufferPointer { buf in
                // COPYPOSTFIELDS copies, so the buffer need not outlive this call. An empty body still needs a
                // non-null pointer or libcurl would read from a callback.
                if let base = buf.baseAddress {
                    _ = rh_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
                } else {
                    _ = rh_curl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "")
                }
            }
            if method != "POST" { rh_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method) }
        }

        // Headers exactly as given; suppress the ones libcurl would add on its own so signatures stay valid.
        var names = Set<String>()
        for (name, value) in request.headers {
            names.insert(name.lowercased())
            headerList = rh_curl_slist_append(headerList, value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        if !names.contains("expect") { headerList = rh_curl_slist_append(headerList, "Expect:") }
        if !names.contains("accept") { headerList = rh_curl_slist_append(headerList, "Accept:") }
        if !names.contains("content-type") { headerList = rh_curl_slist_append(headerList, "Content-Type:") }
        rh_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList)

        rh_curl_setopt_write(handle, CURLOPT_WRITEFUNCTION) { ptr, size, count, user in
            guard let user, let ptr else { return 0 }
            let ex = Unmanaged<Exchange>.fromOpaque(user).takeUnretainedValue()
            let n = size * count
            if ex.body.count + n > ex.configuration.maxResponseBytes {
                ex.tooLarge = true
                return 0
            }
            ptr.withMemoryRebound(to: UInt8.self, capacity: n) { ex.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) }
            return n
        }
        rh_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, selfPointer)
        rh_curl_setopt_write(handle, CURLOPT_HEADERFUNCTION) { ptr, size, count, user in
            guard let user, let ptr else { return 0 }
            let ex = Unmanaged<Exchange>.fromOpaque(user).takeUnretainedValue()
            let n = size * count
            let line = ptr.withMemoryRebound(to: UInt8.self, capacity: n) {
                String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self)
            }
            // A new status line (after 100 Continue or a proxy's CONNECT reply) starts a new header block.
            if line.hasPrefix("HTTP/") { ex.headerLines.removeAll() }
            ex.headerLines.append(line)
            return n
        }
        rh_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, selfPointer)
        rh_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
        rh_curl_setopt_xferinfo(handle, CURLOPT_XFERINFOFUNCTION) { user, _, _, _, _ in
            guard let user else { return 0 }
            return Unmanaged<Exchange>.fromOpaque(user).takeUnretainedValue().isCancelled ? 1 : 0
        }
        rh_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, selfPointer)

        if isCancelled { return .failure(.cancelled) }
        let code = transfer(handle)
        let timings = Self.timings(handle)
        let message = String(cString: errorBuffer).trimmingCharacters(in: " \n")
        let detail = message.isEmpty ? String(cString: rh_curl_easy_strerror(code)) : message

        if code != CURLE_OK {
            return .failure(classify(code, detail: detail, handle: handle, proxy: proxy, timings: timings))
        }
        var status = 0
        rh_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        let (headers, _) = Self.parseHeaders(headerLines)
        var info = ConnectionInfo(proxy: proxy.map(Redaction.maskURLPassword))
        var ip: UnsafeMutablePointer<CChar>?
        if rh_curl_getinfo_string(handle, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK, let ip { info.remoteAddress = String(cString: ip) }
        var port = 0
        if rh_curl_getinfo_long(handle, CURLINFO_PRIMARY_PORT, &port) == CURLE_OK, port > 0 { info.remotePort = port }
        if request.collectCertificates { info.certificates = Self.certificates(handle) }
        return .success(HTTPResponse(status: status, headers: headers, body: body, timings: timings, connection: info))
    }

    /// Runs the transfer through a multi handle polled every 50 ms, so a cancel is seen within that time even
    /// while libcurl waits on a silent server (the easy interface's progress callback may wait a second or more).
    private func transfer(_ handle: UnsafeMutableRawPointer?) -> CURLcode {
        guard let multi = rh_curl_multi_init() else { return rh_curl_easy_perform(handle) }
        defer { rh_curl_multi_cleanup(multi) }
        guard rh_curl_multi_add_handle(multi, handle) == CURLM_OK else { return rh_curl_easy_perform(handle) }
        defer { rh_curl_multi_remove_handle(multi, handle) }
        var running: Int32 = 1
        while running > 0 {
            if rh_curl_multi_perform(multi, &running) != CURLM_OK { return CURLE_FAILED_INIT }
            if running == 0 { break }
            if isCancelled { return CURLE_ABORTED_BY_CALLBACK }
            _ = rh_curl_multi_poll(multi, nil, 0, 50, nil)
        }
        var left: Int32 = 0
        while let message = rh_curl_multi_info_read(multi, &left) {
            if message.pointee.msg == CURLMSG_DONE { return message.pointee.data.result }
        }
        return CURLE_OK
    }

    private func classify(_ code: CURLcode, detail: String, handle: UnsafeMutableRawPointer?, proxy: String?,
                          timings: HTTPTimings) -> TransportError {
        let host = CurlTransport.host(of: request.url)
        let maskedProxy = proxy.map(Redaction.maskURLPassword) ?? ""
        switch code {
        case CURLE_ABORTED_BY_CALLBACK:
            return .cancelled
        case CURLE_WRITE_ERROR where tooLarge, CURLE_FILESIZE_EXCEEDED:
            return .responseTooLarge(limit: configuration.maxResponseBytes)
        case CURLE_COULDNT_RESOLVE_PROXY, CURLE_PROXY:
            return .proxyFailure(proxy: maskedProxy, detail: detail)
        case CURLE_COULDNT_RESOLVE_HOST:
            return .dnsFailure(host: host, detail: detail)
        case CURLE_COULDNT_CONNECT:
            if proxy != nil { return .proxyFailure(proxy: maskedProxy, detail: detail) }
            return .connectionRefused(host: host, port: CurlTransport.port(of: request.url), detail: detail)
        case CURLE_OPERATION_TIMEDOUT:
            // Timed out before the connection (and TLS) completed: a connect timeout; afterwards: a read timeout.
            if timings.connect == 0 || (request.url.lowercased().hasPrefix("https://") && timings.tls == timings.connect && timings.firstByte == 0 && timings.connect == 0) {
                if proxy != nil { return .proxyFailure(proxy: maskedProxy, detail: detail) }
                return .connectTimeout(host: host, seconds: min(request.connectTimeout, request.timeout), detail: detail)
            }
            return .readTimeout(seconds: request.timeout, detail: detail)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED:
            return .tlsFailure(detail: detail)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidURL(request.url)
        case CURLE_RECV_ERROR where proxy != nil && detail.contains("CONNECT"):
            return .proxyFailure(proxy: maskedProxy, detail: detail)
        default:
            return .connectionFailed(detail: detail)
        }
    }

    static func timings(_ handle: UnsafeMutableRawPointer?) -> HTTPTimings {
        func get(_ info: CURLINFO) -> Double {
            var v: curl_off_t = 0
            return rh_curl_getinfo_off(handle, info, &v) == CURLE_OK ? Double(v) / 1_000_000 : 0
        }
        var t = HTTPTimings(dns: get(CURLINFO_NAMELOOKUP_TIME_T), connect: get(CURLINFO_CONNECT_TIME_T),
                            tls: get(CURLINFO_APPCONNECT_TIME_T), firstByte: get(CURLINFO_STARTTRANSFER_TIME_T),
                            total: get(CURLINFO_TOTAL_TIME_T))
        // libcurl reports 0 for phases that did not happen (no TLS on plain HTTP); make the series cumulative.
        if t.connect < t.dns && t.connect == 0 && t.firstByte > 0 { t.connect = t.dns }
        if t.tls < t.connect { t.tls = t.connect }
        if t.firstByte < t.tls && t.firstByte == 0 && t.total > 0 { t.firstByte = t.total }
        if t.total < t.firstByte { t.total = t.firstByte }
        return t
    }

    /// Splits raw header lines into (name, value) pairs; the status line is dropped.
    static func parseHeaders(_ lines: [String]) -> ([(String, String)], String) {
        var headers: [(String, String)] = []
        var statusLine = ""
        for raw in lines {
            let line = raw.trimmingCharacters(in: "\r\n")
            if line.isEmpty { continue }
            if line.hasPrefix("HTTP/") { statusLine = line; continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: " \t")))
        }
        return (headers, statusLine)
    }

    static func certificates(_ handle: UnsafeMutableRawPointer?) -> [CertificateSummary] {
        var info: UnsafeMutablePointer<curl_certinfo>?
        guard rh_curl_getinfo_certinfo(handle, CURLINFO_CERTINFO, &info) == CURLE_OK, let info,
              let lists = info.pointee.certinfo else { return [] }
        var out: [CertificateSummary] = []
        for i in 0..<Int(info.pointee.num_of_certs) {
            var subject = "", issuer = "", notAfter = "", pem = ""
            var node = lists[i]
            while let n = node {
                if let data = n.pointee.data {
                    let entry = String(cString: data)
                    if entry.hasPrefix("Subject:") { subject = String(entry.dropFirst(8)) }
                    else if entry.hasPrefix("Issuer:") { issuer = String(entry.dropFirst(7)) }
                    else if entry.hasPrefix("Expire date:") { notAfter = String(entry.dropFirst(12)) }
                    else if entry.hasPrefix("Cert:") { pem = String(entry.dropFirst(5)) }
                }
                node = n.pointee.next
            }
            out.append(CertificateSummary(subject: subject, issuer: issuer, notAfter: notAfter, pem: pem))
        }
        return out
    }
}
