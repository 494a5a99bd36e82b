"""Security headers on every response, and the pages that must never be framed.

Every page's scripts and styles are static files of this app (no inline script, no inline style),
so the Content-Security-Policy allows only 'self'. Staff pages (the console,
the dashboard) may not be framed by any site; the public pages and the widget's files may be, so
the widget stays embeddable in the website. HSTS is sent only in production, where the app is
served over HTTPS.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request

STAFF_PREFIXES = ("/console",)
_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'"
)
HSTS = "max-age=31536000; includeSubDomains"


def _with_sources(policy: str, sources: dict[str, list[str]]) -> str:
    """`policy` with more sources for some directives (a view sets `g.csp_sources`: the desk's
    browser phone reaches Twilio's signalling), a directive not in it added after 'self'."""
    directives = [d.strip() for d in policy.split(";")]
    for name, extra in sources.items():
        found = [i for i, d in enumerate(directives) if d.split(" ")[0] == name]
        if found:
            directives[found[0]] += " " + " ".join(extra)
        else:
            directives.append(" ".join([name, "'self'", *extra]))
    return "; ".join(directives)


def init_app(app: Flask) -> None:
    """Add the headers to every response the app sends."""
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """The security headers for this request's response (set only where a view did not)."""
    staff = request.path.startswith(STAFF_PREFIXES)
    policy = _with_sources(_POLICY, g.get("csp_sources") or {})
    policy += "; frame-ancestors 'none'" if staff else ""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", policy)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin" if not staff
                       else "no-referrer")
    if staff:
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cache-Control", "no-store")
    if current_app.config["SETTINGS"].app_env == "production":
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response
