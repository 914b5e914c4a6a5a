"""The WSGI shell only translates: it sends exactly what the engine's evaluate() decides, for every kind of request."""

from __future__ import annotations

import logging
import warnings
from typing import Any, Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wsgi_cors import CORSMiddleware, CORSPolicy, InsecureConfigWarning
from wsgi_cors._headers import merge_headers

from .fuzz.strategies import fuzz_settings

APP_HEADERS = [("Content-Type", "text/plain"), ("Vary", "Accept-Encoding"), ("Access-Control-Allow-Origin", "*")]
POLICY_OPTIONS: list[dict[str, Any]] = [
    {},
    {
        "origins": ["https://app.example.com", "https://b.example.com", "null"],
        "supports_credentials": True,
        "expose_headers": ["X-T"],
    },
    {"origins": "https://app.example.com", "always_send": False},
    {"origins": ["https://app.example.com", "https://*.example.org"]},
    {"origins": [r"https://[a-z]+\.example\.net", r"https://(a|b)\.example\.com"], "expose_headers": ["X-A"]},
    {"send_wildcard": True},
    {"origins": ["https://app.example.com"], "vary_header": False},
    {"resources": {r"/api/.*": {"origins": ["https://app.example.com"]}}},
]


with warnings.catch_warnings():  # POLICY_OPTIONS[1] lists 'null' with credentials, [6] turns Vary off, both on purpose
    warnings.simplefilter("ignore", InsecureConfigWarning)
    POLICIES = [CORSPolicy(**options) for options in POLICY_OPTIONS]


def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", list(APP_HEADERS))
    return [b"ok"]


def sent_headers(middleware: CORSMiddleware, environ: dict[str, Any]) -> list[tuple[str, str]]:
    captured: list[list[tuple[str, str]]] = []
    list(middleware(environ, lambda status, headers, exc_info=None: captured.append(headers)))
    return captured[0]


origins = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "",
            "null",
            "https://app.example.com",
            "https://b.example.com",
            "https://evil.example",
            "https://x.example.org",
            "https://app.example.com\r\n",
            "HTTPS://APP.EXAMPLE.COM",
            "https://abc.example.net",
            "https://a.example.com",
            "https://ab.example.net.evil",
        ]
    ),
    st.text(max_size=30),
)
methods = st.sampled_from(["GET", "POST", "PUT", "HEAD", "DELETE"])
paths = st.sampled_from(
    [
        "/",
        "/api/x",
        "//api/x",
        "/other",
        "/api//x",
        "/api/../x",
        "/api/./x",
        "",
        "/api/café".encode().decode("latin-1"),
        "/api/\xff",
        "/ap\xffi/x",
        "/api/x\n",
        "api/x",
        "/.well-known/x",
        "/api/x\t",
    ]
)


@pytest.mark.parametrize("listening", ["nobody", "logging", "hook"])
@fuzz_settings(150, with_fixtures=True)
@given(index=st.integers(0, len(POLICY_OPTIONS) - 1), origin=origins, method=methods, path=paths)
def test_the_headers_sent_are_the_engines_decision(
    listening: str, index: int, origin: Optional[str], method: str, path: str
) -> None:
    policy = POLICIES[index]
    hook = (lambda decision, environ: None) if listening == "hook" else None
    middleware = CORSMiddleware(app, policy=policy, on_reject=hook)
    logger = logging.getLogger("wsgi_cors")
    previous = logger.level
    logger.setLevel(logging.INFO if listening == "logging" else logging.WARNING)
    try:
        environ = {"REQUEST_METHOD": method, "PATH_INFO": path}
        if origin is not None:
            environ["HTTP_ORIGIN"] = origin
        decision = policy.evaluate(method, path, origin=origin, raw_path=True)  # PATH_INFO as the server hands it over
        expected = list(APP_HEADERS) if decision.rule is None else merge_headers(list(APP_HEADERS), decision.headers)
        assert sent_headers(middleware, environ) == expected
    finally:
        logger.setLevel(previous)


