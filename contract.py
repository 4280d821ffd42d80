"""The agreements between the Rasa server, the action server, the console and the tests.

Every name that crosses a process boundary is spelt here once: red-flag levels and the
rule that turns findings into one level, the intents the red-flag screen sets, the keys
it adds to a parse result, and the slots and entities the safety path fills. This module
imports nothing heavy (no Rasa, no Django, no spaCy) so that every process can use it.
"""

from typing import Any, Iterable, Mapping, Optional

# --- triage and red-flag levels, most urgent first
EMERGENCY = "EMERGENCY"
URGENT = "URGENT"
ROUTINE = "ROUTINE"
SELF_CARE = "SELF_CARE"
RED_FLAG_LEVELS = (EMERGENCY, URGENT)
TRIAGE_LEVELS = (EMERGENCY, URGENT, ROUTINE, SELF_CARE)

# --- how sure the screen is of a finding
CONFIRMED = "confirmed"
POSSIBLE = "possible"
CERTAINTIES = (CONFIRMED, POSSIBLE)

# --- intents set by the red-flag screen (never predicted by the classifier)
INTENT_EMERGENCY = "red_flag_emergency"
INTENT_URGENT = "red_flag_urgent"
INTENT_POSSIBLE = "red_flag_possible"
INTENT_URGENT_POSSIBLE = "red_flag_urgent_possible"
INTENT_FOR_LEVEL = {EMERGENCY: INTENT_EMERGENCY, URGENT: INTENT_URGENT}
RED_FLAG_INTENTS = frozenset(
    {INTENT_EMERGENCY, INTENT_URGENT, INTENT_POSSIBLE, INTENT_URGENT_POSSIBLE}
)

# --- keys the screen adds to every parse result
RED_FLAGS = "red_flags"  # [{"category", "level", "text", "certainty"}]
SCREENED_INTENT = "screened_intent"  # the classifier's intent when the screen re-routed it
# The clinical facts (a procedure, osteoporosis, cancer, ...) and signs (new leg pain, a
# fall, ...) the screen read, which count only in combination: {"facts": [...], "signs":
# [...]}, each {"name", "text", "certainty", "days_ago"}. The red-flag policy combines them
# with the conversation's earlier facts instead of screening the message a second time.
RED_FLAG_CONTEXT = "red_flag_context"
# Red-flag concepts that the message's own words cancelled (a clean denial, a history told
# as resolved, "all fine now"), published for the console's safety review:
# [{"category", "level", "text", "reason"}], reason one of CANCEL_REASONS.
RED_FLAGS_CANCELLED = "red_flags_cancelled"
CANCELLED = "cancelled"  # a safety-review row whose only findings context cancelled
CANCEL_NEGATED, CANCEL_RESOLVED, CANCEL_ALL_CLEAR = "negated", "resolved", "all_clear"
CANCEL_REASONS = (CANCEL_NEGATED, CANCEL_RESOLVED, CANCEL_ALL_CLEAR)

# --- entities and slots of the safety path
SUMMARY_ENTITY = "red_flag_summary"
SLOT_EMERGENCY_ACTIVE = "emergency_active"
SLOT_SUMMARY = "red_flag_summary"
# the summary in every language ({"en": ..., "hi": ..., "hinglish": ...}): a reply in
# another language than the message that named the sign gives it in the reply's language
SLOT_SUMMARY_VERSIONS = "red_flag_summary_versions"
SLOT_ESCALATION_LEVEL = "escalation_level"
SLOT_ESCALATION_CATEGORIES = "escalation_categories"
# set by the action server when it erased the conversation on the patient's request; the
# Rasa server's tracker store then writes nothing of that turn back
SLOT_DATA_ERASED = "data_erased"

# --- the conversation's language: slot, entity and intent of the language path (the slot
# is filled by the language component, assistant/language_screen.py)
SLOT_LANGUAGE = "language"  # slot, and the entity that fills it
LANGUAGE_ENTITY = SLOT_LANGUAGE
ENGLISH, HINDI, HINGLISH = "en", "hi", "hinglish"  # hi: Devanagari; hinglish: Latin letters
LANGUAGES = (ENGLISH, HINDI, HINGLISH)
DEFAULT_LANGUAGE = ENGLISH
INTENT_SET_LANGUAGE = "set_language"  # "Hindi mein baat karo", the widget's control
LANGUAGE_KEY = "language_detection"  # parse key: {"script", "detected", "switch"}

