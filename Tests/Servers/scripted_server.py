#!/usr/bin/env python3
"""A loopback HTTP(S) server that answers from a script, for failures moto cannot produce.

The script (JSON, from --script FILE) is a list of steps served in order, the last one repeating:
  {"status": 200, "headers": {"Content-Type": "text/xml"}, "body": "...",
   "delayBeforeHeaders": 0.0,   # seconds to wait before answering (slow server)
   "stallAfterHeaders": 0.0,    # send headers and part of the body, then wait (read timeout)
   "bodyRepeat": 0,             # send body repeated this many times (large responses)
   "truncate": false,           # promise more Content-Length than is sent, then close
   "closeWithoutResponse": false}
Optional keys "match": {"path": "/x", "bodyContains": "Action=AssumeRole&"} pick a step by path and/or request
body instead of by order (for discovery + JWKS, or one answer per STS action); matched steps repeat.
Prints `READY {"port": N}` and runs until stdin closes. GET /__requests returns what was received.
With --tls CERT KEY it serves HTTPS.
"""
import argparse
import http.server
import json
import socketserver
import ssl
import sys
import threading
import time


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path == "/__requests":
            data = json.dumps(self.server.received).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        with self.server.lock:
            self.server.received.append({"method": self.command, "path": self.path,
                                         "headers": dict(self.headers.items()), "body": body.decode("utf-8", "replace")})
            step = None
            text = body.decode("utf-8", "replace")
            for s in self.server.script:
                m = s.get("match")
                if not m:
                    continue
                if "path" in m and m["path"] != self.path.split("?")[0]:
                    continue
                if "bodyContains" in m and m["bodyContains"] not in text:
                    continue
                step = s
                break
            if step is None:
                ordered = [s for s in self.server.script if not s.get("match")]
                i = min(self.server.counter, len(ordered) - 1)
                self.server.counter += 1
                step = ordered[i] if ordered else {"status": 404, "body": "no step"}
        time.sleep(step.get("delayBeforeHeaders", 0))
        if step.get("closeWithoutResponse"):
            self.close_connection = True
            return
        payload = step.get("body", "").encode()
        repeat = step.get("bodyRepeat", 0)
        total = len(payload) * repeat if repeat else len(payload)
        self.send_response(step.get("status", 200))
        for k, v in step.get("headers", {}).items():
            self.send_header(k, v)
        if step.get("truncate"):
            self.send_header("Content-Length", str(total + 1000))
        else:
            self.send_header("Content-Length", str(total))
        self.end_headers()
        stall = step.get("stallAfterHeaders", 0)
        if stall:
            self.wfile.write(payload[: len(payload) // 2])
            self.wfile.flush()
            time.sleep(stall)
            self.close_connection = True
            return
        try:
            if repeat:
                for _ in range(repeat):
                    self.wfile.write(payload)
            else:
                self.wfile.write(payload)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        if step.get("truncate"):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = handle_any


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--script", required=True)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args = ap.parse_args()
    with open(args.script) as f:
        script = json.load(f)
    srv = Server(("127.0.0.1", 0), Handler)
    srv.script = script
    srv.counter = 0
    srv.received = []
    srv.lock = threading.Lock()
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    print("READY " + json.dumps({"port": srv.server_address[1]}), flush=True)
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    srv.shutdown()


if __name__ == "__main__":
    main()
