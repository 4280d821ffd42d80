"""Writes docs/nlu-report.md from the held-out sets and fails below a macro-F1 floor.

    python scripts/nlu_report.py models/assistant.tar.gz docs/nlu-report.md --min-macro-f1 0.95
    python scripts/nlu_report.py MODEL OUT --sets heldout-2026-12b --summary-only

Every example of each language's set (tests/nlu/<set>-<language>.yml, for each name of
`--sets`) is parsed by the whole model (scripts/nlu_scores.py). The run fails when, in any
language of any set, the intent or the FAQ-topic macro-F1 is below the floor, or when more
FAQ questions than `--max-wrong-topic` are answered on the wrong topic. `--summary-only`
leaves the per-label tables out, for a set that is looked at only in aggregate.
"""

import argparse
import sys
from pathlib import Path
from typing import Dict, List

from scripts.nlu_scores import (
    CHOICE,
    FALLBACK_ANSWER,
    OTHER,
    RIGHT_ANSWER,
    SAFETY,
    WRONG_ANSWER,
    LanguageScores,
    score,
)

ROOT = Path(__file__).resolve().parents[1]

LANGUAGE_NAMES = {"en": "English", "hinglish": "Hinglish", "hi": "Hindi (Devanagari)"}
SET_PATH = "tests/nlu/{}-{}.yml"
DEVELOPMENT_SET, TUNED_SET, THIRD_ROUND_SET, FOURTH_ROUND_SET, UNSEEN_SET = (
    "frozen-2026-11",
    "heldout-2026-12",
    "heldout-2026-12b",
    "heldout-2026-12c",
    "heldout-2026-12d",
)
SET_DESCRIPTIONS = {
    DEVELOPMENT_SET: "written apart from the training data and frozen before tuning; later "
    "tuning looked at its per-label recall, so it is a development measure now",
    TUNED_SET: "written from the practice's page in patients' words before any tuning on it "
    "and first looked at only in aggregate; the second December round of training examples "
    "was written from its misses, so it is a development measure now",
    THIRD_ROUND_SET: "written from the practice's page in patients' words and frozen before "
    "the second December round; held out for that round (looked at only in aggregate), then "
    "the third round of training examples was written from its misses: a regression table now",
    FOURTH_ROUND_SET: "written from the practice's page in patients' words and frozen before "
    "the third December round of training examples (examples identical to a training example "
    "were dropped before freezing); held out for that round (looked at only in aggregate), "
    "then looked at message by message and the fourth round of training examples was "
    "written from its misses: a regression table now",
    UNSEEN_SET: "written from the practice's page in patients' words and frozen before the "
    "fourth December round of training examples (examples identical to a training example "
    "were dropped before freezing); held out: looked at only in aggregate (the figures "
    "below), never message by message",
}

OUTCOMES = (RIGHT_ANSWER, CHOICE, WRONG_ANSWER, FALLBACK_ANSWER, SAFETY, OTHER)


