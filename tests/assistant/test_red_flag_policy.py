"""The red-flag policy, turn by turn, on trackers built in memory (no servers).

Each case is a short conversation: the patient's messages as the screen would parse
them, and the plan the policy must choose for the last one, with the slots it records.
"""

from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.training_data.message import Message

from assistant.red_flag_policy import RedFlagPolicy
from assistant.red_flag_screen import RedFlagScreen

ROOT = Path(__file__).resolve().parents[2]
# The domain as training builds it: domain/ plus the FAQ answers (retrieval action utter_faq).
DOMAIN = TrainingDataImporter.load_from_dict(
    domain_path=str(ROOT / "domain"), training_data_paths=[str(ROOT / "data")]
).get_domain()
T0 = 1_780_000_000.0


@pytest.fixture(scope="module")
def policy(tmp_path_factory):
    storage = LocalModelStorage(tmp_path_factory.mktemp("policy"))
    context = ExecutionContext(GraphSchema({}), "test")
    return RedFlagPolicy.create(
        RedFlagPolicy.get_default_config(), storage, Resource("red_flag_policy"), context
    )


def user(
    text: str, intent: str = "inform", entities: Optional[List[Dict]] = None, at: float = T0
) -> UserUttered:
    """A patient message parsed the way the NLU pipeline (with the screen) parses it."""
    message = Message(
        data={
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "entities": entities or [],
        }
    )
    if not text.startswith("/"):
        RedFlagScreen().screen(message)
    parse = message.as_dict(only_output_properties=True)
    return UserUttered(
        text,
        intent=message.get("intent"),
        entities=message.get("entities"),
        parse_data=parse,
        timestamp=at,
    )


def tracker(*events, slots: Optional[Dict[str, Any]] = None) -> DialogueStateTracker:
    setup = [SlotSet(name, value) for name, value in (slots or {}).items()]
    return DialogueStateTracker.from_events(
        "patient", [ActionExecuted("action_listen"), *setup, *events], slots=DOMAIN.slots
    )


def predict(policy, state: DialogueStateTracker):
    prediction = policy.predict_action_probabilities(state, DOMAIN)
    if max(prediction.probabilities) == 0:
        return None, prediction.events
    return DOMAIN.action_names_or_texts[prediction.max_confidence_index], prediction.events


def slots_set(events) -> Dict[str, Any]:
    return {e.key: e.value for e in events if isinstance(e, SlotSet)}


def run(policy, state: DialogueStateTracker, limit: int = 6) -> List[str]:
    """Predict and apply actions until the policy listens or abstains."""
    actions = []
    for _ in range(limit):
        action, events = predict(policy, state)
        for event in events:
            state.update(event)
        if action is None:
            break
        actions.append(action)
        if action == "action_listen":
            break
        state.update(ActionExecuted(action))
        if action == "action_deactivate_loop":
            state.update(ActiveLoop(None))
    return actions


def test_a_confirmed_emergency_gets_the_advice_and_the_record_inside_the_server(policy):
    state = tracker(user("I can't control my bladder since morning"))
    action, events = predict(policy, state)
    assert action == "utter_emergency_advice"
    recorded = slots_set(events)
    assert recorded["escalation_level"] == "EMERGENCY"
    assert recorded["escalation_categories"] == ["bladder"]
    assert recorded["emergency_active"] is True and recorded["emergency_at"] == T0
    assert recorded["red_flag_summary"] == "trouble passing or controlling urine"
    assert run(policy, tracker(user("I can't control my bladder since morning"))) == [
        "utter_emergency_advice",
        "action_deactivate_loop",
        "action_record_escalation",
        "action_listen",
    ]


def test_a_possible_emergency_gets_the_number_and_the_question(policy):
    state = tracker(user("I think maybe I can't feel my bottom"))
    action, events = predict(policy, state)
    assert action == "utter_ask_red_flag_now"
    pending = slots_set(events)["red_flag_pending"]
    assert pending["categories"] == ["saddle_numbness"]
    assert run(policy, tracker(user("I think maybe I can't feel my bottom"))) == [
        "utter_ask_red_flag_now",
        "action_listen",
    ]


PENDING = {"categories": ["saddle_numbness"], "summary": "numbness around the bottom"}


