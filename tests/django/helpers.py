"""One way to send a request through Django's sync ``Client`` or its ``AsyncClient`` (ASGI handler, async middleware)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.test import AsyncClient, Client

KINDS = ("sync", "async")


def send(kind: str, method: str, path: str, *, enforce_csrf_checks: bool = False, data: Any = None, **headers: str) -> Any:
    """The response to ``method path`` with ``headers``; Django's 500 page instead of the view's exception."""
    if kind == "sync":
        client: Any = Client(enforce_csrf_checks=enforce_csrf_checks, raise_request_exception=False)
        return getattr(client, method.lower())(path, data=data, headers=headers)
    aclient: Any = AsyncClient(enforce_csrf_checks=enforce_csrf_checks, raise_request_exception=False)
    # In a thread of its own: the browser suite's Playwright keeps an event loop running in the main thread.
    with ThreadPoolExecutor(1) as worker:
        return worker.submit(asyncio.run, getattr(aclient, method.lower())(path, data=data, headers=headers)).result()


def preflight(kind: str, path: str, origin: str, method: str = "PUT", request_headers: str | None = None, **extra: str) -> Any:
    headers = {"Origin": origin, "Access-Control-Request-Method": method, **extra}
    if request_headers is not None:
        headers["Access-Control-Request-Headers"] = request_headers
    return send(kind, "OPTIONS", path, **headers)


def cors_headers(response: Any) -> dict[str, str]:
    """The response's Access-Control-* headers and Vary, by lower-case name."""
    return {name.lower(): value for name, value in response.items() if name.lower().startswith(("access-control-", "vary"))}
