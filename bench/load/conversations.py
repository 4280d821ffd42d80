"""What the simulated patients write: whole conversations, not one repeated message.

Each script is one conversation, sent turn by turn, every turn waiting for the reply.
Button answers are sent as the payloads the chat widget sends when a button is tapped.
"""

import json
from typing import Dict, List


def tap(question: str, answer: str) -> str:
    """A triage button's payload: it names its question."""
    return "/answer" + json.dumps({"tr_question": question, "tr_answer": answer})


GREETING = ["hello", "namaste", "hi there"]

FAQ_QUESTIONS = [
    "What is kyphoplasty?",
    "what is vertebroplasty",
    "How is the procedure done?",
    "Who is a candidate for this procedure?",
    "What kind of fractures are treated?",
    "What is sacroplasty?",
    "What is the difference between kyphoplasty and vertebroplasty?",
    "kyphoplasty kya hota hai",
    "What is vertebral augmentation?",
    "what is kyphoplsty",
    "वर्टेब्रोप्लास्टी क्या है",
    "who can get kyphoplasty",
]

# symptom triage answered with the buttons (a "not sure" to the procedure brings its
# follow-ups) and one typed answer, ending in self-care advice
TRIAGE = (
    ["I have back pain"]
    + [
        tap(q, "no")
        for q in (
            "tr_bladder",
            "tr_bowel",
            "tr_saddle",
            "tr_leg_weakness",
            "tr_leg_pain",
            "tr_injury",
        )
    ]
    + [
        tap("tr_recent_procedure", "unsure"),
        tap("tr_chest", "no"),
        tap("tr_wound", "no"),
        tap("tr_cancer", "no"),
        "2 weeks",
        tap("tr_severity", "mild"),
    ]
    + [
        tap(q, "no")
        for q in ("tr_fever", "tr_weight_loss", "tr_night_pain", "tr_tb_risk", "tr_age")
    ]
    + [tap("tr_care_helped", "yes")]
)

APPOINTMENT = [
    "I want to book an appointment",
    "Meena Gupta",
    "+91 98100 12345",
    "friday evening",
    "osteoporosis fracture consultation",
    "/affirm",
]

SCENARIOS: Dict[str, List[str]] = {
    "faq": [GREETING[0], *FAQ_QUESTIONS[:5], "are you a bot?", "thank you", "bye"],
    "triage": [GREETING[1], "What is kyphoplasty?", *TRIAGE, "thanks a lot"],
    "appointment": [GREETING[2], "What is sacroplasty?", *APPOINTMENT, "ok thanks"],
    "red_flag": [
        GREETING[0],
        "what is vertebroplasty",
        "I can't control my bladder since yesterday",
        "what is kyphoplasty",
        "ok thanks",
    ],
}
# how often each conversation is picked in the mixed load (sums to 10)
WEIGHTS = {"faq": 4, "triage": 3, "appointment": 2, "red_flag": 1}

# 50 turns without a red flag (which would pin every later answer to the reminder):
# a greeting, questions, a full triage, an appointment request, more questions
LONG = (
    [GREETING[0]]
    + FAQ_QUESTIONS
    + ["are you a bot?"]
    + TRIAGE
    + FAQ_QUESTIONS[:8]
    + APPOINTMENT
    + FAQ_QUESTIONS[8:]
    + ["thank you"]
)
LONG = (LONG + FAQ_QUESTIONS * 5)[:50]
