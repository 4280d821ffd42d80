"""console/pii: the patterns that hide personal data, measured on
tests/console/pii_examples.yml (docs/privacy-redaction.md must show the current figures)."""

import subprocess
import sys

import pytest

from console.pii import find, redact
from tests.console import pii_measure

ROOT = pii_measure.ROOT


@pytest.fixture(scope="module")
def stats():
    return pii_measure.measure(pii_measure.examples())


def test_the_example_set_is_large_and_mixed(stats):
    items = pii_measure.examples()
    assert len(items) >= 150
    for lang in ("en", "hinglish", "hi"):
        with_pii = [i for i in items if i["lang"] == lang and i["pii"]]
        without = [i for i in items if i["lang"] == lang and not i["pii"]]
        assert len(with_pii) >= 20 and len(without) >= 15, lang
    for item in items:
        assert all(piece in item["text"] for piece in item["pii"]), item


def test_precision_and_recall_floors(stats):
    assert stats["recall"] >= 0.95, stats["misses"]
    assert stats["precision"] >= 0.95, stats["false_alarms"]
    for lang, (total, hidden, spans, right) in stats["by_lang"].items():
        assert hidden / total >= 0.9 and right / spans >= 0.9, lang
    # every number and address is found; only names introduced in free phrasing may slip
    numbers = stats["by_kind"]["number (phone, Aadhaar, ABHA)"]
    addresses = stats["by_kind"]["e-mail or ABHA address"]
    assert numbers[0] == numbers[1] and addresses[0] == addresses[1]


def test_the_report_shows_the_current_figures(stats):
    written = pii_measure.REPORT.read_text(encoding="utf-8")
    assert written == pii_measure.report(stats), (
        "docs/privacy-redaction.md is stale: run .venv/bin/python -m tests.console.pii_measure"
    )


@pytest.mark.parametrize(
    "number",
    [
        "9810012345",
        "+919810012345",
        "+91 9810012345",
        "+91-98100-12345",
        "+91 98100 12345",
        "0091 98100 12345",
        "(+91) 98100 12345",
        "91 98100 12345",
        "919810012345",
        "09810012345",
        "098100 12345",
        "98100 12345",
        "98100-12345",
        "981 001 2345",
        "981-001-2345",
        "9810 012 345",
        "98-100-12345",
        "6000012345",
        "७०११२२३३४४",
        "011 2345 6789",
        "011-23456789",
        "01123456789",
        "(011) 2345 6789",
        "+91 11 2345 6789",
        "0124 414 1414",
        "0124-4141414",
        "(0124) 414 1414",
        "0522 2612345",
    ],
)
def test_indian_phone_numbers_in_their_common_forms(number):
    text = f"call {number} today"
    assert redact(text) == "call <phone> today", find(text)


@pytest.mark.parametrize(
    "text",
    [
        "5810012345 is an order number",
        "dose 1000 mg",
        "BP 140/90",
        "pincode 110017",
        "12-05-2024 10:30",
        "Rs 150000",
        "L4 L5",
        "T-score -2.5",
        "ward 12, bed 4",
    ],
)
def test_numbers_that_are_no_phone_numbers(text):
    assert redact(text) == text


def test_known_names_are_hidden_wherever_they_appear():
    names = ["Meena Gupta"]
    assert redact("Meena Gupta", names) == "<name>"
    assert redact("Thanks, meena. We will call.", names) == "Thanks, <name>. We will call."
    assert redact("Meenakshi is her sister", names) == "Meenakshi is her sister"
    assert redact("no name", []) == "no name"


def test_usable_without_django():
    """The Rasa server's processes import it for their logs."""
    code = (
        "import sys; from console.pii import redact; "
        "assert redact('my number is 9810012345') == 'my number is <phone>'; "
        "assert not [m for m in sys.modules if m.startswith(('django', 'rasa'))]"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
