"""Benchmark the safeguarding screen: what it catches on held-out phrasings, and what it costs.

Run: `.venv/bin/python bench/bench_safeguarding.py [--repeat N]`. Reads the frozen held-out
slices in tests/heldout/safeguarding/ (written apart from the training corpus) and, in the same
run, measures the rules-only screen (the baseline: the screen before the learned model) and the
full screen (rules, then the model):

- recall on concerns said outright and said indirectly, by kind and by whom they are about, and
  the share of look-alikes wrongly escalated, for each, on all slices together and, for the full
  screen, slice by slice (tests/heldout/safeguarding/README.md says which were tuned on);
- the screen as it was before the learned model (git revision BEFORE, the rules alone as they
  were then), when git can show it, so the gain is measured in the same run;
- time per turn (p50, p95) and CPU per turn, over every held-out line, as the ratio of the full
  screen to the rules alone and as the added milliseconds.

Prints a table and writes var/bench/bench_safeguarding.json. Targets: 100% explicit, >= 95%
indirect, <= 3% false alarms; added p95 latency under 2 ms a turn.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from triage.safeguarding import model, screen, screen_rules  # noqa: E402
from triage.safeguarding.corpus import read  # noqa: E402
from triage.safeguarding.measure import TARGETS, measure  # noqa: E402

HELD_OUT = REPO / "tests" / "heldout" / "safeguarding"
OUT = REPO / "var" / "bench" / "bench_safeguarding.json"
# The last revision with the rules-only screen (triage/safeguarding.py, before the model).
BEFORE = "ee6308f"


def screen_before():
    """The screen function as it was at BEFORE, or None when git cannot show it."""
    try:
        source = subprocess.run(["git", "show", f"{BEFORE}:triage/safeguarding.py"], cwd=REPO,
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("safeguarding_before")
    sys.modules[module.__name__] = module  # dataclasses look their module up while defining
    exec(compile(source, "safeguarding_before.py", "exec"), module.__dict__)  # noqa: S102
    return module.screen


def timed(screen_fn, texts: list[str], repeat: int) -> dict[str, float]:
    """Per-turn wall time (p50, p95) and CPU time (mean), in milliseconds."""
    walls = []
    cpu_began = time.process_time()
    for _ in range(repeat):
        for text in texts:
            began = time.perf_counter()
            screen_fn(text)
            walls.append((time.perf_counter() - began) * 1000)
    cpu = (time.process_time() - cpu_began) * 1000 / len(walls)
    walls.sort()
    return {"p50_ms": statistics.median(walls), "p95_ms": walls[int(len(walls) * 0.95)],
            "cpu_ms_per_turn": cpu}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    model.load()  # read once, as every process does at its first turn
    slices = sorted(HELD_OUT.glob("slice_*.jsonl"))
    rows = read(slices)
    texts = [r["text"] for r in rows]
    report = {"machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
                         f"Python {platform.python_version()}",
              "lines": len(rows), "slices": [p.name for p in slices], "screens": {}}
    screens = [("rules + model", screen), ("rules only (baseline)", screen_rules)]
    before = screen_before()
    if before is not None:
        screens.append((f"the screen before the model ({BEFORE})", before))
    for name, fn in screens:
        result = measure(rows, lambda t, fn=fn: fn(t) is not None)
        report["screens"][name] = {
            "table": [{"group": g, "caught": c, "total": t, "rate": round(r, 4)}
                      for g, c, t, r in result.table()],
            "meets_targets": result.meets_targets(), **timed(fn, texts, args.repeat)}
    report["slices_full_screen"] = {}
    for path in slices:
        result = measure(read([path]), lambda t: screen(t) is not None)
        report["slices_full_screen"][path.stem] = {
            g: {"caught": c, "total": t, "rate": round(r, 4)} for g, c, t, r in result.table()
            if ":" not in g}
    full, base = report["screens"]["rules + model"], report["screens"]["rules only (baseline)"]
    report["added_p95_ms"] = round(full["p95_ms"] - base["p95_ms"], 3)
    report["cpu_ratio"] = round(full["cpu_ms_per_turn"] / base["cpu_ms_per_turn"], 2)
    for name, figures in report["screens"].items():
        print(f"\n{name}: p50 {figures['p50_ms']:.3f} ms, p95 {figures['p95_ms']:.3f} ms, "
              f"CPU {figures['cpu_ms_per_turn']:.3f} ms a turn; targets met: "
              f"{figures['meets_targets']}")
        for row in figures["table"]:
            print(f"  {row['group']:<28} {row['caught']:>4} / {row['total']:<4} "
                  f"{row['rate'] * 100:6.1f}%")
    print("\nrules + model, slice by slice:")
    for stem, groups in report["slices_full_screen"].items():
        print(f"  {stem}: " + ", ".join(f"{g} {v['caught']}/{v['total']} ({v['rate'] * 100:.1f}%)"
                                         for g, v in groups.items()))
    print(f"\nadded p95 per turn: {report['added_p95_ms']} ms; CPU ratio (full / rules): "
          f"{report['cpu_ratio']}x; targets {TARGETS}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
