"""gunicorn settings for the app: sizes from the environment, graceful shutdown.

`make run` starts two pools from this file behind the events front: GUNICORN_POOL=web (pages,
chat API) and GUNICORN_POOL=voice (Twilio webhooks), each on a private GUNICORN_BIND address.
Started alone (no GUNICORN_POOL) it serves everything on PORT, as before.
"""

import os

from config.settings import Settings

pool = os.environ.get("GUNICORN_POOL", "web")
# Sizes default to Settings' own, so the pool and the assistant gate (ASSISTANT_MAX_INFLIGHT,
# which must stay below the voice pool's threads) are sized from one place.
_default = {name: field.default for name, field in Settings.model_fields.items()}
# Loopback unless BIND_HOST says otherwise (the settings refuse development secrets off loopback);
# under `make run` each pool gets its own GUNICORN_BIND behind the events front.
bind = os.environ.get("GUNICORN_BIND") or (
    f"{os.environ.get('BIND_HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}")
prefix = "VOICE" if pool == "voice" else "WEB"
workers = int(os.environ.get(f"{prefix}_WORKERS", _default[f"{pool}_workers"]))
# Threads keep slow dependencies (Rasa turns) from blocking a whole worker. Behind the events
# front no thread is held by an open webchat; served alone, each live stream holds one.
worker_class = "gthread"
threads = int(os.environ.get(f"{prefix}_THREADS", _default[f"{pool}_threads"]))
proc_name = f"careers-{pool}"
# Under `make run` the web pool runs at a lower CPU priority (WEB_NICE) than the voice pool, so on
# a small machine a burst of chat work yields the processor to a phone webhook first.
if pool == "web" and os.environ.get("GUNICORN_POOL") and int(os.environ.get("WEB_NICE", "0")):
    os.nice(int(os.environ["WEB_NICE"]))
# Twilio gives up after 15 s; a request still running after 30 s is stuck.
timeout = 30
graceful_timeout = 20
keepalive = 5
# The access log records method, path and status only: never query strings or bodies.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(L)ss %({x-request-id}o)s'
if os.environ.get("LOG_FORMAT", "text") == "json":
    # One JSON object a line, like the app's own logs; the request id ties it to them.
    access_log_format = ('{"ts":"%(t)s","service":"app","logger":"access","method":"%(m)s",'
                         '"path":"%(U)s","status":%(s)s,"bytes":"%(B)s","seconds":%(L)s,'
                         '"request_id":"%({x-request-id}o)s"}')
# Masks chat session ids (a customer's credential) in logged paths.
logger_class = "ivr.access_log.AccessLogger"
errorlog = "-"
wsgi_app = "app.wsgi:app"
