#!/usr/bin/env bash
# Ensure the assistant's Python 3.10 environment exists (cached by bot/requirements.txt's hash),
# with its test tools on top (cached by bot/requirements-dev.txt's hash); print its path.
# Rasa 3.6 runs on Python 3.8-3.10 only, so it lives apart from the app's Python 3.11 environment.
source "$(dirname "$0")/common.sh"

find_python310() {
  if [ -n "${RASA_PYTHON:-}" ]; then echo "$RASA_PYTHON"; return; fi
  if command -v python3.10 >/dev/null 2>&1 && python3.10 -c 'import sys' >/dev/null 2>&1; then
    command -v python3.10; return
  fi
  local candidate
  for candidate in "$HOME"/.pyenv/versions/3.10*/bin/python3.10; do
    [ -x "$candidate" ] && { echo "$candidate"; return; }
  done
  die "the assistant needs Python 3.10 (python3.10 on PATH, ~/.pyenv/versions/3.10*, or RASA_PYTHON)"
}

install_quietly() {
  "$@" 2>&1 | grep -v "is ignored: it is neither a file nor a directory" >&2 || true
}

key=$(hash_of "$REPO_ROOT/bot/requirements.txt")
venv="$CACHE_DIR/rasa-venv-$key"
if [ ! -f "$venv/.complete" ]; then
  python=$(find_python310)
  say "Creating the assistant's environment in $venv (first time only, about three minutes)"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  install_quietly "$venv/bin/pip" install --quiet --upgrade pip wheel
  install_quietly "$venv/bin/pip" install --progress-bar off -r "$REPO_ROOT/bot/requirements.txt"
  "$venv/bin/python" -c 'import rasa, rasa_sdk' || die "assistant environment incomplete"
  touch "$venv/.complete"
fi
dev_key=$(hash_of "$REPO_ROOT/bot/requirements-dev.txt")
if [ ! -f "$venv/.dev-$dev_key" ]; then
  say "Adding the assistant's test tools to $venv"
  install_quietly "$venv/bin/pip" install --quiet -r "$REPO_ROOT/bot/requirements-dev.txt"
  "$venv/bin/python" -c 'import pytest' || die "assistant test tools incomplete"
  rm -f "$venv"/.dev-* && touch "$venv/.dev-$dev_key"
fi
echo "$venv"
