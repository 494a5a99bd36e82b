"""Rasa CPU per customer turn: one assistant against another, measured in the same run.

    python bench/bench_assistant_cpu.py --before DIR --before-model MODEL.tar.gz [--rounds 2]

DIR holds an earlier copy of the repository's bot/ and triage/ (for example
`git archive main bot triage | tar -x -C DIR`), MODEL its trained model. Both assistants are
started in turn, the same whole conversations are sent one turn at a time (no concurrency, so
queueing does not count), and the CPU time of the Rasa server's and the action server's process
groups is read from /proc before and after. Rounds alternate (before, after, before, after...)
so that load from other work on the machine falls on both alike. Prints a table and writes
var/bench/assistant_cpu.json. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.bench_assistant import CONVERSATIONS  # noqa: E402
from tests.support.rasa import (  # noqa: E402
    _stop,
    assistant_environment,
    free_port,
    send,
    wait_until_ready,
)

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
OUTPUT = REPO / "var" / "bench" / "assistant_cpu.json"
TICKS = os.sysconf("SC_CLK_TCK")
# More whole conversations as customers have them: speech, several facts, a correction.
EXTRA = [
    ("phone", ["erm so yeah i'm fifteen and i've no idea what to do after year eleven"]),
    ("webchat", ["im 52, where do i start with a cv?", "no thanks thats everything"]),
    ("phone", ["i need careers advice", "no hang on i'm thirty one not thirteen",
               "ess double you one a one a a"]),
]


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU seconds of every live process in process group `pgid`."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # field 5 of stat: the process group
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def measure(root: Path, model: str, venv: str, turns: int) -> dict:
    """Start the assistant in `root` with `model`, send `turns` turns, return CPU per turn."""
    from urllib.parse import urlparse

    redis = urlparse(REDIS_URL)
    port, action_port = free_port(), free_port()
    env = {**os.environ, "PYTHONPATH": str(root), "RASA_TELEMETRY_ENABLED": "false",
           "REDIS_HOST": redis.hostname or "127.0.0.1", "REDIS_PORT": str(redis.port or 6379),
           "REDIS_DB": (redis.path or "/0").lstrip("/") or "0", "SANIC_WORKERS": "1",
           "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook"}
    logs = Path(tempfile.mkdtemp(prefix="bench-cpu-"))
    rasa = f"{venv}/bin/rasa"
    bot = root / "bot"
    actions = _start_in(bot, [rasa, "run", "actions", "--port", str(action_port),
                              "--actions", "bot.actions"], env, logs / "actions.log")
    server = _start_in(bot, [rasa, "run", "--enable-api", "-i", "127.0.0.1", "-p", str(port),
                             "-m", model, "--endpoints", "endpoints.yml", "--credentials",
                             "credentials.yml"], env, logs / "rasa.log")
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(url, [actions, server], 300, logs)
        conversations = CONVERSATIONS + EXTRA
        _send(url, conversations, 30)  # warm up
        rasa_before, actions_before = group_cpu_seconds(server.pid), group_cpu_seconds(actions.pid)
        sent = _send(url, conversations, turns)
        rasa_cpu = group_cpu_seconds(server.pid) - rasa_before
        actions_cpu = group_cpu_seconds(actions.pid) - actions_before
    finally:
        _stop(server)
        _stop(actions)
    return {"turns": sent, "rasa_ms_per_turn": round(rasa_cpu * 1000 / sent, 2),
            "actions_ms_per_turn": round(actions_cpu * 1000 / sent, 2)}


def _start_in(cwd: Path, command: list[str], env: dict, log: Path):
    """tests.support.rasa._start, but in another copy of the bot directory."""
    import subprocess

    with open(log, "ab") as out:
        return subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _send(url: str, conversations, turns: int) -> int:
    sent = 0
    while sent < turns:
        for channel, texts in conversations:
            sender = f"cpu-{uuid.uuid4().hex}"
            for text in texts:
                if sent >= turns:
                    return sent
                send(url, sender, text, {"channel": channel}, timeout=30)
                sent += 1
    return sent


def main() -> int:
    """Alternate rounds, print medians and the ratio, write JSON; exit 2 on bad arguments."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="earlier bot/ and triage/")
    parser.add_argument("--before-model", required=True, help="the earlier trained model")
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if not (args.before / "bot").is_dir() or not Path(args.before_model).is_file():
        print("error: --before needs bot/ and --before-model a model file", file=sys.stderr)
        return 2
    venv, model = assistant_environment()
    rows: dict[str, list[dict]] = {"before": [], "after": []}
    for _ in range(args.rounds):
        rows["before"].append(measure(args.before, args.before_model, venv, args.turns))
        rows["after"].append(measure(REPO, model, venv, args.turns))
    result = {name: {key: statistics.median(r[key] for r in runs)
                     for key in ("rasa_ms_per_turn", "actions_ms_per_turn")}
              for name, runs in rows.items()}
    result["ratio_rasa"] = round(result["after"]["rasa_ms_per_turn"]
                                 / result["before"]["rasa_ms_per_turn"], 3)
    result["rounds"] = rows
    print(f"{'':>8} {'Rasa ms CPU/turn':>18} {'actions ms CPU/turn':>20}")
    for name in ("before", "after"):
        print(f"{name:>8} {result[name]['rasa_ms_per_turn']:>18} "
              f"{result[name]['actions_ms_per_turn']:>20}")
    print(f"ratio (after / before, Rasa): {result['ratio_rasa']}")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
