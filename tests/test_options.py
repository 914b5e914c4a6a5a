"""Every option, observed through the middleware: status, exact CORS headers, whether the app ran."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.conftest import ORIGIN, RecordingApp, cors_client, cors_headers, preflight
from wsgi_cors import MissingVaryWarning

PREFLIGHT_VARY = (
    "Vary",
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network",
)
DEFAULT_METHODS = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"


# --- origins ---------------------------------------------------------------------------------


def test_default_origins_reflect_any_origin_without_credentials() -> None:
    response = cors_client().get("/", headers={"Origin": "https://anyone.example"})
    assert cors_headers(response) == [("Access-Control-Allow-Origin", "https://anyone.example"), ("Vary", "Origin")]


def test_exact_origin_is_reflected_when_listed() -> None:
    response = cors_client(origins=[ORIGIN]).get("/", headers={"Origin": ORIGIN})
    assert cors_headers(response) == [("Access-Control-Allow-Origin", ORIGIN), ("Vary", "Origin")]


def test_unlisted_origin_gets_only_vary_and_the_app_still_answers() -> None:
    app = RecordingApp()
    response = cors_client(app, origins=[ORIGIN]).get("/", headers={"Origin": "https://evil.example"})
    assert response.status_int == 200 and response.body == b"hello"
    assert cors_headers(response) == [("Vary", "Origin")]
    assert len(app.calls) == 1


def test_exact_origin_match_is_byte_exact_not_case_insensitive() -> None:
    response = cors_client(origins=[ORIGIN]).get("/", headers={"Origin": "https://APP.example.com"})
    assert cors_headers(response) == [("Vary", "Origin")]


def test_single_origin_string_works_like_a_list_of_one() -> None:
    response = cors_client(origins=ORIGIN).get("/", headers={"Origin": ORIGIN})
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_regex_string_origin_matches_the_whole_origin() -> None:
    client = cors_client(origins=[r"https://[a-z]+\.example\.com"])
    assert (
        client.get("/", headers={"Origin": "https://shop.example.com"}).headers["Access-Control-Allow-Origin"]
        == "https://shop.example.com"
    )
    assert "Access-Control-Allow-Origin" not in client.get("/", headers={"Origin": "https://shop.example.com.evil.net"}).headers


def test_compiled_pattern_origin_matches_the_whole_origin() -> None:
    client = cors_client(origins=[re.compile(r"https://app\d+\.example\.com")])
    assert (
        client.get("/", headers={"Origin": "https://app7.example.com"}).headers["Access-Control-Allow-Origin"]
        == "https://app7.example.com"
    )
    assert "Access-Control-Allow-Origin" not in client.get("/", headers={"Origin": "https://app7.example.com:8443"}).headers


def test_regex_string_origin_is_case_insensitive_like_flask_cors() -> None:
    client = cors_client(origins=[r"https://App\.Example\.com"])
    assert (
        client.get("/", headers={"Origin": "https://app.example.com"}).headers["Access-Control-Allow-Origin"]
        == "https://app.example.com"
    )


def test_callable_origin_predicate_decides() -> None:
    client = cors_client(origins=lambda origin: origin.endswith(".tenant.example"))
    assert (
        client.get("/", headers={"Origin": "https://a.tenant.example"}).headers["Access-Control-Allow-Origin"]
        == "https://a.tenant.example"
    )
    assert "Access-Control-Allow-Origin" not in client.get("/", headers={"Origin": "https://other.example"}).headers


def test_callable_inside_a_list_is_consulted_after_the_exact_origins() -> None:
    seen: list[str] = []

    def predicate(origin: str) -> bool:
        seen.append(origin)
        return origin == "https://dynamic.example"

    client = cors_client(origins=[ORIGIN, predicate])
    assert client.get("/", headers={"Origin": ORIGIN}).headers["Access-Control-Allow-Origin"] == ORIGIN
    assert (
        client.get("/", headers={"Origin": "https://dynamic.example"}).headers["Access-Control-Allow-Origin"]
        == "https://dynamic.example"
    )
    assert seen == ["https://dynamic.example"]


def test_a_predicate_that_raises_rejects_and_logs_instead_of_crashing(caplog: pytest.LogCaptureFixture) -> None:
    def broken(origin: str) -> bool:
        raise RuntimeError("database down")

    response = cors_client(origins=[broken]).get("/", headers={"Origin": "https://a.example"})
    assert response.status_int == 200
    assert cors_headers(response) == [("Vary", "Origin")]
    assert "origin predicate" in caplog.text and "database down" in caplog.text


# --- methods ---------------------------------------------------------------------------------


def test_preflight_lists_the_default_methods_sorted_like_flask_cors() -> None:
    response = preflight(cors_client(), method="PATCH")
    assert response.headers["Access-Control-Allow-Methods"] == DEFAULT_METHODS


def test_preflight_for_a_listed_method_is_allowed() -> None:
    response = preflight(cors_client(methods=["GET", "PUT"]), method="PUT")
    assert response.status_int == 200
    assert cors_headers(response) == [
        ("Access-Control-Allow-Origin", "https://app.example.com"),
        ("Access-Control-Allow-Methods", "GET, PUT"),
        PREFLIGHT_VARY,
    ]


def test_preflight_for_an_unlisted_method_is_refused_with_403() -> None:
    response = preflight(cors_client(methods=["GET", "PUT"]), method="DELETE", status=403)
    assert cors_headers(response) == [PREFLIGHT_VARY]


def test_methods_given_as_a_string_keep_their_order() -> None:
    response = preflight(cors_client(methods="PUT, GET"), method="PUT")
    assert response.headers["Access-Control-Allow-Methods"] == "PUT, GET"


def test_methods_are_upper_cased_like_flask_cors() -> None:
    response = preflight(cors_client(methods=["put"]), method="PUT")
    assert response.headers["Access-Control-Allow-Methods"] == "PUT"


def test_requested_method_is_compared_case_sensitively_as_browsers_do() -> None:
    """fetch() sends a custom-cased 'patch' as is; a browser would refuse ACAM 'PATCH' for it, so we refuse too."""
    preflight(cors_client(methods=["PATCH"]), method="patch", status=403)


def test_methods_star_echoes_the_requested_method() -> None:
    response = preflight(cors_client(methods="*"), method="PURGE")
    assert response.headers["Access-Control-Allow-Methods"] == "PURGE"


# --- allow_headers ---------------------------------------------------------------------------


def test_default_allow_headers_echo_the_requested_names_lower_cased() -> None:
    """Browsers send the names sorted and unique (Fetch), so the echo equals Flask-CORS's sorted list for them."""
    response = preflight(cors_client(), request_headers="authorization,Content-Type,x-requested-with")
    assert response.headers["Access-Control-Allow-Headers"] == "authorization, content-type, x-requested-with"


