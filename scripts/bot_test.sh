#!/usr/bin/env bash
# Test the assistant: data validation, NLU on the held-out set (with F1 thresholds), dialogue test
# stories, unit tests of the custom actions and components, and whole conversations over REST.
source "$(dirname "$0")/common.sh"
venv=${RASA_VENV:-$("$REPO_ROOT/scripts/rasa_env.sh")}
model=${RASA_MODEL:-$("$REPO_ROOT/scripts/bot_train.sh")}
bot="$REPO_ROOT/bot"
results="$REPO_ROOT/var/bot-test"
rm -rf "$results" && mkdir -p "$results"
export PYTHONPATH="$REPO_ROOT" RASA_TELEMETRY_ENABLED=false RASA_VENV="$venv" RASA_MODEL="$model"
rasa() { (cd "$bot" && "$venv/bin/rasa" "$@"); }

say "Validating the assistant's data"
rasa data validate --config config.yml --domain domain.yml --data data > "$results/validate.log" 2>&1 \
  || { cat "$results/validate.log" >&2; die "rasa data validate failed"; }
"$venv/bin/python" "$bot/tests/check_validation.py" "$results/validate.log" || die "validation warnings"

say "NLU on the held-out set"
rasa test nlu --no-plot --model "$model" --nlu tests/nlu --out "$results/nlu" > "$results/nlu.log" 2>&1 \
  || { tail -30 "$results/nlu.log" >&2; die "rasa test nlu failed"; }
"$venv/bin/python" "$bot/tests/check_nlu.py" "$results/nlu" || die "NLU below its thresholds"

say "Dialogue test stories"
rasa test core --no-plot --model "$model" --stories tests/stories --out "$results/core" --fail-on-prediction-errors \
  > "$results/core.log" 2>&1 || { tail -30 "$results/core.log" >&2; die "a test story failed"; }

say "Unit tests of the actions and components"
(cd "$REPO_ROOT" && "$venv/bin/python" -m pytest -q -p no:cacheprovider -c /dev/null \
  --rootdir "$bot" "$bot/tests/unit") || die "unit tests failed"

say "Whole conversations through the REST channel"
"$venv/bin/python" "$bot/tests/run_conversations.py" || die "conversations failed"
say "Assistant tests passed"
