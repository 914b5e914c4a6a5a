"""wsgi_cors in a real browser: each test is one scenario, judged by headless Chromium.

Every scenario mounts ``CORSMiddleware`` around the echo app at its own path on the API server,
opens a page on another origin, and calls ``fetch()`` from it. Each fetch is judged twice (by
Chromium, and by :mod:`wsgi_cors.testing` on the exact responses the server sent) and the two must
agree; the test then asserts what JavaScript saw and what the server saw.

Origins (see conftest): pages ``page_a`` and ``page_b`` are 127.0.0.1 on two ports; the API is
127.0.0.1 on a third; ``localhost_page``/``subdomain_page`` are page A under other host names.
"""

from __future__ import annotations

import warnings
from typing import Any
from urllib.parse import quote

from wsgi_cors import CORSConfigWarning, CORSMiddleware

from .conftest import Origins
from .driver import Outcome, Session
from .servers import EchoApp, Recorder

OTHER = "https://other.example"


def cors(**options: Any) -> CORSMiddleware:
    """CORSMiddleware around the echo app. Loopback origins are plain http, so the insecure-origin
    warnings are expected here and silenced (pytest turns CORSConfigWarning into an error)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)
        return CORSMiddleware(EchoApp(), **options)


def response_header(outcome: Outcome, name: str) -> list[str]:
    """Values of ``name`` in the final response the server sent."""
    return outcome.exchanges[-1].response_header(name)


# --- origins ------------------------------------------------------------------------------------


def test_exact_origin_is_allowed(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("exact-origin", cors(origins=[origins.page_a]))
    outcome = browser.open(origins.page_a).fetch("exact-origin", "/x")
    assert outcome.ok, outcome.explain()
    assert outcome.js.status == 200
    assert outcome.preflights == []
    assert response_header(outcome, "Access-Control-Allow-Origin") == [origins.page_a]
    assert "origin" in response_header(outcome, "Vary")[0].lower()


def test_unlisted_origin_is_blocked_although_the_app_ran(browser: Session, api: Recorder, origins: Origins) -> None:
    """CORS protects the response, not the server: a simple request still reaches the app."""
    api.mount("unlisted-origin", cors(origins=[OTHER]))
    outcome = browser.open(origins.page_a).fetch("unlisted-origin", "/x")
    assert not outcome.ok, outcome.explain()
    assert "No 'Access-Control-Allow-Origin' header is present" in outcome.cors_error, outcome.explain()
    assert outcome.app_ran


def test_any_origin_is_reflected_by_default(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("star-reflect", cors(origins="*"))
    outcome = browser.open(origins.page_a).fetch("star-reflect", "/x")
    assert outcome.ok, outcome.explain()
    assert response_header(outcome, "Access-Control-Allow-Origin") == [origins.page_a]


def test_send_wildcard_answers_star(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("star-wildcard", cors(origins="*", send_wildcard=True))
    outcome = browser.open(origins.page_a).fetch("star-wildcard", "/x")
    assert outcome.ok, outcome.explain()
    assert response_header(outcome, "Access-Control-Allow-Origin") == ["*"]


def test_star_answer_is_refused_to_a_credentialed_fetch(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("star-wildcard-credentials", cors(origins="*", send_wildcard=True))
    outcome = browser.open(origins.page_a).fetch("star-wildcard-credentials", "/x", credentials="include")
    assert not outcome.ok, outcome.explain()
    assert "must not be the wildcard '*'" in outcome.cors_error, outcome.explain()


def test_origin_list_allows_every_listed_origin(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("origin-list", cors(origins=[OTHER, origins.page_a, origins.page_b]))
    from_a = browser.open(origins.page_a).fetch("origin-list", "/x")
    from_b = browser.open(origins.page_b).fetch("origin-list", "/x")
    assert from_a.ok and from_b.ok, from_a.explain() + "\n" + from_b.explain()


def test_regex_origin_allows_a_match(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("regex-match", cors(origins=[r"http://127\.0\.0\.1:\d+"]))
    outcome = browser.open(origins.page_a).fetch("regex-match", "/x")
    assert outcome.ok, outcome.explain()


def test_regex_origin_must_match_the_whole_origin(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("regex-full-match", cors(origins=[r"http://127\.0\.0\.1"]))  # no port: a prefix only
    outcome = browser.open(origins.page_a).fetch("regex-full-match", "/x")
    assert not outcome.ok, outcome.explain()


def test_subdomain_pattern_allows_a_subdomain(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("subdomain-match", cors(origins=["http://*.localhost:*"]))
    outcome = browser.open(origins.subdomain_page).fetch("subdomain-match", "/x")
    assert outcome.ok, outcome.explain()
    assert outcome.exchanges[0].origin == origins.subdomain_page


def test_subdomain_pattern_refuses_the_bare_domain(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("subdomain-bare", cors(origins=["http://*.localhost:*"]))
    outcome = browser.open(origins.localhost_page).fetch("subdomain-bare", "/x")
    assert not outcome.ok, outcome.explain()


# --- credentials and cookies ----------------------------------------------------------------------


def test_cookies_travel_both_ways_with_credentials(fresh_browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("cookies", cors(origins=[origins.page_a], supports_credentials=True))
    tab = fresh_browser.open(origins.page_a)
    login = tab.fetch("cookies", "/set-cookie", credentials="include")
    assert login.ok, login.explain()
    assert login.js.header("Set-Cookie") is None  # never readable by a page
    me = tab.fetch("cookies", "/me", credentials="include")
    assert me.ok, me.explain()
    assert me.exchanges[0].headers.get("cookie") == "session=s3cr3t"
    assert me.json_body()["cookie"] == "session=s3cr3t"
    assert response_header(me, "Access-Control-Allow-Credentials") == ["true"]


def test_credentialed_fetch_is_blocked_without_supports_credentials(
    fresh_browser: Session, api: Recorder, origins: Origins
) -> None:
    """The cookie was sent and the app ran; only the response is withheld from JavaScript."""
    api.mount("no-credentials", cors(origins=[origins.page_a]))
    fresh_browser.add_cookie(origins.api, "no-credentials", "session", "s3cr3t")
    outcome = fresh_browser.open(origins.page_a).fetch("no-credentials", "/x", credentials="include")
    assert not outcome.ok, outcome.explain()
    assert "'Access-Control-Allow-Credentials' header in the response is ''" in outcome.cors_error, outcome.explain()
    assert outcome.exchanges[0].headers.get("cookie") == "session=s3cr3t"
    assert outcome.app_ran


def test_cookies_stay_home_without_credentials_include(fresh_browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("cookies-omitted", cors(origins=[origins.page_a], supports_credentials=True))
    fresh_browser.add_cookie(origins.api, "cookies-omitted", "session", "s3cr3t")
    outcome = fresh_browser.open(origins.page_a).fetch("cookies-omitted", "/x")
    assert outcome.ok, outcome.explain()
    assert "cookie" not in outcome.exchanges[0].headers


# --- preflights -----------------------------------------------------------------------------------


def test_put_is_preflighted_and_the_app_never_sees_the_preflight(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("put", cors(origins=[origins.page_a]))
    outcome = browser.open(origins.page_a).fetch("put", "/x", method="PUT", body="data")
    assert outcome.ok, outcome.explain()
    assert [exchange.method for exchange in outcome.exchanges] == ["OPTIONS", "PUT"]
    assert not outcome.preflights[0].app_ran
    assert outcome.actual_requests[0].app_ran
    assert outcome.json_body() == {"method": "PUT", "path": "/x", "cookie": None, "authorization": None, "body": "data"}


def test_method_outside_methods_is_refused_at_preflight(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("method-refused", cors(origins=[origins.page_a], methods=["GET", "POST"]))
    outcome = browser.open(origins.page_a).fetch("method-refused", "/x", method="DELETE")
    assert not outcome.ok, outcome.explain()
    assert [exchange.method for exchange in outcome.exchanges] == ["OPTIONS"]
    assert not outcome.app_ran


def test_json_post_is_preflighted_for_its_content_type(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("json-post", cors(origins=[origins.page_a]))
    outcome = browser.open(origins.page_a).fetch(
        "json-post", "/items", method="POST", headers={"Content-Type": "application/json"}, body='{"n": 1}'
    )
    assert outcome.ok, outcome.explain()
    assert outcome.preflights[0].headers["access-control-request-headers"] == "content-type"
    assert outcome.json_body()["body"] == '{"n": 1}'


def test_preflight_status_204(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("preflight-204", cors(origins=[origins.page_a], preflight_status=204))
    outcome = browser.open(origins.page_a).fetch("preflight-204", "/x", method="PATCH")
    assert outcome.ok, outcome.explain()
    assert outcome.preflights[0].status == 204


# --- request headers ------------------------------------------------------------------------------


def test_listed_custom_header_is_allowed(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("header-listed", cors(origins=[origins.page_a], allow_headers=["X-Api-Key"]))
    outcome = browser.open(origins.page_a).fetch("header-listed", "/x", headers={"X-Api-Key": "k"})
    assert outcome.ok, outcome.explain()
    assert outcome.actual_requests[0].headers["x-api-key"] == "k"


def test_unlisted_custom_header_is_refused_at_preflight(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("header-unlisted", cors(origins=[origins.page_a], allow_headers=["X-Api-Key"]))
    outcome = browser.open(origins.page_a).fetch("header-unlisted", "/x", headers={"X-Api-Key": "k", "X-Other": "o"})
    assert not outcome.ok, outcome.explain()
    assert outcome.actual_requests == []


def test_authorization_is_allowed_by_name_not_by_star(browser: Session, api: Recorder, origins: Origins) -> None:
    """allow_headers="*" (the default) answers the requested names, so Authorization is listed."""
    api.mount("authorization", cors(origins=[origins.page_a]))
    outcome = browser.open(origins.page_a).fetch("authorization", "/x", headers={"Authorization": "Bearer t"})
    assert outcome.ok, outcome.explain()
    assert "authorization" in outcome.preflights[0].response_header("Access-Control-Allow-Headers")[0].lower()
    assert outcome.json_body()["authorization"] == "Bearer t"


def test_authorization_with_credentials(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("authorization-credentials", cors(origins=[origins.page_a], supports_credentials=True))
    outcome = browser.open(origins.page_a).fetch(
        "authorization-credentials", "/x", headers={"Authorization": "Bearer t"}, credentials="include"
    )
    assert outcome.ok, outcome.explain()


# --- response headers -----------------------------------------------------------------------------


def test_exposed_header_is_readable_and_others_are_not(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("expose", cors(origins=[origins.page_a], expose_headers=["X-Total"]))
    outcome = browser.open(origins.page_a).fetch("expose", "/headers")
    assert outcome.ok, outcome.explain()
    assert outcome.js.header("X-Total") == "42"
    assert outcome.js.header("X-Secret") is None
    assert outcome.js.header("Cache-Control") == "no-store"  # safelisted


def test_without_expose_headers_only_safelisted_headers_are_readable(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("no-expose", cors(origins=[origins.page_a]))
    outcome = browser.open(origins.page_a).fetch("no-expose", "/headers")
    assert outcome.ok, outcome.explain()
    assert outcome.js.header("X-Total") is None


# --- the preflight cache ----------------------------------------------------------------------------


def test_max_age_spares_the_second_preflight(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("max-age", cors(origins=[origins.page_a], max_age=600))
    tab = browser.open(origins.page_a)
    first = tab.fetch("max-age", "/x", method="PUT")
    second = tab.fetch("max-age", "/x", method="PUT")
    assert first.ok and second.ok, first.explain() + "\n" + second.explain()
    assert first.preflight_verdict is not None and first.preflight_verdict.max_age == 600
    assert len(first.preflights) == 1
    assert second.preflights == []


def test_max_age_zero_preflights_every_time(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("max-age-zero", cors(origins=[origins.page_a], max_age=0))
    tab = browser.open(origins.page_a)
    first = tab.fetch("max-age-zero", "/x", method="PUT")
    second = tab.fetch("max-age-zero", "/x", method="PUT")
    assert first.ok and second.ok, first.explain() + "\n" + second.explain()
    assert len(second.preflights) == 1


# --- per-path resources -------------------------------------------------------------------------------


def test_resources_apply_their_own_options_per_path(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount(
        "resources",
        cors(resources={r"/public/.*": {"origins": "*", "send_wildcard": True}, r"/private/.*": {"origins": [origins.page_b]}}),
    )
    tab = browser.open(origins.page_a)
    public = tab.fetch("resources", "/public/x")
    private = tab.fetch("resources", "/private/x")
    assert public.ok, public.explain()
    assert not private.ok, private.explain()


def test_path_outside_resources_gets_no_cors_headers(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("resources-uncovered", cors(origins=[origins.page_a], resources=[r"/api/.*"]))
    tab = browser.open(origins.page_a)
    covered = tab.fetch("resources-uncovered", "/api/x")
    uncovered = tab.fetch("resources-uncovered", "/other/x")
    assert covered.ok, covered.explain()
    assert not uncovered.ok, uncovered.explain()
    assert not any(name.lower().startswith("access-control-") for name, _ in uncovered.exchanges[0].response_headers)


# --- error statuses -----------------------------------------------------------------------------------


def test_404_reaches_javascript_as_404(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("status-404", cors(origins=[origins.page_a]))
    outcome = browser.open(origins.page_a).fetch("status-404", "/status/404")
    assert outcome.ok, outcome.explain()
    assert outcome.js.status == 404


def test_500_reaches_javascript_as_500(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("status-500", cors(origins=[origins.page_a]))
    outcome = browser.open(origins.page_a).fetch("status-500", "/status/500")
    assert outcome.ok, outcome.explain()
    assert outcome.js.status == 500


def test_intercepted_exception_reaches_javascript_as_500(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("exception-intercepted", cors(origins=[origins.page_a], intercept_exceptions=True))
    outcome = browser.open(origins.page_a).fetch("exception-intercepted", "/raise")
    assert outcome.ok, outcome.explain()
    assert outcome.js.status == 500


def test_uncaught_exception_is_a_cors_failure_without_intercept(browser: Session, api: Recorder, origins: Origins) -> None:
    """The server's own 500 page carries no CORS headers: JavaScript sees a TypeError, not a 500."""
    api.mount("exception-uncaught", cors(origins=[origins.page_a]))
    outcome = browser.open(origins.page_a).fetch("exception-uncaught", "/raise")
    assert not outcome.ok, outcome.explain()


