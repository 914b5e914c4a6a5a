"""Rejections counted per rule and reason, exported to Prometheus, and logged without flooding."""

from __future__ import annotations

import logging

import pytest
from prometheus_client import CollectorRegistry, generate_latest

from wsgi_cors import CORSMiddleware
from wsgi_cors._reporting import Reporter
from wsgi_cors.prometheus import CORSCollector, register

from ..security.wsgi_call import call, hello_app

APP = "https://app.example.com"
RESOURCES = {"/api/*": {"origins": [APP]}, "/admin/*": {"origins": [APP], "methods": ["GET"]}}


def counting_door(**extra: object) -> CORSMiddleware:
    return CORSMiddleware(hello_app, resources=RESOURCES, counters=True, **extra)  # type: ignore[arg-type]


def test_refusals_are_counted_by_rule_reason_and_kind() -> None:
    middleware = counting_door()
    call(middleware, "GET", "/api/x", {"Origin": "https://evil.example"})
    call(middleware, "GET", "/api/y", {"Origin": "https://evil.example"})
    call(middleware, "GET", "/api/x", {"Origin": "https://evil.example/\r\n"})
    call(middleware, "OPTIONS", "/admin/x", {"Origin": APP, "Access-Control-Request-Method": "DELETE"})
    call(middleware, "GET", "/api/x", {"Origin": APP})  # allowed: not counted
    call(middleware, "GET", "/elsewhere", {"Origin": "https://evil.example"})  # no rule: not ours, not counted
    assert middleware.rejections() == {
        ("/api/*", "origin-not-allowed", "actual"): 2,
        ("/api/*", "origin-malformed", "actual"): 1,
        ("/admin/*", "method-not-allowed", "preflight"): 1,
    }


def test_counters_are_off_unless_asked_for() -> None:
    middleware = CORSMiddleware(hello_app, origins=[APP])
    call(middleware, "GET", "/", {"Origin": "https://evil.example"})
    assert (middleware.counters, middleware.rejections()) == (False, {})


def test_prometheus_scrapes_the_counters_through_the_real_client() -> None:
    middleware = counting_door()
    for _ in range(2):
        call(middleware, "GET", "/api/x", {"Origin": "https://evil.example"})
    registry = CollectorRegistry()
    register(middleware, registry=registry)
    text = generate_latest(registry).decode()
    assert 'wsgi_cors_rejections_total{kind="actual",reason="origin-not-allowed",rule="/api/*"} 2.0' in text
    assert "wsgi_cors_dropped_log_lines_total 0.0" in text
    assert (
        registry.get_sample_value(
            "wsgi_cors_rejections_total", {"rule": "/api/*", "reason": "origin-not-allowed", "kind": "actual"}
        )
        == 2.0
    )


def test_a_door_that_does_not_count_cannot_be_exported() -> None:
    with pytest.raises(ValueError, match="build it with counters=True"):
        CORSCollector(CORSMiddleware(hello_app))


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rejection_log_lines_are_limited_per_minute_and_the_dropped_ones_are_counted(caplog: pytest.LogCaptureFixture) -> None:
    """An attacker sending a thousand bad origins gets three log lines a minute here, not a thousand."""
    caplog.set_level(logging.INFO, logger="wsgi_cors")
    clock = FakeClock()
    middleware = CORSMiddleware(hello_app, origins=[APP], log_limit=3)
    middleware._reporter = Reporter(log_limit=3, clock=clock)  # the same reporter, with a clock the test moves
    for number in range(10):
        call(middleware, "GET", "/", {"Origin": f"https://evil{number}.example"})
    assert len(caplog.records) == 3
    assert middleware.dropped_log_lines == 7
    clock.now += 60
    call(middleware, "GET", "/", {"Origin": "https://late.example"})
    assert caplog.records[-1].getMessage().endswith("[7 similar log lines dropped by the rate limit]")


def test_a_log_limit_of_zero_logs_no_rejection_but_still_counts(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="wsgi_cors")
    middleware = CORSMiddleware(hello_app, origins=[APP], log_limit=0, counters=True)
    call(middleware, "GET", "/", {"Origin": "https://evil.example"})
    assert caplog.records == []
    assert middleware.rejections() == {("/*", "origin-not-allowed", "actual"): 1}


@pytest.mark.parametrize("bad", [-1, True, "60"])
def test_a_bad_log_limit_is_refused_at_construction(bad: object) -> None:
    with pytest.raises(TypeError, match="log_limit must be a number of log lines per minute"):
        CORSMiddleware(hello_app, log_limit=bad)  # type: ignore[arg-type]
