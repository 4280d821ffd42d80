"""What the worklist reads from the tracker store for the conversations on one page: the
patient's message that raised each escalation (and its language), and the call-back
numbers left in the chat (`callback_requests`, tables.py). A few indexed queries per page,
whatever the size of the store."""

import json
from datetime import datetime
from typing import Dict, Iterable, List, Tuple

from sqlalchemy import bindparam, text

from console.staff import tracker
from contract import LANGUAGE_ENTITY, LANGUAGE_KEY, split_conversation_id

WHATSAPP_CHANNELS = ("whatsapp", "twilio_whatsapp")


def _message(data: str) -> Tuple[str, str]:
    """(text, language) of a stored `user` event."""
    event = json.loads(data or "{}")
    parse = event.get("parse_data") or {}
    language = next(
        (
            e.get("value")
            for e in parse.get("entities") or []
            if isinstance(e, dict) and e.get("entity") == LANGUAGE_ENTITY
        ),
        None,
    )
    if not language:
        language = (parse.get(LANGUAGE_KEY) or {}).get("detected") or ""
    return event.get("text") or "", str(language or "")


def trigger_messages(anchors: Iterable[Tuple[str, int]]) -> Dict[int, Tuple[str, str]]:
    """{anchor event id: (text, language)} of the patient message at or before each anchor
    (an escalation is anchored to the message itself, or to the slot the policy set after
    it). One query per anchor, each a walk of the index (sender_id, id)."""
    found: Dict[int, Tuple[str, str]] = {}
    if not tracker.has_table("events"):
        return found
    sql = text(
        "SELECT data FROM events WHERE sender_id = :s AND id <= :e "
        "AND type_name = 'user' ORDER BY id DESC LIMIT 1"
    )
    with tracker.engine().connect() as connection:
        for sender, event_id in anchors:
            data = connection.execute(sql, {"s": sender, "e": event_id}).scalar()
            if data is not None:
                found[event_id] = _message(data)
    return found


def callback_numbers(senders: List[str]) -> Dict[str, str]:
    """{sender: the latest number left for a call back}."""
    if not senders or not tracker.has_table("callback_requests"):
        return {}
    sql = text(
        "SELECT sender_id, phone FROM callback_requests WHERE sender_id IN :s "
        "ORDER BY created_at, id"
    ).bindparams(bindparam("s", expanding=True))
    with tracker.engine().connect() as connection:
        return {sender: phone for sender, phone in connection.execute(sql, {"s": senders})}


def whatsapp_number(sender_id: str) -> str:
    """The WhatsApp number a conversation is reachable on ("+91..."), or "" (another
    channel, or a WhatsApp user known only by a business-scoped id)."""
    channel, own = split_conversation_id(sender_id)
    if channel not in WHATSAPP_CHANNELS:
        return ""
    digits = own.split(":", 1)[-1].lstrip("+")
    return "+" + digits if digits.isdigit() and 8 <= len(digits) <= 15 else ""


def delete_callbacks_of(sender_id: str) -> int:
    """Erase one conversation's call-back numbers (erasure); returns how many."""
    from tables import callback_requests

    if not tracker.has_table("callback_requests"):
        return 0
    with tracker.engine().begin() as connection:
        return connection.execute(
            callback_requests.delete().where(callback_requests.c.sender_id == sender_id)
        ).rowcount


def delete_callbacks_before(cutoff: datetime) -> int:
    """Erase the call-back numbers left before `cutoff` (retention); returns how many."""
    from tables import callback_requests

    if not tracker.has_table("callback_requests"):
        return 0
    with tracker.engine().begin() as connection:
        return connection.execute(
            callback_requests.delete().where(callback_requests.c.created_at < cutoff)
        ).rowcount
