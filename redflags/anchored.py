"""spaCy Matchers split by the first word of their patterns, run only when that word is there.

spaCy's Matcher starts every one of its patterns at every token of a message, so its cost
grows with the number of patterns (more than a thousand in patterns.yml) even though a
message contains the first word of only a few of them. Here each pattern is filed under
each of its first token's words (a concept such as LEG or a literal word; a pattern's
first token is never optional, see redflags/dsl.py), one Matcher per word, and a message
runs only the Matchers of the words it contains. The matches are the same as one Matcher
over all the patterns gives (as a set: a pattern filed under two words of one message
is found by both).
"""

from typing import Dict, List, Set, Tuple

from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

Match = Tuple[str, int, int]


class AnchoredMatcher:
    """A set of labelled token patterns, matched only where their first word occurs."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.matchers: Dict[str, Matcher] = {}

    def add(self, label: str, patterns: List[List[dict]]) -> None:
        """File each pattern under every word its first token accepts."""
        by_word: Dict[str, List[List[dict]]] = {}
        for pattern in patterns:
            norm = pattern[0]["NORM"]
            words = norm["IN"] if isinstance(norm, dict) else [norm]
            for word in words:
                by_word.setdefault(word, []).append(pattern)
        for word, filed in by_word.items():
            matcher = self.matchers.get(word)
            if matcher is None:
                matcher = self.matchers[word] = Matcher(self.vocab)
            matcher.add(label, filed)

    def __call__(self, doc: Doc) -> Set[Match]:
        """(label, start, end) of every match in `doc`."""
        strings = self.vocab.strings
        found: Set[Match] = set()
        for word in {token.norm_ for token in doc}:
            matcher = self.matchers.get(word)
            if matcher is not None:
                found.update((strings[key], start, end) for key, start, end in matcher(doc))
        return found
