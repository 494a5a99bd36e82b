"""Reading one email stays quick and bounded whatever its body, and picks the envelope sender.

Unit tests of ivr/mailbox/reading.py (standard library parser, no server).
"""

from __future__ import annotations

import time
from email.message import EmailMessage

from ivr.mailbox.reading import read


def raw(body: str, subtype: str = "plain", **headers: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = "Sam <sam@example.com>", "enquiries@careers.localhost"
    message["Message-ID"] = "<r-1@example.com>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body, subtype=subtype)
    return message.as_bytes()


def test_an_html_body_of_unclosed_tags_is_read_in_one_pass():
    # "<[^>]+>" read to the end of the body from every "<": quadratic, 5.5 s at this size.
    began = time.perf_counter()
    incoming = read(raw("<" * 100_000, subtype="html"))
    assert time.perf_counter() - began < 2.0
    assert incoming.text.startswith("<<<<")


def test_words_beyond_the_cap_are_cut_and_said_to_be():
    incoming = read(raw("I need careers advice. " + "a" * 50_000), max_chars=1_000)
    assert len(incoming.text) < 1_100 and "50,0" not in incoming.text
    assert incoming.text.startswith("I need careers advice.")
    assert "characters, was not kept" in incoming.text


def test_the_sender_is_the_return_path_never_a_reply_to():
    incoming = read(raw("hello", Return_Path="<sam@example.com>",
                        Reply_To="victim@example.org"))
    assert incoming.sender == "sam@example.com" and incoming.may_auto_reply
    assert read(raw("hello", Reply_To="victim@example.org")).sender == "sam@example.com"


def test_no_automatic_reply_to_a_null_sender_or_an_automatic_message():
    assert read(raw("bounce", Return_Path="<>")).may_auto_reply is False
    assert read(raw("away", Auto_Submitted="auto-replied")).may_auto_reply is False
    assert read(raw("hello", Auto_Submitted="no")).may_auto_reply is True
