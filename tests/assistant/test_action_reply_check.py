"""The prebuilt validator accepts and refuses exactly what Rasa's own check does."""
import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from assistant import action_reply_check

REPLIES = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "tr_severity", "value": "mild"},
                {"event": "active_loop", "name": None}],
     "responses": [{"response": "utter_triage_self_care"}]},
    {"events": [{"event": "followup", "name": "action_x"}]},
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot"}]},  # a slot event without a name
    {"responses": ["text instead of an object"]},
]


def unpatched(self, result):
    return "Rasa's own check"


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


def test_install_makes_remote_actions_use_it(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", unpatched)
    action_reply_check.install()
    assert RemoteAction._validate_action_result is action_reply_check.validate_action_result
    with pytest.raises(jsonschema.ValidationError):
        RemoteAction("action_x", None)._validate_action_result({"events": "not a list"})


def test_the_schema_is_checked_once():
    assert action_reply_check.reply_validator() is action_reply_check.reply_validator()


def test_the_rasa_server_switches_it_on_with_its_nlg(monkeypatch):
    from rasa.shared.core.domain import Domain

    from assistant.nlg import PracticeNLG

    monkeypatch.setattr(RemoteAction, "_validate_action_result", unpatched)
    PracticeNLG(domain=Domain.empty())
    assert RemoteAction._validate_action_result is action_reply_check.validate_action_result
