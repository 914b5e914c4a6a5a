"""Starlette's ``CORSMiddleware`` constructor on wsgi_cors's engine: move over by changing the import.

::

    # was: from starlette.middleware.cors import CORSMiddleware   (or fastapi.middleware.cors)
    from wsgi_cors.starlette import CORSMiddleware

    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)

Every argument keeps Starlette's name, meaning and default (Starlette 1.x, ``starlette/middleware/cors.py``)
and is mapped onto the engine's options; what differs on purpose (refused configurations, 403 instead of 400
for a refused preflight, and so on) is listed in docs/asgi.md's "Moving from Starlette" table. The result is the
generic ASGI door (:class:`wsgi_cors.asgi.CORSMiddleware`), so it needs nothing from Starlette at run time.
"""

from __future__ import annotations

import re
from typing import Any, Collection, Optional

from .asgi import ASGIApp, RejectHook
from .asgi import CORSMiddleware as _ASGICORSMiddleware

__all__ = ["CORSMiddleware", "starlette_options"]

# Starlette's ALL_METHODS, what allow_methods=["*"] stands for (and what it sends in Access-Control-Allow-Methods).
ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY")
# Starlette always allows these request headers in a preflight, whatever allow_headers says.
SAFELISTED_HEADERS = ("Accept", "Accept-Language", "Content-Language", "Content-Type")


def starlette_options(
    allow_origins: Collection[str] = (),
    allow_methods: Collection[str] = ("GET",),
    allow_headers: Collection[str] = (),
    allow_credentials: bool = False,
    allow_origin_regex: Optional[str] = None,
    allow_private_network: bool = False,
    expose_headers: Collection[str] = (),
    max_age: int = 600,
) -> dict[str, Any]:
    """Starlette's arguments as wsgi_cors options (for ``CORSPolicy(**...)`` or a configuration you write down)."""
    for name, value in (
        ("allow_origins", allow_origins),
        ("allow_methods", allow_methods),
        ("allow_headers", allow_headers),
        ("expose_headers", expose_headers),
    ):
        if isinstance(value, str):  # Starlette would iterate the characters ("*" happens to work, "GET" does not)
            raise TypeError(f"{name} must be a list of strings, not the string {value!r}; write [{value!r}]")
    allow_all_origins = "*" in allow_origins
    origins: Any = "*" if allow_all_origins else list(allow_origins)
    if allow_origin_regex is not None and not allow_all_origins:
        # Compiled, so that it keeps Starlette's semantics: case-sensitive, matched against the whole origin.
        origins.append(re.compile(allow_origin_regex))
    return {
        "origins": origins,
        "methods": list(ALL_METHODS) if "*" in allow_methods else list(allow_methods),
        "allow_headers": "*" if "*" in allow_headers else [*SAFELISTED_HEADERS, *allow_headers],
        "supports_credentials": allow_credentials,
        "expose_headers": list(expose_headers) or None,
        "max_age": max_age,
        "allow_private_network": allow_private_network,
        # Starlette sends "*" to every origin when allow_origins=["*"] (it never reflects without credentials).
        "send_wildcard": allow_all_origins and not allow_credentials,
        # Starlette adds nothing but Vary: Origin to a request without Origin.
        "always_send": False,
    }


class CORSMiddleware(_ASGICORSMiddleware):
    """Starlette's ``CORSMiddleware(app, allow_origins=(), allow_methods=("GET",), allow_headers=(),
    allow_credentials=False, allow_origin_regex=None, allow_private_network=False, expose_headers=(), max_age=600)``,
    deciding with wsgi_cors's engine; ``on_reject``, ``intercept_exceptions`` and ``websocket_origin_check`` are the
    ASGI door's."""

    def __init__(
        self,
        app: ASGIApp,
        allow_origins: Collection[str] = (),
        allow_methods: Collection[str] = ("GET",),
        allow_headers: Collection[str] = (),
        allow_credentials: bool = False,
        allow_origin_regex: Optional[str] = None,
        allow_private_network: bool = False,
        expose_headers: Collection[str] = (),
        max_age: int = 600,
        *,
        on_reject: Optional[RejectHook] = None,
        intercept_exceptions: Optional[bool] = None,
        websocket_origin_check: bool = False,
    ) -> None:
        options = starlette_options(
            allow_origins,
            allow_methods,
            allow_headers,
            allow_credentials,
            allow_origin_regex,
            allow_private_network,
            expose_headers,
            max_age,
        )
        super().__init__(
            app,
            on_reject=on_reject,
            intercept_exceptions=intercept_exceptions,
            websocket_origin_check=websocket_origin_check,
            **options,
        )
