"""The socket.io channel used by the website chat widget (webchat/).

Rasa's stock `socketio` channel, with these changes:

* Origins: python-socketio only accepts browser connections whose `Origin`
  is listed in `ALLOWED_ORIGINS` (space-separated, set in scripts/env.sh).
  Stock Rasa disables that check (`cors_allowed_origins=[]`), so any web page
  could talk to the assistant. With `ALLOWED_ORIGINS` empty, only pages
  served by the Rasa server itself are accepted.
* Custom payloads: a response that has a `custom` part (the emergency and
  urgent advice) is emitted as ONE `bot_uttered` message,
  `{"text": <whole text>, "custom": {...}}` (plus `quick_replies` if it has
  buttons), so the widget can show the advice and its call link together.
  A response that is only `custom` is emitted as `{"custom": {...}}`.
  (Stock Rasa 3.6 spreads the dict into `emit()` keyword arguments, which
  loses it.) Everything else is sent exactly as the stock channel sends it:
  texts split on blank lines, buttons as `quick_replies`.
* Sessions: the server hands out the session ids (32 hex digits, 128 bits from
  the `secrets` module, unguessable) and ignores ids of any other form; every
  conversation is stored as "socketio:<session id>" (assistant/rasa_patches.py),
  so no socket can reach another channel's conversation. And it
  awaits `enter_room`: with python-socketio 5.x that is a coroutine, which
  stock Rasa 3.6 never awaits, so with `session_persistence` its replies
  never reach the browser.
* Language: every bot message carries the reply's `language` (en, hi or hinglish, set
  by the server's NLG), so the widget's own labels follow the conversation.
* Replicas: with SOCKETIO_REDIS_URL set (several Rasa replicas), the server's client
  manager is python-socketio's AsyncRedisManager, so a message emitted on any replica (a
  staff member's message of a live takeover, console/takeover/) reaches the replica that
  holds the patient's socket. Empty (one server): sockets are known to this process only.
* Feedback: after each FAQ answer (a response `utter_faq/<topic>`) the widget gets a
  `{"feedback": {"topic": <topic>}}` message and shows thumbs up / down under the answer
  (contract.py: INTENT_FEEDBACK).
* Messages: a `user_uttered` event that is not a dict with a string `message`
  (and a dict or JSON `customData`) is ignored with a warning; stock Rasa raised.

credentials.yml:

    channels.socketio.SocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
"""

import inspect
import json
import logging
import os
import re
import secrets
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

import socketio
from rasa.core.channels import socketio as stock
from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, response

from contract import FAQ_RESPONSE_PREFIX, FEEDBACK_KEY
from settings import value

logger = logging.getLogger(__name__)

_HANDLED_TOGETHER = ("text", "custom", "quick_replies", "buttons")
SESSION_ID = re.compile(r"^[0-9a-f]{32}$")  # what session_request hands out: 128 random bits
MAX_MESSAGE = 5000  # characters, as the REST channel
REDIS_CHANNEL = "assistant-socketio"  # the pub/sub channel the replicas share


def share_sockets_through_redis(sio: Any, redis_url: str) -> None:
    """Make `sio` emit through Redis pub/sub, so every replica delivers to its own sockets.

    Called before the server accepts any connection: python-socketio initialises its client
    manager on the first one."""
    manager = socketio.AsyncRedisManager(redis_url, channel=REDIS_CHANNEL)
    manager.set_server(sio)
    sio.manager = manager
    sio.manager_initialized = False


def allowed_origins(environ: Optional[Dict[str, str]] = None) -> List[str]:
    """The origins named in ALLOWED_ORIGINS, e.g. ['https://clinic.example']."""
    env = os.environ if environ is None else environ
    return [origin.rstrip("/") for origin in env.get("ALLOWED_ORIGINS", "").split()]


def closed_session_is_400(
    handle_request: Callable[..., Awaitable[Any]],
) -> Callable[..., Awaitable[Any]]:
    """python-engineio 4.15 answers a POST to a session that closed meanwhile with an
    uncaught KeyError, i.e. a 500 (its GET path answers 400): answer 400 there too."""

    async def handle(*args: Any, **kwargs: Any) -> Any:
        try:
            return await handle_request(*args, **kwargs)
        except KeyError:
            return response.text("Session is disconnected", status=400)

    return handle


def readable_packets_only(
    handle_eio_message: Callable[..., Awaitable[Any]],
) -> Callable[..., Awaitable[Any]]:
    """python-socketio 5.18 decodes each packet without a check: a malformed one ("42null",
    "42[]", JSON nested thousands deep) raised inside the server and was logged as an error
    with its traceback. Such a packet is dropped with a one-line warning instead."""

    async def handle(eio_sid: str, data: Any) -> Any:
        try:
            return await handle_eio_message(eio_sid, data)
        except (ValueError, TypeError, IndexError, KeyError, RecursionError) as error:
            logger.warning("Dropped an unreadable socket.io packet (%s).", type(error).__name__)
            return None

    return handle


