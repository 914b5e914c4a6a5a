"""Bad configuration fails at construction, listing every problem with its fix; smells warn."""

from __future__ import annotations

import re
import warnings
from datetime import timedelta
from typing import Any

import pytest

from wsgi_cors import ConfigError, ConfigProblem, CORSConfigWarning, CORSMiddleware, CORSPolicy, InsecureConfigWarning


def problems(**options: Any) -> list[ConfigProblem]:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(**options)
    return list(raised.value.problems)


def only_problem(**options: Any) -> ConfigProblem:
    found = problems(**options)
    assert len(found) == 1, found
    return found[0]


def test_config_error_is_a_value_error() -> None:
    assert issubclass(ConfigError, ValueError)


def test_every_problem_is_reported_at_once() -> None:
    found = problems(origin="https://a.example", methods=["TRACE"], max_age=-1, allow_headers=["Cookie"])
    assert [problem.where for problem in found] == ["origin", "methods", "allow_headers", "max_age"]


def test_the_message_lists_each_problem_with_its_fix() -> None:
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=["localhost:3000"], max_age=-5)
    assert str(raised.value) == (
        "invalid CORS configuration (2 problems):\n"
        "  - origins[0]='localhost:3000': an origin needs a scheme ('https://' or 'http://'). Fix: write 'http://localhost:3000'\n"
        "  - max_age=-5: max_age cannot be negative. Fix: write max_age=0 to disable preflight caching, or a positive number"
    )


def test_middleware_construction_raises_the_same_error() -> None:
    with pytest.raises(ConfigError):
        CORSMiddleware(lambda environ, start_response: [], origins=["a.example"])


@pytest.mark.parametrize(("name", "fix"), [("origin", "did you mean origins=?"), ("allow_origins", "write origins="),
                                           ("allow_credentials", "write supports_credentials="), ("max_agee", "did you mean max_age=?")])
def test_unknown_option_suggests_the_near_one(name: str, fix: str) -> None:
    problem = only_problem(**{name: 1})
    assert (problem.where, problem.problem, problem.fix) == (name, "unknown option", fix)


@pytest.mark.parametrize(("origin", "fix"), [
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
])
def test_origins_browsers_never_send_are_refused_with_the_canonical_form(origin: str, fix: str) -> None:
    problem = only_problem(origins=[origin])
    assert (problem.where, problem.value, problem.fix) == ("origins[0]", origin, fix)


@pytest.mark.parametrize("origin", ["https://app.example.com:0", "https://app.example.com:65536", "https://app.example.com:http"])
def test_ports_out_of_range_or_not_numbers_are_refused(origin: str) -> None:
    assert "port" in only_problem(origins=[origin]).problem


def test_a_regex_that_does_not_compile_is_refused() -> None:
    problem = only_problem(origins=["https://(app.example.com"])
    assert problem.problem.startswith("not a valid regular expression")


@pytest.mark.parametrize("name", ["Cookie", "Host", "Origin", "Content-Length", "Sec-Fetch-Mode", "Proxy-Authorization"])
def test_forbidden_request_headers_cannot_be_allowed(name: str) -> None:
    assert "forbidden request header" in only_problem(allow_headers=[name]).problem


@pytest.mark.parametrize("option", ["allow_headers", "expose_headers"])
def test_access_control_headers_cannot_be_listed(option: str) -> None:
    assert "Access-Control-" in only_problem(**{option: ["Access-Control-Allow-Origin"]}).problem


def test_set_cookie_cannot_be_exposed() -> None:
    assert "Set-Cookie" in only_problem(expose_headers=["Set-Cookie"]).problem


@pytest.mark.parametrize("option", ["allow_headers", "expose_headers"])
def test_header_names_must_be_tokens(option: str) -> None:
    assert only_problem(**{option: ["X Bad"]}).problem == "not a valid header name"


@pytest.mark.parametrize("method", ["CONNECT", "trace", "TRACK"])
def test_forbidden_methods_are_refused(method: str) -> None:
    assert "forbidden method" in only_problem(methods=[method]).problem


def test_methods_must_be_tokens() -> None:
    assert only_problem(methods=["GE T"]).problem == "not a valid HTTP method name"


@pytest.mark.parametrize("max_age", [-1, "-1", "ten", 1.5, True, timedelta(seconds=-1)])
def test_bad_max_age_is_refused(max_age: Any) -> None:
    assert only_problem(max_age=max_age).where == "max_age"


@pytest.mark.parametrize("status", [199, 300, 403, "204", True, 204.0])
def test_preflight_status_must_be_an_int_ok_status(status: Any) -> None:
    assert only_problem(preflight_status=status).where == "preflight_status"


@pytest.mark.parametrize("status", [200, 202, 204, 299])
def test_any_int_ok_status_is_a_valid_preflight_status(status: int) -> None:
    CORSPolicy(preflight_status=status)


@pytest.mark.parametrize("option", ["supports_credentials", "send_wildcard", "vary_header", "automatic_options",
                                    "allow_private_network", "always_send", "intercept_exceptions"])
