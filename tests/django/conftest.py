"""Django for the door's tests: the example project's settings (one Django configuration per process, shared with
tests/test_framework_examples.py), with each test's CORS settings, middleware and URLconf put in place by
``override_settings`` and taken away after it.

``django_settings`` starts every test from django-cors-headers' defaults: the example's ``CORS_*`` settings are
deleted (``override_settings`` cannot unset, so they are deleted inside one) and only the test's are set.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any, Callable, Iterator

import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_site.settings")

import django
from django.conf import settings

django.setup()

from django.core.signals import setting_changed  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

if settings.SETTINGS_MODULE != "examples.django_site.settings":  # pragma: no cover - a misconfigured run
    raise RuntimeError(f"tests/django needs the example project's settings, not {settings.SETTINGS_MODULE!r}")

ORIGIN = "https://app.example.com"
OTHER = "https://evil.example"
DOOR = "wsgi_cors.django.CorsMiddleware"
# The example project's stack, with the door first; tests/django/urls.py as the URLconf.
MIDDLEWARE = [
    DOOR,
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
CORS_NAMES = ("WSGI_CORS", "WSGI_CORS_ORIGIN_RESOLVER")


@contextlib.contextmanager
def cors_settings(**values: Any) -> Iterator[None]:
    """Exactly these CORS settings (others unset: django-cors-headers' defaults), the test stack and URLconf."""
    base: dict[str, Any] = {"MIDDLEWARE": MIDDLEWARE, "ROOT_URLCONF": "tests.django.urls"}
    base.update({name: value for name, value in values.items() if not name.startswith(("CORS_", "WSGI_CORS"))})
    with override_settings(**base):
        for name in [name for name in dir(settings) if name.startswith("CORS_") or name in CORS_NAMES]:
            delattr(settings, name)
            setting_changed.send(sender=settings.__class__, setting=name, value=None, enter=True)
        cors_values = {name: value for name, value in values.items() if name.startswith(("CORS_", "WSGI_CORS"))}
        with override_settings(**cors_values):
            yield
    for name in CORS_NAMES + tuple(name for name in dir(settings) if name.startswith("CORS_")):
        setting_changed.send(sender=settings.__class__, setting=name, value=None, enter=False)


@pytest.fixture
def django_settings() -> Callable[..., Any]:
    """``with django_settings(CORS_ALLOWED_ORIGINS=[...]):`` (see cors_settings)."""
    return cors_settings
