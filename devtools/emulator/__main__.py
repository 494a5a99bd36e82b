"""`python -m devtools.emulator --app-url URL [--port N]`: serve the Twilio emulator."""

from __future__ import annotations

import argparse
import logging
import sys

from werkzeug.serving import make_server

from config.settings import SettingsError, load_settings
from devtools.emulator.server import create_emulator


def main(argv: list[str] | None = None) -> int:
    """Serve until interrupted; exit 2 with a one-line reason for bad settings or a busy port."""
    parser = argparse.ArgumentParser(prog="python -m devtools.emulator", description=__doc__)
    parser.add_argument("--app-url", help="where the app is (default PUBLIC_BASE_URL)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8070)
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="multiply TwiML times (Pause, Gather and Dial timeouts) by this")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        settings = load_settings()
        if args.time_scale <= 0:
            raise ValueError("--time-scale must be positive")
        emulator = create_emulator(app_url=args.app_url or settings.effective_public_base_url,
                                   account_sid=settings.effective_twilio_account_sid,
                                   auth_token=settings.effective_twilio_auth_token,
                                   time_scale=args.time_scale)
        server = make_server(args.host, args.port, emulator, threaded=True)
    except (SettingsError, ValueError, OSError) as error:
        print(f"emulator: {error}", file=sys.stderr)
        return 2
    print(f"Twilio emulator on http://{args.host}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
