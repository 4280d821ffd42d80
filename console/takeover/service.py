"""Live takeover: a member of the clinic's team answers one conversation in person.

Taking over sets the `staff_takeover` slot through the Rasa server's HTTP API (rasa.py),
ends any form, and sends the patient `utter_takeover_started` in their language; from then
on the assistant answers nothing there but red flags (assistant/takeover_policy.py).
A staff message is a bot event with the staff member's name in its metadata, sent on the
conversation's latest channel. Handing back clears the slot and sends
`utter_takeover_ended`. A takeover that leaves the patient without a staff reply for
TAKEOVER_NO_REPLY_SECONDS sends `utter_takeover_no_reply` (how to reach the clinic), once
per wait. Each step is in the transcript (Rasa's events) and in the audit log (no text).

WhatsApp allows free-form messages only within 24 hours of the patient's last message:
outside that window nothing is sent and the console says so.
"""

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from typing import Any, Dict, List, Optional

from django.db import IntegrityError, transaction
from django.utils import timezone

from console import pii
from console.settings import project_setting as value  # the project's settings.py, by path
from console.staff import audit, masking, tracker
from console.staff.models import AuditEntry, Conversation
from console.takeover import rasa
from console.takeover.models import Takeover
from contract import (
    SLOT_STAFF_TAKEOVER,
    STAFF_MESSAGE_KEY,
    UTTER_TAKEOVER_ENDED,
    UTTER_TAKEOVER_NO_REPLY,
    UTTER_TAKEOVER_STARTED,
    WHATSAPP_CHANNELS,
    split_conversation_id,
)

# the channels a staff message can reach (the REST channel only answers its caller)
REACHABLE_CHANNELS = ("socketio",) + WHATSAPP_CHANNELS
WINDOW_SECONDS = 24 * 3600  # WhatsApp's customer-service window
MAX_MESSAGE = 4000
ADVICE_ACTIONS = {
    "utter_emergency_advice": "EMERGENCY",
    "utter_urgent_advice": "URGENT",
    "utter_ask_red_flag_now": "EMERGENCY",
    "utter_urgent_advice_possible": "URGENT",
}

logger = logging.getLogger(__name__)


class TakeoverError(Exception):
    """What the member of staff is told when a step could not be done."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


def no_reply_seconds() -> int:
    return int(value("TAKEOVER_NO_REPLY_SECONDS"))


def active(conversation: Conversation) -> Optional[Takeover]:
    return (
        Takeover.objects.select_related("user")
        .filter(conversation=conversation, ended_at__isnull=True)
        .first()
    )


@dataclass
class Window:
    """Whether a message may be sent to the patient now, and why not."""

    open: bool
    last_patient_at: Optional[datetime]

    def refusal(self) -> str:
        when = (
            timezone.localtime(self.last_patient_at).strftime("%d %b %Y %H:%M")
            if self.last_patient_at
            else "never"
        )
        return (
            "WhatsApp's 24-hour window is closed: the patient last wrote "
            f"{'at ' if self.last_patient_at else ''}{when}. WhatsApp allows no free "
            "message after 24 hours, so nothing was sent. Call the patient instead."
        )


def window(conversation: Conversation, events: Optional[List[tracker.Event]] = None) -> Window:
    """WhatsApp's window for this conversation (always open on the web)."""
    channel, _ = split_conversation_id(conversation.sender_id)
    events = tracker.events_of(conversation.sender_id) if events is None else events
    last = max((e.timestamp for e in events if e.type_name == "user"), default=None)
    at = datetime.fromtimestamp(last, tz=dt_timezone.utc) if last else None
    if channel not in WHATSAPP_CHANNELS:
        return Window(True, at)
    return Window(last is not None and time.time() - last < WINDOW_SECONDS, at)


