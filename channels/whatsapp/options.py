"""The buttons a patient was last offered, so an answer like "2" or "Yes" maps to the payload.

Rasa buttons carry a payload ("/affirm", '/inform{"tr_severity": "severe"}' or a
question). WhatsApp shows them as reply buttons, a list or numbered text; whichever
way the patient answers, the channel hands Rasa the payload of the chosen button.
"""

import json
import re
from typing import Sequence, Tuple

from channels.whatsapp.store import Namespace, digest

OPTIONS_TTL = 24 * 3600  # as long as the service window
PAYLOAD_TTL = 30 * 24 * 3600  # long payloads behind old buttons still in the chat

_NUMBER = re.compile(r"^\s*(?:option|no\.?|#)?\s*(\d{1,2})\s*[.)]?\s*$", re.I)

INLINE_PREFIX = "p:"  # reply id carries the payload itself
STORED_PREFIX = "h:"  # reply id carries the hash of a payload kept in the store


class OptionMemory:
    """Per-patient options of the last bot turn, and payloads too long for a reply id."""

    def __init__(self, namespace: Namespace, ttl: int = OPTIONS_TTL) -> None:
        self.namespace = namespace
        self.ttl = ttl

    async def remember(
        self, sender_id: str, choices: Sequence[Tuple[str, str]], numbered: bool
    ) -> None:
        """Keep (title, payload) pairs; `numbered` when the patient saw them numbered."""
        value = json.dumps({"numbered": numbered, "choices": [list(c) for c in choices]})
        await self.namespace.store.set(self.namespace.key("options", sender_id), value, self.ttl)

    async def forget(self, sender_id: str) -> None:
        await self.namespace.store.pop(self.namespace.key("options", sender_id))

    async def answer(self, sender_id: str, text: str) -> str:
        """The payload `text` picks ("2", or a title typed out), else `text` itself.

        Options only answer the very next message, so a later "2" stays a number.
        """
        raw = await self.namespace.store.pop(self.namespace.key("options", sender_id))
        if not raw:
            return text
        offered = json.loads(raw)
        choices = offered.get("choices") or []
        number = _NUMBER.match(text or "")
        if number and offered.get("numbered"):
            index = int(number.group(1))
            if 1 <= index <= len(choices):
                return choices[index - 1][1]
        typed = " ".join((text or "").split()).casefold()
        for title, payload in choices:
            if typed and typed == " ".join(title.split()).casefold():
                return payload
        return text

    async def reply_id(self, payload: str, limit: int) -> str:
        """An interactive reply id for `payload` within WhatsApp's `limit` characters."""
        if len(INLINE_PREFIX) + len(payload) <= limit:
            return INLINE_PREFIX + payload
        ref = digest(payload)
        await self.namespace.store.set(
            f"{self.namespace.prefix}payload:{ref}", payload, PAYLOAD_TTL
        )
        return STORED_PREFIX + ref

    async def payload_for(self, reply_id: str, title: str) -> str:
        """The payload behind a tapped button or list row (its title if it is unknown)."""
        if reply_id.startswith(INLINE_PREFIX):
            return reply_id[len(INLINE_PREFIX) :]
        if reply_id.startswith(STORED_PREFIX):
            ref = reply_id[len(STORED_PREFIX) :]
            stored = await self.namespace.store.get(f"{self.namespace.prefix}payload:{ref}")
            return stored or title or ""
        return reply_id or title or ""
