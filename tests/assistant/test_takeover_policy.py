"""The takeover policy beside the red-flag policy and the rules, as config.yml sets them up:
while a member of staff has taken the conversation over, the assistant listens after every
message, except that a red flag still gets its advice; without a takeover it stays out.

The policies' predictions are combined by Rasa's own ensemble, on trackers built in memory.
"""

from typing import Dict, List

import numpy as np
import pytest
import yaml
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.events import ActionExecuted, ActiveLoop

from assistant.red_flag_policy import RedFlagPolicy
from assistant.session_carry_over import carried_over
from assistant.takeover_policy import TakeoverPolicy
from contract import SLOT_STAFF_TAKEOVER
from tests.assistant.test_red_flag_policy import DOMAIN, ROOT, tracker, user

TAKEN_OVER = {SLOT_STAFF_TAKEOVER: {"by": "dr-rao", "at": 1.0}}
RULE_PRIORITY = 6  # RulePolicy's default


def configured(name: str) -> Dict:
    policies = yaml.safe_load((ROOT / "config.yml").read_text())["policies"]
    return next(p for p in policies if p["name"].endswith(name))


@pytest.fixture(scope="module")
def policies(tmp_path_factory):
    storage = LocalModelStorage(tmp_path_factory.mktemp("policies"))
    context = ExecutionContext(GraphSchema({}), "test")
    made = []
    for cls, name in ((RedFlagPolicy, "RedFlagPolicy"), (TakeoverPolicy, "TakeoverPolicy")):
        config = {**cls.get_default_config(), **configured(name)}
        config.pop("name")
        made.append(cls.create(config, storage, Resource(name), context))
    ensemble = DefaultPolicyPredictionEnsemble.create({}, storage, Resource("ensemble"), context)
    return made, ensemble


def rule_says(action: str) -> PolicyPrediction:
    """What the rules would answer (e.g. the FAQ answer), with full confidence."""
    probabilities = np.zeros(DOMAIN.num_actions)
    probabilities[DOMAIN.index_for_action(action)] = 1.0
    return PolicyPrediction(list(probabilities), "RulePolicy", policy_priority=RULE_PRIORITY)


def next_actions(policies, state, rule_action: str = "utter_faq", limit: int = 6) -> List[str]:
    """Actions the combined policies choose until they listen."""
    (red_flag, takeover), ensemble = policies
    chosen: List[str] = []
    for _ in range(limit):
        predictions = [
            red_flag.predict_action_probabilities(state, DOMAIN),
            takeover.predict_action_probabilities(state, DOMAIN),
            rule_says(rule_action if not chosen else "action_listen"),
        ]
        best = ensemble.combine_predictions(predictions, state, DOMAIN)
        for event in best.events:
            state.update(event)
        action = DOMAIN.action_names_or_texts[best.max_confidence_index]
        chosen.append(action)
        if action == "action_listen":
            return chosen
        state.update(ActionExecuted(action))
        if action == "action_deactivate_loop":
            state.update(ActiveLoop(None))
    return chosen


def test_priorities_put_red_flags_above_the_takeover_above_the_rules():
    red_flag = configured("RedFlagPolicy").get("priority")
    takeover = configured("TakeoverPolicy").get(
        "priority", TakeoverPolicy.get_default_config()["priority"]
    )
    assert red_flag > takeover > RULE_PRIORITY


def test_without_a_takeover_the_rules_answer(policies):
    assert next_actions(policies, tracker(user("what is kyphoplasty?")))[0] == "utter_faq"


def test_taken_over_the_assistant_only_listens(policies):
    state = tracker(user("what is kyphoplasty?"), slots=TAKEN_OVER)
    assert next_actions(policies, state) == ["action_listen"]


def test_taken_over_a_red_flag_still_gets_the_emergency_advice(policies):
    state = tracker(user("I can't control my bladder since morning"), slots=TAKEN_OVER)
    assert next_actions(policies, state) == [
        "utter_emergency_advice",
        "action_deactivate_loop",
        "action_record_escalation",
        "action_listen",
    ]
    assert state.get_slot("escalation_level") == "EMERGENCY"


def test_taken_over_an_urgent_sign_gets_the_urgent_advice(policies):
    state = tracker(user("I have had a fever and back pain since the procedure"), slots=TAKEN_OVER)
    assert next_actions(policies, state)[0] == "utter_urgent_advice"


def test_a_new_session_stays_taken_over():
    state = tracker(slots=TAKEN_OVER)
    assert {e.key: e.value for e in carried_over(state)}[SLOT_STAFF_TAKEOVER] == TAKEN_OVER[
        SLOT_STAFF_TAKEOVER
    ]
