"""Reading meaning out of one conversation's tracker events (no database access).

Rasa writes, for each patient turn: the `user` event, then the slot events of slot
extraction (it re-sets every slot each turn), then for each action an `action` event
followed by what the action did (`bot`, `slot`, `active_loop`, ...). So a slot event
belongs to an action only when an `action` event came after the last `user` event.
"""

import re
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Set

from console import pii
from console.staff.tracker import Event
from contract import CONFIRMED

LEVELS = {"URGENT": 1, "EMERGENCY": 2}
ESCALATION_SLOTS = ("escalation_level", "escalation_categories")
HIDDEN_ACTIONS = {"action_listen"}
# How the assistant says it did not understand: the domain's fallback response (rules
# answer nlu_fallback and stray form answers with it) and Rasa's core fallback action
# (config.yml, core_fallback_action_name), whatever the classifier's confidence was.
FALLBACK_ACTIONS = {"utter_default", "action_default_fallback"}


def when(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp or 0, tz=timezone.utc)


def patient_message(event: Event, low_confidence: float) -> Dict[str, Any]:
    """What the console shows and filters on for one `user` event."""
    data = event.data
    parse = data.get("parse_data") or {}
    intent = parse.get("intent") or {}
    classifier = parse.get("screened_intent") or intent  # red flags keep the original
    predicted = classifier.get("full_retrieval_intent_name") or classifier.get("name") or ""
    confidence = classifier.get("confidence")
    text = data.get("text") or ""
    payload = text.startswith("/")
    return {
        "id": event.id,
        "at": when(event.timestamp),
        "text": text,
        "channel": data.get("input_channel") or "",
        "intent": intent.get("full_retrieval_intent_name")
        or intent.get("name")
        or event.intent_name
        or "",
        "predicted": predicted,
        "confidence": confidence,
        "red_flags": [f for f in parse.get("red_flags") or [] if isinstance(f, dict)],
        "payload": payload,
        "fallback": predicted == "nlu_fallback" or intent.get("name") == "nlu_fallback",
        "low_confidence": (
            not payload and isinstance(confidence, (int, float)) and confidence < low_confidence
        ),
    }


def answered_by_fallback(events: List[Event]) -> Set[int]:
    """Ids of the patient messages the assistant answered with its fallback."""
    found: Set[int] = set()
    turn: Optional[int] = None
    for event in events:
        if event.type_name == "user":
            turn = event.id
        elif (
            turn is not None
            and event.type_name == "action"
            and event.action_name in FALLBACK_ACTIONS
        ):
            found.add(turn)
    return found


def _flag_level(flags: List[dict]) -> str:
    return "EMERGENCY" if any(f.get("level") == "EMERGENCY" for f in flags) else "URGENT"


def escalations(events: List[Event]) -> List[Dict[str, Any]]:
    """Escalations in order: one per message with a confirmed red flag, and one per
    escalation recorded without one (an emergency from the conversation's context, a
    "yes" to "Is this happening now?", the triage form). A possible finding alone is not
    an escalation: the safety review lists it."""
    found: List[Dict[str, Any]] = []
    turn: Optional[Dict[str, Any]] = None  # escalation of the current patient turn
    for event in events:
        if event.type_name == "user":
            turn = None
            flags = [
                f
                for f in (event.data.get("parse_data") or {}).get("red_flags") or []
                if isinstance(f, dict) and f.get("certainty", CONFIRMED) == CONFIRMED
            ]
            if flags:
                turn = {
                    "event_id": event.id,
                    "at": when(event.timestamp),
                    "level": _flag_level(flags),
                    "recorded": False,
                    "categories": list(dict.fromkeys(f.get("category") for f in flags)),
                }
                found.append(turn)
        elif event.type_name == "slot" and event.action_name in ESCALATION_SLOTS:
            # Set by the red-flag policy as part of its prediction (logged before the
            # advice's action) or by an action; no slot mapping re-sets them.
            value = event.data.get("value")
            if event.action_name == "escalation_level" and value:
                if turn is None or turn["recorded"]:
                    turn = {
                        "event_id": event.id,
                        "at": when(event.timestamp),
                        "categories": [],
                        "recorded": False,
                    }
                    found.append(turn)
                turn.update(level=str(value), recorded=True)
            elif event.action_name == "escalation_categories" and turn and value:
                turn["categories"] = [str(c) for c in value]
    return found


