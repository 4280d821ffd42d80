"""How sure a red-flag mention is, from the words around it: confirmed, possible or none.

A symptom checker that stays silent when it is unsure has chosen the less urgent level.
So context only ever lowers a mention to `possible` (same level, answered with the
emergency number in conditional form and a direct question), except in two cases
where the message itself says the symptom is not there:
  - a clean negation ("no numbness in my legs", "pair sunn nahi hain");
  - a history that the message says has resolved ("went away", "theek ho gaya"),
    even beside a present-time word ("ab bilkul theek hai").

Negation is read narrowly, because a negation that reaches too far silently cancels an
emergency. Its scope ends at the next symptom concept, at a subject ("my", "papa"), and
at a clause boundary (",", "and", "but", "par"); a Hindi tag question ("... hain na?")
is no negation. Everything else that casts doubt is judged like this:
  - uncertainty ("I think maybe", "shayad")            -> possible;
  - advice on what to report ("told me to report any numbness") -> as a condition;
  - a question or a condition ("can it cause", "what if") -> a report (confirmed) when
    the sentence has a present-time marker ("since morning", "ab", "aaj"), and for a
    question also when it speaks of the patient or a relative; possible otherwise;
  - a past mention without resolution ("years ago")    -> confirmed with a present-time
    marker ("since then"), possible otherwise; a resolution may follow in the next
    sentence ("Back in 2016 ... It was operated and has been fine since").
"""

from typing import FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

from spacy.tokens import Doc, Span

from contract import CONFIRMED, POSSIBLE
from redflags.lexicon import canonical_spelling

NEGATED, RESOLVED, HISTORICAL = "NEGATED_EXISTENCE", "RESOLVED", "HISTORICAL"
HYPOTHETICAL, CONDITIONAL, ADVICE = "HYPOTHETICAL", "CONDITIONAL", "ADVICE"
UNCERTAIN, PRESENT = "POSSIBLE_EXISTENCE", "PRESENT"
# Modifier categories that count when they sit inside a target's own words.
COUNT_INSIDE = {HISTORICAL, HYPOTHETICAL, CONDITIONAL, UNCERTAIN, PRESENT}
# Words that end a negation's reach (besides other targets and sentence ends).
CLAUSE_BREAKS = {
    ",",
    ";",
    ":",
    "and",
    "aur",
    "और",
    "&",
    "BUT",
    "then",
    "phir",
    "फिर",
    "tab",
    "since",
    "now",
    "ab",
    "अब",
    "abhi",
    "अभी",
    "aaj",
    "आज",
    "today",
    "kal",
    "कल",
    "subah",
    "सुबह",
    "jab",
    "जब",
    "also",
    "bhi",
    "भी",
    "bas",
    "बस",
    "just",
}
QUESTION_WORDS = {
    "kya",
    "क्या",
    "what",
    "how",
    "why",
    "does",
    "do",
    "is",
    "are",
    "can",
    "will",
    "should",
    "kaise",
    "कैसे",
    "kyun",
    "kyu",
    "क्यों",
    "kab",
    "कब",
    "would",
    "could",
}
END_PARTICLES = {"kya", "क्या", "na", "ना", "right", "kyaa"}
# Lexicon concepts that name a body function or a symptom: a negation stops at them.
SYMPTOM_CONCEPTS = {"BREATH", "BREATHLESS", "CHEST", "URINE", "BLADDER", "BOWEL", "SADDLE", "FEVER"}
LIST_WORDS = {"or", "nor", "ya", "या", "either", "any", "koi", "कोई"}
# "koi X, Y, Z nahi": the list opener and the words a list of symptoms is made of.
KOI = {"koi", "कोई", "koee"}
LIST_FILLERS = {
    "aur",
    "और",
    "ya",
    "या",
    "and",
    "or",
    "ki",
    "की",
    "ka",
    "का",
    "ke",
    "के",
    "mein",
    "में",
    "kuch",
    "कुछ",
    "bhi",
    "भी",
    "se",
    "से",
    "wali",
    "वाली",
    "wala",
    "वाला",
    "type",
    "tarah",
}
# Words that lean on a following Hindi negation ("... bhi nahi", "... hi nahi").
NEGATION_PARTICLES = {"bhi", "भी", "hi", "ही"}
TAG_WORDS = {"na", "naa", "ना", "न", "right", "na?"}
NEITHER_WORDS = {"na", "न", "ना", "neither", "nor"}


