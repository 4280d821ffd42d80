"""The red-flag detector: spaCy rules plus medspaCy ConText, all driven by patterns.yml.

Pipeline for one message:
  1. spaCy's blank English tokenizer (it also splits Devanagari on spaces and the danda);
  2. sentence boundaries on . ! ? । and new lines;
  3. the lexicon writes each word's concept to its NORM (spelling variants, typos);
  4. a spaCy Matcher finds each category's patterns (the "targets", all of them,
     overlapping ones too); a target that overlaps one of its category's `unless`
     patterns is dropped;
  5. medspaCy's ConText marks targets that are negated, resolved (historical) or only
     asked about (hypothetical, conditional); uncertain mentions stay findings.
     A history, question or uncertainty word inside a target's own words counts for
     that target ("my foot used to drag"); a negation inside a target is part of the
     pattern ("peshab nahi utar raha") and modifies nothing;
  6. a category listed in another's `suppressed_by` is dropped when that one is found.

A context phrase listed both FORWARD and BACKWARD under one category becomes one
two-sided rule that keeps both reaches: medspaCy keeps only one of two modifiers that
match the same words, so two separate rules would silently lose one direction.
"""
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import spacy
import yaml
from medspacy.context import ConText, ConTextRule
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from redflags.dsl import compile_pattern
from redflags.lexicon import Lexicon

PATTERNS_FILE = Path(__file__).with_name("patterns.yml")
EMERGENCY, URGENT = "EMERGENCY", "URGENT"
LEVELS = (EMERGENCY, URGENT)
SPAN_GROUP = "red_flag_targets"
# ConText categories that cancel a finding. POSSIBLE_EXISTENCE (uncertain) does not.
# HYPOTHETICAL (a question about the topic) is overruled when the patient speaks of
# themself; CONDITIONAL ("what should I do if ...") never is.
CANCELLING = {"NEGATED_EXISTENCE", "HISTORICAL", "HYPOTHETICAL", "CONDITIONAL"}
# Modifier categories that also count when they sit inside a target's own words.
COUNT_INSIDE = {"HISTORICAL", "HYPOTHETICAL", "CONDITIONAL", "POSSIBLE_EXISTENCE"}


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


@dataclass(frozen=True)
class Finding:
    """A red flag found in a message."""

    category: str
    level: str
    text: str
    start: int
    end: int
    uncertain: bool = False

    def as_dict(self) -> Dict[str, Any]:
        """The shape published in the parse result's `red_flags`."""
        return {"category": self.category, "level": self.level, "text": self.text}


