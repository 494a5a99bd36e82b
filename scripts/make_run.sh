#!/usr/bin/env bash
# `make run`: build what is missing (environments, the assistant's model), then start everything.
source "$(dirname "$0")/common.sh"
venv=$(bash "$REPO_ROOT/scripts/app_env.sh")
# The national email's local mail server (Dovecot); without root, make run goes on without it.
bash "$REPO_ROOT/scripts/mail.sh" || say "Going on without the national email"
args=()
if [ -f "$REPO_ROOT/bot/domain.yml" ] && [ "${RASA_ENABLED:-true}" != "false" ]; then
  rasa_venv=$(bash "$REPO_ROOT/scripts/rasa_env.sh")
  model=$(bash "$REPO_ROOT/scripts/bot_train.sh")
  args=(--rasa-venv "$rasa_venv" --model "$model")
fi
# The browser phone's SDK; without npm the desk says its phone is not connected, and why.
bash "$REPO_ROOT/scripts/voice_sdk.sh" >/dev/null || say "Going on without the browser phone's SDK"
say "Starting the contact centre"
exec "$venv/bin/python" "$REPO_ROOT/scripts/run.py" "${args[@]}"
