"""Run-time origin decisions with the request in hand: django-cors-headers' ``check_request_enabled``, bounded.

``WSGI_CORS_ORIGIN_RESOLVER = "myapp.cors.allow_origin"`` names a function ``(request, origin) -> bool``.
It becomes one more entry of the policy's ``origins``, tried only after the listed origins and
patterns, so the engine still decides everything else (path rules, methods, headers, credentials).
Its cost is bounded:

* it is called only for an ``Origin`` a browser could send (the engine refuses malformed ones and
  ``null`` first) that no listed origin or pattern admits, and at most once per request (the
  answer is kept on the request);
* it is never called while the policy is built (the engine probes origin callables with attacker
  origins then; with no request it answers False, so a resolver is not probed: it must itself
  admit only trusted origins);
* an exception in it refuses the origin (logged on the ``wsgi_cors`` logger), never a 500.

A policy with a resolver does not remember decisions between requests (the answer may change),
so each request pays for the resolver when the listed origins do not match. Under ASGI the resolver
runs on the event loop: it must not block (read a cache, not the database, or keep the allowed
origins in memory and refresh them from a signal).
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any, Callable, Optional

__all__ = ["RequestOriginResolver", "CURRENT_REQUEST"]

LOG = logging.getLogger("wsgi_cors")
# The request being decided, set by the middleware around the engine call: contextvars follow both threads (WSGI)
# and asyncio tasks (ASGI), so concurrent requests never see each other's.
CURRENT_REQUEST: contextvars.ContextVar[Optional[Any]] = contextvars.ContextVar("wsgi_cors_django_request", default=None)
_ANSWERS = "_wsgi_cors_resolved_origins"


class RequestOriginResolver:
    """An origin predicate for the engine that asks ``resolver(request, origin)`` about the current request."""

    __slots__ = ("resolver",)

    def __init__(self, resolver: Callable[[Any, str], Any]) -> None:
        self.resolver = resolver

    def __call__(self, origin: str) -> bool:
        request = CURRENT_REQUEST.get()
        if request is None:
            return False  # no request: the engine's build-time probes, or a call outside the middleware
        answers: Optional[dict[str, bool]] = getattr(request, _ANSWERS, None)
        if answers is None:
            answers = {}
            setattr(request, _ANSWERS, answers)
        answer = answers.get(origin)
        if answer is None:
            try:
                answer = bool(self.resolver(request, origin))
            except Exception:
                LOG.exception("WSGI_CORS_ORIGIN_RESOLVER raised for origin %r; the origin is refused", origin[:100])
                answer = False
            answers[origin] = answer
        return answer

    def __repr__(self) -> str:
        return f"RequestOriginResolver({getattr(self.resolver, '__qualname__', self.resolver)!r})"
