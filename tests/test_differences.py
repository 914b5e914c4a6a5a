"""The deliberate differences from Flask-CORS (README, "Secure by default"), one section each."""

from __future__ import annotations

import re
import tracemalloc

import pytest

from tests.conftest import ORIGIN, RecordingApp, cors_client, cors_headers, preflight
from wsgi_cors import ConfigError, CORSPolicy, Location, ShadowedRuleWarning
from wsgi_cors._problems import CREDENTIALS_ANY_ORIGIN, CREDENTIALS_CATCH_ALL, CREDENTIALS_EXPOSE_WILDCARD, SHADOWED_RULE

# Origin regexes match the whole origin ----------------------------------------------------


@pytest.mark.parametrize("pattern", [r"https://app\.example\.com", re.compile(r"https://app\.example\.com")])
def test_origin_regex_does_not_match_a_longer_origin(pattern: object) -> None:
    response = cors_client(origins=[pattern]).get("/", headers={"Origin": "https://app.example.com.evil.net"})
    assert "Access-Control-Allow-Origin" not in response.headers


# Safe wildcard patterns and predicates ----------------------------------------------------


@pytest.mark.parametrize("origin", ["https://a.example.com", "https://a.b.example.com"])
def test_subdomain_pattern_matches_one_or_more_whole_labels(origin: str) -> None:
    assert (
        cors_client(origins=["https://*.example.com"]).get("/", headers={"Origin": origin}).headers["Access-Control-Allow-Origin"]
        == origin
    )


@pytest.mark.parametrize(
    "origin",
    [
        "https://evilexample.com",
        "https://example.com",
        "http://a.example.com",
        "https://a.example.com:8443",
        "https://a.example.com.evil.net",
    ],
)
def test_subdomain_pattern_rejects_everything_else(origin: str) -> None:
    assert (
        "Access-Control-Allow-Origin"
        not in cors_client(origins=["https://*.example.com"]).get("/", headers={"Origin": origin}).headers
    )


@pytest.mark.parametrize("origin", ["http://localhost", "http://localhost:3000", "http://localhost:65535"])
def test_port_wildcard_matches_any_port(origin: str) -> None:
    assert (
        cors_client(origins=["http://localhost:*"]).get("/", headers={"Origin": origin}).headers["Access-Control-Allow-Origin"]
        == origin
    )


@pytest.mark.parametrize("origin", ["https://localhost:3000", "http://localhost.evil.net:3000", "http://127.0.0.1:3000"])
def test_port_wildcard_keeps_scheme_and_host(origin: str) -> None:
    assert (
        "Access-Control-Allow-Origin"
        not in cors_client(origins=["http://localhost:*"]).get("/", headers={"Origin": origin}).headers
    )


def test_subdomain_and_port_wildcards_combine() -> None:
    client = cors_client(origins=["https://*.example.com:*"])
    assert (
        client.get("/", headers={"Origin": "https://a.example.com:8443"}).headers["Access-Control-Allow-Origin"]
        == "https://a.example.com:8443"
    )


def test_origins_may_be_a_predicate() -> None:
    client = cors_client(origins=lambda origin: origin == "https://tenant.example")
    assert (
        client.get("/", headers={"Origin": "https://tenant.example"}).headers["Access-Control-Allow-Origin"]
        == "https://tenant.example"
    )


# Every origin with credentials is a configuration error ----------------------------------


@pytest.mark.parametrize("origins", ["*", [".*"], [r"https?://.*"], [re.compile(".*")]])
def test_any_origin_with_credentials_is_refused(origins: object) -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=origins, supports_credentials=True)
    assert [problem.code for problem in raised.value.problems] in ([CREDENTIALS_ANY_ORIGIN.code], [CREDENTIALS_CATCH_ALL.code])


def test_the_flask_cors_default_with_credentials_is_refused() -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(supports_credentials=True)
    assert [(problem.code, problem.location) for problem in raised.value.problems] == [
        (CREDENTIALS_ANY_ORIGIN.code, Location("origins"))
    ]


def test_expose_star_with_credentials_is_refused() -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=[ORIGIN], supports_credentials=True, expose_headers="*")
    assert [problem.code for problem in raised.value.problems] == [CREDENTIALS_EXPOSE_WILDCARD.code]


def test_a_specific_regex_with_credentials_is_fine() -> None:
    CORSPolicy(origins=[r"https://[a-z]+\.example\.com"], supports_credentials=True)


