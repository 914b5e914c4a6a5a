"""The middleware's place in Django: preflights answered first, every response on a covered path carrying the headers."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import pytest
from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import override_settings

from wsgi_cors.django import CorsMiddleware

from .conftest import MIDDLEWARE, ORIGIN, OTHER
from .helpers import KINDS, cors_headers, preflight, send

LOGIN_REQUIRED = [*MIDDLEWARE, "django.contrib.auth.middleware.LoginRequiredMiddleware"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_preflight_is_answered_before_login_required_and_the_view(kind: str, django_settings: Callable[..., Any]) -> None:
    """LoginRequiredMiddleware (Django 5.1+) would redirect the preflight to the login page; the door answers first."""
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], MIDDLEWARE=LOGIN_REQUIRED, LOGIN_URL="/login"):
        response = preflight(kind, "/api/broken", ORIGIN, "POST")
        assert response.status_code == 200 and response.content == b""
        assert response["Access-Control-Allow-Origin"] == ORIGIN


@pytest.mark.parametrize("kind", KINDS)
def test_a_login_redirect_carries_the_cors_headers(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], MIDDLEWARE=LOGIN_REQUIRED, LOGIN_URL="/login"):
        response = send(kind, "GET", "/api/plain", Origin=ORIGIN)
        assert response.status_code == 302 and response["Location"].startswith("/login")
        assert response["Access-Control-Allow-Origin"] == ORIGIN


@pytest.mark.parametrize("kind", KINDS)
def test_a_csrf_403_carries_the_cors_headers(kind: str, django_settings: Callable[..., Any]) -> None:
    """The page can read Django's CSRF refusal instead of seeing a network error."""
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_ALLOW_CREDENTIALS=True):
        response = send(kind, "POST", "/api/protected", enforce_csrf_checks=True, Origin=ORIGIN)
        assert response.status_code == 403
        assert cors_headers(response) == {
            "access-control-allow-origin": ORIGIN,
            "access-control-allow-credentials": "true",
            "vary": "Origin",
        }


@pytest.mark.parametrize("kind", KINDS)
def test_an_append_slash_redirect_carries_the_cors_headers(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN]):
        response = send(kind, "GET", "/api/slash", Origin=ORIGIN)
        assert response.status_code == 301 and response["Location"] == "/api/slash/"
        assert response["Access-Control-Allow-Origin"] == ORIGIN


@pytest.mark.parametrize("kind", KINDS)
def test_404_and_500_pages_carry_the_cors_headers(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN]):
        missing = send(kind, "GET", "/api/missing", Origin=ORIGIN)
        assert missing.status_code == 404 and missing["Access-Control-Allow-Origin"] == ORIGIN
        broken = send(kind, "GET", "/api/broken", Origin=ORIGIN)
        assert broken.status_code == 500 and broken["Access-Control-Allow-Origin"] == ORIGIN


@pytest.mark.parametrize("kind", KINDS)
def test_the_apps_own_cors_headers_are_replaced_and_vary_is_merged(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN]):
        allowed = send(kind, "GET", "/api/own", Origin=ORIGIN)
        assert cors_headers(allowed) == {"access-control-allow-origin": ORIGIN, "vary": "Accept-Encoding, Origin"}
        refused = send(kind, "GET", "/api/own", Origin=OTHER)
        assert cors_headers(refused) == {"vary": "Accept-Encoding, Origin"}  # the view's "*" grant is gone


@pytest.mark.parametrize("kind", KINDS)
def test_a_refused_request_is_logged_with_its_reason(
    kind: str, django_settings: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN]), caplog.at_level(logging.INFO, logger="wsgi_cors"):
        send(kind, "GET", "/api/plain", Origin=OTHER)
    assert [record.getMessage() for record in caplog.records if record.name == "wsgi_cors"] == [
        "CORS actual request rejected [origin-not-allowed]: origin 'https://evil.example' is not allowed by rule '/*' "
        "(origin='https://evil.example' method='GET' path='/api/plain')"
    ]


def test_settings_changed_at_run_time_take_effect_on_the_next_request(django_settings: Callable[..., Any]) -> None:
    """override_settings (Django's setting_changed signal) rebuilds the policy; the same client, the same middleware."""
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN]):
        client = Client()
        assert client.get("/api/plain", headers={"Origin": OTHER}).get("Access-Control-Allow-Origin") is None
        with override_settings(CORS_ALLOWED_ORIGINS=[OTHER]):
            assert client.get("/api/plain", headers={"Origin": OTHER})["Access-Control-Allow-Origin"] == OTHER
        assert client.get("/api/plain", headers={"Origin": OTHER}).get("Access-Control-Allow-Origin") is None


def test_the_middleware_is_async_capable_without_a_thread_hop() -> None:
    """Django's protocol: with an async get_response it is a coroutine function, awaiting the next layer directly."""

    async def get_response(request: HttpRequest) -> HttpResponse:
        return HttpResponse("async view")

    def get_response_sync(request: HttpRequest) -> HttpResponse:
        return HttpResponse("sync view")

    assert CorsMiddleware.sync_capable and CorsMiddleware.async_capable
    assert iscoroutinefunction(CorsMiddleware(get_response))
    assert not iscoroutinefunction(CorsMiddleware(get_response_sync))
    with override_settings(CORS_ALLOWED_ORIGINS=[ORIGIN]):
        request = HttpRequest()
        request.method, request.path_info = "GET", "/api/plain"
        request.META["HTTP_ORIGIN"] = ORIGIN
        with ThreadPoolExecutor(1) as worker:  # a loop of its own, whatever runs in this thread
            response = worker.submit(asyncio.run, CorsMiddleware(get_response)(request)).result()
    assert response.content == b"async view" and response["Access-Control-Allow-Origin"] == ORIGIN


def test_a_bad_configuration_fails_at_start_up(django_settings: Callable[..., Any]) -> None:
    """Checks do not run in production: building the middleware (Django's start-up) refuses, naming every problem."""
    from django.core.exceptions import ImproperlyConfigured

    with django_settings(CORS_ALLOWED_ORIGIN=[ORIGIN], CORS_ALLOWED_ORIGINS=["app.example.com"]):
        with pytest.raises(ImproperlyConfigured) as raised:
            CorsMiddleware(lambda request: HttpResponse())
    message = str(raised.value)
    assert "[wsgi_cors.django.E001] CORS_ALLOWED_ORIGIN=" in message and "did you mean CORS_ALLOWED_ORIGINS?" in message
    assert "CORS_ALLOWED_ORIGINS[0]='app.example.com': an origin needs a scheme" in message
