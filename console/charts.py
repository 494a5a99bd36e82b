"""Report charts drawn on the server as SVG with pygal (no script, nothing from the network)."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import pygal
from pygal.style import Style

# Colours that keep contrast on white; the tooltip script pygal would load from a CDN is off.
_STYLE = Style(background="white", plot_background="white", foreground="#0b0c0c",
               foreground_strong="#0b0c0c", foreground_subtle="#505a5f",
               colors=("#1d70b8", "#00703c", "#d4351c", "#6f72af", "#b58840", "#505a5f"))


def _config(title: str, **extra: Any) -> dict[str, Any]:
    return {"title": title, "style": _STYLE, "js": [], "width": 800, "height": 360,
            "disable_xml_declaration": False, "print_values": False, "show_legend": True,
            "legend_at_bottom": True, "truncate_legend": -1, **extra}


def service_level_by_hour(levels: list[tuple[int, float | None]], target: float) -> bytes:
    """Service level (%) per local hour, with the target as a line."""
    chart = pygal.Bar(**_config("Service level by hour (%)", range=(0, 100),
                                x_title="Hour of the day (local time)"))
    chart.x_labels = [f"{hour:02d}" for hour, _ in levels]
    chart.add("Service level", [None if v is None else round(v * 100, 1) for _, v in levels])
    chart.add("Target", [{"value": round(target * 100)} for _ in levels], stroke=True)
    return _render(chart)


def volumes_by_day(volumes: dict[str, dict[str, float]]) -> bytes:
    """Contacts offered to a queue, per day and channel."""
    chart = pygal.StackedBar(**_config("Contacts offered by day", x_label_rotation=45))
    labels = list(volumes)
    chart.x_labels = labels
    channels = sorted({c for per in volumes.values() for c in per})
    for channel in channels:
        chart.add(channel, [volumes[label].get(channel, 0) for label in labels])
    if not channels:
        chart.add("none", [0 for _ in labels])
    return _render(chart)


def destinations(rows: list[dict[str, Any]]) -> bytes:
    """Contacts by triage destination."""
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        totals[row["destination"]] += row["contacts"]
    chart = pygal.HorizontalBar(**_config("Destinations"))
    for name, value in sorted(totals.items(), key=lambda item: -item[1]):
        chart.add(name.replace("_", " "), value)
    return _render(chart)


def callback_outcomes(rows: list[dict[str, Any]]) -> bytes:
    """Callbacks by how they finished (and how they were created)."""
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        totals[row["status"].replace("created:", "created, ").replace("_", " ")] += \
            row["callbacks"]
    chart = pygal.Bar(**_config("Callbacks"))
    for name, value in sorted(totals.items()):
        chart.add(name, value)
    return _render(chart)


_SCRIPT = re.compile(rb"<script\b.*?</script>", re.S)


def _render(chart: pygal.graph.graph.Graph) -> bytes:
    """The SVG without pygal's inline configuration script (nothing in it needs a script)."""
    return _SCRIPT.sub(b"", chart.render())
