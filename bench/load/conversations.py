"""What the simulated patients write: whole conversations, not one repeated message.

Each script is one conversation, sent turn by turn, every turn waiting for the reply.
Button answers are sent as the payloads the chat widget sends when a button is tapped.
"""

from typing import Dict, List

NO, NOT_SURE = "/deny", "/not_sure"

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

# symptom triage answered with the buttons, ending in self-care advice
TRIAGE = (
    ["I have back pain"]
    + [NO] * 6
    + [NOT_SURE]
    + [NO] * 3
    + ["2 weeks", '/inform{"tr_severity": "mild"}', '/inform{"tr_care_helped": "yes"}']
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
