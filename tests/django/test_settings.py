"""Every django-cors-headers setting, read by wsgi_cors.django with its meaning and default, through both clients.

Each test names the setting it proves; the deliberate differences from django-cors-headers are in
test_differences.py.
"""

from __future__ import annotations

import re
import warnings
from typing import Any, Callable

import pytest

from wsgi_cors.errors import CORSConfigWarning

from .conftest import ORIGIN, OTHER
from .helpers import KINDS, cors_headers, preflight, send

pytestmark = pytest.mark.parametrize("kind", KINDS)


def test_default_allows_no_origin(kind: str, django_settings: Callable[..., Any]) -> None:
    """django-cors-headers' secure default: CORS_ALLOWED_ORIGINS = [] allows nobody."""
    with django_settings(), warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)  # "an empty origins list allows no cross-origin request"
        response = send(kind, "GET", "/api/plain", Origin=ORIGIN)
        assert response.status_code == 200
        assert cors_headers(response) == {"vary": "Origin"}
        assert preflight(kind, "/api/plain", ORIGIN).status_code == 403


def test_cors_allowed_origins_reflects_a_listed_origin(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN]):
        assert cors_headers(send(kind, "GET", "/api/plain", Origin=ORIGIN)) == {
            "access-control-allow-origin": ORIGIN,
            "vary": "Origin",
        }
        assert cors_headers(send(kind, "GET", "/api/plain", Origin=OTHER)) == {"vary": "Origin"}


def test_a_request_without_origin_gets_only_vary(kind: str, django_settings: Callable[..., Any]) -> None:
    """As django-cors-headers: no ACAO without an Origin header (always_send=False), but Vary: Origin for caches."""
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN]):
        assert cors_headers(send(kind, "GET", "/api/plain")) == {"vary": "Origin"}


def test_cors_origin_whitelist_is_the_older_name(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ORIGIN_WHITELIST=[ORIGIN]):
        assert send(kind, "GET", "/api/plain", Origin=ORIGIN)["Access-Control-Allow-Origin"] == ORIGIN


def test_the_new_name_wins_over_the_older_one_with_a_warning(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_ORIGIN_WHITELIST=[OTHER]):
        with pytest.warns(CORSConfigWarning, match=r"wsgi_cors\.django\.W001.*CORS_ORIGIN_WHITELIST"):
            response = send(kind, "GET", "/api/plain", Origin=OTHER)
        assert "Access-Control-Allow-Origin" not in response


def test_cors_allowed_origin_regexes_match_an_origin(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://\w+\.example\.com$", re.compile(r"https://api\.example\.org")]):
        assert (
            send(kind, "GET", "/api/plain", Origin="https://sub.example.com")["Access-Control-Allow-Origin"]
            == "https://sub.example.com"
        )
        assert (
            send(kind, "GET", "/api/plain", Origin="https://api.example.org")["Access-Control-Allow-Origin"]
            == "https://api.example.org"
        )
        assert "Access-Control-Allow-Origin" not in send(kind, "GET", "/api/plain", Origin="https://example.net")


def test_cors_origin_regex_whitelist_is_the_older_name(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ORIGIN_REGEX_WHITELIST=[r"^https://\w+\.example\.com$"]):
        assert (
            send(kind, "GET", "/api/plain", Origin="https://sub.example.com")["Access-Control-Allow-Origin"]
            == "https://sub.example.com"
        )


def test_cors_allow_all_origins_answers_a_wildcard(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOW_ALL_ORIGINS=True):
        assert cors_headers(send(kind, "GET", "/api/plain", Origin=OTHER)) == {
            "access-control-allow-origin": "*",
            "vary": "Origin",
        }


def test_cors_origin_allow_all_is_the_older_name(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ORIGIN_ALLOW_ALL=True):
        assert send(kind, "GET", "/api/plain", Origin=OTHER)["Access-Control-Allow-Origin"] == "*"


def test_cors_urls_regex_limits_the_covered_paths(kind: str, django_settings: Callable[..., Any]) -> None:
    """Matched at the start of request.path_info, as django-cors-headers' re.match does; other paths are untouched."""
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_URLS_REGEX=r"^/api/"):
        assert send(kind, "GET", "/api/plain", Origin=ORIGIN)["Access-Control-Allow-Origin"] == ORIGIN
        assert cors_headers(send(kind, "GET", "/page", Origin=ORIGIN)) == {}
        assert preflight(kind, "/page", ORIGIN).status_code != 200 or "Access-Control-Allow-Origin" not in preflight(
            kind, "/page", ORIGIN
        )


