"""Finding and hiding personal data in free text: phone numbers, e-mail addresses,
Aadhaar-like and ABHA-like numbers, and names given after "my name is" and the like.

The rules are data (patterns.yml beside this file); this module only compiles and
applies them. It imports neither Django nor Rasa, so any process can use it:

    from console.pii import redact
    redact("mera naam Meena hai, 98100 12345")   # 'mera naam <name> hai, <phone>'

Names a patient typed on their own (the appointment form's "Meena Gupta") cannot be
told from other words; pass the names the conversation is known to hold (its
`patient_name` slot) as `names`, and every occurrence of them, and of each of their
words of three letters or more, is hidden too.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple

import yaml

PATTERNS_FILE = Path(__file__).with_name("patterns.yml")
LABELS = ("phone", "email", "aadhaar", "abha", "name")
_FRAGMENT = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Found:
    label: str
    start: int
    end: int


def _joined(value: str) -> str:
    """A pattern as written over several lines, on one line."""
    return "".join(line.strip() for line in str(value).splitlines())


def _expand(pattern: str, fragments: dict) -> str:
    for _ in range(10):  # fragments may use fragments
        expanded = _FRAGMENT.sub(lambda m: fragments.get(m.group(1), m.group(0)), pattern)
        if expanded == pattern:
            return expanded
        pattern = expanded
    raise ValueError(f"fragments nest too deeply in {pattern[:80]!r}")


@lru_cache(maxsize=4)
def rules(path: Path = PATTERNS_FILE) -> Tuple[Tuple[str, "re.Pattern"], ...]:
    """(label, compiled pattern) in the file's order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    fragments = {name: _joined(text) for name, text in (data.get("fragments") or {}).items()}
    compiled = []
    for entry in data["patterns"]:
        if entry["label"] not in LABELS:
            raise ValueError(f"unknown label {entry['label']!r} in {path}")
        compiled.append(
            (
                entry["label"],
                re.compile(_expand(_joined(entry["pattern"]), fragments), re.IGNORECASE),
            )
        )
    return tuple(compiled)


def _name_pattern(names: Iterable[str]) -> Optional["re.Pattern"]:
    words = set()
    for name in names:
        name = " ".join(str(name or "").split())
        if len(name) >= 2:
            words.add(name)
            words.update(w for w in name.split() if len(w.strip(".")) >= 3)
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![^\W\d_])(?:{alternatives})(?![^\W\d_])", re.IGNORECASE)


def find(text: str, names: Sequence[str] = ()) -> List[Found]:
    """The personal data in `text`, in order, without overlaps."""
    if not text:
        return []
    candidates: List[Found] = []
    for label, pattern in rules():
        groups = [g for g in ("pii", "pii2") if g in pattern.groupindex]
        for match in pattern.finditer(text):
            group = next((g for g in groups if match.group(g) is not None), 0)
            start, end = match.span(group)
            if end > start:
                candidates.append(Found(label, start, end))
    known = _name_pattern(names)  # last: a known name inside an e-mail address is the address
    if known is not None:
        candidates += [Found("name", m.start(), m.end()) for m in known.finditer(text)]
    taken: List[Found] = []
    for found in candidates:  # earlier rules win
        if all(found.end <= t.start or found.start >= t.end for t in taken):
            taken.append(found)
    return sorted(taken, key=lambda f: f.start)


def segments(text: str, names: Sequence[str] = ()) -> List[Tuple[str, Optional[str]]]:
    """`text` cut into (piece, label): label None for pieces that are not personal data."""
    pieces: List[Tuple[str, Optional[str]]] = []
    at = 0
    for found in find(text, names):
        if found.start > at:
            pieces.append((text[at : found.start], None))
        pieces.append((text[found.start : found.end], found.label))
        at = found.end
    if at < len(text or ""):
        pieces.append((text[at:], None))
    return pieces


def redact(text: str, names: Sequence[str] = (), placeholder: str = "<{label}>") -> str:
    """`text` with each piece of personal data replaced by `placeholder`."""
    return "".join(
        piece if label is None else placeholder.format(label=label)
        for piece, label in segments(text, names)
    )
