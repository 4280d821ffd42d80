"""What the end-to-end WhatsApp tests share (test_end_to_end.py,
test_end_to_end_conversations.py; their servers are tests/whatsapp/conftest.py's): the
default environment, starting several sets of servers at once, and delivering a message.
"""

from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager

import requests

from harness.servers import assistant_servers
from harness.whatsapp import meta

# every WhatsApp and Twilio variable empty: scripts/env.sh then applies its defaults
DEFAULT_ENV = {
    name: ""
    for name in (
        "WHATSAPP_VERIFY_TOKEN",
        "WHATSAPP_APP_SECRET",
        "WHATSAPP_ACCESS_TOKEN",
        "WHATSAPP_PHONE_NUMBER_ID",
        "WHATSAPP_GRAPH_VERSION",
        "WHATSAPP_GRAPH_BASE_URL",
        "WHATSAPP_REDIS_URL",
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_WHATSAPP_NUMBER",
        "TWILIO_WEBHOOK_PUBLIC_URL",
        "TWILIO_API_BASE_URL",
    )
}


@contextmanager
def started_together(**configs):
    """Enter several `assistant_servers(tmp, extra_env=env)` at once (they start in parallel)."""
    managers = {name: assistant_servers(tmp, extra_env=env) for name, (tmp, env) in configs.items()}
    with ExitStack() as stack:
        with ThreadPoolExecutor(len(managers)) as pool:
            futures = {name: pool.submit(manager.__enter__) for name, manager in managers.items()}
        started, failure = {}, None
        for name, future in futures.items():
            try:
                started[name] = future.result()
                stack.push(managers[name].__exit__)
            except Exception as error:  # the others are stopped by the ExitStack
                failure = failure or error
        if failure is not None:
            raise failure
        yield started


def say(servers, graph, wa_id, message, replies_from=None):
    """Deliver one signed message; returns the messages the channel sent for it."""
    before = len(graph.sent)
    body, headers = meta.signed(meta.one(wa_id, message))
    assert requests.post(servers.webhook, data=body, headers=headers, timeout=10).status_code == 200
    graph.wait_for(before + 1, timeout=60)
    return [
        s.body for s in graph.settle(quiet=1.0, timeout=60)[before:] if s.body.get("to") == wa_id
    ]


def text_of(message):
    if message["type"] == "text":
        return message["text"]["body"]
    return message["interactive"]["body"]["text"]
