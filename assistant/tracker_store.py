"""Rasa's SQL tracker store, without reloading a conversation that has not changed.

Rasa's SQLTrackerStore reads every event of the session from the database on every
message, deserialises and replays them: about a third of the server's time, and the
reason a message at turn 50 is slower than at turn 1 (docs/performance.md).

This store keeps the tracker it last saved for each conversation in memory. Before it
hands one out again it asks the database, in one indexed query, how many events the
session holds and the id of the newest: when another replica, the staff console's
erasure or anything else has written or deleted since, the numbers differ and the
tracker is read from the database as before. The database stays the only record; the
memory only spares the replay. A tracker handed out leaves the cache (the processor
changes it), so no two callers ever share one, and a message that fails before it is
saved leaves nothing behind.

A conversation erased on the patient's request (action_erase_patient_data sets the
`data_erased` slot in that turn) is not written back: its rows are deleted instead, since
the erasure already removed what the database held and the tracker still in memory
would otherwise be saved again whole.

Two smaller savings: `save` writes Rasa's rows itself so that the query that finds which
events are new also gives the stamp of what it stored (Rasa's own save counts, and a
stamp would need a second query); and a SQLite file is opened once and kept in a pool
instead of once per query (SQLAlchemy 1.4 opens SQLite files without a pool).

The Rasa internals this relies on are pinned in assistant/rasa_patches.py.
"""

import json
from collections import OrderedDict
from typing import Any, Optional, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from contract import SLOT_DATA_ERASED

Stamp = Tuple[int, Optional[int]]  # (events in the session, id of the newest)


def erased_in_latest_turn(tracker: DialogueStateTracker) -> bool:
    """True when an action of the latest turn erased the conversation (domain/privacy.yml)."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, SlotSet) and event.key == SLOT_DATA_ERASED and event.value:
            return True
    return False


class CachedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that serves an unchanged conversation from memory.

    endpoints.yml: `tracker_store: {type: assistant.tracker_store.CachedSQLTrackerStore,
    url: ..., cache_size: 500}` (Rasa's `type: SQL` keys, plus how many idle
    conversations to keep).
    """

    engine: sa.engine.Engine  # set by SQLTrackerStore.__init__, replaced below for SQLite

    def __init__(self, *args: Any, cache_size: int = 500, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pool = self.engine.pool
        if self.engine.dialect.name == "sqlite" and isinstance(pool, sa.pool.NullPool):
            self.engine.dispose()
            self.engine = sa.create_engine(
                self.engine.url,
                poolclass=sa.pool.QueuePool,
                connect_args={"check_same_thread": False},
            )
            self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        self.cache_size = int(cache_size)
        self._cache: OrderedDict[str, Tuple[DialogueStateTracker, Stamp]] = OrderedDict()

    def _stamp(self, sender_id: str, session: Optional[sa.orm.Session] = None) -> Stamp:
        """What the database holds of the conversation's latest session."""
        if session is None:
            with self.session_scope() as session:
                return self._stamp(sender_id, session)
        count, newest = (
            self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
            .order_by(None)
            .with_entities(sa.func.count(self.SQLEvent.id), sa.func.max(self.SQLEvent.id))
            .one()
        )
        return int(count), newest

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        cached = self._cache.pop(sender_id, None)
        if cached is not None and self.domain:
            tracker, stamp = cached
            if self._stamp(sender_id) == stamp:
                return tracker
        return await super().retrieve(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save: the events the session in the database does not hold yet are
        appended. Then the tracker is kept, unless it started a session in memory (a
        reload drops the older session's events, and Rasa's save counts on that)."""
        self._cache.pop(tracker.sender_id, None)
        if erased_in_latest_turn(tracker):
            with self.session_scope() as session:
                session.query(self.SQLEvent).filter(
                    self.SQLEvent.sender_id == tracker.sender_id
                ).delete()
                session.commit()
            return
        await self.stream_events(tracker)
        with self.session_scope() as session:
            stored, newest = self._stamp(tracker.sender_id, session)
            new_events = list(tracker.events)[stored:]
            rows = [self._row(tracker.sender_id, event) for event in new_events]
            session.add_all(rows)
            session.flush()  # gives the rows their ids
            if rows:
                newest = rows[-1].id
            session.commit()
        if stored <= len(tracker.events) and not any(
            isinstance(event, SessionStarted) for event in new_events
        ):
            self._cache[tracker.sender_id] = (tracker, (stored + len(rows), newest))
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def _row(self, sender_id: str, event: Event) -> "SQLTrackerStore.SQLEvent":
        """The row Rasa's SQLTrackerStore.save writes for `event`."""
        data = event.as_dict()
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            action_name=data.get("name"),
            data=json.dumps(data),
        )
