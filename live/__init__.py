"""Live pages over server-sent events: any Redis stream, a socket per follower, not a thread.

Writers call `live.publish.add()`; a Flask view authorises the follower and returns
`live.flask.stream(key, ...)`; the events front (`python -m live.front`) then streams the key to
the browser with one Redis subscriber per process. See live/README.md.
"""
