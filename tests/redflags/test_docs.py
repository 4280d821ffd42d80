"""docs/red-flags.md is generated from patterns.yml and the tables: it must be current."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_generator():
    spec = importlib.util.spec_from_file_location(
        "red_flag_docs", ROOT / "scripts/red_flag_docs.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_red_flag_page_is_up_to_date():
    generator = load_generator()
    page = (ROOT / "docs/red-flags.md").read_text(encoding="utf-8")
    assert page == generator.render(), "run .venv/bin/python scripts/red_flag_docs.py"


def test_every_category_and_pattern_is_documented():
    generator = load_generator()
    page = (ROOT / "docs/red-flags.md").read_text(encoding="utf-8")
    for name, spec in generator.load_rules()["categories"].items():
        assert f"| {name} | {spec['level']} |" in page
        for pattern in spec.get("patterns", []) + spec.get("vague", []):
            assert f"`{pattern.replace('|', chr(92) + '|')}`" in page