@pytest.mark.parametrize(
    "answer",
    [
        user("haan", intent="affirm"),
        user("pata nahi", intent="not_sure"),
        user(
            "/red_flag_now",
            intent="red_flag_now",
            entities=[{"entity": "red_flag_answer", "value": "yes"}],
        ),
        user(
            "/red_flag_now",
            intent="red_flag_now",
            entities=[{"entity": "red_flag_answer", "value": "unsure"}],
        ),
    ],
    ids=["typed yes", "typed not sure", "button yes", "button not sure"],
)
def test_yes_or_not_sure_to_the_question_is_the_full_emergency_path(policy, answer):
    state = tracker(answer, slots={"red_flag_pending": PENDING})
    action, events = predict(policy, state)
    assert action == "utter_emergency_advice"
    recorded = slots_set(events)
    assert recorded["escalation_categories"] == ["saddle_numbness"]
    assert recorded["red_flag_summary"] == PENDING["summary"]
    assert recorded["red_flag_pending"] is None


def test_a_stale_yes_button_still_escalates(policy):
    """The question's own button carries its answer: tapped later, it still escalates."""
    state = tracker(
        user(
            "/red_flag_now",
            intent="red_flag_now",
            entities=[{"entity": "red_flag_answer", "value": "yes"}],
        )
    )
    assert predict(policy, state)[0] == "utter_emergency_advice"


@pytest.mark.parametrize(
    "answer",
    [
        user("nahi", intent="deny"),
        user(
            "/red_flag_now",
            intent="red_flag_now",
            entities=[{"entity": "red_flag_answer", "value": "no"}],
        ),
    ],
    ids=["typed no", "button no"],
)
def test_no_to_the_question_continues_the_conversation(policy, answer):
    assert run(policy, tracker(answer, slots={"red_flag_pending": PENDING})) == [
        "utter_red_flag_not_now",
        "action_listen",
    ]


def test_no_to_the_question_resumes_an_interrupted_form(policy):
    state = tracker(
        ActiveLoop("triage_form"), user("no", intent="deny"), slots={"red_flag_pending": PENDING}
    )
    assert run(policy, state) == ["utter_red_flag_not_now", "triage_form", "action_listen"]


def test_a_possible_emergency_in_a_form_keeps_the_answer_from_the_form(policy):
    state = tracker(
        ActiveLoop("triage_form"),
        SlotSet("requested_slot", "tr_cancer"),
        user("maybe I leaked a little urine"),
    )
    action, events = predict(policy, state)
    assert action == "utter_ask_red_flag_now"
    assert slots_set(events)["requested_slot"] is None


def test_an_urgent_sign_gets_the_24_hour_advice_and_the_form_resumes(policy):
    state = tracker(ActiveLoop("appointment_form"), user("I have had a fever with my back pain"))
    assert run(policy, state) == [
        "utter_urgent_advice",
        "action_record_escalation",
        "appointment_form",
        "action_listen",
    ]


def test_a_possible_urgent_sign_is_answered_conditionally_before_the_faq(policy):
    state = tracker(user("can kyphoplasty cause fever?", intent="faq"))
    assert run(policy, state) == ["utter_urgent_advice_possible", "utter_faq", "action_listen"]


def test_a_message_without_red_flags_is_left_to_the_other_policies(policy):
    action, events = predict(policy, tracker(user("what is kyphoplasty?", intent="faq")))
    assert action is None
    assert "escalation_level" not in slots_set(events)


def test_a_procedure_said_earlier_makes_new_leg_pain_an_emergency(policy):
    first = tracker(user("I had kyphoplasty last week"))
    _, events = predict(policy, first)
    context = slots_set(events)["clinical_context"]
    assert "procedure" in context["facts"]
    later = tracker(
        user("now a new pain shooting down my leg", at=T0 + 600),
        slots={"clinical_context": context},
    )
    action, events = predict(policy, later)
    assert action == "utter_emergency_advice"
    assert slots_set(events)["escalation_categories"] == ["post_procedure_leg"]


