"""Which language a patient's message is in: English, Hindi (Devanagari) or Hinglish.

The assistant answers every patient in their own language and script, so each message
is looked at on its own: its script first (Devanagari letters mean Hindi), then, for
Latin letters, the words of assistant/language_lexicon.yml that only a Hinglish or only
an English sentence uses. A message that says too little to tell ("ok", "yes", a name,
a phone number, "haan") yields no language, and the conversation keeps the one it has.
Explicit requests ("Hindi mein baat karo", "English please") name the language asked for,
whatever the script they are written in.

Written by hand rather than with a language-identification package: none of those knows
Hinglish, and on the held-out sets they did no better than the script and this lexicon
(docs/languages.md has the measurement).
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Pattern

import yaml

from contract import ENGLISH, HINDI, HINGLISH

LEXICON_PATH = Path(__file__).with_name("language_lexicon.yml")
DEVANAGARI = re.compile(r"[\u0900-\u097f]")
DEVANAGARI_WORD = re.compile(r"[\u0900-\u097f]+")
LATIN_LETTER = re.compile(r"[a-z]")
LATIN_WORD = re.compile(r"[a-z]+")
NOT_A_LETTER = re.compile(r"[^a-z0-9\u0900-\u097f]+")
STRETCHED = re.compile(r"([a-z])\1{2,}")  # "haaaan" -> "haan"


@dataclass(frozen=True)
class Detection:
    """What a message says about its language."""

    script: Optional[str]  # "devanagari", "latin" or None (no letters)
    language: Optional[str]  # en | hi | hinglish, or None when the message cannot tell
    switch: bool = False  # True when the patient asked for this language
    hinglish_score: float = 0.0
    english_score: float = 0.0

    def as_dict(self) -> Dict[str, object]:
        return {"script": self.script, "detected": self.language, "switch": self.switch}


class LanguageDetector:
    """Script and lexicon rules, read once from the lexicon file."""

    def __init__(self, lexicon: Optional[dict] = None) -> None:
        lexicon = lexicon or yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
        self.strong = frozenset(map(str, lexicon["hinglish_strong"]))
        self.weak = frozenset(map(str, lexicon["hinglish_weak"]))
        self.english = frozenset(map(str, lexicon["english"]))
        self.neutral = frozenset(map(str, lexicon.get("neutral", [])))
        overlap = (self.strong | self.weak) & (self.english | self.neutral)
        if overlap or self.english & self.neutral:
            raise ValueError(
                f"{LEXICON_PATH.name}: words in more than one list: "
                f"{sorted(overlap | (self.english & self.neutral))}"
            )
        limits = lexicon["thresholds"]
        self.hinglish_min = float(limits["hinglish_min"])
        self.hinglish_vs_english = float(limits["hinglish_vs_english"])
        self.english_min = float(limits["english_min"])
        self.switches: Dict[str, List[Pattern]] = {
            language: [re.compile(pattern) for pattern in patterns]
            for language, patterns in lexicon["switch"].items()
        }

    @staticmethod
    @lru_cache(maxsize=1)
    def shared() -> "LanguageDetector":
        """One detector per process (the lexicon is read once)."""
        return LanguageDetector()

    def detect(self, text: str) -> Detection:
        """The language of `text`, or None for it when the message cannot tell."""
        if not text or text.lstrip().startswith("/"):
            return Detection(None, None)
        normal = normalise(text)
        for language, patterns in self.switches.items():
            if any(p.fullmatch(normal) for p in patterns):
                return Detection(script_of(normal), language, switch=True)
        words = [STRETCHED.sub(r"\1\1", w) for w in LATIN_WORD.findall(normal)]
        devanagari = len(DEVANAGARI_WORD.findall(normal))
        if devanagari and devanagari >= len(words):
            return Detection("devanagari", HINDI)
        if not words:
            return Detection(None, None)
        hinglish = sum(1.0 if w in self.strong else 0.5 if w in self.weak else 0.0 for w in words)
        english = float(sum(w in self.english for w in words))
        return Detection("latin", self._decide(hinglish, english), False, hinglish, english)

    def _decide(self, hinglish: float, english: float) -> Optional[str]:
        if hinglish >= self.hinglish_min and hinglish >= self.hinglish_vs_english * english:
            return HINGLISH
        if english >= self.english_min and english > 2 * hinglish:
            return ENGLISH
        return None


def normalise(text: str) -> str:
    """Lower case, NFC, letters (Latin and Devanagari) and digits only, single spaces."""
    text = unicodedata.normalize("NFC", text.lower())
    return " ".join(NOT_A_LETTER.sub(" ", text).split())


def script_of(text: str) -> Optional[str]:
    if DEVANAGARI.search(text):
        return "devanagari"
    return "latin" if LATIN_LETTER.search(text) else None
