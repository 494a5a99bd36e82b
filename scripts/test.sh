#!/usr/bin/env bash
# `make test`: install what the tests need (cached outside the clone), make sure the services
# answer, then run every test. Exits non-zero if any part fails.
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"
venv=$(bash scripts/app_env.sh)
bash scripts/services.sh
bash scripts/browser.sh
bash scripts/voice_sdk.sh >/dev/null
bash scripts/mail.sh
bash scripts/deploy_tools.sh
status=0
if [ -f bot/domain.yml ]; then
  RASA_VENV=$(bash scripts/rasa_env.sh)
  RASA_MODEL=$(bash scripts/bot_train.sh)
  export RASA_VENV RASA_MODEL
  say "Testing the assistant (data validation, held-out NLU set, test stories, action unit tests)"
  bash scripts/bot_test.sh || status=$?
fi
say "Running the test suite"
"$venv/bin/python" -m pytest "$@" || status=$?
exit "$status"