def start(request, conversation: Conversation) -> Takeover:
    """Take the conversation over for request.user, and tell the patient."""
    taken = active(conversation)
    if taken is not None:
        raise TakeoverError(f"Already taken over by {_name(taken)}.")
    channel, _ = split_conversation_id(conversation.sender_id)
    if channel not in REACHABLE_CHANNELS:
        raise TakeoverError(
            f"This conversation came through {channel or 'an unknown channel'}, which the "
            "console cannot write to: only the website chat and WhatsApp can be taken over."
        )
    events = tracker.events_of(conversation.sender_id)
    if not window(conversation, events).open:
        raise TakeoverError(window(conversation, events).refusal())
    try:
        with transaction.atomic():
            takeover = Takeover.objects.create(
                conversation=conversation,
                user=request.user,
                first_event_id=max((e.id for e in events), default=0),
            )
    except IntegrityError:
        raise TakeoverError("Someone else took this conversation over just now.") from None
    sender = conversation.sender_id
    try:
        rasa.append(
            sender,
            [
                {
                    "event": "slot",
                    "name": SLOT_STAFF_TAKEOVER,
                    "value": {"by": request.user.get_username(), "at": time.time()},
                },
                {"event": "active_loop", "name": None},  # a form must not ask on meanwhile
            ],
        )
        rasa.say(sender, UTTER_TAKEOVER_STARTED)
    except rasa.RasaUnavailable as error:
        try:  # the slot may be set already: the assistant must not stay silent
            rasa.append(sender, [{"event": "slot", "name": SLOT_STAFF_TAKEOVER, "value": None}])
        except rasa.RasaUnavailable:
            logger.warning("takeover of conversation %s: its slot may be set", conversation.pk)
        takeover.delete()
        raise TakeoverError(f"Not taken over: {error}.", status=502) from error
    audit.record(
        request,
        "takeover_start",
        target=f"conversation {conversation.pk}",
        sender_id=sender,
        channel=conversation.channel,
    )
    return takeover


def owned(request, conversation: Conversation) -> Takeover:
    """The active takeover of this conversation, which must be request.user's."""
    takeover = active(conversation)
    if takeover is None:
        raise TakeoverError("This conversation is not taken over.")
    if takeover.user_id != request.user.pk:
        raise TakeoverError(
            f"Taken over by {_name(takeover)}: only they can write here.", status=403
        )
    return takeover


def send(request, conversation: Conversation, text: str) -> Takeover:
    """Send one staff message to the patient, on their channel."""
    takeover = owned(request, conversation)
    text = (text or "").strip()
    if not text:
        raise TakeoverError("Write a message first.", status=400)
    if len(text) > MAX_MESSAGE:
        raise TakeoverError(f"At most {MAX_MESSAGE} characters.", status=400)
    shown = window(conversation)
    if not shown.open:
        raise TakeoverError(shown.refusal())
    try:
        rasa.append(
            conversation.sender_id,
            [
                {
                    "event": "bot",
                    "text": text,
                    "metadata": {STAFF_MESSAGE_KEY: request.user.get_username()},
                }
            ],
            send=True,
        )
    except rasa.RasaUnavailable as error:
        raise TakeoverError(f"Not sent: {error}.", status=502) from error
    takeover.last_staff_message_at = timezone.now()
    takeover.save(update_fields=["last_staff_message_at"])
    audit.record(
        request,
        "takeover_message",
        target=f"conversation {conversation.pk}",
        sender_id=conversation.sender_id,
        characters=len(text),
    )
    return takeover


def hand_back(request, conversation: Conversation) -> Takeover:
    """The assistant answers again; the patient is told."""
    takeover = owned(request, conversation)
    sender = conversation.sender_id
    try:
        rasa.append(sender, [{"event": "slot", "name": SLOT_STAFF_TAKEOVER, "value": None}])
        if window(conversation).open:
            rasa.say(sender, UTTER_TAKEOVER_ENDED)
    except rasa.RasaUnavailable as error:
        raise TakeoverError(f"Not handed back: {error}.", status=502) from error
    takeover.ended_at = timezone.now()
    takeover.save(update_fields=["ended_at"])
    audit.record(
        request, "takeover_end", target=f"conversation {conversation.pk}", sender_id=sender
    )
    return takeover


