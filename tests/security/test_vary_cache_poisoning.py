"""Missing Vary and cache poisoning (anchors §3b; Flask-CORS, wsgicors, Starlette <= 1.3): every answer that depends on Origin says so.

Without ``Vary: Origin`` a shared or browser cache serves the response computed for one origin
(or for none) to another: a rejected answer breaks the allowed site, an allowed answer's ACAO
is replayed for the wrong page. Vary is merged into the app's own, never duplicated.
"""

from __future__ import annotations

import pytest

from wsgi_cors import CORSMiddleware, Location, MissingVaryWarning
from wsgi_cors import _problems as kinds
from wsgi_cors.testing import check_preflight, check_response

from .shared_cache import SharedCache
from .wsgi_call import app_with_headers, call, hello_app

TRUSTED = "https://app.example.com"
OTHER = "https://other.example.com"


def vary_tokens(value: str | None) -> list[str]:
    return [token.strip().lower() for token in (value or "").split(",") if token.strip()]


def test_allowed_actual_response_varies_on_origin() -> None:
    """Missing Vary: an allowed response carries its origin in ACAO and says Vary: Origin."""
    response = call(CORSMiddleware(hello_app, origins=[TRUSTED, OTHER]), "GET", "/", {"Origin": TRUSTED})
    assert response.get("Access-Control-Allow-Origin") == TRUSTED
    assert response.get("Vary") == "Origin"


def test_rejected_actual_response_varies_on_origin() -> None:
    """Missing Vary: a cached rejection must not be replayed to an allowed origin."""
    response = call(CORSMiddleware(hello_app, origins=[TRUSTED]), "GET", "/", {"Origin": "https://attacker.example"})
    assert response.get("Access-Control-Allow-Origin") is None
    assert response.get("Vary") == "Origin"


def test_request_without_origin_varies_on_origin() -> None:
    """Missing Vary: a same-origin or server-side fetch is cached too, and must not be replayed cross-origin."""
    response = call(CORSMiddleware(hello_app, origins=[TRUSTED, OTHER]), "GET", "/", {})
    assert response.get("Vary") == "Origin"


def test_allowed_and_rejected_preflights_vary_on_the_request_headers() -> None:
    """Missing Vary: preflight answers depend on Origin and every Access-Control-Request-* header, and say so whether allowed or not."""
    middleware = CORSMiddleware(hello_app, origins=[TRUSTED], allow_headers=["x-a"])
    allowed = call(middleware, "OPTIONS", "/", {"Origin": TRUSTED, "Access-Control-Request-Method": "PUT"})
    rejected = call(middleware, "OPTIONS", "/", {"Origin": OTHER, "Access-Control-Request-Method": "PUT"})
    for response in (allowed, rejected):
        assert vary_tokens(response.get("Vary")) == [
            "origin",
            "access-control-request-method",
            "access-control-request-headers",
            "access-control-request-private-network",
        ]


def test_app_vary_is_merged_into_one_header() -> None:
    """Missing Vary: the app's 'Vary: Accept-Encoding' gains Origin in the same header, not a second Vary."""
    middleware = CORSMiddleware(app_with_headers(("Vary", "Accept-Encoding")), origins=[TRUSTED])
    response = call(middleware, "GET", "/", {"Origin": TRUSTED})
    assert response.values("Vary") == ["Accept-Encoding, Origin"]


def test_app_vary_naming_origin_is_not_repeated() -> None:
    """Missing Vary: an app that already varies on origin (any case) keeps one token (tower-http #598)."""
    middleware = CORSMiddleware(app_with_headers(("vary", "origin, Cookie")), origins=[TRUSTED])
    response = call(middleware, "GET", "/", {"Origin": TRUSTED})
    assert response.values("Vary") == ["origin, Cookie"]


def test_app_vary_star_is_left_alone() -> None:
    """Missing Vary: 'Vary: *' already covers Origin."""
    middleware = CORSMiddleware(app_with_headers(("Vary", "*")), origins=[TRUSTED])
    response = call(middleware, "GET", "/", {"Origin": TRUSTED})
    assert response.values("Vary") == ["*"]


def test_wildcard_answer_is_star_for_every_admitted_origin_and_varies_on_origin() -> None:
    """Missing Vary: with send_wildcard the ACAO is '*' for every admitted origin; null is refused, so it is not constant and says Vary."""
    middleware = CORSMiddleware(hello_app, origins="*", send_wildcard=True)
    responses = [call(middleware, "GET", "/", headers) for headers in ({"Origin": TRUSTED}, {"Origin": OTHER}, {})]
    assert {response.get("Access-Control-Allow-Origin") for response in responses} == {"*"}
    assert {response.get("Vary") for response in responses} == {"Origin"}