def test_listed_allow_headers_match_case_insensitively() -> None:
    response = preflight(cors_client(allow_headers=["Content-Type", "X-Api-Key"]), request_headers="content-type,x-api-key")
    assert response.status_int == 200
    assert response.headers["Access-Control-Allow-Headers"] == "content-type, x-api-key"


def test_an_unlisted_request_header_refuses_the_preflight() -> None:
    response = preflight(cors_client(allow_headers=["Content-Type"]), request_headers="content-type,x-api-key", status=403)
    assert "Access-Control-Allow-Headers" not in response.headers


def test_regex_allow_headers_match_whole_names() -> None:
    client = cors_client(allow_headers=[r"X-Custom-.*"])
    assert preflight(client, request_headers="x-custom-trace").status_int == 200
    preflight(client, request_headers="x-customer", status=403)


def test_no_allow_headers_header_when_none_are_requested() -> None:
    response = preflight(cors_client())
    assert "Access-Control-Allow-Headers" not in response.headers


# --- expose_headers --------------------------------------------------------------------------


def test_expose_headers_are_sent_on_actual_responses_sorted() -> None:
    response = cors_client(expose_headers=["X-Total-Count", "X-Rate-Limit"]).get("/", headers={"Origin": ORIGIN})
    assert response.headers["Access-Control-Expose-Headers"] == "X-Rate-Limit, X-Total-Count"


def test_expose_headers_as_a_string_are_kept_as_written() -> None:
    response = cors_client(expose_headers="X-B, X-A").get("/", headers={"Origin": ORIGIN})
    assert response.headers["Access-Control-Expose-Headers"] == "X-B, X-A"


def test_no_expose_headers_by_default() -> None:
    assert "Access-Control-Expose-Headers" not in cors_client().get("/", headers={"Origin": ORIGIN}).headers


# --- supports_credentials --------------------------------------------------------------------


