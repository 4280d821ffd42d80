"""The two places where the project changes Rasa 3.6.21's own code, in one guarded module.

1. Conversations belong to their channel. Rasa stores a conversation under the sender id
   that the input channel hands over, whichever channel that is: a REST caller who sent
   `"sender": "<a WhatsApp patient's number>"` read and changed that patient's
   conversation. Here every input channel's messages are stored under
   `contract.conversation_id(<channel name>, <sender id>)` ("whatsapp:9198...",
   "rest:...", "socketio:<session id>"), whichever channel it is, stock or ours, and the
   channel's output sees its own sender id again, so replies reach the right address.
2. Rasa's HTTP API takes its token only as `?token=` in the URL, which lands in proxy
   logs. Here `Authorization: Bearer <token>` is accepted too (the query string still is).

Both are installed by `install()`, which `channels/__init__.py` calls: Rasa imports the
channels named in credentials.yml before it builds its app and registers the channels,
so the patches are in place however the server is started (`rasa run`, scripts/, Docker).
Any other Rasa version stops the server with an error: these functions are Rasa's
internals and must be checked again before an upgrade.
"""
import hmac
import logging
from functools import wraps
from inspect import isawaitable
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import rasa
import rasa.server
from rasa.core.channels import channel as rasa_channel
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage

from contract import conversation_id, split_conversation_id

logger = logging.getLogger(__name__)

RASA_VERSION = "3.6.21"
_installed: Dict[str, Any] = {}


class ScopedOutput(OutputChannel):
    """A channel's output, addressed with the conversation id, passing on the channel's own id."""

    def __init__(self, inner: OutputChannel, channel: str) -> None:
        self.inner = inner
        self.channel = channel

    def name(self) -> Text:  # type: ignore[override]
        return self.inner.name()

    def local_id(self, recipient_id: Text) -> Text:
        channel, sender = split_conversation_id(recipient_id or "")
        return sender if channel == self.channel else recipient_id

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        await self.inner.send_response(self.local_id(recipient_id), message)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.inner.send_text_message(self.local_id(recipient_id), text, **kwargs)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self.inner.send_image_url(self.local_id(recipient_id), image, **kwargs)

    async def send_attachment(self, recipient_id: Text, attachment: Text, **kwargs: Any) -> None:
        await self.inner.send_attachment(self.local_id(recipient_id), attachment, **kwargs)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text,
                                     buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        await self.inner.send_text_with_buttons(self.local_id(recipient_id), text, buttons,
                                                **kwargs)

    async def send_quick_replies(self, recipient_id: Text, text: Text,
                                 quick_replies: List[Dict[Text, Any]], **kwargs: Any) -> None:
        await self.inner.send_quick_replies(self.local_id(recipient_id), text, quick_replies,
                                            **kwargs)

    async def send_elements(self, recipient_id: Text, elements: Any, **kwargs: Any) -> None:
        await self.inner.send_elements(self.local_id(recipient_id), elements, **kwargs)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any],
                               **kwargs: Any) -> None:
        await self.inner.send_custom_json(self.local_id(recipient_id), json_message, **kwargs)

    def __getattr__(self, name: str) -> Any:  # e.g. CollectingOutputChannel.messages
        return getattr(self.inner, name)


def scope_message(channel: str, message: UserMessage) -> UserMessage:
    """The message, stored under its channel's conversation id, answered through `channel`."""
    message.sender_id = conversation_id(channel, message.sender_id)
    if message.output_channel is not None and not isinstance(message.output_channel,
                                                             ScopedOutput):
        message.output_channel = ScopedOutput(message.output_channel, channel)
    return message


def scope_channel(input_channel: InputChannel) -> InputChannel:
    """Make every message of `input_channel` land in the channel's own conversations."""
    if getattr(input_channel, "_scoped_by_channel", False):
        return input_channel
    name = input_channel.name()
    blueprint = input_channel.blueprint
    get_output_channel = input_channel.get_output_channel

    def scoped_blueprint(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Any:
        async def handler(message: UserMessage) -> Any:
            return await on_new_message(scope_message(name, message))
        return blueprint(handler)

    def scoped_output() -> Optional[OutputChannel]:
        output = get_output_channel()
        return None if output is None else ScopedOutput(output, name)

    input_channel.blueprint = scoped_blueprint  # type: ignore[assignment]
    input_channel.get_output_channel = scoped_output  # type: ignore[assignment]
    input_channel._scoped_by_channel = True  # type: ignore[attr-defined]
    return input_channel


def bearer_token(request: Any) -> Optional[str]:
    """The token of an `Authorization: Bearer <token>` header, if any."""
    header = request.headers.get("Authorization") or ""
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def accepts_bearer(requires_auth: Callable) -> Callable:
    """rasa.server.requires_auth that also accepts the API token as a Bearer header."""

    @wraps(requires_auth)
    def patched(app: Any, token: Optional[Text] = None) -> Callable:
        stock = requires_auth(app, token)

        def decorator(view: Callable) -> Callable:
            checked = stock(view)

            @wraps(view)
            async def decorated(request: Any, *args: Any, **kwargs: Any) -> Any:
                given = bearer_token(request)
                if token and given and hmac.compare_digest(given.encode(), token.encode()):
                    result = view(request, *args, **kwargs)
                    return await result if isawaitable(result) else result
                return await checked(request, *args, **kwargs)
            return decorated
        return decorator
    return patched


def check_version(version: str = rasa.__version__) -> None:
    if version != RASA_VERSION:
        raise RuntimeError(
            f"assistant/rasa_patches.py is written for Rasa {RASA_VERSION}, not {version}: "
            "check rasa.core.channels.channel.register and rasa.server.requires_auth "
            "in the new version and update the patches before starting the server")


def install() -> None:
    """Install both patches once; fails loudly on another Rasa version."""
    check_version()
    if _installed:
        return
    register = rasa_channel.register

    def scoped_register(input_channels: List[InputChannel], app: Any,
                        route: Optional[Text]) -> None:
        register([scope_channel(c) for c in input_channels], app, route)

    _installed["register"], _installed["requires_auth"] = register, rasa.server.requires_auth
    rasa_channel.register = scoped_register
    rasa.server.requires_auth = accepts_bearer(rasa.server.requires_auth)
    logger.debug("conversations scoped by channel; API token accepted as a Bearer header")
