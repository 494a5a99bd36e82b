"""`GET /metrics` in Prometheus' text format, from the figure counters every process shares.

A custom collector reads today's counters from Redis on each scrape (routing.figures_live), rather
than prometheus-client's multiprocess mode: the counters already live in Redis, shared by every
gunicorn worker *and* every app host behind the load balancer, so one scrape of any process gives
the whole centre's figures; multiprocess files would give one host's share, need a directory
cleared at each start and die with the host. Counters are today's (local day, as the dashboard)
and reset at local midnight, which their `_created` time says; Prometheus' rate() and increase()
treat that as a counter reset.
"""

from __future__ import annotations

import hmac
from datetime import datetime

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from console import safeguarding_cases
from console.floor import live_snapshot, local_midnight
from models.db import session_scope
from routing.figures_live import Snapshot

bp = Blueprint("metrics", __name__)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
QUEUE_COUNTERS = {
    "contact_centre_contacts_offered": ("offered", "Contacts that joined a queue today"),
    "contact_centre_contacts_answered": ("answered", "Queued contacts answered today"),
    "contact_centre_contacts_abandoned": ("abandoned", "Queued contacts abandoned today"),
    "contact_centre_contacts_short_abandoned": ("short_abandoned",
                                                "Abandoned under the short-abandon cut-off"),
    "contact_centre_answered_within_threshold": ("answered_within",
                                                 "Answered within the queue's threshold today"),
    "contact_centre_abandoned_after_threshold": ("abandoned_after",
                                                 "Abandoned after the queue's threshold today"),
    "contact_centre_answered_wait_seconds": ("answered_wait_seconds",
                                             "Total queue time of answered contacts today"),
    "contact_centre_contacts_left_queue": ("left", "Left a queue for a callback or redirected"),
}


class FiguresCollector:
    """Today's figures as Prometheus metric families, read once per scrape."""

    def __init__(self, snap: Snapshot, midnight: datetime,
                 safeguarding: dict[str, int] | None = None) -> None:
        self.snap, self.created = snap, midnight.timestamp()
        self.safeguarding = safeguarding or {}

    def collect(self):
        """The metric families of one snapshot."""
        snap = self.snap
        for name, (measure, words) in QUEUE_COUNTERS.items():
            family = CounterMetricFamily(name, f"{words} (local day).", labels=["channel", "queue"])
            for (m, channel, queue), value in sorted(snap.counters.items()):
                if m == measure:
                    family.add_metric([channel, queue], value, created=self.created)
            yield family
        yield from self._live()
        yield from self._others()
        alerts = GaugeMetricFamily("contact_centre_safeguarding_alerts",
                                   "Safeguarding alerts open now by state; overdue: new ones "
                                   "not acknowledged in time.", labels=["status"])
        for status, value in sorted(self.safeguarding.items()):
            alerts.add_metric([status], value)
        yield alerts

    def _live(self):
        snap = self.snap
        waiting = GaugeMetricFamily("contact_centre_waiting", "Contacts waiting now.",
                                    labels=["queue"])
        longest = GaugeMetricFamily("contact_centre_longest_wait_seconds",
                                    "How long the contact waiting longest has waited.",
                                    labels=["queue"])
        level = GaugeMetricFamily("contact_centre_service_level",
                                  "Today's service level (the queue's formula), 0-1.",
                                  labels=["queue"])
        threshold = GaugeMetricFamily("contact_centre_threshold_seconds",
                                      "The queue's service-level threshold.", labels=["queue"])
        for queue in snap.queue_ids:
            count, wait = snap.waiting.get(queue, (0, 0.0))
            waiting.add_metric([queue], count)
            longest.add_metric([queue], wait)
            figure = snap.queue_figures(queue)["service_level"]
            if figure is not None:
                level.add_metric([queue], figure)
            threshold.add_metric([queue], snap.definitions.for_queue(queue).threshold_seconds)
        callbacks = GaugeMetricFamily("contact_centre_callbacks",
                                      "Open callbacks: pending, due within the hour, overdue.",
                                      labels=["owner", "status"])
        for owner, counts in sorted(snap.callbacks.items()):
            for status, value in counts.items():
                callbacks.add_metric([owner, status], value)
        yield from (waiting, longest, level, threshold, callbacks)

    def _others(self):
        snap = self.snap
        transfers = CounterMetricFamily("contact_centre_transfers",
                                        "Transfers to prime contractors today.",
                                        labels=["contractor", "kind"])
        for kind in ("warm", "failed_warm", "cold"):
            for contractor, value in sorted(snap.values(kind, 0).items()):
                transfers.add_metric([contractor, kind], value, created=self.created)
        assistant = CounterMetricFamily("contact_centre_assistant_contacts",
                                        "Contacts by what the assistant did today.",
                                        labels=["channel", "outcome"])
        for measure in ("started", "contained", "keypad_fallback", "assistant_error",
                        "assistant_abandoned"):
            for channel, value in sorted(snap.values(measure, 0).items()):
                assistant.add_metric([channel, measure], value, created=self.created)
        lines = CounterMetricFamily("contact_centre_contacts_by_line",
                                    "Contacts started today by line (the configured name of the "
                                    "number dialled, or the channel's entry point).",
                                    labels=["line", "channel"])
        routes = CounterMetricFamily("contact_centre_routes_by_line",
                                     "Contacts triaged today by line and route.",
                                     labels=["line", "route"])
        satisfaction = CounterMetricFamily(
            "contact_centre_satisfaction_responses",
            "Satisfaction surveys after a contact today, by channel and result (satisfied, "
            "not_satisfied, skipped).", labels=["channel", "result"])
        for (measure, line, second), value in sorted(snap.counters.items()):
            family = {"line_started": lines, "line_route": routes,
                      "satisfaction": satisfaction}.get(measure)
            if family is not None:
                family.add_metric([line, second], value, created=self.created)
        yield from (transfers, assistant, lines, routes, satisfaction)


def exposition(snap: Snapshot, midnight: datetime,
               safeguarding: dict[str, int] | None = None) -> bytes:
    """The Prometheus text of one snapshot (and the safeguarding alerts' counts)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(FiguresCollector(snap, midnight, safeguarding))
    return generate_latest(registry)


@bp.get("/metrics")
def metrics():
    """Today's figures for Prometheus; a bearer token in production (METRICS_TOKEN)."""
    _check_token()
    snap = live_snapshot()
    with session_scope(current_app.extensions["engine"]) as db:
        alerts = safeguarding_cases.figures(db)
    return Response(exposition(snap, local_midnight(snap), alerts), content_type=CONTENT_TYPE)


def _check_token() -> None:
    settings = current_app.config["SETTINGS"]
    token = settings.metrics_token
    if not token:
        if settings.app_env == "production":
            abort(403, "set METRICS_TOKEN to expose /metrics in production")
        return
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        abort(401, "send Authorization: Bearer METRICS_TOKEN")
