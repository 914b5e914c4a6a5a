"""The browser oracle (wsgi_cors.testing) against the Fetch standard's rules, one rule per test.

Each test gives the request (origin, method, requested headers, credentials mode) and the raw
response (status and header pairs) in its body, and states what a browser concludes.
The same oracle is checked against headless Chromium in tests/browser.
"""

from __future__ import annotations

import pytest
import webtest
from werkzeug.test import Client
from werkzeug.wrappers import Response

from wsgi_cors.testing import (
    DEFAULT_MAX_AGE,
    MAX_AGE_LIMIT,
    Verdict,
    check_preflight,
    check_response,
    cors_unsafe_request_header_names,
    needs_preflight,
    preflight_headers,
)

APP = "https://app.example"
OTHER = "https://other.example"


def preflight(*headers: tuple[str, str], status: int = 204, **request: object) -> Verdict:
    """A preflight from APP for PUT unless the test says otherwise."""
    args: dict[str, object] = {"origin": APP, "method": "PUT"}
    args.update(request)
    return check_preflight(status=status, headers=list(headers), **args)  # type: ignore[arg-type]


def actual(*headers: tuple[str, str], status: int = 200, **request: object) -> Verdict:
    args: dict[str, object] = {"origin": APP}
    args.update(request)
    return check_response(status=status, headers=list(headers), **args)  # type: ignore[arg-type]


# --- CORS check: Access-Control-Allow-Origin ---------------------------------------------------


def test_response_with_the_exact_origin_passes() -> None:
    assert actual(("Access-Control-Allow-Origin", APP)).ok


def test_response_without_acao_fails_with_chromiums_sentence() -> None:
    verdict = actual(("Content-Type", "text/plain"))
    assert not verdict.ok
    assert verdict.reason == "No 'Access-Control-Allow-Origin' header is present on the requested resource."


def test_response_with_another_origin_fails() -> None:
    verdict = actual(("Access-Control-Allow-Origin", OTHER))
    assert not verdict.ok
    assert verdict.reason == (
        "The 'Access-Control-Allow-Origin' header has a value 'https://other.example' that is not equal to the supplied origin."
    )


def test_acao_comparison_is_case_sensitive() -> None:
    assert not actual(("Access-Control-Allow-Origin", "https://APP.example")).ok


def test_acao_with_a_trailing_slash_fails() -> None:
    assert not actual(("Access-Control-Allow-Origin", APP + "/")).ok


def test_acao_header_name_is_case_insensitive() -> None:
    assert actual(("access-control-allow-ORIGIN", APP)).ok


def test_acao_surrounding_whitespace_is_stripped_as_by_an_http_parser() -> None:
    assert actual(("Access-Control-Allow-Origin", f"  {APP}\t")).ok


def test_duplicate_acao_headers_fail_even_when_equal() -> None:
    verdict = actual(("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Origin", APP))
    assert not verdict.ok
    assert "contains multiple values 'https://app.example, https://app.example'" in verdict.reason


def test_acao_listing_two_origins_fails() -> None:
    verdict = actual(("Access-Control-Allow-Origin", f"{APP} {OTHER}"))
    assert not verdict.ok
    assert "multiple values" in verdict.reason


def test_acao_that_is_not_an_origin_is_reported_as_invalid() -> None:
    verdict = actual(("Access-Control-Allow-Origin", "app.example"))
    assert not verdict.ok
    assert verdict.reason == "The 'Access-Control-Allow-Origin' header contains the invalid value 'app.example'."


def test_wildcard_acao_passes_without_credentials() -> None:
    assert actual(("Access-Control-Allow-Origin", "*")).ok


def test_wildcard_acao_fails_with_credentials_even_with_acac_true() -> None:
    verdict = actual(("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true"), credentials=True)
    assert not verdict.ok
    assert "must not be the wildcard '*' when the request's credentials mode is 'include'" in verdict.reason


