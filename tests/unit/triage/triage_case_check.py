"""Check the triage decision table with any Python 3.10+, without pytest: exit 1 on a failure."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[3]), str(Path(__file__).resolve().parent)]

from triage_cases import ROWS, check  # noqa: E402


def main() -> int:
    """Print each failing row and return the exit status."""
    failures = 0
    for row in ROWS:
        for problem in check(row):
            failures += 1
            print(f"{row.cite} {row.label}: {problem}")
    print(f"{len(ROWS)} rows, {failures} problems, Python {sys.version.split()[0]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
