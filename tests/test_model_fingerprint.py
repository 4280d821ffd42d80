"""scripts/train_if_needed.sh retrains when anything the model is built from changes, and
only then: its fingerprint covers the data, config.yml, the domain, the components' code
(assistant/, redflags/, contract.py) and requirements.lock, and nothing else."""

import shutil
import subprocess
from pathlib import Path

import pytest

from harness.processes import ROOT

INPUTS = [
    "data/nlu/basics.yml",
    "config.yml",
    "domain/core.yml",
    "assistant/nlg.py",
    "redflags/patterns.yml",
    "contract.py",
    "requirements.lock",
]
NOT_INPUTS = [
    "actions/appointment.py",
    "README.md",
    "tests/conftest.py",
    "assistant/__pycache__/nlg.cpython-310.pyc",
]


@pytest.fixture
def checkout(tmp_path):
    """A copy of what the script reads, so that the real files are never changed."""
    for name in [
        "scripts",
        "data",
        "config.yml",
        "domain",
        "assistant",
        "redflags",
        "contract.py",
        "requirements.lock",
        "actions",
        "README.md",
        "tests/conftest.py",
    ]:
        source, target = ROOT / name, tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    return tmp_path


def fingerprint(checkout: Path) -> str:
    result = subprocess.run(
        [str(checkout / "scripts/train_if_needed.sh"), "--fingerprint"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


def touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n# changed\n")


@pytest.mark.parametrize("name", INPUTS)
def test_a_change_to_a_model_input_changes_the_fingerprint(checkout, name):
    before = fingerprint(checkout)
    touch(checkout / name)
    assert fingerprint(checkout) != before


@pytest.mark.parametrize("name", NOT_INPUTS)
def test_other_files_leave_the_fingerprint_alone(checkout, name):
    before = fingerprint(checkout)
    touch(checkout / name)
    assert fingerprint(checkout) == before
