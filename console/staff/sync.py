"""Keeping the console's Conversation/Escalation rows in step with the tracker store.

Incremental: SyncState remembers the highest event id read. A sync re-reads the ids
above it minus an overlap window (an event can commit after one with a higher id:
Rasa saves different conversations in concurrent transactions), and re-summarises
each conversation whose newest event it has not seen yet, from all of its events
(index console_events_sender_id_id), so recomputing is idempotent. Staff data
(follow-up, reviewed, tags, notes, missed red flags) is kept; the flagged messages of
the safety review are derived data and rewritten with their conversation.
"""

import logging
import threading
import time
from collections import defaultdict
from typing import Dict, List, Optional, Set, Tuple

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from console.staff import tracker
from console.staff.events import summarize
from console.staff.models import OPEN_STATUSES, Conversation, Escalation, FlaggedMessage, SyncState
from console.staff.red_flag_review import flagged_messages

logger = logging.getLogger(__name__)
OVERLAP = 2000
CHUNK = 400
DERIVED = [
    "channel",
    "started_at",
    "last_event_at",
    "last_event_id",
    "message_count",
    "escalation_level",
    "needs_followup",
    "has_fallback",
    "has_low_confidence",
    "triage_level",
    "preview",
    "search_text",
]
_lock = threading.Lock()
_last_run = 0.0
_indexed: Set[str] = set()  # tracker URLs whose indexes were checked by this process
# Sent inside the sync's transaction after a batch of conversations was summarised, with
# `groups` ({sender id: events}) and `conversations` ({sender id: Conversation}): other
# apps derive their own tables from the same reading (console/analytics/receivers.py).
summarized = Signal()


def sync(max_events: Optional[int] = None, force: bool = False) -> Tuple[int, bool]:
    """One pass; returns (conversations updated, caught up with the events table).
    `force` re-summarises every conversation read, even those already up to date."""
    if not _lock.acquire(blocking=False):
        return 0, False
    try:
        if not tracker.has_table("events"):
            return 0, True
        if settings.TRACKER_DATABASE_URL not in _indexed:  # Rasa may create it after us
            tracker.ensure_indexes()
            _indexed.add(settings.TRACKER_DATABASE_URL)
        with transaction.atomic():
            state = SyncState.objects.select_for_update(skip_locked=True).filter(pk=1).first()
            if state is None:  # another process is syncing
                return 0, False
            top = tracker.max_event_id()
            if top == state.last_event_id:
                return 0, True
            floor = max(0, min(state.last_event_id, top) - OVERLAP)
            limit = max_events + OVERLAP if max_events else None
            heads, read_top = tracker.senders_after(floor, limit)
            stale = list(heads) if force else _stale(heads)
            channels = set(state.channels)
            for chunk in tracker.iter_chunks(stale, CHUNK):
                channels |= _apply(dict(tracker.events_of_senders(chunk)))
            state.last_event_id = read_top if top >= state.last_event_id else top
            state.channels = sorted(c for c in channels if c)
            state.synced_at = timezone.now()
            state.save()
            return len(stale), read_top >= top
    finally:
        _lock.release()


def sync_quietly(min_interval: float = 2.0) -> None:
    """Sync before a page is shown; at most every `min_interval` s, never failing it."""
    global _last_run
    if time.monotonic() - _last_run < min_interval:
        return
    _last_run = time.monotonic()
    try:
        sync(settings.CONSOLE_SYNC_MAX_EVENTS)
    except Exception as error:  # the page still shows what was synced before
        logger.warning("conversation sync failed: %s", type(error).__name__)


def resync(senders: List[str]) -> int:
    """Re-summarise the given senders now; drop those left without events (returns
    how many conversations were dropped)."""
    groups: Dict[str, List[tracker.Event]] = {}
    removed = 0
    for chunk in tracker.iter_chunks(senders, CHUNK):
        groups.update(tracker.events_of_senders(chunk))
    with transaction.atomic():
        for chunk in tracker.iter_chunks([s for s in senders if s not in groups], CHUNK):
            removed += (
                Conversation.objects.filter(sender_id__in=chunk)
                .delete()[1]
                .get("staff.Conversation", 0)
            )
        _apply(groups)
    return removed


