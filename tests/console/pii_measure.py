"""Precision and recall of console/pii on tests/console/pii_examples.yml, and the report
docs/privacy-redaction.md made from them:

    .venv/bin/python -m tests.console.pii_measure     # rewrites the report

A piece of personal data counts as hidden when redacted spans cover all of it; a
redacted span counts as right when it overlaps a piece of personal data.
"""

from collections import defaultdict
from pathlib import Path
from typing import Dict, List

import yaml

from console.pii import find

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = Path(__file__).with_name("pii_examples.yml")
REPORT = ROOT / "docs" / "privacy-redaction.md"
LANGUAGES = {"en": "English", "hinglish": "Hinglish", "hi": "Hindi (Devanagari)"}


def kind(piece: str) -> str:
    if "@" in piece:
        return "e-mail or ABHA address"
    if any(c.isdigit() for c in piece):
        return "number (phone, Aadhaar, ABHA)"
    return "name"


def examples() -> List[dict]:
    return yaml.safe_load(EXAMPLES.read_text(encoding="utf-8"))


def measure(items: List[dict]) -> Dict:
    stats = {
        "examples": len(items),
        "pieces": 0,
        "hidden": 0,
        "spans": 0,
        "right_spans": 0,
        "clean": 0,
        "clean_untouched": 0,
        "misses": [],
        "false_alarms": [],
        "by_kind": defaultdict(lambda: [0, 0]),
        "by_lang": defaultdict(lambda: [0, 0, 0, 0]),
    }
    for item in items:
        text, gold = item["text"], item.get("pii") or []
        spans = [(f.start, f.end) for f in find(text)]
        covered = set()
        for start, end in spans:
            covered.update(range(start, end))
        gold_spans = []
        for piece in gold:
            start = text.index(piece)
            gold_spans.append((start, start + len(piece)))
            hidden = all(i in covered for i in range(start, start + len(piece)))
            stats["pieces"] += 1
            stats["hidden"] += hidden
            stats["by_kind"][kind(piece)][0] += 1
            stats["by_kind"][kind(piece)][1] += hidden
            stats["by_lang"][item["lang"]][0] += 1
            stats["by_lang"][item["lang"]][1] += hidden
            if not hidden:
                stats["misses"].append((text, piece))
        for start, end in spans:
            right = any(start < g_end and end > g_start for g_start, g_end in gold_spans)
            stats["spans"] += 1
            stats["right_spans"] += right
            stats["by_lang"][item["lang"]][2] += 1
            stats["by_lang"][item["lang"]][3] += right
            if not right:
                stats["false_alarms"].append((text, text[start:end]))
        if not gold:
            stats["clean"] += 1
            stats["clean_untouched"] += not spans
    stats["recall"] = stats["hidden"] / stats["pieces"]
    stats["precision"] = stats["right_spans"] / stats["spans"]
    return stats


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}% ({part}/{whole})" if whole else "–"


def report(stats: Dict) -> str:
    lines = [
        "# Redaction of personal data: measured",
        "",
        "`console/pii` (rules in `console/pii/patterns.yml`) finds Indian phone numbers",
        "(mobile in every common form, landlines with STD codes), e-mail addresses, Aadhaar-like",
        "(12 digits) and ABHA-like (14 digits, or `name@abdm`) numbers, and names given after",
        '"my name is", "mera naam ... hai", "मेरा नाम ... है" and the like. The staff console',
        "masks them for reviewers (and for clinicians and admins until they reveal a",
        "conversation), and the NLU export replaces them with `<phone>`, `<email>`, `<aadhaar>`,",
        "`<abha>` and `<name>`. Names typed on their own (the appointment form's answer",
        '"Meena Gupta") are hidden from the conversation\'s own `patient_name` slot, which',
        "this measurement does not use: it measures the patterns alone.",
        "",
        f"Set: `tests/console/pii_examples.yml`, {stats['examples']} messages written for it "
        f"({stats['examples'] - stats['clean']} with personal data, {stats['clean']} without, "
        "many of the latter with numbers that are not personal data: ages, doses, dates, "
        "amounts, pincodes, blood pressure). `tests/console/test_redaction.py` fails when "
        "the figures below change without this report (regenerate it with "
        "`.venv/bin/python -m tests.console.pii_measure`) or fall under its floors.",
        "",
        "| measure | value |",
        "| --- | --- |",
        "| recall (pieces of personal data fully hidden) "
        f"| {_pct(stats['hidden'], stats['pieces'])} |",
        "| precision (hidden spans that are personal data) "
        f"| {_pct(stats['right_spans'], stats['spans'])} |",
        "| messages without personal data left untouched "
        f"| {_pct(stats['clean_untouched'], stats['clean'])} |",
        "",
        "| kind | recall |",
        "| --- | --- |",
    ]
    for name, (total, hidden) in sorted(stats["by_kind"].items()):
        lines.append(f"| {name} | {_pct(hidden, total)} |")
    lines += ["", "| language | recall | precision |", "| --- | --- | --- |"]
    for code, name in LANGUAGES.items():
        total, hidden, spans, right = stats["by_lang"][code]
        lines.append(f"| {name} | {_pct(hidden, total)} | {_pct(right, spans)} |")
    lines += ["", "## Missed (personal data left visible)", ""]
    misses = [f"- `{piece}` in “{text}”" for text, piece in stats["misses"]]
    lines += misses or ["None."]
    lines += ["", "## Hidden although not personal data", ""]
    false_alarms = [f"- `{piece}` in “{text}”" for text, piece in stats["false_alarms"]]
    lines += false_alarms or ["None."]
    lines += [
        "",
        'The misses are names introduced without a phrase the rules know ("I\'m Neha",',
        '"this is ...", "my wife Pooja"): words like "I\'m" and "this is" are followed',
        'far more often by other words ("I\'m in pain", "this is painful"), so the rules',
        "leave them. In the console, such a name is still hidden when it is the one the",
        "appointment form recorded. The NLU export goes to `data/nlu/` in git: an admin",
        "still reads it before committing it.",
        "",
        "The set was written together with the rules, so these figures are optimistic:",
        "real messages will hold forms nobody thought of. Add each one found to the set",
        "(and to the rules when it is common), and keep the false alarms in view: a",
        "hidden word costs a reviewer some context, a visible name costs a patient",
        "their privacy.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    REPORT.write_text(report(measure(examples())), encoding="utf-8")
    print(f"wrote {REPORT}")
