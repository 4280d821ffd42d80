from rasa.shared.nlu.training_data.message import Message

from assistant.red_flag_screen import RedFlagScreen


def screened(text, intent="faq"):
    message = Message(
        data={"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    )
    RedFlagScreen().process([message])
    return message


def test_emergency_reroutes_the_intent_and_keeps_the_original():
    message = screened("I can't control my bladder and I have a fever")
    assert message.get("intent") == {"name": "red_flag_emergency", "confidence": 1.0}
    assert message.get("screened_intent") == {"name": "faq", "confidence": 0.9}
    assert [f["category"] for f in message.get("red_flags")] == ["bladder", "infection"]
    [entity] = message.get("entities")
    assert entity["entity"] == "red_flag_summary"
    assert entity["value"] == "trouble passing or controlling urine"


def test_urgent_only_gives_the_urgent_intent():
    message = screened("I had breast cancer 5 years ago and now my back hurts")
    assert message.get("intent")["name"] == "red_flag_urgent"
    assert message.get("entities")[0]["value"] == "a history of cancer"


def test_nothing_found_leaves_the_message_alone_but_says_so():
    message = screened("what are the risks of sacroplasty?")
    assert message.get("red_flags") == []
    assert message.get("intent")["name"] == "faq" and message.get("entities") == []


def test_a_message_that_starts_with_a_slash_is_screened_like_any_text():
    """Exact button payloads are unpacked by Rasa before the pipeline; anything else
    that reaches the screen is patient text, whatever its first character."""
    message = screened("/ my legs are weak since morning", intent="nlu_fallback")
    assert message.get("intent")["name"] == "red_flag_emergency"
    assert screened("/affirm", intent="affirm").get("red_flags") == []


def test_a_possible_emergency_gets_its_own_intent_and_certainty():
    message = screened("I think maybe I can't feel my bottom")
    assert message.get("intent")["name"] == "red_flag_possible"
    [flag] = message.get("red_flags")
    assert flag["category"] == "saddle_numbness" and flag["certainty"] == "possible"


def test_a_possible_urgent_sign_gets_its_own_intent_and_keeps_the_classifier_one():
    """Its own intent keeps it out of a form's free-text slot (domain/appointment.yml,
    callback.yml: not_intent), so the form does not take the symptom as a name or a
    number; the policy answers it and the classifier's intent (an FAQ) after it."""
    message = screened("can kyphoplasty cause fever?")
    assert message.get("intent")["name"] == "red_flag_urgent_possible"
    assert message.get("screened_intent") == {"name": "faq", "confidence": 0.9}
    assert [f["certainty"] for f in message.get("red_flags")] == ["possible"]


def test_red_flags_are_in_the_parse_output():
    message = screened("pair sunn ho gaye")
    assert {"red_flags", "intent", "entities"} <= set(message.as_dict(only_output_properties=True))


def test_the_facts_and_signs_for_the_conversation_are_in_the_parse_output():
    """The red-flag policy combines them with earlier messages (no second screening)."""
    output = screened("I had kyphoplasty 2 weeks ago").as_dict(only_output_properties=True)
    [fact] = output["red_flag_context"]["facts"]
    assert (fact["name"], fact["days_ago"], fact["certainty"]) == ("procedure", 14, "confirmed")
    sign = screened("new pain shooting down my leg").get("red_flag_context")["signs"]
    assert [s["name"] for s in sign] == ["leg_pain"]
    assert screened("what is kyphoplasty").get("red_flag_context")["signs"] == []


def test_concepts_cancelled_by_context_are_published_for_review():
    message = screened("no numbness in my legs")
    assert message.get("red_flags") == []
    assert message.get("red_flags_cancelled") == [
        {
            "category": "leg_numbness",
            "level": "EMERGENCY",
            "text": "numbness in my legs",
            "reason": "negated",
        }
    ]
    [resolved] = screened("my leg weakness went away last year").get("red_flags_cancelled")
    assert (resolved["category"], resolved["reason"]) == ("leg_weakness", "resolved")
    assert "red_flags_cancelled" in message.as_dict(only_output_properties=True)
    # a concept found elsewhere in the message is a finding, not a cancellation
    both = screened("no numbness in my legs but I cannot control my bladder since morning")
    assert [f["category"] for f in both.get("red_flags")] == ["bladder"]
    assert [c["category"] for c in both.get("red_flags_cancelled")] == ["leg_numbness"]
    assert screened("what is kyphoplasty").get("red_flags_cancelled") == []