# --- the app's own CORS headers -----------------------------------------------------------------------


def test_app_set_acao_is_replaced_by_exactly_one(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("own-acao", cors(origins=[origins.page_a], supports_credentials=True))
    outcome = browser.open(origins.page_a).fetch("own-acao", "/own-acao", credentials="include")
    assert outcome.ok, outcome.explain()
    assert response_header(outcome, "Access-Control-Allow-Origin") == [origins.page_a]
    assert response_header(outcome, "Access-Control-Allow-Credentials") == ["true"]


# --- redirects ----------------------------------------------------------------------------------------


def test_same_origin_redirect_is_followed(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("redirect", cors(origins=[origins.page_a]))
    target = quote("/s/redirect/landed", safe="")
    outcome = browser.open(origins.page_a).fetch("redirect", f"/redirect?to={target}")
    assert outcome.ok, outcome.explain()
    assert outcome.js.redirected
    assert [exchange.status for exchange in outcome.exchanges] == [302, 200]
    assert outcome.json_body()["path"] == "/landed"


def test_cross_origin_redirect_turns_the_origin_into_null(browser: Session, api: Recorder, origins: Origins) -> None:
    """After a redirect to another origin the browser sends ``Origin: null``: only "null" lets it through."""
    api.mount("redirect-hop", cors(origins=[origins.page_a]))
    api.mount("redirect-null-target", cors(origins=["null"]))
    target = quote(f"{origins.api_alt}/s/redirect-null-target/landed", safe="")
    outcome = browser.open(origins.page_a).fetch("redirect-hop", f"/redirect?to={target}", redirected_to="redirect-null-target")
    assert outcome.ok, outcome.explain()
    assert [exchange.origin for exchange in outcome.exchanges] == [origins.page_a, "null"]


def test_cross_origin_redirect_is_blocked_when_null_is_not_allowed(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("redirect-hop-2", cors(origins=[origins.page_a]))
    api.mount("redirect-page-target", cors(origins=[origins.page_a]))
    target = quote(f"{origins.api_alt}/s/redirect-page-target/landed", safe="")
    outcome = browser.open(origins.page_a).fetch("redirect-hop-2", f"/redirect?to={target}", redirected_to="redirect-page-target")
    assert not outcome.ok, outcome.explain()
    assert [exchange.origin for exchange in outcome.exchanges] == [origins.page_a, "null"]


# --- HEAD and streaming -------------------------------------------------------------------------------


def test_head_is_a_simple_request(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("head", cors(origins=[origins.page_a]))
    outcome = browser.open(origins.page_a).fetch("head", "/x", method="HEAD")
    assert outcome.ok, outcome.explain()
    assert [exchange.method for exchange in outcome.exchanges] == ["HEAD"]
    assert outcome.js.body == ""


def test_streamed_body_arrives_whole(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("stream", cors(origins=[origins.page_a]))
    outcome = browser.open(origins.page_a).fetch("stream", "/stream")
    assert outcome.ok, outcome.explain()
    assert outcome.js.body == "chunk-1;chunk-2;chunk-3"
    assert response_header(outcome, "Content-Length") == []  # really streamed


# --- automatic_options=False ----------------------------------------------------------------------------


def test_app_answers_the_preflight_without_automatic_options(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("app-options", cors(origins=[origins.page_a], automatic_options=False))
    outcome = browser.open(origins.page_a).fetch("app-options", "/options", method="PUT")
    assert outcome.ok, outcome.explain()
    assert outcome.preflights[0].app_ran
    assert outcome.preflights[0].status == 204


def test_app_refusing_options_fails_the_preflight(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("app-options-405", cors(origins=[origins.page_a], automatic_options=False))
    outcome = browser.open(origins.page_a).fetch("app-options-405", "/options-405", method="PUT")
    assert not outcome.ok, outcome.explain()
    assert "It does not have HTTP ok status" in outcome.cors_error, outcome.explain()


# --- the HTTP cache ------------------------------------------------------------------------------------


def test_vary_origin_keeps_the_http_cache_apart_per_origin(browser: Session, api: Recorder, origins: Origins) -> None:
    """Pages A and B share Chromium's HTTP cache; without Vary: Origin, B would get A's ACAO
    (see test_controls.py::test_http_cache_without_vary_origin_serves_another_origins_acao)."""
    api.mount("vary", cors(origins=[origins.page_a, origins.page_b]))
    from_a = browser.open(origins.page_a).fetch("vary", "/cacheable")
    from_b = browser.open(origins.page_b).fetch("vary", "/cacheable", cached=from_a.exchanges[-1])
    assert from_a.ok and from_b.ok, from_a.explain() + "\n" + from_b.explain()
    assert len(from_b.exchanges) == 1, "page B must not get page A's cached response\n" + from_b.explain()


def test_repeat_fetch_from_the_same_origin_uses_the_http_cache(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("cache-hit", cors(origins=[origins.page_a]))
    tab = browser.open(origins.page_a)
    first = tab.fetch("cache-hit", "/cacheable")
    second = tab.fetch("cache-hit", "/cacheable", cached=first.exchanges[-1])
    assert first.ok and second.ok, first.explain() + "\n" + second.explain()
    assert second.exchanges == []


# --- the null origin -----------------------------------------------------------------------------------


def test_sandboxed_iframe_is_allowed_when_null_is_listed(browser: Session, api: Recorder, origins: Origins) -> None:
    api.mount("null-listed", cors(origins=["null"]))
    outcome = browser.open_sandboxed(origins.page_a).fetch("null-listed", "/x")
    assert outcome.ok, outcome.explain()
    assert outcome.exchanges[0].origin == "null"
    assert response_header(outcome, "Access-Control-Allow-Origin") == ["null"]


def test_sandboxed_iframe_is_refused_by_star(browser: Session, api: Recorder, origins: Origins) -> None:
    """ "null" is only ever allowed by listing it: ``*`` does not cover sandboxed documents."""
    api.mount("null-star", cors(origins="*"))
    outcome = browser.open_sandboxed(origins.page_a).fetch("null-star", "/x")
    assert not outcome.ok, outcome.explain()
    assert outcome.exchanges[0].origin == "null"
