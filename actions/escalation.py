"""Telling the practice about a red-flag escalation.

The advice and the record of the escalation (the `escalation_level` and
`escalation_categories` slots, which land in the tracker store's events for the staff
console) are made inside the Rasa server by assistant/red_flag_policy.py, so neither
depends on this server. This action only alerts: when PRACTICE_ALERT_WEBHOOK_URL is set,
a signed POST to the practice's alerting system. The alert carries no message text, only
what staff need to find the conversation. After the alert, on the web, it offers a call
back (actions/callback.py), always after the advice the Rasa server has already given.
"""

import hashlib
import hmac
import json
import logging
import os
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

import aiohttp
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.callback import offer
from contract import RED_FLAGS, SLOT_ESCALATION_CATEGORIES, SLOT_ESCALATION_LEVEL, level_of

logger = logging.getLogger(__name__)
ALERT_TIMEOUT_SECONDS = 5


def alert_body(tracker: Tracker, level: str, categories: List[str]) -> Dict[str, Any]:
    """What the practice is told: no message text, no phone number."""
    return {
        "event": "red_flag_escalation",
        "level": level,
        "categories": categories,
        "sender_id": tracker.sender_id,
        "channel": tracker.get_latest_input_channel(),
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def signature(secret: str, body: bytes) -> str:
    """`sha256=<hex HMAC>` of the body, so the receiver can check it came from us."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def notify_practice(payload: Dict[str, Any], environ=None) -> Optional[int]:
    """POST the alert if a webhook is configured; returns the HTTP status or None."""
    env = os.environ if environ is None else environ
    url = env.get("PRACTICE_ALERT_WEBHOOK_URL")
    if not url:
        return None
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if env.get("PRACTICE_ALERT_WEBHOOK_SECRET"):
        headers["X-Signature-256"] = signature(env["PRACTICE_ALERT_WEBHOOK_SECRET"], body)
    try:
        timeout = aiohttp.ClientTimeout(total=ALERT_TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.post(url, data=body, headers=headers) as response:
                if response.status >= 300:
                    logger.error("practice alert webhook answered %s", response.status)
                return response.status
    except (aiohttp.ClientError, TimeoutError) as error:
        logger.error("practice alert webhook failed: %s", type(error).__name__)
        return None


async def escalation_events(
    tracker: Tracker, level: str, categories: List[str]
) -> List[Dict[str, Any]]:
    """Slots that record an escalation, after notifying the practice."""
    await notify_practice(alert_body(tracker, level, categories))
    return [SlotSet("escalation_level", level), SlotSet("escalation_categories", categories)]


class ActionRecordEscalation(Action):
    """Alerts the practice to the escalation the Rasa server has just recorded."""

    def name(self) -> str:
        return "action_record_escalation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        level = tracker.get_slot(SLOT_ESCALATION_LEVEL)
        categories = list(tracker.get_slot(SLOT_ESCALATION_CATEGORIES) or [])
        if not level:  # an older Rasa server that did not set the slots
            flags = tracker.latest_message.get(RED_FLAGS) or []
            level = level_of(flags)
            if level is None:
                return []
            categories = list(dict.fromkeys(f["category"] for f in flags))
            return await escalation_events(tracker, level, categories)
        await notify_practice(alert_body(tracker, level, categories))
        return offer(dispatcher, tracker)
