#!/usr/bin/env bash
# `make bench`: run every benchmark in bench/ in turn; each prints its table and writes JSON to
# var/bench/. Those that need the assistant get its environment and trained model.
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"
venv=$(bash scripts/app_env.sh)
bash scripts/services.sh
if [ -f bot/domain.yml ]; then
  RASA_VENV=$(bash scripts/rasa_env.sh)
  RASA_MODEL=$(bash scripts/bot_train.sh)
  export RASA_VENV RASA_MODEL
fi
mkdir -p var/bench
for script in ${BENCH:-bench/bench_*.py}; do
  say "$script"
  PYTHONPATH="$REPO_ROOT" "$venv/bin/python" "$script" || die "$script failed"
done
say "Figures written to var/bench/"
