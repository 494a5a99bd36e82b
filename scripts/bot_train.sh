#!/usr/bin/env bash
# Train the assistant's model unless one trained from exactly these inputs is cached; print its path.
# The key covers the config, domain, training data, custom NLU components and requirements, so any
# change to what the model is built from trains a new one, and a fresh clone reuses the cache.
source "$(dirname "$0")/common.sh"
venv=$("$REPO_ROOT/scripts/rasa_env.sh")
bot="$REPO_ROOT/bot"

inputs() {
  printf '%s\n' "$bot/config.yml" "$bot/domain.yml" "$bot/requirements.txt"
  find "$bot/data" "$bot/components" -type f \( -name '*.yml' -o -name '*.py' \) | LC_ALL=C sort
}
key=$(inputs | while read -r file; do printf '%s\n' "${file#"$REPO_ROOT"/}"; cat "$file"; done \
  | sha256sum | cut -c1-12)
models="$CACHE_DIR/models"
model="$models/$key.tar.gz"
mkdir -p "$models"
if [ ! -f "$model" ]; then
  say "Training the assistant (model $key, about a minute)"
  started=$(date +%s)
  (cd "$bot" && PYTHONPATH="$REPO_ROOT" "$venv/bin/rasa" train --quiet \
      --config config.yml --domain domain.yml --data data \
      --out "$models" --fixed-model-name "$key-partial" >&2) || die "training failed"
  mv "$models/$key-partial.tar.gz" "$model"
  say "Trained in $(( $(date +%s) - started )) s: $model"
fi
echo "$model"
