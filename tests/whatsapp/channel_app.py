"""Serve one channel's blueprint on 127.0.0.1 in a background thread, with a scripted bot.

The bot stands in for Rasa's agent: it records every UserMessage and answers through
the channel's output exactly as Rasa does (`send_response` per bot message).
"""

import asyncio
import socket
import threading
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import UserMessage
from sanic import Sanic

Replies = Callable[[UserMessage], List[Dict[str, Any]]]


def echo(message: UserMessage) -> List[Dict[str, Any]]:
    return [{"text": f"echo: {message.text}"}]


class ScriptedBot:
    """on_new_message for the channel: records messages, answers with `replies(message)`."""

    def __init__(self, replies: Replies = echo, delay: float = 0.0) -> None:
        self.replies = replies
        self.delay = delay
        self.received: List[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        if self.delay:
            await asyncio.sleep(self.delay)
        for reply in self.replies(message):
            await message.output_channel.send_response(message.sender_id, dict(reply))


class ChannelApp:
    """`with ChannelApp(channel, bot) as app:` then POST to `app.url + '/webhook'`."""

    def __init__(
        self, channel: Any, bot: Optional[Callable[[UserMessage], Awaitable]] = None
    ) -> None:
        self.channel = channel
        self.bot = bot or ScriptedBot()
        self.loop = asyncio.new_event_loop()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/{self.channel.name()}"

    def __enter__(self) -> "ChannelApp":
        self._test_mode, Sanic.test_mode = Sanic.test_mode, True  # several apps in one process
        app = Sanic(f"whatsapp_test_{uuid.uuid4().hex}")
        app.config.ACCESS_LOG = False
        app.blueprint(
            self.channel.blueprint(self.bot), url_prefix=f"/webhooks/{self.channel.name()}"
        )
        self._thread.start()

        async def start():
            server = await app.create_server(sock=self._sock, return_asyncio_server=True)
            await server.startup()
            await server.start_serving()
            return server

        self._server = asyncio.run_coroutine_threadsafe(start(), self.loop).result(10)
        return self

    def drain(self, timeout: float = 20.0) -> None:
        """Wait for every background turn of the channel to finish."""
        asyncio.run_coroutine_threadsafe(self.channel.turns.queue.drain(), self.loop).result(
            timeout
        )

    def __exit__(self, *exc: Any) -> None:
        try:
            self.drain()
        finally:

            async def stop():
                self._server.close()
                await self._server.wait_closed()
                await self.channel.turns.close()  # what the server's stop listener does

            asyncio.run_coroutine_threadsafe(stop(), self.loop).result(30)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(5)
            Sanic.test_mode = self._test_mode
