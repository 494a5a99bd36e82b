"""`python -m triage {decide,screen} [--jsonl]`: see triage.cli."""

import sys

from .cli import main

sys.exit(main(sys.argv[1:]))