def test_null_origin_passes_with_literal_null_acao() -> None:
    assert actual(("Access-Control-Allow-Origin", "null"), origin="null").ok


def test_literal_null_acao_does_not_match_a_real_origin() -> None:
    verdict = actual(("Access-Control-Allow-Origin", "null"))
    assert not verdict.ok
    assert "has a value 'null' that is not equal to the supplied origin" in verdict.reason


def test_non_printable_characters_in_the_reason_are_escaped_like_chromium() -> None:
    verdict = actual(("Access-Control-Allow-Origin", "https://\u00e9.example"))
    assert "https://\\u00E9.example" in verdict.reason


# --- CORS check: credentials -----------------------------------------------------------------


def test_credentialed_response_needs_acac_true() -> None:
    verdict = actual(("Access-Control-Allow-Origin", APP), credentials=True)
    assert not verdict.ok
    assert verdict.reason == (
        "The value of the 'Access-Control-Allow-Credentials' header in the response is '' "
        "which must be 'true' when the request's credentials mode is 'include'."
    )


def test_credentialed_response_with_acac_true_passes() -> None:
    assert actual(("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Credentials", "true"), credentials=True).ok


def test_acac_is_case_sensitive() -> None:
    verdict = actual(("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Credentials", "True"), credentials=True)
    assert not verdict.ok
    assert "is 'True' which must be 'true'" in verdict.reason


def test_duplicate_acac_headers_fail() -> None:
    verdict = actual(
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Credentials", "true"),
        credentials=True,
    )
    assert not verdict.ok
    assert "is 'true, true'" in verdict.reason


def test_acac_is_ignored_without_credentials() -> None:
    assert actual(("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Credentials", "nonsense")).ok


def test_error_statuses_pass_the_cors_check_for_actual_responses() -> None:
    assert actual(("Access-Control-Allow-Origin", APP), status=500).ok
    assert actual(("Access-Control-Allow-Origin", APP), status=404).ok


# --- readable response headers ----------------------------------------------------------------


def test_safelisted_response_headers_are_readable_without_expose_headers() -> None:
    verdict = actual(
        ("Access-Control-Allow-Origin", APP),
        ("Content-Type", "application/json"),
        ("Content-Length", "2"),
        ("X-Total", "3"),
    )
    assert verdict.exposed_headers == {"content-type", "content-length"}


def test_exposed_headers_are_readable_case_insensitively() -> None:
    verdict = actual(("Access-Control-Allow-Origin", APP), ("Access-Control-Expose-Headers", "x-TOTAL"), ("X-Total", "3"))
    assert "x-total" in verdict.exposed_headers


def test_headers_not_exposed_are_not_readable() -> None:
    verdict = actual(
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Expose-Headers", "X-Total"),
        ("X-Total", "3"),
        ("X-Secret", "s"),
    )
    assert "x-secret" not in verdict.exposed_headers


def test_repeated_expose_headers_are_combined() -> None:
    verdict = actual(
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Expose-Headers", "X-A"),
        ("Access-Control-Expose-Headers", "X-B"),
        ("X-A", "1"),
        ("X-B", "2"),
    )
    assert {"x-a", "x-b"} <= verdict.exposed_headers


def test_expose_wildcard_exposes_every_header_without_credentials() -> None:
    verdict = actual(("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", "*"), ("X-A", "1"))
    assert "x-a" in verdict.exposed_headers


def test_expose_wildcard_is_a_literal_name_with_credentials() -> None:
    verdict = actual(
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Expose-Headers", "*"),
        ("X-A", "1"),
        credentials=True,
    )
    assert "x-a" not in verdict.exposed_headers


def test_set_cookie_is_never_readable_even_when_exposed() -> None:
    verdict = actual(("Access-Control-Allow-Origin", APP), ("Access-Control-Expose-Headers", "Set-Cookie"), ("Set-Cookie", "a=b"))
    assert "set-cookie" not in verdict.exposed_headers


