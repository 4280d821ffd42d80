"""Rasa output channel for the Cloud API: a turn's replies as WhatsApp messages.

Text is converted to WhatsApp markup and split under 4096 characters; up to 3
buttons become reply buttons, up to 10 an interactive list, more a numbered list
the patient answers with the number.
"""

from typing import Any, Dict, List, Optional, Tuple

from rasa.core.channels.channel import OutputChannel

from assistant.channel_labels import labels_for
from channels.whatsapp.formatting import (
    TEXT_LIMIT,
    emergency_text,
    numbered_options,
    short_title,
    split_tail,
    split_text,
    to_whatsapp,
    unique_titles,
)
from channels.whatsapp.graph_client import GraphClient
from channels.whatsapp.options import OptionMemory
from channels.whatsapp.replies import BufferedOutput, Reply, TurnBuffer
from channels.whatsapp.store import digest
from channels.whatsapp.window import ServiceWindow

MAX_BUTTONS, MAX_ROWS = 3, 10
BUTTON_TITLE, BUTTON_ID, BUTTON_BODY = 20, 256, 1024
ROW_TITLE, ROW_DESCRIPTION, ROW_ID = 24, 72, 200
LIST_BUTTON, LIST_SECTION = "Choose", "Options"
EMPTY_BODY = "Please choose:"

Choices = Optional[Tuple[List[Tuple[str, str]], bool]]


def turn_ref(message_id: str) -> str:
    """The tag of a turn's replies (`biz_opaque_callback_data`), from the patient's message id."""
    return digest(message_id)[:16]


def address_of(recipient_id: str) -> Dict[str, str]:
    """Where to send when only Rasa's sender id is known: phone number or BSUID."""
    return {"to": recipient_id} if recipient_id.isdigit() else {"recipient": recipient_id}


class WhatsAppCloudOutput(BufferedOutput, OutputChannel):
    """Collects a turn's replies, then sends them (`flush`).

    With `window` set it answers no patient turn (e.g. Rasa's HTTP API asked it to
    speak): each message is sent at once, and only while the 24-hour window is open.
    """

    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    def __init__(
        self,
        graph: GraphClient,
        options: OptionMemory,
        to: Optional[Dict[str, str]] = None,
        tag: str = "",
        window: Optional[ServiceWindow] = None,
    ) -> None:
        self.graph = graph
        self.options = options
        self.to = to
        self.tag = tag
        self.window = window
        self.buffer = TurnBuffer()

    async def flush(self, recipient_id: str) -> int:
        """Send the collected replies; returns how many WhatsApp messages went out."""
        replies = await self.take_sendable(recipient_id)
        if not replies:
            return 0
        messages: List[Dict[str, Any]] = []
        offered: Choices = None
        for reply in replies:
            rendered, choices = await self._render(reply)
            messages.extend(rendered)
            offered = choices or offered
        if offered is not None:
            await self.options.remember(recipient_id, *offered)
        to = self.to or address_of(recipient_id)
        sent = 0
        for number, message in enumerate(messages, start=1):
            if self.tag:
                message["biz_opaque_callback_data"] = f"{self.tag}:{number}/{len(messages)}"
            sent += await self.graph.send({**to, **message})
        return sent

    async def _render(self, reply: Reply) -> Tuple[List[Dict[str, Any]], Choices]:
        labels = labels_for(reply.language)
        text = to_whatsapp(reply.text)
        if reply.emergency is not None:
            text = emergency_text(text, reply.emergency)
        messages = [{"type": "image", "image": {"link": reply.image}}] if reply.image else []
        if not reply.buttons:
            return messages + [_text(piece) for piece in split_text(text)], None
        titles = [str(b.get("title") or b.get("payload")) for b in reply.buttons]
        payloads = [str(b.get("payload") or b.get("title")) for b in reply.buttons]
        choices = list(zip(titles, payloads))
        if len(choices) <= MAX_BUTTONS:
            lead, body = _lead_and_body(text, BUTTON_BODY)
            buttons = [
                {
                    "type": "reply",
                    "reply": {"id": await self.options.reply_id(p, BUTTON_ID), "title": t},
                }
                for t, p in zip(unique_titles(titles, BUTTON_TITLE), payloads)
            ]
            action: Dict[str, Any] = {"buttons": buttons}
            return messages + lead + [_interactive("button", body, action, labels)], (
                choices,
                False,
            )
        if len(choices) <= MAX_ROWS:
            lead, body = _lead_and_body(text, TEXT_LIMIT)
            rows = []
            for title, short, payload in zip(titles, unique_titles(titles, ROW_TITLE), payloads):
                row = {"id": await self.options.reply_id(payload, ROW_ID), "title": short}
                if short != title:
                    row["description"] = short_title(title, ROW_DESCRIPTION)
                rows.append(row)
            action = {
                "button": short_title(labels.get("list_button") or LIST_BUTTON, BUTTON_TITLE),
                "sections": [
                    {
                        "title": short_title(labels.get("list_section") or LIST_SECTION, ROW_TITLE),
                        "rows": rows,
                    }
                ],
            }
            return messages + lead + [_interactive("list", body, action, labels)], (choices, False)
        options = numbered_options(titles, labels.get("choose_number", ""))
        listing = f"{text}\n\n{options}" if text else options
        return messages + [_text(piece) for piece in split_text(listing)], (choices, True)


def _text(body: str) -> Dict[str, Any]:
    return {"type": "text", "text": {"body": body, "preview_url": "https://" in body}}


def _interactive(
    kind: str, body: str, action: Dict[str, Any], labels: Dict[str, str]
) -> Dict[str, Any]:
    body = body or labels.get("empty_body") or EMPTY_BODY
    return {
        "type": "interactive",
        "interactive": {"type": kind, "body": {"text": body}, "action": action},
    }


def _lead_and_body(text: str, body_limit: int) -> Tuple[List[Dict[str, Any]], str]:
    """Text messages to send first, and the end of `text` (within `body_limit`) as the body."""
    head, body = split_tail(text, body_limit)
    return [_text(piece) for piece in split_text(head)], body
