"""Generated inputs for the public endpoints and the action server (hypothesis strategies).

Shared by the seeded sample in tests/security/test_fuzz.py (a few hundred inputs per
endpoint in every test run) and bench/fuzz_endpoints.py (10,000 and more per endpoint
against the real servers). Each strategy mixes well-formed requests with every kind of
malformed one: other JSON types, wrong field types, unknown fields, bytes that are not
JSON or not UTF-8, very long strings and bodies nested thousands of levels deep.
"""

import json
from typing import Any, Dict
from urllib.parse import urlencode

from hypothesis import strategies as st

ACTIONS = [
    "action_submit_appointment",
    "action_record_escalation",
    "action_triage_result",
    "validate_appointment_form",
    "validate_triage_form",
    "action_erase_patient_data",
    "action_ask_privacy_consent",
    "action_note_child",
    "no_such_action",
]

texts = st.text(max_size=60)  # JSON escapes lone surrogates, so any text will do in JSON
# text that goes onto the wire as UTF-8 itself (form fields, socket.io packets): no lone
# surrogates (they cannot be encoded), no engine.io packet separator
wire_chars = st.characters(blacklist_categories=["Cs"], blacklist_characters="\x1e")
wire_texts = st.text(wire_chars, max_size=80)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), texts)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


def nested(depth: int, leaf: str = "1") -> str:
    """A JSON array nested `depth` levels deep."""
    return "[" * depth + leaf + "]" * depth


def nested_object(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


hostile = st.sampled_from(
    [
        b"",
        b"null",
        b"[1,2]",
        b'"x"',
        b"{",
        b"\xff\xfe\x00",
        b"NaN",
        b"1e999999",
        nested(5000).encode(),
        nested_object(5000).encode(),
        b'{"a": ' + nested(900).encode() + b"}",
        b'{"message": "' + b"x" * 200_000 + b'"}',
        b"\x00" * 1000,
    ]
)
raw_bodies = st.one_of(
    hostile, st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode())
)


def dumps(value: Any) -> bytes:
    return json.dumps(value).encode()


# --- the REST channel: {"sender": str, "message": str, "metadata": {...}} and everything else
rest_messages = st.fixed_dictionaries(
    {"sender": st.one_of(texts, json_values), "message": st.one_of(texts, json_values)},
    optional={"metadata": json_values, "input_channel": json_values},
)
rest_bodies = st.one_of(
    raw_bodies,
    rest_messages.map(dumps),
    st.builds(
        lambda s, m: dumps({"sender": s, "message": m}), st.text(min_size=1, max_size=40), texts
    ),
)

# --- socket.io: socket.io packets posted on an open long-polling session
socketio_events = st.one_of(
    st.tuples(st.sampled_from(["user_uttered", "session_request"]), json_values),
    st.tuples(
        st.just("user_uttered"),
        st.fixed_dictionaries(
            {"message": st.one_of(texts, json_values)},
            optional={
                "session_id": st.one_of(
                    st.text(alphabet="0123456789abcdef", min_size=32, max_size=32), json_values
                ),
                "metadata": st.one_of(json_values, texts),
            },
        ),
    ),
    st.tuples(texts, json_values),
)
# Only socket.io packets of the message kind ("4" "2" + JSON, without engine.io's packet
# separator \x1e): other engine.io packets (open, close, upgrade, noop, garbage) make
# python-engineio close the session, which is its protocol, not this project's code.
socketio_packets = st.one_of(
    socketio_events.map(lambda e: "42" + json.dumps(list(e))),
    wire_texts.map(lambda t: "42" + t),
    st.sampled_from(["42" + nested(5000), "42[]", '42["user_uttered"]', "42null"]),
)

