"""Per-view policies (@cors, found with Django's URL resolver) and run-time origin decisions (WSGI_CORS_ORIGIN_RESOLVER)."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from django.http import HttpRequest

from .conftest import ORIGIN, OTHER
from .helpers import KINDS, cors_headers, preflight, send
from .urls import PARTNER

pytestmark = pytest.mark.parametrize("kind", KINDS)
WRITER = "https://writer.example"


def test_a_function_views_policy_replaces_the_settings(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_URLS_REGEX=r"^/api/"):
        assert cors_headers(send(kind, "GET", "/partner", Origin=PARTNER)) == {
            "access-control-allow-origin": PARTNER,
            "access-control-allow-credentials": "true",
            "vary": "Origin",
        }
        assert "Access-Control-Allow-Origin" not in send(kind, "GET", "/partner", Origin=ORIGIN)
        assert "Access-Control-Allow-Origin" not in send(kind, "GET", "/api/plain", Origin=PARTNER)


def test_a_view_policy_inherits_the_other_settings(kind: str, django_settings: Callable[..., Any]) -> None:
    """The view's options go over the settings': CORS_ALLOW_HEADERS still applies, and a change of it too."""
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_ALLOW_HEADERS=["x-api-key"]):
        assert preflight(kind, "/partner", PARTNER, "POST", "x-api-key").status_code == 200
        assert preflight(kind, "/partner", PARTNER, "POST", "x-other").status_code == 403
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_ALLOW_HEADERS=["x-other"]):
        assert preflight(kind, "/partner", PARTNER, "POST", "x-other").status_code == 200


def test_cors_works_beside_other_view_decorators(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN]):
        assert send(kind, "GET", "/partner/exempt", Origin=PARTNER)["Access-Control-Allow-Origin"] == PARTNER


def test_a_class_based_views_policy_and_a_methods_own(kind: str, django_settings: Callable[..., Any]) -> None:
    """The class's policy for GET; post's own for POST, a preflight included (it asks for POST)."""
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN]):
        assert send(kind, "GET", "/partner/class", Origin=PARTNER)["Access-Control-Allow-Origin"] == PARTNER
        assert "Access-Control-Allow-Origin" not in send(kind, "GET", "/partner/class", Origin=WRITER)
        answer = preflight(kind, "/partner/class", WRITER, "POST")
        assert answer.status_code == 200 and answer["Access-Control-Allow-Methods"] == "POST"
        assert preflight(kind, "/partner/class", PARTNER, "POST").status_code == 403
        assert send(kind, "POST", "/partner/class", Origin=WRITER)["Access-Control-Allow-Origin"] == WRITER


def test_a_policy_on_one_method_only(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN]):
        assert preflight(kind, "/partner/method", PARTNER, "PUT").status_code == 200
        assert "Access-Control-Allow-Origin" not in send(kind, "GET", "/partner/method", Origin=PARTNER)
        assert send(kind, "GET", "/partner/method", Origin=ORIGIN)["Access-Control-Allow-Origin"] == ORIGIN


@pytest.mark.parametrize("spelling", ["/partner/", "//partner", "/./partner", "/Partner"])
def test_a_path_the_router_does_not_give_to_the_view_does_not_get_its_policy(
    kind: str, spelling: str, django_settings: Callable[..., Any]
) -> None:
    """Django's resolver decides which view runs, so it decides which policy applies: no spelling gets the view's policy."""
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN]):
        response = send(kind, "GET", spelling, Origin=PARTNER)
        assert response.status_code in (301, 404)
        assert "Access-Control-Allow-Origin" not in response


def test_the_resolver_decides_an_unlisted_origin_with_the_request(kind: str, django_settings: Callable[..., Any]) -> None:
    calls: list[tuple[str, str]] = []

    def from_database(request: HttpRequest, origin: str) -> bool:
        calls.append((request.path_info, origin))
        return origin.endswith(".customer.example")

    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], WSGI_CORS_ORIGIN_RESOLVER=from_database):
        assert (
            send(kind, "GET", "/api/plain", Origin="https://a.customer.example")["Access-Control-Allow-Origin"]
            == "https://a.customer.example"
        )
        assert "Access-Control-Allow-Origin" not in send(kind, "GET", "/api/plain", Origin=OTHER)
        assert send(kind, "GET", "/api/plain", Origin=ORIGIN)["Access-Control-Allow-Origin"] == ORIGIN  # listed: not asked
        assert preflight(kind, "/api/plain", "https://b.customer.example").status_code == 200
        send(kind, "GET", "/api/plain", Origin="https://bad origin\r\n")  # malformed: refused before the resolver
        send(kind, "GET", "/api/plain", Origin="null")
    assert calls == [
        ("/api/plain", "https://a.customer.example"),
        ("/api/plain", OTHER),
        ("/api/plain", "https://b.customer.example"),
    ]


def test_a_failing_resolver_refuses_the_origin(kind: str, django_settings: Callable[..., Any]) -> None:
    def broken(request: HttpRequest, origin: str) -> bool:
        raise LookupError("database down")

    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], WSGI_CORS_ORIGIN_RESOLVER=broken):
        response = send(kind, "GET", "/api/plain", Origin=OTHER)
        assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response


def test_the_resolver_may_be_a_dotted_path(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(WSGI_CORS_ORIGIN_RESOLVER="tests.django.test_views_and_resolver.allow_partner"):
        assert send(kind, "GET", "/api/plain", Origin=PARTNER)["Access-Control-Allow-Origin"] == PARTNER


def allow_partner(request: HttpRequest, origin: str) -> bool:
    return origin == PARTNER
