# Shared helpers for the set-up scripts (sourced, not run).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Heavy things (environments, trained models, browsers) live outside the clone, keyed by a hash of
# what they are built from, so a fresh clone in CI reuses them.
CACHE_DIR="${CAREERS_TRIAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/careers-triage}"
mkdir -p "$CACHE_DIR"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# hash_of FILE... : first 12 hex digits of the sha256 of the files' contents, in the order given.
hash_of() { cat "$@" | sha256sum | cut -c1-12; }
