"""Fuzz every public endpoint and the action server of the real servers; write the figures.

    .venv/bin/python bench/fuzz_endpoints.py [--examples 10000] [--out docs/security-fuzz.md]

Starts the real Rasa and action servers (harness/servers.py) with both WhatsApp channels
configured against the local fake Graph/Twilio API, then sends each endpoint `--examples`
generated inputs (harness/fuzz.py; derandomized, so every run sends the same ones):
the REST channel, socket.io (long-polling sessions), the Cloud API webhook and the Twilio
webhook (every body correctly signed, each delivered twice) and the action server (with
and without the shared secret). Counted per endpoint: inputs, answers by status, 5xx,
requests that timed out; in the servers' logs, tracebacks (unhandled exceptions); in the
tracker store, the patient messages each endpoint should have stored once (worked out
with the channel's own parser) against those stored, so that a message stored twice or
lost shows. Only 127.0.0.1 is contacted.
"""

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Dict, Optional
from urllib.parse import parse_qs

import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from load.fuzz_checks import (  # bench/, the script's folder, is on sys.path
    TOTAL,
    Tally,
    compare,
    report,
    stored_messages,
    tracebacks,
    wait_for_turns,
)
from sanic.request import RequestParameters
from socketio.packet import EVENT
from socketio.packet import Packet as SocketIOPacket

from channels.rest import BadRequest, read_body
from channels.socketio import SESSION_ID, read_message
from channels.whatsapp.cloud_inbound import read_webhook
from channels.whatsapp.inbound import NOT_TEXT
from channels.whatsapp.twilio_channel import read_form
from harness import fuzz
from harness.processes import ROOT
from harness.whatsapp import meta
from harness.whatsapp.fake_graph import FakeGraph

TWILIO = {
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "fuzz-twilio-token",
    "TWILIO_WHATSAPP_NUMBER": "+14155238886",
}
TIMEOUT = 60


def post(session: requests.Session, url: str, **kwargs: Any) -> Optional[int]:
    try:
        return session.post(url, timeout=TIMEOUT, **kwargs).status_code
    except requests.RequestException:
        return None


def run(strategy: Any, examples: int, send: Callable[[Any], None]) -> None:
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def each(value: Any) -> None:
        try:
            send(value)
        except Exception as error:  # a bug of this script must not end the whole run
            print(f"input not sent: {type(error).__name__}: {error}", file=sys.stderr)

    each()


def fuzz_rest(base: str, examples: int) -> Tally:
    tally, session = Tally("REST channel `POST /webhooks/rest/webhook`"), requests.Session()

    def send(body: bytes) -> None:
        tally.answer(
            post(
                session,
                f"{base}/webhooks/rest/webhook",
                data=body,
                headers={"Content-Type": "application/json"},
            )
        )
        try:
            fields = read_body(body)
        except BadRequest:
            return
        tally.expected["rest:" + (fields["sender"] or "default")] += 1

    run(fuzz.rest_bodies, examples, send)
    return tally


def open_polling(base: str, session: requests.Session) -> str:
    opened = session.get(f"{base}/socket.io/?EIO=4&transport=polling", timeout=TIMEOUT)
    url = f"{base}/socket.io/?EIO=4&transport=polling&sid={json.loads(opened.text[1:])['sid']}"
    session.post(url, data="40", timeout=TIMEOUT)
    session.get(url, timeout=TIMEOUT)
    return url


def fuzz_socketio(base: str, examples: int) -> Tally:
    tally, session = Tally("socket.io (long-polling packets)"), requests.Session()
    live = {"url": open_polling(base, session)}

    def send(packet: str) -> None:
        status = post(session, live["url"], data=packet.encode())
        tally.answer(status)
        if status == 400:
            live["url"] = open_polling(base, session)
            return
        try:  # the packet as python-socketio reads it (ack ids, namespaces and all)
            decoded = SocketIOPacket(encoded_packet=packet[1:])
        except (ValueError, TypeError, IndexError, KeyError, RecursionError):
            return
        event = decoded.data
        if (
            decoded.packet_type == EVENT
            and decoded.namespace in (None, "/")
            and isinstance(event, list)
            and len(event) >= 2
            and event[0] == "user_uttered"
        ):
            message = read_message(event[1], "", True, "metadata")
            if message is not None and SESSION_ID.match(message[1]):
                tally.expected["socketio:" + message[1]] += 1

    run(fuzz.socketio_packets, examples, send)
    return tally


