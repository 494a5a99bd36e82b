"""gunicorn settings for the app: sizes from the environment, graceful shutdown."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_WORKERS", "2"))
# Threads keep slow dependencies (Rasa turns) from blocking a whole worker; each open webchat
# holds one for its live event stream, so there are many.
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "32"))
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
wsgi_app = "ivr.wsgi:app"
