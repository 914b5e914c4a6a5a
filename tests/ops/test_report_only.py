"""Report-only mode: a second policy judged beside the one in force, reported where it differs, never enforced."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from wsgi_cors import CORSMiddleware, CORSPolicy, Decision

from ..security.wsgi_call import call, hello_app

PARTNER = "https://partner.example.com"
APP = "https://app.example.com"


def door(**extra: Any) -> CORSMiddleware:
    """Today's permissive policy in force, a stricter candidate in report-only mode."""
    return CORSMiddleware(hello_app, policy=CORSPolicy(origins=[APP, PARTNER]), report_only={"origins": [APP]}, **extra)


def test_the_response_is_the_enforced_policys_whatever_the_report_only_policy_says() -> None:
    response = call(door(), "GET", "/", {"Origin": PARTNER})
    assert response.code == 200
    assert response.get("Access-Control-Allow-Origin") == PARTNER


def test_a_request_the_stricter_policy_would_refuse_is_logged_with_its_reason(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="wsgi_cors")
    call(door(), "GET", "/orders", {"Origin": PARTNER})
    assert [record.getMessage() for record in caplog.records] == [
        "CORS report-only policy differs (actual request): enforced allowed, report-only would be refused "
        f"[origin-not-allowed]: origin '{PARTNER}' is not allowed by rule '/*' (origin='{PARTNER}' method='GET' path='/orders')"
    ]
    assert caplog.records[0].levelno == logging.WARNING


def test_requests_both_policies_answer_alike_are_not_reported(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="wsgi_cors")
    middleware = door()
    call(middleware, "GET", "/", {"Origin": APP})
    call(middleware, "OPTIONS", "/", {"Origin": APP, "Access-Control-Request-Method": "PUT"})
    assert caplog.records == []


def test_a_request_without_origin_is_reported_when_the_candidate_would_add_headers(caplog: pytest.LogCaptureFixture) -> None:
    """With one origin left, always_send would give requests without Origin a static ACAO: a difference caches see."""
    caplog.set_level(logging.WARNING, logger="wsgi_cors")
    call(door(), "GET", "/")
    assert "enforced allowed, report-only would send other CORS headers" in caplog.records[0].getMessage()
    assert APP in caplog.records[0].getMessage()


def test_the_report_hook_gets_both_decisions_and_the_environ() -> None:
    seen: list[tuple[Decision, Decision, str]] = []
    middleware = door(on_report=lambda enforced, would_be, environ: seen.append((enforced, would_be, environ["PATH_INFO"])))
    call(middleware, "OPTIONS", "/x", {"Origin": PARTNER, "Access-Control-Request-Method": "PUT"})
    ((enforced, would_be, path),) = seen
    assert (enforced.allowed, would_be.reason, path) == (True, "origin-not-allowed", "/x")


def test_report_only_refusals_are_counted_per_rule_and_reason() -> None:
    middleware = door(counters=True)
    for _ in range(3):
        call(middleware, "GET", "/", {"Origin": PARTNER})
    assert middleware.report_only_refusals() == {("/*", "origin-not-allowed", "actual"): 3}
    assert middleware.rejections() == {}


def test_the_report_level_is_configurable(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="wsgi_cors")
    call(door(report_log_level=logging.INFO), "GET", "/", {"Origin": PARTNER})
    assert [record.levelno for record in caplog.records] == [logging.INFO]


def test_a_report_only_policy_that_is_not_a_policy_is_refused_at_construction() -> None:
    with pytest.raises(TypeError, match="report_only must be a CORSPolicy or a dict of options, not str"):
        CORSMiddleware(hello_app, report_only="https://app.example.com")  # type: ignore[arg-type]


def test_a_bad_report_only_configuration_fails_at_construction() -> None:
    from wsgi_cors import ConfigError

    with pytest.raises(ConfigError):
        CORSMiddleware(hello_app, report_only={"origins": "*", "supports_credentials": True})


def test_preflight_headers_the_two_policies_would_send_differently_are_reported(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="wsgi_cors")
    middleware = CORSMiddleware(hello_app, origins=[APP], max_age=600, report_only={"origins": [APP], "max_age": 60})
    response = call(middleware, "OPTIONS", "/", {"Origin": APP, "Access-Control-Request-Method": "PUT"})
    assert response.get("Access-Control-Max-Age") == "600"
    assert "report-only would send other CORS headers" in caplog.records[0].getMessage()
    assert "'60'" in caplog.records[0].getMessage()


def test_a_report_only_table_in_the_configuration_file_gives_the_report_only_policy(tmp_path: Any) -> None:
    config = tmp_path / "cors.toml"
    config.write_text(f'origins = ["{APP}", "{PARTNER}"]\n\n[report_only]\norigins = ["{APP}"]\n')
    middleware = CORSMiddleware.from_config(hello_app, str(config), counters=True)
    response = call(middleware, "GET", "/", {"Origin": PARTNER})
    assert response.get("Access-Control-Allow-Origin") == PARTNER
    assert middleware.report_only_refusals() == {("/*", "origin-not-allowed", "actual"): 1}


def test_a_bad_report_only_table_is_an_error_located_in_it(tmp_path: Any) -> None:
    from wsgi_cors import ConfigError

    config = tmp_path / "cors.toml"
    config.write_text('[report_only]\norigins = "*"\nsupports_credentials = true\n')
    with pytest.raises(ConfigError) as raised:
        CORSMiddleware.from_config(hello_app, str(config))
    assert [problem.code for problem in raised.value.problems] == ["wsgi_cors.E026"]
    assert str(raised.value.problems[0].location).startswith(f"{config} [report_only]")
