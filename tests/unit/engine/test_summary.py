"""The stored triage summary: one shape for every channel, never a fact that says offending."""

from engine.summary import stored_summary
from routing.worklist import summary_view
from triage import decide
from triage.offending import without_offender_facts


def test_offender_facts_and_group_never_reach_the_summary():
    facts = {"age": 30, "need": "advice", "postcode": "SW1A 1AA", "ex_offender": True,
             "in_custody": False}
    decision = decide({**facts, "channel": "phone"}).to_dict()
    assert "non_community" in decision["priority_groups"]  # the rule still sees it
    summary = stored_summary(channel="phone", facts=facts, decision=decision)
    text = repr(summary)
    assert "ex_offender" not in text and "in_custody" not in text and "non_community" not in text
    assert summary["facts"]["postcode"] == "SW1A 1AA"
    assert summary["decision"]["destination"] == decision["destination"]


def test_every_channel_reads_back_the_same_way():
    facts = {"age": 17, "need": "advice"}
    decision = decide({**facts, "channel": "webchat"}).to_dict()
    views = [summary_view(stored_summary(channel=c, facts=facts, decision=decision))
             for c in ("phone", "webchat", "email")]
    assert {v["destination"] for v in views} == {decision["destination"]}
    assert [v["channel"] for v in views] == ["phone", "webchat", "email"]
    assert all(v["facts"] == facts for v in views)


def test_extra_context_is_kept_and_cleaned_too():
    summary = stored_summary(channel="webform", facts=None, decision=None, form="call_me",
                             window={"start": "a", "end": "b"}, note=["non_community", "x"])
    assert summary == {"channel": "webform", "facts": {}, "form": "call_me",
                       "window": {"start": "a", "end": "b"}, "note": ["x"]}


def test_nested_records_lose_offending_at_any_depth():
    assert without_offender_facts({"a": [{"in_custody": True, "b": 1}], "g": ("non_community",)}) \
        == {"a": [{"b": 1}], "g": []}
