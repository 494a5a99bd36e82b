"""Phone the running system from a terminal: `python -m ivr.simulate [--script FILE]`.

The call goes through the Twilio emulator (`make run` starts it), which rings the app and plays
Twilio's side; this is the customer. Type what the customer says; `#123` keys digits; an empty
line is silence. `!` commands play the other people:

  !wait        another interval in the queue          !answer    an adviser takes the queued call
  !pickup      the prime contractor's adviser answers !accept    that adviser presses 1
  !decline     that adviser does not press 1          !no-answer / !busy / !failed  nobody answers
  !until STATE wait until the call is in STATE (bridged, input, queue, completed);
               bridged includes a conference with a console adviser
  !hangup      the customer hangs up

`--as-adviser ENDPOINT` is the adviser instead: it answers the calls rung to ENDPOINT (a UK number
or client:NAME), prints what they hear, and takes keys (`#1`), words and `!hangup`.
A script has one such line per turn; lines starting with `--` are comments.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from config.settings import SettingsError, load_settings
from devtools.emulator import recorded_url
from devtools.emulator.client import EmulatorClient, EmulatorError, Leg

WITHHELD = "anonymous"  # what Twilio sends as From when the caller ID is withheld
TWILIO_ITSELF = "https://api.twilio.com"
DEFAULT_EMULATOR = "http://127.0.0.1:8070"


class Printer:
    """Prints what a leg's person hears, once each, from any thread."""

    def __init__(self, leg: Leg, out, prefix: str = "<< ") -> None:
        self.leg, self.out, self.prefix = leg, out, prefix
        self.printed = 0
        self.lock = threading.Lock()

    def show(self, heard: list[str] | None = None) -> None:
        """Print whatever is new."""
        heard = self.leg.heard if heard is None else heard
        with self.lock:
            for text in heard[self.printed:]:
                print(f"{self.prefix}{text}", file=self.out, flush=True)
            self.printed = max(self.printed, len(heard))

    def follow(self, stop: threading.Event) -> None:
        """Keep printing in the background (what the other terminal's person caused)."""
        while not stop.wait(0.3):
            try:
                self.show()
            except EmulatorError:
                return


def run(leg: Leg, lines: Iterator[str], out=sys.stdout, echo: bool = False) -> int:
    """Play `lines` into the customer's call, printing what they hear; 0 once it has ended."""
    printer = Printer(leg, out)
    printer.show(leg.settle()["heard"])
    stop = threading.Event()
    if not echo:
        threading.Thread(target=printer.follow, args=(stop,), daemon=True).start()
    try:
        for raw in lines:
            if leg.info()["status"] in ENDED:
                break
            line = raw.rstrip("\n")
            if line.startswith("--"):
                continue
            if echo:
                print(f">> {line or '(silence)'}", file=out, flush=True)
            step(leg, line.strip(), out)
            printer.show()
        if leg.info()["status"] not in ENDED:
            leg.hang_up()
            printer.show()
            print("(the customer hangs up)", file=out)
    finally:
        stop.set()
    print("(call ended)", file=out)
    return 0


ENDED = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})


def step(leg: Leg, line: str, out) -> None:
    """One action of the person on `leg`: words, keys, silence or a `!` command."""
    if line.startswith("#"):
        leg.press(line[1:] or "#")
    elif line.startswith("!"):
        _command(leg, line[1:].strip().lower(), out)
    elif not line:
        leg.silence()
    else:
        leg.say(line)


def _command(leg: Leg, command: str, out) -> None:
    name, _, arg = command.partition(" ")
    if name == "wait":
        leg.silence()
    elif name == "answer":
        leg.taken_by_adviser()
        leg.wait_for("bridged")
    elif name == "pickup":
        _pickup(leg, out)
    elif name in ("accept", "decline"):
        adviser = _pickup(leg, out) if _answered_child(leg) is None else _answered_child(leg)
        adviser.press("1") if name == "accept" else adviser.silence()
        leg.settle()
    elif name in ("no-answer", "busy", "failed"):
        _ringing_child(leg).decline(name)
        leg.settle()
    elif name == "until":
        _until(leg, arg.strip() or "completed", out)
    elif name == "hangup":
        leg.hang_up()
    else:
        raise EmulatorError(f"unknown command !{name}")


def _until(leg: Leg, state: str, out, seconds: float = 120.0) -> None:
    """Wait for `state`; "bridged" also means in a conference, as a console adviser takes calls."""
    if state != "bridged":
        leg.wait_for(state, timeout=seconds)
        return
    leg.wait_for("bridged,conference", timeout=seconds)
    print("(through to an adviser)", file=out, flush=True)


