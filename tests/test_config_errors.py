"""Bad configuration fails at construction, listing every problem with its code, location and fix; smells warn.

Tests assert codes and locations (wsgi_cors._problems), never the wording.
"""

from __future__ import annotations

import re
import warnings
from datetime import timedelta
from typing import Any

import pytest

from wsgi_cors import ConfigError, ConfigProblem, CORSConfigWarning, CORSMiddleware, CORSPolicy, InsecureConfigWarning, Location
from wsgi_cors import _problems as kinds


def problems(**options: Any) -> list[ConfigProblem]:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(**options)
    return list(raised.value.problems)


def only_problem(**options: Any) -> ConfigProblem:
    found = problems(**options)
    assert len(found) == 1, found
    return found[0]


def warned(**options: Any) -> list[tuple[type[Warning], str, Location]]:
    """(category, code, location) of each warning building a policy emits."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CORSPolicy(**options)
    found = []
    for warning in caught:
        assert isinstance(warning.message, CORSConfigWarning) and warning.message.problem is not None
        found.append((warning.category, warning.message.problem.code, warning.message.problem.location))
    return found


def test_config_error_is_a_value_error() -> None:
    assert issubclass(ConfigError, ValueError)


def test_every_problem_is_reported_at_once() -> None:
    found = problems(origin="https://a.example", methods=["TRACE"], max_age=-1, allow_headers=["Cookie"])
    assert [(problem.code, problem.location) for problem in found] == [
        (kinds.UNKNOWN_OPTION.code, Location("origin")),
        (kinds.FORBIDDEN_METHOD.code, Location("methods", index=0)),
        (kinds.FORBIDDEN_REQUEST_HEADER.code, Location("allow_headers", index=0)),
        (kinds.NEGATIVE_MAX_AGE.code, Location("max_age")),
    ]


def test_the_message_lists_each_problem_with_its_fix() -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=["localhost:3000"], max_age=-5)
    assert str(raised.value) == (
        "invalid CORS configuration (2 problems):\n"
        "  - origins[0]='localhost:3000': an origin needs a scheme ('https://' or 'http://'). Fix: write 'http://localhost:3000'"
        " [wsgi_cors.E022]\n"
        "  - max_age=-5: max_age cannot be negative. Fix: write max_age=0 to disable preflight caching, or a positive number"
        " [wsgi_cors.E014]"
    )


def test_middleware_construction_raises_the_same_error() -> None:
    with pytest.raises(ConfigError):
        CORSMiddleware(lambda environ, start_response: [], origins=["a.example"])


@pytest.mark.parametrize(
    ("name", "fix"),
    [
        ("origin", "did you mean origins=?"),
        ("allow_origins", "write origins="),
        ("allow_credentials", "write supports_credentials="),
        ("max_agee", "did you mean max_age=?"),
    ],
)
def test_unknown_option_suggests_the_near_one(name: str, fix: str) -> None:
    problem = only_problem(**{name: 1})
    assert (problem.code, problem.location, problem.fix) == (kinds.UNKNOWN_OPTION.code, Location(name), fix)


@pytest.mark.parametrize(
    ("origin", "fix"),
    [
        ("localhost:3000", "write 'http://localhost:3000'"),
        ("app.example.com", "write 'https://app.example.com'"),
        ("https://app.example.com/", "write 'https://app.example.com'"),
        ("https://app.example.com/api", "write 'https://app.example.com'"),
        ("https://app.example.com:443", "write 'https://app.example.com'"),
        ("http://app.example.com:80", "write 'http://app.example.com'"),
        ("https://App.Example.com", "write 'https://app.example.com'"),
        ("HTTPS://app.example.com", "write 'https://app.example.com'"),
        ("http://127.1:8000", "write 'http://127.0.0.1:8000'"),
        ("http://0x7f.0.0.1", "write 'http://127.0.0.1'"),
        ("http://[0:0:0:0:0:0:0:1]", "write 'http://[::1]'"),
        ("https://app.example.com:08080", "write 'https://app.example.com:8080'"),
        ("https://bücher.example", "write 'https://xn--bcher-kva.example'"),
    ],
)
def test_origins_browsers_never_send_are_refused_with_the_canonical_form(origin: str, fix: str) -> None:
    problem = only_problem(origins=[origin])
    assert (problem.location, problem.value, problem.fix) == (Location("origins", index=0), origin, fix)
    assert problem.code in (kinds.UNSERIALIZED_ORIGIN.code, kinds.ORIGIN_WITHOUT_SCHEME.code, kinds.ORIGIN_WITH_PATH.code)


@pytest.mark.parametrize("origin", ["https://app.example.com:0", "https://app.example.com:65536", "https://app.example.com:http"])
def test_ports_out_of_range_or_not_numbers_are_refused(origin: str) -> None:
    assert only_problem(origins=[origin]).code == kinds.INVALID_ORIGIN.code


def test_a_regex_that_does_not_compile_is_refused() -> None:
    problem = only_problem(origins=["https://(app.example.com"])
    assert (problem.code, problem.location, problem.value) == (
        kinds.BAD_REGEX.code,
        Location("origins", index=0),
        "https://(app.example.com",
    )


@pytest.mark.parametrize("name", ["Cookie", "Host", "Origin", "Content-Length", "Sec-Fetch-Mode", "Proxy-Authorization"])
def test_forbidden_request_headers_cannot_be_allowed(name: str) -> None:
    problem = only_problem(allow_headers=[name])
    assert (problem.code, problem.location, problem.value) == (
        kinds.FORBIDDEN_REQUEST_HEADER.code,
        Location("allow_headers", index=0),
        name,
    )


@pytest.mark.parametrize("option", ["allow_headers", "expose_headers"])
def test_access_control_headers_cannot_be_listed(option: str) -> None:
    assert only_problem(**{option: ["Access-Control-Allow-Origin"]}).code == kinds.ACCESS_CONTROL_HEADER.code


def test_set_cookie_cannot_be_exposed() -> None:
    assert only_problem(expose_headers=["Set-Cookie"]).code == kinds.SET_COOKIE_EXPOSED.code


@pytest.mark.parametrize("option", ["allow_headers", "expose_headers"])
def test_header_names_must_be_tokens(option: str) -> None:
    problem = only_problem(**{option: ["X-Good", "X Bad"]})
    assert (problem.code, problem.location, problem.value) == (kinds.BAD_HEADER_NAME.code, Location(option, index=1), "X Bad")


@pytest.mark.parametrize("method", ["CONNECT", "trace", "TRACK"])
def test_forbidden_methods_are_refused(method: str) -> None:
    assert only_problem(methods=[method]).code == kinds.FORBIDDEN_METHOD.code


def test_methods_must_be_tokens() -> None:
    problem = only_problem(methods=["GE T"])
    assert (problem.code, problem.location, problem.value) == (kinds.BAD_METHOD.code, Location("methods", index=0), "GE T")


@pytest.mark.parametrize("max_age", [-1, "-1", "ten", 1.5, True, timedelta(seconds=-1)])
def test_bad_max_age_is_refused(max_age: Any) -> None:
    problem = only_problem(max_age=max_age)
    assert (problem.code in (kinds.BAD_MAX_AGE.code, kinds.NEGATIVE_MAX_AGE.code), problem.location) == (
        True,
        Location("max_age"),
    )


@pytest.mark.parametrize("status", [199, 300, 403, "204", True, 204.0])
def test_preflight_status_must_be_an_int_ok_status(status: Any) -> None:
    problem = only_problem(preflight_status=status)
    assert (problem.code, problem.location) == (kinds.BAD_PREFLIGHT_STATUS.code, Location("preflight_status"))


@pytest.mark.parametrize("status", [200, 202, 204, 299])
def test_any_int_ok_status_is_a_valid_preflight_status(status: int) -> None:
    CORSPolicy(preflight_status=status)


@pytest.mark.parametrize(
    "option",
    [
        "supports_credentials",
        "send_wildcard",
        "vary_header",
        "automatic_options",
        "allow_private_network",
        "always_send",
        "intercept_exceptions",
    ],
)
def test_boolean_options_refuse_strings_that_would_be_truthy(option: str) -> None:
    problem = only_problem(**{option: "false"})
    assert (problem.code, problem.location, problem.value) == (kinds.NOT_BOOLEAN.code, Location(option), "false")


@pytest.mark.parametrize("origins", [42, b"https://a.example", {"https://a.example": True}])
def test_origins_of_the_wrong_type_are_refused(origins: Any) -> None:
    problem = only_problem(origins=origins)
    assert (problem.code, problem.location) == (kinds.BAD_ORIGINS.code, Location("origins"))


def test_options_inside_resources_are_validated_the_same_way() -> None:
    found = problems(resources={r"/api/*": {"origins": ["https://A.example"], "max_age": -1, "orgins": "*"}})
    assert [(problem.code, problem.location) for problem in found] == [
        (kinds.UNKNOWN_OPTION.code, Location("orgins", rule="/api/*")),
        (kinds.UNSERIALIZED_ORIGIN.code, Location("origins", rule="/api/*", index=0)),
        (kinds.NEGATIVE_MAX_AGE.code, Location("max_age", rule="/api/*")),
    ]
    assert [problem.where for problem in found] == [
        "resources['/api/*'].orgins",
        "resources['/api/*'].origins[0]",
        "resources['/api/*'].max_age",
    ]
    assert found[0].fix == "did you mean origins=?"


def test_a_top_level_problem_is_reported_once_however_many_rules_inherit_it() -> None:
    found = problems(max_age=-1, resources={r"/a/*": {}, r"/b/*": {}})
    assert [problem.location for problem in found] == [Location("max_age")]


def test_credentials_with_any_origin_inside_a_resource_names_the_resource_and_the_origin() -> None:
    found = problems(supports_credentials=True, origins=["https://a.example"], resources={r"/api/*": {"origins": "*"}})
    assert [(problem.code, problem.location, problem.value) for problem in found] == [
        (kinds.CREDENTIALS_ANY_ORIGIN.code, Location("origins", rule="/api/*"), "*")
    ]


def test_credentials_with_a_catch_all_regex_in_a_list_names_the_regex_and_its_index() -> None:
    found = problems(origins=["https://a.example.com", "(?s).+"], supports_credentials=True)
    assert [(problem.code, problem.location, problem.value) for problem in found] == [
        (kinds.CREDENTIALS_CATCH_ALL.code, Location("origins", index=1), "(?s).+")
    ]
    assert "'(?s).+'" in found[0].problem


def test_credentials_with_star_in_a_list_names_its_index() -> None:
    problem = only_problem(origins=["https://a.example.com", "*"], supports_credentials=True)
    assert (problem.code, problem.location, problem.value) == (
        kinds.CREDENTIALS_ANY_ORIGIN.code,
        Location("origins", index=1),
        "*",
    )


def test_global_options_are_refused_inside_resources() -> None:
    problem = only_problem(resources={r"/api/*": {"intercept_exceptions": True}})
    assert (problem.code, problem.location) == (kinds.NOT_PER_RULE.code, Location("intercept_exceptions", rule="/api/*"))


@pytest.mark.parametrize("resources", [42, {r"/api/*": "https://a.example"}, [42]])
def test_resources_of_the_wrong_shape_are_refused(resources: Any) -> None:
    assert [problem.code for problem in problems(resources=resources)] in (
        [kinds.BAD_RESOURCES.code],
        [kinds.BAD_RULE_OPTIONS.code],
        [kinds.BAD_PATH_PATTERN.code],
    )


def test_an_exact_path_without_a_slash_is_refused() -> None:
    problem = only_problem(resources={"api/data": {}})
    assert (problem.code, problem.location, problem.fix) == (
        kinds.PATH_WITHOUT_SLASH.code,
        Location(rule="api/data"),
        "write '/api/data'",
    )


def test_a_path_regex_that_does_not_compile_is_refused() -> None:
    problem = only_problem(resources={r"/api/(": {}})
    assert (problem.code, problem.location) == (kinds.BAD_REGEX.code, Location(rule="/api/("))


def test_policy_and_options_together_are_refused() -> None:
    with pytest.raises(TypeError, match="either policy"):
        CORSMiddleware(lambda environ, start_response: [], policy=CORSPolicy(), origins="*")


# Warnings -------------------------------------------------------------------------------------


def test_max_age_above_chromiums_cap_warns() -> None:
    assert warned(max_age=86400) == [(CORSConfigWarning, kinds.MAX_AGE_ABOVE_CAP.code, Location("max_age"))]


@pytest.mark.parametrize("entry", [r"https://app.example.com$", re.compile("https://app.example.com")])
def test_an_unescaped_dot_in_an_origin_regex_warns_for_a_string_and_a_compiled_pattern(entry: Any) -> None:
    assert warned(origins=[entry]) == [(CORSConfigWarning, kinds.UNESCAPED_DOT.code, Location("origins", index=0))]


def test_a_plain_http_origin_with_credentials_warns() -> None:
    assert warned(origins=["https://b.example.com", "http://app.example.com"], supports_credentials=True) == [
        (InsecureConfigWarning, kinds.CREDENTIALS_PLAIN_HTTP.code, Location("origins", index=1))
    ]


def test_a_loopback_http_origin_with_credentials_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CORSPolicy(origins=["http://localhost:3000", "http://127.0.0.1:8080", "http://[::1]:5000"], supports_credentials=True)


def test_send_wildcard_without_star_origins_warns() -> None:
    assert warned(origins=["https://a.example"], send_wildcard=True) == [
        (CORSConfigWarning, kinds.SEND_WILDCARD_UNUSED.code, Location("send_wildcard"))
    ]


def test_the_warning_points_at_the_callers_line() -> None:
    with pytest.warns(CORSConfigWarning) as caught:
        CORSPolicy(max_age=86400)
    assert caught[0].filename == __file__


def test_a_valid_configuration_builds_silently() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CORSPolicy(
            origins=["https://app.example.com", "https://*.example.com", "http://localhost:*", re.compile(r"https://x\.example")],
            methods=["GET", "PUT"],
            allow_headers=["Content-Type", "X-Api-Key"],
            expose_headers=["X-Total"],
            supports_credentials=True,
            max_age=600,
            preflight_status=204,
        )


def test_the_warning_points_at_the_callers_line_through_the_middleware_too() -> None:
    with pytest.warns(CORSConfigWarning) as caught:
        CORSMiddleware(lambda environ, start_response: [], max_age=86400)
    assert caught[0].filename == __file__


def test_a_top_level_warning_is_emitted_once_when_a_rule_has_its_own_options() -> None:
    with pytest.warns(CORSConfigWarning) as caught:
        CORSPolicy(max_age=9000, resources={r"/api/*": {"supports_credentials": False}, r"/other/*": {"methods": ["GET"]}})
    assert [warning.message.problem.location for warning in caught] == [Location("max_age")]  # type: ignore[union-attr]


def test_null_with_credentials_warns() -> None:
    assert warned(origins=["https://app.example.com", "null"], supports_credentials=True) == [
        (InsecureConfigWarning, kinds.CREDENTIALS_NULL.code, Location("origins", index=1))
    ]


def test_a_regex_admitting_every_https_origin_with_credentials_is_refused() -> None:
    problem = only_problem(origins=[r"https://.*"], supports_credentials=True)
    assert (problem.code, problem.location, problem.value) == (
        kinds.CREDENTIALS_CATCH_ALL.code,
        Location("origins", index=0),
        r"https://.*",
    )


# --- issue 14: rough edges --------------------------------------------------------------------------


def test_origins_joined_by_commas_in_one_string_get_the_list_as_fix() -> None:
    problem = only_problem(origins="https://a.example.com,https://b.example.com")
    assert (problem.code, problem.location) == (kinds.COMMA_JOINED_ORIGINS.code, Location("origins"))
    assert problem.fix.endswith("origins=['https://a.example.com', 'https://b.example.com']")


def test_an_origins_entry_joining_two_origins_is_named_with_its_index() -> None:
    problem = only_problem(origins=["https://c.example.com", "https://a.example.com, https://*.b.example.com"])
    assert (problem.code, problem.location) == (kinds.COMMA_JOINED_ORIGINS.code, Location("origins", index=1))
    assert problem.fix.endswith("['https://a.example.com', 'https://*.b.example.com']")


def test_a_regex_with_a_comma_is_still_a_regex() -> None:
    CORSPolicy(origins=[r"https://[a-z]{1,3}\.example\.com"])


def test_a_top_level_option_every_rule_overrides_is_reported_unused() -> None:
    """origins=["*"] with credentials at the top level would be inherited by the next rule without its own origins."""
    found = warned(
        origins=["*"],
        supports_credentials=True,
        resources={
            "/api/*": {"origins": ["https://app.example.com"]},
            "/public/*": {"origins": "*", "supports_credentials": False},
        },
    )
    assert found == [(CORSConfigWarning, kinds.UNUSED_TOP_LEVEL.code, Location("origins"))]


def test_a_top_level_option_one_rule_inherits_is_not_unused() -> None:
    assert (
        warned(
            origins=["https://app.example.com"],
            resources={"/api/*": {"origins": ["https://api.example.com"]}, "/other/*": {"methods": ["GET"]}},
        )
        == []
    )


def test_an_inherited_origin_refused_for_a_rules_credentials_points_at_the_top_level_entry() -> None:
    problem = only_problem(
        origins=["https://app.example.com", "https://*.github.io"], resources={"/api/*": {"supports_credentials": True}}
    )
    assert (problem.code, problem.location) == (kinds.CREDENTIALS_PUBLIC_SUFFIX_WILDCARD.code, Location("origins", index=1))
    assert "resources['/api/*']" in problem.problem  # the rule whose credentials make it a problem
