"""CVE-2020-25032 (Flask-CORS < 3.0.9), path traversal: the CORS rule is chosen on the path the router sees.

Flask-CORS matched ``resources`` before path expansion, so ``/api/../foo.txt`` got the ``/api/*``
policy while the server answered with ``/foo.txt``. wsgi_cors matches rules on ``PATH_INFO`` as
the router receives it, so a grant always belongs to the view that answers.
"""

from __future__ import annotations

import posixpath
from typing import Any, Callable

from flask import Flask

from wsgi_cors import CORSMiddleware, CORSPolicy

from .wsgi_call import call

TRUSTED = "https://app.example.com"
ATTACKER = "https://attacker.example"
RESOURCES = {
    r"/api/.*": {"origins": "*"},
    r"/private/.*": {"origins": [TRUSTED], "supports_credentials": True},
}


def flask_app() -> Flask:
    app = Flask(__name__)

    @app.get("/api/<path:rest>")
    def api(rest: str) -> str:
        return f"public api: {rest}"

    @app.get("/private/<path:rest>")
    def private(rest: str) -> str:
        return f"private: {rest}"

    app.wsgi_app = CORSMiddleware(app.wsgi_app, resources=RESOURCES)  # type: ignore[method-assign]
    return app


def resolving_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """An app whose router resolves dot segments, as Pyramid's traversal and normpath-based file servers do."""
    path = posixpath.normpath(environ["PATH_INFO"])
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"private: secret" if path.startswith("/private/") else b"public api"]


def test_a_router_that_resolves_dot_segments_gets_no_grant_for_them() -> None:
    """Path traversal (CVE-2020-25032): '/api/../private/secret' resolved to the private resource must not carry the /api grant."""
    response = call(CORSMiddleware(resolving_app, resources=RESOURCES), "GET", "/api/../private/secret", {"Origin": ATTACKER})
    assert response.body == b"private: secret"
    assert response.get("Access-Control-Allow-Origin") is None


def test_dot_segments_never_grant_what_the_private_view_answers() -> None:
    """Path traversal (CVE-2020-25032): whatever view answers '/api/../private/secret', the private view's content gets no grant."""
    response = call(flask_app(), "GET", "/api/../private/secret", {"Origin": ATTACKER})
    assert response.body != b"private: secret" or response.get("Access-Control-Allow-Origin") is None


def test_dot_segments_cannot_move_a_private_path_into_the_public_rule() -> None:
    """Path traversal (CVE-2020-25032): '/private/../api/x' never borrows the permissive /api rule."""
    response = call(flask_app(), "GET", "/private/../api/x", {"Origin": ATTACKER})
    assert response.get("Access-Control-Allow-Origin") is None


def test_private_view_gets_no_grant_for_an_untrusted_origin() -> None:
    """Path traversal (CVE-2020-25032): the private view answered; the attacker's origin is not allowed there."""
    response = call(flask_app(), "GET", "/private/secret", {"Origin": ATTACKER})
    assert response.body == b"private: secret"
    assert response.get("Access-Control-Allow-Origin") is None
    assert response.get("Access-Control-Allow-Credentials") is None


def test_engine_selects_the_rule_on_the_unexpanded_path() -> None:
    """Path traversal (CVE-2020-25032): the engine does not expand '..' (the router does not either)."""
    policy = CORSPolicy(resources=RESOURCES)
    assert policy.evaluate("GET", "/private/../api/x", origin=ATTACKER).rule == r"/private/.*"
    assert policy.evaluate("GET", "/api/../private/x", origin=ATTACKER).rule == r"/api/.*"