def _children(leg: Leg) -> list[dict]:
    return [c for c in leg.client.calls() if c["parent_call_sid"] == leg.sid]


def _ringing_child(leg: Leg) -> Leg:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        ringing = [c for c in _children(leg) if c["status"] == "ringing"]
        if ringing:
            return leg.client.leg(ringing[-1]["sid"])
        time.sleep(0.1)
    raise EmulatorError("nobody is being rung for this call")


def _answered_child(leg: Leg) -> Leg | None:
    live = [c for c in _children(leg) if c["status"] == "in-progress"]
    return leg.client.leg(live[-1]["sid"]) if live else None


def _pickup(leg: Leg, out) -> Leg:
    adviser = _ringing_child(leg)
    for text in adviser.answer():
        print(f"<< [adviser hears] {text}", file=out, flush=True)
    return adviser


def be_adviser(client: EmulatorClient, endpoint: str, lines: Iterator[str] | None, out,
               wait_seconds: float) -> int:
    """Answer calls rung to `endpoint`: one call for a script, calls until Ctrl-C otherwise."""
    client.endpoint(endpoint, "manual")
    print(f"(waiting for calls to {endpoint})", file=out, flush=True)
    seen: set[str] = set()
    while True:
        leg = client.ringing(endpoint, timeout=wait_seconds if lines else 3600, exclude=seen)
        seen.add(leg.sid)
        print(f"(ringing: a call for {endpoint}; answering)", file=out, flush=True)
        printer = Printer(leg, out)
        printer.show(leg.answer())
        stop = threading.Event()
        threading.Thread(target=printer.follow, args=(stop,), daemon=True).start()
        for raw in (lines if lines is not None else _interactive("adviser> ")):
            line = raw.rstrip("\n")
            if leg.info()["status"] in ENDED:
                break
            if line.startswith("--"):
                continue
            if lines is not None:
                print(f">> {line or '(silence)'}", file=out, flush=True)
            step(leg, line.strip(), out)
            printer.show()
        if lines is not None:
            leg.wait_for("completed", timeout=wait_seconds)  # until the other side hangs up
        stop.set()
        printer.show()
        print("(call ended)", file=out, flush=True)
        if lines is not None:
            return 0


def _interactive(prompt: str = "you> ") -> Iterator[str]:
    while True:
        try:
            yield input(prompt)
        except EOFError:
            return


def main(argv: list[str] | None = None) -> int:
    """The command line; exit status 2 with a one-line error for bad input or no system."""
    parser = argparse.ArgumentParser(prog="python -m ivr.simulate",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--emulator", help="the Twilio emulator (default TWILIO_API_BASE_URL, "
                                           "else the one make run started here, "
                                           f"else {DEFAULT_EMULATOR})")
    parser.add_argument("--url", help="the app the call rings (default: the emulator's own)")
    parser.add_argument("--from", dest="caller", default="+441134960123",
                        help=f"the caller's number, or {WITHHELD!r} for a withheld number")
    parser.add_argument("--to", dest="dialled", default="+44800100900", help="the number dialled")
    parser.add_argument("--script", type=Path, help="a file of turns instead of typing them")
    parser.add_argument("--as-adviser", metavar="ENDPOINT",
                        help="answer the calls rung to ENDPOINT (+44… or client:NAME)")
    parser.add_argument("--wait", type=float, default=120.0,
                        help="seconds a scripted adviser waits for a call (default 120)")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        lines = _script(args.script) if args.script else None
        base = args.emulator or (settings.twilio_api_base_url
                                 if settings.twilio_api_base_url != TWILIO_ITSELF
                                 else recorded_url() or DEFAULT_EMULATOR)
        client = EmulatorClient(base)
        if args.as_adviser:
            return be_adviser(client, args.as_adviser, lines, sys.stdout, args.wait)
        leg = client.phone(from_=args.caller, to=args.dialled, app_url=args.url)
        print(f"(calling {args.dialled}; this call is {leg.sid})", flush=True)
        return run(leg, lines if lines is not None else _interactive(), echo=lines is not None)
    except (SettingsError, OSError, EmulatorError) as error:
        print(f"simulate: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


def _script(path: Path) -> Iterator[str]:
    return iter(path.read_text(encoding="utf-8").splitlines())


if __name__ == "__main__":
    sys.exit(main())
