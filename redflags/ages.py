"""Ages said in a message: "im 58", "papa is 72", "70 saal ke", "उम्र 65", "turned 55",
"sixty plus", "pachpan saal", "papa (65)", "my father-in-law, 76, ...".

An age counts only where words around it say it is an age, so a number in "2 din se" or
"saath" meaning "with" is never read as one. The words are data in patterns.yml
(`facts.age_over_50.age_words`): words said before the number (`before`, and a relative
with a verb: "papa hain"), after it (`after`), and numbers in words (`numbers`). English
number words may follow the words before ("i am sixty"); Hindi ones double as ordinary
words ("saath" is also "with") and count only before a word after ("saath saal"). A
person (`relatives`, `titles`) followed by a number in brackets or between commas is an
age too ("papa (65)", "Retired Colonel, 70."), and so is a number right after a person with
a word of `beside` ("Papa 80M", "nana ji 80 ke"); Hindi number words count after the words
of `number_after` too ("meri umar atthavan hai").
Written here rather than as Matcher patterns: an age is a number compared with a
threshold, which the token patterns cannot express.
"""

import re
from typing import Any, Dict, Iterator, List, Tuple

OLDEST = 110  # a larger number is not an age ("500 ke note")


def _either(words: List[str]) -> str:
    return "|".join(re.escape(str(w)) for w in sorted(words, key=len, reverse=True))


class Ages:
    """Finds ages in text with the words of patterns.yml."""

    def __init__(self, words: Dict[str, Any]) -> None:
        self.numbers = {str(k).lower(): int(v) for k, v in words["numbers"].items()}
        before = (
            list(words["before"])
            + [f"{who}{verb}" for who in words["relatives"] for verb in ["'s"]]
            + [f"{who} {verb}" for who in words["relatives"] for verb in words["relative_verbs"]]
        )
        units = rf"(?:[\s-]+(?:{_either(words['units'])}))?"
        english = rf"(?:{_either(words['english_numbers'])}){units}"
        spelled = rf"(?:{_either(list(self.numbers))}){units}"
        people = _either(list(words["relatives"]) + list(words.get("titles", [])))
        self.pattern = re.compile(
            rf"\b(?:{_either(before)})(?:\D{{0,8}}?(?P<age>\d{{2,3}})\b|\W{{1,3}}(?P<word>{english})\b)"
            rf"|(?<!\w)(?:(?P<age2>\d{{2,3}})|(?P<word2>{spelled}))\s*(?:-\s*)?(?:{_either(words['after'])})(?!\w)"
            rf"|(?<!\w)(?:{people})\s*(?:ji|जी)?\s*(?:\(\s*(?P<age3>\d{{2,3}})\s*\)"
            rf"|,\s*(?P<age4>\d{{2,3}})\s*(?:[,.;)]|$)(?!\d)"
            rf"|(?P<age5>\d{{2,3}})\s*(?:{_either(words.get('beside', []))})(?!\w))"
            rf"|\b(?:{_either(words.get('number_after', []))})\W{{1,3}}(?P<word3>{spelled})(?!\w)"
        )

    def find(self, text: str) -> Iterator[Tuple[int, "re.Match[str]"]]:
        """(age, match) for every age said in `text`."""
        for match in self.pattern.finditer(text.lower()):
            digits = match.group("age") or match.group("age2") or match.group("age3")
            digits = digits or match.group("age4") or match.group("age5")
            if digits:
                if int(digits) <= OLDEST:
                    yield int(digits), match
            else:
                said = match.group("word") or match.group("word2") or match.group("word3")
                yield sum(self.numbers.get(p, 0) for p in re.split(r"[\s-]+", said)), match
