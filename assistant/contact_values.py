"""The practice's contact details as response values, per language and per channel.

Responses say `{clinic_phone}`, `{booking_link}`, `{practice_contact}`, `{emergency_lines}`
...; what the patient sees depends on where they read it. On the web (and REST) a number
is a Markdown `tel:` link and the booking page a Markdown link, which the widget makes
tappable; on WhatsApp, which links bare numbers in international form (+91 ...) and bare
addresses, the number is written that way and nothing refers to "this page". The few
joining words ("or the hospital's emergency line") exist in the three languages.
"""

import re
from typing import Dict

import phonenumbers

from assistant.settings import Practice
from contract import ENGLISH, HINDI, HINGLISH, LANGUAGES

REGION = "IN"
WEB, WHATSAPP = "web", "whatsapp"
KINDS = (WEB, WHATSAPP)
WHATSAPP_CHANNELS = frozenset({"whatsapp", "twilio_whatsapp", "twilio"})

OR_HOSPITAL_LINE = {
    ENGLISH: "{number} or the hospital's emergency line {line}",
    HINDI: "{number} या अस्पताल की इमरजेंसी लाइन {line}",
    HINGLISH: "{number} ya hospital ki emergency line {line}",
}
CONTACT = {
    ENGLISH: "the clinic's front desk on {phone} ({hours})",
    HINDI: "क्लिनिक का फ़्रंट डेस्क, फ़ोन {phone} ({hours})",
    HINGLISH: "clinic ka front desk, phone {phone} ({hours})",
}
BOOKING_LABEL = {
    ENGLISH: "Book an appointment online",
    HINDI: "ऑनलाइन अपॉइंटमेंट बुक करें",
    HINGLISH: "Online appointment book karein",
}


def channel_kind(output_channel: str) -> str:
    """WHATSAPP for the WhatsApp channels, WEB for the widget, REST and the rest."""
    return WHATSAPP if (output_channel or "") in WHATSAPP_CHANNELS else WEB


def international(number: str) -> str:
    """'+91 11 4000 0000' for '011 4000 0000'; short codes (112) and unknown forms unchanged."""
    raw = (number or "").strip()
    if len(re.sub(r"\D", "", raw)) < 6:
        return raw
    try:
        parsed = phonenumbers.parse(raw, REGION)
    except phonenumbers.NumberParseException:
        return raw
    if not phonenumbers.is_possible_number(parsed):
        return raw
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def dialable(number: str) -> str:
    """What a tel: link dials: '+911140000000', or the digits of a short code."""
    shown = international(number)
    return ("+" if shown.startswith("+") else "") + re.sub(r"\D", "", shown)


def phone_value(number: str, kind: str) -> str:
    """A number the patient can tap on this kind of channel."""
    if not number:
        return ""
    shown = international(number)
    return shown if kind == WHATSAPP else f"[{shown}](tel:{dialable(number)})"


def contact_values(settings: Practice, language: str, kind: str) -> Dict[str, str]:
    """Every template value for a conversation in `language` on this kind of channel."""
    language = language if language in LANGUAGES else ENGLISH
    phone = phone_value(settings.clinic_phone, kind)
    hours = settings.hours_in(language)
    url = settings.booking_url
    values = settings.template_values()
    values.update(
        clinic_phone=phone,
        clinic_hours=hours,
        booking_link=url if kind == WHATSAPP or not url else f"[{BOOKING_LABEL[language]}]({url})",
        practice_contact=CONTACT[language].format(phone=phone, hours=hours),
        emergency_lines=settings.emergency_number,
    )
    if settings.hospital_emergency_line:
        values["emergency_lines"] = OR_HOSPITAL_LINE[language].format(
            number=settings.emergency_number,
            line=phone_value(settings.hospital_emergency_line, kind),
        )
    return values


def all_contact_values(settings: Practice) -> Dict[tuple, Dict[str, str]]:
    """The values for every (language, channel kind), computed once at server start."""
    return {
        (language, kind): contact_values(settings, language, kind)
        for language in LANGUAGES
        for kind in KINDS
    }
