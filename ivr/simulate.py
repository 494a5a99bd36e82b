"""Phone the running system from a terminal: `python -m ivr.simulate [--script FILE]`.

Requests are signed as Twilio signs them and the returned TwiML is followed (Gather, Redirect,
Enqueue, Dial, Hangup). Type what the customer says; `#123` keys digits; an empty line is
silence. While waiting in a queue or ringing an adviser, `!` commands play the other side:

  !wait        another interval in the queue          !answer    an adviser takes the queued call
  !pickup      the prime contractor's adviser answers !accept    that adviser presses 1
  !decline     that adviser does not press 1          !no-answer / !busy / !failed  nobody answers
  !hangup      the customer hangs up

A script has one such line per turn; lines starting with `--` are comments.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

import requests

from config.settings import SettingsError, load_settings
from ivr.voice.simulated_call import CallFailed, SimulatedCall

WITHHELD = "anonymous"  # what Twilio sends as From when the caller ID is withheld


def http_transport(timeout: float = 20.0):
    """Post form-encoded requests over HTTP, as Twilio does."""
    session = requests.Session()

    def post(url: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        response = session.post(url, data=params, headers=headers, timeout=timeout)
        return response.status_code, response.text

    return post


def run(call: SimulatedCall, lines: Iterator[str], out=sys.stdout, echo: bool = False) -> int:
    """Play `lines` into `call`, printing what the customer hears; 0 once the call has ended."""
    _print_heard(call.start(), out)
    for raw in lines:
        if call.ended:
            break
        line = raw.rstrip("\n")
        if line.startswith("--"):
            continue
        if echo:
            print(f">> {line or '(silence)'}", file=out)
        _print_heard(step(call, line.strip()), out)
    if not call.ended:
        call.hang_up()
        print("(the customer hangs up)", file=out)
    print("(call ended)", file=out)
    return 0


def step(call: SimulatedCall, line: str) -> list[str]:
    """One customer (or adviser) action; returns what the customer heard next."""
    if line.startswith("#"):
        return call.press(line[1:] or "#")
    if line.startswith("!"):
        return _command(call, line[1:].strip().lower())
    if not line:
        return call.silence()
    return call.say(line)


def _command(call: SimulatedCall, name: str) -> list[str]:
    if name == "wait":
        return call.wait_in_queue()
    if name == "answer":
        return call.adviser_answers_queue()
    if name == "pickup":
        return [f"[adviser hears] {text}" for text in call.adviser_picks_up()]
    if name in ("accept", "decline"):
        # Accepting or declining means the adviser answered first: pick up if the script did not.
        picked_up = call.waiting is not None and bool(call.waiting.action)
        heard = [] if picked_up else _command(call, "pickup")
        return heard + call.adviser_presses("1" if name == "accept" else None)
    if name in ("no-answer", "busy", "failed"):
        return call.adviser_does_not_answer(name)
    if name == "hangup":
        call.hang_up()
        return []
    raise CallFailed(f"unknown command !{name}")


def _print_heard(texts: list[str], out) -> None:
    for text in texts:
        print(f"<< {text}", file=out)


def _interactive() -> Iterator[str]:
    while True:
        try:
            yield input("you> ")
        except EOFError:
            return


def main(argv: list[str] | None = None) -> int:
    """The command line; exit status 2 with a one-line error for bad input or no system."""
    parser = argparse.ArgumentParser(prog="python -m ivr.simulate",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="the system's public base URL (default PUBLIC_BASE_URL)")
    parser.add_argument("--from", dest="caller", default="+441134960123",
                        help=f"the caller's number, or {WITHHELD!r} for a withheld number")
    parser.add_argument("--to", dest="dialled", default="+44800100900", help="the number dialled")
    parser.add_argument("--script", type=Path, help="a file of turns instead of typing them")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        lines = _script(args.script) if args.script else _interactive()
        call = SimulatedCall(http_transport(), (args.url or settings.effective_public_base_url)
                             .rstrip("/"), settings.effective_twilio_auth_token,
                             caller=args.caller, dialled=args.dialled)
        print(f"(calling {args.dialled})")
        return run(call, lines, echo=bool(args.script))
    except (SettingsError, OSError, CallFailed, requests.RequestException) as error:
        print(f"simulate: {error}", file=sys.stderr)
        return 2


def _script(path: Path) -> Iterator[str]:
    return iter(path.read_text(encoding="utf-8").splitlines())


if __name__ == "__main__":
    sys.exit(main())