def test_an_emergency_older_than_24_hours_is_no_longer_active(policy):
    state = tracker(
        user("hello", intent="greet", at=T0 + 25 * 3600),
        slots={"emergency_active": True, "emergency_at": T0},
    )
    _, events = predict(policy, state)
    assert slots_set(events)["emergency_active"] is False
    recent = tracker(
        user("hello", intent="greet", at=T0 + 3600),
        slots={"emergency_active": True, "emergency_at": T0},
    )
    assert "emergency_active" not in slots_set(predict(policy, recent)[1])


def test_the_summary_follows_the_conversation_language(policy):
    state = tracker(user("पेशाब रुक गया है"), slots={"language": "hi"})
    _, events = predict(policy, state)
    assert slots_set(events)["red_flag_summary"] == "पेशाब करने या उस पर काबू रखने में दिक्कत"


def test_the_summary_is_recorded_in_every_language_for_a_reply_in_another_one(policy):
    """A code-mixed message in a Hinglish conversation: the record is in Hinglish, and the
    versions let a later reply in Hindi or English name the sign in its own language."""
    state = tracker(user("papa ko peshab control nahi ho raha"), slots={"language": "hinglish"})
    action, events = predict(policy, state)
    recorded = slots_set(events)
    versions = recorded["red_flag_summary_versions"]
    assert set(versions) == {"en", "hi", "hinglish"}
    assert recorded["red_flag_summary"] == versions["hinglish"]
    assert "peshab" in versions["hinglish"] and "पेशाब" in versions["hi"]
    assert "urine" in versions["en"] or "bladder" in versions["en"]


def test_yes_to_the_question_keeps_the_versions_of_the_sign_asked_about(policy):
    versions = {
        "en": "numbness around the bottom",
        "hi": "गुदा के आसपास सुन्नपन",
        "hinglish": "gudaa ke aaspaas sunnpan",
    }
    pending = {"categories": ["saddle_numbness"], "versions": versions}
    state = tracker(
        user("haan", intent="affirm"), slots={"red_flag_pending": pending, "language": "hi"}
    )
    action, events = predict(policy, state)
    assert action == "utter_emergency_advice"
    recorded = slots_set(events)
    assert recorded["red_flag_summary"] == versions["hi"]
    assert recorded["red_flag_summary_versions"] == versions


def without(event: UserUttered, *keys: str) -> UserUttered:
    """The same message as a tracker written before the screen published `keys`."""
    parse = {k: v for k, v in event.parse_data.items() if k not in keys}
    return UserUttered(
        event.text,
        intent=event.intent,
        entities=event.entities,
        parse_data=parse,
        timestamp=event.timestamp,
    )


def test_the_policy_combines_from_the_parse_result_without_screening_again(policy, monkeypatch):
    first = user("I had kyphoplasty last week")
    later = user("now a new pain shooting down my leg", at=T0 + 600)
    emergency = user("I can't control my bladder since morning")
    assert later.parse_data["red_flag_context"]["signs"][0]["name"] == "leg_pain"

    def refuse(text):
        raise AssertionError(f"the policy screened {text!r} again")

    monkeypatch.setattr(policy.screen.detector, "examine", refuse)
    _, events = predict(policy, tracker(first))
    context = slots_set(events)["clinical_context"]
    assert "procedure" in context["facts"]
    action, events = predict(policy, tracker(later, slots={"clinical_context": context}))
    assert action == "utter_emergency_advice"
    assert slots_set(events)["escalation_categories"] == ["post_procedure_leg"]
    assert predict(policy, tracker(emergency))[0] == "utter_emergency_advice"


def test_a_parse_result_without_the_context_is_screened_again(policy):
    """Trackers written before `red_flag_context` existed: re-screened, never silent."""
    _, events = predict(
        policy, tracker(without(user("I had kyphoplasty last week"), "red_flag_context"))
    )
    context = slots_set(events)["clinical_context"]
    assert "procedure" in context["facts"]
    later = without(user("now a new pain shooting down my leg", at=T0 + 600), "red_flag_context")
    action, events = predict(policy, tracker(later, slots={"clinical_context": context}))
    assert action == "utter_emergency_advice"
    assert slots_set(events)["escalation_categories"] == ["post_procedure_leg"]
    bare = without(user("I think maybe I can't feel my bottom"), "red_flag_context", "red_flags")
    assert predict(policy, tracker(bare))[0] == "utter_ask_red_flag_now"
