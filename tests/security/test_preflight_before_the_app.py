"""Auth before CORS (anchors §3b; Flask-CORS #170/#201, FastAPI #2693): real preflights never reach the app.

Browsers send preflights without credentials; if the app (or its auth layer) sees them it
answers 401 or redirects and the preflight fails. Conversely, treating every OPTIONS as a
preflight turns OPTIONS into an auth bypass (flask-login #448): only OPTIONS with Origin and
Access-Control-Request-Method is answered by the middleware.
"""

from __future__ import annotations

from typing import Any, Callable

from wsgi_cors import CORSMiddleware

from .wsgi_call import call

TRUSTED = "https://app.example.com"


class AuthenticatingApp:
    """An app that answers 401 to anything without a session cookie, and counts what reached it."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        self.calls += 1
        if "session=" not in environ.get("HTTP_COOKIE", ""):
            start_response("401 Unauthorized", [("Content-Type", "text/plain"), ("WWW-Authenticate", "Cookie")])
            return [b"login required"]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"secret"]


def test_preflight_is_answered_without_calling_the_app() -> None:
    """Auth before CORS: the credential-less preflight is answered by the middleware; the app never runs."""
    app = AuthenticatingApp()
    response = call(
        CORSMiddleware(app, origins=[TRUSTED], supports_credentials=True),
        "OPTIONS",
        "/account",
        {"Origin": TRUSTED, "Access-Control-Request-Method": "DELETE"},
    )
    assert response.code == 200
    assert app.calls == 0


def test_rejected_preflight_does_not_reach_the_app_either() -> None:
    """Auth before CORS: a refused preflight is answered 403 by the middleware, with no side effect in the app."""
    app = AuthenticatingApp()
    response = call(
        CORSMiddleware(app, origins=[TRUSTED]),
        "OPTIONS",
        "/account",
        {"Origin": "https://attacker.example", "Access-Control-Request-Method": "DELETE"},
    )
    assert response.code == 403
    assert app.calls == 0


def test_options_without_request_method_goes_to_the_app_and_its_auth() -> None:
    """OPTIONS auth bypass: an OPTIONS that is not a preflight is the app's to answer, auth included."""
    app = AuthenticatingApp()
    response = call(CORSMiddleware(app, origins=[TRUSTED]), "OPTIONS", "/account", {"Origin": TRUSTED})
    assert response.code == 401
    assert app.calls == 1


def test_authentication_failures_carry_cors_headers() -> None:
    """Auth before CORS: the app's 401 is readable by the allowed origin, so the page can react to it."""
    response = call(
        CORSMiddleware(AuthenticatingApp(), origins=[TRUSTED], supports_credentials=True), "GET", "/account", {"Origin": TRUSTED}
    )
    assert response.code == 401
    assert response.get("Access-Control-Allow-Origin") == TRUSTED
    assert response.get("Access-Control-Allow-Credentials") == "true"