class Judge:
    """Decides the certainty of each target of one analysed message."""

    def __init__(self, speakers: FrozenSet[str]) -> None:
        # NORMs that name the patient or someone they speak for (my, papa, SELF, ...).
        self.speakers = frozenset(
            canonical_spelling(word) if not word.isupper() else word for word in speakers
        )

    def certainty(
        self, span: Span, targets: Sequence[Span], modifiers: Iterable, counts_when_past: bool
    ) -> Optional[str]:
        """CONFIRMED, POSSIBLE, or None when the message says it is not there."""
        kinds = self._kinds(span, targets, modifiers)
        present = PRESENT in kinds or self._sentence_has(span, modifiers, PRESENT)
        past = HISTORICAL in kinds or self._sentence_has(span, modifiers, HISTORICAL)
        if not counts_when_past and (
            RESOLVED in kinds or self._resolved_later(span, modifiers, past and not present)
        ):
            return None
        if self._asked(span, modifiers):
            kinds.add(HYPOTHETICAL)
        if NEGATED in kinds or self._neither(span) or self._none_of(span, targets):
            return None
        if UNCERTAIN in kinds:
            return POSSIBLE
        if CONDITIONAL in kinds or ADVICE in kinds:
            return CONFIRMED if present else POSSIBLE
        if HYPOTHETICAL in kinds:
            return CONFIRMED if present or self._reported(span) else POSSIBLE
        if HISTORICAL in kinds and not counts_when_past:
            return CONFIRMED if present else POSSIBLE
        return CONFIRMED

    def _kinds(self, span: Span, targets: Sequence[Span], modifiers: Iterable) -> Set[str]:
        kinds = {
            m.category
            for m in modifiers
            if m.category in COUNT_INSIDE
            and span.start <= m.modifier_span[0]
            and m.modifier_span[1] <= span.end
        }
        for modifier in span._.modifiers:
            start, end = modifier.modifier_span
            if any(start < t.end and t.start < end for t in targets if _firm(t)):
                continue  # a negation that is part of a pattern modifies nothing
            if span.start < start and end < span.end:
                continue  # nor one in the middle of a vague pattern ("down there aren't working")
            if modifier.category == NEGATED and not self._negation_reaches(
                span, (start, end), targets
            ):
                continue
            kinds.add(modifier.category)
        return kinds

    def _negation_reaches(
        self, span: Span, negation: Tuple[int, int], targets: Sequence[Span]
    ) -> bool:
        doc = span.doc
        start, end = negation
        if (end - start == 1 and self._is_tag(doc, start)) or self._asks(doc, end):
            return False
        if all(
            t.norm_ == "NORMAL" or t.lower_ in {"is", "are", "hai", "है"} for t in doc[start:end]
        ) and (
            span.sent.text.rstrip().endswith("?") or (end < len(doc) and self._is_tag(doc, end))
        ):
            return False  # "... is normal, right?", "normal hai na, 4 din hue" ask
        low, high = (end, span.start) if end <= span.start else (span.end, start)
        between = [
            t for t in targets if low <= t.start and t.end <= high and t.label_ != span.label_
        ]
        if between:
            # "no chest pain or breathlessness" is one negated list; otherwise the
            # scope ends at the next symptom concept.
            return self._listed(doc, between, low, high)
        for token in doc[low:high]:
            if token.i == start - 1 and token.lower_ in NEGATION_PARTICLES:
                continue  # "bukhar bhi nahi", "fever भी नहीं": the particle is the negation's
            if token.is_sent_start or token.norm_ in CLAUSE_BREAKS or token.text in CLAUSE_BREAKS:
                return False
            if token.norm_ in SYMPTOM_CONCEPTS and not (span.start <= token.i < span.end):
                return False  # "chest pain, saans nahi": the negation is about the breath
            if token.norm_ in self.speakers:
                return False
        return True

    @staticmethod
    def _listed(doc: Doc, between: Sequence[Span], low: int, high: int) -> bool:
        """ "no chest pain or breathlessness": one negation over a list joined by "or"."""
        covered = {i for t in between for i in range(t.start, t.end)}
        rest = [t for t in doc[low:high] if t.i not in covered]
        return bool(rest) and all(t.lower_ in LIST_WORDS for t in rest)

    def _asked(self, span: Span, modifiers: Iterable) -> bool:
        """The target sits inside a question: "can it cause leg weakness?", "... kya?".

        A question after the report ("fell off the roof, can I book for tomorrow?") does
        not make the report a question.
        """
        sentence = span.sent
        if not sentence.text.rstrip().endswith("?"):
            return False
        words = [t for t in sentence if not t.is_punct]
        if words and words[-1].lower_ in END_PARTICLES:
            return True
        return any(
            t.lower_ in QUESTION_WORDS for t in span.doc[sentence.start : span.start]
        ) or any(
            m.category in (HYPOTHETICAL, CONDITIONAL)
            and m.modifier_span[0] < span.start
            and sentence.start <= m.modifier_span[0]
            for m in modifiers
        )

    @staticmethod
    def _asks(doc: Doc, end: int) -> bool:
        """ "... theek hai?", "... normal hai na?": a question, not a denial."""
        rest = [t for t in doc[end : end + 2] if t.lower_ not in TAG_WORDS]
        return bool(rest) and rest[0].text == "?"

    @staticmethod
    def _is_tag(doc: Doc, index: int) -> bool:
        """ "... ho gaye hain na" / "... right?": a tag question, not a negation."""
        if doc[index].norm_ not in TAG_WORDS and doc[index].lower_ not in TAG_WORDS:
            return False
        if index + 1 >= len(doc):
            return True
        following = doc[index + 1]
        return bool(following.is_punct or following.is_sent_start)

    @staticmethod
    def _neither(span: Span) -> bool:
        """ "na sunnpan na kamzori na bukhar": each part is denied."""
        doc = span.doc
        sentence = span.sent
        nas = [t.i for t in sentence if t.lower_ in NEITHER_WORDS]
        close = [
            i
            for i in nas
            if span.start - 3 <= i < span.start
            and not any(t.text == "," for t in doc[i + 1 : span.start])
        ]
        if not close:
            return False
        index = close[-1]
        before = doc[index - 1] if index > sentence.start else None
        return (
            before is None or before.text == "," or before.lower_ in {"and", "aur"} or len(nas) >= 2
        )

    @staticmethod
    def _none_of(span: Span, targets: Sequence[Span]) -> bool:
        """ "कोई बुखार, सूजन, साँस की तकलीफ नहीं", "koi redness, swelling kuch nahi": "koi"
        opens a list that one negation closes; every item of it is denied."""
        doc = span.doc
        sentence = span.sent
        opens = [
            t.i for t in doc[max(sentence.start, span.start - 12) : span.start] if t.lower_ in KOI
        ]
        if not opens:
            return False
        inside = {i for t in targets for i in range(t.start, t.end)}
        for token in doc[opens[-1] + 1 : min(sentence.end, span.end + 12)]:
            if token.i >= span.end and token.norm_ == "NAHI":
                return True
            if token.i in inside or token.is_punct or token.lower_ in LIST_FILLERS:
                continue
            if token.norm_.isupper() and token.norm_.isalpha():
                continue  # a concept word (a symptom named without a pattern of its own)
            return False
        return False

    def _reported(self, span: Span) -> bool:
        """The question speaks of the patient ("my legs") or a relative ("papa")."""
        window = span.doc[max(span.sent.start, span.start - 3) : span.end]
        relatives = {"RELATIVE"}
        return any(t.norm_ in self.speakers for t in window) or any(
            t.norm_ in relatives for t in span.sent
        )

    @staticmethod
    def _resolved_later(span: Span, modifiers: Iterable, past: bool = False) -> bool:
        """ "weakness in both legs in 2018, got operated, fully recovered": told as over.

        A past mention ("back in 2016 ... trouble passing urine") may be resolved in the
        next sentence too ("It was operated and has been fine since").
        """
        end = span.sent.end
        if past and end < len(span.doc):
            end = span.doc[end].sent.end
        return any(
            m.category == RESOLVED
            and span.end <= m.modifier_span[0] < end
            and m.allows(span.label_.upper())
            for m in modifiers
        )

    @staticmethod
    def _sentence_has(span: Span, modifiers: Iterable, category: str) -> bool:
        sentence = span.sent
        return any(
            m.category == category and sentence.start <= m.modifier_span[0] < sentence.end
            for m in modifiers
        )


def _firm(target: Span) -> bool:
    """A red-flag pattern proper (not a vague one, a fact or a sign)."""
    return ":" not in target.label_ and not target.label_.endswith("~vague")


def strongest(certainties: List[Optional[str]]) -> Optional[str]:
    """The surest of several mentions of one category."""
    if CONFIRMED in certainties:
        return CONFIRMED
    return POSSIBLE if POSSIBLE in certainties else None
