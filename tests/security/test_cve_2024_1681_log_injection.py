"""CVE-2024-1681 (Flask-CORS < 4.0.1), log injection: request data is escaped and bounded in every log line.

Flask-CORS logged ``request.path`` with ``%s``, so ``%0d%0a`` in a URL forged log lines. wsgi_cors
escapes every request-derived value (``wsgi_cors._escaping.display``) before it reaches a log record.
"""

from __future__ import annotations

from typing import Any, Callable

import pytest

from wsgi_cors import CORSMiddleware, CORSPolicy

from .wsgi_call import call, hello_app

TRUSTED = "https://app.example.com"
FORGED = "\r\n2024-01-01 INFO admin logged in"


def printable_ascii(text: str) -> bool:
    return all(0x20 <= ord(char) < 0x7F for char in text)


def test_rejected_origin_with_crlf_logs_one_escaped_line(cors_log: pytest.LogCaptureFixture) -> None:
    """Log injection (CVE-2024-1681): CR/LF in Origin cannot start a new log line."""
    middleware = CORSMiddleware(hello_app, origins=[TRUSTED])
    call(middleware, "GET", "/", {"Origin": "https://evil.example" + FORGED})
    [record] = cors_log.records
    assert printable_ascii(record.getMessage())
    assert "\\r\\n2024-01-01" in record.getMessage()


def test_rejected_request_path_with_crlf_logs_one_escaped_line(cors_log: pytest.LogCaptureFixture) -> None:
    """Log injection (CVE-2024-1681): CR/LF in PATH_INFO (a decoded %0d%0a) is escaped."""
    middleware = CORSMiddleware(hello_app, origins=[TRUSTED])
    call(middleware, "GET", "/items" + FORGED, {"Origin": "https://evil.example"})
    [record] = cors_log.records
    assert printable_ascii(record.getMessage())


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": TRUSTED, "Access-Control-Request-Method": "PUT" + FORGED},
        {"Origin": TRUSTED, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "x-a" + FORGED},
        {"Origin": "null" + FORGED, "Access-Control-Request-Method": "PUT"},
    ],
    ids=["request-method", "request-headers", "origin"],
)
def test_rejected_preflight_logs_escaped_values(cors_log: pytest.LogCaptureFixture, headers: dict[str, str]) -> None:
    """Log injection (CVE-2024-1681): every preflight header that can appear in a rejection is escaped."""
    middleware = CORSMiddleware(hello_app, origins=[TRUSTED], allow_headers=["x-a"])
    response = call(middleware, "OPTIONS", "/", headers)
    assert response.code == 403
    [record] = cors_log.records
    assert printable_ascii(record.getMessage())


def test_a_one_megabyte_path_logs_a_bounded_line(cors_log: pytest.LogCaptureFixture) -> None:
    """Log injection (CVE-2024-1681): a huge request value cannot make a huge log line."""
    middleware = CORSMiddleware(hello_app, origins=[TRUSTED])
    call(middleware, "GET", "/" + "a" * (1 << 20), {"Origin": "https://evil.example"})
    [record] = cors_log.records
    assert len(record.getMessage()) < 2000


def test_decision_message_and_detail_are_printable_for_every_reason() -> None:
    """Log injection (CVE-2024-1681): Decision.message/detail, which users log, are escaped too."""
    policy = CORSPolicy(origins=[TRUSTED], methods=["GET"], allow_headers=["x-a"])
    decisions = [
        policy.evaluate("GET", "/" + FORGED, origin="https://evil" + FORGED),
        policy.evaluate("OPTIONS", "/" + FORGED, origin=TRUSTED, request_method="PUT" + FORGED),
        policy.evaluate("OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers="x-b" + FORGED),
        policy.evaluate("OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers="x-b,x-c"),
        policy.evaluate(
            "OPTIONS", "/", origin=TRUSTED, request_method="GET", request_headers=None, request_private_network="true"
        ),
    ]
    assert {decision.reason for decision in decisions} == {
        "origin-malformed",
        "method-not-allowed",
        "request-headers-malformed",
        "header-not-allowed",
        "private-network-not-allowed",
    }
    for decision in decisions:
        assert printable_ascii(decision.message)
        assert decision.detail is None or printable_ascii(decision.detail)


def test_intercepted_exception_logs_the_path_escaped(cors_log: pytest.LogCaptureFixture) -> None:
    """Log injection (CVE-2024-1681): the 500 log line of intercept_exceptions escapes the path."""

    def failing_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        raise RuntimeError("boom")

    middleware = CORSMiddleware(failing_app, origins=[TRUSTED], intercept_exceptions=True)
    call(middleware, "GET", "/x" + FORGED, {"Origin": TRUSTED})
    [record] = [record for record in cors_log.records if record.exc_info]
    assert printable_ascii(record.getMessage())


def test_on_reject_hook_receives_an_escaped_detail() -> None:
    """Log injection (CVE-2024-1681): metrics/tracing hooks see the escaped value, not the raw one."""
    seen: list[str] = []
    middleware = CORSMiddleware(hello_app, origins=[TRUSTED], on_reject=lambda decision, environ: seen.append(decision.message))
    call(middleware, "GET", "/", {"Origin": "https://evil.example" + FORGED})
    assert len(seen) == 1 and printable_ascii(seen[0])