def test_cors_allow_methods_is_what_a_preflight_may_ask_for(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_ALLOW_METHODS=["GET", "POST"]):
        response = preflight(kind, "/api/plain", ORIGIN, "POST")
        assert response.status_code == 200
        assert response["Access-Control-Allow-Methods"] == "GET, POST"
        assert preflight(kind, "/api/plain", ORIGIN, "DELETE").status_code == 403


def test_cors_allow_methods_default_is_django_cors_headers(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN]):
        assert (
            preflight(kind, "/api/plain", ORIGIN, "PATCH")["Access-Control-Allow-Methods"]
            == "DELETE, GET, OPTIONS, PATCH, POST, PUT"
        )


def test_cors_allow_headers_default_admits_its_six_headers(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN]):
        asked = "accept,authorization,content-type,user-agent,x-csrftoken,x-requested-with"
        response = preflight(kind, "/api/plain", ORIGIN, "POST", asked)
        assert response.status_code == 200 and response["Access-Control-Allow-Headers"] == asked.replace(",", ", ")
        assert preflight(kind, "/api/plain", ORIGIN, "POST", "x-api-key").status_code == 403


def test_cors_allow_headers_lists_the_request_headers(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_ALLOW_HEADERS=["X-Api-Key"]):
        assert preflight(kind, "/api/plain", ORIGIN, "POST", "x-api-key")["Access-Control-Allow-Headers"] == "x-api-key"
        assert preflight(kind, "/api/plain", ORIGIN, "POST", "content-type").status_code == 403


def test_cors_expose_headers_on_actual_requests(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_EXPOSE_HEADERS=["X-Total-Count", "X-Page"]):
        assert send(kind, "GET", "/api/plain", Origin=ORIGIN)["Access-Control-Expose-Headers"] == "X-Page, X-Total-Count"


def test_cors_preflight_max_age(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_PREFLIGHT_MAX_AGE=600):
        assert preflight(kind, "/api/plain", ORIGIN)["Access-Control-Max-Age"] == "600"


def test_cors_preflight_max_age_zero_sends_no_header(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_PREFLIGHT_MAX_AGE=0):
        assert "Access-Control-Max-Age" not in preflight(kind, "/api/plain", ORIGIN)


def test_cors_allow_credentials(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_ALLOW_CREDENTIALS=True):
        assert cors_headers(send(kind, "GET", "/api/plain", Origin=ORIGIN)) == {
            "access-control-allow-origin": ORIGIN,
            "access-control-allow-credentials": "true",
            "vary": "Origin",
        }
        assert preflight(kind, "/api/plain", ORIGIN)["Access-Control-Allow-Credentials"] == "true"


def test_cors_allow_private_network(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_ALLOW_PRIVATE_NETWORK=True):
        response = preflight(kind, "/api/plain", ORIGIN, **{"Access-Control-Request-Private-Network": "true"})
        assert response.status_code == 200 and response["Access-Control-Allow-Private-Network"] == "true"
        assert "Access-Control-Allow-Private-Network" not in preflight(kind, "/api/plain", ORIGIN)


def test_the_native_setting_takes_every_option_with_resources(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(
        WSGI_CORS={
            "origins": [ORIGIN],
            "max_age": 60,
            "resources": {r"/api/json": {"origins": [OTHER], "supports_credentials": True}, r"/api/*": {}},
        }
    ):
        assert send(kind, "GET", "/api/plain", Origin=ORIGIN)["Access-Control-Allow-Origin"] == ORIGIN
        assert "Access-Control-Allow-Origin" not in send(kind, "GET", "/api/plain", Origin=OTHER)
        assert cors_headers(send(kind, "GET", "/api/json", Origin=OTHER)) == {
            "access-control-allow-origin": OTHER,
            "access-control-allow-credentials": "true",
            "vary": "Origin",
        }
        assert cors_headers(send(kind, "GET", "/page", Origin=ORIGIN)) == {}
        assert preflight(kind, "/api/plain", ORIGIN)["Access-Control-Max-Age"] == "60"


def test_the_native_setting_adds_to_the_cors_settings(kind: str, django_settings: Callable[..., Any]) -> None:
    with django_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], WSGI_CORS={"preflight_status": 204}):
        response = preflight(kind, "/api/plain", ORIGIN)
        assert response.status_code == 204 and response["Access-Control-Allow-Origin"] == ORIGIN
        assert "Content-Length" not in response
