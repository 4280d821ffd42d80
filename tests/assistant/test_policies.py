from rasa.shared.core.events import ActionExecuted, ActiveLoop, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.policies import red_flag_turn_before_loop


def tracker(intent, *after):
    events = [ActionExecuted("action_listen"), ActionExecuted("appointment_form"),
              ActiveLoop("appointment_form"), ActionExecuted("action_listen"),
              UserUttered("...", intent={"name": intent, "confidence": 1.0}), *after]
    return DialogueStateTracker.from_events("s", events)


def test_red_flag_in_a_form_goes_before_the_form():
    assert red_flag_turn_before_loop(tracker("red_flag_emergency"))
    assert red_flag_turn_before_loop(tracker("red_flag_urgent", ActionExecuted("utter_urgent_advice")))


def test_once_the_form_ran_again_it_is_back_in_charge():
    assert not red_flag_turn_before_loop(
        tracker("red_flag_urgent", ActionExecuted("utter_urgent_advice"),
                ActionExecuted("appointment_form")))


def test_ordinary_answers_go_to_the_form():
    assert not red_flag_turn_before_loop(tracker("inform"))


def test_without_a_form_nothing_changes():
    events = [ActionExecuted("action_listen"),
              UserUttered("...", intent={"name": "red_flag_emergency", "confidence": 1.0})]
    assert not red_flag_turn_before_loop(DialogueStateTracker.from_events("s", events))
