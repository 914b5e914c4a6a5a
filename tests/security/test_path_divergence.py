"""Path-matching divergence (anchors §3b; CVE-2020-25032, -6844, -6866, the Flask-CORS double-decode): CORS and the router agree.

Every spelling of a path that a client can put on the wire (percent-encoding, double encoding,
'+', case, dot segments, repeated slashes, non-UTF-8 bytes, a mount point in SCRIPT_NAME) is
sent through a real Flask router behind the middleware. The invariant: an untrusted origin gets
a grant exactly when the public view answers, never for the private one.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from wsgi_cors import CORSMiddleware

from .wsgi_call import call

TRUSTED = "https://app.example.com"
ATTACKER = "https://attacker.example"
RESOURCES = {
    r"/public/.*": {"origins": "*"},
    "/caf\u00e9/menu": {"origins": "*"},
    r"/.*": {"origins": [TRUSTED], "supports_credentials": True},
}


def routed_app() -> Flask:
    app = Flask(__name__)

    @app.get("/public/<path:rest>")
    def public(rest: str) -> str:
        return "public view"

    @app.get("/caf\u00e9/menu")
    def menu() -> str:
        return "public view (menu)"

    @app.get("/<path:rest>")
    def private(rest: str) -> str:
        return "private view"

    app.wsgi_app = CORSMiddleware(app.wsgi_app, resources=RESOURCES)  # type: ignore[method-assign]
    return app


# PATH_INFO as a server hands it over (decoded once; raw bytes as latin-1), with what the client sent.
SPELLINGS: dict[str, tuple[str, dict[str, Any]]] = {
    "plain /public/x": ("/public/x", {}),
    "double-encoded %2570ublic": ("/%70ublic/x", {}),
    "encoded slash %252F": ("/public%2Fx", {}),
    "plus for space": ("/public+x/y", {}),
    "upper case": ("/PUBLIC/x", {}),
    "mixed case": ("/Public/x", {}),
    "dot segment into private": ("/public/../private/x", {}),
    "dot segment into public": ("/private/../public/x", {}),
    "single dot segment": ("/./public/x", {}),
    "repeated leading slash": ("//public/x", {}),
    "repeated inner slash": ("/public//x", {}),
    "utf-8 bytes as latin-1": ("/caf\u00c3\u00a9/menu", {}),
    "invalid utf-8 byte": ("/public/\u00ff", {}),
    "percent-encoded utf-8 left encoded": ("/caf%C3%A9/menu", {}),
    "mount point holds the public prefix": ("/x", {"SCRIPT_NAME": "/public"}),
    "mounted under a prefix": ("/public/x", {"SCRIPT_NAME": "/mount"}),
    "trailing newline": ("/public/x\n", {}),
}


@pytest.mark.parametrize("path_info,environ", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_untrusted_origin_is_never_granted_what_the_private_view_answers(path_info: str, environ: dict[str, Any]) -> None:
    """Path-matching divergence: whatever the spelling, the private view's answer never carries a grant for the attacker."""
    response = call(routed_app(), "GET", path_info, {"Origin": ATTACKER}, **environ)
    private_view_answered = response.code == 200 and response.body == b"private view"
    granted = response.get("Access-Control-Allow-Origin") == ATTACKER
    assert not (granted and private_view_answered), f"{path_info!r}: the private view's answer is granted to {ATTACKER}"


@pytest.mark.parametrize("path_info", ["/public/x", "/public/a/b", "/caf\u00c3\u00a9/menu"])
def test_canonical_spellings_of_public_paths_are_granted(path_info: str) -> None:
    """Path-matching divergence: the public rule still works for the paths a browser sends to the public view."""
    response = call(routed_app(), "GET", path_info, {"Origin": ATTACKER})
    assert response.body.startswith(b"public view")
    assert response.get("Access-Control-Allow-Origin") == ATTACKER


def test_a_leading_double_slash_gets_no_grant_because_routers_disagree_about_it() -> None:
    """Path-matching divergence: Werkzeug routes '//public/x' to the public view, Django, Bottle and Pyramid to another one."""
    response = call(routed_app(), "GET", "//public/x", {"Origin": ATTACKER})
    assert response.body == b"public view"
    assert response.get("Access-Control-Allow-Origin") is None
