"""The ASGI door reports like the WSGI door: report-only policy, counters, rate-limited logs, coroutine hooks."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from wsgi_cors import Decision
from wsgi_cors.asgi import CORSMiddleware

from ..conftest import RecordingApp
from .harness import ASGITestApp, wsgi_as_asgi

APP = "https://app.example.com"
PARTNER = "https://partner.example.com"


def client(**options: Any) -> ASGITestApp:
    return ASGITestApp(CORSMiddleware(wsgi_as_asgi(RecordingApp()), **options))


def test_the_report_only_policy_is_reported_and_never_enforced(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="wsgi_cors")
    door = client(origins=[APP, PARTNER], report_only={"origins": [APP]}, counters=True)
    response = door.get("/orders", headers={"Origin": PARTNER})
    assert response.headers["Access-Control-Allow-Origin"] == PARTNER
    assert door.app.report_only_refusals() == {("/*", "origin-not-allowed", "actual"): 1}
    assert "report-only would be refused [origin-not-allowed]" in caplog.records[0].getMessage()


def test_a_coroutine_report_hook_is_awaited() -> None:
    seen: list[str] = []

    async def on_report(enforced: Decision, would_be: Decision, scope: dict[str, Any]) -> None:
        seen.append(f"{enforced.verdict.value}->{would_be.verdict.value} {scope['path']}")

    client(origins=[APP, PARTNER], report_only={"origins": [APP]}, on_report=on_report).get("/x", headers={"Origin": PARTNER})
    assert seen == ["allowed->refused /x"]


def test_a_coroutine_reject_hook_is_awaited_and_refusals_are_counted() -> None:
    seen: list[str] = []

    async def on_reject(decision: Decision, scope: dict[str, Any]) -> None:
        seen.append(str(decision.reason))

    door = client(origins=[APP], on_reject=on_reject, counters=True)
    door.options("/", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "PUT"}, status=403)
    assert seen == ["origin-not-allowed"]
    assert door.app.rejections() == {("/*", "origin-not-allowed", "preflight"): 1}


def test_a_raising_coroutine_hook_is_logged_and_the_request_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    async def on_reject(decision: Decision, scope: dict[str, Any]) -> None:
        raise RuntimeError("metrics backend down")

    response = client(origins=[APP], on_reject=on_reject).get("/", headers={"Origin": "https://evil.example"})
    assert response.status_int == 200
    assert any("the on_reject hook raised" in record.getMessage() for record in caplog.records)


def test_from_config_reads_the_report_only_table_for_the_asgi_door_too(tmp_path: Path) -> None:
    config = tmp_path / "cors.toml"
    config.write_text(f'origins = ["{APP}", "{PARTNER}"]\n\n[report_only]\norigins = ["{APP}"]\n')
    door = CORSMiddleware.from_config(wsgi_as_asgi(RecordingApp()), str(config), counters=True)
    ASGITestApp(door).get("/", headers={"Origin": PARTNER})
    assert door.report_only_refusals() == {("/*", "origin-not-allowed", "actual"): 1}


def test_rejection_logs_are_rate_limited(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="wsgi_cors")
    door = client(origins=[APP], log_limit=2)
    for number in range(5):
        door.get("/", headers={"Origin": f"https://evil{number}.example"})
    assert len([r for r in caplog.records if "rejected" in r.getMessage()]) == 2
    assert door.app.dropped_log_lines == 3
