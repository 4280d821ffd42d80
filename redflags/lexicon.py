"""Maps the many ways patients spell a word onto one concept.

"pishab", "peshaab", "पेशाब" and "urine" all become URINE; "numbess" (a typo) becomes
NUMB through a bounded edit-distance match against the lexicon's own spellings.
The result is written to each token's NORM, which the patterns match on; a word that
is no concept gets its canonical spelling there instead (so literal words in patterns
match whichever way the Devanagari nukta was typed).

A word that is not itself a spelling is looked up, in this order, as:
  1. its letters un-doubled ("numbb", "suunn" -> "numb", "sunn");
  2. for 4-letter words, one swap of two neighbouring letters ("pian" -> "pain");
  3. for 5+ letters, a Damerau-Levenshtein match (1 edit, 2 from 9 letters);
  4. Devanagari: one vowel sign (matra, virama, anusvara) missing or extra
     ("पेशब" -> "पेशाब"), for words of at least three consonants;
  5. Latin words typed without their vowels, as WhatsApp Hinglish often is ("pshb",
     "ltrn", "kntrl", "jhnjhni"): a word with no vowel before its last letter is compared
     by its consonant skeleton, when that skeleton has at least four letters and is one
     concept's only (English words keep their vowels: "lift" is not read as "left", and
     three consonants are too few to tell "chl" (chal) from "chill").
The first letter must always be right, and `protected` words are never corrected.
"""

import re
import unicodedata
from functools import lru_cache
from typing import Dict, Iterable, Optional, Tuple

from rapidfuzz.distance import DamerauLevenshtein
from rapidfuzz.process import extractOne
from spacy.tokens import Doc

NUKTA = "\u093c"
CHANDRABINDU, ANUSVARA = "\u0901", "\u0902"
INVISIBLE = dict.fromkeys(map(ord, "\u200c\u200d\u200b\ufeff"))
REPEATS = re.compile(r"(.)\1{2,}")
DOUBLES = re.compile(r"(.)\1+")
LATIN_WORD = re.compile(r"^[a-z]+$")
DEVANAGARI_WORD = re.compile(r"^[\u0900-\u097f]+$")
LATIN_VOWELS = re.compile(r"[aeiou]")
DEVANAGARI_SIGNS = re.compile(r"[\u0900-\u0903\u093a-\u094f\u0955-\u0957\u0962\u0963]")


@lru_cache(maxsize=50_000)
def canonical_spelling(word: str) -> str:
    """Lower-case, NFC, Devanagari nukta and chandrabindu folded, stretched letters cut."""
    word = unicodedata.normalize("NFC", word.lower()).translate(INVISIBLE)
    word = unicodedata.normalize("NFD", word).replace(NUKTA, "")
    word = unicodedata.normalize("NFC", word).replace(CHANDRABINDU, ANUSVARA)
    return REPEATS.sub(r"\1\1", word)


def consonant_skeleton(word: str) -> str:
    """First letter, then the consonants: "peshab" and "pshb" -> "pshb"; c, ck, q -> k."""
    word = DOUBLES.sub(r"\1", word.replace("ck", "k").replace("c", "k").replace("q", "k"))
    return word[:1] + LATIN_VOWELS.sub("", word[1:])


def max_typos(word: str) -> int:
    """How many edits a word of this length may carry and still be recognised."""
    if len(word) >= 9:
        return 2
    return 1 if len(word) >= 5 else 0


