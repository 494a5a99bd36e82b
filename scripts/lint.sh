#!/usr/bin/env bash
# `make lint`: style (ruff), package boundaries (import-linter), security smells in our code (bandit), known vulnerabilities in the
# locked dependencies (pip-audit). pip-audit needs a vulnerability service (PyPI's JSON API or
# OSV); where none answers, it reports every package as "not audited" and "no known
# vulnerabilities": this script says plainly that the audit did not run instead of passing quietly.
# PIP_AUDIT_REQUIRED=1 (for CI with network) turns that into a failure.
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"
py=.venv/bin/python

say "ruff"
"$py" -m ruff check .

say "import contracts (import-linter, pyproject.toml)"
.venv/bin/lint-imports --no-cache

say "bandit"
.venv/bin/bandit -q -r ivr models routing triage config bot/tracker_store.py \
  $( [ -d console ] && echo console )

say "pip-audit (requirements.lock)"
report=$(mktemp)
trap 'rm -f "$report"' EXIT
status=0
.venv/bin/pip-audit -r requirements.lock --no-deps --disable-pip --progress-spinner off \
  --timeout 15 -f json -o "$report" 2>/dev/null || status=$?
"$py" - "$report" "$status" <<'PY'
import json, os, sys
path, status = sys.argv[1], int(sys.argv[2])
try:
    data = json.load(open(path))
except (OSError, ValueError):
    data = None
if data is None:
    print("pip-audit: NOT RUN - no vulnerability service could be reached (exit %d)." % status)
    sys.exit(1 if os.environ.get("PIP_AUDIT_REQUIRED") == "1" else 0)
deps = data.get("dependencies", [])
vulnerable = [d for d in deps if d.get("vulns")]
skipped = [d for d in deps if d.get("skip_reason")]
for dep in vulnerable:
    ids = ", ".join(v["id"] for v in dep["vulns"])
    print(f"pip-audit: {dep['name']} {dep.get('version', '')}: {ids}")
if vulnerable:
    sys.exit(1)
if skipped:
    print(f"pip-audit: NOT AUDITED - {len(skipped)} of {len(deps)} packages could not be checked "
          f"(first: {skipped[0]['name']}: {skipped[0]['skip_reason']}). The vulnerability service "
          "is not reachable from here, so no vulnerability check was made.")
    sys.exit(1 if os.environ.get("PIP_AUDIT_REQUIRED") == "1" else 0)
print(f"pip-audit: {len(deps)} packages audited, no known vulnerabilities")
PY
say "lint passed"
