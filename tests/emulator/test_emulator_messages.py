"""The emulator's Messages resource, status callbacks and message log (emulator/messages.py).

Each test names the Twilio documentation page of the behaviour it checks.
"""

from __future__ import annotations

import pytest
import requests

from ivr.voice.twilio_rest import TwilioError
from tests.emulator.conftest import ACCOUNT_SID

CUSTOMER, SERVICE = "+447700900123", "+447700900999"


def _log(emulator, **query):
    return requests.get(f"{emulator.url}/_emulator/messages", params=query, timeout=5).json()


def test_a_text_is_queued_then_sent_and_delivered_on_its_signed_status_callback(emulator,
                                                                                recorder):
    # https://www.twilio.com/docs/messaging/guides/track-outbound-message-status: no callback
    # for queued; then sent and delivered, with MessageSid and MessageStatus.
    rest = emulator.rest()
    created = rest.create_message(to=CUSTOMER, from_=SERVICE, body="Hello",
                                  status_callback=f"{recorder.url}/messaging/status")
    assert created["sid"].startswith("SM") and len(created["sid"]) == 34
    assert (created["status"], created["to"], created["from"]) == ("queued", CUSTOMER, SERVICE)
    assert created["num_segments"] == "1" and created["direction"] == "outbound-api"
    delivered = recorder.wait_for("/messaging/status", MessageStatus="delivered")[0]
    statuses = [p["MessageStatus"] for p in recorder.params("/messaging/status")]
    assert statuses == ["sent", "delivered"]
    assert delivered["MessageSid"] == created["sid"] and delivered["AccountSid"] == ACCOUNT_SID
    assert rest.fetch_message(created["sid"])["status"] == "delivered"
    assert [m["sid"] for m in rest.list_messages(to=CUSTOMER)] == [created["sid"]]
    assert rest.list_messages(to="+447700900555") == []
    [logged] = _log(emulator)["messages"]
    assert (logged["body"], logged["status"]) == ("Hello", "delivered")


def test_a_recipient_set_to_fail_gets_failed_with_an_error_code(emulator, recorder):
    requests.put(f"{emulator.url}/_emulator/messages/recipients/{CUSTOMER}",
                 json={"outcome": "undelivered"}, timeout=5).raise_for_status()
    emulator.rest().create_message(to=CUSTOMER, messaging_service_sid="MG" + "a" * 32,
                                   body="Hello", status_callback=f"{recorder.url}/m/status")
    last = recorder.wait_for("/m/status", MessageStatus="undelivered")[0]
    assert last["ErrorCode"] == "30003" and last["MessagingServiceSid"] == "MG" + "a" * 32


@pytest.mark.parametrize(("form", "code"), [
    ({"From": SERVICE, "Body": "x"}, 21604),                         # no To
    ({"To": "07700900123", "From": SERVICE, "Body": "x"}, 21211),    # not E.164
    ({"To": CUSTOMER, "Body": "x"}, 21603),                          # no From nor service
    ({"To": CUSTOMER, "From": SERVICE}, 21602),                      # no Body
    ({"To": CUSTOMER, "From": SERVICE, "Body": "x" * 1601}, 21617),  # over 1,600 characters
    ({"To": CUSTOMER, "MessagingServiceSid": "MG1", "Body": "x"}, 21701),
])
def test_bad_requests_get_twilios_error_codes(emulator, form, code):
    # https://www.twilio.com/docs/messaging/api/message-resource (required parameters)
    response = requests.post(f"{emulator.url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json",
                             data=form, auth=(ACCOUNT_SID, emulator.auth_token), timeout=5)
    assert response.status_code == 400 and response.json()["code"] == code
    assert _log(emulator)["messages"] == []


def test_stop_is_forwarded_signed_and_blocks_texts_until_start(emulator, recorder):
    # https://www.twilio.com/docs/messaging/tutorials/advanced-opt-out: STOP and the other
    # default keywords on a long code; sending then fails with 21610 until START or UNSTOP.
    rest = emulator.rest()
    answer = requests.post(f"{emulator.url}/_emulator/messages/inbound",
                           json={"from": CUSTOMER, "body": " stop "}, timeout=5).json()
    assert answer["app_status"] == 200
    [posted] = recorder.params("/messaging/inbound")
    assert (posted["From"], posted["Body"], posted["OptOutType"]) == (CUSTOMER, " stop ", "STOP")
    with pytest.raises(TwilioError) as refused:
        rest.create_message(to=CUSTOMER, from_=SERVICE, body="Hello")
    assert refused.value.code == 21610
    requests.post(f"{emulator.url}/_emulator/messages/inbound",
                  json={"from": CUSTOMER, "body": "UNSTOP"}, timeout=5).raise_for_status()
    assert rest.create_message(to=CUSTOMER, from_=SERVICE, body="Hello")["status"] == "queued"


def test_the_control_api_refuses_a_malformed_reply(emulator):
    response = requests.post(f"{emulator.url}/_emulator/messages/inbound", json={"from": 1},
                             timeout=5)
    assert response.status_code == 400 and "from" in response.json()["error"]
