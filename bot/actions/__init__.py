"""Custom actions of the assistant, split by flow; they import `triage` and nothing else of ours."""

from bot.actions import request_log

request_log.install()
