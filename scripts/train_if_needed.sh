#!/usr/bin/env bash
# Trains a model when anything it is built from changed since the last one: the training
# data, config.yml, the domain, the code of its components and policies (assistant/, the
# red-flag detector, contract.py) and the pinned packages.
#   scripts/train_if_needed.sh                 train if needed
#   scripts/train_if_needed.sh --fingerprint   print the inputs' fingerprint and exit
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL_INPUTS=(data config.yml domain assistant redflags contract.py requirements.lock)

fingerprint() {
  find "${MODEL_INPUTS[@]}" -name __pycache__ -prune -o -type f ! -name '*.pyc' -print0 \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-32
}

if [ "${1:-}" = "--fingerprint" ]; then
  fingerprint
  exit 0
fi
. scripts/env.sh
current=$(fingerprint)
if [ -f models/.fingerprint ] && [ "$(cat models/.fingerprint)" = "$current" ] \
   && ls models/*.tar.gz >/dev/null 2>&1; then
  echo "Model is up to date ($(ls -t models/*.tar.gz | head -1))."
  exit 0
fi
echo "Training a model (its data, configuration, domain, code or packages changed)..."
started=$(date +%s)
rasa train --quiet --domain domain --fixed-model-name assistant --out models
echo "$current" > models/.fingerprint
echo "Trained in $(( $(date +%s) - started )) s."
