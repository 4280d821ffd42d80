"""Indian phone number validation, using Google's libphonenumber rules (phonenumbers)."""

from typing import Optional

import phonenumbers

ACCEPTED_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def normalise_indian_phone(text: str) -> Optional[str]:
    """'098765 43210' -> '+919876543210'; None if it is not a valid Indian number."""
    if not text or len(text) > 40:
        return None
    try:
        number = phonenumbers.parse(text, "IN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 91 or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) not in ACCEPTED_TYPES:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
