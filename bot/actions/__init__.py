"""Custom actions of the assistant, split by flow; they import `triage` and nothing else of ours."""

from importlib.util import find_spec

# The action server logs each action with the turn's request id. The app's environment (which
# has no rasa_sdk) may still import the standard-library parts, such as bot.actions.clock.
if find_spec("rasa_sdk") is not None:
    from bot.actions import request_log

    request_log.install()
