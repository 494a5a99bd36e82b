"""`python -m routing plan [--jsonl]`: the Routing contract's command line."""

import sys

from routing.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
