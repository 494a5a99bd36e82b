"""`python -m triage decide [--jsonl]`: see triage.cli."""

import sys

from .cli import main

sys.exit(main(sys.argv[1:]))