def test_boolean_options_refuse_strings_that_would_be_truthy(option: str) -> None:
    problem = only_problem(**{option: "false"})
    assert (problem.where, problem.value) == (option, "false")


@pytest.mark.parametrize("origins", [42, b"https://a.example", {"https://a.example": True}])
def test_origins_of_the_wrong_type_are_refused(origins: Any) -> None:
    assert only_problem(origins=origins).where == "origins"


def test_options_inside_resources_are_validated_the_same_way() -> None:
    found = problems(resources={r"/api/*": {"origins": ["https://A.example"], "max_age": -1, "orgins": "*"}})
    assert [problem.where for problem in found] == ["resources['/api/*'].orgins", "resources['/api/*'].origins[0]",
                                                    "resources['/api/*'].max_age"]
    assert found[0].fix == "did you mean origins=?"


def test_a_top_level_problem_is_reported_once_however_many_rules_inherit_it() -> None:
    found = problems(max_age=-1, resources={r"/a/*": {}, r"/b/*": {}})
    assert [problem.where for problem in found] == ["max_age"]


def test_credentials_with_any_origin_inside_a_resource_names_the_resource() -> None:
    found = problems(supports_credentials=True, origins=["https://a.example"], resources={r"/api/*": {"origins": "*"}})
    assert [problem.where for problem in found] == ["resources['/api/*']"]


def test_global_options_are_refused_inside_resources() -> None:
    assert "move intercept_exceptions= to the top level" in only_problem(resources={r"/api/*": {"intercept_exceptions": True}}).fix


@pytest.mark.parametrize("resources", [42, {r"/api/*": "https://a.example"}, [42]])
def test_resources_of_the_wrong_shape_are_refused(resources: Any) -> None:
    problems(resources=resources)


def test_an_exact_path_without_a_slash_is_refused() -> None:
    assert only_problem(resources={"api/data": {}}).fix == "write '/api/data'"


def test_a_path_regex_that_does_not_compile_is_refused() -> None:
    assert "not a valid regular expression" in only_problem(resources={r"/api/(": {}}).problem


def test_policy_and_options_together_are_refused() -> None:
    with pytest.raises(TypeError, match="either policy"):
        CORSMiddleware(lambda environ, start_response: [], policy=CORSPolicy(), origins="*")


# Warnings -------------------------------------------------------------------------------------

def test_max_age_above_chromiums_cap_warns() -> None:
    with pytest.warns(CORSConfigWarning, match="Chromium caps Access-Control-Max-Age at 7200"):
        CORSPolicy(max_age=86400)


def test_an_unescaped_dot_in_an_origin_regex_warns() -> None:
    with pytest.warns(CORSConfigWarning, match=r"unescaped '\.'"):
        CORSPolicy(origins=[r"https://app.example.com$"])


def test_a_plain_http_origin_with_credentials_warns() -> None:
    with pytest.warns(InsecureConfigWarning, match="plain-http origin with credentials"):
        CORSPolicy(origins=["http://app.example.com"], supports_credentials=True)


def test_a_loopback_http_origin_with_credentials_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CORSPolicy(origins=["http://localhost:3000", "http://127.0.0.1:8080", "http://[::1]:5000"], supports_credentials=True)


def test_send_wildcard_without_star_origins_warns() -> None:
    with pytest.warns(CORSConfigWarning, match="send_wildcard only has an effect"):
        CORSPolicy(origins=["https://a.example"], send_wildcard=True)


def test_the_warning_points_at_the_callers_line() -> None:
    with pytest.warns(CORSConfigWarning) as caught:
        CORSPolicy(max_age=86400)
    assert caught[0].filename == __file__


def test_a_valid_configuration_builds_silently() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CORSPolicy(origins=["https://app.example.com", "https://*.example.com", "http://localhost:*", re.compile(r"https://x\.example")],
                   methods=["GET", "PUT"], allow_headers=["Content-Type", "X-Api-Key"], expose_headers=["X-Total"],
                   supports_credentials=True, max_age=600, preflight_status=204)


def test_the_warning_points_at_the_callers_line_through_the_middleware_too() -> None:
    with pytest.warns(CORSConfigWarning) as caught:
        CORSMiddleware(lambda environ, start_response: [], max_age=86400)
    assert caught[0].filename == __file__


def test_a_top_level_warning_is_emitted_once_when_a_rule_has_its_own_options() -> None:
    with pytest.warns(CORSConfigWarning) as caught:
        CORSPolicy(max_age=9000, resources={r"/api/*": {"supports_credentials": False}, r"/other/*": {"methods": ["GET"]}})
    assert [str(warning.message).split(":")[0] for warning in caught] == ["max_age=9000"]


def test_null_with_credentials_warns() -> None:
    with pytest.warns(InsecureConfigWarning, match="any sandboxed iframe"):
        CORSPolicy(origins=["https://app.example.com", "null"], supports_credentials=True)


def test_a_regex_admitting_every_https_origin_with_credentials_is_refused() -> None:
    assert "list the trusted origins" in only_problem(origins=[r"https://.*"], supports_credentials=True).fix
