"""Over-disclosure in preflight answers (anchors §3b; wsgicors sent ACAM even to denied origins): say only what was asked and allowed.

A refused preflight carries no Access-Control-Allow-* at all; an allowed one echoes the requested
headers rather than the whole allow-list, and the credentials flag only to an allowed origin.
"""

from __future__ import annotations

from typing import Any

from wsgi_cors import CORSMiddleware

from .wsgi_call import call, hello_app

TRUSTED = "https://app.example.com"
CONFIG: dict[str, Any] = {
    "origins": [TRUSTED],
    "supports_credentials": True,
    "allow_headers": ["x-api-key", "x-internal-debug"],
    "expose_headers": ["X-Total"],
    "max_age": 600,
}


def test_refused_origin_learns_nothing_from_the_preflight() -> None:
    """Over-disclosure: no methods, headers, max-age or credentials for an origin that is not allowed."""
    response = call(
        CORSMiddleware(hello_app, **CONFIG),
        "OPTIONS",
        "/",
        {
            "Origin": "https://attacker.example",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "x-api-key",
        },
    )
    assert response.code == 403
    assert response.cors() == {}


def test_refused_header_learns_nothing_either() -> None:
    """Over-disclosure: a preflight refused for its headers does not reveal the allowed ones."""
    response = call(
        CORSMiddleware(hello_app, **CONFIG),
        "OPTIONS",
        "/",
        {"Origin": TRUSTED, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "x-guess"},
    )
    assert response.code == 403
    assert response.cors() == {}


def test_allowed_preflight_echoes_only_the_requested_headers() -> None:
    """Over-disclosure: the allow-list's other names ('x-internal-debug') are not listed to the page."""
    response = call(
        CORSMiddleware(hello_app, **CONFIG),
        "OPTIONS",
        "/",
        {"Origin": TRUSTED, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "x-api-key"},
    )
    assert response.get("Access-Control-Allow-Headers") == "x-api-key"


def test_refused_actual_request_gets_no_credentials_flag() -> None:
    """Over-disclosure (Starlette #2560): Access-Control-Allow-Credentials is never sent without a matching ACAO."""
    response = call(CORSMiddleware(hello_app, **CONFIG), "GET", "/", {"Origin": "https://attacker.example"})
    assert response.cors() == {}
