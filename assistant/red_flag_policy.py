"""The dialogue policy of the red-flag path: one deterministic place that answers red flags.

It runs inside the Rasa server with a higher priority than the rules, before any form,
and needs neither the action server nor the database to give its advice. On each patient
message it reads the red-flag screen's analysis (the parse result: findings, and the
clinical facts and signs of `red_flag_context`), adds what only the conversation shows
(redflags/conversation.py: facts said earlier, short follow-ups), and answers with one
plan. A parse result without `red_flag_context` (a tracker written before the key
existed, a payload Rasa parsed itself) is screened here again: never silence.

  EMERGENCY  confirmed emergency, or "Yes" / "Not sure" to "Is this happening now?":
             utter_emergency_advice, action_deactivate_loop, action_record_escalation
  ASK        possible emergency: utter_ask_red_flag_now (the number, conditionally, and
             the question with Yes / No / Not sure buttons)
  NOT_NOW    "No" to that question: utter_red_flag_not_now, then the form goes on
  URGENT     confirmed urgent sign: utter_urgent_advice, action_record_escalation
  URGENT_MAYBE  possible urgent sign: utter_urgent_advice_possible

The slots of the escalation (level, categories, summary, emergency_active and when) are
set here, as events of the prediction, so the record exists even when the action server
is down; action_record_escalation only alerts. Each plan is recognised by its first
action, so nothing is kept between its steps.
"""

import logging
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Tuple

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from contract import (
    CONFIRMED,
    EMERGENCY,
    INTENT_EMERGENCY,
    INTENT_POSSIBLE,
    INTENT_URGENT,
    INTENT_URGENT_POSSIBLE,
    POSSIBLE,
    RED_FLAG_CONTEXT,
    RED_FLAG_INTENTS,
    RED_FLAGS,
    SCREENED_INTENT,
    SLOT_EMERGENCY_ACTIVE,
    SLOT_ESCALATION_CATEGORIES,
    SLOT_ESCALATION_LEVEL,
    SLOT_SUMMARY,
    SLOT_SUMMARY_VERSIONS,
    URGENT,
)
from redflags import Analysis, Finding, RedFlagDetector, summaries
from redflags.conversation import ConversationScreen, from_published

logger = logging.getLogger(__name__)

