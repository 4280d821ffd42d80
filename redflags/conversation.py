"""Red flags across a conversation: clinical context kept between messages.

Patients tell their story in pieces: "I had kyphoplasty last week", then "now a new pain
shooting down my leg". Each message is screened on its own (redflags/detector.py); this
module adds what only the conversation shows:
  - clinical facts said earlier (a recent procedure, osteoporosis, steroids, cancer,
    TB or immunosuppression) combined with signs said now (redflags/combinations.py);
  - signs said earlier (back pain, a fall) combined with a fact said now, for 24 hours
    ("meri kamar mein dard hai" ... "mujhe pehle cancer tha");
  - short follow-ups ("still", "now both", "the other one too", "ab dono mein") read
    together with the previous message.
The state is a small JSON-safe dict that the Rasa server keeps in a slot, so the
safety path needs no other service. The message itself is analysed once, by the NLU
screen, which publishes its findings, facts and signs in the parse result
(`published` / `from_published`); the red-flag policy hands that analysis in here.
"""

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Dict, Iterable, List, Mapping, Optional

from contract import CONFIRMED, POSSIBLE
from redflags.combinations import Mention
from redflags.detector import Analysis, Finding, RedFlagDetector, combined

# A follow-up leans on the message before it.
FOLLOW_UP = re.compile(
    r"\b(still|now|too|also|again|same|both|other|another|either|worse|more|spread|"
    r"bhi|ab|abhi|dono|donon|doosre|dusre|doosra|dusra|wahi|waisa|vaisa|aur|phir|zyada)\b|"
    r"(अब|अभी|भी|दोनों|दूसरे|दूसरा|वही|वैसा|फिर|ज़्यादा|ज्यादा)"
)
# "Still the same", "still numb", "वैसा ही है": the signs of the message before are still there.
SAME = re.compile(
    r"\b(same|still|no change|no better|not better|koi fark nahi|koi farak nahi|waisa hi|vaisa hi|"
    r"waise hi|vaise hi|wahi haal|wohi|abhi bhi|ab bhi)\b|वैसा ही|वैसे ही|वही हाल|कोई फर्क नहीं|"
    r"कोई फ़र्क नहीं|अभी भी|अब भी"
)
# "ab to bilkul nahi aa raha", "worse now": a follow-up that says the last red flag got worse.
WORSE = re.compile(
    r"\b(worse|bilkul nahi|bilkul bhi nahi|aur zyada|aur jyada|badh gaya|band ho gaya)\b|"
    r"बिल्कुल नहीं|बिलकुल नहीं|और ज़्यादा|और ज्यादा|बढ़ गया|बंद हो गया"
)
RECENT_MINUTES = 60  # how long the last red flag's names are kept for such a follow-up
SHORT_WORDS = 8
# A follow-up that says the red flag got worse may say more ("ab to bilkul band ho gaya,
# 8 ghante se ek boond nahi"): its words are specific, so it is read at up to this length.
WORSE_WORDS = 14
FACT_DAYS_KEPT = 365
# A sign told earlier (back pain, a fall) still combines with a fact told later ("I had
# cancer") for this long; only its name is kept.
SIGN_HOURS_KEPT = 24


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
        analysis: Optional[Analysis] = None,
        previous_categories: Optional[Iterable[str]] = None,
    ) -> Turn:
        """`previous` is the patient's message before this one (for short follow-ups), and
        `previous_categories` its findings when known (it is screened again when they are
        not); `analysis` is this message's, as the screen published it (the message is
        analysed here when it is None). The state keeps facts and the names of signs, never
        the patient's words."""
        state = state or {}
        if analysis is None:
            analysis = self.detector.examine(text)
        findings = list(analysis.findings)
        facts = self._facts(state, now) + analysis.facts
        # facts said earlier (or now) with signs said now, then facts said now with signs said
        # earlier ("back pain" ... "I had cancer"); a pair can confirm a doubtful finding
        pairs = self.detector.combinations.hits(facts, analysis.signs, self._sure(findings))
        if analysis.facts:
            told = analysis.facts[0]
            earlier = self._signs(state, now)
            for name, level, _, sure in self.detector.combinations.hits(
                analysis.facts, earlier, self._sure(findings) | {p[0] for p in pairs}
            ):
                pairs.append((name, level, told, sure))
        for name, level, mention, sure in pairs:
            known = next((f for f in findings if f.category == name), None)
            if known is not None and (known.certainty == CONFIRMED or sure != CONFIRMED):
                continue
            if known is not None:
                findings.remove(known)
            findings.append(replace(combined(name, level, mention, sure), source="conversation"))
        seen = {f.category for f in findings}
        if previous and self._follows_up(text, findings):
            findings += self._follow_up(previous, text, seen, previous_categories)
        lowered = text.lower()
        words = len(text.split())
        if not findings and (
            (words <= SHORT_WORDS and SAME.search(lowered))
            or (words <= WORSE_WORDS and WORSE.search(lowered))
        ):
            findings += self._told_again(state, text, now)
        prior = state
        state = self._remember_signs(
            prior, self._next_state(prior, analysis.facts, now), analysis.signs, now
        )
        if prior.get("recent") and not findings:
            state = {**state, "recent": prior["recent"]}
        if findings:  # names only, for a later "still the same" or "now worse"
            # {category: certainty}: a doubt told again is asked again, not confirmed
            state = {**state, "recent": {"names": _names(findings), "at": now.isoformat()}}
        return Turn(findings=findings, state=state)

    def _told_again(self, state: Dict[str, Any], text: str, now: datetime) -> List[Finding]:
        """The red flags of the last message that had one, within the hour, as sure as they
        were: a short follow-up that says they are the same or worse ("अब तो बिल्कुल नहीं
        आ रहा")."""
        recent = state.get("recent") or {}
        if not recent or now - datetime.fromisoformat(recent["at"]) > timedelta(
            minutes=RECENT_MINUTES
        ):
            return []
        names = recent.get("names") or {}
        return [
            Finding(name, self.detector.categories[name].level, text, 0, len(text), sure)
            for name, sure in names.items()
            if name in self.detector.categories and sure in (CONFIRMED, POSSIBLE)
        ]

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
    def _sure(findings: List[Finding]) -> set:
        return {f.category for f in findings if f.certainty == CONFIRMED}

    @staticmethod
    def _kept_signs(state: Dict[str, Any], now: datetime) -> Dict[str, Any]:
        """The signs of `state` said within the last 24 hours."""
        return {
            name: sign
            for name, sign in (state.get("signs") or {}).items()
            if now - datetime.fromisoformat(sign["at"]) <= timedelta(hours=SIGN_HOURS_KEPT)
        }

    def _signs(self, state: Dict[str, Any], now: datetime) -> List[Mention]:
        return [
            Mention(name=name, text="", start=0, end=0, certainty=sign.get("certainty", CONFIRMED))
            for name, sign in self._kept_signs(state, now).items()
        ]

    def _remember_signs(
        self, prior: Dict[str, Any], state: Dict[str, Any], signs: List[Mention], now: datetime
    ) -> Dict[str, Any]:
        """`state` with the signs of `prior` still within 24 hours and those said now."""
        kept = self._kept_signs(prior, now)
        for sign in signs:
            known = kept.get(sign.name)
            if known and known.get("certainty") == CONFIRMED and sign.certainty != CONFIRMED:
                continue
            kept[sign.name] = {"certainty": sign.certainty, "at": now.isoformat()}
        return {**state, "signs": kept} if kept else state

    @staticmethod
    def _follows_up(text: str, findings: List[Finding]) -> bool:
        if findings:
            return False
        return len(text.split()) <= SHORT_WORDS or bool(FOLLOW_UP.search(text.lower()))

    def _follow_up(
        self, previous: str, text: str, seen: set, categories: Optional[Iterable[str]]
    ) -> List[Finding]:
        """Findings of the follow-up read after the message before: new ones, and signs
        told again ("still numb"), which are still there now. A sign of the message before
        is not found again by a bare answer ("nahi" to "Is this happening now?")."""
        joined = f"{previous.rstrip(' .।!?')} {text}"
        offset = len(previous.rstrip(" .।!?")) + 1
        out = []
        same = bool(SAME.search(text.lower()))
        if same:
            before = set()
        elif categories is not None:
            before = set(categories)
        else:
            before = {f.category for f in self.detector.detect(previous)}
        for finding in self.detector.detect(joined):
            if (
                finding.category in seen
                or finding.category in before
                or (finding.end <= offset and not same)
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


def published(analysis: Analysis) -> Dict[str, Any]:
    """The facts and signs of one message, JSON-safe (contract.RED_FLAG_CONTEXT)."""
    return {
        "facts": [_mention_dict(m) for m in analysis.facts],
        "signs": [_mention_dict(m) for m in analysis.signs],
    }


def from_published(findings: List[Finding], context: Mapping[str, Any]) -> Analysis:
    """The analysis of one message rebuilt from its parse result."""
    return Analysis(
        findings=list(findings),
        facts=_mentions(context.get("facts")),
        signs=_mentions(context.get("signs")),
    )


def _mention_dict(mention: Mention) -> Dict[str, Any]:
    return {
        "name": mention.name,
        "text": mention.text,
        "certainty": mention.certainty,
        "days_ago": mention.days_ago,
    }


def _mentions(items: Any) -> List[Mention]:
    out = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, Mapping) or not item.get("name"):
            continue
        days = item.get("days_ago")
        out.append(
            Mention(
                name=str(item["name"]),
                text=str(item.get("text") or ""),
                start=0,
                end=0,
                certainty=str(item.get("certainty") or CONFIRMED),
                days_ago=days if isinstance(days, int) else None,
            )
        )
    return out


def _names(findings: List[Finding]) -> Dict[str, str]:
    return {f.category: f.certainty for f in findings}
