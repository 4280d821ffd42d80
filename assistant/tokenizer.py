"""Whitespace tokens whose lemma is one spelling per word, for the NLU featurizers.

Patients type the same Hindi word several ways: "फ़ायदा" and "फायदा", "ज़रूरी" and
"जरूरी", "पूँछ" and "पूंछ", and stretch words in both scripts ("nahiii"). The
CountVectorsFeaturizers read each token's lemma, so folding those differences there lets
one training example stand for all its spellings, without changing the message text that
the red-flag screen and the language screen read. Latin words are only lower-cased and
un-stretched: folding Hinglish spellings further ("zaroori" / "jaroori") was measured and
cost more English accuracy than it gained (docs/nlu-report.md).
"""

import re
import unicodedata
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

NUKTA, CHANDRABINDU, ANUSVARA = "\u093c", "\u0901", "\u0902"
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"))
STRETCHED = re.compile(r"(.)\1{2,}")  # three or more of one letter
DEVANAGARI = re.compile(r"[\u0900-\u097f]")


def spelling_key(word: str) -> str:
    """One spelling for the ways a word is typed: lower case, no nukta, anusvara, unstretched."""
    word = unicodedata.normalize("NFC", word.lower()).translate(INVISIBLE)
    if DEVANAGARI.search(word):
        word = unicodedata.normalize("NFD", word).replace(NUKTA, "")
        word = unicodedata.normalize("NFC", word).replace(CHANDRABINDU, ANUSVARA)
    return STRETCHED.sub(r"\1", word)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class SpellingTokenizer(WhitespaceTokenizer):
    """Rasa's whitespace tokenizer, with one spelling per word as each token's lemma."""

    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            token.lemma = spelling_key(token.text)
        return tokens
