"""What a new conversation session keeps from the last one: the safety state, nothing else.

A patient who comes back after the session timeout (60 minutes) must still get the
emergency reminder for 24 hours after emergency advice, in their language, with the
clinical facts they told (redflags/conversation.py). Rasa can only carry over every slot
or none; every slot would also bring back half-answered forms, and stale triage answers
could under-triage a new problem. assistant/rasa_patches.py installs `carried_over` as
Rasa's ActionSessionStart._slot_set_events_from_tracker, with
`carry_over_slots_to_new_session: true` in domain/core.yml.
"""

import time
from typing import List, Optional

from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from contract import SLOT_EMERGENCY_ACTIVE, SLOT_STAFF_TAKEOVER, SLOT_SUMMARY, SLOT_SUMMARY_VERSIONS

EMERGENCY_AT = "emergency_at"
EMERGENCY_SECONDS = 24 * 3600
# Carried over while an emergency is recent.
EMERGENCY_SLOTS = (SLOT_EMERGENCY_ACTIVE, EMERGENCY_AT, SLOT_SUMMARY, SLOT_SUMMARY_VERSIONS)
# Always carried over (a conversation taken over by staff stays taken over).
KEPT_SLOTS = ("language", "clinical_context", SLOT_STAFF_TAKEOVER)


def carried_over(tracker: DialogueStateTracker, now: Optional[float] = None) -> List[SlotSet]:
    """SlotSet events for the new session (Rasa's signature: a static method of the tracker)."""
    now = time.time() if now is None else now
    at = tracker.get_slot(EMERGENCY_AT)
    recent = (
        bool(tracker.get_slot(SLOT_EMERGENCY_ACTIVE))
        and at is not None
        and now - float(at) <= EMERGENCY_SECONDS
    )
    names = KEPT_SLOTS + (EMERGENCY_SLOTS if recent else ())
    return [
        SlotSet(name, tracker.get_slot(name))
        for name in names
        if name in tracker.slots and tracker.get_slot(name) is not None
    ]
