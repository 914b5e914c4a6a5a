"""Flask integration through app.wsgi_app, and header parity with Flask-CORS 6 on the same app."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from flask import Flask, abort, request
from flask_cors import CORS
from webtest import TestApp

from wsgi_cors import CORSMiddleware

ORIGIN = "https://app.example.com"


def flask_app() -> Flask:
    app = Flask("parity")

    @app.route("/api/data", methods=["GET", "POST", "PUT", "DELETE"])
    def data() -> str:
        return "data"

    @app.route("/api/missing")
    def missing() -> str:
        abort(404)

    @app.route("/api/fails")
    def fails() -> str:
        raise RuntimeError("view crashed")

    @app.route("/api/folder/")
    def folder() -> str:
        return "folder"

    return app


def ours(**options: Any) -> TestApp:
    app = flask_app()
    app.wsgi_app = CORSMiddleware(app.wsgi_app, **options)  # type: ignore[method-assign]
    return TestApp(app)


def flask_cors(**options: Any) -> TestApp:
    app = flask_app()
    CORS(app, **options)
    return TestApp(app)


def access_control(response: Any) -> list[tuple[str, str]]:
    return [(name, value) for name, value in response.headerlist if name.lower().startswith("access-control-")]


CONFIGURATIONS = [
    {},
    {"origins": [ORIGIN]},
    {"origins": ORIGIN, "always_send": False},
    {"origins": [ORIGIN, "https://b.example"], "supports_credentials": True, "expose_headers": ["X-B", "X-A"], "max_age": 600},
    {"send_wildcard": True},
    {"methods": ["GET", "PUT"], "allow_headers": ["Content-Type", "X-Api"]},
    {"resources": {r"/api/*": {"origins": ORIGIN}}},
    {"origins": [r"https://.*\.example\.com"], "expose_headers": "X-Total"},
]
REQUESTS = [
    ("GET", {"Origin": ORIGIN}),
    ("GET", {}),
    ("GET", {"Origin": "https://evil.example"}),
    ("POST", {"Origin": ORIGIN}),
    (
        "OPTIONS",
        {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type,x-api"},
    ),
    ("OPTIONS", {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"}),
    ("OPTIONS", {"Origin": ORIGIN}),
]


@pytest.mark.parametrize(
    ("options", "request_"),
    list(itertools.product(CONFIGURATIONS, REQUESTS)),
    ids=[f"cfg{c}-req{r}" for c, r in itertools.product(range(len(CONFIGURATIONS)), range(len(REQUESTS)))],
)
def test_access_control_headers_match_flask_cors_except_the_documented_difference(
    options: dict[str, Any], request_: tuple[str, dict[str, str]]
) -> None:
    """Moving from CORS(app, **opts) to CORSMiddleware(app.wsgi_app, **opts) gives the same Access-Control-* headers.

    The one exception in this matrix (docs, Decisions: "No-Origin requests with always_send"): for a request
    without Origin, Flask-CORS with always_send sends the first configured origin in sorted order; we send none
    when there are several.
    """
    method, headers = request_
    theirs = flask_cors(**options).request("/api/data", method=method, headers=headers, expect_errors=True)
    mine = ours(**options).request("/api/data", method=method, headers=headers, expect_errors=True)
    assert mine.status == theirs.status
    several_origins_without_origin = not headers and isinstance(options.get("origins"), list) and len(options["origins"]) > 1
    if several_origins_without_origin:
        assert access_control(mine) == []
    else:
        assert access_control(mine) == access_control(theirs)


def test_flask_cors_sends_a_no_origin_request_the_first_listed_origin_in_sorted_order() -> None:
    """Pins the claim of docs/security.md (Decisions, "No-Origin requests with always_send") on the real Flask-CORS.

    Flask-CORS 6 computes every literal origin, sorted, but copies only the first value of its header MultiDict
    into the response: exactly one ACAO, right for one listed origin and arbitrary for the others. We send none.
    """
    origins = ["https://b.example", "https://c.example", "https://a.example", r"https://.*\.d\.example"]
    theirs = flask_cors(origins=origins).get("/api/data")
    assert theirs.headers.getall("Access-Control-Allow-Origin") == ["https://a.example"]
    assert access_control(theirs) == [("Access-Control-Allow-Origin", "https://a.example")]
    mine = ours(origins=origins).get("/api/data")
    assert access_control(mine) == [] and mine.headers["Vary"] == "Origin"


def test_preflights_are_answered_before_flask_auth_hooks_run() -> None:
    """Flask-CORS adds headers after routing, so a before_request auth check answers preflights with 401."""
    app = flask_app()
    seen: list[str] = []

    @app.before_request
    def require_token() -> Any:
        seen.append(request.method)
        if "Authorization" not in request.headers:
            return "unauthorized", 401
        return None

    app.wsgi_app = CORSMiddleware(app.wsgi_app, origins=[ORIGIN])  # type: ignore[method-assign]
    response = TestApp(app).options(
        "/api/data",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "authorization"},
    )
    assert response.status_int == 200 and seen == []
    assert response.headers["Access-Control-Allow-Headers"] == "authorization"


def test_flask_error_pages_get_cors_headers_so_the_browser_shows_the_status() -> None:
    client = ours(origins=[ORIGIN])
    for path, status in (("/api/missing", 404), ("/api/fails", 500), ("/nowhere", 404)):
        response = client.get(path, headers={"Origin": ORIGIN}, status=status)
        assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_flask_redirects_get_cors_headers() -> None:
    response = ours(origins=[ORIGIN]).get("/api/folder", headers={"Origin": ORIGIN}, status=308)
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert response.headers["Location"].endswith("/api/folder/")


def test_flask_head_requests_get_cors_headers() -> None:
    response = ours(origins=[ORIGIN]).head("/api/data", headers={"Origin": ORIGIN})
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_flask_cors_settings_still_mean_the_same_with_automatic_options_false() -> None:
    """With automatic_options=False the preflight reaches Flask, whose automatic OPTIONS answer gets the CORS headers."""
    response = ours(origins=[ORIGIN], automatic_options=False).options(
        "/api/data", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"}
    )
    assert response.status_int == 200
    assert "PUT" in response.headers["Allow"]
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
