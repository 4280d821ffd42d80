"""The prebuilt validator accepts and refuses exactly what Rasa's own check does, and
checks Rasa's schema against the meta-schema once, not once per reply."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from assistant import action_reply_check

REPLIES = [
    {"events": [], "responses": []},
    {
        "events": [
            {"event": "slot", "name": "tr_severity", "value": "mild"},
            {"event": "active_loop", "name": None},
        ],
        "responses": [{"response": "utter_triage_self_care"}],
    },
    {"events": [{"event": "followup", "name": "action_x"}]},
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot"}]},  # a slot event without a name
    {"responses": ["text instead of an object"]},
]


@pytest.mark.parametrize("reply", REPLIES)
def test_same_verdict_and_message_as_jsonschema_validate(reply):
    schema = RemoteAction.action_response_format_spec()
    try:
        jsonschema.validate(reply, schema)
        expected = None
    except jsonschema.ValidationError as error:
        expected = error.message
    action = RemoteAction("action_x", None)
    if expected is None:
        assert action_reply_check.validate_action_result(action, reply) is True
    else:
        with pytest.raises(jsonschema.ValidationError) as raised:
            action_reply_check.validate_action_result(action, reply)
        assert raised.value.message.startswith(expected + ". Failed to validate Action server")


def test_the_schema_is_checked_against_the_meta_schema_once(monkeypatch):
    """jsonschema.validate checks the schema on every call: the cost this module avoids."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    checks = []
    real = validator_class.check_schema
    monkeypatch.setattr(
        validator_class,
        "check_schema",
        classmethod(lambda cls, schema: checks.append(1) or real(schema)),
    )
    action_reply_check.reply_validator.cache_clear()
    action = RemoteAction("action_x", None)
    for reply in REPLIES[:3] * 5:
        action_reply_check.validate_action_result(action, reply)
    assert len(checks) == 1
    for reply in REPLIES[:3]:
        jsonschema.validate(reply, RemoteAction.action_response_format_spec())
    assert len(checks) == 4  # what Rasa's own check costs, for comparison
