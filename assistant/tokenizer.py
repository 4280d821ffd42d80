"""Whitespace tokens whose lemma is one spelling per word, for the NLU featurizers.

Patients type the same Hindi word several ways: "फ़ायदा" and "फायदा", "ज़रूरी" and
"जरूरी", "पूँछ" and "पूंछ", and stretch words in both scripts ("nahiii"). The
CountVectorsFeaturizers read each token's lemma, so folding those differences there lets
one training example stand for all its spellings, without changing the message text that
the red-flag screen and the language screen read. Latin words are only lower-cased and
un-stretched: folding Hinglish spellings further ("zaroori" / "jaroori") was measured and
cost more English accuracy than it gained (docs/nlu-report.md).

A Devanagari word's lemma is the word romanised the way Hinglish is typed ("फायदा" ->
"fayda", "दर्द" -> "dard", "कितना" -> "kitna"): ITRANS (indic-transliteration), Hindi's
schwa deletion, long vowels short, ph -> f, v -> w, a final nasal mark dropped. So a
Hindi message shares its word and character features with the larger Hinglish training
data (73% of the Devanagari words of the Hindi training examples then equal a Latin word
of the other training files; v -> w and आ -> "aa" at the start of a word were chosen as
the spellings that match more of them). It also gives the word featurizer whole Hindi
words: its token pattern (\\w+) cut Devanagari words at every vowel sign.
Measured (December 2026, intent / FAQ-topic macro-F1 on the three development sets):
trained without the Hindi training files, Hindi rose from 0.63-0.72 / 0.74-0.81 to
0.86-0.94 / 0.88-0.92. With all the data, Hindi rose on frozen-2026-11 (0.982 / 0.967 ->
0.987 / 0.992) and heldout-2026-12b (intent 0.988 -> 1.000) and fell on heldout-2026-12's
topics (0.991 -> 0.972: three questions lost, one gained); Hinglish topics fell by
0.008-0.009 (two questions) and its intents rose; English did not fall. Keeping the
Devanagari lemma and adding the romanised one as a second token was worse for Hindi, with
and without the Hindi files.
"""

import re
import unicodedata
from typing import Any, Dict, List

from indic_transliteration import sanscript
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

NUKTA, CHANDRABINDU, ANUSVARA, VIRAMA = "\u093c", "\u0901", "\u0902", "\u094d"
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"))
STRETCHED = re.compile(r"(.)\1{2,}")  # three or more of one letter
DEVANAGARI = re.compile(r"[\u0900-\u097f]")

# Letters ITRANS does not know (the English "o" of ऑपरेशन, the short e and o of Marathi),
# and rare letters, as the nearest Hindi letter.
NEAREST_HINDI_LETTER = str.maketrans(
    {
        "ऑ": "ओ", "ॉ": "ो", "ऍ": "ए", "ॅ": "े", "ऎ": "ए", "ॆ": "े", "ऒ": "ओ", "ॊ": "ो",
        "ळ": "ल", "ऱ": "र", "ऩ": "न", "ऴ": "ल", "ः": "", "ऽ": "",
    }
)  # fmt: skip
CONSONANT = re.compile(r"[\u0915-\u0939\u0958-\u095f]")
VOWEL_SIGN = re.compile(r"[\u093e-\u094c\u0955-\u0957\u0962\u0963]")
INDEPENDENT_VOWEL = re.compile(r"[\u0904-\u0914\u0960\u0961\u0972-\u0977]")
# ITRANS spellings to the way Hinglish is typed, in this order (case-sensitive: A is आ).
HINGLISH = [
    pair.split(">")
    for pair in "RRi>ri RRI>ri LLi>li j~n>gy ~N>n ~n>n .N>n .D>D .a> M>n H> kSh>ksh Sh>sh x>ksh "
    "ph>f A>a I>i U>u T>t D>d N>n v>w q>k z>j K>kh G>gh".split()
]


