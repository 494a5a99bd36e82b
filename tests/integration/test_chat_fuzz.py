"""Property-based fuzz of the chat API: whatever arrives, the answer is never a 5xx."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app
from ivr.chat.config import Limit, load_chat_config
from tests.support.browser import WEEKDAY_MORNING, moving_clock

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children,
                                                                      max_size=3),
    max_leaves=8,
)
bodies = st.one_of(
    st.builds(lambda text: json.dumps({"text": text}).encode(), st.text(max_size=1100)),
    st.builds(lambda value: json.dumps(value).encode(), json_values),
    st.binary(max_size=300),
)
content_types = st.sampled_from([
    "application/json", "text/plain", "", "application/x-www-form-urlencoded",
    "application/json; charset=utf-8",
])
path_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=60)
session_ids = st.one_of(st.just("live"), path_text)
UNLIMITED = Limit(10**9, 60)


@pytest.fixture
def fuzz_client(settings, redis_client):
    """The app with rate limits lifted, so every example reaches the message handling."""
    config = load_chat_config().model_copy(update={
        "session_messages": UNLIMITED, "address_messages": UNLIMITED,
        "address_sessions": UNLIMITED})
    app = create_app(settings, chat_clock=moving_clock(WEEKDAY_MORNING), chat_config=config)
    return app.test_client()


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies, content_type=content_types, session_id=session_ids)
def test_no_input_makes_the_chat_api_fail(fuzz_client, body, content_type, session_id):
    client = fuzz_client
    live = client.post("/api/chat/sessions")
    assert live.status_code == 201
    if session_id == "live":
        session_id = live.get_json()["session_id"]
    quoted = session_id.replace("/", "%2F").replace("?", "%3F").replace("#", "%23")
    path = "/api/chat/sessions/" + quoted
    response = client.post(path + "/messages", data=body, content_type=content_type)
    assert response.status_code < 500, (response.status_code, response.get_data()[:200])
    if response.status_code >= 400:
        assert response.get_json()["error"]
    else:
        assert set(response.get_json()) == {"messages", "route"}
