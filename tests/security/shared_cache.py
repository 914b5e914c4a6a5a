"""A shared HTTP cache that stores every response, as a CDN configured to cache everything does.

It keys a stored response by method and path and reuses it for a later request when every request
header the response's ``Vary`` names has the same value in both requests, absent matching absent
(RFC 9111 §4.1, "Calculating Cache Keys with the Vary Header Field"); ``Vary: *`` never matches.
It also stores ``OPTIONS`` responses, which RFC 9110 §9.3.7 calls not cacheable but CDNs can be
configured to cache: a preflight answer must be safe to replay too.
"""

from __future__ import annotations

from typing import Mapping, Optional

from .wsgi_call import Response, WSGIApp, call

RequestHeaders = Mapping[str, Optional[str]]


def vary_names(headers: list[tuple[str, str]]) -> Optional[frozenset[str]]:
    """The lower-case field names every ``Vary`` header lists, or None for ``Vary: *`` (never reused)."""
    names = {token.strip().lower() for name, value in headers if name.lower() == "vary" for token in value.split(",")}
    names.discard("")
    return None if "*" in names else frozenset(names)


def replays(stored_request: RequestHeaders, stored_response: list[tuple[str, str]], new_request: RequestHeaders) -> bool:
    """Whether a cache reuses the response stored for ``stored_request`` for ``new_request`` (same method and path)."""
    names = vary_names(stored_response)
    if names is None:
        return False
    stored = {name.lower(): value for name, value in stored_request.items() if value is not None}
    new = {name.lower(): value for name, value in new_request.items() if value is not None}
    return all(stored.get(name) == new.get(name) for name in names)


class SharedCache:
    """Sits in front of a WSGI app: the first response per method and path is stored and replayed while Vary allows."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.stored: dict[tuple[str, str], list[tuple[dict[str, Optional[str]], Response]]] = {}

    def fetch(self, method: str, path: str, headers: RequestHeaders) -> Response:
        for stored_request, response in self.stored.get((method, path), []):
            if replays(stored_request, response.headers, headers):
                return response
        present = {name: value for name, value in headers.items() if value is not None}
        response = call(self.app, method, path, present)
        self.stored.setdefault((method, path), []).append((dict(headers), response))
        return response
