"""What the worklist reads from the tracker store for the conversations on one page: the
patient's message that raised each escalation (and its language), and the call-back
numbers left in the chat (`callback_requests`, tables.py). Two indexed queries per page,
whatever the size of the store (a table that is not there yet reads as empty)."""

import json
from datetime import datetime
from typing import Dict, Iterable, List, Tuple

from sqlalchemy import bindparam, text
from sqlalchemy.exc import DBAPIError

from console.staff import tracker
from contract import (
    LANGUAGE_ENTITY,
    LANGUAGE_KEY,
    RED_FLAGS,
    WHATSAPP_CHANNELS,
    split_conversation_id,
)

LOOK_BACK = 5  # patient messages read back from an escalation recorded after its message


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


def _has_findings(data: str) -> bool:
    """The red-flag screen found something in this `user` event (confirmed or possible)."""
    return bool((json.loads(data or "{}").get("parse_data") or {}).get(RED_FLAGS))


def _missing_table(error: DBAPIError) -> bool:
    """The table is not there (a database without it yet): nothing to read."""
    text_ = str(error.orig).lower()
    return type(error.orig).__name__ == "UndefinedTable" or "no such table" in text_


def trigger_messages(anchors: Iterable[Tuple[str, int]]) -> Dict[int, Tuple[str, str]]:
    """{anchor event id: (text, language)} of the patient message that raised each
    escalation. An escalation is anchored to the message itself (one query reads all of
    those by primary key) or to the slot the policy set after a message without a confirmed
    finding (a "yes" to "Is this happening now?", context from earlier messages): then the
    latest of the last few messages with a finding, else the latest message (one walk of
    the index (sender_id, id) back)."""
    anchors = list(anchors)
    found: Dict[int, Tuple[str, str]] = {}
    if not anchors:
        return found
    by_id = text("SELECT id, type_name, data FROM events WHERE id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    before = text(
        "SELECT data FROM events WHERE sender_id = :s AND id <= :e "
        f"AND type_name = 'user' ORDER BY id DESC LIMIT {LOOK_BACK}"
    )
    try:
        with tracker.engine().connect() as connection:
            rows = connection.execute(by_id, {"ids": [e for _, e in anchors]})
            for event_id, type_name, data in rows:
                if type_name == "user":
                    found[event_id] = _message(data)
            for sender, event_id in anchors:
                if event_id not in found:
                    recent = [
                        r[0] for r in connection.execute(before, {"s": sender, "e": event_id})
                    ]
                    # "yes" to "Is this happening now?": the words are the message before
                    flagged = [d for d in recent if _has_findings(d)]
                    if flagged or recent:
                        found[event_id] = _message((flagged or recent)[0])
    except DBAPIError as error:
        if not _missing_table(error):
            raise
    return found


def callback_numbers(senders: List[str]) -> Dict[str, str]:
    """{sender: the latest number left for a call back}."""
    if not senders:
        return {}
    sql = text(
        "SELECT sender_id, phone FROM callback_requests WHERE sender_id IN :s "
        "ORDER BY created_at, id"
    ).bindparams(bindparam("s", expanding=True))
    try:
        with tracker.engine().connect() as connection:
            return {sender: phone for sender, phone in connection.execute(sql, {"s": senders})}
    except DBAPIError as error:
        if not _missing_table(error):
            raise
        return {}


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
