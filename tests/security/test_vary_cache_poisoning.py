"""Missing Vary and cache poisoning (anchors §3b; Flask-CORS, wsgicors, Starlette <= 1.3): every answer that depends on Origin says so.

Without ``Vary: Origin`` a shared or browser cache serves the response computed for one origin
(or for none) to another: a rejected answer breaks the allowed site, an allowed answer's ACAO
is replayed for the wrong page. Vary is merged into the app's own, never duplicated.
"""

from __future__ import annotations

from wsgi_cors import CORSMiddleware

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
        assert vary_tokens(response.get("Vary")) == ["origin", "access-control-request-method", "access-control-request-headers",
                                                     "access-control-request-private-network"]


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


def test_constant_wildcard_answer_is_the_same_for_every_origin() -> None:
    """Missing Vary: with send_wildcard the ACAO is '*' for every request, so a cached copy is right for everyone."""
    middleware = CORSMiddleware(hello_app, origins="*", send_wildcard=True)
    answers = {call(middleware, "GET", "/", headers).get("Access-Control-Allow-Origin")
               for headers in ({"Origin": TRUSTED}, {"Origin": OTHER}, {})}
    assert answers == {"*"}


def test_any_two_answers_that_differ_by_origin_both_vary_on_origin() -> None:
    """Missing Vary: whenever ACAO differs between two requests, both responses carry Vary: Origin."""
    middleware = CORSMiddleware(hello_app, origins=[TRUSTED, "https://*.example.org"])
    responses = [call(middleware, "GET", "/", headers) for headers in
                 ({"Origin": TRUSTED}, {"Origin": "https://a.example.org"}, {"Origin": "https://attacker.example"}, {})]
    assert len({response.get("Access-Control-Allow-Origin") for response in responses}) > 1
    for response in responses:
        assert "origin" in vary_tokens(response.get("Vary"))
