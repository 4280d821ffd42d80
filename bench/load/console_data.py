"""The synthetic patients of the console benchmark (bench/bench_console.py): what they
write, and the events Rasa's SQLTrackerStore would store for them, plus the follow-ups
staff would have recorded. Kept apart so the benchmark script reads as its steps.
"""

import random
import uuid
from typing import Any, List

# The synthetic data spans the last DAYS days.
DAYS = 365

# --- what the synthetic patients write: (text, intent, bot response) ---
SMALLTALK = [
    ("hello", "greet", "utter_greet"),
    ("hi", "greet", "utter_greet"),
    ("namaste", "greet", "utter_greet"),
    ("are you a bot?", "bot_challenge", "utter_iamabot"),
    ("can I talk to a person", "request_human", "utter_request_human"),
]
GOODBYE = [
    ("thanks", "thank", "utter_thank"),
    ("thank you so much", "thank", "utter_thank"),
    ("bye", "goodbye", "utter_goodbye"),
    ("ok thanks", "thank", "utter_thank"),
]
FAQ = [
    "what is kyphoplasty",
    "what is vertebroplasty",
    "how long is the recovery after kyphoplasty",
    "is the procedure painful",
    "what are your clinic hours",
    "do you accept insurance",
    "how much does vertebroplasty cost",
    "who is a candidate for this procedure",
    "what is sacroplasty",
    "kyphoplasty kya hota hai",
    "clinic kahan hai",
    "can osteoporosis fractures be treated",
    "do I need an mri before the consultation",
    "वर्टेब्रोप्लास्टी क्या है",
    "how soon can I walk after vertebroplasty",
]
PAIN = [
    "I have lower back pain for two weeks",
    "mujhe kamar dard hai",
    "my back hurts when I bend",
    "pain in my neck since a fall last month",
    "sciatica pain down my left leg",
    "back pain after lifting a heavy box",
]
FALLBACK = ["zxcvbnm", "asdf qwer", "xyzzy plugh", "hmm", "???", "lol ok"]
NAMES = [
    "Meena Gupta",
    "Rahul Sharma",
    "Anita Desai",
    "Vikram Singh",
    "Priya Nair",
    "Arjun Mehta",
    "Sunita Rao",
    "Farhan Khan",
    "Kavita Iyer",
    "Deepak Verma",
]
RED_FLAGS = [
    ("I can't control my bladder since yesterday", "bladder", "EMERGENCY"),
    ("my legs are going weak", "leg_weakness", "EMERGENCY"),
    ("numbness between my legs and in the saddle area", "saddle_numbness", "EMERGENCY"),
    ("chest pain after the procedure", "post_procedure_chest", "EMERGENCY"),
    ("fever and chills with back pain", "infection", "URGENT"),
    ("the pain wakes me up every night", "night_pain", "URGENT"),
    ("I lost 8 kg without trying", "weight_loss", "URGENT"),
]
HINGLISH = {"kyphoplasty kya hota hai", "clinic kahan hai", "mujhe kamar dard hai", "kal subah"}
CHANNELS = ["socketio"] * 50 + ["whatsapp"] * 25 + ["rest"] * 20 + ["twilio_whatsapp"] * 5
MODEL = uuid.uuid4().hex


class Conversation:
    """One sender's events as Rasa's SQLTrackerStore stores them (Event.as_dict as JSON)."""

    def __init__(self, rng: random.Random, start: float):
        self.rng, self.ts = rng, start
        self.rows: List[Any] = []
        self.channel = rng.choice(CHANNELS)
        phone = f"91{rng.randrange(7 * 10**9, 10**10)}"
        self.sender = {"whatsapp": phone, "twilio_whatsapp": f"whatsapp:+{phone}"}.get(
            self.channel, uuid.UUID(int=rng.getrandbits(128)).hex
        )

    def add(self, type_name, data, intent=None, action=None):
        self.ts += self.rng.uniform(0.05, 0.4)
        self.rows.append(
            [
                self.ts,
                self.sender,
                type_name,
                intent,
                action,
                {"event": type_name, "timestamp": self.ts, "metadata": {"model_id": MODEL}, **data},
            ]
        )

    def action(self, name, policy="policy_1_RulePolicy"):
        self.add(
            "action",
            {
                "name": name,
                "policy": policy,
                "confidence": 1.0,
                "action_text": None,
                "hide_rule_turn": False,
            },
            action=name,
        )

    def slot(self, name, value):
        self.add("slot", {"name": name, "value": value}, action=name)

    def session(self):
        self.action("action_session_start", None)
        self.add("session_started", {})
        self.action("action_listen", None)

    def turn(self, text, intent, utter, confidence=None, flags=(), entities=None):
        self.ts += self.rng.uniform(3, 90)  # the patient reads and types
        confidence = confidence or round(self.rng.uniform(0.55, 0.999), 4)
        parse = {
            "intent": {"name": intent, "confidence": confidence},
            "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
            "text": text,
            "message_id": uuid.uuid4().hex,
            "metadata": {},
            "intent_ranking": [
                {"name": intent, "confidence": confidence},
                {"name": "out_of_scope", "confidence": round(1 - confidence, 4)},
            ],
            "red_flags": [dict(f) for f in flags],
        }
        if flags:
            level = "EMERGENCY" if any(f["level"] == "EMERGENCY" for f in flags) else "URGENT"
            parse["screened_intent"] = parse["intent"]
            parse["intent"] = {"name": f"red_flag_{level.lower()}", "confidence": 1.0}
        self.add(
            "user",
            {
                "text": text,
                "parse_data": parse,
                "input_channel": self.channel,
                "message_id": parse["message_id"],
            },
            intent=parse["intent"]["name"],
        )
        language = language_of(text)
        if language:  # the language screen's slot, as Rasa logs it after the message
            self.slot("language", language)
        if flags:
            self.slot("emergency_active", level == "EMERGENCY")
            self.action(f"utter_{level.lower()}_advice")
            self.bot(f"utter_{level.lower()}_advice", "Please get medical help now.")
            self.action("action_record_escalation")
            self.slot("escalation_level", level)
            self.slot("escalation_categories", [f["category"] for f in flags])
        else:
            policy = "policy_2_TEDPolicy" if intent == "nlu_fallback" else "policy_1_RulePolicy"
            self.action(utter, policy)
            self.bot(utter, f"Reply to: {text[:40]}")
        self.action("action_listen")

    def bot(self, utter, text):
        self.add(
            "bot",
            {
                "text": text,
                "data": {
                    "elements": None,
                    "quick_replies": None,
                    "buttons": None,
                    "attachment": None,
                    "image": None,
                    "custom": None,
                },
                "metadata": {"utter_action": utter},
            },
        )