def summary(results: List[LanguageScores]) -> List[str]:
    lines = [
        "| language | examples | intent macro-F1 | FAQ-topic macro-F1 | FAQ questions answered "
        "on the wrong topic | FAQ answers to non-FAQ messages | language detected right / "
        "left to the conversation / wrong |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for s in results:
        faq = len(s.faq_examples)
        wrong = round(s.wrong_topic_share * faq)
        counts = s.language_counts
        lines.append(
            f"| {LANGUAGE_NAMES.get(s.language, s.language)} | {len(s.examples)} | "
            f"**{s.intent_macro_f1:.3f}** | **{s.topic_macro_f1:.3f}** | "
            f"{wrong}/{faq} ({s.wrong_topic_share:.1%}) | {s.faq_answers_to_other_intents} | "
            f"{counts['right']} / {counts['neutral']} / {counts['wrong']} |"
        )
    return lines + [""]


def outcomes(results: List[LanguageScores]) -> List[str]:
    lines = [
        "## What a patient gets for an FAQ question",
        "",
        "| language | " + " | ".join(OUTCOMES) + " |",
        "| --- |" + " --- |" * len(OUTCOMES),
    ]
    for s in results:
        cells = [f"{s.outcome_share(o):.1%}" for o in OUTCOMES]
        lines.append(
            f"| {LANGUAGE_NAMES.get(s.language, s.language)} | " + " | ".join(cells) + " |"
        )
    return lines + [
        "",
        'A "Did you mean" choice offers two or three topic buttons instead of '
        "answering when the FAQ selector is unsure between topics; red-flag advice is "
        "the safety screen overriding a question that mentions a warning sign.",
        "",
    ]


def recall_table(title: str, results: List[LanguageScores], attribute: str) -> List[str]:
    per_language = {s.language: s.per_label_recall(attribute) for s in results}
    labels = sorted({label for recalls in per_language.values() for label in recalls})
    names = [LANGUAGE_NAMES.get(s.language, s.language) for s in results]
    lines = [
        f"## {title}",
        "",
        "| label | " + " | ".join(names) + " |",
        "| --- |" + " --- |" * len(names),
    ]
    for label in labels:
        cells = [
            f"{per_language[s.language][label]:.2f}" if label in per_language[s.language] else "–"
            for s in results
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines + [""]


def report(results: Dict[str, List[LanguageScores]], model: str, summary_only: bool) -> str:
    lines = [
        "# NLU evaluation on the held-out sets",
        "",
        "Generated by `scripts/nlu_report.py` (run by `make test`) with `" + model + "`. Each "
        "set has one file per language (`tests/nlu/<set>-{en,hinglish,hi}.yml`); a test "
        "checks their hashes and that none of their messages is in the training data. "
        "Every example is parsed by the whole model, as the Rasa server does. Intent and "
        "FAQ-topic macro-F1 score the classifiers (as `rasa test nlu` does: the fallback "
        "and the red-flag re-route are undone); the other columns are what the patient gets. "
        "The figures before and after each round of training data, and how the sets were "
        "used, are in [languages.md](languages.md).",
        "",
    ]
    for name, scores in results.items():
        lines += [
            f"## Set `{name}`",
            "",
            SET_DESCRIPTIONS.get(name, "a labelled set").capitalize() + ".",
            "",
        ]
        lines += summary(scores) + outcomes(scores)
        if not summary_only and name != UNSEEN_SET:
            lines += recall_table(f"Recall per intent (`{name}`)", scores, "predicted_intent")
            lines += recall_table(f"Recall per FAQ topic (`{name}`)", scores, "predicted_topic")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("model", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--min-macro-f1", type=float, default=0.95)
    parser.add_argument("--max-wrong-topic", type=float, default=0.02)
    parser.add_argument("--languages", nargs="+", default=["en", "hinglish", "hi"])
    parser.add_argument(
        "--sets",
        nargs="+",
        default=[DEVELOPMENT_SET, TUNED_SET, THIRD_ROUND_SET, FOURTH_ROUND_SET, UNSEEN_SET],
    )
    parser.add_argument("--summary-only", action="store_true")
    args = parser.parse_args()

    results = {}
    for name in args.sets:
        paths = {language: ROOT / SET_PATH.format(name, language) for language in args.languages}
        results[name] = score(args.model, paths)
    args.out.write_text(report(results, args.model.as_posix(), args.summary_only), encoding="utf-8")

    failures = []
    for name, scores in results.items():
        for s in scores:
            print(
                f"{name} {s.language}: intent macro-F1 {s.intent_macro_f1:.3f}, FAQ-topic "
                f"macro-F1 {s.topic_macro_f1:.3f}, wrong-topic answers "
                f"{s.wrong_topic_share:.1%} ({round(s.wrong_topic_share * len(s.faq_examples))}"
                f"/{len(s.faq_examples)}), language {dict(s.language_counts)}"
            )
            if s.intent_macro_f1 < args.min_macro_f1 or s.topic_macro_f1 < args.min_macro_f1:
                failures.append(f"{name} {s.language}: macro-F1 below {args.min_macro_f1}")
            if s.wrong_topic_share > args.max_wrong_topic:
                failures.append(
                    f"{name} {s.language}: wrong-topic answers above {args.max_wrong_topic:.0%}"
                )
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
