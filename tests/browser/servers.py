"""The two sides of every browser scenario, served for real on loopback.

* The **page server** serves one HTML page whose script exposes ``corsFetch(url, init)``: it calls
  ``fetch()`` and returns what JavaScript saw (the response, or the ``TypeError``). It is
  served on two ports so that two *same-site, cross-origin* pages share Chromium's HTTP
  cache (the cache is partitioned by site, which ignores the port), and under several host names
  (``127.0.0.1``, ``localhost``, ``app.localhost``) for origin-pattern scenarios.
* The **API server** mounts one WSGI app per scenario at ``/s/<scenario>/`` (usually an
  :class:`EchoApp` wrapped in ``CORSMiddleware``) behind a :class:`Recorder` that keeps, per
  scenario, every request it received and the exact status and header list that went back on the
  wire: the server-side facts (how many preflights, whether the app ran, which cookies came) and
  the raw response the oracle judges.

Distinct paths per scenario keep the server logs, the preflight cache and the HTTP cache of one
scenario from leaking into another. Both servers are Werkzeug's threaded server on 127.0.0.1
with an ephemeral port; nothing listens beyond loopback.
"""

from __future__ import annotations

import html
import json
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Optional
from urllib.parse import parse_qs

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

WSGIApp = Callable[..., Iterable[bytes]]
EXCHANGE_KEY = "browser_tests.exchange"

# corsFetch: what JavaScript sees of a cross-origin fetch, as plain JSON.
FETCH_HELPER_JS = """
window.corsFetch = async (url, init) => {
  const out = {url: url, ok: false, status: null, headers: [], body: null, error: null, redirected: false};
  try {
    const response = await fetch(url, init || {});
    out.ok = true;
    out.status = response.status;
    out.redirected = response.redirected;
    out.finalUrl = response.url;
    out.headers = Array.from(response.headers.entries());
    out.body = await response.text();
  } catch (error) {
    out.error = error.name + ": " + error.message;
  }
  return out;
};
window.corsReady = true;
"""

PAGE_HTML = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>wsgi_cors browser scenario</title>
<link rel="icon" href="data:,">
<script>{FETCH_HELPER_JS}</script></head><body>page</body></html>
"""

# A sandboxed frame without allow-same-origin has an opaque origin: its fetches send `Origin: null`.
SANDBOXED_HTML = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>sandboxed</title><link rel="icon" href="data:,"></head><body>
<iframe name="sandboxed" sandbox="allow-scripts"
  srcdoc="{html.escape("<!doctype html><script>" + FETCH_HELPER_JS + "</script>", quote=True)}"></iframe>
</body></html>
"""


def page_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """The page server: ``/`` is the fetching page, ``/sandboxed`` wraps it in a sandboxed iframe."""
    body = SANDBOXED_HTML if environ["PATH_INFO"] == "/sandboxed" else PAGE_HTML
    data = body.encode()
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(data)))])
    return [data]


@dataclass
class Exchange:
    """One request the API server received and the response it sent (after every middleware)."""

    method: str
    path: str
    headers: dict[str, str]  # request headers, lower-case names
    app_ran: bool = False
    status: Optional[int] = None
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    @property
    def origin(self) -> Optional[str]:
        return self.headers.get("origin")

    @property
    def is_preflight(self) -> bool:
        return self.method == "OPTIONS" and "access-control-request-method" in self.headers

    def response_header(self, name: str) -> list[str]:
        return [value for key, value in self.response_headers if key.lower() == name.lower()]

    def describe(self) -> str:
        request = " ".join(f"{k}={v!r}" for k, v in sorted(self.headers.items()) if k in INTERESTING_REQUEST_HEADERS)
        response = ", ".join(f"{k}: {v}" for k, v in self.response_headers)
        return f"{self.method} {self.path} [{request}] -> {self.status} [{response}] app_ran={self.app_ran}"


INTERESTING_REQUEST_HEADERS = frozenset(
    {
        "origin",
        "access-control-request-method",
        "access-control-request-headers",
        "cookie",
        "authorization",
        "content-type",
        "x-api-key",
        "x-other",
    }
)


