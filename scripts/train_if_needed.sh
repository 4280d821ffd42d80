#!/usr/bin/env bash
# Trains a model when data/, config.yml or domain/ changed since the last one.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
fingerprint=$(find data config.yml domain -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-32)
if [ -f models/.fingerprint ] && [ "$(cat models/.fingerprint)" = "$fingerprint" ] \
   && ls models/*.tar.gz >/dev/null 2>&1; then
  echo "Model is up to date ($(ls -t models/*.tar.gz | head -1))."
  exit 0
fi
echo "Training a model (data, config or domain changed)..."
started=$(date +%s)
rasa train --quiet --domain domain --fixed-model-name assistant --out models
echo "$fingerprint" > models/.fingerprint
echo "Trained in $(( $(date +%s) - started )) s."
