"""Fail on any `rasa data validate` warning except responses that actions and the form utter.

Rasa warns about every response no story or rule names, but the form asks its questions with
utter_ask_<slot>, and the actions choose responses by name (utter_route_<destination>,
utter_info_<topic>, utter_why_<slot>, ...). Those are used; anything else is a real warning.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ACTIONS = Path(__file__).resolve().parents[1] / "actions"
UNUSED = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule")
USED_BY_NAME = ("utter_ask_", "utter_route_", "utter_info_", "utter_why_")


def problems(log: str) -> list[str]:
    """Warning lines that are not responses uttered by the form or the actions."""
    spoken_in_actions = set(re.findall(r"utter_\w+", _actions_source()))
    found = []
    for line in log.splitlines():
        if "UserWarning" not in line and "ERROR" not in line:
            continue
        unused = UNUSED.search(line)
        if unused and (unused.group(1).startswith(USED_BY_NAME)
                       or unused.group(1) in spoken_in_actions):
            continue
        found.append(line.strip())
    return found


def _actions_source() -> str:
    """All the actions' code, to find the responses they name."""
    return "\n".join(path.read_text() for path in sorted(ACTIONS.glob("*.py")))


def main(argv: list[str]) -> int:
    """Print each real warning; exit 1 if there is one, 2 on a bad argument."""
    if len(argv) != 2 or not Path(argv[1]).is_file():
        print("usage: check_validation.py VALIDATE_LOG", file=sys.stderr)
        return 2
    found = problems(Path(argv[1]).read_text())
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