class Recorder:
    """Outermost WSGI layer of the API server: dispatches ``/s/<scenario>/...`` and records it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mounts: dict[str, WSGIApp] = {}
        self._log: dict[str, list[Exchange]] = {}

    def mount(self, scenario: str, app: WSGIApp) -> None:
        with self._lock:
            if scenario in self._mounts:
                raise ValueError(f"scenario {scenario!r} is mounted twice; scenario names must be unique")
            self._mounts[scenario] = app
            self._log[scenario] = []

    def exchanges(self, scenario: str) -> list[Exchange]:
        with self._lock:
            return list(self._log.get(scenario, ()))

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        parts = environ.get("PATH_INFO", "").split("/", 3)  # "", "s", scenario, rest
        app = self._mounts.get(parts[2]) if len(parts) >= 3 and parts[1] == "s" else None
        if app is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"no such scenario"]
        scenario = parts[2]
        exchange = Exchange(
            method=environ["REQUEST_METHOD"],
            path=environ.get("PATH_INFO", "") + ("?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else ""),
            headers={key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}
            | ({"content-type": environ["CONTENT_TYPE"]} if environ.get("CONTENT_TYPE") else {}),
        )
        with self._lock:
            self._log[scenario].append(exchange)
        environ[EXCHANGE_KEY] = exchange
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + f"/s/{scenario}"
        environ["PATH_INFO"] = "/" + (parts[3] if len(parts) > 3 else "")

        def recording_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            exchange.status = int(status.split(None, 1)[0])
            exchange.response_headers = list(headers)
            return start_response(status, headers, exc_info)

        try:
            return app(environ, recording_start_response)
        except Exception:
            # Werkzeug's server answers an unhandled exception with its own bare 500 page.
            exchange.status = 500
            exchange.response_headers = [("Content-Type", "text/html; charset=utf-8")]
            raise


class EchoApp:
    """The inner application of most scenarios: answers JSON describing the request it got.

    It marks the exchange as having reached the app, so a test can assert that a preflight never
    did. The path picks the answer: ``/status/404``, ``/redirect?to=URL``,
    ``stream``, ``raise``, ``cacheable``, ``set-cookie``, ``headers`` (extra response headers),
    ``own-acao`` (sets its own CORS headers); anything else is a plain 200.
    """

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        exchange: Optional[Exchange] = environ.get(EXCHANGE_KEY)
        if exchange is not None:
            exchange.app_ran = True
        path = environ.get("PATH_INFO", "")
        method = environ["REQUEST_METHOD"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        request_body = environ["wsgi.input"].read(length) if length else b""
        echo = {
            "method": method,
            "path": path,
            "cookie": environ.get("HTTP_COOKIE"),
            "authorization": environ.get("HTTP_AUTHORIZATION"),
            "body": request_body.decode("utf-8", "replace"),
        }
        headers = [("Content-Type", "application/json")]
        status = "200 OK"
        if path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            status = f"{code} Status {code}"
        elif path == "/redirect":  # /redirect?to=<absolute or relative URL>
            target = parse_qs(environ.get("QUERY_STRING", "")).get("to", ["/"])[0]
            start_response("302 Found", [("Location", target), ("Content-Type", "text/plain")])
            return [b"redirecting"]
        elif path == "/raise":
            raise RuntimeError("scenario app failure")
        elif path == "/stream":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return _chunks([b"chunk-1;", b"chunk-2;", b"chunk-3"])
        elif path == "/cacheable":
            headers.append(("Cache-Control", "public, max-age=600"))
        elif path == "/set-cookie":
            scope = environ.get("SCRIPT_NAME", "") + "/"  # this scenario's paths only
            headers.append(("Set-Cookie", f"session=s3cr3t; Path={scope}; SameSite=Lax"))
        elif path == "/headers":
            headers += [("X-Total", "42"), ("X-Secret", "hidden"), ("Cache-Control", "no-store")]
        elif path == "/own-acao":
            headers += [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "false")]
        elif path == "/options" and method == "OPTIONS":
            start_response("204 No Content", [("Allow", "GET, PUT, OPTIONS")])
            return []
        elif path == "/options-405" and method == "OPTIONS":
            start_response("405 Method Not Allowed", [("Allow", "GET"), ("Content-Type", "text/plain")])
            return [b"no OPTIONS here"]
        if method == "HEAD":
            start_response(status, headers)
            return []
        data = json.dumps(echo).encode()
        start_response(status, headers + [("Content-Length", str(len(data)))])
        return [data]


def _chunks(parts: list[bytes]) -> Iterator[bytes]:
    yield from parts


class ControlApp:
    """A hand-written CORS responder that sends exactly the headers it is given.

    Not wsgi_cors: it produces responses the library never would (duplicate ACAO, ``*`` with
    credentials, no ``Vary``...), to show that the browser and the oracle both reject them, and to
    pin down where Chromium departs from the standard. ``{origin}`` in a value is replaced by the
    request's Origin. ``preflight`` headers answer OPTIONS (with ``preflight_status``), ``actual``
    headers are added to the :class:`EchoApp` response.
    """

    def __init__(
        self,
        *,
        preflight: Iterable[tuple[str, str]] = (),
        actual: Iterable[tuple[str, str]] = (),
        preflight_status: str = "204 No Content",
    ) -> None:
        self.preflight = list(preflight)
        self.actual = list(actual)
        self.preflight_status = preflight_status
        self.echo = EchoApp()

    def _fill(self, headers: list[tuple[str, str]], environ: dict[str, Any]) -> list[tuple[str, str]]:
        origin = environ.get("HTTP_ORIGIN", "")
        return [(name, value.replace("{origin}", origin)) for name, value in headers]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] == "OPTIONS":  # the CORS layer answers; the app never runs
            start_response(self.preflight_status, self._fill(self.preflight, environ))
            return []
        extra = self._fill(self.actual, environ)

        def add_headers(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            return start_response(status, headers + extra)

        return self.echo(environ, add_headers)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # keep pytest output readable
        pass

    def log_error(self, format: str, *args: Any) -> None:
        pass


class ServerThread:
    """A Werkzeug threaded server on 127.0.0.1 with an ephemeral port, in a daemon thread."""

    def __init__(self, app: WSGIApp, port: int = 0) -> None:
        self.server: BaseWSGIServer = make_server("127.0.0.1", port, app, threaded=True, request_handler=_QuietHandler)
        self.port = self.server.server_port
        self._thread = threading.Thread(target=self.server.serve_forever, name=f"server-{self.port}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
