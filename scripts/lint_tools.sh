#!/usr/bin/env bash
# The scanners' environment (checkov, hadolint), cached by requirements-lint.lock's hash; print its
# path. Apart from the app's environment: checkov brings packages the app never imports.
source "$(dirname "$0")/common.sh"
key=$(hash_of "$REPO_ROOT/requirements-lint.lock")
venv="$CACHE_DIR/lint-venv-$key"
if [ ! -f "$venv/.complete" ]; then
  say "Creating the scanners' environment in $venv (first time only)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet -r "$REPO_ROOT/requirements-lint.lock" \
    2>&1 | grep -v "is ignored: it is neither a file nor a directory" >&2 || true
  "$venv/bin/checkov" --version >/dev/null && "$venv/bin/hadolint" --version >/dev/null \
    || die "scanners' environment incomplete"
  touch "$venv/.complete"
fi
echo "$venv"