def test_unparsable_expose_headers_exposes_only_the_safelist() -> None:
    verdict = actual(("Access-Control-Allow-Origin", APP), ("Access-Control-Expose-Headers", "X-A, X B"), ("X-A", "1"))
    assert verdict.ok
    assert "x-a" not in verdict.exposed_headers


def test_failed_response_exposes_nothing() -> None:
    assert actual(("Content-Type", "text/plain")).exposed_headers == frozenset()


# --- preflight: CORS check and status ---------------------------------------------------------


def test_preflight_allowing_the_origin_and_method_passes() -> None:
    assert preflight(("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "PUT")).ok


def test_preflight_without_acao_fails_with_the_preflight_prefix() -> None:
    verdict = preflight(("Access-Control-Allow-Methods", "PUT"), status=403)
    assert not verdict.ok
    assert verdict.reason == (
        "Response to preflight request doesn't pass access control check: "
        "No 'Access-Control-Allow-Origin' header is present on the requested resource."
    )


def test_preflight_with_a_non_ok_status_fails_even_with_every_header() -> None:
    verdict = preflight(("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "PUT"), status=405)
    assert not verdict.ok
    assert verdict.reason.endswith("It does not have HTTP ok status.")


def test_preflight_status_204_and_299_are_ok_statuses() -> None:
    for status in (200, 204, 299):
        assert preflight(("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "PUT"), status=status)


def test_preflight_status_300_is_not_ok() -> None:
    assert not preflight(("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "PUT"), status=300)


def test_redirected_preflight_fails_as_a_redirect() -> None:
    verdict = preflight(("Location", "/elsewhere"), ("Access-Control-Allow-Origin", APP), status=302)
    assert not verdict.ok
    assert verdict.reason.endswith("Redirect is not allowed for a preflight request.")


def test_credentialed_preflight_needs_acac_true() -> None:
    verdict = preflight(("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "PUT"), credentials=True)
    assert not verdict.ok
    assert verdict.reason.startswith("Response to preflight request doesn't pass access control check: ")
    assert "'Access-Control-Allow-Credentials'" in verdict.reason


# --- preflight: methods ------------------------------------------------------------------------


def test_method_missing_from_acam_fails() -> None:
    verdict = preflight(("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "GET, POST"))
    assert not verdict.ok
    assert verdict.reason == "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."


def test_safelisted_method_needs_no_acam() -> None:
    assert preflight(("Access-Control-Allow-Origin", APP), method="POST").ok


def test_safelisted_method_does_not_excuse_an_unlisted_header() -> None:
    assert not preflight(("Access-Control-Allow-Origin", APP), method="POST", request_headers=["x-a"]).ok


def test_acam_matching_is_case_sensitive() -> None:
    assert not preflight(("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "PATCH"), method="patch").ok


def test_fetch_normalizes_the_six_standard_methods_before_comparing() -> None:
    assert preflight(("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "DELETE"), method="delete").ok


def test_acam_wildcard_allows_any_method_without_credentials() -> None:
    assert preflight(("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "*"), method="PURGE").ok


def test_acam_wildcard_is_a_literal_name_with_credentials() -> None:
    verdict = preflight(
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", "*"),
        credentials=True,
    )
    assert not verdict.ok
    assert "Method PUT is not allowed" in verdict.reason


def test_repeated_acam_headers_are_combined() -> None:
    assert preflight(
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Methods", "GET"),
        ("Access-Control-Allow-Methods", "PUT"),
    ).ok


def test_acam_with_empty_elements_and_spaces_parses() -> None:
    assert preflight(("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", " GET ,, PUT ,")).ok


def test_unparsable_acam_fails_the_preflight() -> None:
    verdict = preflight(("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "GET PUT"))
    assert not verdict.ok
    assert verdict.reason == "Cannot parse Access-Control-Allow-Methods response header field in preflight response."


# --- preflight: request headers ----------------------------------------------------------------


def test_requested_header_listed_in_acah_passes_case_insensitively() -> None:
    assert preflight(
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "X-Api-Key"),
        request_headers=["x-api-key"],
    ).ok


def test_requested_header_missing_from_acah_fails_naming_it_lowercase() -> None:
    verdict = preflight(
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "x-api-key"),
        request_headers=["X-Api-Key", "X-Other"],
    )
    assert not verdict.ok
    assert verdict.reason == (
        "Request header field x-other is not allowed by Access-Control-Allow-Headers in preflight response."
    )


def test_first_refused_header_is_reported_in_sorted_order() -> None:
    verdict = preflight(("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "PUT"), request_headers="x-b,x-a")
    assert "field x-a is not allowed" in verdict.reason


def test_request_headers_may_be_given_as_the_acrh_value() -> None:
    assert preflight(
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "x-a, x-b"),
        request_headers="x-a,x-b",
    ).ok


def test_acah_wildcard_covers_custom_headers_without_credentials() -> None:
    assert preflight(
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "*"),
        request_headers=["x-api-key"],
    ).ok


def test_acah_wildcard_never_covers_authorization() -> None:
    verdict = preflight(
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "*"),
        request_headers=["authorization", "x-api-key"],
    )
    assert not verdict.ok
    assert "field authorization is not allowed" in verdict.reason


def test_authorization_listed_next_to_the_wildcard_passes() -> None:
    assert preflight(
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "*, Authorization"),
        request_headers=["authorization", "x-api-key"],
    ).ok


def test_acah_wildcard_is_a_literal_name_with_credentials() -> None:
    verdict = preflight(
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "*"),
        request_headers=["x-api-key"],
        credentials=True,
    )
    assert not verdict.ok
    assert "field x-api-key is not allowed" in verdict.reason


def test_unparsable_acah_fails_the_preflight() -> None:
    verdict = preflight(
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "x-a; x-b"),
    )
    assert not verdict.ok
    assert verdict.reason == "Cannot parse Access-Control-Allow-Headers response header field in preflight response."


# --- preflight: max-age -------------------------------------------------------------------------


def allowed_preflight_with(*headers: tuple[str, str]) -> Verdict:
    return preflight(("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "PUT"), *headers)


def test_max_age_defaults_to_five_seconds() -> None:
    assert allowed_preflight_with().max_age == DEFAULT_MAX_AGE == 5


def test_max_age_is_taken_from_the_header() -> None:
    assert allowed_preflight_with(("Access-Control-Max-Age", "600")).max_age == 600


def test_max_age_zero_means_no_caching() -> None:
    assert allowed_preflight_with(("Access-Control-Max-Age", "0")).max_age == 0


def test_max_age_is_capped_at_chromiums_two_hours() -> None:
    assert allowed_preflight_with(("Access-Control-Max-Age", "86400")).max_age == MAX_AGE_LIMIT == 7200


def test_invalid_max_age_falls_back_to_the_default() -> None:
    for value in ("-1", "1.5", "ten", "+5", ""):
        assert allowed_preflight_with(("Access-Control-Max-Age", value)).max_age == DEFAULT_MAX_AGE, value


def test_duplicate_max_age_headers_fall_back_to_the_default() -> None:
    verdict = allowed_preflight_with(("Access-Control-Max-Age", "600"), ("Access-Control-Max-Age", "600"))
    assert verdict.max_age == DEFAULT_MAX_AGE


def test_failed_preflight_has_no_max_age() -> None:
    assert preflight(status=403).max_age is None


# --- the verdict --------------------------------------------------------------------------------


def test_verdict_is_truthy_exactly_when_ok() -> None:
    assert bool(actual(("Access-Control-Allow-Origin", APP))) is True
    assert bool(actual()) is False


def test_passing_verdict_has_a_summary_reason() -> None:
    assert "allows PUT" in allowed_preflight_with().reason


# --- request-side helpers -----------------------------------------------------------------------


def test_preflight_headers_are_written_as_a_browser_writes_them() -> None:
    assert preflight_headers(origin=APP, method="put", request_headers=["X-B", "x-a", "X-A"]) == {
        "Origin": APP,
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "x-a,x-b",
    }


def test_preflight_headers_omit_acrh_when_no_header_is_requested() -> None:
    assert "Access-Control-Request-Headers" not in preflight_headers(origin=APP, method="DELETE")


def test_json_content_type_is_a_cors_unsafe_request_header() -> None:
    assert cors_unsafe_request_header_names([("Content-Type", "application/json")]) == ("content-type",)


def test_form_content_types_are_safelisted() -> None:
    assert cors_unsafe_request_header_names([("Content-Type", "text/plain;charset=UTF-8")]) == ()


def test_custom_and_authorization_headers_are_unsafe_sorted_lowercase() -> None:
    headers = [("X-B", "1"), ("Authorization", "Bearer t"), ("Accept", "*/*")]
    assert cors_unsafe_request_header_names(headers) == ("authorization", "x-b")


def test_safelisted_values_longer_than_128_bytes_are_unsafe() -> None:
    assert cors_unsafe_request_header_names({"Accept-Language": "a" * 129}) == ("accept-language",)


def test_safelisted_values_adding_up_past_1024_bytes_all_become_unsafe() -> None:
    headers = [("Accept", "a" * 128)] * 8 + [("Content-Language", "en" * 60)]
    assert cors_unsafe_request_header_names(headers) == ("accept", "content-language")


def test_needs_preflight_for_unsafe_methods_and_headers_only() -> None:
    assert not needs_preflight("GET")
    assert not needs_preflight("post", [("Content-Type", "text/plain")])
    assert needs_preflight("POST", [("Content-Type", "application/json")])
    assert needs_preflight("PUT")
    assert needs_preflight("patch")


# --- framework responses --------------------------------------------------------------------------


def cors_app(environ: dict[str, object], start_response: object) -> list[bytes]:
    """A hand-written CORS app: answers preflights for PUT, sends a duplicate Vary like real stacks."""
    headers = [("Access-Control-Allow-Origin", str(environ.get("HTTP_ORIGIN", ""))), ("Vary", "Origin")]
    if environ["REQUEST_METHOD"] == "OPTIONS":
        headers.append(("Access-Control-Allow-Methods", "PUT"))
        start_response("204 No Content", headers)  # type: ignore[operator]
        return []
    headers += [("Access-Control-Allow-Origin", "https://leftover.example"), ("Content-Type", "text/plain")]
    start_response("200 OK", headers)  # type: ignore[operator]
    return [b"ok"]


def test_webtest_response_is_accepted_with_its_duplicate_headers() -> None:
    app = webtest.TestApp(cors_app)
    resp = app.options("/items", headers=preflight_headers(origin=APP, method="PUT"))
    assert check_preflight(origin=APP, method="PUT", response=resp).ok
    verdict = check_response(origin=APP, response=app.get("/items", headers={"Origin": APP}))
    assert not verdict.ok
    assert "multiple values" in verdict.reason


def test_werkzeug_test_response_is_accepted_with_its_duplicate_headers() -> None:
    client = Client(cors_app, Response)
    resp = client.open("/items", method="OPTIONS", headers=preflight_headers(origin=APP, method="PUT"))
    assert check_preflight(origin=APP, method="PUT", response=resp).ok
    assert not check_response(origin=APP, response=client.get("/items", headers={"Origin": APP})).ok


def test_response_and_explicit_status_cannot_be_mixed() -> None:
    client = Client(cors_app, Response)
    resp = client.get("/items", headers={"Origin": APP})
    with pytest.raises(TypeError, match="either response="):
        check_response(origin=APP, status=200, response=resp)


def test_wsgi_status_line_is_accepted() -> None:
    assert check_preflight(
        origin=APP,
        method="PUT",
        status="204 No Content",
        headers={"Access-Control-Allow-Origin": APP, "Access-Control-Allow-Methods": "PUT"},
    ).ok
