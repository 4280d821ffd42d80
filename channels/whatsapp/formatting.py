"""Text for WhatsApp: Rasa markdown to WhatsApp markup, splitting, short titles, phone numbers."""

import re
import unicodedata
from typing import Dict, List, Optional, Sequence, Tuple

import phonenumbers

TEXT_LIMIT = 4000  # WhatsApp allows 4096 characters per text message; keep a margin
REGION = "IN"  # how local numbers such as 011-2345-6789 are read

_CODE = re.compile(r"(```.*?```|`[^`\n]+`)", re.S)
_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
_BULLET = re.compile(r"^([ \t]*)[*+][ \t]+", re.M)
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__", re.S)
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~", re.S)
_BOLD_MARK = "\x00"


def to_whatsapp(text: str) -> str:
    """Rasa/CommonMark markdown to WhatsApp markup (*bold*, _italic_, ~strike~, `code`)."""
    parts = _CODE.split(text or "")
    return "".join(part if index % 2 else _convert(part) for index, part in enumerate(parts))


def _convert(text: str) -> str:
    text = _LINK.sub(
        lambda m: m.group(2) if m.group(1) == m.group(2) else f"{m.group(1)} ({m.group(2)})", text
    )
    text = _HEADING.sub(lambda m: f"{_BOLD_MARK}{m.group(1)}{_BOLD_MARK}", text)
    text = _BULLET.sub(r"\1- ", text)
    text = _BOLD.sub(lambda m: f"{_BOLD_MARK}{m.group(1) or m.group(2)}{_BOLD_MARK}", text)
    text = _ITALIC.sub(r"_\1_", text)
    text = _STRIKE.sub(r"~\1~", text)
    return text.replace(_BOLD_MARK, "*")


def plain(text: str) -> str:
    """Text without markup characters or extra spaces, for titles."""
    text = _LINK.sub(r"\1", text or "")
    text = re.sub(r"[*_~`#]+", "", text)
    return " ".join(text.split())


def split_text(text: str, limit: int = TEXT_LIMIT) -> List[str]:
    """Pieces of at most `limit` characters, cut at paragraph or sentence ends where possible."""
    rest = (text or "").strip()
    pieces = []
    while len(rest) > limit:
        cut = _cut_point(rest, limit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


_BREAKS = (
    re.compile(r"\n\s*\n"),  # paragraph
    re.compile(r"(?<=[.!?।…])[\"'”’)\]]*(?=\s)"),  # sentence
    re.compile(r"\n"),  # line
    re.compile(r"(?<=\S)(?=\s)"),  # word
)


def _cut_point(text: str, limit: int) -> int:
    window = text[: limit + 1]
    for number, pattern in enumerate(_BREAKS):
        ends = [m.end() if number else m.start() for m in pattern.finditer(window)]
        ends = [end for end in ends if 0 < end <= limit]
        # a paragraph break early in the window would leave a tiny piece: try sentences
        if ends and (number or max(ends) >= limit // 2):
            return max(ends)
    return limit


def split_tail(text: str, limit: int) -> Tuple[str, str]:
    """(head, tail): the tail is the longest end of `text` within `limit`, cut like split_text."""
    text = (text or "").strip()
    if len(text) <= limit:
        return "", text
    start = len(text) - limit
    for pattern in _BREAKS[1:]:
        cuts = [m.end() for m in pattern.finditer(text) if m.end() >= start]
        if cuts:
            return text[: min(cuts)].rstrip(), text[min(cuts) :].lstrip()
    return text[:start], text[start:]


VIRAMA = "\u094d"


def whole_letters(text: str, limit: int) -> str:
    """The start of `text` in at most `limit` characters (Meta counts characters, not bytes),
    never ending inside a Devanagari letter: no vowel sign cut from its consonant, no
    half consonant (virama) left at the end."""
    cut = min(limit, len(text))
    while 0 < cut < len(text) and unicodedata.category(text[cut]).startswith("M"):
        cut -= 1
    while cut > 0 and text[cut - 1] == VIRAMA:
        cut -= 2
    return text[: max(cut, 0)]


def short_title(title: str, limit: int) -> str:
    """`title` in at most `limit` characters, cut after a whole word with '…'."""
    text = plain(title)
    if len(text) <= limit:
        return text
    cut = whole_letters(text, limit - 1)
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-–—/(&") + "…"


def unique_titles(titles: Sequence[str], limit: int) -> List[str]:
    """Short titles, made distinct (WhatsApp rejects repeated button titles)."""
    result: List[str] = []
    for title in titles:
        short = short_title(title, limit) or "Option"
        number = 2
        while short.casefold() in (t.casefold() for t in result):
            suffix = f" ({number})"
            short = short_title(title, limit - len(suffix)) + suffix
            number += 1
        result.append(short)
    return result


CHOOSE_NUMBER = "Reply with the number of your choice."


def numbered_options(titles: Sequence[str], hint: str = "") -> str:
    """'1. First' lines and how to answer them (`hint`, in the conversation's language)."""
    lines = [f"{number}. {plain(title)}" for number, title in enumerate(titles, start=1)]
    return "\n".join(lines) + "\n\n" + (hint or CHOOSE_NUMBER)


def tappable_number(number: str, region: str = REGION) -> str:
    """A phone number written so WhatsApp links it: international format, or bare digits."""
    raw = (number or "").strip()
    digits = re.sub(r"\D", "", raw)
    if len(digits) < 6:  # short codes such as 112 or 108: digits only, nothing around them
        return digits or raw
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return raw
    if not phonenumbers.is_possible_number(parsed):
        return raw
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def emergency_text(text: str, emergency: Optional[Dict]) -> str:
    """The advice with its numbers made tappable and repeated alone on the last lines."""
    emergency = emergency or {}
    numbers = [str(emergency.get(key) or "").strip() for key in ("call", "hospital_line")]
    numbers = [number for number in numbers if number]
    for number in numbers:
        text = text.replace(number, tappable_number(number))
    # markup right against a number stops WhatsApp from linking it
    text = re.sub(r"[*_~]+(\+?\d[\d \-]*\d)[*_~]+", r"\1", text)
    if not numbers:
        return text
    footer = "\n".join(f"📞 {tappable_number(number)}" for number in dict.fromkeys(numbers))
    return f"{text.rstrip()}\n\n{footer}"
