"""The red-flag detector: spaCy rules plus medspaCy ConText, all driven by patterns.yml.

Pipeline for one message:
  1. spaCy's blank English tokenizer (it also splits Devanagari on spaces and the danda);
  2. sentence boundaries on . ! ? । and new lines;
  3. the lexicon writes each word's concept to its NORM (spelling variants, typos);
  4. spaCy Matchers, run only for the first words present (redflags/anchored.py), find
     each category's patterns (the "targets", all of them, overlapping ones too), its
     `vague` patterns (always at most `possible`), and the clinical facts and signs
     that only count together (redflags/combinations.py);
     a target that overlaps one of its category's `unless` patterns is dropped;
  5. medspaCy's ConText finds negation, history, questions, conditions, uncertainty
     and present-time words around each target; redflags/certainty.py turns them into
     `confirmed`, `possible` or nothing (only a clean denial or a resolved history);
  6. a category listed in another's `suppressed_by` is dropped when that one is found.

A context phrase listed both FORWARD and BACKWARD under one category becomes one
two-sided rule that keeps both reaches: medspaCy keeps only one of two modifiers that
match the same words, so two separate rules would silently lose one direction.
"""

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import spacy
import yaml
from medspacy.context import ConText
from spacy.tokens import Doc, Span

from contract import CANCEL_ALL_CLEAR, CONFIRMED, POSSIBLE, RED_FLAG_LEVELS
from redflags.ages import Ages
from redflags.anchored import AnchoredMatcher
from redflags.cancelled import Cancelled, reason_of
from redflags.certainty import Judge, strongest
from redflags.combinations import Combinations, Mention, days_ago
from redflags.context_rules import context_rules
from redflags.dsl import compile_pattern
from redflags.lexicon import Lexicon, canonical_spelling, unshouted
from redflags.safety_net import doubts

PATTERNS_FILE = Path(__file__).with_name("patterns.yml")
LEVELS = RED_FLAG_LEVELS
SPAN_GROUP = "red_flag_targets"
VAGUE = "~vague"  # label suffix of a category's vague patterns
FACT, SIGN = "fact:", "sign:"
ALL_CLEAR = "ALL_CLEAR"
PROPERLY_AFTER = {"se", "से", "say", "s"}
CLEAN = {"saaf", "saf", "साफ", "साफ़"}


@dataclass(frozen=True)
class Category:
    """One kind of red flag, as defined in patterns.yml."""

    name: str
    level: str
    plain: str
    counts_when_past: bool
    patterns: List[str]
    unless: List[str] = field(default_factory=list)
    suppressed_by: List[str] = field(default_factory=list)
    vague: List[str] = field(default_factory=list)
    # Doubtful when told alone (a history), confirmed beside a confirmed red flag.
    sure_beside_findings: bool = False
    # Doubtful when told alone, confirmed when the message tells one of these signs too.
    sure_with_signs: List[str] = field(default_factory=list)


@dataclass(frozen=True)
class Finding:
    """A red flag found in a message (or in a conversation, `source` says which)."""

    category: str
    level: str
    text: str
    start: int
    end: int
    certainty: str = CONFIRMED
    source: str = "message"

    def as_dict(self) -> Dict[str, Any]:
        """The shape published in the parse result's `red_flags`."""
        return {
            "category": self.category,
            "level": self.level,
            "text": self.text,
            "certainty": self.certainty,
        }


@dataclass
class Analysis:
    """Everything the detector found in one message."""

    findings: List[Finding]
    facts: List[Mention]
    signs: List[Mention]
    cancelled: List[Cancelled] = field(default_factory=list)  # for the safety review


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping: plain YAML keeps the
    last one silently, which would drop a whole list of patterns."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Dict[Any, Any]:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        twice = sorted({str(key) for key in keys if keys.count(key) > 1})
        if twice:
            raise ValueError(f"patterns.yml line {node.start_mark.line + 1}: {twice} given twice")
        return super().construct_mapping(node, deep=deep)


def load_rules(path: Path = PATTERNS_FILE) -> Dict[str, Any]:
    """Read patterns.yml (the single source of truth for clinical phrases)."""
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader)


