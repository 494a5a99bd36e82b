#!/usr/bin/env bash
# `make safeguarding-model`: train the learned safeguarding screen from triage/safeguarding/data/
# and write its weights to triage/safeguarding/weights.json.gz (committed, so every process that
# screens has them). Cached outside the clone by the hash of what the weights are built from.
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"
venv=$(bash scripts/app_env.sh)
key=$("$venv/bin/python" -c 'from triage.safeguarding.corpus import data_hash; print(data_hash()[:12])')
cached="$CACHE_DIR/safeguarding-$key.json.gz"
if [ ! -f "$cached" ]; then
  say "Training the safeguarding screen ($key; about a minute)"
  "$venv/bin/python" scripts/safeguarding_train.py --out "$cached.tmp" >&2
  mv "$cached.tmp" "$cached"
fi
cp "$cached" triage/safeguarding/weights.json.gz
say "triage/safeguarding/weights.json.gz is built from $key"
