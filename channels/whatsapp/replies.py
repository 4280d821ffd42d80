"""One turn's bot messages, collected from Rasa and put in sending order.

Rasa hands every bot message to the output channel (`send_response`); the WhatsApp
channels keep them until the turn ends and then send them, emergency advice first,
each as its own message. A `custom` payload is never shown to the patient. Each reply
keeps its language (set by the server's NLG), so the channel's own words match it.
"""

import logging
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from channels.whatsapp.window import ServiceWindow

logger = logging.getLogger(__name__)


@dataclass
class Reply:
    """A bot message: text, optional buttons ({title, payload}), image, emergency marker."""

    text: str = ""
    buttons: List[Dict[str, Any]] = field(default_factory=list)
    image: str = ""
    emergency: Optional[Dict[str, Any]] = None
    language: str = ""


def reply_from_rasa(message: Dict[str, Any]) -> Optional[Reply]:
    """A Reply from Rasa's message dict; None when there is nothing to show."""
    custom = message.get("custom")
    emergency = custom.get("emergency") if isinstance(custom, dict) else None
    buttons = [
        b
        for b in (message.get("buttons") or message.get("quick_replies") or [])
        if isinstance(b, dict) and (b.get("payload") or b.get("title"))
    ]
    attachment = message.get("attachment")
    text = message.get("text") or ""
    if isinstance(attachment, str) and attachment:
        text = f"{text}\n{attachment}".strip()
    reply = Reply(
        text=text,
        buttons=buttons,
        image=message.get("image") or "",
        emergency=emergency if isinstance(emergency, dict) else None,
        language=str(message.get("language") or ""),
    )
    if not (reply.text or reply.buttons or reply.image):
        return None
    return reply


class TurnBuffer:
    """The replies of one turn, in the order they should reach the patient."""

    def __init__(self) -> None:
        self._replies: List[Reply] = []

    def add(self, message: Dict[str, Any]) -> None:
        reply = reply_from_rasa(dict(message))
        if reply is not None:
            self._replies.append(reply)

    def take(self) -> List[Reply]:
        """Emergency advice first, the rest in Rasa's order; empties the buffer."""
        replies, self._replies = self._replies, []
        return [r for r in replies if r.emergency is not None] + [
            r for r in replies if r.emergency is None
        ]

    def __len__(self) -> int:
        return len(self._replies)


class BufferedOutput:
    """The `send_*` methods of Rasa's OutputChannel for both WhatsApp channels.

    Every bot message goes to `self.buffer`; the channel's `flush` sends the turn at its
    end. With `self.window` set there is no patient turn (e.g. Rasa's HTTP API asked the
    channel to speak): each message is flushed at once, while the 24-hour window is open.
    """

    buffer: TurnBuffer
    window: Optional[ServiceWindow]
    last_language: str = ""  # the language of the last replies taken (for later notices)

    async def flush(self, recipient_id: str) -> int:
        raise NotImplementedError

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        self.buffer.add(message)
        if self.window is not None:
            await self.flush(recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_response(recipient_id, {"text": text, "buttons": buttons})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"image": image})

    async def send_custom_json(
        self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any
    ) -> None:
        """Custom payloads (e.g. the emergency marker) are never shown as text."""

    async def take_sendable(self, recipient_id: str) -> List[Reply]:
        """The turn's replies in sending order; none when the 24-hour window is closed."""
        replies = self.buffer.take()
        if replies and replies[-1].language:
            self.last_language = replies[-1].language
        if replies and self.window is not None and not await self.window.is_open(recipient_id):
            logger.warning(
                "WhatsApp message not sent: the patient's 24-hour window is closed "
                "(only approved templates may be sent)"
            )
            return []
        return replies