def _schwa_deleted(word: str) -> str:
    """Hindi's schwa deletion, written as a virama where the inherent "a" is not said.

    Right to left, a consonant's inherent vowel goes at the end of a word of two or more
    letters (not after a cluster ending in y, r, v), and inside one between a vowel and a
    consonant with its vowel (Ohala's rule):
    कमर -> kamar, कितना -> kitna, फायदा -> fayda, समझना -> samajhna.
    """
    chars = list(word)
    # Each vowel and consonant: its place, and "vowel", "matra" (with a vowel sign),
    # "virama" (first of a cluster), "schwa" (with the inherent a) or "deleted".
    places: List[int] = []
    kinds: List[str] = []
    for i, char in enumerate(chars):
        following = chars[i + 1] if i + 1 < len(chars) else ""
        if INDEPENDENT_VOWEL.match(char):
            places.append(i)
            kinds.append("vowel")
        elif CONSONANT.match(char):
            places.append(i)
            if following == VIRAMA:
                kinds.append("virama")
            else:
                kinds.append("matra" if VOWEL_SIGN.match(following) else "schwa")
    for n in range(len(kinds) - 1, 0, -1):
        if kinds[n] != "schwa":
            continue
        last = n == len(kinds) - 1
        vowel_before = kinds[n - 1] != "virama"
        vowel_after = not last and kinds[n + 1] in ("schwa", "matra")
        # but not at the end after a cluster, before y, r, v: स्वास्थ्य -> svasthya, मित्र -> mitra
        kept_after_cluster = last and not vowel_before and chars[places[n]] in "यरव"
        if (last and not kept_after_cluster) or (vowel_before and vowel_after):
            kinds[n] = "deleted"
    for place, kind in reversed(list(zip(places, kinds))):
        if kind == "deleted":
            chars.insert(place + 1, VIRAMA)
    return "".join(chars)


def romanised(word: str) -> str:
    """A Devanagari word the way it is typed in Latin letters: "फायदा" -> "fayda"."""
    word = word.translate(NEAREST_HINDI_LETTER)
    # A final nasal mark is not typed ("नहीं" -> "nahi"); inside, it is n (m before p, b).
    word = re.sub(ANUSVARA + "$", "", word)
    word = re.sub(ANUSVARA + "(?=[पफबभम])", "म" + VIRAMA, word)
    word = word.replace(ANUSVARA, "न" + VIRAMA)
    word = sanscript.transliterate(_schwa_deleted(word), sanscript.DEVANAGARI, sanscript.ITRANS)
    word = re.sub("^A", "aa", word)  # आप -> aap, आराम -> aaram
    for itrans, hinglish in HINGLISH:
        word = word.replace(itrans, hinglish)
    # A y is typed between i and a final e: "चाहिए" -> "chahiye", "बताइए" -> "bataiye".
    return re.sub("ie$", "iye", word.lower())


def spelling_key(word: str) -> str:
    """One spelling for the ways a word is typed: lower case, no nukta, unstretched, and
    Devanagari romanised the way Hinglish is typed."""
    word = unicodedata.normalize("NFC", word.lower()).translate(INVISIBLE)
    if DEVANAGARI.search(word):
        word = unicodedata.normalize("NFD", word).replace(NUKTA, "")
        word = unicodedata.normalize("NFC", word).replace(CHANDRABINDU, ANUSVARA)
        word = romanised(word)
    return STRETCHED.sub(r"\1", word)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class SpellingTokenizer(WhitespaceTokenizer):
    """Rasa's whitespace tokenizer, with one spelling per word as each token's lemma."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Rasa's settings, plus the version of `spelling_key`.

        Rasa's training cache knows a component by its class, its configuration and its
        inputs, not its code: a new version here makes it tokenize the data again.
        """
        return {**WhitespaceTokenizer.get_default_config(), "spelling_key": "romanised-1"}

    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            token.lemma = spelling_key(token.text)
        return tokens
