"""GET /console/api/knowledge: advisers, supervisors and admins search the knowledge base; a bad
query is refused with its reason; nothing is sent to anyone; a bad article stops the start."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

import engine.knowledge as knowledge
import engine.knowledge_search as knowledge_search
from app import create_app
from config.files import ConfigFileError
from models.enquiries import WrittenEnquiry
from tests.support.console import signed_in

URL = "/console/api/knowledge"


@pytest.mark.parametrize("role", ["adviser", "supervisor", "admin"])
def test_staff_search_and_get_what_the_panel_shows(app, role):
    client, _ = signed_in(app, "sam", role)
    answer = client.get(URL, query_string={"q": "advanced learner loan"})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["query"] == "advanced learner loan" and body["articles"] >= 25
    first = body["results"][0]
    assert first["id"] == "funding-and-advanced-learner-loans"
    assert first["title"] == "Funding and Advanced Learner Loans"
    assert first["topic_label"] == "Information for customers"
    assert first["link"] == "https://www.gov.uk/advanced-learner-loan"
    assert "Advanced Learner Loan" in first["snippet"]
    # The assistant's written answer already ends with the link, so it is not added twice.
    assert first["insert"] == first["summary"]
    assert first["insert"].count("https://www.gov.uk/advanced-learner-loan") == 1
    assert first["blocks"][0]["kind"] == "paragraph"
    assert first["review_due"] is False  # reviewed by mid-2027; the suite's clock is 2026


def test_the_insert_text_adds_the_link_to_a_summary_without_it(app):
    client, _ = signed_in(app)
    (result, *_rest) = client.get(URL, query_string={"q": "textphone relay"}).get_json()["results"]
    assert result["id"] == "relay-uk-and-bsl"
    assert result["insert"] == result["summary"] + " https://www.relayuk.bt.com/"


def test_an_article_for_staff_only_has_nothing_to_insert(app):
    client, _ = signed_in(app)
    results = client.get(URL, query_string={"q": "priority groups"}).get_json()["results"]
    assert results[0]["id"] == "priority-groups"
    assert results[0]["summary"] is None and results[0]["insert"] is None


def test_an_empty_query_finds_nothing_and_says_how_many_articles_there_are(app):
    client, _ = signed_in(app)
    for query in ({}, {"q": ""}, {"q": "   "}):
        answer = client.get(URL, query_string=query)
        assert answer.status_code == 200
        assert answer.get_json()["results"] == [] and answer.get_json()["articles"] >= 25


@pytest.mark.parametrize(("query", "reason"), [
    ({"q": "x" * 201}, "q is longer than 200 characters"),
    ({"q": "loan\x00"}, "q has control characters in it"),
    ({"q": ["loan", "cv"]}, "give q once"),
    ({"q": "loan", "limit": "0"}, "limit must be a whole number from 1 to 20"),
    ({"q": "loan", "limit": "many"}, "limit must be a whole number from 1 to 20"),
    ({"q": "loan", "limit": "21"}, "limit must be a whole number from 1 to 20"),
])
def test_a_bad_query_is_refused_with_its_reason(app, query, reason):
    client, _ = signed_in(app)
    answer = client.get(URL, query_string=query)
    assert answer.status_code == 400
    assert answer.get_json()["error"] == reason


def test_the_limit_is_kept(app):
    client, _ = signed_in(app)
    results = client.get(URL, query_string={"q": "prime contractor", "limit": "3"}).get_json()
    assert len(results["results"]) == 3


def test_a_contractor_adviser_is_refused_and_a_stranger_is_sent_to_sign_in(app):
    contractor, _ = signed_in(app, "pat", "contractor_adviser", contractor="london")
    assert contractor.get(URL, query_string={"q": "loan"}).status_code == 403
    stranger = app.test_client().get(URL, query_string={"q": "loan"})
    assert stranger.status_code == 302 and "/console/login" in stranger.headers["Location"]


def test_the_desk_and_the_written_desk_carry_the_panel(app):
    adviser, _ = signed_in(app, "sam", "adviser")
    desk = adviser.get("/console/desk").get_data(as_text=True)
    assert 'data-knowledge-target="reply"' in desk and "knowledge.js" in desk
    assert 'id="knowledge-search"' in desk
    # The written desk: an enquiry's page, the panel beside its reply by email.
    form = {"message": "How do I pay for a course?", "email": "customer@example.org"}
    assert app.test_client().post("/enquiry", data=form).status_code == 201
    with Session(app.extensions["engine"]) as session:
        enquiry = session.exec(select(WrittenEnquiry).order_by(WrittenEnquiry.id.desc())).first()
    supervisor, _ = signed_in(app, "sue", "supervisor")
    page = supervisor.get(f"/console/written/{enquiry.id}").get_data(as_text=True)
    assert 'data-knowledge-target="reply-text"' in page and 'id="reply-text"' in page
    assert 'data-knowledge-join="paragraph"' in page and "knowledge.js" in page


def test_the_knowledge_base_is_read_at_start_up_and_a_bad_article_stops_it(
        settings, redis_client, tmp_path, monkeypatch):
    assert create_app(settings).extensions["knowledge"].articles  # read before any request
    bad = tmp_path / "knowledge"
    bad.mkdir()
    (bad / "broken.md").write_text("---\ntitle: Broken\ntopic: gossip\ntags: [x]\n"
                                   "review: 2027-01-01\n---\nText.\n", encoding="utf-8")
    monkeypatch.setattr(knowledge, "KNOWLEDGE_DIR", bad)
    knowledge.default_knowledge.cache_clear()
    knowledge_search.default_index.cache_clear()
    try:
        with pytest.raises(ConfigFileError, match=r"broken\.md: topic: unknown topic 'gossip'"):
            create_app(settings)
    finally:
        knowledge.default_knowledge.cache_clear()
        knowledge_search.default_index.cache_clear()
