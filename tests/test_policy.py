"""The pure engine: decisions for requests given as plain values, no WSGI involved."""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

from wsgi_cors import CORSPolicy, Decision, RequestKind

ORIGIN = "https://app.example.com"


ENGINE_MODULES = (
    "_engine",
    "_config",
    "_origins",
    "_origin_checks",
    "_origin_probes",
    "_publicsuffix",
    "_regex",
    "_headers",
    "_paths",
    "errors",
    "_escaping",
    "_options",
    "_validators",
    "_problems",
)


def imported_modules(module: str) -> set[str]:
    """Every module a wsgi_cors module imports, relative imports resolved."""
    tree = ast.parse((pathlib.Path(__file__).parents[1] / "wsgi_cors" / f"{module}.py").read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level and node.module is None:  # from . import _problems
                names.update(f"wsgi_cors.{alias.name}" for alias in node.names)
            else:
                names.add(("wsgi_cors." if node.level else "") + (node.module or ""))
    return names


# What the engine may import: plain-data standard modules, the Public Suffix List, idna (UTS #46 for IDN fixes),
# hashlib (the attacker labels of wsgi_cors._origin_probes), and itself. No WSGI, no I/O
# (socket only for inet_aton, which parses legacy IPv4 spellings in configured origins).
ENGINE_MAY_IMPORT = {
    "__future__",
    "copy",
    "dataclasses",
    "datetime",
    "difflib",
    "enum",
    "functools",
    "http",
    "ipaddress",
    "logging",
    "operator",
    "re",
    "socket",
    "sre_parse",
    "sys",
    "types",
    "typing",
    "warnings",
    "publicsuffixlist",
    "idna",
    "hashlib",
}


@pytest.mark.parametrize("module", ENGINE_MODULES)
def test_the_engine_imports_nothing_of_wsgi(module: str) -> None:
    """The engine stays sans-IO: it imports only plain-data standard modules and other engine modules, never the WSGI shell."""
    for name in imported_modules(module):
        assert name.split(".")[0] in ENGINE_MAY_IMPORT or name in {f"wsgi_cors.{other}" for other in ENGINE_MODULES}, name


def test_a_request_without_origin_is_not_cors() -> None:
    decision = CORSPolicy(origins=[ORIGIN]).evaluate("GET", "/")
    assert (decision.kind, decision.allowed, decision.reason, decision.rule, decision.status) == (
        RequestKind.NOT_CORS,
        True,
        None,
        "/*",
        None,
    )


def test_options_with_origin_and_request_method_is_a_preflight() -> None:
    decision = CORSPolicy(origins=[ORIGIN]).evaluate("OPTIONS", "/", origin=ORIGIN, request_method="PUT")
    assert (decision.kind, decision.allowed, decision.status) == (RequestKind.PREFLIGHT, True, 200)


def test_any_other_request_with_origin_is_actual() -> None:
    decision = CORSPolicy(origins=[ORIGIN]).evaluate("OPTIONS", "/", origin=ORIGIN)
    assert decision.kind is RequestKind.ACTUAL


def test_an_allowed_actual_request_lists_its_exact_headers() -> None:
    decision = CORSPolicy(origins=[ORIGIN], supports_credentials=True, expose_headers=["X-Total"]).evaluate(
        "GET", "/", origin=ORIGIN
    )
    assert decision.headers == (
        ("Access-Control-Allow-Origin", ORIGIN),
        ("Access-Control-Expose-Headers", "X-Total"),
        ("Access-Control-Allow-Credentials", "true"),
        ("Vary", "Origin"),
    )


@pytest.mark.parametrize(
    ("args", "reason", "detail"),
    [
        ({"method": "GET", "origin": "https://evil.example"}, "origin-not-allowed", "'https://evil.example'"),
        ({"method": "GET", "origin": "https://evil.example/\r\n"}, "origin-malformed", "'https://evil.example/\\r\\n'"),
        ({"method": "OPTIONS", "origin": ORIGIN, "request_method": "DELETE"}, "method-not-allowed", "'DELETE'"),
        (
            {"method": "OPTIONS", "origin": ORIGIN, "request_method": "PUT", "request_headers": "x-api-key"},
            "header-not-allowed",
            "'x-api-key'",
        ),
        (
            {"method": "OPTIONS", "origin": ORIGIN, "request_method": "PUT", "request_headers": "x-api-key x-other"},
            "request-headers-malformed",
            "'x-api-key x-other'",
        ),
        (
            {"method": "OPTIONS", "origin": ORIGIN, "request_method": "PUT", "request_private_network": "true"},
            "private-network-not-allowed",
            None,
        ),
    ],
)
def test_rejections_carry_a_reason_code_and_the_offending_value(args: dict[str, str], reason: str, detail: str) -> None:
    decision = CORSPolicy(origins=[ORIGIN], methods=["GET", "PUT"], allow_headers=["Content-Type"]).evaluate(path="/", **args)
    assert (decision.allowed, decision.reason, decision.detail) == (False, reason, detail)


def test_the_message_is_a_sentence_naming_the_value_and_the_rule() -> None:
    decision = CORSPolicy(resources={r"/api/*": {"origins": [ORIGIN], "allow_headers": ["Content-Type"]}}).evaluate(
        "OPTIONS", "/api/x", origin=ORIGIN, request_method="PUT", request_headers="content-type,x-api-key"
    )
    assert decision.message == "request header 'x-api-key' is not allowed by rule '/api/*' (Access-Control-Request-Headers)"


def test_preflight_checks_follow_the_fetch_order_origin_first() -> None:
    decision = CORSPolicy(origins=[ORIGIN], methods=["GET"]).evaluate(
        "OPTIONS", "/", origin="https://evil.example", request_method="DELETE", request_headers="x-bad"
    )
    assert decision.reason == "origin-not-allowed"


def test_an_uncovered_path_has_no_rule_and_no_headers() -> None:
    decision = CORSPolicy(resources=[r"/api/*"]).evaluate("GET", "/internal", origin=ORIGIN)
    assert (decision.rule, decision.headers, decision.reason, decision.kind) == (None, (), "path-not-covered", RequestKind.ACTUAL)
    assert decision.message == "no path rule covers '/internal', so CORS is not applied"


def test_the_decision_names_the_rule_that_applied() -> None:
    policy = CORSPolicy(resources={r"/api/.*": {}, r"/api/admin/.*": {}, "/health": {}})
    assert [policy.evaluate("GET", path, origin=ORIGIN).rule for path in ("/api/x", "/api/admin/x", "/health")] == [
        r"/api/.*",
        r"/api/admin/.*",
        "/health",
    ]


def test_rules_are_listed_in_precedence_order() -> None:
    policy = CORSPolicy(resources={r"/.*": {}, r"/api/.*": {}, "/exact": {}, r"/api/v1/.*": {}})
    assert policy.rules == ("/exact", r"/api/v1/.*", r"/api/.*", r"/.*")


def test_many_path_rules_are_matched_in_precedence_order() -> None:
    resources = {f"/r{number}/.*": {"max_age": number} for number in range(50)}
    policy = CORSPolicy(resources=resources)
    decision = policy.evaluate("OPTIONS", "/r49/x", origin=ORIGIN, request_method="GET")
    assert (decision.rule, dict(decision.headers)["Access-Control-Max-Age"]) == ("/r49/.*", "49")


def test_path_rules_with_back_references_still_match() -> None:
    policy = CORSPolicy(resources={r"/(a|b)/\1/.*": {"max_age": 1}, r"/c/.*": {"max_age": 2}})
    assert policy.evaluate("GET", "/a/a/x", origin=ORIGIN).rule == r"/(a|b)/\1/.*"
    assert policy.evaluate("GET", "/a/b/x", origin=ORIGIN).rule is None


def test_path_rules_with_their_own_groups_still_report_the_right_rule() -> None:
    policy = CORSPolicy(resources={r"/api/(?P<version>v[0-9])/(users|teams)": {}, r"/api/(.*)": {}})
    assert policy.evaluate("GET", "/api/v1/users", origin=ORIGIN).rule == r"/api/(?P<version>v[0-9])/(users|teams)"
    assert policy.evaluate("GET", "/api/other", origin=ORIGIN).rule == r"/api/(.*)"


def test_compiled_path_patterns_are_accepted() -> None:
    policy = CORSPolicy(resources={re.compile(r"/API/.*", re.IGNORECASE): {}})
    assert policy.evaluate("GET", "/api/x", origin=ORIGIN).rule == "/API/.*"


def test_decisions_are_immutable() -> None:
    decision = CORSPolicy().evaluate("GET", "/", origin=ORIGIN)
    with pytest.raises(AttributeError):
        decision.allowed = False  # type: ignore[misc]


def test_equal_inputs_give_equal_decisions() -> None:
    policy = CORSPolicy(origins=["https://*.example.com"])
    assert policy.evaluate("GET", "/", origin="https://a.example.com") == policy.evaluate(
        "GET", "/", origin="https://a.example.com"
    )
    assert policy.evaluate("GET", "/", origin="https://a.example.com") != policy.evaluate(
        "GET", "/", origin="https://b.example.com"
    )


def test_decision_repr_shows_the_verdict() -> None:
    decision = CORSPolicy(origins=[ORIGIN]).evaluate("GET", "/", origin="https://evil.example")
    assert repr(decision).startswith(
        "Decision(kind='actual', verdict='refused', reason='origin-not-allowed', detail='https://evil.example'"
    )


def test_request_kind_is_a_string_enum() -> None:
    assert RequestKind.PREFLIGHT == "preflight" and str(RequestKind.NOT_CORS) == "not-cors"


def test_describe_round_trips_through_the_validator() -> None:
    policy = CORSPolicy(
        origins=[ORIGIN, "https://*.example.com"],
        methods="GET, PUT",
        max_age=600,
        resources={r"/api/*": {"supports_credentials": True}, r"/public/.*": {"origins": "*", "send_wildcard": True}},
    )
    rebuilt = CORSPolicy(**policy.describe())
    assert rebuilt.describe() == policy.describe()
    for args in (
        {"method": "GET", "path": "/api/x", "origin": ORIGIN},
        {
            "method": "OPTIONS",
            "path": "/api/x",
            "origin": "https://a.example.com",
            "request_method": "PUT",
            "request_headers": "x-a",
        },
        {"method": "GET", "path": "/public/x", "origin": "https://evil.example"},
        {"method": "GET", "path": "/other", "origin": ORIGIN},
    ):
        assert rebuilt.evaluate(**args) == policy.evaluate(**args)


def test_describe_lists_every_option_of_every_rule() -> None:
    described = CORSPolicy(origins=[ORIGIN]).describe()
    assert described == {
        "intercept_exceptions": False,
        "resources": {
            "/*": {
                "origins": [ORIGIN],
                "methods": ["GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"],
                "allow_headers": "*",
                "expose_headers": None,
                "supports_credentials": False,
                "max_age": None,
                "send_wildcard": False,
                "vary_header": True,
                "automatic_options": True,
                "allow_private_network": False,
                "always_send": True,
                "preflight_status": 200,
                "allow_public_suffix_wildcards": False,
            }
        },
    }


def test_describe_returns_a_copy() -> None:
    policy = CORSPolicy(origins=[ORIGIN])
    policy.describe()["resources"]["/*"]["origins"].append("https://evil.example")
    assert policy.evaluate("GET", "/", origin="https://evil.example").allowed is False


def test_the_origin_list_given_is_copied_at_construction() -> None:
    origins = [ORIGIN]
    policy = CORSPolicy(origins=origins)
    origins.append("https://evil.example")
    assert policy.evaluate("GET", "/", origin="https://evil.example").allowed is False


@pytest.mark.parametrize("origin", ["", None])
def test_an_empty_origin_is_treated_as_absent_like_flask_cors(origin: object) -> None:
    assert CORSPolicy().evaluate("GET", "/", origin=origin).kind is RequestKind.NOT_CORS  # type: ignore[arg-type]


def test_decision_is_exported_type() -> None:
    assert isinstance(CORSPolicy().evaluate("GET", "/"), Decision)
