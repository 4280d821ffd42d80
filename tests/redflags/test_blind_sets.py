"""The frozen blind sets: unchanged, and (those used for tuning) held as regression tables.

A blind set is written from the clinical reference by someone who has not seen the
patterns, committed alone and never edited: its hash is checked here. Once it has been
used to fix the screen it is a regression table: every emergency in it, single message
or conversation turn, must get an EMERGENCY finding (confirmed or possible, both carry the
emergency number), every urgent one a finding, and benign messages must stay within the
targets. The newest set is held out: it is only measured (docs/red-flags.md).
"""

import hashlib
from pathlib import Path

import pytest

from harness.blind_sets import BLIND_SETS, hit, measure

ROOT = Path(__file__).resolve().parents[2]
FROZEN = {
    "tests/redflags/blind-2026-11.yml": (
        "03fb77b7f166627164e69e1a37594d62f88a74aee64fdde8ce3ce07b1608758f"
    ),
    "tests/redflags/blind-2026-12.yml": (
        "63213e8db77e0beb64293e049a028a02744c43f2c7849cde520b7380e2b6ae2f"
    ),
    "tests/redflags/blind-2026-12b.yml": (
        "4d599ffe9e7f9fbb7ba99db1617a326572f95138cb5bd831b32ed1e7a43fc805"
    ),
    "tests/redflags/blind-2026-12c.yml": (
        "29f9867313ee9064c023c5ef7f1c36e5644b21cecc733c920985ab3fa3faa9bc"
    ),
    "tests/redflags/blind-2026-12d.yml": (
        "05b58456d5cf8400d31997fdce203e067a7f4ec295d3be6bb2aa8db0ea507a08"
    ),
    "tests/redflags/blind-2026-12e.yml": (
        "b82ec9646c3cfec415258059773fed38839c7f9867eb446c6c116837560f61d8"
    ),
    "tests/redflags/blind-2026-12f.yml": (
        "4cf63803aa383ba3701a0e9bf2428c8018508b4eaf0d6ba3f8089d17919f7fd0"
    ),
    "tests/redflags/blind-2026-12g.yml": (
        "81ee74bad9b5c504248658c4ef794ff0aba86d59f9b022980a3d35a9dc10a94e"
    ),
    "tests/redflags/blind-2026-12h.yml": (
        "fc898194fd82c6b800b4e34a3f48a2dfc914729e3052390ecd2c128b5ef45b5a"
    ),
    "tests/redflags/blind-2026-12i.yml": (
        "e11452be7488ea4856708637e5144e4ea3acd91e4de5fc29703f215dc1b7d0f0"
    ),
    "tests/redflags/blind-2026-12j.yml": (
        "82c6261a10dd82bfcdcdb1643db4e9ffd4ac3711a95f02cd25d1e7338f23f0c1"
    ),
    "tests/redflags/blind-2026-12k.yml": (
        "0b6d227cc1bcbbf263b46e96e80ae622638b7ea6ccd204d55eb39301ac8cbf0a"
    ),
    "tests/redflags/blind-2026-12l.yml": (
        "be32e65cd403d9c40b863671417bb3363f08d37964355057e8a7cad1efccead4"
    ),
}
REGRESSION = [name for name, role in BLIND_SETS if role.startswith("regression")]
MAX_BENIGN_CONFIRMED = 0.05
MAX_BENIGN_QUESTION = 0.10


@pytest.mark.parametrize("path", sorted(FROZEN))
def test_a_frozen_set_is_never_edited(path):
    assert hashlib.sha256((ROOT / path).read_bytes()).hexdigest() == FROZEN[path], (
        f"{path} changed: write a new set instead of editing a frozen one"
    )


def test_every_blind_set_is_listed_with_its_role():
    assert {f"tests/redflags/{name}" for name, _ in BLIND_SETS} == set(FROZEN)
    assert any(role.startswith("held out") for _, role in BLIND_SETS)


@pytest.fixture(scope="module", params=REGRESSION)
def regression(request):
    return measure(ROOT / "tests/redflags" / request.param)["rows"]


def test_every_emergency_and_urgent_message_of_a_regression_set_is_flagged(regression):
    missed = [(r["id"], r["text"]) for r in regression if r["level"] != "NONE" and not hit(r)]
    assert missed == []


def test_benign_messages_of_a_regression_set_stay_within_the_targets(regression):
    benign = [r for r in regression if r["level"] == "NONE" and not r.get("after_emergency")]
    confirmed = [r["text"] for r in benign if r["confirmed"]]
    asked = [r["text"] for r in benign if r["question"]]
    assert len(confirmed) <= MAX_BENIGN_CONFIRMED * len(benign), confirmed
    assert len(asked) <= MAX_BENIGN_QUESTION * len(benign), asked