def test_a_rejection_is_still_reported_when_someone_listens() -> None:
    seen: list[str] = []
    middleware = CORSMiddleware(
        app, origins=["https://app.example.com"], on_reject=lambda decision, environ: seen.append(decision.reason or "")
    )
    sent_headers(middleware, {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_ORIGIN": "https://evil.example"})
    assert seen == ["origin-not-allowed"]


def test_an_origin_predicate_runs_once_per_request_even_when_a_hook_listens() -> None:
    calls: list[str] = []

    def predicate(origin: str) -> bool:
        calls.append(origin)
        return False

    seen: list[str] = []
    middleware = CORSMiddleware(app, origins=[predicate], on_reject=lambda decision, environ: seen.append(decision.reason or ""))
    sent_headers(middleware, {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_ORIGIN": "https://tenant.example"})
    assert (calls, seen) == (["https://tenant.example"], ["origin-not-allowed"])


@pytest.mark.parametrize(
    ("origin", "reason"), [("https://evil.example", "origin-not-allowed"), ("https://evil.example/x", "origin-malformed")]
)
def test_listeners_get_the_precise_reason_on_an_exact_only_policy(origin: str, reason: str) -> None:
    seen: list[str] = []
    middleware = CORSMiddleware(
        app, origins=["https://app.example.com"], on_reject=lambda decision, environ: seen.append(decision.reason or "")
    )
    sent_headers(middleware, {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_ORIGIN": origin})
    assert seen == [reason]


def test_an_origin_predicate_is_asked_again_for_every_request() -> None:
    """Decisions are remembered, except where user code decides: a predicate may answer differently tomorrow."""
    answers = iter([False, True])
    middleware = CORSMiddleware(app, origins=[lambda origin: next(answers)])
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_ORIGIN": "https://tenant.example"}
    first, second = sent_headers(middleware, dict(environ)), sent_headers(middleware, dict(environ))
    assert ("Access-Control-Allow-Origin", "https://tenant.example") not in first
    assert ("Access-Control-Allow-Origin", "https://tenant.example") in second


def test_a_repeated_request_gets_the_same_decision_as_the_first() -> None:
    policy = CORSPolicy(origins=["https://app.example.com", "https://*.example.org"], allow_headers=["X-A"])
    for request in (
        {"origin": "https://a.example.org"},
        {"origin": "https://evil.example"},
        {"origin": "https://app.example.com", "request_method": "PUT", "request_headers": "x-a"},
    ):
        method = "OPTIONS" if "request_method" in request else "GET"
        assert policy.evaluate(method, "/", **request) == policy.evaluate(method, "/", **request)


def failing_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    raise RuntimeError("boom")


@pytest.mark.parametrize("where", ["door", "policy"])
def test_intercept_exceptions_is_a_door_setting_that_policies_still_carry(where: str) -> None:
    """intercept_exceptions belongs to the door; a policy built with it (files, old code) still turns it on."""
    middleware = (
        CORSMiddleware(failing_app, intercept_exceptions=True, origins=["https://app.example.com"])
        if where == "door"
        else CORSMiddleware(failing_app, policy=CORSPolicy(origins=["https://app.example.com"], intercept_exceptions=True))
    )
    captured: list[tuple[str, list[tuple[str, str]]]] = []
    body = middleware(
        {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_ORIGIN": "https://app.example.com"},
        lambda status, headers, exc_info=None: captured.append((status, headers)),
    )
    assert list(body) == [b"Internal Server Error"]
    assert captured[0][0] == "500 Internal Server Error"
    assert ("Access-Control-Allow-Origin", "https://app.example.com") in captured[0][1]


def test_an_explicit_door_setting_wins_over_the_policys() -> None:
    middleware = CORSMiddleware(failing_app, policy=CORSPolicy(intercept_exceptions=True), intercept_exceptions=False)
    with pytest.raises(RuntimeError):
        middleware({"REQUEST_METHOD": "GET", "PATH_INFO": "/"}, lambda status, headers, exc_info=None: None)