def language_of(text: str):
    """The language the assistant's language screen would set: None for a short word."""
    if any("\u0900" <= ch <= "\u097f" for ch in text):
        return "hi"
    if text in HINGLISH:
        return "hinglish"
    return "en" if len(text) > 12 and not text.startswith("/") else None


def rate(c: Conversation, topic: str) -> None:
    """A thumbs up (three in four) or down under an answer, or after goodbye."""
    rating = "up" if c.rng.random() < 0.75 else "down"
    entities = {"rating": rating, "feedback_topic": topic}
    c.turn(
        f'/feedback{{"rating": "{rating}", "feedback_topic": "{topic}"}}',
        "feedback",
        "utter_feedback_thanks",
        1.0,
        entities=entities,
    )


def conversation(rng: random.Random, start: float) -> Conversation:
    c = Conversation(rng, start)
    c.session()
    if rng.random() < 0.7:
        c.turn(*rng.choice(SMALLTALK))
    kind = rng.random()
    if kind < 0.5:
        for text in rng.sample(FAQ, rng.randint(1, 3)):
            c.turn(text, "faq", "utter_faq/" + text.split()[-1])
            if c.channel == "socketio" and rng.random() < 0.3:  # the widget's thumbs
                rate(c, text.split()[-1])
    elif kind < 0.65:
        c.turn(rng.choice(PAIN), "report_back_pain", "utter_ask_tr_duration")
        c.turn('/inform{"tr_duration": "weeks"}', "inform", "utter_ask_tr_severity", 1.0)
        c.turn('/inform{"tr_severity": "moderate"}', "inform", "utter_triage_result", 1.0)
        c.action("action_triage_result")
        c.slot("triage_level", rng.choice(["ROUTINE", "ROUTINE", "URGENT"]))
    elif kind < 0.8:
        c.turn("I want to book an appointment", "request_appointment", "utter_ask_patient_name")
        c.turn(rng.choice(NAMES), "inform", "utter_ask_phone")
        c.turn(f"+91 98{rng.randrange(10**8):08d}", "inform", "utter_ask_preferred_time")
        c.turn(
            rng.choice(["friday evening", "monday morning", "kal subah"]),
            "inform",
            "utter_submit_appointment",
        )
        c.action("action_submit_appointment")
    elif kind < 0.9:
        for text in rng.sample(FALLBACK, rng.randint(1, 2)):
            c.turn(text, "nlu_fallback", "utter_default", round(rng.uniform(0.2, 0.5), 4))
    if rng.random() < 0.035:  # a few percent raise a red flag
        text, category, level = rng.choice(RED_FLAGS)
        c.turn(text, "inform", "", flags=[{"category": category, "level": level, "text": text}])
    if rng.random() < 0.5:
        c.turn(*rng.choice(GOODBYE))
        if "whatsapp" in c.channel and rng.random() < 0.3:  # the rating after goodbye
            rate(c, "conversation")
    return c


def staff_data():
    """Staff have followed up nearly every escalation older than three days."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE staff_escalation SET followup_status = 'called_back', "
            "followup_at = at + (5 + id * 37 % 240) * interval '1 minute' "
            "WHERE at < now() - interval '3 days' AND id % 20 <> 0"
        )
        # what the follow-up view records (console/analytics/receivers.py)
        cursor.execute(
            "INSERT INTO analytics_firstfollowup (escalation_id, at) SELECT id, "
            "followup_at FROM staff_escalation WHERE followup_status <> 'pending'"
        )
        cursor.execute(
            "UPDATE staff_conversation c SET needs_followup = EXISTS (SELECT 1 FROM "
            "staff_escalation e WHERE e.conversation_id = c.id AND e.followup_status "
            "IN ('pending', 'no_answer')) WHERE escalation_level <> ''"
        )
