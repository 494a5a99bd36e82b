#!/usr/bin/env bash
# `make lint`: style (ruff), package boundaries (import-linter), security smells in our code (bandit), known vulnerabilities in the
# locked dependencies of the app and of the assistant (pip-audit), and the deployment files
# (checkov over deploy/ and docker/, configured in .checkov.yaml; hadolint over the Dockerfiles). pip-audit needs a vulnerability service (PyPI's JSON API or
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
# Everything that runs in production; devtools/ (the Twilio emulator and the development mail
# server, never deployed) is left out.
.venv/bin/bandit -q -r app engine live ivr models routing triage config console bot \
  -x bot/tests

say "checkov (deploy/, docker/) and hadolint (Dockerfiles)"
tools=$(bash scripts/lint_tools.sh)
"$tools/bin/checkov" --config-file .checkov.yaml -d deploy/k8s -d docker
"$tools/bin/hadolint" docker/*.Dockerfile

report=$(mktemp)
frozen=$(mktemp)
trap 'rm -f "$report" "$frozen"' EXIT
audit() {  # audit LOCKFILE: pip-audit one environment's exact versions
  local status=0
  .venv/bin/pip-audit -r "$1" --no-deps --disable-pip --progress-spinner off \
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
}

say "pip-audit (the app: requirements.lock)"
audit requirements.lock
say "pip-audit (the assistant's environment, as installed)"
"$(bash scripts/rasa_env.sh)/bin/pip" freeze --exclude-editable > "$frozen"
audit "$frozen"
say "lint passed"
