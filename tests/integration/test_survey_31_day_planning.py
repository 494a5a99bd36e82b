"""Who the 31-day survey invites, on SQLite and PostgreSQL: a sampled customer with a mobile or
e-mail held for a callback or confirmation on their last contact, 31 days on; never one who
declined follow-up, is under an open safeguarding case, said STOP, has no address, or was erased.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from engine.satisfaction import load_satisfaction_config
from engine.survey_31_day import plan_due
from models.confirmations import arrange
from models.erasure import erase_customer
from models.opt_outs import opt_out
from models.safeguarding_cases import SafeguardingCase
from models.survey_invitations import SurveyInvitation
from routing import follow_up
from routing.callbacks import create_callback
from routing.follow_up_rules import load_rules
from tests.support.follow_ups import customer_with_contact

LAST = datetime(2026, 1, 10, 15, 0, tzinfo=UTC)
DUE = LAST + timedelta(days=31)
KEY = "test-secret"
CONFIG = load_satisfaction_config().survey_31_day.model_copy(update={"share": 1.0})


def _callback(session, key, phone=None, email=None):
    create_callback(session=session, contact_key=key, due=LAST + timedelta(hours=2),
                    reason="phone: callback", source="customer_request",
                    queue_id="adult_information", phone=phone, email=email, now=LAST)


def test_only_the_eligible_are_invited_once(engine, redis_client):
    people = {name: customer_with_contact(engine, name.title(), f"CA-{name}", at=LAST)
              for name in ("texted", "mailed", "held", "declined", "stopped", "nothing",
                           "erased")}
    with Session(engine) as session:
        for name, number in (("texted", "+447400100001"), ("held", "+447400100002"),
                             ("declined", "+447400100003"), ("stopped", "+447400100004"),
                             ("erased", "+447400100005")):
            _callback(session, f"CA-{name}", phone=number)
        arrange(session=session, contact_key="CA-mailed", articles=["courses"], notify="email",
                to="someone@example.org", at=LAST, due_at=LAST + timedelta(days=5))
        session.add(SafeguardingCase(alert_id="1-0", contact_key="CA-held", channel="phone",
                                     kind="self_harm", explicit=True, about="self",
                                     rule="model", step="assistant", raised_at=LAST))
        opt_out(session=session, number="+447400100004", key=KEY, at=LAST)
        session.commit()
        assert follow_up.decline(session=session, contact_key="CA-declined", channel="phone",
                                 rules=load_rules(), now=LAST + timedelta(days=1))
    with Session(engine) as session:
        assert plan_due(session=session, now=DUE - timedelta(minutes=1), config=CONFIG,
                        secret_key=KEY) == {}
        counts = plan_due(session=session, now=DUE, config=CONFIG, secret_key=KEY)
        assert counts == {"invited": 3, "declined": 1, "no_address": 1, "opted_out": 1,
                          "safeguarding": 1}
        # The excluded are looked at again next round (a case may close), never invited twice.
        assert plan_due(session=session, now=DUE + timedelta(hours=1), config=CONFIG,
                        secret_key=KEY) == {"declined": 1, "no_address": 1, "opted_out": 1,
                                            "safeguarding": 1}
        receipt = erase_customer(session=session, customer_id=people["erased"],
                                 redis=redis_client, tracker_redis=redis_client, at=DUE)
        session.commit()
        assert receipt.counts["survey_invitations"] == 1
        found = {r.contact_key: (r.notify, r.phone, r.email)
                 for r in session.exec(select(SurveyInvitation)).all()}
    assert found["CA-texted"] == ("sms", "+447400100001", None)
    assert found["CA-mailed"] == ("email", None, "someone@example.org")
    assert set(found) == {"CA-texted", "CA-mailed"}
