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
# gives the same figures). It gates every set that guided the writing of training examples
# (November, December, 2026-12b: development measures and regression tables now). 2026-12c
# guided the fourth round but is still short of the target (Hinglish wrong topics, Hindi FAQ
# topics), and 2026-12d is held out (looked at only in aggregate): both gate as a regression
# floor below today's figures (docs/languages.md).
python scripts/nlu_report.py "$MODEL" results/nlu-report.md --sets frozen-2026-11 \
  --min-macro-f1 0.95 --max-wrong-topic 0.02
python scripts/nlu_report.py "$MODEL" results/nlu-report-december.md \
  --sets heldout-2026-12 heldout-2026-12b --summary-only --min-macro-f1 0.95 --max-wrong-topic 0.02
python scripts/nlu_report.py "$MODEL" results/nlu-report-heldout.md \
  --sets heldout-2026-12c heldout-2026-12d --summary-only --min-macro-f1 0.78 --max-wrong-topic 0.06

echo "== pytest (data validation, actions, red flags, servers)"
python -m pytest -q
