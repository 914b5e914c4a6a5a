"""Where wsgi_cors.django deliberately differs from django-cors-headers, each shown beside django-cors-headers itself.

Both middlewares run on the same settings and the same requests; only the MIDDLEWARE entry changes.
"""

from __future__ import annotations

import re
import warnings
from typing import Any, Callable

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse

from wsgi_cors.django import CorsMiddleware
from wsgi_cors.errors import CORSConfigWarning

from .conftest import DOOR, MIDDLEWARE, ORIGIN, OTHER
from .helpers import preflight, send

CORSHEADERS = [name if name != DOOR else "corsheaders.middleware.CorsMiddleware" for name in MIDDLEWARE]


def build() -> CorsMiddleware:
    return CorsMiddleware(lambda request: HttpResponse())


def test_origin_regexes_match_the_whole_origin_not_a_prefix(django_settings: Callable[..., Any]) -> None:
    """django-cors-headers uses re.match: r'https://\\w+\\.example\\.com' also admits https://a.example.com.evil.net."""
    lookalike = "https://a.example.com.evil.net"
    settings = {"CORS_ALLOWED_ORIGIN_REGEXES": [r"https://\w+\.example\.com"]}
    with django_settings(**settings, MIDDLEWARE=CORSHEADERS):
        assert send("sync", "GET", "/api/plain", Origin=lookalike)["Access-Control-Allow-Origin"] == lookalike
    with django_settings(**settings):
        assert "Access-Control-Allow-Origin" not in send("sync", "GET", "/api/plain", Origin=lookalike)
        assert (
            send("sync", "GET", "/api/plain", Origin="https://a.example.com")["Access-Control-Allow-Origin"]
            == "https://a.example.com"
        )


def test_all_origins_with_credentials_is_refused(django_settings: Callable[..., Any]) -> None:
    """django-cors-headers reflects every origin with credentials: any website reads the user's data."""
    settings = {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_CREDENTIALS": True}
    with django_settings(**settings, MIDDLEWARE=CORSHEADERS):
        response = send("sync", "GET", "/api/plain", Origin=OTHER)
        assert (response["Access-Control-Allow-Origin"], response["Access-Control-Allow-Credentials"]) == (OTHER, "true")
    with django_settings(**settings):
        with pytest.raises(ImproperlyConfigured, match=r"\[wsgi_cors\.E026\] CORS_ALLOW_ALL_ORIGINS="):
            build()


def test_private_network_access_for_every_origin_is_refused(django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOW_PRIVATE_NETWORK=True):
        with pytest.raises(ImproperlyConfigured, match=r"\[wsgi_cors\.E032\] CORS_ALLOW_ALL_ORIGINS="):
            build()


def test_max_age_above_the_browsers_caps_is_warned(django_settings: Callable[..., Any]) -> None:
    """django-cors-headers' default, 86400, is above Chromium's 7200 cap: written explicitly it warns."""
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_PREFLIGHT_MAX_AGE=86400):
        with pytest.warns(CORSConfigWarning, match="Chromium caps Access-Control-Max-Age at 7200"):
            assert preflight("sync", "/api/plain", ORIGIN)["Access-Control-Max-Age"] == "86400"


def test_unset_max_age_is_what_chromium_honours(django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], MIDDLEWARE=CORSHEADERS):
        assert preflight("sync", "/api/plain", ORIGIN)["Access-Control-Max-Age"] == "86400"
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN]), warnings.catch_warnings():
        warnings.simplefilter("error")
        assert preflight("sync", "/api/plain", ORIGIN)["Access-Control-Max-Age"] == "7200"


def test_a_refused_preflight_is_a_403_without_cors_headers(django_settings: Callable[..., Any]) -> None:
    """django-cors-headers answers 200 without CORS headers; a non-ok status is what Fetch expects and logs show."""
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], MIDDLEWARE=CORSHEADERS):
        assert preflight("sync", "/api/plain", OTHER).status_code == 200
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN]):
        response = preflight("sync", "/api/plain", OTHER)
        assert response.status_code == 403
        assert not [name for name in response.headers if name.lower().startswith("access-control-")]


def test_an_unknown_cors_setting_is_an_error_not_ignored(django_settings: Callable[..., Any]) -> None:
    """A typo in a setting name leaves django-cors-headers with its default, silently."""
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_ALLOW_CREDENTIAL=True):
        with pytest.raises(
            ImproperlyConfigured,
            match=r"wsgi_cors\.django\.E001\] CORS_ALLOW_CREDENTIAL=True: unknown CORS setting. "
            r"Fix: did you mean CORS_ALLOW_CREDENTIALS\?",
        ):
            build()


def test_an_origin_that_is_a_regex_belongs_in_the_regexes(django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[r"^https://.*\.example\.com$"]):
        with pytest.raises(
            ImproperlyConfigured, match=r"E007\] CORS_ALLOWED_ORIGINS\[0\]=.*move it to CORS_ALLOWED_ORIGIN_REGEXES"
        ):
            build()


def test_a_regex_setting_may_hold_compiled_patterns(django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGIN_REGEXES=[re.compile(r"https://(www\.)?example\.org")]):
        assert (
            send("sync", "GET", "/api/plain", Origin="https://www.example.org")["Access-Control-Allow-Origin"]
            == "https://www.example.org"
        )
