#!/usr/bin/env bash
# Re-resolve requirements.lock from pyproject.toml's ranges in a scratch environment.
source "$(dirname "$0")/common.sh"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install --quiet --upgrade pip
deps=$(python3 -c "import tomllib; d = tomllib.load(open('$REPO_ROOT/pyproject.toml', 'rb'))
print('\n'.join(d['project']['dependencies'] + d['project']['optional-dependencies']['dev']))")
mapfile -t wanted <<<"$deps"
"$scratch/venv/bin/pip" install --quiet "${wanted[@]}"
{
  echo "# Exact versions the app environment installs (pip install -r requirements.lock); regenerate with \`make lock\` after changing pyproject.toml."
  "$scratch/venv/bin/pip" freeze --exclude-editable
} >"$REPO_ROOT/requirements.lock"
say "requirements.lock updated"
