"""Rename conversations stored before ids were scoped by channel (idempotent).

    python -m assistant.conversation_ids        # DATABASE_URL

Before, a conversation's id was the channel's sender id as it came ("919876543210",
"whatsapp:+919876543210" for Twilio, a socket.io session id, a REST sender). Now it is
`contract.conversation_id(channel, sender)` ("whatsapp:919876543210"). This renames the
old ids in the tracker store's `events` table, the channel taken from the conversation's
latest user message (`input_channel`), and in `appointment_requests` (its own `channel`
column). An id that already starts with its channel's name and ":" is left alone, so a
second run changes nothing; conversations with no channel recorded (made through the
HTTP API) are left alone too. The staff console renames its own copies with
`console/manage.py scope_conversation_ids`.

cluster/prepare.py (and so the compose `prepare` job) and scripts/run_rasa.sh run it
before the Rasa server starts.
"""

import json
import logging
import os
import sys
from typing import Dict, List, Optional, Tuple

from sqlalchemy import bindparam, create_engine, inspect, text
from sqlalchemy.engine import Connection, Engine

from contract import CHANNEL_SEPARATOR, conversation_id

logger = logging.getLogger(__name__)
CHUNK = 500


def scoped(sender_id: str, channel: str) -> bool:
    return sender_id.startswith(channel + CHANNEL_SEPARATOR)


def _channels(connection: Connection) -> Dict[str, str]:
    """{sender id: input channel of its latest user message} for every conversation."""
    latest = connection.execute(
        text("SELECT sender_id, max(id) FROM events WHERE type_name = 'user' GROUP BY sender_id")
    ).all()
    found: Dict[str, str] = {}
    query = text("SELECT sender_id, data FROM events WHERE id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    for start in range(0, len(latest), CHUNK):
        ids = [row[1] for row in latest[start : start + CHUNK]]
        for sender, data in connection.execute(query, {"ids": ids}):
            try:
                channel = (json.loads(data or "{}") or {}).get("input_channel") or ""
            except (ValueError, AttributeError):
                channel = ""
            if isinstance(channel, str) and channel:
                found[sender] = channel
    return found


def plan(connection: Connection) -> List[Tuple[str, str]]:
    """(old id, new id) of every conversation in `events` still to rename."""
    return sorted(
        (sender, conversation_id(channel, sender))
        for sender, channel in _channels(connection).items()
        if not scoped(sender, channel)
    )


def migrate(engine: Engine) -> Dict[str, int]:
    """Rename what is left to rename; returns the counts of conversations and rows."""
    result = {"conversations": 0, "events": 0, "appointment_requests": 0}
    tables = set(inspect(engine).get_table_names())
    if "events" in tables:
        with engine.begin() as connection:
            renames = plan(connection)
            for old, new in renames:
                result["events"] += connection.execute(
                    text("UPDATE events SET sender_id = :new WHERE sender_id = :old"),
                    {"new": new, "old": old},
                ).rowcount
            result["conversations"] = len(renames)
    if "appointment_requests" in tables:
        with engine.begin() as connection:
            result["appointment_requests"] = connection.execute(
                text(
                    "UPDATE appointment_requests SET sender_id = channel || :sep || sender_id "
                    "WHERE channel IS NOT NULL AND channel <> '' "
                    "AND substr(sender_id, 1, length(channel) + 1) <> channel || :sep"
                ),
                {"sep": CHANNEL_SEPARATOR},
            ).rowcount
    if any(result.values()):
        logger.info("conversation ids scoped by channel: %s", result)
    return result


def main(url: Optional[str] = None) -> int:
    url = url or os.environ.get("DATABASE_URL") or "sqlite:///var/assistant.db"
    engine = create_engine(url, future=True)
    try:
        result = migrate(engine)
    finally:
        engine.dispose()
    if any(result.values()):
        print(f"conversation ids scoped by channel: {result}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