def summarize(events: List[Event], low_confidence: float) -> Dict[str, Any]:
    """The derived columns of a Conversation row, and its escalations."""
    messages = [patient_message(e, low_confidence) for e in events if e.type_name == "user"]
    fallbacks = answered_by_fallback(events)
    found = escalations(events)
    slots = final_slots(events)
    channels = [m["channel"] for m in messages if m["channel"]]
    texts = [m["text"] for m in messages if m["text"]]
    top = max((LEVELS.get(e["level"], 0) for e in found), default=0)
    return {
        "channel": channels[-1] if channels else "",
        "started_at": when(events[0].timestamp),
        "last_event_at": when(max(e.timestamp or 0 for e in events)),
        "last_event_id": events[-1].id,
        "message_count": len(messages),
        "escalation_level": {2: "EMERGENCY", 1: "URGENT"}.get(top, ""),
        "has_fallback": bool(fallbacks) or any(m["fallback"] for m in messages),
        "has_low_confidence": any(m["low_confidence"] for m in messages),
        "triage_level": str(slots.get("triage_level") or "")[:16],
        "preview": _preview(texts[-1] if texts else "", events),
        "search_text": "\n".join([events[0].sender_id, *texts]).lower()[:20000],
        "escalations": found,
    }


def _preview(text: str, events: List[Event]) -> str:
    """The list's last patient message, kept without personal data (the names the
    conversation's form recorded included)."""
    from console.staff.masking import known_names  # masking reads settings: import late

    shown = pii.redact(text, known_names(events))
    return re.sub(r"<[a-z]*$", "", shown[:200]) if len(shown) > 200 else shown


def final_slots(events: List[Event]) -> Dict[str, Any]:
    slots: Dict[str, Any] = {}
    for event in events:
        if event.type_name == "slot" and event.action_name:
            slots[event.action_name] = event.data.get("value")
        elif event.type_name == "session_started":
            slots = {}
    return slots


def timeline(events: List[Event], low_confidence: float) -> List[Dict[str, Any]]:
    """The transcript: patient and bot messages, actions, slot changes, sessions."""
    items: List[Dict[str, Any]] = []
    slots: Dict[str, Any] = {}
    fallbacks = answered_by_fallback(events)
    for event in events:
        kind, data = event.type_name, event.data
        base = {"id": event.id, "at": when(event.timestamp), "kind": kind}
        if kind == "user":
            message = patient_message(event, low_confidence)
            message["fallback"] = message["fallback"] or event.id in fallbacks
            items.append({**base, **message})
        elif kind == "bot":
            buttons = [b.get("title", "") for b in (data.get("data") or {}).get("buttons") or []]
            items.append(
                {
                    **base,
                    "text": data.get("text") or "",
                    "buttons": buttons,
                    "utter": (data.get("metadata") or {}).get("utter_action", ""),
                }
            )
        elif kind == "action" and event.action_name not in HIDDEN_ACTIONS:
            items.append(
                {
                    **base,
                    "name": event.action_name or "",
                    "policy": data.get("policy"),
                    "confidence": data.get("confidence"),
                }
            )
        elif kind == "slot" and event.action_name:
            value = data.get("value")
            if slots.get(event.action_name) != value:
                items.append({**base, "name": event.action_name, "value": value})
            slots[event.action_name] = value
        elif kind == "session_started":
            slots = {}
            items.append(base)
        elif kind == "active_loop":
            items.append({**base, "name": data.get("name")})
        elif kind == "action_execution_rejected":
            items.append({**base, "name": data.get("name") or event.action_name or ""})
    return items