def read_message(
    data: Any, sid: str, session_persistence: bool, metadata_key: str
) -> Optional[Tuple[str, str, Dict[str, Any]]]:
    """(text, sender id, metadata) of a `user_uttered` event, or None when it is not one
    (stock Rasa raised on anything but a dict with a string message)."""
    if not isinstance(data, dict):
        return None
    text, metadata = data.get("message", ""), data.get(metadata_key) or {}
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except (ValueError, RecursionError):
            return None
    if not isinstance(text, str) or len(text) > MAX_MESSAGE or not isinstance(metadata, dict):
        return None
    sender_id = data.get("session_id") if session_persistence else sid
    if not isinstance(sender_id, str) or not sender_id:
        return None
    return text, sender_id, metadata


class SocketIOOutput(stock.SocketIOOutput):
    """Stock output, except that `custom` payloads reach the widget intact."""

    language: Optional[str] = None

    async def _send_message(self, socket_id: str, response: Any) -> None:
        if self.language and isinstance(response, dict):
            response = {**response, "language": self.language}
        await super()._send_message(socket_id, response)

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        await self._send_answer(recipient_id, message)
        utter = message.get("utter_action") or ""
        if isinstance(utter, str) and utter.startswith(FAQ_RESPONSE_PREFIX):
            topic = utter[len(FAQ_RESPONSE_PREFIX) :]
            await self._send_message(recipient_id, {FEEDBACK_KEY: {"topic": topic}})

    async def _send_answer(self, recipient_id: str, message: Dict[str, Any]) -> None:
        self.language = message.get("language") or self.language
        custom = message.get("custom")
        if not (isinstance(custom, dict) and message.get("text")):
            await super().send_response(recipient_id, message)
            return
        bot_message: Dict[str, Any] = {"text": message["text"].strip(), "custom": custom}
        buttons = message.get("quick_replies") or message.get("buttons")
        if buttons:
            bot_message["quick_replies"] = [
                {"content_type": "text", "title": b["title"], "payload": b["payload"]}
                for b in buttons
            ]
        await self._send_message(recipient_id, bot_message)
        rest = {k: v for k, v in message.items() if k not in _HANDLED_TOGETHER}
        if any(rest.get(k) for k in ("image", "attachment", "elements")):
            await super().send_response(recipient_id, rest)

    async def send_custom_json(
        self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any
    ) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class SocketIOInput(stock.SocketIOInput):
    """Stock socket.io input with an origin allow-list and the output above."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def __init__(
        self, *args: Any, cors_allowed_origins: Optional[List[str]] = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        origins = allowed_origins() if cors_allowed_origins is None else cors_allowed_origins
        # None = same origin only (python-engineio's default); never [] (= no check).
        self.cors_allowed_origins: Optional[List[str]] = list(origins) or None

    def get_output_channel(self) -> Optional[OutputChannel]:
        if self.sio is None:
            return super().get_output_channel()
        return SocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def handle(message: UserMessage) -> Any:
            if self.session_persistence and not SESSION_ID.match(message.sender_id or ""):
                logger.warning("Ignored a socket.io message for a session id not handed out here.")
                return None
            message.output_channel = SocketIOOutput(self.sio, self.bot_message_evt)
            return await on_new_message(message)

        socketio_webhook = super().blueprint(handle)
        sio = self.sio
        # The stock blueprint creates the server with cors_allowed_origins=[],
        # which turns the Origin check off; python-engineio reads this
        # attribute on every request.
        sio.eio.cors_allowed_origins = self.cors_allowed_origins
        sio.eio.handle_request = closed_session_is_400(sio.eio.handle_request)
        sio.eio.on("message", readable_packets_only(sio._handle_eio_message))
        redis_url = value("SOCKETIO_REDIS_URL")
        if redis_url:
            share_sockets_through_redis(sio, redis_url)

        @sio.on(self.user_message_evt, namespace=self.namespace)  # replaces the stock one
        async def handle_message(sid: str, data: Any = None) -> None:
            message = read_message(data, sid, self.session_persistence, self.metadata_key)
            if message is None:
                logger.warning("Ignored a socket.io message that is not a chat message.")
                return
            text, sender_id, metadata = message
            await handle(
                UserMessage(
                    text,
                    SocketIOOutput(sio, self.bot_message_evt),
                    sender_id,
                    input_channel=self.name(),
                    metadata=metadata,
                )
            )

        @sio.on("session_request", namespace=self.namespace)  # replaces the stock handler
        async def session_request(sid: str, data: Any = None) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not (isinstance(session_id, str) and SESSION_ID.match(session_id)):
                session_id = secrets.token_hex(16)
            if self.session_persistence:
                joined = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(joined):
                    await joined
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        return socketio_webhook
