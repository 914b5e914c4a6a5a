"""Shared fixtures: a WSGI app that records what reached it, wrapped in CORSMiddleware, driven by WebTest."""

from __future__ import annotations

import wsgiref.validate
from typing import Any, Callable, Iterable, Optional

import pytest
from webtest import TestApp

from wsgi_cors import CORSMiddleware

ORIGIN = "https://app.example.com"


class RecordingApp:
    """A WSGI app that answers with a fixed response and remembers every environ it saw."""

    def __init__(self, status: str = "200 OK", headers: Optional[list[tuple[str, str]]] = None, body: bytes = b"hello") -> None:
        self.status = status
        self.headers = headers if headers is not None else [("Content-Type", "text/plain")]
        self.body = body
        self.calls: list[dict[str, Any]] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        self.calls.append(environ)
        start_response(self.status, list(self.headers))
        return [self.body]


def cors_client(app: Optional[Callable[..., Any]] = None, *, validate: bool = True, **options: Any) -> TestApp:
    """A WebTest client for ``app`` (a RecordingApp by default) behind CORSMiddleware, checked by wsgiref.validate on both sides."""
    inner = app if app is not None else RecordingApp()
    if validate:
        inner = wsgiref.validate.validator(inner)
    middleware = CORSMiddleware(inner, **options)
    outer = wsgiref.validate.validator(middleware) if validate else middleware
    client = TestApp(outer)
    client.middleware = middleware  # type: ignore[attr-defined]
    return client


def cors_headers(response: Any) -> list[tuple[str, str]]:
    """The Access-Control-* and Vary headers of a WebTest response, in order, duplicates kept."""
    return [(name, value) for name, value in response.headerlist if name.lower().startswith(("access-control-", "vary"))]


def preflight(
    client: TestApp,
    path: str = "/",
    *,
    origin: str = ORIGIN,
    method: str = "PUT",
    request_headers: Optional[str] = None,
    status: Any = "*",
    **extra: str,
) -> Any:
    headers = {"Origin": origin, "Access-Control-Request-Method": method, **extra}
    if request_headers is not None:
        headers["Access-Control-Request-Headers"] = request_headers
    return client.options(path, headers=headers, status=status)


@pytest.fixture
def app() -> RecordingApp:
    return RecordingApp()
