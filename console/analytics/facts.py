"""Reading the analytics columns out of one conversation's tracker events (no database).

The same reading as the console's other summaries (console/staff/events.py), so the
page's figures agree with the conversation list: a fallback is a patient message the
classifier put in `nlu_fallback` OR that the assistant answered with its own fallback
(`utter_default`, `action_default_fallback`) whatever the confidence, as the list's badge.
"""

import json
import re
from datetime import date
from typing import Any, Dict, List, Optional, Tuple

from django.utils import timezone

from console.staff.events import answered_by_fallback, patient_message, when
from console.staff.tracker import Event
from contract import (
    DEFAULT_LANGUAGE,
    FAQ_RESPONSE_PREFIX,
    FEEDBACK_TOPIC_ENTITY,
    INTENT_FEEDBACK,
    RATING_ENTITY,
    RATINGS,
    SLOT_LANGUAGE,
)

FAQ_ACTION = "utter_faq"
# A topic as the widget and the WhatsApp rating send it (an FAQ topic's name, or
# "conversation"); anything else in a typed payload is the patient's text and not kept.
TOPIC = re.compile(r"[a-z0-9_]{1,64}")
GREETING_INTENTS = {"greet"}
SYMPTOM_INTENTS = {"report_back_pain"}
SYMPTOM_FORMS = {"triage_form"}
APPOINTMENT_ACTIONS = {"action_submit_appointment"}
HUMAN_INTENTS = {"request_human"}
TAKEOVER_EVENTS = {"pause"}  # Rasa's ConversationPaused: staff took the conversation over


def local_day(moment) -> date:
    return timezone.localtime(moment).date()


def _rating(event: Event) -> Tuple[str, str]:
    """(rating, topic) of a feedback message, from its entities or its payload."""
    parse = event.data.get("parse_data") or {}
    found = {
        e.get("entity"): e.get("value") for e in parse.get("entities") or [] if isinstance(e, dict)
    }
    text = event.data.get("text") or ""
    if RATING_ENTITY not in found and "{" in text:
        try:
            payload = json.loads(text[text.index("{") :])
            found = payload if isinstance(payload, dict) else found
        except ValueError:
            pass
    rating = str(found.get(RATING_ENTITY) or "")
    topic = str(found.get(FEEDBACK_TOPIC_ENTITY) or "")
    if not TOPIC.fullmatch(topic):
        topic = ""
    return (rating if rating in RATINGS else ""), topic


def facts(
    events: List[Event], low_confidence: float, triage_level: str, escalated: bool
) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
    """(the ConversationFacts columns, the Feedback rows) of one conversation."""
    fallbacks = answered_by_fallback(events)
    language: Optional[str] = None
    channel = ""
    row: Dict[str, Any] = {
        "greeted": False,
        "faq": False,
        "symptom_check": False,
        "appointment": False,
        "human_requested": False,
        "taken_over": False,
        "patient_messages": 0,
        "fallback_replies": 0,
    }
    ratings: List[Dict[str, Any]] = []
    for event in events:
        kind, name = event.type_name, event.action_name or ""
        if kind == "user":
            message = patient_message(event, low_confidence)
            channel = message["channel"] or channel
            intent = message["intent"].split("/")[0]
            row["patient_messages"] += 1
            row["fallback_replies"] += message["fallback"] or event.id in fallbacks
            row["greeted"] |= intent in GREETING_INTENTS
            row["symptom_check"] |= intent in SYMPTOM_INTENTS
            row["human_requested"] |= intent in HUMAN_INTENTS
            if intent == INTENT_FEEDBACK:
                rating, topic = _rating(event)
                if rating:
                    at = when(event.timestamp)
                    ratings.append(
                        {
                            "event_id": event.id,
                            "at": at,
                            "day": local_day(at),
                            "rating": rating,
                            "topic": topic,
                            "language": language or DEFAULT_LANGUAGE,
                            "channel": channel,
                        }
                    )
        elif kind == "slot" and name == SLOT_LANGUAGE and event.data.get("value"):
            language = str(event.data["value"])[:16]
        elif kind == "action":
            row["faq"] |= name == FAQ_ACTION or name.startswith(FAQ_RESPONSE_PREFIX)
            row["appointment"] |= name in APPOINTMENT_ACTIONS
        elif kind == "active_loop":
            row["symptom_check"] |= event.data.get("name") in SYMPTOM_FORMS
        row["taken_over"] |= kind in TAKEOVER_EVENTS
    row.update(
        day=local_day(when(events[0].timestamp)),
        channel=channel[:64],
        language=language or DEFAULT_LANGUAGE,
        triage_level=triage_level,
        escalated=escalated,
        contained=not (escalated or row["human_requested"] or row["taken_over"]),
    )
    return row, ratings