def test_credentials_add_the_literal_true_on_actual_and_preflight() -> None:
    client = cors_client(origins=[ORIGIN], supports_credentials=True)
    assert cors_headers(client.get("/", headers={"Origin": ORIGIN})) == [
        ("Access-Control-Allow-Origin", ORIGIN),
        ("Access-Control-Allow-Credentials", "true"),
        ("Vary", "Origin"),
    ]
    assert preflight(client).headers["Access-Control-Allow-Credentials"] == "true"


def test_no_credentials_header_for_a_rejected_origin() -> None:
    response = cors_client(origins=[ORIGIN], supports_credentials=True).get("/", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Credentials" not in response.headers


# --- max_age ---------------------------------------------------------------------------------


@pytest.mark.parametrize("max_age", [600, "600", timedelta(minutes=10)])
def test_max_age_accepts_int_str_and_timedelta(max_age: object) -> None:
    response = preflight(cors_client(max_age=max_age))
    assert response.headers["Access-Control-Max-Age"] == "600"


def test_max_age_is_sent_on_preflights_only() -> None:
    response = cors_client(max_age=600).get("/", headers={"Origin": ORIGIN})
    assert "Access-Control-Max-Age" not in response.headers


# --- send_wildcard ---------------------------------------------------------------------------


def test_send_wildcard_sends_star_and_varies_on_origin() -> None:
    """null and malformed origins get no '*', so the '*' is not the same for everyone: a cache must key it by Origin."""
    response = cors_client(send_wildcard=True).get("/", headers={"Origin": ORIGIN})
    assert cors_headers(response) == [("Access-Control-Allow-Origin", "*"), ("Vary", "Origin")]


def test_send_wildcard_preflight_sends_star_and_varies_on_origin_and_the_request_headers() -> None:
    response = preflight(cors_client(send_wildcard=True))
    assert cors_headers(response) == [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Methods", DEFAULT_METHODS),
        PREFLIGHT_VARY,
    ]


# --- vary_header -----------------------------------------------------------------------------


def test_vary_header_false_never_adds_or_changes_vary() -> None:
    app = RecordingApp(headers=[("Content-Type", "text/plain"), ("Vary", "Accept-Encoding")])
    with pytest.warns(MissingVaryWarning, match=r"vary_header=False: without Vary: Origin a shared or browser cache replays"):
        client = cors_client(app, origins=[ORIGIN], vary_header=False)
    assert cors_headers(client.get("/", headers={"Origin": ORIGIN})) == [
        ("Vary", "Accept-Encoding"),
        ("Access-Control-Allow-Origin", ORIGIN),
    ]
    assert cors_headers(client.get("/", headers={"Origin": "https://evil.example"})) == [("Vary", "Accept-Encoding")]
    assert "Vary" not in preflight(client).headers


# --- automatic_options -----------------------------------------------------------------------


def test_automatic_options_false_lets_the_app_answer_and_adds_the_preflight_headers() -> None:
    app = RecordingApp(status="204 No Content", headers=[], body=b"")
    response = preflight(cors_client(app, origins=[ORIGIN], automatic_options=False), request_headers="x-a")
    assert response.status_int == 204
    assert len(app.calls) == 1
    assert cors_headers(response) == [
        ("Access-Control-Allow-Origin", ORIGIN),
        ("Access-Control-Allow-Headers", "x-a"),
        ("Access-Control-Allow-Methods", DEFAULT_METHODS),
        PREFLIGHT_VARY,
    ]


def test_automatic_options_false_rejected_preflight_reaches_the_app_without_allow_headers() -> None:
    app = RecordingApp(headers=[("Content-Type", "text/plain"), ("Access-Control-Allow-Origin", "*")], body=b"")
    response = preflight(cors_client(app, origins=[ORIGIN], automatic_options=False), origin="https://evil.example")
    assert response.status_int == 200 and len(app.calls) == 1
    assert cors_headers(response) == [PREFLIGHT_VARY]


# --- allow_private_network -------------------------------------------------------------------


def test_private_network_preflight_is_refused_by_default() -> None:
    response = preflight(cors_client(), status=403, **{"Access-Control-Request-Private-Network": "true"})
    assert "Access-Control-Allow-Private-Network" not in response.headers


def test_allow_private_network_answers_true_and_varies_on_the_request_header() -> None:
    response = preflight(
        cors_client(origins=[ORIGIN], allow_private_network=True), **{"Access-Control-Request-Private-Network": "true"}
    )
    assert response.headers["Access-Control-Allow-Private-Network"] == "true"
    assert response.headers["Vary"] == (
        "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network"
    )


# --- always_send -----------------------------------------------------------------------------


def test_always_send_gives_a_no_origin_request_the_static_star() -> None:
    assert cors_headers(cors_client().get("/")) == [("Access-Control-Allow-Origin", "*"), ("Vary", "Origin")]


def test_always_send_gives_a_no_origin_request_the_single_configured_origin() -> None:
    assert cors_headers(cors_client(origins=[ORIGIN]).get("/")) == [("Access-Control-Allow-Origin", ORIGIN), ("Vary", "Origin")]


def test_always_send_with_several_origins_sends_no_origin_to_a_no_origin_request() -> None:
    """Flask-CORS 6 sends the first listed origin in sorted order here (tests/test_flask.py); no single one is right."""
    response = cors_client(origins=[ORIGIN, "https://b.example"]).get("/")
    assert cors_headers(response) == [("Vary", "Origin")]


def test_always_send_false_sends_nothing_but_vary_without_origin() -> None:
    assert cors_headers(cors_client(always_send=False).get("/")) == [("Vary", "Origin")]


# --- resources -------------------------------------------------------------------------------


def test_resources_apply_per_path_options() -> None:
    client = cors_client(resources={r"/api/*": {"origins": [ORIGIN]}, r"/public/*": {"origins": "*", "send_wildcard": True}})
    assert client.get("/api/users", headers={"Origin": ORIGIN}).headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Access-Control-Allow-Origin" not in client.get("/api/users", headers={"Origin": "https://b.example"}).headers
    assert client.get("/public/logo", headers={"Origin": "https://b.example"}).headers["Access-Control-Allow-Origin"] == "*"


def test_a_path_no_rule_covers_passes_through_untouched() -> None:
    app = RecordingApp(headers=[("Content-Type", "text/plain"), ("Access-Control-Allow-Origin", "https://own.example")])
    response = cors_client(app, resources=[r"/api/*"]).get("/internal", headers={"Origin": ORIGIN})
    assert cors_headers(response) == [("Access-Control-Allow-Origin", "https://own.example")]


def test_a_preflight_on_an_uncovered_path_reaches_the_app() -> None:
    app = RecordingApp()
    preflight(cors_client(app, resources=r"/api/*"), "/internal")
    assert len(app.calls) == 1


def test_resources_as_a_string_use_the_top_level_options() -> None:
    client = cors_client(resources=r"/api/.*", origins=[ORIGIN])
    assert client.get("/api/x", headers={"Origin": ORIGIN}).headers["Access-Control-Allow-Origin"] == ORIGIN


def test_resource_options_override_top_level_options() -> None:
    client = cors_client(origins=[ORIGIN], max_age=60, resources={r"/api/*": {"max_age": 120}, r"/.*": {}})
    assert preflight(client, "/api/x").headers["Access-Control-Max-Age"] == "120"
    assert preflight(client, "/other").headers["Access-Control-Max-Age"] == "60"


def test_exact_path_resource_matches_only_that_path() -> None:
    client = cors_client(resources={"/api/data": {"origins": [ORIGIN]}})
    assert client.get("/api/data", headers={"Origin": ORIGIN}).headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Vary" not in client.get("/api/data/x", headers={"Origin": ORIGIN}).headers


def test_star_resource_covers_every_path() -> None:
    client = cors_client(resources={"*": {"origins": [ORIGIN]}})
    assert client.get("/any/where", headers={"Origin": ORIGIN}).headers["Access-Control-Allow-Origin"] == ORIGIN


# --- preflight_status ------------------------------------------------------------------------


def test_preflight_status_defaults_to_200_with_an_empty_body() -> None:
    response = preflight(cors_client())
    assert response.status == "200 OK" and response.body == b"" and response.headers["Content-Length"] == "0"


def test_preflight_status_204() -> None:
    response = preflight(cors_client(preflight_status=204))
    assert response.status == "204 No Content" and response.body == b""


def test_always_send_never_sends_a_static_null() -> None:
    """'null' is not an origin everyone shares: a request without Origin must not be told ACAO: null."""
    assert cors_headers(cors_client(origins=["null"]).get("/")) == [("Vary", "Origin")]
