"""A webhook receiver on loopback: what an Apprise ``json://`` channel posts to.

``monitor demo`` points its alerts here and prints what arrived, so a newcomer sees an alert
without a Telegram bot; the tests use it as a real HTTP endpoint that can also fail (HTTP
500) or hang (accept, read, never answer) on demand.

    with Receiver() as inbox:
        inbox.apprise_url   # 'json://127.0.0.1:41234/'
        inbox.messages      # [{'title': ..., 'message': ..., 'type': 'info', ...}]
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_BODY = 1_000_000


class Receiver:
    """``mode``: "ok" (200), "fail" (500, nothing recorded) or "hang" (never answers)."""

    def __init__(self, mode: str = "ok", host: str = "127.0.0.1") -> None:
        self.mode = mode
        self.messages: list[dict[str, Any]] = []
        self.requests = 0
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="alert-receiver")

    @property
    def apprise_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"json://{host!s}:{port}/"

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._release.set()  # let hanging handlers finish
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
                body = self.rfile.read(length)
                with receiver._lock:
                    receiver.requests += 1
                if receiver.mode == "hang":
                    receiver._release.wait(120)
                    return
                if receiver.mode == "fail":
                    self.send_error(500, "receiver told to fail")
                    return
                try:
                    data = json.loads(body.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError):
                    data = {"raw": body.decode("utf-8", "replace")}
                with receiver._lock:
                    receiver.messages.append(data)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the demo prints what it received itself."""

        return Handler