# --- FAQ topics: the "Did you mean ...?" choice and the buttons that pick a topic
INTENT_FAQ_UNSURE = "faq_unsure"  # set by the FAQ selector when two topics are close
FAQ_CANDIDATES = "faq_candidates"  # parse key: [{"topic", "confidence"}], best first
TOPIC_PAYLOAD_PREFIX = "topic:"  # button payload "topic:kyphoplasty" answers that topic


def level_of(findings: Iterable[Mapping[str, Any]]) -> Optional[str]:
    """The one level for a set of findings: EMERGENCY if any finding is, else URGENT.

    `findings` are dicts with a "level" key (the parse result's `red_flags`), or objects
    with a `level` attribute. None when there are none.
    """
    levels = {f["level"] if isinstance(f, Mapping) else f.level for f in findings}
    for level in RED_FLAG_LEVELS:
        if level in levels:
            return level
    return None


# --- triage answer buttons: /answer{"tr_question": "<question slot>", "tr_answer": "<value>"}
# Each button names the question it was shown with, so a tap on an older question's
# button answers that question and no other.
INTENT_ANSWER = "answer"
ANSWER_QUESTION_ENTITY = "tr_question"
ANSWER_VALUE_ENTITY = "tr_answer"

# --- conversation ids: every conversation belongs to the channel its messages came from.
# The Rasa server stores a conversation under "<channel name>:<the channel's own sender
# id>" (e.g. "whatsapp:919876543210", "socketio:<session id>", "rest:<sender>"), so a
# message on one channel can never reach another channel's conversation.
CHANNEL_SEPARATOR = ":"


def conversation_id(channel: str, sender_id: str) -> str:
    """The stored conversation id of `sender_id` on `channel`."""
    return f"{channel}{CHANNEL_SEPARATOR}{sender_id}"


def split_conversation_id(conversation: str) -> "tuple[str, str]":
    """(channel, the channel's sender id); ("", conversation) for an id without a channel."""
    channel, separator, sender = conversation.partition(CHANNEL_SEPARATOR)
    if not separator or not channel:
        return "", conversation
    return channel, sender


# The input channels of WhatsApp patients (Meta's Cloud API, Twilio): their sender id is
# the patient's number, and the 24-hour customer-service window applies.
WHATSAPP_CHANNELS = ("whatsapp", "twilio_whatsapp")


# --- live takeover by a member of the clinic's team (console/takeover/, domain/takeover.yml)
# The console sets SLOT_STAFF_TAKEOVER (a dict: {"by": <staff name>, "at": <timestamp>})
# through the Rasa server's HTTP API; while it is set the assistant answers nothing but red
# flags (assistant/takeover_policy.py). Staff messages are bot events whose metadata
# carries STAFF_MESSAGE_KEY.
SLOT_STAFF_TAKEOVER = "staff_takeover"
UTTER_TAKEOVER_STARTED = "utter_takeover_started"
UTTER_TAKEOVER_ENDED = "utter_takeover_ended"
UTTER_TAKEOVER_NO_REPLY = "utter_takeover_no_reply"
STAFF_MESSAGE_KEY = "staff_takeover"
# --- patient feedback on the assistant's answers: the thumbs under a web FAQ answer and
# the one-tap rating after goodbye on WhatsApp, both a button payload
# /feedback{"rating": "up", "feedback_topic": "kyphoplasty"} (the console's analytics read
# it from the `user` event; nothing else acts on it)
INTENT_FEEDBACK = "feedback"
RATING_ENTITY = "rating"
FEEDBACK_TOPIC_ENTITY = "feedback_topic"
RATING_UP, RATING_DOWN = "up", "down"
RATINGS = (RATING_UP, RATING_DOWN)
CONVERSATION_TOPIC = "conversation"  # the topic of the rating at the end of a conversation
FEEDBACK_KEY = "feedback"  # bot message key offering thumbs for an answer: {"topic": ...}
FAQ_RESPONSE_PREFIX = "utter_faq/"  # responses answering an FAQ topic: utter_faq/<topic>
