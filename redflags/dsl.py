"""The small pattern language of patterns.yml, compiled to spaCy Matcher patterns.

A pattern is a space-separated sequence of token specs:

    LEG          a lexicon concept (upper case): any word the lexicon maps to LEG
    weak         a literal word (lower case), compared with the token's NORM
    a|b|LEG      any of several single words or concepts (one token each)
    spec?        the token is optional
    ~N           up to N tokens (N = 1..12), none of them a negation or "but"
                 (NOT, NAHI, NEVER, WITHOUT, BUT, NORMAL) and none starting a new sentence
    ^spec        the token must start a sentence
    =a|=b        the token's own lower-case text, not its concept: for a word the lexicon
                 folds into a concept when the spelling matters ("loose motions" is
                 diarrhoea, "lose" is not); never the first token (redflags/anchored.py
                 files patterns under their first token's concepts and words)

Example: "NOT CONTROL ~2 URINE|BLADDER" matches "no control over my bladder".

An alternative is always one token: "went away|gone" means "went" followed by
"away" or "gone". Write two patterns for two phrases ("went away", "gone away").

Gaps never jump over a negation, so "coughing doesn't make my back pain worse" is not
read as "coughing ... pain", and never over a sentence end.
A literal word is compared in the lexicon's canonical spelling (lower case, Devanagari
nukta and chandrabindu folded), the same form the detector gives every token's NORM.
"""

import re
from typing import Any, Dict, List

from redflags.lexicon import canonical_spelling

Token = Dict[str, Any]

# Concepts a gap (~N) never crosses: a negation (or "fine", "theek") inside a gap would
# silently flip the meaning of the match, and "but" starts a new clause.
GAP_STOPS = ("NOT", "NAHI", "NEVER", "WITHOUT", "BUT", "NORMAL")
MAX_GAP = 12
CONCEPT = re.compile(r"^[A-Z]+$")
UPPER = re.compile(r"[A-Z]")


class PatternError(ValueError):
    """A pattern in patterns.yml cannot be compiled."""


def _word(word: str, pattern: str) -> str:
    if not word:
        raise PatternError(f"empty alternative in {pattern!r}")
    if "^" in word or "?" in word or "~" in word:
        raise PatternError(f"{word!r} in {pattern!r}: ^ goes first and ? last in a spec")
    if CONCEPT.match(word):
        return word
    if UPPER.search(word):
        raise PatternError(f"{word!r} in {pattern!r} mixes a concept with a word")
    return canonical_spelling(word)


def _gap(part: str, pattern: str) -> List[Token]:
    try:
        gap = int(part[1:])
    except ValueError as exc:
        raise PatternError(f"bad gap {part!r} in {pattern!r}") from exc
    if not 1 <= gap <= MAX_GAP:
        raise PatternError(f"gap out of range (1..{MAX_GAP}) in {pattern!r}")
    return [
        {"OP": "?", "IS_SENT_START": False, "NORM": {"NOT_IN": list(GAP_STOPS)}} for _ in range(gap)
    ]


def compile_pattern(pattern: str) -> List[Token]:
    """Compile one pattern string to a spaCy Matcher token-pattern list."""
    tokens: List[Token] = []
    for part in pattern.split():
        if part.startswith("~"):
            tokens.extend(_gap(part, pattern))
            continue
        spec: Token = {}
        if part.startswith("^"):
            spec["IS_SENT_START"] = True
            part = part[1:]
        optional = part.endswith("?")
        alternatives = (part[:-1] if optional else part).split("|")
        raw = [word.startswith("=") for word in alternatives]
        if any(raw):
            if not all(raw) or not tokens:
                raise PatternError(f"{part!r} in {pattern!r}: =words stand alone, never first")
            texts = [word[1:].lower() for word in alternatives]
            spec["LOWER"] = {"IN": texts} if len(texts) > 1 else texts[0]
            if optional:
                spec["OP"] = "?"
            tokens.append(spec)
            continue
        words = [_word(word, pattern) for word in alternatives]
        spec["NORM"] = {"IN": words} if len(words) > 1 else words[0]
        if optional:
            spec["OP"] = "?"
        tokens.append(spec)
    if not tokens or all(t.get("OP") == "?" for t in tokens):
        raise PatternError(f"pattern {pattern!r} matches nothing or everything")
    if tokens[0].get("OP") == "?" or tokens[-1].get("OP") == "?":
        raise PatternError(f"pattern {pattern!r} starts or ends with an optional token")
    return tokens


def words_of(pattern: str) -> List[str]:
    """The words and concepts a pattern mentions (for checks and documentation)."""
    out = []
    for part in pattern.split():
        if not part.startswith("~"):
            out.extend(part.lstrip("^").rstrip("?").split("|"))
    return out


def literals_of(pattern: str) -> List[str]:
    """The literal (lower-case) words of a pattern, without the concepts and the =words
    (compared with the text as written, so a lexicon spelling is meant there)."""
    return [w for w in words_of(pattern) if not CONCEPT.match(w) and not w.startswith("=")]


def concepts_of(pattern: str) -> List[str]:
    """The lexicon concepts (upper-case names) a pattern uses."""
    return [word for word in words_of(pattern) if CONCEPT.match(word)]
