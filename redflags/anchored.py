"""spaCy Matchers split by the first word of their patterns, run only when that word is there.

spaCy's Matcher starts every one of its patterns at every token of a message, so its cost
grows with the number of patterns (more than a thousand in patterns.yml) even though a
message contains the first word of only a few of them. Here each pattern is filed under
each of its first token's words (a concept such as LEG or a literal word; a pattern's
first token is never optional, see redflags/dsl.py), one Matcher per word, and a message
runs only the Matchers of the words it contains, and only over the stretches that start
at that word and are as long as that Matcher's longest pattern (a long message is not
scanned whole for every word in it). The matches are the same as one Matcher over all the
patterns and the whole message gives (as a set: a pattern filed under two words of one
message is found by both; a match found in a stretch is a match in the message, and every
match lies in the stretch that starts at its first word).
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
        self.longest: Dict[str, int] = {}  # tokens of each Matcher's longest pattern

    def add(self, label: str, patterns: List[List[dict]]) -> None:
        """File each pattern under every word its first token accepts."""
        by_word: Dict[str, List[List[dict]]] = {}
        for pattern in patterns:
            norm = pattern[0]["NORM"]
            words = norm["IN"] if isinstance(norm, dict) else [norm]
            for word in words:
                by_word.setdefault(word, []).append(pattern)
                self.longest[word] = max(self.longest.get(word, 0), len(pattern))
        for word, filed in by_word.items():
            matcher = self.matchers.get(word)
            if matcher is None:
                matcher = self.matchers[word] = Matcher(self.vocab)
            matcher.add(label, filed)

    def __call__(self, doc: Doc) -> Set[Match]:
        """(label, start, end) of every match in `doc`."""
        strings = self.vocab.strings
        found: Set[Match] = set()
        starts: Dict[str, List[int]] = {}
        for token in doc:
            if token.norm_ in self.matchers:
                starts.setdefault(token.norm_, []).append(token.i)
        for word, positions in starts.items():
            matcher, reach = self.matchers[word], self.longest[word]
            for first, last in _stretches(positions, reach, len(doc)):
                found.update(
                    (strings[key], first + start, first + end)
                    for key, start, end in matcher(doc[first:last])
                )
        return found


def _stretches(positions: List[int], reach: int, length: int) -> List[Tuple[int, int]]:
    """[first, last) token ranges covering `reach` tokens from each position, overlaps joined."""
    out: List[Tuple[int, int]] = []
    for position in positions:
        end = min(length, position + reach)
        if out and position <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((position, end))
    return out
