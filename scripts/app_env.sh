#!/usr/bin/env bash
# Ensure the app's Python 3.11 environment exists (cached by the lock file's hash); print its path.
source "$(dirname "$0")/common.sh"
PYTHON="${APP_PYTHON:-python3}"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "the app needs Python 3.11 or newer as '$PYTHON' (set APP_PYTHON to another interpreter)"
key=$(hash_of "$REPO_ROOT/requirements.lock")
venv="$CACHE_DIR/app-venv-$key"
if [ ! -f "$venv/.complete" ]; then
  say "Creating the app environment in $venv (first time only, about a minute)"
  rm -rf "$venv"
  "$PYTHON" -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --progress-bar on -r "$REPO_ROOT/requirements.lock" \
    2>&1 | grep -v "is ignored: it is neither a file nor a directory" >&2 || true
  "$venv/bin/python" -c 'import flask, sqlmodel, redis, twilio, spacy' || die "app environment incomplete"
  touch "$venv/.complete"
fi
ln -sfn "$venv" "$REPO_ROOT/.venv"
echo "$venv"
