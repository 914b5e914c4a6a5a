"""A django-cors-headers project moves over by renaming two entries: the same browser conversation gets the same grants.

The settings below are django-cors-headers' README examples. Only the ``INSTALLED_APPS`` and
``MIDDLEWARE`` entries change; every request is judged by the Fetch oracle (wsgi_cors.testing), so the
comparison is what a browser would let the page read, not the header spelling (django-cors-headers
lists every allowed header in a preflight answer where wsgi_cors echoes the ones asked for).
"""

from __future__ import annotations

from typing import Any, Callable

import pytest

from wsgi_cors.testing import check_preflight, check_response

from .conftest import DOOR, MIDDLEWARE
from .helpers import preflight, send

CORSHEADERS_PROJECT: dict[str, Any] = {
    "INSTALLED_APPS": ["django.contrib.contenttypes", "django.contrib.auth", "corsheaders"],
    "MIDDLEWARE": [name if name != DOOR else "corsheaders.middleware.CorsMiddleware" for name in MIDDLEWARE],
    "CORS_ALLOWED_ORIGINS": ["https://example.com", "https://sub.example.com", "http://localhost:8080", "http://127.0.0.1:9000"],
    "CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://\w+\.example\.org$"],
    "CORS_URLS_REGEX": r"^/api/.*$",
    "CORS_ALLOW_METHODS": ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT", "POKE"),
    "CORS_ALLOW_HEADERS": (
        "accept",
        "authorization",
        "content-type",
        "user-agent",
        "x-csrftoken",
        "x-requested-with",
        "my-custom-header",
    ),
    "CORS_EXPOSE_HEADERS": ["X-Total-Count"],
    "CORS_PREFLIGHT_MAX_AGE": 600,
    "CORS_ALLOW_CREDENTIALS": True,
}
RENAMES = {"corsheaders": "wsgi_cors.django", "corsheaders.middleware.CorsMiddleware": "wsgi_cors.django.CorsMiddleware"}
WSGI_CORS_PROJECT = {
    name: [RENAMES.get(entry, entry) for entry in value] if name in ("INSTALLED_APPS", "MIDDLEWARE") else value
    for name, value in CORSHEADERS_PROJECT.items()
}
ORIGINS = [
    "https://example.com",
    "https://sub.example.com",
    "http://localhost:8080",
    "https://a.example.org",
    "https://evil.example",
    "https://example.com.evil.example",
    "null",
]


def test_only_two_entries_differ() -> None:
    changed = {name for name in CORSHEADERS_PROJECT if CORSHEADERS_PROJECT[name] != WSGI_CORS_PROJECT[name]}
    assert changed == {"INSTALLED_APPS", "MIDDLEWARE"}
    assert sum(a != b for a, b in zip(CORSHEADERS_PROJECT["MIDDLEWARE"], WSGI_CORS_PROJECT["MIDDLEWARE"])) == 1


def conversation(kind: str) -> list[tuple[str, ...]]:
    """What a browser would allow, for each origin: an actual GET (with credentials), preflights, a page outside /api/."""
    outcomes: list[tuple[str, ...]] = []
    for origin in ORIGINS:
        response = send(kind, "GET", "/api/json", Origin=origin)
        outcomes.append(
            (
                origin,
                "GET",
                str(
                    bool(
                        check_response(
                            origin=origin, credentials=True, status=response.status_code, headers=list(response.items())
                        )
                    )
                ),
                response.get("Access-Control-Expose-Headers", ""),
            )
        )
        for method, asked in (("PUT", ["my-custom-header"]), ("POKE", ["content-type"]), ("PUT", ["x-not-allowed"])):
            answer = preflight(kind, "/api/json", origin, method, ",".join(asked))
            granted = check_preflight(
                origin=origin,
                method=method,
                request_headers=asked,
                credentials=True,
                status=answer.status_code,
                headers=list(answer.items()),
            )
            outcomes.append((origin, method, ",".join(asked), str(bool(granted))))
        page = send(kind, "GET", "/page", Origin=origin)
        outcomes.append((origin, "page", str("Access-Control-Allow-Origin" in page)))
    return outcomes


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_the_renamed_project_grants_exactly_what_django_cors_headers_granted(
    kind: str, django_settings: Callable[..., Any]
) -> None:
    with django_settings(**CORSHEADERS_PROJECT):
        before = conversation(kind)
    with django_settings(**WSGI_CORS_PROJECT):
        after = conversation(kind)
    assert after == before
    assert ("https://a.example.org", "GET", "True", "X-Total-Count") in after  # the regex origin, read by both
    assert ("https://evil.example", "GET", "False", "") in after
