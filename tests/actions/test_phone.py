import pytest

from actions.phone import normalise_indian_phone


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("98765 43210", "+919876543210"),
        ("+91 98765 43210", "+919876543210"),
        ("+91-98765-43210", "+919876543210"),
        ("098765 43210", "+919876543210"),
        ("919876543210", "+919876543210"),
        ("011 2345 6789", "+911123456789"),
    ],
)
def test_indian_numbers_are_normalised(typed, expected):
    assert normalise_indian_phone(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "12345",
        "",
        "my number is secret",
        "+1 415 555 0100",
        "98765",
        "9" * 45,
        "+44 20 7946 0958",
    ],
)
def test_other_input_is_refused(typed):
    assert normalise_indian_phone(typed) is None
