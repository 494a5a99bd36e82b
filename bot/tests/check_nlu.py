"""Fail unless `rasa test nlu` met its thresholds: intent macro-F1; entity F1 of age, postcode."""

from __future__ import annotations

import json
import sys
from pathlib import Path

INTENT_MACRO_F1 = 0.95
ENTITY_F1 = {"age": 0.95, "postcode": 0.95}
EXTRACTOR_REPORT = "FactExtractor_report.json"


def check(results: Path) -> list[str]:
    """Lines describing each figure; those starting with FAIL missed their threshold."""
    intents = json.loads((results / "intent_report.json").read_text())
    entities = json.loads((results / EXTRACTOR_REPORT).read_text())
    lines = [_line("intent macro-F1", intents["macro avg"]["f1-score"], INTENT_MACRO_F1)]
    for entity, threshold in ENTITY_F1.items():
        f1 = entities.get(entity, {}).get("f1-score", 0.0)
        lines.append(_line(f"entity F1 {entity}", f1, threshold))
    return lines


def _line(name: str, value: float, threshold: float) -> str:
    """'ok   name 0.97 (>= 0.95)' or 'FAIL ...'."""
    verdict = "ok  " if value >= threshold else "FAIL"
    return f"{verdict} {name} {value:.3f} (>= {threshold})"


def main(argv: list[str]) -> int:
    """Print the figures; exit 1 if any threshold is missed, 2 on a bad argument."""
    if len(argv) != 2 or not Path(argv[1]).is_dir():
        print("usage: check_nlu.py RESULTS_DIR", file=sys.stderr)
        return 2
    lines = check(Path(argv[1]))
    print("\n".join(lines))
    return 1 if any(line.startswith("FAIL") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
