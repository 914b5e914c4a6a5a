"""Duplicate Access-Control-Allow-Origin / -Credentials (anchors §3b; Starlette #1309, wsgicors): exactly one of each.

When the app (or a second CORS layer) also sets CORS headers, a browser sees ``a, a`` or two
headers and refuses the response. On the paths it covers the middleware owns Access-Control-*:
the app's are dropped and its own are sent once.
"""

from __future__ import annotations

from wsgi_cors import CORSMiddleware

from .wsgi_call import app_with_headers, call, hello_app

TRUSTED = "https://app.example.com"
APP_CORS = (
    ("Access-Control-Allow-Origin", "*"),
    ("access-control-allow-credentials", "true"),
    ("Access-Control-Expose-Headers", "X-Secret"),
)


def test_app_cors_headers_are_replaced_on_an_allowed_request() -> None:
    """Duplicate ACAO: the app's '*' and credentials give way to the policy's single answer."""
    middleware = CORSMiddleware(app_with_headers(*APP_CORS), origins=[TRUSTED], supports_credentials=True)
    response = call(middleware, "GET", "/", {"Origin": TRUSTED})
    assert response.values("Access-Control-Allow-Origin") == [TRUSTED]
    assert response.values("Access-Control-Allow-Credentials") == ["true"]
    assert response.values("Access-Control-Expose-Headers") == []


def test_app_cors_headers_are_removed_on_a_rejected_request() -> None:
    """Duplicate ACAO: an app's own grant cannot override the policy's refusal."""
    middleware = CORSMiddleware(app_with_headers(*APP_CORS), origins=[TRUSTED])
    response = call(middleware, "GET", "/", {"Origin": "https://attacker.example"})
    assert response.cors() == {}
    assert response.get("Vary") == "Origin"


def test_two_stacked_middlewares_send_one_allow_origin() -> None:
    """Duplicate ACAO: the outer layer replaces the inner layer's headers (stacking is still discouraged)."""
    inner = CORSMiddleware(hello_app, origins="*", send_wildcard=True)
    outer = CORSMiddleware(inner, origins=[TRUSTED], supports_credentials=True)
    response = call(outer, "GET", "/", {"Origin": TRUSTED})
    assert response.values("Access-Control-Allow-Origin") == [TRUSTED]
    assert response.values("Access-Control-Allow-Credentials") == ["true"]
    assert len(response.values("Vary")) == 1


def test_preflight_answer_has_one_of_each_header() -> None:
    """Duplicate ACAO: the middleware's own preflight answer lists every header once."""
    middleware = CORSMiddleware(hello_app, origins=[TRUSTED], supports_credentials=True, max_age=600)
    response = call(
        middleware,
        "OPTIONS",
        "/",
        {"Origin": TRUSTED, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "x-a"},
    )
    assert response.cors() == {
        "access-control-allow-origin": TRUSTED,
        "access-control-allow-credentials": "true",
        "access-control-allow-headers": "x-a",
        "access-control-max-age": "600",
        "access-control-allow-methods": "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
    }


def test_paths_outside_every_rule_keep_the_apps_headers() -> None:
    """Duplicate ACAO: on a path no rule covers, the middleware does not touch the app's response."""
    middleware = CORSMiddleware(app_with_headers(*APP_CORS), resources={r"/api/.*": {"origins": [TRUSTED]}})
    response = call(middleware, "GET", "/static/x", {"Origin": "https://attacker.example"})
    assert response.values("Access-Control-Allow-Origin") == ["*"]
