"""A stand-in SMS gateway for the tests: a real HTTP server on 127.0.0.1 (port chosen by the
system) that records every request and answers with the status it is told to."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    json: Any


@dataclass
class FakeGateway:
    """`status` answers every request (`reason` its phrase); `statuses` are used first, one per
    request; `delay` seconds pass before each answer."""

    url: str = ""
    status: int = 200
    reason: str | None = None
    statuses: list[int] = field(default_factory=list)
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_status(self) -> int:
        with self.lock:
            return self.statuses.pop(0) if self.statuses else self.status


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        gateway = self.server.gateway
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        with gateway.lock:
            gateway.received.append(
                Received(
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    json=json.loads(raw.decode("utf-8")) if raw else None,
                )
            )
        if gateway.delay:
            time.sleep(gateway.delay)
        status = gateway.next_status()
        body = json.dumps({"ok": 200 <= status < 300}).encode()
        self.send_response(status, gateway.reason)
        if 300 <= status < 400:
            self.send_header("Location", self.path)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    gateway: FakeGateway

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up waiting (the timeout test) is not news


@contextmanager
def running_gateway(path: str = "/sms/send") -> Iterator[FakeGateway]:
    server = _Server(("127.0.0.1", 0), _Handler)
    gateway = FakeGateway(url=f"http://127.0.0.1:{server.server_address[1]}{path}")
    server.gateway = gateway
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_url(path: str = "/sms/send") -> str:
    """The URL of a port on 127.0.0.1 that nothing listens on: connecting is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"
