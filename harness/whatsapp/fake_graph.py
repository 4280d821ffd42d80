"""A local stand-in for the Graph API (and Twilio's Messages API) on 127.0.0.1.

Records every message the channels send, with the time it arrived, and can answer
the next requests with an error status (429, 500, ...) to exercise the retries.
"""

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import parse_qs


@dataclass
class Sent:
    path: str
    headers: Dict[str, str]
    body: Dict[str, Any]
    status: int
    at: float = field(default_factory=time.monotonic)


class FakeGraph:
    """Run with `with FakeGraph() as graph:`; `graph.url` is the base URL for the channel."""

    def __init__(self) -> None:
        self.attempts: List[Sent] = []  # every request, accepted or not
        self._failures: List[Tuple[int, Optional[str]]] = []
        self._listeners: List[Callable[[Sent], None]] = []
        self._changed = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> "FakeGraph":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

    def listen(self, callback: Callable[[Sent], None]) -> None:
        """Call `callback(sent)` (in the server's thread) for every accepted message."""
        self._listeners.append(callback)

    def fail_next(self, *statuses: int, retry_after: Optional[str] = None) -> None:
        """Answer the next requests with these statuses, in order."""
        with self._changed:
            self._failures.extend((status, retry_after) for status in statuses)

    @property
    def sent(self) -> List[Sent]:
        """Requests that were accepted (2xx)."""
        with self._changed:
            return [s for s in self.attempts if s.status < 300]

    def wait_for(self, count: int, timeout: float = 10.0) -> List[Sent]:
        """Wait until at least `count` messages were accepted; returns them all."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len([s for s in self.attempts if s.status < 300]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
        return self.sent

    def settle(self, quiet: float = 0.5, timeout: float = 10.0) -> List[Sent]:
        """Wait until no request arrived for `quiet` seconds; returns accepted messages."""
        deadline = time.monotonic() + timeout
        seen = -1
        while time.monotonic() < deadline:
            with self._changed:
                now = len(self.attempts)
            if now == seen:
                break
            seen = now
            time.sleep(quiet)
        return self.sent

    def _record(self, sent: Sent) -> None:
        with self._changed:
            self.attempts.append(sent)
            self._changed.notify_all()
        if sent.status < 300:
            for callback in self._listeners:
                callback(sent)

    def _next_failure(self) -> Optional[Tuple[int, Optional[str]]]:
        with self._changed:
            return self._failures.pop(0) if self._failures else None

    def _handler(self):
        graph = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                twilio = self.path.endswith("/Messages.json")
                if twilio:
                    body = {
                        k: v if len(v) > 1 else v[0]
                        for k, v in parse_qs(raw.decode("utf-8")).items()
                    }
                else:
                    body = json.loads(raw or b"{}")
                failure = graph._next_failure()
                status = failure[0] if failure else (201 if twilio else 200)
                graph._record(Sent(self.path, dict(self.headers), body, status))
                answer: Dict[str, Any]
                if failure:
                    answer = {
                        "error": {
                            "message": "fake failure",
                            "type": "OAuthException",
                            "code": _graph_code(status),
                            "fbtrace_id": "FakeTrace",
                        },
                        "code": 20429 if status == 429 else 20500,
                        "message": "fake failure",
                        "status": status,
                    }
                elif twilio:
                    answer = {
                        "sid": "SM" + uuid.uuid4().hex,
                        "status": "queued",
                        "to": body.get("To"),
                        "from": body.get("From"),
                        "body": body.get("Body"),
                    }
                else:
                    answer = {
                        "messaging_product": "whatsapp",
                        "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                        "messages": [{"id": "wamid.fake" + uuid.uuid4().hex}],
                    }
                data = json.dumps(answer).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if failure and failure[1] is not None:
                    self.send_header("Retry-After", failure[1])
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def _graph_code(status: int) -> int:
    """Graph's error code for a failure status: throttled, temporary, or a bad request."""
    return 130429 if status == 429 else 2 if status >= 500 else 100
