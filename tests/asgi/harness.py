"""An in-process ASGI 3 driver that checks the protocol, and a WebTest look-alike so the WSGI door's tests run on the ASGI door.

``call_asgi`` plays the server: it builds an ``http`` scope, feeds ``http.request`` messages (then
``http.disconnect``), records what the application sends, and (``validate=True``) fails on any breach of the
ASGI HTTP spec it can see: a body before ``http.response.start``, two starts, a message after the last body,
headers that are not lower-case byte pairs, a mutated scope.

``asgi_cors_client(app, **options)`` mirrors ``tests.conftest.cors_client``: ``app`` may be a WSGI app (the
tests' ``RecordingApp``), run inside ASGI by :func:`wsgi_as_asgi`, so the WSGI door's option and difference tests
run unchanged against the ASGI door. Response header names come back in the WSGI tests' spelling
(``Access-Control-Allow-Origin``): ASGI lower-cases them, HTTP does not care, and the tests compare exact pairs.
"""

from __future__ import annotations

import asyncio
import copy
from http import HTTPStatus
from typing import Any, Callable, Iterable, Optional
from urllib.parse import quote, unquote_to_bytes

from webob.headers import ResponseHeaders

from tests.conftest import RecordingApp
from wsgi_cors.asgi import CORSMiddleware

_LOOP = asyncio.new_event_loop()


class ASGIProtocolError(AssertionError):
    pass


def make_scope(
    method: str = "GET",
    path: str = "/",
    headers: Optional[Iterable[tuple[str, str]]] = None,
    *,
    raw_path: Optional[bytes] = None,
    query_string: bytes = b"",
    scope_type: str = "http",
) -> dict[str, Any]:
    """An ``http`` scope as uvicorn builds it: ``path`` decoded, ``raw_path`` the bytes on the wire without the query."""
    if raw_path is None:
        raw_path = quote(path, safe="/%:@!$&'()*+,;=-._~").encode("ascii") if path.isascii() else path.encode("utf-8")
    scope: dict[str, Any] = {
        "type": scope_type,
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "scheme": "http",
        "path": unquote_to_bytes(raw_path).decode("utf-8", "replace"),
        "raw_path": raw_path,
        "query_string": query_string,
        "root_path": "",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "headers": [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in (headers or ())],
    }
    if scope_type == "http":
        scope["method"] = method
    return scope