# --- WhatsApp Cloud API: signed bodies; payloads shaped like Meta's with fuzzed parts
cloud_messages = st.fixed_dictionaries(
    {},
    optional={
        "from": st.one_of(st.text(alphabet="0123456789", max_size=15), json_values),
        "id": st.one_of(texts, json_values),
        "type": st.one_of(
            st.sampled_from(["text", "interactive", "button", "image", "reaction", "system"]),
            json_values,
        ),
        "text": st.one_of(
            st.fixed_dictionaries({"body": st.one_of(texts, json_values)}), json_values
        ),
        "interactive": json_values,
        "button": json_values,
        "from_user_id": json_values,
        "group_id": json_values,
    },
)
cloud_payloads = st.one_of(
    json_values,
    st.builds(
        lambda messages, contacts, statuses, metadata: {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "1",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": metadata,
                                "contacts": contacts,
                                "messages": messages,
                                "statuses": statuses,
                            },
                        }
                    ],
                }
            ],
        },
        st.lists(cloud_messages, max_size=3),
        json_values,
        json_values,
        json_values,
    ),
)
# well-formed text messages (a patient's number, a message id, a text) among the fuzz, so
# that a message stored twice or lost would show
cloud_texts = st.builds(
    lambda number, mid, body: {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "1",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "contacts": [{"wa_id": number, "profile": {"name": "A"}}],
                            "messages": [
                                {
                                    "from": number,
                                    "id": "wamid." + mid,
                                    "type": "text",
                                    "timestamp": "1",
                                    "text": {"body": body},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    },
    st.text(alphabet="0123456789", min_size=10, max_size=12),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=4, max_size=12),
    st.text(min_size=1, max_size=60).filter(str.strip),
)
cloud_bodies = st.one_of(raw_bodies, cloud_payloads.map(dumps), cloud_texts.map(dumps))

# --- Twilio: signed form posts
TWILIO_FIELDS = [
    "From",
    "Body",
    "MessageSid",
    "SmsMessageSid",
    "ButtonPayload",
    "ButtonText",
    "NumMedia",
    "MessageType",
    "Latitude",
    "MessageStatus",
    "WaId",
    "To",
]
twilio_forms = st.one_of(
    st.dictionaries(
        st.one_of(st.sampled_from(TWILIO_FIELDS), st.text(wire_chars, max_size=12)),
        wire_texts,
        max_size=8,
    ),
    st.builds(
        lambda number, sid, body, extra: {
            **extra,
            "From": "whatsapp:+" + number,
            "MessageSid": "SM" + sid,
            "Body": body,
        },
        st.text(alphabet="0123456789", min_size=10, max_size=12),
        st.text(alphabet="0123456789abcdef", min_size=8, max_size=32),
        st.text(wire_chars, min_size=1, max_size=60).filter(str.strip),
        st.dictionaries(
            st.sampled_from(TWILIO_FIELDS[4:]), st.text(wire_chars, max_size=20), max_size=3
        ),
    ),
)

# --- the action server: Rasa's call, with every part fuzzed
trackers = st.fixed_dictionaries(
    {"sender_id": st.one_of(texts, json_values)},
    optional={
        "slots": json_values,
        "latest_message": json_values,
        "events": json_values,
        "active_loop": json_values,
        "latest_action_name": json_values,
        "paused": json_values,
    },
)
action_calls = st.fixed_dictionaries(
    {
        "next_action": st.one_of(st.sampled_from(ACTIONS), json_values),
        "tracker": st.one_of(trackers, json_values),
    },
    optional={"domain": json_values, "version": json_values, "sender_id": json_values},
)
# calls shaped as Rasa sends them, with fuzzed slot values: they reach the actions
slot_values = st.one_of(st.none(), st.booleans(), st.text(max_size=60))
action_calls_shaped = st.builds(
    lambda action, sender, slots, text: {
        "next_action": action,
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": slots,
            "events": [],
            "latest_message": {"text": text, "intent": {}, "entities": []},
            "active_loop": {},
            "latest_action_name": None,
            "paused": False,
        },
    },
    st.sampled_from(ACTIONS),
    st.text(min_size=1, max_size=30),
    st.dictionaries(
        st.sampled_from(
            [
                "privacy_consent",
                "patient_name",
                "phone",
                "preferred_time",
                "visit_reason",
                "for_child",
                "erasure_confirmed",
                "tr_bladder",
                "tr_duration",
            ]
        ),
        slot_values,
    ),
    st.text(max_size=40),
)
action_bodies = st.one_of(raw_bodies, action_calls.map(dumps), action_calls_shaped.map(dumps))


def twilio_body(fields: Dict[str, str]) -> bytes:
    return urlencode(fields).encode()
