"""The WSGI applications the benchmarks compare, built the same way in-process and behind gunicorn.

``bare_app`` is the floor: the least a WSGI application can do. ``StaticCORS`` is the practical lower
bound for any CORS middleware: it appends a header list computed once and answers every preflight with
one constant response, so it checks nothing. Everything a real middleware adds on top of it (reading
the Origin, choosing a rule, deciding, merging Vary) is what the benchmark measures.
"""

from __future__ import annotations

import sys
from typing import Any, Iterable, List, Optional, Sequence, Tuple

Headers = List[Tuple[str, str]]

ALLOWED_ORIGIN = "https://app.example.com"
ALLOWED_REQUEST_HEADERS = ("Content-Type", "X-Requested-With", "Authorization")
# The options every base workload uses; wsgi_cors and Flask-CORS read them the same way.
BASE_OPTIONS: dict[str, Any] = {"origins": [ALLOWED_ORIGIN], "allow_headers": list(ALLOWED_REQUEST_HEADERS)}

# What wsgi_cors allows by default (Flask-CORS's default list), given to the peers that need it spelled out.
DEFAULT_METHODS = "GET, HEAD, POST, OPTIONS, PUT, PATCH, DELETE"

_BODY = [b"ok"]


def bare_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """The floor: a constant 200 response with a two-byte body."""
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "2")])
    return _BODY


class StaticCORS:
    """A hand-written constant-header wrapper: the cheapest thing that can call itself CORS middleware."""

    def __init__(
        self,
        app: Any,
        actual_headers: Sequence[Tuple[str, str]],
        preflight_headers: Optional[Sequence[Tuple[str, str]]] = None,
    ) -> None:
        self.app = app
        self.actual_headers = list(actual_headers)
        self.preflight_headers = list(preflight_headers) + [("Content-Length", "0")] if preflight_headers is not None else None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if (
            self.preflight_headers is not None
            and environ["REQUEST_METHOD"] == "OPTIONS"
            and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ
        ):
            start_response("200 OK", self.preflight_headers[:])  # a fresh list: the server may extend it
            return []
        extra = self.actual_headers

        def start_with_cors(status: str, headers: Headers, exc_info: Any = None) -> Any:
            # A new list, not headers.extend(): an app may pass the same list on every call, and
            # extending it in place would grow it request after request. Any correct middleware pays this.
            return start_response(status, headers + extra, exc_info)

        return self.app(environ, start_with_cors)


def make_flask_app() -> Any:
    """A one-route Flask application answering every path and method with ``ok``."""
    from flask import Flask

    app = Flask("bench")

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    @app.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def answer(path: str) -> str:
        return "ok"

    return app


def make_wsgi_cors(app: Any, options: dict[str, Any]) -> Any:
    """``app`` behind wsgi_cors, configured through the public API only."""
    from wsgi_cors import CORSMiddleware

    return CORSMiddleware(app, **options)


def make_wsgicors(app: Any, options: dict[str, Any]) -> Any:
    """``app`` behind wsgicors (PyPI ``wsgicors``), configured to the policy of ``options``.

    wsgicors takes space-separated origins (fnmatch patterns), comma-separated methods and a header
    string it sends as it is; it checks neither the requested method nor the requested headers.
    """
    from wsgicors import CORS

    return CORS(
        app,
        origin=" ".join(options["origins"]),
        methods=DEFAULT_METHODS,
        headers=", ".join(options["allow_headers"]),
        credentials="false",
        maxage="",
    )


def make_wire_app(kind: str) -> Any:
    """The applications ``wire.py`` serves with gunicorn: ``bare``, ``static`` or ``wsgi_cors``."""
    if kind == "bare":
        return bare_app
    if kind == "static":
        return StaticCORS(bare_app, [("Access-Control-Allow-Origin", ALLOWED_ORIGIN), ("Vary", "Origin")])
    if kind == "wsgi_cors":
        return make_wsgi_cors(bare_app, BASE_OPTIONS)
    sys.exit(f"unknown application kind {kind!r}: expected bare, static or wsgi_cors")
