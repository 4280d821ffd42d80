"""Red flags across a conversation: clinical context kept between messages.

Patients tell their story in pieces: "I had kyphoplasty last week", then "now a new pain
shooting down my leg". Each message is screened on its own (redflags/detector.py); this
module adds what only the conversation shows:
  - clinical facts said earlier (a recent procedure, osteoporosis, steroids, cancer,
    TB or immunosuppression) combined with signs said now (redflags/combinations.py);
  - short follow-ups ("still", "now both", "the other one too", "ab dono mein") read
    together with the previous message.
The state is a small JSON-safe dict that the Rasa server keeps in a slot, so the
safety path needs no other service.
"""

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Dict, List, Optional

from contract import CONFIRMED
from redflags.combinations import Mention
from redflags.detector import Finding, RedFlagDetector, combined

# A follow-up leans on the message before it.
FOLLOW_UP = re.compile(
    r"\b(still|now|too|also|again|same|both|other|another|either|worse|more|spread|"
    r"bhi|ab|abhi|dono|donon|doosre|dusre|doosra|dusra|wahi|waisa|vaisa|aur|phir|zyada)\b|"
    r"(अब|अभी|भी|दोनों|दूसरे|दूसरा|वही|वैसा|फिर|ज़्यादा|ज्यादा)"
)
SHORT_WORDS = 8
FACT_DAYS_KEPT = 365


@dataclass
class Turn:
    """The findings of one message in its conversation, and the state to keep."""

    findings: List[Finding]
    state: Dict[str, Any] = field(default_factory=dict)


class ConversationScreen:
    """Screens one message with the conversation's clinical context."""

    def __init__(self, detector: Optional[RedFlagDetector] = None) -> None:
        self.detector = detector or RedFlagDetector.shared()

    def screen(
        self,
        text: str,
        state: Optional[Dict[str, Any]],
        now: datetime,
        previous: Optional[str] = None,
    ) -> Turn:
        """`previous` is the patient's message before this one (for short follow-ups); the
        state keeps facts only, never the patient's words."""
        state = state or {}
        analysis = self.detector.examine(text)
        findings = list(analysis.findings)
        seen = {f.category for f in findings}
        facts = self._facts(state, now) + analysis.facts
        for name, level, sign, sure in self.detector.combinations.hits(facts, analysis.signs, seen):
            findings.append(replace(combined(name, level, sign, sure), source="conversation"))
            seen.add(name)
        if previous and self._follows_up(text, findings):
            findings += self._follow_up(previous, text, seen)
        return Turn(findings=findings, state=self._next_state(state, analysis.facts, now))

    def _facts(self, state: Dict[str, Any], now: datetime) -> List[Mention]:
        facts = []
        for name, fact in (state.get("facts") or {}).items():
            elapsed = max(0, (now - datetime.fromisoformat(fact["at"])).days)
            days = fact.get("days_ago")
            facts.append(
                Mention(
                    name=name,
                    text=fact.get("text", ""),
                    start=0,
                    end=0,
                    certainty=fact.get("certainty", CONFIRMED),
                    days_ago=None if days is None else days + elapsed,
                )
            )
        return facts

    @staticmethod
    def _follows_up(text: str, findings: List[Finding]) -> bool:
        if findings:
            return False
        return len(text.split()) <= SHORT_WORDS or bool(FOLLOW_UP.search(text.lower()))

    def _follow_up(self, previous: str, text: str, seen: set) -> List[Finding]:
        """Findings that appear only when the follow-up is read after the message before."""
        before = {f.category for f in self.detector.detect(previous)}
        joined = f"{previous.rstrip(' .।!?')} {text}"
        offset = len(previous.rstrip(" .।!?")) + 1
        out = []
        for finding in self.detector.detect(joined):
            if (
                finding.category in before
                or finding.category in seen
                or finding.end <= offset
                or finding.source == "combination"
            ):
                continue  # combinations across messages are the facts' business (timing)
            start = max(0, finding.start - offset)
            out.append(
                replace(finding, text=text, start=start, end=len(text), source="conversation")
            )
            seen.add(finding.category)
        return out

    @staticmethod
    def _next_state(state: Dict[str, Any], facts: List[Mention], now: datetime) -> Dict[str, Any]:
        kept = {
            name: fact
            for name, fact in (state.get("facts") or {}).items()
            if (now - datetime.fromisoformat(fact["at"])).days <= FACT_DAYS_KEPT
        }
        for fact in facts:
            known = kept.get(fact.name)
            if known and known.get("certainty") == CONFIRMED and fact.certainty != CONFIRMED:
                continue  # a later question does not make a told fact doubtful
            kept[fact.name] = {
                "text": fact.text,
                "days_ago": fact.days_ago,
                "certainty": fact.certainty,
                "at": now.isoformat(),
            }
        return {"facts": kept, "at": now.isoformat()}