class Lexicon:
    """Spelling -> concept table with typo tolerance for Latin-script words."""

    def __init__(self, concepts: Dict[str, Iterable[str]], protected: Iterable[str] = ()):
        self.table: Dict[str, str] = {}
        for concept, spellings in concepts.items():
            for spelling in spellings:
                if not isinstance(spelling, str):  # e.g. YAML reads a bare `no` as False
                    raise ValueError(f"{concept}: {spelling!r} must be a quoted string")
                key = canonical_spelling(spelling)
                other = self.table.get(key)
                if other and other != concept:
                    raise ValueError(f"{spelling!r} is in both {other} and {concept}")
                self.table[key] = concept
        # Spellings with their doubled letters undone, for "numbb" and "suunn". Short
        # spellings without a double ("but") are left out: "butt" is not "but".
        collapsed: Dict[str, set] = {}
        for key, concept in self.table.items():
            if LATIN_WORD.match(key) and (len(key) >= 4 or DOUBLES.search(key)):
                collapsed.setdefault(DOUBLES.sub(r"\1", key), set()).add(concept)
        self.collapsed = {
            key: concepts.pop() for key, concepts in collapsed.items() if len(concepts) == 1
        }
        # Devanagari consonant skeletons, for a vowel sign typed or left out.
        self.skeletons: Dict[str, Tuple[str, ...]] = {}
        for key in self.table:
            skeleton = DEVANAGARI_SIGNS.sub("", key)
            if DEVANAGARI_WORD.match(key) and len(skeleton) >= 3:
                self.skeletons[skeleton] = self.skeletons.get(skeleton, ()) + (key,)
        # Consonant skeletons of Latin spellings, kept only where one concept has them.
        by_skeleton: Dict[str, set] = {}
        for key, concept in self.table.items():
            if LATIN_WORD.match(key) and len(key) >= 4:
                by_skeleton.setdefault(consonant_skeleton(key), set()).add(concept)
        self.consonants = {
            key: concepts.pop()
            for key, concepts in by_skeleton.items()
            if len(concepts) == 1 and len(key) >= 4 and not LATIN_VOWELS.match(key)
        }
        # Typos rarely hit the first letter: only spellings sharing it are candidates.
        self.fuzzy_targets: Dict[str, Tuple[str, ...]] = {}
        for key in self.table:
            if LATIN_WORD.match(key) and max_typos(key):
                self.fuzzy_targets.setdefault(key[0], ())
                self.fuzzy_targets[key[0]] += (key,)
        # Ordinary words that must never be "corrected" into a concept.
        self.protected = frozenset(canonical_spelling(w) for w in protected)
        self.lookup = lru_cache(maxsize=50_000)(self._lookup)

    def _lookup(self, word: str) -> Optional[str]:
        key = canonical_spelling(word)
        if key in self.table:
            return self.table[key]
        squeezed = REPEATS.sub(r"\1", key)
        if squeezed in self.table:
            return self.table[squeezed]
        if key in self.protected:
            return None
        if DEVANAGARI_WORD.match(key):
            return self._devanagari(key)
        if not LATIN_WORD.match(key):
            return None
        if DOUBLES.search(key) and DOUBLES.sub(r"\1", key) in self.collapsed:
            return self.collapsed[DOUBLES.sub(r"\1", key)]
        if not LATIN_VOWELS.search(key[:-1]) and consonant_skeleton(key) in self.consonants:
            return self.consonants[consonant_skeleton(key)]
        if len(key) == 4:
            for i in (1, 2):
                swapped = key[:i] + key[i + 1] + key[i] + key[i + 2 :]
                if swapped in self.table:
                    return self.table[swapped]
        if not max_typos(key):
            return None
        best = extractOne(
            key,
            self.fuzzy_targets.get(key[0], ()),
            scorer=DamerauLevenshtein.distance,
            score_cutoff=max_typos(key),
        )
        if best and max_typos(best[0]) >= best[1]:
            return self.table[best[0]]
        return None

    def _devanagari(self, key: str) -> Optional[str]:
        concepts = {
            self.table[spelling]
            for spelling in self.skeletons.get(DEVANAGARI_SIGNS.sub("", key), ())
            if abs(len(spelling) - len(key)) == 1
            and DamerauLevenshtein.distance(spelling, key) == 1
        }
        return concepts.pop() if len(concepts) == 1 else None

    def __call__(self, doc: Doc) -> Doc:
        """spaCy pipeline step: write each token's concept (or canonical spelling) to its NORM."""
        for token in doc:
            concept = self.lookup(token.norm_) or self.lookup(token.text)
            token.norm_ = concept or canonical_spelling(token.norm_)
        return doc


def unshouted(text: str) -> str:
    """A message typed in capitals, read in lower case: the tokenizer splits "can't" into
    "ca" + "n't" only in lower case ("CAN'T" stays one word). Same length, so every offset
    still points into the patient's own text."""
    lowered = text.lower()
    if lowered == text:  # nothing in capitals (most messages): no counting
        return text
    upper = sum(c.isupper() for c in text)
    if upper > sum(c.islower() for c in text) and len(lowered) == len(text):
        return lowered
    return text
