"""The console's client of the Rasa server's HTTP API, for live takeover.

The API is internal (never published by the proxy, docs/security.md) and answers only
with RASA_AUTH_TOKEN, sent as `Authorization: Bearer`. Two calls are used, both Rasa's
own: appending events (the takeover slot; a staff message as a bot event, sent to the
patient on the conversation's latest channel with `execute_side_effects`), and executing
a response action (the notices, rendered by the server's NLG in the patient's language).
"""

import os
from typing import Any, Dict, List
from urllib.parse import quote

import requests

from console.settings import project_setting as value  # the project's settings.py, by path

TIMEOUT = 30


class RasaUnavailable(RuntimeError):
    """The Rasa server did not accept the request."""


def _url(conversation_id: str, tail: str) -> str:
    base = value("CONSOLE_RASA_URL").rstrip("/")
    # the id as Rasa's router reads it: "socketio:<id>", "twilio_whatsapp:whatsapp:+91..."
    path = quote(conversation_id, safe=":+@")
    return f"{base}/conversations/{path}/{tail}"


def _headers() -> Dict[str, str]:
    token = os.environ.get("RASA_AUTH_TOKEN", "")
    if not token:
        raise RasaUnavailable("RASA_AUTH_TOKEN is not set: the console cannot reach Rasa")
    return {"Authorization": f"Bearer {token}"}


def _post(url: str, body: Any, params: Dict[str, str]) -> Dict[str, Any]:
    try:
        response = requests.post(url, json=body, params=params, headers=_headers(), timeout=TIMEOUT)
    except requests.RequestException as error:
        raise RasaUnavailable(
            f"the assistant could not be reached ({type(error).__name__})"
        ) from error
    if response.status_code != 200:
        raise RasaUnavailable(f"the assistant answered {response.status_code}")
    return dict(response.json())


def append(
    conversation_id: str, events: List[Dict[str, Any]], send: bool = False
) -> Dict[str, Any]:
    """Append `events`; with `send`, their bot messages go to the patient's channel."""
    params = {"output_channel": "latest", "execute_side_effects": "true"} if send else {}
    return _post(_url(conversation_id, "tracker/events"), events, params)


def say(conversation_id: str, response: str) -> Dict[str, Any]:
    """Run the response action `response`: rendered in the patient's language, sent on the
    conversation's latest channel, recorded in the transcript; then listen."""
    latest = {"output_channel": "latest"}
    result = _post(_url(conversation_id, "execute"), {"name": response}, latest)
    # The conversation waits for the patient again: without this, the patient's next
    # message would follow the notice instead of action_listen, which no rule expects.
    append(conversation_id, [{"event": "action", "name": "action_listen"}])
    return result