@pytest.mark.parametrize(
    "first",
    [{"Origin": "null"}, {"Origin": "https://APP.example.com"}, {"Origin": TRUSTED + "/"}],
    ids=["null", "upper-case", "trailing-slash"],
)
def test_a_refused_origin_through_a_cache_does_not_break_the_wildcard_for_everyone(first: dict[str, str]) -> None:
    """Cache poisoning under send_wildcard: one request with Origin: null or a malformed origin through a CDN
    must not make the CDN serve the refusal, without ACAO, to every site."""
    cache = SharedCache(CORSMiddleware(hello_app, origins="*", send_wildcard=True))
    poisoned = cache.fetch("GET", "/rates", first)
    assert poisoned.get("Access-Control-Allow-Origin") is None
    verdict = check_response(origin=TRUSTED, status=200, headers=cache.fetch("GET", "/rates", {"Origin": TRUSTED}).headers)
    assert verdict.ok, verdict.reason


def test_a_request_without_origin_through_a_cache_does_not_break_the_wildcard_when_always_send_is_off() -> None:
    """Cache poisoning under send_wildcard: without always_send a request without Origin gets no ACAO; that copy is not for sites."""
    cache = SharedCache(CORSMiddleware(hello_app, origins="*", send_wildcard=True, always_send=False))
    assert cache.fetch("GET", "/rates", {}).get("Access-Control-Allow-Origin") is None
    verdict = check_response(origin=TRUSTED, status=200, headers=cache.fetch("GET", "/rates", {"Origin": TRUSTED}).headers)
    assert verdict.ok, verdict.reason


def test_the_wildcard_sent_without_origin_is_not_replayed_on_an_ambiguous_path() -> None:
    """Cache poisoning under send_wildcard: always_send's '*' for a request without Origin on '/public//x' must not reach a
    site, which that path refuses (path-ambiguous), through the cache."""
    cache = SharedCache(
        CORSMiddleware(
            hello_app, resources={r"/public/.*": {"origins": "*", "send_wildcard": True}, r"/.*": {"origins": [TRUSTED]}}
        )
    )
    cache.fetch("GET", "/public//admin", {})  # a crawler, or the site's own server-side fetch
    replayed = cache.fetch("GET", "/public//admin", {"Origin": OTHER})
    fresh = call(cache.app, "GET", "/public//admin", {"Origin": OTHER})
    assert (
        check_response(origin=OTHER, status=200, headers=replayed.headers).ok
        == check_response(origin=OTHER, status=200, headers=fresh.headers).ok
    )


def test_a_refused_private_network_preflight_through_a_cache_does_not_refuse_the_plain_one() -> None:
    """Missing Vary: with private network access off, 'Access-Control-Request-Private-Network: true' gets 403 and its absence
    200; the preflight's Vary names the header, so a cache keeps the two apart."""
    cache = SharedCache(CORSMiddleware(hello_app, origins=[TRUSTED]))
    request = {"Origin": TRUSTED, "Access-Control-Request-Method": "PUT"}
    assert cache.fetch("OPTIONS", "/", {**request, "Access-Control-Request-Private-Network": "true"}).code == 403
    response = cache.fetch("OPTIONS", "/", request)
    verdict = check_preflight(origin=TRUSTED, method="PUT", status=response.code, headers=response.headers)
    assert verdict.ok, verdict.reason


def test_vary_header_false_warns_that_a_cache_may_replay_answers() -> None:
    """Missing Vary: turning Vary off is allowed (the app may send its own) but warns, naming the option and the fix."""
    with pytest.warns(MissingVaryWarning) as caught:
        CORSMiddleware(hello_app, origins="*", send_wildcard=True, vary_header=False)
    assert [(w.message.problem.code, w.message.problem.location) for w in caught] == [  # type: ignore[attr-defined]
        (kinds.NO_VARY.code, Location("vary_header"))
    ]
    with pytest.warns(MissingVaryWarning) as caught:
        CORSMiddleware(hello_app, resources={"/api/*": {"origins": [TRUSTED], "vary_header": False}})
    assert [(w.message.problem.code, w.message.problem.location) for w in caught] == [  # type: ignore[attr-defined]
        (kinds.NO_VARY.code, Location("vary_header", rule="/api/*"))
    ]


def test_any_two_answers_that_differ_by_origin_both_vary_on_origin() -> None:
    """Missing Vary: whenever ACAO differs between two requests, both responses carry Vary: Origin."""
    middleware = CORSMiddleware(hello_app, origins=[TRUSTED, "https://*.example.org"])
    responses = [
        call(middleware, "GET", "/", headers)
        for headers in ({"Origin": TRUSTED}, {"Origin": "https://a.example.org"}, {"Origin": "https://attacker.example"}, {})
    ]
    assert len({response.get("Access-Control-Allow-Origin") for response in responses}) > 1
    for response in responses:
        assert "origin" in vary_tokens(response.get("Vary"))