# null only when listed -------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"send_wildcard": True},
        {"origins": [".*"]},
        {"origins": ["https://*.example.com", r".*ll"]},
        {"origins": [lambda origin: True]},
    ],
)
def test_null_is_never_admitted_by_a_wildcard_pattern_or_predicate(options: dict[str, object]) -> None:
    response = cors_client(**options).get("/", headers={"Origin": "null"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_null_is_admitted_when_listed() -> None:
    response = cors_client(origins=["null"]).get("/", headers={"Origin": "null"})
    assert response.headers["Access-Control-Allow-Origin"] == "null"


# Malformed origins are never reflected ---------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        "https://a.example\r\nSet-Cookie: x=1",
        "https://a b.example",
        "https://a.example/path",
        "https://bücher.example",
        "https://a.example\x00",
        "https://" + "a" * 400 + ".example",
        "HTTPS://A.EXAMPLE",
        "a.example",
    ],
)
def test_malformed_origin_is_not_allowed_even_with_star(origin: str) -> None:
    from wsgi_cors import CORSMiddleware

    # WebTest refuses CR/LF in request headers itself, so the middleware is called directly.
    seen: list[list[tuple[str, str]]] = []
    middleware = CORSMiddleware(RecordingApp())
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_ORIGIN": origin, "wsgi.input": None}
    list(middleware(environ, lambda status, headers, exc_info=None: seen.append(headers)))
    assert seen[0] == [("Content-Type", "text/plain"), ("Vary", "Origin")]


def test_malformed_origin_is_logged_escaped(caplog: pytest.LogCaptureFixture) -> None:
    from wsgi_cors import CORSMiddleware

    caplog.set_level("INFO", logger="wsgi_cors")
    middleware = CORSMiddleware(RecordingApp())
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_ORIGIN": "https://a\r\nFAKE LOG LINE"}
    list(middleware(environ, lambda status, headers, exc_info=None: None))
    assert "\n" not in caplog.records[0].getMessage()
    assert "\\r\\nFAKE LOG LINE" in caplog.records[0].getMessage()


# Exactly one ACAO; Vary merged and always present ----------------------------------------


def test_the_apps_own_access_control_headers_are_replaced() -> None:
    app = RecordingApp(
        headers=[
            ("Content-Type", "text/plain"),
            ("Access-Control-Allow-Origin", "*"),
            ("access-control-allow-credentials", "true"),
            ("Access-Control-Expose-Headers", "X-Secret"),
        ]
    )
    response = cors_client(app, origins=[ORIGIN]).get("/", headers={"Origin": ORIGIN})
    assert cors_headers(response) == [("Access-Control-Allow-Origin", ORIGIN), ("Vary", "Origin")]


def test_the_apps_access_control_headers_are_removed_for_a_rejected_origin() -> None:
    app = RecordingApp(headers=[("Content-Type", "text/plain"), ("Access-Control-Allow-Origin", "*")])
    response = cors_client(app, origins=[ORIGIN]).get("/", headers={"Origin": "https://evil.example"})
    assert cors_headers(response) == [("Vary", "Origin")]


def test_vary_origin_is_merged_into_the_apps_vary() -> None:
    app = RecordingApp(headers=[("Content-Type", "text/plain"), ("Vary", "Accept-Encoding")])
    response = cors_client(app, origins=[ORIGIN]).get("/", headers={"Origin": ORIGIN})
    assert cors_headers(response) == [("Vary", "Accept-Encoding, Origin"), ("Access-Control-Allow-Origin", ORIGIN)]


def test_vary_origin_is_not_duplicated_when_the_app_already_varies_on_origin() -> None:
    app = RecordingApp(headers=[("Content-Type", "text/plain"), ("Vary", "origin, Cookie")])
    response = cors_client(app, origins=[ORIGIN]).get("/", headers={"Origin": ORIGIN})
    assert [value for name, value in response.headerlist if name == "Vary"] == ["origin, Cookie"]


def test_vary_star_is_left_alone() -> None:
    app = RecordingApp(headers=[("Content-Type", "text/plain"), ("Vary", "*")])
    response = cors_client(app, origins=[ORIGIN]).get("/", headers={"Origin": ORIGIN})
    assert [value for name, value in response.headerlist if name == "Vary"] == ["*"]


@pytest.mark.parametrize("headers", [{}, {"Origin": "https://evil.example"}, {"Origin": ORIGIN}])
def test_vary_origin_is_on_every_response_of_a_covered_path(headers: dict[str, str]) -> None:
    response = cors_client(origins=[ORIGIN, "https://b.example"]).get("/", headers=headers)
    assert response.headers["Vary"] == "Origin"


# Preflights are answered by the middleware -----------------------------------------------


def test_an_allowed_preflight_never_reaches_the_app() -> None:
    app = RecordingApp(status="401 Unauthorized")
    response = preflight(cors_client(app, origins=[ORIGIN]))
    assert response.status_int == 200 and app.calls == []


def test_a_rejected_preflight_is_403_without_allow_headers_and_never_reaches_the_app() -> None:
    app = RecordingApp(status="302 Found", headers=[("Content-Type", "text/plain"), ("Location", "/login")])
    response = preflight(cors_client(app, origins=[ORIGIN]), origin="https://evil.example", status=403)
    assert app.calls == []
    assert not any(name.startswith("Access-Control-Allow") for name, _ in response.headerlist)


def test_a_plain_options_without_request_method_is_not_a_preflight() -> None:
    app = RecordingApp()
    response = cors_client(app, origins=[ORIGIN]).options("/", headers={"Origin": ORIGIN})
    assert len(app.calls) == 1
    assert cors_headers(response) == [("Access-Control-Allow-Origin", ORIGIN), ("Vary", "Origin")]