def call_asgi(
    app: Any,
    scope: dict[str, Any],
    body_chunks: Iterable[bytes] = (b"",),
    *,
    validate: bool = True,
    disconnect_first: bool = False,
) -> list[dict[str, Any]]:
    """Run one request through ``app``; return the messages it sent, in order (checked when ``validate``)."""
    incoming: list[dict[str, Any]] = []
    chunks = list(body_chunks)
    if not disconnect_first:
        for index, chunk in enumerate(chunks):
            incoming.append({"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1})
    sent: list[dict[str, Any]] = []
    original = copy.deepcopy(scope)

    async def receive() -> dict[str, Any]:
        if incoming:
            return incoming.pop(0)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if validate:
            _check_message(sent, message)
        sent.append(message)

    _LOOP.run_until_complete(app(scope, receive, send))
    if validate:
        if scope != original:
            raise ASGIProtocolError(f"the scope was changed: {original!r} -> {scope!r}")
        if sent and sent[-1].get("more_body", False):
            raise ASGIProtocolError("the app returned with the response body unfinished")
    return sent


def _check_message(sent: list[dict[str, Any]], message: dict[str, Any]) -> None:
    kind = message["type"]
    started = any(m["type"] == "http.response.start" for m in sent)
    finished = any(m["type"] == "http.response.body" and not m.get("more_body", False) for m in sent)
    if finished:
        raise ASGIProtocolError(f"{kind} sent after the response body ended")
    if kind == "http.response.start":
        if started:
            raise ASGIProtocolError("http.response.start sent twice")
        if not isinstance(message["status"], int) or not 100 <= message["status"] <= 599:
            raise ASGIProtocolError(f"bad status {message['status']!r}")
        for pair in message.get("headers", ()):
            name, value = pair
            if not isinstance(name, bytes) or not isinstance(value, bytes) or name != name.lower():
                raise ASGIProtocolError(f"header {pair!r} is not a lower-case byte pair")
    elif kind == "http.response.body":
        if not started:
            raise ASGIProtocolError("http.response.body before http.response.start")
        if not isinstance(message.get("body", b""), bytes):
            raise ASGIProtocolError("body is not bytes")
    else:
        raise ASGIProtocolError(f"unexpected message {kind!r}")


def wsgi_as_asgi(wsgi_app: Callable[..., Any]) -> Any:
    """Run a WSGI app inside ASGI (test scaffolding only): the environ a WSGI server would build from the scope."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        import io

        environ: dict[str, Any] = {
            "REQUEST_METHOD": scope["method"],
            "SCRIPT_NAME": "",
            "QUERY_STRING": scope["query_string"].decode("latin-1"),
            "PATH_INFO": unquote_to_bytes(scope["raw_path"]).decode("latin-1"),
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": io.StringIO(),
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in scope["headers"]:
            key = "HTTP_" + name.decode("latin-1").upper().replace("-", "_")
            environ[key] = f"{environ[key]}, {value.decode('latin-1')}" if key in environ else value.decode("latin-1")
        started: list[tuple[str, list[tuple[str, str]]]] = []
        result = wsgi_app(environ, lambda status, headers, exc_info=None: started.append((status, headers)))
        try:
            chunks = list(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers = started[-1]
        await send(
            {
                "type": "http.response.start",
                "status": int(status.split()[0]),
                "headers": [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in headers],
            }
        )
        await send({"type": "http.response.body", "body": b"".join(chunks)})

    return app


def wsgi_spelling(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


class ASGIResponse:
    """The parts of a WebTest response the shared tests read."""

    def __init__(self, messages: list[dict[str, Any]]) -> None:
        start = messages[0]
        self.status_int: int = start["status"]
        self.status = f"{self.status_int} {HTTPStatus(self.status_int).phrase}"
        self.headerlist = [(wsgi_spelling(n.decode("latin-1")), v.decode("latin-1")) for n, v in start.get("headers", ())]
        self.headers = ResponseHeaders(self.headerlist)
        self.body = b"".join(m.get("body", b"") for m in messages[1:])
        self.text = self.body.decode("utf-8", "replace")
        self.messages = messages


class ASGITestApp:
    """``client.get(path, headers=..., status=...)`` and friends, as WebTest's TestApp, against an ASGI app."""

    def __init__(self, app: Any, validate: bool = True) -> None:
        self.app = app
        self.validate = validate

    def request(
        self,
        method: str,
        path: str,
        headers: Optional[dict[str, str]] = None,
        status: Any = None,
        expect_errors: bool = False,
        body: bytes = b"",
        **unsupported: Any,
    ) -> ASGIResponse:
        if unsupported:
            raise TypeError(f"the ASGI adapter does not support {sorted(unsupported)}")
        path, _, query = path.partition("?")
        scope = make_scope(method, path, (headers or {}).items(), query_string=query.encode("latin-1"))
        response = ASGIResponse(call_asgi(self.app, scope, (body,), validate=self.validate))
        if status == "*" or expect_errors:
            return response
        if status is None and response.status_int >= 400:
            raise AssertionError(f"bad response: {response.status_int} {response.text!r}")
        if status is not None and response.status_int not in (status if isinstance(status, (list, tuple)) else (status,)):
            raise AssertionError(f"status {response.status_int}, expected {status!r}")
        return response

    def __getattr__(self, method: str) -> Callable[..., ASGIResponse]:
        if method in ("get", "post", "put", "patch", "delete", "head", "options"):
            return lambda path, **kwargs: self.request(method.upper(), path, **kwargs)
        raise AttributeError(method)


def asgi_cors_client(app: Optional[Callable[..., Any]] = None, *, validate: bool = True, **options: Any) -> ASGITestApp:
    """``tests.conftest.cors_client`` for the ASGI door: a WSGI ``app`` (default ``RecordingApp()``) runs inside ASGI."""
    inner = app if app is not None else RecordingApp()
    middleware = CORSMiddleware(wsgi_as_asgi(inner), **options)
    client = ASGITestApp(middleware, validate=validate)
    client.middleware = middleware  # type: ignore[attr-defined]
    return client