def fuzz_cloud(base: str, examples: int) -> Tally:
    tally, session = (
        Tally("WhatsApp Cloud API webhook (signed, each body twice)"),
        requests.Session(),
    )

    def send(body: bytes) -> None:
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": meta.signature(body)}
        for repeat in (False, True):
            tally.answer(
                post(session, f"{base}/webhooks/whatsapp/webhook", data=body, headers=headers),
                repeat,
            )
        try:
            messages = read_webhook(json.loads(body), meta.PHONE_NUMBER_ID).messages
        except (ValueError, RecursionError):
            return
        for inbound in messages:
            if inbound.message_id not in tally.seen_ids:
                tally.seen_ids.add(inbound.message_id)
                if inbound.kind != NOT_TEXT:
                    tally.expected[TOTAL] += 1

    run(fuzz.cloud_bodies, examples, send)
    return tally


def fuzz_twilio(base: str, examples: int) -> Tally:
    from twilio.request_validator import RequestValidator

    tally, session = Tally("Twilio webhook (signed, each form twice)"), requests.Session()
    url = f"{base}/webhooks/twilio_whatsapp/webhook"
    validator = RequestValidator(TWILIO["TWILIO_AUTH_TOKEN"])

    def send(fields: Dict[str, str]) -> None:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": validator.compute_signature(url, fields),
        }
        body = fuzz.twilio_body(fields)
        for repeat in (False, True):
            tally.answer(post(session, url, data=body, headers=headers), repeat)
        parsed = RequestParameters(parse_qs(body.decode(), keep_blank_values=True))
        inbound = read_form(parsed)
        if inbound is not None and inbound.message_id not in tally.seen_ids:
            tally.seen_ids.add(inbound.message_id)
            if inbound.kind != NOT_TEXT:
                tally.expected[TOTAL] += 1

    run(fuzz.twilio_forms, examples, send)
    return tally


def fuzz_actions(base: str, token: str, examples: int) -> Tally:
    tally, session = (
        Tally("action server `POST /webhook` (half without the secret)"),
        requests.Session(),
    )
    refused: Counter[bool] = Counter()

    def send(value: Any) -> None:
        body, signed = value
        headers = {"Content-Type": "application/json"}
        if signed:
            headers["Authorization"] = f"Bearer {token}"
        status = post(session, f"{base}/webhook", data=body, headers=headers)
        tally.answer(status)
        if not signed:
            refused[status == 401] += 1

    run(st.tuples(fuzz.action_bodies, st.booleans()), examples, send)
    tally.unsigned_refused = refused[True]
    tally.unsigned_total = sum(refused.values())
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--out", default=str(ROOT / "docs" / "security-fuzz.md"))
    args = parser.parse_args()
    from harness.servers import ACTION_TOKEN, assistant_servers

    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, FakeGraph() as graph:
        env = {**meta.cloud_env(graph.url), "TWILIO_API_BASE_URL": graph.url, **TWILIO}
        with assistant_servers(Path(tmp), extra_env=env) as servers:
            base = servers.rasa_url
            tallies = []
            for name, job in [
                ("rest", lambda: fuzz_rest(base, args.examples)),
                ("socketio", lambda: fuzz_socketio(base, args.examples)),
                ("whatsapp", lambda: fuzz_cloud(base, args.examples)),
                ("twilio", lambda: fuzz_twilio(base, args.examples)),
                ("actions", lambda: fuzz_actions(servers.action_url, ACTION_TOKEN, args.examples)),
            ]:
                print(
                    f"{time.strftime('%H:%M:%S')} fuzzing {name} ...", file=sys.stderr, flush=True
                )
                tallies.append(job())
            database = servers.env["DATABASE_URL"]
            wait_for_turns(database)
            stored = stored_messages(database)
            checks = {
                "rest": compare(tallies[0].expected, stored, "rest"),
                "socketio": compare(tallies[1].expected, stored, "socketio"),
                "whatsapp": compare(tallies[2].expected, stored, "whatsapp"),
                "twilio_whatsapp": compare(tallies[3].expected, stored, "twilio_whatsapp"),
            }
        logs = {
            "Rasa server": tracebacks(servers.logs["rasa"]),
            "action server": tracebacks(servers.logs["actions"]),
        }
    text_ = report(tallies, checks, logs, args.examples, time.monotonic() - started)
    Path(args.out).write_text(text_, encoding="utf-8")
    print(text_)
    failed = (
        any(t.server_errors or t.timeouts for t in tallies)
        or any(logs.values())
        or any(c["lost"] or c["doubled"] for c in checks.values())
        or any(t.inputs < args.examples for t in tallies)
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