def _stale(heads: Dict[str, int]) -> List[str]:
    known: Dict[str, int] = {}
    for chunk in tracker.iter_chunks(heads, CHUNK):
        known.update(
            Conversation.objects.filter(sender_id__in=chunk).values_list(
                "sender_id", "last_event_id"
            )
        )
    return [s for s, head in heads.items() if known.get(s, -1) < head]


def _apply(groups: Dict[str, list]) -> set:
    """Write the summaries of these senders' events; returns the channels seen."""
    threshold = settings.CONSOLE_LOW_CONFIDENCE
    summaries = {s: summarize(events, threshold) for s, events in groups.items() if events}
    existing = {c.sender_id: c for c in Conversation.objects.filter(sender_id__in=summaries)}
    old: Dict[int, Dict[int, Escalation]] = defaultdict(dict)
    for esc in Escalation.objects.filter(conversation__in=existing.values()):
        old[esc.conversation_id][esc.event_id] = esc
    new_rows = []
    for sender, summary in summaries.items():
        fields = {k: summary[k] for k in DERIVED if k != "needs_followup"}
        conv = existing.get(sender)
        if conv is None:
            conv = Conversation(sender_id=sender, **fields)
            new_rows.append(conv)
        else:
            for key, value in fields.items():
                setattr(conv, key, value)
        previous = old.get(conv.pk, {})
        conv.needs_followup = any(
            previous[e["event_id"]].is_open if e["event_id"] in previous else True
            for e in summary["escalations"]
        )
    Conversation.objects.bulk_create(new_rows)
    Conversation.objects.bulk_update(list(existing.values()), DERIVED, batch_size=500)
    conversations = {**existing, **{c.sender_id: c for c in new_rows}}
    _write_escalations(summaries, conversations, old)
    _write_flagged({s: flagged_messages(groups[s]) for s in summaries}, conversations)
    summarized.send(
        sender=Conversation, groups={s: groups[s] for s in summaries}, conversations=conversations
    )
    return {s["channel"] for s in summaries.values()}


def _write_escalations(summaries, conversations, old) -> None:
    create, update, gone = [], [], []
    for sender, summary in summaries.items():
        conv = conversations[sender]
        previous = old.get(conv.pk, {})
        seen = set()
        for found in summary["escalations"]:
            seen.add(found["event_id"])
            esc = previous.get(found["event_id"])
            if esc is None:
                create.append(Escalation(conversation=conv, **found))
            elif (esc.level, esc.categories, esc.recorded) != (
                found["level"],
                found["categories"],
                found["recorded"],
            ):
                esc.level, esc.categories, esc.recorded = (
                    found["level"],
                    found["categories"],
                    found["recorded"],
                )
                update.append(esc)
        gone += [e.pk for event_id, e in previous.items() if event_id not in seen]
    Escalation.objects.bulk_create(create, batch_size=500)
    Escalation.objects.bulk_update(update, ["level", "categories", "recorded"], batch_size=500)
    if gone:
        Escalation.objects.filter(pk__in=gone).delete()


def _write_flagged(found, conversations) -> None:
    """Replace the flagged messages of these conversations (derived data only)."""
    pks = [conversations[s].pk for s in found]
    for chunk in tracker.iter_chunks(pks, CHUNK):
        FlaggedMessage.objects.filter(conversation_id__in=chunk).delete()
    FlaggedMessage.objects.bulk_create(
        [
            FlaggedMessage(conversation=conversations[s], **row)
            for s, rows in found.items()
            for row in rows
        ],
        batch_size=500,
    )


def refresh_followup(conversation: Conversation) -> None:
    """Recompute the 'awaiting follow-up' flag after a follow-up status change."""
    conversation.needs_followup = conversation.escalations.filter(
        followup_status__in=OPEN_STATUSES
    ).exists()
    conversation.save(update_fields=["needs_followup"])
