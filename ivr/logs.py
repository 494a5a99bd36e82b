"""The app's logging: scrubbed lines (config.log_format) and a request id on every request.

Each request takes the load balancer's `X-Request-Id` when it is well formed, or a fresh one; it
is logged on every line of the request, sent to the assistant in the message metadata (so the
action server logs it too) and returned in the response's `X-Request-Id`.
"""

from __future__ import annotations

from flask import Flask, Response, g, request

from config.log_format import (
    REQUEST_ID,
    PersonalDataFilter,
    configure,
    new_request_id,
    scrub,
)

__all__ = ["PersonalDataFilter", "configure", "current_request_id", "init_app", "scrub"]
HEADER = "X-Request-Id"


def current_request_id() -> str | None:
    """The id of the request being served, if any."""
    return REQUEST_ID.get()


def init_app(app: Flask) -> None:
    """Give every request an id, set for its logs and returned in its response."""
    app.before_request(_start)
    app.after_request(_finish)
    app.teardown_request(_forget)


def _start() -> None:
    g.request_id = new_request_id(request.headers.get(HEADER))
    g.request_id_token = REQUEST_ID.set(g.request_id)


def _finish(response: Response) -> Response:
    if "request_id" in g:
        response.headers[HEADER] = g.request_id
    return response


def _forget(_error: BaseException | None = None) -> None:
    # Not reset(token): a streamed response may end in another context than it began.
    if g.pop("request_id_token", None) is not None:
        REQUEST_ID.set(None)