PLAN_EMERGENCY, PLAN_ASK, PLAN_NOT_NOW = "EMERGENCY", "ASK", "NOT_NOW"
PLAN_URGENT, PLAN_URGENT_MAYBE = "URGENT", "URGENT_MAYBE"
STEPS: Dict[str, List[str]] = {
    PLAN_EMERGENCY: [
        "utter_emergency_advice",
        "action_deactivate_loop",
        "action_record_escalation",
    ],
    PLAN_ASK: ["utter_ask_red_flag_now"],
    PLAN_NOT_NOW: ["utter_red_flag_not_now"],
    PLAN_URGENT: ["utter_urgent_advice", "action_record_escalation"],
    PLAN_URGENT_MAYBE: ["utter_urgent_advice_possible"],
}
# Each plan is recognised from its first action, so no state is kept between its steps.
PLAN_BY_FIRST_STEP = {steps[0]: plan for plan, steps in STEPS.items()}
# Plans after which an interrupted form goes on (an emergency ends it instead).
RESUMES_FORM = {PLAN_NOT_NOW, PLAN_URGENT, PLAN_URGENT_MAYBE}
SLOT_PENDING, SLOT_CONTEXT = "red_flag_pending", "clinical_context"
SLOT_EMERGENCY_AT, SLOT_LANGUAGE = "emergency_at", "language"
ANSWER_ENTITY, ANSWER_INTENT = "red_flag_answer", "red_flag_now"
YES_INTENTS, NO_INTENTS = {"affirm", "not_sure"}, {"deny"}
EMERGENCY_HOURS = 24
# Actions that run without being predicted, or that do not count as a step of a plan.
NOT_STEPS = {"action_extract_slots", "action_session_start", ACTION_LISTEN_NAME}


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class RedFlagPolicy(Policy):
    """Answers red flags before rules and forms (see the module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # Above RulePolicy (6) and the takeover's silence (7): a red flag pre-empts any
        # rule or form, and is answered while staff have taken a conversation over.
        return {"priority": 8}

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Optional[Any] = None,
    ) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        self.screen = ConversationScreen(RedFlagDetector.shared())

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        """Nothing to learn: the red-flag path is written, not trained."""
        with self._model_storage.write_to(self._resource):
            pass
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        done = steps_since_user(tracker)
        if done is None:
            return self._abstain(domain)
        if not done:
            plan, events = self.decide(tracker, domain)
            if plan is None:
                return self._prediction(self._default_predictions(domain), events=events)
            return self._predict(STEPS[plan][0], domain, events)
        plan = PLAN_BY_FIRST_STEP.get(done[0])
        if plan is None:
            return self._abstain(domain)
        remaining = [step for step in STEPS[plan] if step not in done]
        if plan == PLAN_URGENT_MAYBE and _said(tracker) == "faq":
            remaining += [step for step in ["utter_faq"] if step not in done]
        if remaining:
            return self._predict(remaining[0], domain)
        loop = tracker.active_loop_name
        if plan in RESUMES_FORM and loop and loop not in done:
            return self._predict(loop, domain)
        return self._predict(ACTION_LISTEN_NAME, domain)

    def decide(
        self, tracker: DialogueStateTracker, domain: Domain
    ) -> Tuple[Optional[str], List[Event]]:
        """The plan for the latest message, and the slots that record it."""
        message = tracker.latest_message
        assert message is not None
        parse = message.parse_data or {}
        now = datetime.fromtimestamp(_timestamp(tracker), tz=timezone.utc)
        text = message.text or ""
        slots = {slot.name for slot in domain.slots}
        context = tracker.get_slot(SLOT_CONTEXT) if SLOT_CONTEXT in slots else None
        parsed = _parsed(parse)
        previous, before = _previous(tracker)
        analysis = _analysis(text, parsed, parse)
        turn = self.screen.screen(
            "" if text.startswith("/") and RED_FLAG_CONTEXT not in parse else text,
            context if isinstance(context, dict) else {},
            now,
            previous=previous,
            analysis=analysis,
            previous_categories=before,
        )
        findings = _merge(parsed, turn.findings)
        events: List[Event] = []
        if SLOT_CONTEXT in slots and turn.state != context:
            events.append(SlotSet(SLOT_CONTEXT, turn.state))
        if tracker.get_slot(SLOT_EMERGENCY_ACTIVE) and not emergency_still_active(
            tracker, now.timestamp()
        ):
            events.append(SlotSet(SLOT_EMERGENCY_ACTIVE, False))
        language = (tracker.get_slot(SLOT_LANGUAGE) if SLOT_LANGUAGE in slots else None) or "en"
        intent = (message.intent or {}).get("name")
        said = _said(tracker)
        answer = _entity(message, ANSWER_ENTITY)
        pending = tracker.get_slot(SLOT_PENDING)
        if pending:
            events.append(SlotSet(SLOT_PENDING, None))

        emergency = [f for f in findings if f.level == EMERGENCY and f.certainty == CONFIRMED]
        if intent == INTENT_EMERGENCY and not emergency:
            emergency = [f for f in findings if f.level == EMERGENCY]
            if not emergency:  # a story or a payload names the intent without findings
                return PLAN_EMERGENCY, events + self._escalation(
                    EMERGENCY, [], None, now, True, language
                )
        if not emergency and (
            answer in ("yes", "unsure") or (pending and said in YES_INTENTS and not answer)
        ):
            categories = (pending or {}).get("categories") or []
            versions = (pending or {}).get("versions")
            if not versions and (pending or {}).get("summary"):  # asked before the versions
                events.append(SlotSet(SLOT_SUMMARY, pending["summary"]))
            return PLAN_EMERGENCY, events + self._escalation(
                EMERGENCY, categories, versions, now, True, language
            )
        if emergency:
            return PLAN_EMERGENCY, events + self._escalation(
                EMERGENCY,
                _categories(emergency),
                self._said(emergency, EMERGENCY),
                now,
                True,
                language,
            )
        possible = [f for f in findings if f.level == EMERGENCY]
        if possible or intent == INTENT_POSSIBLE:
            versions = self._said(possible, EMERGENCY) if possible else None
            events += _summary_events(versions, language)
            events.append(
                SlotSet(SLOT_PENDING, {"categories": _categories(possible), "versions": versions})
            )
            if tracker.active_loop_name:  # the form must not take the answer as its own
                events.append(SlotSet(REQUESTED_SLOT, None))
            return PLAN_ASK, events
        if pending and (answer == "no" or said in NO_INTENTS):
            return PLAN_NOT_NOW, events
        urgent = [f for f in findings if f.level == URGENT]
        if urgent or intent in (INTENT_URGENT, INTENT_URGENT_POSSIBLE):
            sure = [f for f in urgent if f.certainty == CONFIRMED]
            if sure or (intent == INTENT_URGENT and not urgent):  # named by a story or payload
                versions = self._said(sure, URGENT) if sure else None
                return PLAN_URGENT, events + self._escalation(
                    URGENT, _categories(sure), versions, now, False, language
                )
            return PLAN_URGENT_MAYBE, events + _summary_events(self._said(urgent, URGENT), language)
        return None, events

    def _said(self, findings: List[Finding], level: str) -> Dict[str, str]:
        """The findings in plain words, in every language."""
        return summaries(findings, level, self.screen.detector)

    @staticmethod
    def _escalation(
        level: str,
        categories: List[str],
        versions: Optional[Dict[str, str]],
        now: datetime,
        emergency: bool,
        language: str = "en",
    ) -> List[Event]:
        events: List[Event] = [
            SlotSet(SLOT_ESCALATION_LEVEL, level),
            SlotSet(SLOT_ESCALATION_CATEGORIES, categories),
        ]
        events += _summary_events(versions, language)
        if emergency:
            events += [
                SlotSet(SLOT_EMERGENCY_ACTIVE, True),
                SlotSet(SLOT_EMERGENCY_AT, now.timestamp()),
            ]
        return events

    def _predict(
        self, action: str, domain: Domain, events: Optional[List[Event]] = None
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities, events=events)

    def _abstain(self, domain: Domain) -> PolicyPrediction:
        return self._prediction(self._default_predictions(domain))


def steps_since_user(tracker: DialogueStateTracker) -> Optional[List[str]]:
    """Actions run since the latest patient message ([] right after it); None if none."""
    done: List[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return list(reversed(done))
        if isinstance(event, ActionExecuted):
            if event.action_name == ACTION_LISTEN_NAME:
                return None  # the turn is over
            if event.action_name not in NOT_STEPS:
                done.append(event.action_name)
    return None


def emergency_still_active(tracker: DialogueStateTracker, now: float) -> bool:
    """emergency_active, within 24 hours of the advice."""
    if not tracker.get_slot(SLOT_EMERGENCY_ACTIVE):
        return False
    at = tracker.get_slot(SLOT_EMERGENCY_AT)
    return at is None or now - float(at) <= EMERGENCY_HOURS * 3600


def _said(tracker: DialogueStateTracker) -> Optional[str]:
    """The classifier's intent of the latest message (before the screen re-routed it)."""
    message = tracker.latest_message
    if message is None:
        return None
    intent = (message.intent or {}).get("name")
    if intent in RED_FLAG_INTENTS:
        return ((message.parse_data or {}).get(SCREENED_INTENT) or {}).get("name")
    return intent


