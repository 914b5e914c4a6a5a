"""Call a WSGI app the way a server does and keep exactly what it would put on the wire.

The header list is kept as a list of pairs, so a duplicated ``Access-Control-Allow-Origin`` is seen
as a browser sees it; the iterable is always closed, as PEP 3333 requires of a server.
"""

from __future__ import annotations

import io
import tracemalloc
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Optional

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass
class Response:
    """What the server would send: status line, header pairs in order, body."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes
    errors: str = ""
    start_response_calls: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)

    @property
    def code(self) -> int:
        return int(self.status.split(" ", 1)[0])

    def values(self, name: str) -> list[str]:
        """Every value of the header ``name`` (case-insensitive), in order."""
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def get(self, name: str) -> Optional[str]:
        """The value of a header that must appear at most once."""
        found = self.values(name)
        assert len(found) <= 1, f"{name} sent {len(found)} times: {found}"
        return found[0] if found else None

    def cors(self) -> dict[str, str]:
        """The Access-Control-* headers, by lower-case name (each must appear at most once)."""
        names = [key.lower() for key, _ in self.headers if key.lower().startswith("access-control-")]
        assert len(names) == len(set(names)), f"duplicated CORS headers: {self.headers}"
        return {key.lower(): value for key, value in self.headers if key.lower().startswith("access-control-")}


def environ_for(
    method: str = "GET", path: Optional[str] = "/", headers: Optional[Mapping[str, str]] = None, **extra: Any
) -> dict[str, Any]:
    """A complete PEP 3333 environ; ``headers`` become ``HTTP_*`` keys; ``path=None`` leaves PATH_INFO out."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "api.example.com",
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if path is not None:
        environ["PATH_INFO"] = path
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    environ.update(extra)
    return environ


def call(
    app: WSGIApp, method: str = "GET", path: Optional[str] = "/", headers: Optional[Mapping[str, str]] = None, **extra: Any
) -> Response:
    """Run one request through ``app`` and return what the server would send."""
    environ = environ_for(method, path, headers, **extra)
    errors = environ["wsgi.errors"]
    calls: list[tuple[str, list[tuple[str, str]]]] = []
    written: list[bytes] = []

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        if exc_info is not None and written:
            raise exc_info[1].with_traceback(exc_info[2])
        calls.append((status, list(response_headers)))
        return written.append

    result = app(environ, start_response)
    try:
        for chunk in result:
            written.append(chunk)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    status, response_headers = calls[-1]
    return Response(status, response_headers, b"".join(written), errors.getvalue(), calls)


def hello_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """A WSGI app that answers every request with 200 and a short text body."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    return [b"hello"]


def app_with_headers(*headers: tuple[str, str], status: str = "200 OK") -> WSGIApp:
    """A WSGI app that answers with the given extra headers (e.g. its own Access-Control-* headers)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response(status, [("Content-Type", "text/plain"), *headers])
        return [b"hello"]

    return app


def no_control_characters(headers: list[tuple[str, str]]) -> bool:
    """Whether every header name and value is printable latin-1 with no CR, LF or other control character."""
    for name, value in headers:
        for text in (name, value):
            if any(ord(char) < 0x20 or ord(char) == 0x7F or ord(char) > 0xFF for char in text):
                return False
    return True


__all__ = ["Response", "call", "environ_for", "hello_app", "app_with_headers", "no_control_characters"]


def peak_memory(function: Callable[[], Any]) -> int:
    """Peak bytes traced while ``function`` runs."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
