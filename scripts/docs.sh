#!/usr/bin/env bash
# `make docs`: regenerates the generated pages of docs/ (and deploy/nginx.conf) from their
# sources; tests never write into docs/. The red-flag page and the compose nginx.conf have
# tests that fail when they are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
MODEL=models/assistant.tar.gz
python scripts/red_flag_docs.py
python -m cluster.nginx --compose --out deploy/nginx.conf >/dev/null
echo "== NLU evaluation on the frozen held-out sets, per language -> docs/nlu-report.md"
# the report only (scripts/test.sh is where the floors fail the run)
python scripts/nlu_report.py "$MODEL" docs/nlu-report.md --min-macro-f1 0 --max-wrong-topic 1
# Screenshots taken by the browser tests (`make test`), when there are any.
for shot in results/screenshots/webchat-emergency-desktop.png \
            results/screenshots/webchat-emergency-phone.png \
            results/screenshots/console-escalations.png \
            results/screenshots/console-takeover.png; do
  if [ -f "$shot" ]; then cp "$shot" docs/; echo "docs/$(basename "$shot")"; fi
done
