"""Benchmark triage: decisions per second through decide() and through `python -m triage --jsonl`.

Run: python bench/bench_triage.py [--lines N] [--repeat R] [--out var/bench/triage.json | -]
Every figure is measured in the same run as its baseline, so it can be read as a ratio:
  decide() against a no-op call over the same facts and against json.loads + json.dumps of the
  same lines; the CLI against a process that only parses and re-prints the same lines.
Targets on this machine (2 cores): 50,000 decisions/s through decide(), 20,000 lines/s via --jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from triage import Facts, decide  # noqa: E402
from triage.facts import CHANNELS, NATIONS, NEEDS  # noqa: E402
from triage.postcodes import _places  # noqa: E402

TARGETS = {"decide": 50_000, "cli_jsonl": 20_000}
ECHO_SCRIPT = (
    "import json, sys\n"
    "out = sys.stdout.write\n"
    "for line in sys.stdin:\n"
    "    if line.strip():\n"
    "        out(json.dumps(json.loads(line)) + '\\n')\n"
)


def sample_facts(count: int, seed: int = 2014) -> list[dict]:
    """Varied facts, as a conversation would send them: some fields known, some not."""
    rng = random.Random(seed)
    areas = sorted(prefix for prefix in _places() if prefix.isalpha())
    postcodes = [
        f"{rng.choice(areas)}{rng.randint(1, 30)} {rng.randint(0, 9)}{rng.choice('ABDEFGHJ')}A"
        for _ in range(5000)
    ]
    optional = {
        "age": lambda: rng.randint(10, 70),
        "jobcentre_plus_claimant": lambda: rng.random() < 0.3,
        "in_custody": lambda: rng.random() < 0.02,
        "channel": lambda: rng.choice(CHANNELS),
        "postcode": lambda: rng.choice(postcodes),
        "nation": lambda: rng.choice(NATIONS),
        "language": lambda: rng.choice(["Polish", "Urdu", "English", "Spanish"]),
        "qualification_level": lambda: rng.randint(0, 8),
        "in_work": lambda: rng.random() < 0.5,
        "learning_difficulty_or_disability": lambda: rng.random() < 0.1,
    }
    weights = {"age": 0.9, "postcode": 0.7, "channel": 0.5, "nation": 0.05, "language": 0.05}
    facts = []
    for _ in range(count):
        one = {"need": rng.choice(NEEDS)} if rng.random() < 0.9 else {}
        for name, make in optional.items():
            if rng.random() < weights.get(name, 0.3):
                one[name] = make()
        facts.append(one)
    return facts


def best_rate(work, items: int, repeat: int) -> float:
    """Items per second of the fastest of `repeat` runs of work()."""
    best = min(timed(work) for _ in range(repeat))
    return items / best


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def in_process(facts: list[dict], lines: list[str], repeat: int) -> dict[str, float]:
    """Rates of decide() and of its baselines over the same facts."""
    parsed = [Facts.from_dict(one) for one in facts]

    def no_op(_facts):
        return None

    return {
        "no_op_call": best_rate(lambda: [no_op(one) for one in facts], len(facts), repeat),
        "json_loads_dumps": best_rate(
            lambda: [json.dumps(json.loads(line)) for line in lines], len(lines), repeat
        ),
        "decide": best_rate(lambda: [decide(one) for one in facts], len(facts), repeat),
        "decide_prebuilt_facts": best_rate(
            lambda: [decide(one) for one in parsed], len(parsed), repeat
        ),
        "decide_json_line": best_rate(
            lambda: [json.dumps(decide(json.loads(line)).to_dict()) for line in lines],
            len(lines),
            repeat,
        ),
    }


def through_processes(lines: list[str], repeat: int) -> dict[str, float]:
    """Lines per second of the CLI and of a process that only parses and re-prints the lines."""
    data = ("\n".join(lines) + "\n").encode()
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    def run(command: list[str]) -> None:
        done = subprocess.run(command, input=data, capture_output=True, env=env, check=False)
        if done.returncode != 0 or done.stdout.count(b"\n") != len(lines):
            raise RuntimeError(f"{command[1:3]} failed: {done.stderr.decode()[:200]}")

    return {
        "cli_json_echo": best_rate(
            lambda: run([sys.executable, "-c", ECHO_SCRIPT]), len(lines), repeat
        ),
        "cli_jsonl": best_rate(
            lambda: run([sys.executable, "-m", "triage", "decide", "--jsonl"]), len(lines), repeat
        ),
    }


def report(rates: dict[str, float], facts: list[dict]) -> dict:
    """The figures with their ratios to the baselines and the targets."""
    destinations = Counter(decide(one).destination for one in facts)
    return {
        "rates_per_second": {name: round(rate) for name, rate in rates.items()},
        "ratios": {
            "decide_vs_json_loads_dumps": round(rates["decide"] / rates["json_loads_dumps"], 2),
            "decide_vs_no_op_call": round(rates["decide"] / rates["no_op_call"], 3),
            "cli_jsonl_vs_cli_json_echo": round(rates["cli_jsonl"] / rates["cli_json_echo"], 2),
        },
        "targets": {
            name: {"target": target, "met": rates[name] >= target}
            for name, target in TARGETS.items()
        },
        "lines": len(facts),
        "destinations": dict(destinations.most_common()),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }


def print_table(result: dict) -> None:
    print(f"{'measure':<24}{'per second':>14}   notes")
    notes = {
        "no_op_call": "baseline: a no-op function over the same facts",
        "json_loads_dumps": "baseline: json.loads + json.dumps of the same lines",
        "decide": f"decide(mapping) incl. validation; target {TARGETS['decide']:,}",
        "decide_prebuilt_facts": "decide(Facts) already validated",
        "decide_json_line": "json line in, json line out, in one process",
        "cli_json_echo": "baseline process: parse and re-print each line",
        "cli_jsonl": f"python -m triage decide --jsonl; target {TARGETS['cli_jsonl']:,}",
    }
    for name, rate in result["rates_per_second"].items():
        print(f"{name:<24}{rate:>14,}   {notes[name]}")
    for name, ratio in result["ratios"].items():
        print(f"{name:<38}{ratio:>8}")
    for name, target in result["targets"].items():
        print(f"target {name}: {'met' if target['met'] else 'NOT met'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--out",
        default=str(REPO / "var" / "bench" / "triage.json"),
        help="where to write the JSON result; '-' for standard output",
    )
    args = parser.parse_args()
    facts = sample_facts(args.lines)
    lines = [json.dumps(one) for one in facts]
    rates = {**in_process(facts, lines, args.repeat), **through_processes(lines, args.repeat)}
    result = report(rates, facts)
    print_table(result)
    text = json.dumps(result, indent=2)
    if args.out == "-":
        print(text)
    else:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