class RedFlagDetector:
    """Finds red flags in one patient message. Build once, call `detect` per message."""

    _shared: Optional["RedFlagDetector"] = None

    def __init__(self, rules: Optional[Dict[str, Any]] = None) -> None:
        rules = rules or load_rules()
        self.rules = rules
        self.categories = {
            name: Category(
                name=name,
                level=spec["level"],
                plain=spec["plain"],
                counts_when_past=bool(spec.get("counts_when_past")),
                patterns=list(spec.get("patterns", ())),
                unless=list(spec.get("unless", ())),
                suppressed_by=list(spec.get("suppressed_by", ())),
                vague=list(spec.get("vague", ())),
                sure_beside_findings=bool(spec.get("sure_beside_findings")),
                sure_with_signs=list(spec.get("sure_with_signs", ())),
            )
            for name, spec in rules["categories"].items()
        }
        for category in self.categories.values():
            if category.level not in LEVELS:
                raise ValueError(f"{category.name}: unknown level {category.level}")
            for other in category.suppressed_by:
                if other not in self.categories:
                    raise ValueError(f"{category.name}: suppressed_by unknown {other}")
        self.combinations = Combinations(
            rules.get("facts", {}),
            rules.get("signs", {}),
            rules.get("combinations", []),
            {name: category.level for name, category in self.categories.items()},
        )
        self.judge = Judge(frozenset(rules["first_person"]) | frozenset(rules["others"]))
        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer", config={"punct_chars": rules["sentence_ends"]})
        self.lexicon = Lexicon(rules["lexicon"], rules.get("protected", ()))
        self.matcher = AnchoredMatcher(self.nlp.vocab)
        self.unless = AnchoredMatcher(self.nlp.vocab)
        for category in self.categories.values():
            if category.patterns:
                self.matcher.add(category.name, [compile_pattern(p) for p in category.patterns])
            if category.vague:
                self.matcher.add(
                    category.name + VAGUE, [compile_pattern(p) for p in category.vague]
                )
            if category.unless:
                self.unless.add(category.name, [compile_pattern(p) for p in category.unless])
            vague_unless = rules["categories"][category.name].get("vague_unless")
            if vague_unless:
                self.unless.add(category.name + VAGUE, [compile_pattern(p) for p in vague_unless])
        self.ages = {
            name: (spec["min_age"], Ages(spec["age_words"]))
            for name, spec in rules.get("facts", {}).items()
            if "min_age" in spec
        }
        # A sign said with the past in its own words ("never had back pain before").
        self.past_signs = {
            SIGN + name
            for name, spec in rules.get("signs", {}).items()
            if spec.get("counts_when_past")
        }
        for prefix, specs in ((FACT, rules.get("facts", {})), (SIGN, rules.get("signs", {}))):
            for name, spec in specs.items():
                if spec.get("patterns"):
                    self.matcher.add(prefix + name, [compile_pattern(p) for p in spec["patterns"]])
                if spec.get("unless"):
                    self.unless.add(prefix + name, [compile_pattern(p) for p in spec["unless"]])
        # Modifiers that overlap a target are filtered in `detect`, not by ConText, so
        # that a history or question word inside a target still counts for it.
        self.context = ConText(
            self.nlp,
            rules=None,
            input_span_type="group",
            span_group_name=SPAN_GROUP,
            prune_on_target_overlap=False,
        )
        self.context.add(
            context_rules(rules["context"], lambda name: [name, name + VAGUE, SIGN + name])
        )

    def plain(self, category: str, language: str = "en") -> str:
        """A category in plain words, in the patient's language when it is written."""
        spec = self.rules["categories"][category]
        return spec.get(f"plain_{language}") or spec["plain"]

    @classmethod
    def shared(cls) -> "RedFlagDetector":
        """One detector per process (building it takes about a second)."""
        if cls._shared is None:
            cls._shared = cls()
        return cls._shared

    def analyse(self, text: str) -> Doc:
        """Run the pipeline; targets with their ConText modifiers are in doc.spans."""
        doc = self.nlp(unshouted(text))
        self.lexicon(doc)
        for token in doc[:-1]:
            after = token.nbor().norm_
            if token.norm_ == "NORMAL" and after in PROPERLY_AFTER:
                token.norm_ = "properly"  # "theek se" / "ठीक से": properly, not fine
            elif (
                token.norm_ in CLEAN
                and after.startswith(("kar", "कर"))
                and (token.i == 0 or token.nbor(-1).norm_ not in {"pet", "पेट"})
            ):
                token.norm_ = "WIPE"  # "saaf karte" / "साफ करते": washing after the toilet
        # Every match is kept (overlapping ones too): a category is found when any of
        # its targets survives ConText, so a short match that a negation reaches does
        # not hide a longer one that carries its own "no" ("no urge to pass stool").
        matches = sorted(self.matcher(doc), key=lambda match: (match[1], match[2], match[0]))
        if not matches:  # nothing to judge: ConText (most of the cost) is not run
            doc.spans[SPAN_GROUP] = []
            return doc
        excluded = self.unless(doc)
        doc.spans[SPAN_GROUP] = [
            Span(doc, start, end, label=label)
            for label, start, end in matches
            if not any(
                other in (label, label.replace(VAGUE, "")) and ex_start < end and start < ex_end
                for other, ex_start, ex_end in excluded
            )
        ]
        return self.context(doc)

    def detect(self, text: str) -> List[Finding]:
        """Findings in `text`, one per category, EMERGENCY first, confirmed first."""
        return self.examine(text).findings

    def examine(self, text: str) -> Analysis:
        """Findings, plus the clinical facts and signs that count in combination."""
        doc = self.analyse(text)
        targets = list(doc.spans[SPAN_GROUP])
        graph = doc._.context_graph
        modifiers = graph.modifiers if graph is not None else []
        mentions: Dict[str, List[Tuple[Optional[str], Span]]] = {}
        for span in sorted(targets, key=lambda s: s.start):
            label = span.label_
            name = label.replace(VAGUE, "")
            category = self.categories.get(name)
            certainty = self.judge.certainty(
                span,
                targets,
                modifiers,
                counts_when_past=bool(category and category.counts_when_past)
                or label.startswith(FACT)
                or label in self.past_signs,
            )
            if label.endswith(VAGUE) and certainty == CONFIRMED:
                certainty = POSSIBLE
            mentions.setdefault(name, []).append((certainty, span))
        found: Dict[str, Finding] = {}
        cancelled: Dict[str, Cancelled] = {}
        for name, spans in mentions.items():
            if name not in self.categories:
                continue
            certainty = strongest([c for c, _ in spans])
            if certainty is None:
                level, span = self.categories[name].level, spans[0][1]
                reason = reason_of(span, modifiers)
                cancelled[name] = Cancelled(name, level, span.text, reason)
                continue
            span = next(s for c, s in spans if c == certainty)
            found[name] = Finding(
                category=name,
                level=self.categories[name].level,
                text=text[span.start_char : span.end_char],  # as written, capitals too
                start=span.start_char,
                end=span.end_char,
                certainty=certainty,
            )
        signs = self._mentions(mentions, SIGN)
        sure_signs = {m.name for m in signs if m.certainty == CONFIRMED}
        for name, finding in list(found.items()):
            if finding.certainty == POSSIBLE and sure_signs & set(
                self.categories[name].sure_with_signs
            ):
                found[name] = replace(finding, certainty=CONFIRMED)
        clear = [m.modifier_span for m in modifiers if m.category == ALL_CLEAR]
        if clear:  # "abhi sab theek hai": drops doubtful findings before it or beside it
            kept = {
                name: f
                for name, f in found.items()
                if f.certainty == CONFIRMED or _past_but(doc, clear, f)
            }
            for name, f in found.items():
                if name not in kept:
                    cancelled[name] = Cancelled(name, f.level, f.text, CANCEL_ALL_CLEAR)
            found = kept
        facts = self._family_apart(doc, self._mentions(mentions, FACT), signs)
        facts += self._age_facts(text)
        sure = [name for name, f in found.items() if f.certainty == CONFIRMED]
        for name, level, sign, certainty in self.combinations.hits(facts, signs, sure):
            if name not in found or certainty == CONFIRMED:  # a pair can confirm a doubt
                found[name] = combined(name, level, sign, certainty)
        for name, finding in list(found.items()):
            beside = any(f.certainty == CONFIRMED for n, f in found.items() if n != name)
            if finding.certainty == POSSIBLE and beside:
                if self.categories[name].sure_beside_findings:
                    found[name] = replace(finding, certainty=CONFIRMED)
        read = {i for span in targets for i in range(span.start, span.end)}
        told = [m.name for m in signs]
        net = doubts(doc, self.rules.get("safety_net", {}), told, [*found, *cancelled], read)
        for name, start, end in net:
            level = self.categories[name].level
            found[name] = Finding(name, level, text[start:end], start, end, POSSIBLE)
        for name in list(found):
            if any(other in found for other in self.categories[name].suppressed_by):
                del found[name]
        ordered = sorted(
            found.values(), key=lambda f: (LEVELS.index(f.level), f.certainty != CONFIRMED, f.start)
        )
        gone = [c for name, c in cancelled.items() if name not in found]
        return Analysis(findings=ordered, facts=facts, signs=signs, cancelled=gone)

    def _family_apart(self, doc: Doc, facts: List[Mention], signs: List[Mention]) -> List[Mention]:
        """A fact marked `family_apart` (a cancer) told of a relative ("my mother had breast
        cancer"), in a message whose signs are all told of the patient ("my back aches"), is a
        family history, not the patient's: it does not combine. Told of a relative whose own
        pain is told too, or of no one, it counts."""
        family = set(self.rules.get("family_apart_within", {}).get("relatives", ()))
        reach = int(self.rules.get("family_apart_within", {}).get("tokens", 4))
        own = {canonical_spelling(w) if not w.isupper() else w for w in self.rules["first_person"]}

        def said_of(mention: Mention, words: set) -> bool:
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None:
                return False
            sentence_start = span.sent.start
            return any(
                t.norm_ in words for t in doc[max(sentence_start, span.start - reach) : span.start]
            )

        if not signs or not all(said_of(sign, own) for sign in signs):
            return facts
        return [
            fact
            for fact in facts
            if not (
                self.rules["facts"].get(fact.name, {}).get("family_apart") and said_of(fact, family)
            )
        ]

    def _age_facts(self, text: str) -> List[Mention]:
        """Facts such as age_over_50 from an age said in the message."""
        out = []
        for name, (least, ages) in self.ages.items():
            for age, match in list(ages.find(text))[:1]:
                if least <= age <= 120:
                    out.append(
                        Mention(
                            name=name, text=match.group(0), start=match.start(), end=match.end()
                        )
                    )
        return out

    @staticmethod
    def _mentions(
        mentions: Dict[str, List[Tuple[Optional[str], Span]]], prefix: str
    ) -> List[Mention]:
        out = []
        for name, spans in mentions.items():
            if not name.startswith(prefix):
                continue
            certainty = strongest([c for c, _ in spans])
            if certainty is None:
                continue
            span = next(s for c, s in spans if c == certainty)
            out.append(
                Mention(
                    name=name[len(prefix) :],
                    text=span.text,
                    start=span.start_char,
                    end=span.end_char,
                    certainty=certainty,
                    days_ago=days_ago(span.sent.text) if prefix == FACT else None,
                )
            )
        return out


