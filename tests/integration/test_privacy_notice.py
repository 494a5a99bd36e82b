"""The privacy notice at first contact on the website: its page, and links from every form and the
webchat widget, with the other ways in (000:L83; 001:23.4; 001:3.1)."""

from __future__ import annotations

import re

import pytest

from app import create_app
from ivr.notices import notices
from tests.support.browser import WEEKDAY_MORNING, moving_clock


@pytest.fixture
def client(settings, redis_client):
    return create_app(settings, chat_clock=moving_clock(WEEKDAY_MORNING)).test_client()


def test_the_privacy_page_answers_with_the_whole_notice(client):
    response = client.get("/privacy")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<h1>Privacy notice</h1>" in page
    # Sharing with the Department for Work and Pensions under the Welfare Reform Act 2009 (000:L83).
    assert "Under the Welfare Reform Act 2009, information may be shared with the Department for " \
           "Work and Pensions and Jobcentre Plus" in page
    assert "never used for sales or marketing without your permission" in page  # 001:23.4
    assert "000:L83" not in page  # citations are for auditors, not customers
    assert notices().privacy.path == "/privacy"


@pytest.mark.parametrize("path", ["/call-me", "/enquiry", "/privacy"])
def test_every_form_links_the_notice_relay_uk_and_bsl(client, path):
    page = client.get(path).get_data(as_text=True)
    assert re.search(r'<a href="/privacy">How we use your information \(privacy notice\)</a>', page)
    assert "dial 18001 then 0800 100 900" in page
    assert f'href="{notices().access.bsl_url}"' in page
    assert f'href="{notices().access.relay_uk_url}"' in page


def test_the_call_me_form_says_a_relay_uk_number_is_welcome(client):
    assert "put 18001 before your number" in client.get("/call-me").get_data(as_text=True)


def test_the_widget_reads_its_links_from_the_server(client):
    response = client.get("/api/chat/notices")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"  # embedded on other sites
    body = response.get_json()
    assert body["privacy"] == {"path": "/privacy",
                               "text": "How we use your information (privacy notice)"}
    assert [way["url"] for way in body["access"]] == [notices().access.relay_uk_url,
                                                      notices().access.bsl_url]
    widget = client.get("/chat/static/widget.js").get_data(as_text=True)
    assert "/api/chat/notices" in widget