def load_rules(path: Path = PATTERNS_FILE) -> Dict[str, Any]:
    """Read patterns.yml (the single source of truth for clinical phrases)."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


class RedFlagDetector:
    """Finds red flags in one patient message. Build once, call `detect` per message."""

    _shared: Optional["RedFlagDetector"] = None

    def __init__(self, rules: Optional[Dict[str, Any]] = None) -> None:
        rules = rules or load_rules()
        self.categories = {
            name: Category(name=name, level=spec["level"], plain=spec["plain"],
                           counts_when_past=bool(spec.get("counts_when_past")),
                           patterns=list(spec["patterns"]),
                           unless=list(spec.get("unless", ())),
                           suppressed_by=list(spec.get("suppressed_by", ())))
            for name, spec in rules["categories"].items()
        }
        for category in self.categories.values():
            if category.level not in LEVELS:
                raise ValueError(f"{category.name}: unknown level {category.level}")
            for other in category.suppressed_by:
                if other not in self.categories:
                    raise ValueError(f"{category.name}: suppressed_by unknown {other}")
        self.first_person = frozenset(rules["first_person"])
        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer", config={"punct_chars": rules["sentence_ends"]})
        self.lexicon = Lexicon(rules["lexicon"], rules.get("protected", ()))
        self.matcher = Matcher(self.nlp.vocab)
        self.unless = Matcher(self.nlp.vocab)
        for category in self.categories.values():
            self.matcher.add(category.name,
                             [compile_pattern(p) for p in category.patterns])
            if category.unless:
                self.unless.add(category.name, [compile_pattern(p) for p in category.unless])
        # Modifiers that overlap a target are filtered in `detect`, not by ConText, so
        # that a history or question word inside a target still counts for it.
        self.context = ConText(self.nlp, rules=None, input_span_type="group",
                               span_group_name=SPAN_GROUP, prune_on_target_overlap=False)
        self.context.add(context_rules(rules["context"]))

    @classmethod
    def shared(cls) -> "RedFlagDetector":
        """One detector per process (building it takes about a second)."""
        if cls._shared is None:
            cls._shared = cls()
        return cls._shared

    def analyse(self, text: str) -> Doc:
        """Run the pipeline; targets with their ConText modifiers are in doc.spans."""
        doc = self.nlp(text)
        self.lexicon(doc)
        strings = self.nlp.vocab.strings
        excluded = [(strings[key], start, end) for key, start, end in self.unless(doc)]
        # Every match is kept (overlapping ones too): a category is found when any of
        # its targets survives ConText, so a short match that a negation reaches does
        # not hide a longer one that carries its own "no" ("no urge to pass stool").
        matches = sorted({(strings[key], start, end) for key, start, end in self.matcher(doc)},
                         key=lambda match: (match[1], match[2], match[0]))
        doc.spans[SPAN_GROUP] = [
            Span(doc, start, end, label=label) for label, start, end in matches
            if not any(other == label and ex_start < end and start < ex_end
                       for other, ex_start, ex_end in excluded)]
        return self.context(doc)

    def detect(self, text: str) -> List[Finding]:
        """Findings in `text`, one per category, EMERGENCY first."""
        doc = self.analyse(text)
        targets = list(doc.spans[SPAN_GROUP])
        modifiers = doc._.context_graph.modifiers
        found: Dict[str, Finding] = {}
        for span in sorted(targets, key=lambda s: s.start):
            category = self.categories[span.label_]
            # Edges from modifiers that overlap no target (a negation that is part of
            # a pattern modifies nothing), plus the non-negation modifiers inside.
            kinds = {m.category for m in span._.modifiers
                     if not any(_overlaps(m.modifier_span, t) for t in targets)}
            kinds |= {m.category for m in modifiers if m.category in COUNT_INSIDE
                      and span.start <= m.modifier_span[0] and m.modifier_span[1] <= span.end}
            if self._cancelled(span, category, kinds) or category.name in found:
                continue
            found[category.name] = Finding(
                category=category.name, level=category.level, text=span.text,
                start=span.start_char, end=span.end_char,
                uncertain="POSSIBLE_EXISTENCE" in kinds)
        for name in list(found):
            if any(other in found for other in self.categories[name].suppressed_by):
                del found[name]
        return sorted(found.values(), key=lambda f: (LEVELS.index(f.level), f.start))

    def _cancelled(self, span: Span, category: Category, kinds: set) -> bool:
        if "NEGATED_EXISTENCE" in kinds or "CONDITIONAL" in kinds:
            return True
        if "HISTORICAL" in kinds and not category.counts_when_past:
            return True
        # A question about the topic cancels, unless the patient speaks of themself.
        return "HYPOTHETICAL" in kinds and not self._personal(span)

    def _personal(self, span: Span) -> bool:
        window = span.doc[max(span.sent.start, span.start - 2):span.end]
        return any(token.norm_ in self.first_person for token in window)


def _overlaps(span: Tuple[int, int], target: Span) -> bool:
    return span[0] < target.end and target.start < span[1]


def _reach(forward: int, backward: int) -> Callable[[Span, Span, Span], bool]:
    """on_modifies test for a two-sided rule with a different reach on each side."""
    def within(target: Span, modifier: Span, _between: Span) -> bool:
        if target.end <= modifier.start:
            return modifier.start - target.end < backward
        return target.start - modifier.end < forward
    return within


def context_rules(specs: List[Dict[str, Any]]) -> List[ConTextRule]:
    """ConText rules from the `context` section of patterns.yml (see the module doc)."""
    found: Dict[str, Tuple[str, Dict[str, Optional[int]]]] = {}
    for spec in specs:
        direction = spec.get("direction", "BIDIRECTIONAL")
        for pattern in spec["patterns"]:
            category, reach = found.setdefault(pattern, (spec["category"], {}))
            if category != spec["category"]:
                raise ValueError(f"context pattern {pattern!r} is both {category} and "
                                 f"{spec['category']}: only one of them would ever apply")
            if direction in reach:
                raise ValueError(f"context pattern {pattern!r} is listed twice ({direction})")
            reach[direction] = spec.get("max_scope")
    rules = []
    for pattern, (category, reach) in found.items():
        compiled = compile_pattern(pattern)
        if {"FORWARD", "BACKWARD"} <= set(reach) and len(reach) == 2:
            forward, backward = reach["FORWARD"] or 10_000, reach["BACKWARD"] or 10_000
            rules.append(ConTextRule(literal=pattern, category=category, pattern=compiled,
                                     direction="BIDIRECTIONAL", max_scope=max(forward, backward),
                                     on_modifies=_reach(forward, backward)))
        elif len(reach) == 1:
            (direction, max_scope), = reach.items()
            rules.append(ConTextRule(literal=pattern, category=category, pattern=compiled,
                                     direction=direction, max_scope=max_scope))
        else:
            raise ValueError(f"context pattern {pattern!r}: directions {sorted(reach)} clash")
    return rules


def summarise(findings: List[Finding], level: Optional[str] = None,
              detector: Optional[RedFlagDetector] = None) -> str:
    """The findings in plain words, e.g. 'trouble controlling your bladder and chest pain'."""
    detector = detector or RedFlagDetector.shared()
    chosen = [f for f in findings if level is None or f.level == level] or findings
    phrases = list(dict.fromkeys(detector.categories[f.category].plain for f in chosen))
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]
