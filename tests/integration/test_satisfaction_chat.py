"""The satisfaction survey in the chat API, on real Redis and PostgreSQL: offered once a sampled
chat has ended, one response per chat, bad input refused with a reason, never a 500."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families

from app import create_app
from config.settings import Settings
from engine.satisfaction import load_satisfaction_config
from ivr.chat.config import Limit, load_chat_config
from models.contacts import timeline
from models.db import make_engine, session_scope
from models.satisfaction import SatisfactionResponse
from tests.integration.test_chat_api import contact_key, converse
from tests.support.browser import WEEKDAY_MORNING, moving_clock
from tests.support.databases import TEST_REDIS_URL, truncate_all

WORDS = load_satisfaction_config().chat


def config_with(share: float):
    config = load_satisfaction_config()
    return config.model_copy(update={"share_by_route": {k: share for k in config.share_by_route}})


@pytest.fixture
def pg_settings(postgres_url, redis_client):
    truncate_all(make_engine(postgres_url))
    return Settings(app_env="test", database_url=postgres_url, redis_url=TEST_REDIS_URL,
                    rasa_enabled=False, _env_file=None)


def make_app(settings, share: float):
    return create_app(settings, chat_clock=moving_clock(WEEKDAY_MORNING),
                      satisfaction_config=config_with(share))


def ended_information_chat(client) -> str:
    session_id, _ = converse(client, "/chat_need information", "40")
    assert client.delete(f"/api/chat/sessions/{session_id}").status_code == 200
    return session_id


def url(session_id: str) -> str:
    return f"/api/chat/sessions/{session_id}/satisfaction"


def rows(app) -> list[SatisfactionResponse]:
    with session_scope(app.extensions["engine"]) as session:
        return list(session.exec(sa.select(SatisfactionResponse)).scalars())


def test_an_ended_sampled_chat_is_offered_the_survey_and_answers_once(pg_settings):
    app = make_app(pg_settings, 1.0)
    client = app.test_client()
    session_id = ended_information_chat(client)
    offer = client.get(url(session_id)).get_json()
    assert offer["offered"] is True and offer["answered"] is False
    assert offer["words"]["score_question"] == WORDS.score_question
    assert [o["value"] for o in offer["words"]["score_labels"]] == [1, 2, 3, 4, 5]
    answer = client.post(url(session_id), json={"score": 5, "got_what_they_needed": True})
    assert answer.status_code == 201 and answer.get_json() == {"recorded": True,
                                                                "text": WORDS.thanks}
    again = client.post(url(session_id), json={"score": 1, "got_what_they_needed": False})
    assert again.status_code == 409 and again.get_json()["error"] == WORDS.already_answered
    assert client.get(url(session_id)).get_json()["answered"] is True
    [row] = rows(app)
    key = contact_key(app, session_id)
    assert (row.contact_key, row.channel, row.route, row.score, row.got_what_they_needed) == (
        key, "webchat", "adult_information", 5, True)
    with session_scope(app.extensions["engine"]) as session:
        [event] = [e for e in timeline(session=session, contact_key=key)
                   if e.kind == "satisfaction"]
    assert event.detail == {"channel": "webchat", "score": 5, "satisfied": True,
                            "got_what_they_needed": True, "skipped": False}


def test_skipping_stores_a_skip_never_a_score(pg_settings):
    app = make_app(pg_settings, 1.0)
    client = app.test_client()
    session_id = ended_information_chat(client)
    answer = client.post(url(session_id), json={"score": None, "got_what_they_needed": None})
    assert answer.status_code == 201 and answer.get_json()["text"] == WORDS.skipped
    [row] = rows(app)
    assert (row.score, row.got_what_they_needed) == (None, None)


def test_a_chat_not_sampled_or_not_ended_is_refused(pg_settings):
    app = make_app(pg_settings, 0.0)
    client = app.test_client()
    session_id = ended_information_chat(client)
    assert client.get(url(session_id)).get_json()["offered"] is False
    refused = client.post(url(session_id), json={"score": 4, "got_what_they_needed": True})
    assert refused.status_code == 409 and refused.get_json()["error"] == WORDS.not_offered
    open_chat, _ = converse(make_app(pg_settings, 1.0).test_client(), "/chat_need information")
    refused = make_app(pg_settings, 1.0).test_client().post(
        url(open_chat), json={"score": 4, "got_what_they_needed": True})
    assert refused.status_code == 409 and refused.get_json()["error"] == WORDS.not_ended
    assert rows(app) == []


@pytest.mark.parametrize("body, reason", [
    ({"score": 0, "got_what_they_needed": True}, WORDS.bad_score),
    ({"score": 6}, WORDS.bad_score),
    ({"score": "5"}, WORDS.bad_score),
    ({"score": 4.5}, WORDS.bad_score),
    ({"score": True}, WORDS.bad_score),
    ({"score": 4, "got_what_they_needed": "yes"}, WORDS.bad_needed),
    ({"score": 4, "got_what_they_needed": 1}, WORDS.bad_needed),
    ({"score": 4, "comment": "free text is not taken"}, "only"),
    ([4, True], "JSON object"),
])
def test_bad_input_answers_400_with_a_reason(pg_settings, body, reason):
    app = make_app(pg_settings, 1.0)
    client = app.test_client()
    session_id = ended_information_chat(client)
    answer = client.post(url(session_id), json=body)
    assert answer.status_code == 400 and reason in answer.get_json()["error"]
    not_json = client.post(url(session_id), data="score=5", content_type="text/plain")
    assert not_json.status_code == 400 and "JSON" in not_json.get_json()["error"]
    broken = client.post(url(session_id), data="{", content_type="application/json")
    assert broken.status_code == 400
    assert rows(app) == []


def test_metrics_count_responses_by_channel_and_result_without_personal_data(pg_settings):
    settings = pg_settings.model_copy(update={"clock_start": WEEKDAY_MORNING})
    app = create_app(settings, chat_clock=moving_clock(WEEKDAY_MORNING),
                     satisfaction_config=config_with(1.0))
    client = app.test_client()
    answers = [{"score": 5, "got_what_they_needed": True}, {"score": 4},
               {"score": 2, "got_what_they_needed": False}, {"score": None}]
    for body in answers:
        session_id = ended_information_chat(client)
        assert client.post(url(session_id), json=body).status_code == 201
    metrics = client.get("/metrics").get_data(as_text=True)
    samples = {tuple(sorted(s.labels.items())): s.value
               for family in text_string_to_metric_families(metrics) for s in family.samples
               if s.name == "contact_centre_satisfaction_responses_total"}
    assert samples == {(("channel", "webchat"), ("result", "satisfied")): 2.0,
                       (("channel", "webchat"), ("result", "not_satisfied")): 1.0,
                       (("channel", "webchat"), ("result", "skipped")): 1.0}
    assert session_id not in metrics


def test_an_unknown_session_answers_404(pg_settings):
    client = make_app(pg_settings, 1.0).test_client()
    assert client.get(url("x" * 43)).status_code == 404
    assert client.post(url("x" * 43), json={"score": 4}).status_code == 404


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=25), inner,
                                                                   max_size=3), max_leaves=8)
answer_bodies = st.one_of(
    st.builds(lambda s, n: json.dumps({"score": s, "got_what_they_needed": n}).encode(),
              json_values, json_values),
    st.builds(lambda value: json.dumps(value).encode(), json_values),
    st.binary(max_size=100))


@pytest.fixture
def ended_chat(pg_settings):
    config = load_chat_config().model_copy(update={"session_messages": Limit(10**9, 60)})
    app = create_app(pg_settings, chat_clock=moving_clock(WEEKDAY_MORNING), chat_config=config,
                     satisfaction_config=config_with(1.0))
    client = app.test_client()
    return client, ended_information_chat(client)


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=answer_bodies, content_type=st.sampled_from(["application/json", "text/plain", ""]))
def test_no_answer_makes_the_survey_api_fail(ended_chat, body, content_type):
    client, session_id = ended_chat
    response = client.post(url(session_id), data=body, content_type=content_type)
    assert response.status_code in (201, 400, 409), (response.status_code, body)
    if response.status_code != 201:
        assert response.get_json()["error"]
