"""The chat API's input checks and the event stream's frames, without a server."""

from __future__ import annotations

import json

import pytest
from werkzeug.exceptions import BadRequest

from ivr.chat.api import customer_text
from ivr.chat.events import frame, resume_point


@pytest.mark.parametrize(("body", "mimetype", "reason"), [
    (b'{"text": ""}', "application/json", "empty"),
    (b'{"text": "   \\n "}', "application/json", "empty"),
    (b'{"text": "\\u0000\\u0007"}', "application/json", "empty"),
    (json.dumps({"text": "x" * 1001}).encode(), "application/json", "longer than 1000"),
    (b"hello", "application/json", "not valid JSON"),
    (b"\xff\xfe", "application/json", "not valid JSON"),
    (b'{"text": "hi"}', "text/plain", "as JSON"),
    (b'["hi"]', "application/json", '"text" field'),
    (b'{"message": "hi"}', "application/json", '"text" field'),
    (b'{"text": 5}', "application/json", "must be a string"),
    (b'{"text": "\\ud800"}', "application/json", "not valid Unicode"),
])
def test_bad_input_is_refused_with_a_reason(body, mimetype, reason):
    with pytest.raises(BadRequest) as refused:
        customer_text(body, mimetype, 1000)
    assert reason in refused.value.description


def test_good_text_is_kept_with_control_characters_removed():
    assert customer_text(b'{"text": " a\\u0000b\\nc "}', "application/json", 1000) == "ab\nc"
    assert customer_text(json.dumps({"text": "é" * 1000}).encode(), "application/json", 1000)


def test_frames_carry_the_stream_id_and_keep_html_as_text():
    line = frame({"type": "message", "from": "customer", "text": "<script>x</script>\nnext",
                  "buttons": []}, "5-0")
    head, event, data, _, _ = line.split("\n")
    assert head == "id: 5-0" and event == "event: message"
    assert json.loads(data.removeprefix("data: "))["text"] == "<script>x</script>\nnext"
    status = frame({"type": "status", "state": "adviser", "detail": {"name": "Sam"}}, "6-0")
    assert json.loads(status.split("\n")[2][6:]) == {"state": "adviser", "name": "Sam"}


@pytest.mark.parametrize(("given", "expected"), [
    (None, "0"), ("", "0"), ("12-0", "12-0"), ("$", "0"), ("1-2-3", "0"), ("0-0\nx", "0"),
])
def test_resume_point_only_trusts_stream_ids(given, expected):
    assert resume_point(given) == expected