def remind_if_unanswered(
    takeover: Takeover, request=None, events: Optional[List[tracker.Event]] = None
) -> bool:
    """Tell the patient how to reach the clinic when no staff reply came in time."""
    now = timezone.now()
    with transaction.atomic():
        takeover = Takeover.objects.select_for_update().get(pk=takeover.pk)
        if takeover.ended_at is not None:
            return False
        since = takeover.last_staff_message_at or takeover.started_at
        if takeover.no_reply_notice_at and takeover.no_reply_notice_at >= since:
            return False  # already told, and no staff reply since
        conversation = takeover.conversation
        events = tracker.events_of(conversation.sender_id) if events is None else events
        if takeover.last_staff_message_at is not None:
            waiting = [
                e.timestamp
                for e in events
                if e.type_name == "user"
                and e.timestamp > takeover.last_staff_message_at.timestamp()
            ]
            if not waiting:
                return False  # the patient is not waiting for anything
            since = datetime.fromtimestamp(min(waiting), tz=dt_timezone.utc)
        if now - since < timedelta(seconds=no_reply_seconds()):
            return False
        if not window(conversation, events).open:
            return False
        try:
            rasa.say(conversation.sender_id, UTTER_TAKEOVER_NO_REPLY)
        except rasa.RasaUnavailable:
            return False  # tried again at the next poll
        takeover.no_reply_notice_at = now
        takeover.save(update_fields=["no_reply_notice_at"])
    target = f"conversation {conversation.pk}"
    if request is not None:
        audit.record(
            request,
            "takeover_no_reply",
            target=target,
            sender_id=conversation.sender_id,
            user=_nobody(),
        )
    else:
        AuditEntry.objects.create(
            action="takeover_no_reply",
            target=target,
            sender_hash=audit.sender_hash(conversation.sender_id),
        )
    return True


def live_events(
    request, conversation: Conversation, takeover: Optional[Takeover], after: int, revealed: bool
) -> Dict[str, Any]:
    """What the live page shows after event `after`, and red flags to alert on."""
    events = tracker.events_of(conversation.sender_id)
    floor = max(after, takeover.first_event_id if takeover else 0)
    items: List[Dict[str, Any]] = []
    alerts: List[Dict[str, Any]] = []
    # masked as the transcript masks it: every message, the names the conversation gave too
    names = [] if revealed else _known_names(conversation, events)

    def masked(text: str) -> str:
        return text if revealed else pii.redact(text, names)

    for event in events:
        if event.id <= floor:
            continue
        data = event.data
        if event.type_name == "user":
            text = data.get("text") or ""
            flags = [
                f
                for f in (data.get("parse_data") or {}).get("red_flags") or []
                if isinstance(f, dict)
            ]
            items.append(
                {
                    "id": event.id,
                    "at": event.timestamp,
                    "from": "patient",
                    "text": masked(text),
                    "red_flags": [f.get("level") for f in flags],
                }
            )
            if flags:
                alerts.append(
                    {
                        "id": event.id,
                        "level": _level(flags),
                        "categories": [f.get("category") for f in flags],
                    }
                )
        elif event.type_name == "bot":
            staff = (data.get("metadata") or {}).get(STAFF_MESSAGE_KEY)
            text = data.get("text") or ""
            items.append(
                {
                    "id": event.id,
                    "at": event.timestamp,
                    "from": "staff" if staff else "assistant",
                    "staff": staff or "",
                    "text": masked(text),
                }
            )
        elif event.type_name == "action" and event.action_name in ADVICE_ACTIONS:
            alerts.append(
                {
                    "id": event.id,
                    "level": ADVICE_ACTIONS[event.action_name],
                    "advice": event.action_name,
                }
            )
    if takeover is not None and alerts and takeover.user_id == request.user.pk:
        newest = max(a["id"] for a in alerts)
        if newest > takeover.alerted_event_id:
            Takeover.objects.filter(pk=takeover.pk).update(alerted_event_id=newest)
            audit.record(
                request,
                "takeover_red_flag",
                target=f"conversation {conversation.pk}",
                sender_id=conversation.sender_id,
                levels=sorted({a["level"] for a in alerts}),
            )
    reminded = takeover is not None and remind_if_unanswered(takeover, request, events)
    shown = window(conversation, events)
    return {
        "active": takeover is not None,
        "taken_by": _name(takeover) if takeover else "",
        "mine": bool(takeover and takeover.user_id == request.user.pk),
        "items": items,
        "alerts": alerts,
        "last_id": max([floor] + [e.id for e in events]),
        "window_open": shown.open,
        "window_message": "" if shown.open else shown.refusal(),
        "reminded": reminded,
    }


def _known_names(conversation: Conversation, events: List[tracker.Event]) -> List[str]:
    return masking.known_names(events, tracker.appointment_names(conversation.sender_id))


def _level(flags: List[dict]) -> str:
    return "EMERGENCY" if any(f.get("level") == "EMERGENCY" for f in flags) else "URGENT"


def _name(takeover: Takeover) -> str:
    return takeover.user.get_username() if takeover.user else "a former user"


class _Nobody:
    """The audit entry of an automatic step: no user."""

    is_authenticated = False


def _nobody() -> Any:
    return _Nobody()
