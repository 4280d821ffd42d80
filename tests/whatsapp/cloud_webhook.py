"""Signed Cloud API webhook posts to a served channel, shared by the webhook and reply tests
(test_cloud_webhook.py, test_cloud_webhook_turns.py, test_cloud_replies.py)."""

import requests

from harness.whatsapp import meta

PATIENT = "919876543210"
OTHER = "919812345678"


def post(app, payload, secret=meta.APP_SECRET, timeout=5):
    body, headers = meta.signed(payload, secret)
    return requests.post(app.url + "/webhook", data=body, headers=headers, timeout=timeout)


def texts(sent):
    return [s.body["text"]["body"] for s in sent if s.body.get("type") == "text"]
