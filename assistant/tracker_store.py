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
"""
from collections import OrderedDict
from typing import Any, Optional, Text, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

Stamp = Tuple[int, Optional[int]]   # (events in the session, id of the newest)


class CachedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that serves an unchanged conversation from memory.

    endpoints.yml: `tracker_store: {type: assistant.tracker_store.CachedSQLTrackerStore,
    url: ..., cache_size: 500}` (Rasa's `type: SQL` keys, plus how many idle
    conversations to keep).
    """

    def __init__(self, *args: Any, cache_size: int = 500, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cache_size = int(cache_size)
        self._cache: "OrderedDict[Text, Tuple[DialogueStateTracker, Stamp]]" = OrderedDict()

    def _stamp(self, sender_id: Text) -> Stamp:
        """What the database holds of the conversation's latest session."""
        with self.session_scope() as session:
            count, newest = (self._event_query(session, sender_id,
                                               fetch_events_from_all_sessions=False)
                             .order_by(None)
                             .with_entities(sa.func.count(self.SQLEvent.id),
                                            sa.func.max(self.SQLEvent.id))
                             .one())
        return int(count), newest

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        cached = self._cache.pop(sender_id, None)
        if cached is not None and self.domain:
            tracker, stamp = cached
            if self._stamp(sender_id) == stamp:
                return tracker
        return await super().retrieve(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        self._cache.pop(tracker.sender_id, None)
        await super().save(tracker)
        stamp = self._stamp(tracker.sender_id)
        # Kept only when it holds exactly the stored session, i.e. is what a reload would
        # build: a session started in this message leaves the older session's events in
        # memory, which a reload drops (and Rasa's save counts on that).
        if stamp[0] == len(tracker.events):
            self._cache[tracker.sender_id] = (tracker, stamp)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

