"""Locust load of the REST channel, POST /webhooks/rest/webhook.

Every simulated user is one patient's conversation with its own sender id: it sends the
turns of a script (bench/load/conversations.py) one after the other, each after the reply
to the previous one, then starts a new conversation under a new sender id.

    bench/locust.sh -f bench/load/locustfile.py --headless -u 20 -r 20 -t 60s \
        --host http://127.0.0.1:5005 --csv var/load/run

Options of this file (after Locust's own):
  --scenario mixed   conversations drawn from faq / triage / appointment / red_flag
                     (weights in conversations.WEIGHTS); one request name for all turns
  --scenario long    50-turn conversations; each turn is its own request name,
                     "turn 01" ... "turn 50", to compare early and late turns
  --think-time S     seconds a patient waits before each message (default 0: closed loop,
                     so throughput measures what the server can do)
"""

import json
import random
import uuid

import gevent
from conversations import LONG, SCENARIOS, WEIGHTS  # Locust puts this file's folder on sys.path
from locust import FastHttpUser, events, task

WEBHOOK = "/webhooks/rest/webhook"


@events.init_command_line_parser.add_listener
def _options(parser):
    parser.add_argument(
        "--scenario",
        choices=["mixed", "long"],
        default="mixed",
        help="mixed conversations, or 50-turn ones named by turn",
    )
    parser.add_argument("--think-time", type=float, default=0.0, help="seconds before each message")


class Patient(FastHttpUser):
    """One conversation at a time, each turn waiting for the previous reply."""

    def wait_time(self):
        return 0

    @task
    def conversation(self):
        options = self.environment.parsed_options
        scenario = getattr(options, "scenario", "mixed")
        think = getattr(options, "think_time", 0.0)
        sender = f"load-{uuid.uuid4().hex[:16]}"
        if scenario == "long":
            turns = [(f"turn {n:02d}", text) for n, text in enumerate(LONG, start=1)]
        else:
            kind = random.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
            turns = [(WEBHOOK, text) for text in SCENARIOS[kind]]
        for name, text in turns:
            if think:
                gevent.sleep(think)
            self.say(sender, text, name)

    def say(self, sender, text, name):
        with self.client.post(
            WEBHOOK, json={"sender": sender, "message": text}, name=name, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return
            try:
                body = json.loads(response.text or "")
            except ValueError:
                response.failure("reply is not JSON")
                return
            if not isinstance(body, list):
                response.failure("reply is not a list of messages")
