"""routing.figures_live.alerts: every target the supervisors are held to raises an alert."""

from routing.figures_live import alerts

DEFINITION = {"threshold_seconds": 15, "service_level_target": 0.9,
              "abandonment_rate_target": 0.05}


def _body(*, waiting=1, longest=5.0, safeguarding_staff=None):
    queue = {"waiting": waiting, "longest_wait_seconds": longest, "service_level": None,
             "abandonment_rate": None}
    body = {"queues": {"safeguarding": queue}, "definitions": {"safeguarding": DEFINITION},
            "callbacks": {}}
    if safeguarding_staff is not None:
        body["advisers"] = {"queues": {"safeguarding": safeguarding_staff}}
    return body


def test_safeguarding_waiting_with_nobody_on_the_queue_alerts():
    assert alerts(_body(safeguarding_staff={})) == [
        {"queue": "safeguarding", "figure": "safeguarding_unstaffed", "value": 1, "target": 0}]


def test_an_adviser_available_busy_or_wrapping_up_on_the_queue_is_someone_on_it():
    for state in ("Available", "Busy", "Wrap-up"):
        assert alerts(_body(safeguarding_staff={state: 1, "Away": 2})) == []
    assert alerts(_body(safeguarding_staff={"Away": 3}))[0]["figure"] == "safeguarding_unstaffed"


def test_a_wait_over_the_threshold_alerts_and_one_at_it_does_not():
    assert alerts(_body(longest=15.0, safeguarding_staff={"Available": 1})) == []
    assert alerts(_body(longest=15.5, safeguarding_staff={"Available": 1})) == [
        {"queue": "safeguarding", "figure": "longest_wait", "value": 15.5, "target": 15}]


def test_without_presence_in_the_body_staffing_is_not_judged():
    assert alerts(_body()) == []  # /metrics and the reports pass no advisers
