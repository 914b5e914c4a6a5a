"""Rejection counters for Prometheus: ``pip install 'wsgi_cors[metrics]'``, then ``register(middleware)``.

Exposes, per door built with ``counters=True``:

* ``wsgi_cors_rejections_total{rule, reason, kind}``: requests the policy in force refused;
* ``wsgi_cors_report_only_refusals_total{rule, reason, kind}``: requests the report-only policy would have
  refused that the policy in force did not;
* ``wsgi_cors_dropped_log_lines_total``: rejection log lines the rate limit dropped.

The counts live in the door (cheap, lock-protected); this collector only reads them when Prometheus
scrapes, so nothing here runs per request.
"""

from __future__ import annotations

from typing import Any, Iterator, Protocol

from prometheus_client.core import REGISTRY, CollectorRegistry, CounterMetricFamily, Metric

__all__ = ["CORSCollector", "register"]


class _CountingDoor(Protocol):
    counters: bool

    def rejections(self) -> dict[tuple[Any, str, str], int]: ...

    def report_only_refusals(self) -> dict[tuple[Any, str, str], int]: ...

    @property
    def dropped_log_lines(self) -> int: ...


class CORSCollector:
    """A Prometheus collector reading the counters of one or more doors (WSGI or ASGI ``CORSMiddleware``)."""

    def __init__(self, *doors: _CountingDoor) -> None:
        for door in doors:
            if not getattr(door, "counters", False):
                raise ValueError(f"{type(door).__name__} does not count refusals; build it with counters=True")
        self.doors = doors

    def collect(self) -> Iterator[Metric]:
        labels = ["rule", "reason", "kind"]
        rejections = CounterMetricFamily(
            "wsgi_cors_rejections", "CORS requests refused, by path rule, reason and kind", labels=labels
        )
        report_only = CounterMetricFamily(
            "wsgi_cors_report_only_refusals",
            "Requests the report-only policy would have refused, by path rule, reason and kind",
            labels=labels,
        )
        totals: dict[tuple[str, str, str], int] = {}
        shadow: dict[tuple[str, str, str], int] = {}
        dropped = 0
        for door in self.doors:
            for (rule, reason, kind), count in door.rejections().items():
                key = (rule or "", reason, kind)
                totals[key] = totals.get(key, 0) + count
            for (rule, reason, kind), count in door.report_only_refusals().items():
                key = (rule or "", reason, kind)
                shadow[key] = shadow.get(key, 0) + count
            dropped += door.dropped_log_lines
        for key, count in sorted(totals.items()):
            rejections.add_metric(list(key), count)
        for key, count in sorted(shadow.items()):
            report_only.add_metric(list(key), count)
        yield rejections
        yield report_only
        yield CounterMetricFamily("wsgi_cors_dropped_log_lines", "Rejection log lines dropped by the rate limit", value=dropped)


def register(*doors: _CountingDoor, registry: CollectorRegistry = REGISTRY) -> CORSCollector:
    """Register a :class:`CORSCollector` for ``doors`` with ``registry`` (the default one unless given)."""
    collector = CORSCollector(*doors)
    registry.register(collector)
    return collector
