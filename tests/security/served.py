"""Serve a Sanic app on 127.0.0.1 in a background thread for a test (no model, no Rasa agent).

with Served(app) as served:
    requests.post(served.url + "/webhook", ...)
"""

import asyncio
import socket
import threading
from typing import Any

from sanic import Sanic


class Served:
    def __init__(self, app: Sanic) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Served":
        self._test_mode, Sanic.test_mode = Sanic.test_mode, True  # several apps in one process
        self.app.config.ACCESS_LOG = False
        self._thread.start()

        async def start():
            server = await self.app.create_server(sock=self._sock, return_asyncio_server=True)
            await server.startup()
            await server.start_serving()
            return server

        self._server = asyncio.run_coroutine_threadsafe(start(), self.loop).result(20)
        return self

    def run(self, coroutine: Any, timeout: float = 20) -> Any:
        """Run `coroutine` on the server's loop (e.g. a channel's drain)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def __exit__(self, *exc: Any) -> None:
        async def stop():
            self._server.close()
            await self._server.wait_closed()

        try:
            asyncio.run_coroutine_threadsafe(stop(), self.loop).result(20)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(5)
            Sanic.test_mode = self._test_mode
