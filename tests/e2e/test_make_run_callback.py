"""The newcomer keeps a promised callback, following the README's "Try it" steps under
"Callbacks: worklists, click-to-call and the watch" word for word: `make run` on a Saturday, the
printed simulator command as the customer, Chromium as the North West demo adviser, the printed
phone commands as the adviser's and the customer's phones, "Reached", and the whole story.

Everything is real: scripts/run.py with gunicorn, the worker, embedded Redis, Rasa with the
trained model, the Twilio emulator, three simulator processes and a browser. Each phrase the
README quotes is checked both in the README and in what the newcomer hears or sees.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.browser import chromium_available
from tests.support.make_run import REPO, printed_command, running_centre

pytestmark = [pytest.mark.rasa, pytest.mark.browser,
              pytest.mark.skipif(not chromium_available(), reason="needs /usr/bin/chromium")]
TIMEOUT = 30_000
SATURDAY = "2026-03-07T10:00:00+00:00"
# What the README's steps say the newcomer types, hears and sees (each must be in both).
STEPS = {
    "start": f"CLOCK_START={SATURDAY} make run",
    "say": ("`I need careers advice`", "`45`", "`M1 1AE`", "`no thanks`", "`#1`"),
    "closed": "The North West prime contractor is closed just now, so an adviser from there "
              "will call you back.",
    "promise": "An adviser from the North West prime contractor will call you back by 5pm on "
               "Monday.",
    "sign_in": ("`northwest`", "`Northwest-demo-1`", "**Work the callbacks**"),
    "phones": ('"North West adviser phone"', "`… --as-adviser +441614960101`",
               '"Customer callback phone"', "`… --as-adviser +441134960123`"),
    "adviser_hears": "Calling the customer back for callback 1. Please hold while their phone "
                     "rings.",
    "buttons": ("**Call the customer**", "`!hangup`", "**Reached**", '"Advice given on the call"',
                "**Record the outcome**", "**See its whole story**", '"callback completed"'),
}


def _readme_steps() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("**Try it** (a promised callback kept, with `make run`):")
    return re.sub(r"\s+", " ", text[start:text.index("## Benchmarks", start)])


def test_the_readme_steps_say_what_this_test_does():
    steps = _readme_steps()
    for value in STEPS.values():
        for phrase in (value if isinstance(value, tuple) else (value,)):
            assert phrase in steps, phrase


def test_a_newcomer_keeps_the_promised_callback_under_make_run(tmp_path: Path, browser):
    with running_centre(tmp_path, SATURDAY) as (centre, _emulator):
        base = f"http://127.0.0.1:{centre.port}"
        # 2. Phone in with the printed command, ask for advice, key #1, hear the promise.
        customer = printed_command(centre.printed("Phone it (simulator):"),
                                   "I need careers advice\n45\nM1 1AE\nno thanks\n#1\n",
                                   tmp_path, "call")
        heard, err = customer.communicate(timeout=120)
        assert customer.returncode == 0, err
        assert f"<< {STEPS['closed']}" in heard, heard
        assert STEPS["promise"] in heard and heard.rstrip().endswith("(call ended)")
        # 3. Sign in as northwest with the printed password; Work the callbacks: it is on top.
        assert "northwest   Northwest-demo-1" in centre.output()
        page = browser.new_context().new_page()
        page.goto(centre.printed("Staff console:"))
        page.fill("input[name=username]", "northwest")
        page.fill("input[name=password]", "Northwest-demo-1")
        page.click("button[type=submit]")
        page.click("text=Work the callbacks")
        top = page.locator("#rows tr").first
        assert "Phone call: advice" in top.inner_text()
        assert "by 5pm Monday 9 March" in top.inner_text()
        # 4. The two phones, as printed; each answers when it rings.
        adviser = printed_command(centre.printed("North West adviser phone:"),
                                  "!until bridged\nHello, this is the North West careers service."
                                  "\n", tmp_path, "adviser")
        callee = printed_command(centre.printed("Customer callback phone:"),
                                 "!until bridged\nHello, thanks for calling back.\n!hangup\n",
                                 tmp_path, "callee")
        for phone in (adviser, callee):
            assert phone.stdout.readline().startswith("(waiting for calls to")
        # 5. Open the callback at the top; Call the customer; talk; the customer hangs up.
        top.locator("a").click()
        page.wait_for_selector("text=This callback is yours", timeout=TIMEOUT)
        page.click("text=Call the customer")
        adviser_said, err = adviser.communicate(timeout=120)
        assert adviser.returncode == 0, err
        callee_said, err = callee.communicate(timeout=120)
        assert callee.returncode == 0, err
        assert f"<< {STEPS['adviser_hears']}" in adviser_said
        assert "(they say) Hello, thanks for calling back." in adviser_said
        assert "(ringing: a call for +441134960123; answering)" in callee_said
        page.wait_for_selector("text=The call has ended", timeout=TIMEOUT)
        # 6. Reached, what it achieved, Record the outcome, See its whole story.
        page.check("input[value=reached]")
        page.select_option("#outcome-code", label="Advice given on the call")
        page.click("text=Record the outcome")
        page.click("text=See its whole story")
        story = page.inner_text(".story")
        for kind in ("customer said: I need careers advice", "callback created",
                     "ended outcome callback", "callback claimed", "callback dialled",
                     "stage answered", "callback attempted number 1; outcome reached",
                     "callback completed"):
            assert kind in story, (kind, story)
        assert page.inner_text("#claim") == "This callback is completed."
        assert base in page.url