def test_options_with_request_method_but_no_origin_is_not_a_preflight() -> None:
    app = RecordingApp()
    cors_client(app).options("/", headers={"Access-Control-Request-Method": "PUT"})
    assert len(app.calls) == 1


# Path rules: the router's path, explicit precedence, shadowed rules reported -------------


def test_path_rules_match_the_raw_path_not_a_decoded_one() -> None:
    """'/%70ublic' is routed as '/%70ublic' (the server decoded %25 once); it must not get the /public policy."""
    client = cors_client(resources={r"/public/.*": {"origins": "*", "send_wildcard": True}, r"/.*": {"origins": [ORIGIN]}})
    response = client.get("/%2570ublic/x", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_plus_is_not_a_space() -> None:
    client = cors_client(resources={"/a b": {"origins": "*", "send_wildcard": True}, r"/.*": {"origins": [ORIGIN]}})
    assert "Access-Control-Allow-Origin" not in client.get("/a+b", headers={"Origin": "https://evil.example"}).headers


def test_path_matching_is_case_sensitive() -> None:
    client = cors_client(resources={r"/admin/.*": {"origins": [ORIGIN]}, r"/.*": {"origins": "*", "send_wildcard": True}})
    assert client.get("/Admin/x", headers={"Origin": "https://evil.example"}).headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/admin/x", headers={"Origin": "https://evil.example"}).headers


def test_the_rule_with_the_longer_literal_prefix_wins_whatever_the_order_or_length() -> None:
    """CVE-2024-6839: Flask-CORS sorted by pattern length, so a long permissive pattern could win."""
    client = cors_client(
        resources={r"/.*/.*/.*/.*/.*": {"origins": "*", "send_wildcard": True}, r"/api/admin/.*": {"origins": [ORIGIN]}}
    )
    assert "Access-Control-Allow-Origin" not in client.get("/api/admin/a/b/c", headers={"Origin": "https://evil.example"}).headers


def test_exact_paths_win_over_patterns() -> None:
    client = cors_client(resources={r"/api/.*": {"origins": [ORIGIN]}, "/api/health": {"origins": "*", "send_wildcard": True}})
    assert client.get("/api/health", headers={"Origin": "https://x.example"}).headers["Access-Control-Allow-Origin"] == "*"


def test_ties_keep_declaration_order() -> None:
    policy = CORSPolicy(resources={r"/api/v[0-9]": {"max_age": 1}, r"/api/[a-z]": {"max_age": 2}})
    assert policy.rules == (r"/api/v[0-9]", r"/api/[a-z]")


def test_a_rule_that_can_never_match_is_reported() -> None:
    with pytest.warns(ShadowedRuleWarning) as caught:
        CORSPolicy(resources={r"/api/.*": {}, r"/api/[a-z]+": {}})
    problem = caught[0].message.problem  # type: ignore[union-attr]
    assert (problem.code, problem.location) == (SHADOWED_RULE.code, Location(rule="/api/[a-z]+"))
    assert "resources['/api/.*']" in problem.problem  # the rule that covers it


def test_a_more_specific_rule_declared_later_is_not_shadowed() -> None:
    policy = CORSPolicy(resources={r"/api/*": {}, r"/api/admin/.*": {}})
    assert policy.rules == (r"/api/admin/.*", r"/api/*")


def test_path_rules_are_relative_to_script_name() -> None:
    app = RecordingApp()
    client = cors_client(app, resources={r"/api/.*": {"origins": [ORIGIN]}})
    response = client.get("/api/x", headers={"Origin": ORIGIN}, extra_environ={"SCRIPT_NAME": "/mount"})
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_private_network_access_is_off_by_default() -> None:
    preflight(cors_client(), status=403, **{"Access-Control-Request-Private-Network": "true"})


# Bounded parsing of Access-Control-Request-Headers ---------------------------------------


def test_a_huge_request_headers_list_is_refused_with_bounded_work_and_never_echoed() -> None:
    """Bounded work, measured deterministically as memory; its speed is the benchmark's acrh-10k workload."""
    hostile = ",".join(f"x-h{i}" for i in range(10_000))
    policy = CORSPolicy()
    tracemalloc.start()
    try:
        decision = policy.evaluate("OPTIONS", "/", origin=ORIGIN, request_method="PUT", request_headers=hostile)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (decision.allowed, decision.reason, decision.status) == (False, "request-headers-malformed", 403)
    assert all(len(value) < 200 for _, value in decision.headers)
    assert peak < 16 * 1024  # no split, no copy of the 89 KB value


def test_a_megabyte_of_commas_is_refused() -> None:
    decision = CORSPolicy().evaluate("OPTIONS", "/", origin=ORIGIN, request_method="PUT", request_headers="," * (1 << 20))
    assert decision.reason == "request-headers-malformed"
    assert len(decision.message) < 500


def test_a_few_empty_elements_and_spaces_are_tolerated() -> None:
    decision = CORSPolicy().evaluate("OPTIONS", "/", origin=ORIGIN, request_method="PUT", request_headers=" x-a , ,x-b,")
    assert dict(decision.headers)["Access-Control-Allow-Headers"] == "x-a, x-b"
