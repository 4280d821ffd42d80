#!/usr/bin/env bash
# The whole test suite (what `make test` and CI run). Stops at the first failing stage.
# The machine is provisioned first (services, browsers, nginx, Compose); the tests only
# check that what they need is there, and fail loudly when it is not. Reports go to
# results/; `make docs` copies the ones published in docs/.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
mkdir -p results
MODEL=models/assistant.tar.gz

echo "== Lint: ruff check, ruff format --check, mypy (seconds; before any service starts)"
ruff check .
ruff format --check .
mypy

scripts/ensure_services.sh   # PostgreSQL and Redis for the production-setup tests
scripts/ensure_chromium.sh   # Debian's chromium for the browser tests (apt when missing)
scripts/ensure_webchat.sh    # the chat widget's npm packages (esbuild, axe-core)
scripts/ensure_nginx.sh      # Debian's nginx for the cluster tests (apt when missing)
scripts/ensure_compose.sh    # a Compose to validate deploy/docker-compose.yml where docker exists

echo "== Dialogue tests: rasa test with the test stories"
rasa test core --model "$MODEL" --stories tests/stories --out results/core \
  --fail-on-prediction-errors --no-plot

echo "== NLU evaluation on the held-out sets, per language (English, Hinglish, Hindi)"
# The target: intent and FAQ-topic macro-F1 at least 0.95 and at most 2% of the FAQ questions
# answered on the wrong topic, in every language (training is deterministic: the same data
# gives the same figures). It gates the November sets (which guided the writing of the
# training examples) and the December sets in English and Hinglish (whose misses guided the
# second December round); the December Hindi set, still short of the target, and the 2026-12b
# sets (written before that round, held out, looked at only in aggregate) gate as regression
# floors below today's figures (docs/nlu-report.md and docs/languages.md have the figures).
python scripts/nlu_report.py "$MODEL" results/nlu-report.md --sets frozen-2026-11 \
  --min-macro-f1 0.95 --max-wrong-topic 0.02
python scripts/nlu_report.py "$MODEL" results/nlu-report-december.md --sets heldout-2026-12 \
  --languages en hinglish --summary-only --min-macro-f1 0.95 --max-wrong-topic 0.02
python scripts/nlu_report.py "$MODEL" results/nlu-report-december-hi.md --sets heldout-2026-12 \
  --languages hi --summary-only --min-macro-f1 0.90 --max-wrong-topic 0.04
python scripts/nlu_report.py "$MODEL" results/nlu-report-heldout.md --sets heldout-2026-12b \
  --summary-only --min-macro-f1 0.88 --max-wrong-topic 0.07

echo "== pytest (data validation, actions, red flags, servers)"
python -m pytest -q
