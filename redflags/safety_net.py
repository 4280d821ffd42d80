"""The body-function safety net: a bladder, bowel or saddle word in a message about back
pain is at least a doubt.

The clinical reference asks for the emergency number and a direct question whenever a
message names a red-flag body function but its wording leaves doubt. The patterns know
many words patients use for trouble with these functions; a message that names the function
beside back pain in words no pattern knows would otherwise get nothing. So when a message has
a back-pain sign and names a function of `safety_net.words` (patterns.yml), and no finding of
that category was made or cancelled, no pattern read the word, and no negation or
"normal" word stands within `quiet_within` tokens of it, the category is a `possible`
finding: the number, conditionally, and "Is this happening now?".
"""

from typing import Any, Dict, Iterable, List, Set, Tuple

from spacy.tokens import Doc

QUIET = {"NOT", "NAHI", "NEVER", "WITHOUT", "NORMAL"}  # when patterns.yml names none


def doubts(
    doc: Doc, spec: Dict[str, Any], signs: Iterable[str], known: Iterable[str], read: Set[int]
) -> List[Tuple[str, int, int]]:
    """(category, start_char, end_char) of each function named beside back pain that no
    finding covers, no pattern read (`read`: token indices inside any match, "bowel cancer"
    or straining at stool included) and no negation or "normal" word sits near."""
    if not spec or spec.get("sign") not in set(signs):
        return []
    words: Dict[str, str] = spec["words"]
    reach = int(spec.get("quiet_within", 4))
    quiet = set(spec.get("quiet", QUIET))
    seen = set(known)
    out: List[Tuple[str, int, int]] = []
    for token in doc:
        category = words.get(token.norm_)
        if category is None or category in seen or token.i in read:
            continue
        near = doc[max(0, token.i - reach) : token.i + reach + 1]
        if any(t.norm_ in quiet for t in near):
            continue
        out.append((category, token.idx, token.idx + len(token.text)))
        seen.add(category)
    return out
