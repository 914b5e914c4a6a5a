"""A minimal real Django application for the benchmark: one view, settings configured in-process.

Django's settings can be configured once per process, so every Django variant is built from the one
configuration below: ``WSGIHandler()`` loads ``settings.MIDDLEWARE`` when it is constructed, so each
handler is built with its own middleware list in place, and the list is restored afterwards. The
django-cors-headers settings are read per request and only matter to the handler that has its
middleware.

Because the configuration is global, the benchmark's Django handlers must not be built in a process that
runs other Django code (the test suite's examples configure their own project): the smoke test checks
them in a subprocess.
"""

from __future__ import annotations

import importlib.util
from typing import Any, Dict, List

from .apps import ALLOWED_ORIGIN, ALLOWED_REQUEST_HEADERS

# The policy of the base workloads, in django-cors-headers' terms (its defaults differ: six headers, a day's max-age).
CORS_SETTINGS: Dict[str, Any] = {
    "CORS_ALLOWED_ORIGINS": [ALLOWED_ORIGIN],
    "CORS_ALLOW_HEADERS": [name.lower() for name in ALLOWED_REQUEST_HEADERS],
    "CORS_ALLOW_METHODS": ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"],
    "CORS_ALLOW_CREDENTIALS": False,
    "CORS_PREFLIGHT_MAX_AGE": 0,  # wsgi_cors sends no Access-Control-Max-Age unless max_age is set
}
MIDDLEWARE = {
    "django": [],
    "django+corsheaders": ["corsheaders.middleware.CorsMiddleware"],
    # wsgi_cors's own Django door on the same settings (tests/benchmarks/django_door.py compares it, sync and async).
    "django+door": ["wsgi_cors.django.CorsMiddleware"],
}

_handlers: Dict[str, Any] = {}


def view(request: Any, path: str = "") -> Any:
    from django.http import HttpResponse

    return HttpResponse(b"ok", content_type="text/plain; charset=utf-8")


def _urlpatterns() -> List[Any]:
    from django.urls import re_path

    return [re_path(r"^(?P<path>.*)$", view)]


def __getattr__(name: str) -> Any:
    # ROOT_URLCONF points at this module; the URL patterns are built on first use, once Django is set up.
    if name == "urlpatterns":
        patterns = _urlpatterns()
        globals()["urlpatterns"] = patterns
        return patterns
    raise AttributeError(name)


def configure() -> None:
    """Configure Django for the benchmark, once; refuse if someone else configured it differently."""
    import django
    from django.conf import settings

    if settings.configured:
        if getattr(settings, "ROOT_URLCONF", None) != __name__:
            raise RuntimeError(
                "Django is already configured by other code in this process (run the benchmark in its own process)"
            )
        return
    # As a project using django-cors-headers lists it (its system checks); without it, bare Django still runs.
    installed = ["corsheaders"] if importlib.util.find_spec("corsheaders") else []
    settings.configure(
        DEBUG=False,
        SECRET_KEY="benchmark-only-not-secret",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=installed,
        MIDDLEWARE=[],
        DATABASES={},
        USE_TZ=True,
        USE_I18N=False,
        **CORS_SETTINGS,
    )
    django.setup(set_prefix=False)


def handler(kind: str) -> Any:
    """Django's WSGI handler with the middleware of ``kind`` (``django`` or ``django+corsheaders``); built once."""
    if kind not in MIDDLEWARE:
        raise ValueError(f"unknown Django variant {kind!r}")
    if kind not in _handlers:
        configure()
        from django.conf import settings
        from django.core.handlers.wsgi import WSGIHandler

        previous = settings.MIDDLEWARE
        settings.MIDDLEWARE = MIDDLEWARE[kind]
        try:
            _handlers[kind] = WSGIHandler()
        finally:
            settings.MIDDLEWARE = previous
    return _handlers[kind]