def _past_but(doc: Doc, clear: List[Tuple[int, int]], finding: Finding) -> bool:
    """A "but" stands between every all-clear phrase and the finding, or the finding is
    told in a sentence after the all-clear ("Nothing like that. Only, since Sunday ...")."""
    span = doc.char_span(finding.start, finding.end, alignment_mode="expand")
    if span is None:
        return False
    for start, end in clear:
        if end <= span.sent.start:
            continue
        low, high = (end, span.start) if end <= span.start else (span.end, start)
        if not any(token.norm_ == "BUT" for token in doc[low:high]):
            return False
    return True


def combined(category: str, level: str, sign: Mention, certainty: str) -> Finding:
    """The finding of a combination rule, placed on the sign that completed it."""
    return Finding(
        category=category,
        level=level,
        text=sign.text,
        start=sign.start,
        end=sign.end,
        certainty=certainty,
        source="combination",
    )


AND = {"en": " and ", "hi": " और ", "hinglish": " aur "}


def summarise(
    findings: List[Finding],
    level: Optional[str] = None,
    detector: Optional[RedFlagDetector] = None,
    language: str = "en",
) -> str:
    """The findings in plain words, e.g. 'trouble controlling your bladder and chest pain'.

    `language` is en, hi or hinglish (patterns.yml has `plain`, `plain_hi`, `plain_hinglish`).
    """
    detector = detector or RedFlagDetector.shared()
    chosen = [f for f in findings if level is None or f.level == level] or findings
    phrases = list(dict.fromkeys(detector.plain(f.category, language) for f in chosen))
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + AND.get(language, AND["en"]) + phrases[-1]


def summaries(
    findings: List[Finding],
    level: Optional[str] = None,
    detector: Optional[RedFlagDetector] = None,
) -> Dict[str, str]:
    """The summary in every language ({"en": ..., "hi": ..., "hinglish": ...})."""
    return {language: summarise(findings, level, detector, language) for language in AND}
