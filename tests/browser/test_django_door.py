"""Headless Chromium against examples/django_site behind wsgi_cors.django.CorsMiddleware (its own settings and views).

The example project is served by the API server (Django's WSGI handler mounted at ``/s/<scenario>/``,
which Django reads as ``SCRIPT_NAME``); each scenario overrides only the origins, to the test pages'.
"""

from __future__ import annotations

import os
from typing import Any, Iterator

import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_site.settings")

import django

django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from .conftest import Origins  # noqa: E402
from .driver import Session  # noqa: E402
from .servers import Recorder  # noqa: E402

APPLICATION = get_wsgi_application()


@pytest.fixture
def django_site(api: Recorder, origins: Origins) -> Iterator[Any]:
    """The example's settings, with page A as the allowed origin and, for Django's CSRF Origin check, a trusted one."""
    with override_settings(CORS_ALLOWED_ORIGINS=[origins.page_a], CSRF_TRUSTED_ORIGINS=[origins.page_a]):
        yield lambda scenario: api.mount(scenario, APPLICATION)


def test_an_allowed_origin_gets_the_answer_and_its_cookies(fresh_browser: Session, django_site: Any, origins: Origins) -> None:
    django_site("django-cookies")
    tab = fresh_browser.open(origins.page_a)
    first = tab.fetch("django-cookies", "/api/session", credentials="include")
    assert first.ok, first.explain()
    token = first.json_body()["csrftoken"]
    second = tab.fetch("django-cookies", "/api/session", credentials="include")
    assert second.ok, second.explain()
    assert "csrftoken=" in second.exchanges[0].headers.get("cookie", "")  # Set-Cookie of the first was kept
    assert second.exchanges[0].response_header("Access-Control-Allow-Credentials") == ["true"]
    assert token


def test_a_refused_origin_cannot_read_the_api(fresh_browser: Session, django_site: Any, origins: Origins) -> None:
    django_site("django-refused")
    outcome = fresh_browser.open(origins.page_b).fetch("django-refused", "/api/items")
    assert not outcome.ok, outcome.explain()
    assert "No 'Access-Control-Allow-Origin' header" in outcome.cors_error, outcome.explain()
    assert outcome.app_ran or outcome.exchanges[0].status == 200


def test_a_csrf_protected_post_after_its_preflight(fresh_browser: Session, django_site: Any, origins: Origins) -> None:
    """X-CSRFToken makes the POST preflighted; the door answers the preflight, Django's CSRF check passes the POST."""
    django_site("django-csrf")
    tab = fresh_browser.open(origins.page_a)
    token = tab.fetch("django-csrf", "/api/session", credentials="include").json_body()["csrftoken"]
    refused = tab.fetch(
        "django-csrf",
        "/api/session",
        method="POST",
        credentials="include",
        body="{}",
        headers={"Content-Type": "application/json"},
    )
    assert refused.ok and refused.js.status == 403, refused.explain()  # Django's CSRF 403, readable thanks to its CORS headers
    posted = tab.fetch(
        "django-csrf",
        "/api/session",
        method="POST",
        credentials="include",
        body="{}",
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    assert posted.ok and posted.js.status == 200, posted.explain()
    assert [exchange.method for exchange in posted.exchanges] == ["OPTIONS", "POST"]
    assert posted.json_body() == {"notes": 1}


def test_a_per_view_policy_admits_what_the_settings_do_not(fresh_browser: Session, django_site: Any, origins: Origins) -> None:
    django_site("django-per-view")
    tab = fresh_browser.open(origins.page_b)
    public = tab.fetch("django-per-view", "/public")
    assert public.ok and public.exchanges[0].response_header("Access-Control-Allow-Origin") == ["*"], public.explain()
    assert public.json_body() == {"public": True}
    assert not tab.fetch("django-per-view", "/api/items").ok