def _previous(tracker: DialogueStateTracker) -> Tuple[Optional[str], Optional[List[str]]]:
    """The patient's message before the latest one, in this session, and its findings'
    categories when its parse result was screened (None: screen it again)."""
    seen = 0
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            seen += 1
            if seen == 2:
                parse = event.parse_data or {}
                if RED_FLAG_CONTEXT not in parse:
                    return event.text, None
                return event.text, [f.category for f in _parsed(parse)]
    return None, None


def _analysis(text: str, parsed: List[Finding], parse: Dict[str, Any]) -> Optional[Analysis]:
    """The screen's analysis of the latest message, from its parse result; None when the
    result lacks it and the message must be screened again. A payload Rasa parsed itself
    ("/intent{...}") has no analysis and no words to screen."""
    context = parse.get(RED_FLAG_CONTEXT)
    if isinstance(context, dict):
        return from_published(parsed, context)
    if text.startswith("/"):
        return Analysis(findings=[], facts=[], signs=[])
    logger.debug("parse result without %s: screening the message again", RED_FLAG_CONTEXT)
    return None


def _timestamp(tracker: DialogueStateTracker) -> float:
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return event.timestamp
    return datetime.now(timezone.utc).timestamp()


def _parsed(parse: Dict[str, Any]) -> List[Finding]:
    """The screen's findings as published in the parse result."""
    out = []
    for flag in parse.get(RED_FLAGS) or []:
        if isinstance(flag, dict) and flag.get("category") and flag.get("level"):
            out.append(
                Finding(
                    category=flag["category"],
                    level=flag["level"],
                    text=flag.get("text", ""),
                    start=0,
                    end=0,
                    certainty=flag.get("certainty", CONFIRMED),
                )
            )
    return out


def _merge(first: List[Finding], second: List[Finding]) -> List[Finding]:
    """One finding per category, the surer one kept."""
    best: Dict[str, Finding] = {}
    for finding in first + second:
        known = best.get(finding.category)
        if known is None or (known.certainty == POSSIBLE and finding.certainty == CONFIRMED):
            best[finding.category] = finding
    return list(best.values())


def _summary_events(versions: Optional[Dict[str, str]], language: str) -> List[Event]:
    """The summary slot (in the conversation's language, for the record and the console)
    and its versions in every language, which the NLG uses for a reply in another
    language; nothing when the findings are not known (the slots keep what they hold)."""
    if not versions or not any(versions.values()):
        return []
    summary = versions.get(language) or versions.get("en")
    return [SlotSet(SLOT_SUMMARY, summary), SlotSet(SLOT_SUMMARY_VERSIONS, versions)]


def _categories(findings: List[Finding]) -> List[str]:
    return list(dict.fromkeys(f.category for f in findings))


def _entity(message: UserUttered, name: str) -> Optional[str]:
    for entity in message.entities or []:
        if entity.get("entity") == name:
            return str(entity.get("value"))
    return None
