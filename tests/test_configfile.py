"""Configuration outside code: a TOML file and WSGI_CORS_* variables, validated like keyword options."""

from __future__ import annotations

import textwrap
import warnings
from pathlib import Path
from typing import Any

import pytest
from webtest import TestApp

from wsgi_cors import (
    ConfigError,
    ConfigProblem,
    CORSConfigWarning,
    CORSMiddleware,
    CORSPolicy,
    Location,
    ShadowedRuleWarning,
    wrap,
)
from wsgi_cors import _problems as codes
from wsgi_cors._config import KNOWN_OPTIONS
from wsgi_cors._configfile import (
    BOOLEAN_OPTIONS,
    INTEGER_OPTIONS,
    LIST_OPTIONS,
    dump_toml,
    load_config,
    load_options,
    load_policy,
    split_list,
)

ORIGIN = "https://app.example.com"


def write(tmp_path: Path, text: str, name: str = "cors.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problems_of(*args: Any, **kwargs: Any) -> list[ConfigProblem]:
    kwargs.setdefault("environ", {})
    with pytest.raises(ConfigError) as raised:
        load_options(*args, **kwargs)
    return list(raised.value.problems)


def only_problem(*args: Any, **kwargs: Any) -> ConfigProblem:
    found = problems_of(*args, **kwargs)
    assert len(found) == 1, found
    return found[0]


# --- the file ----------------------------------------------------------------------------------


def test_top_level_keys_are_the_keyword_options(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        origins = ["https://app.example.com", "https://*.example.org"]
        supports_credentials = true
        max_age = 600
        expose_headers = "X-Total-Count"
    """,
    )
    assert load_options(path, environ={}) == {
        "origins": ["https://app.example.com", "https://*.example.org"],
        "supports_credentials": True,
        "max_age": 600,
        "expose_headers": "X-Total-Count",
    }


def test_each_resources_table_is_a_path_rule_in_file_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        origins = "https://app.example.com"

        [[resources]]
        path = "/public/*"
        origins = "*"

        [[resources]]
        path = "/api/*"
        supports_credentials = true
    """,
    )
    options = load_options(path, environ={})
    assert list(options["resources"].items()) == [
        ("/public/*", {"origins": "*"}),
        ("/api/*", {"supports_credentials": True}),
    ]


def test_rules_from_a_file_behave_like_the_same_keyword_options(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        origins = ["https://app.example.com"]

        [[resources]]
        path = "/api/*"
        methods = ["GET", "PUT"]
    """,
    )
    from_file = load_policy(path, environ={})
    from_code = CORSPolicy(origins=[ORIGIN], resources={"/api/*": {"methods": ["GET", "PUT"]}})
    assert from_file.describe() == from_code.describe()
    decision = from_file.evaluate("OPTIONS", "/api/items", origin=ORIGIN, request_method="PUT")
    assert decision.allowed and ("Access-Control-Allow-Methods", "GET, PUT") in decision.headers


@pytest.mark.parametrize("resources", ['"/api/*"', '["/api/*", "/v2/*"]'])
def test_resources_may_also_be_a_pattern_or_a_list_of_patterns(tmp_path: Path, resources: str) -> None:
    path = write(tmp_path, f"resources = {resources}\n")
    assert load_options(path, environ={})["resources"] == eval(resources)  # TOML and Python agree on these literals


@pytest.mark.parametrize(("text", "value"), [("max_age = 600", 600), ('max_age = "600"', "600")])
def test_max_age_is_an_integer_or_a_digit_string(tmp_path: Path, text: str, value: Any) -> None:
    path = write(tmp_path, text + "\n")
    policy = load_policy(path, environ={})
    decision = policy.evaluate("OPTIONS", "/", origin=ORIGIN, request_method="PUT")
    assert load_options(path, environ={})["max_age"] == value
    assert ("Access-Control-Max-Age", "600") in decision.headers


def test_an_unknown_key_names_the_file_and_line_and_the_near_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        # CORS for the API
        orgins = ["https://app.example.com"]
    """,
    )
    problem = only_problem(path)
    assert problem.where == f"{path}, line 2: orgins"
    assert (problem.code, problem.location.option, problem.fix) == (codes.UNKNOWN_OPTION.code, "orgins", "did you mean origins=?")


def test_a_bad_option_inside_a_resources_table_names_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        origins = "https://app.example.com"

        [[resources]]
        path = "/public/*"

        [[resources]]
        path = "/api/*"
        methods = ["GET", "TRACE"]
    """,
    )
    problem = only_problem(path)
    assert problem.where == f"{path}, line 8: resources['/api/*'].methods[1]"
    assert (problem.code, problem.location) == (codes.FORBIDDEN_METHOD.code, Location("methods", "/api/*", 1, f"{path}, line 8"))
    assert problem.value == "TRACE"


def test_a_bad_item_of_a_multi_line_array_names_the_item_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        origins = [
            "https://app.example.com",
            "localhost:3000",
        ]
    """,
    )
    problem = only_problem(path)
    assert problem.where == f"{path}, line 3: origins[1]"
    assert problem.code == codes.ORIGIN_WITHOUT_SCHEME.code
    assert problem.fix == "write 'http://localhost:3000'"


def test_every_problem_in_file_and_environment_is_reported_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        origins = ["localhost:3000"]
        max_age = -1
    """,
    )
    found = problems_of(path, environ={"WSGI_CORS_SEND_WILDCARD": "maybe"})
    assert [problem.code for problem in found] == [
        codes.VARIABLE_NOT_BOOLEAN.code,
        codes.ORIGIN_WITHOUT_SCHEME.code,
        codes.NEGATIVE_MAX_AGE.code,
    ]
    assert [problem.where for problem in found] == [
        "environment variable WSGI_CORS_SEND_WILDCARD",
        f"{path}, line 1: origins[0]",
        f"{path}, line 2: max_age",
    ]


def test_a_resources_table_without_path_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [[resources]]
        origins = "*"
    """,
    )
    problem = only_problem(path)
    assert problem.where == f"{path}, line 1: resources[0].path"
    assert problem.code == codes.RULE_WITHOUT_PATH.code
    assert problem.fix == 'add path = "/api/*" (a string) to this table'


def test_two_tables_for_the_same_path_are_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [[resources]]
        path = "/api/*"

        [[resources]]
        path = "/api/*"
        max_age = 60
    """,
    )
    problem = only_problem(path)
    assert problem.where == f"{path}, line 5: resources['/api/*']"
    assert problem.code == codes.DUPLICATE_RULE.code
    assert "at line 1" in problem.problem  # where the first one is


def test_a_table_of_tables_for_resources_is_refused_with_the_array_form_as_fix(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [resources."/api/*"]
        origins = "*"
    """,
    )
    problem = only_problem(path)
    assert problem.where == f"{path}, line 1: resources"
    assert problem.code == codes.RESOURCES_TABLE.code
    assert problem.fix.startswith("[[resources]] then path = ")


def test_a_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        origins = ["https://app.example.com"
        max_age = 600
    """,
    )
    problem = only_problem(path)
    assert problem.where == f"{path}, line 2, column 1"
    assert problem.value == "max_age = 600"
    assert problem.code == codes.INVALID_TOML.code
    assert problem.problem == "not valid TOML: Unclosed array"  # the parser's words, without its position


def test_a_file_ending_inside_a_value_names_the_end_of_its_last_line(tmp_path: Path) -> None:
    """tomllib says "(at end of document)" here, with no line: the error still names the line and column."""
    path = write(
        tmp_path,
        """
        origins = [
          "https://app.example.com",
    """,
    )
    problem = only_problem(path)
    assert (problem.code, problem.where, problem.value) == (
        codes.INVALID_TOML.code,
        f"{path}, line 2, column 29",
        '  "https://app.example.com",',
    )
    assert "line 2, column 29" in problem.fix


def test_a_missing_file_says_where_it_was_looked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    problem = only_problem("nowhere.toml")
    assert (problem.code, problem.where, problem.value) == (codes.UNREADABLE_FILE.code, "config file", "nowhere.toml")
    assert problem.fix.endswith(str(tmp_path / "nowhere.toml"))


def test_a_file_that_is_not_utf8_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "cors.toml"
    path.write_bytes(b'origins = "https://caf\xe9.example"\n')
    assert only_problem(path).code == codes.FILE_NOT_UTF8.code


def test_warnings_name_the_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        origins = "https://app.example.com"
        max_age = 86400
    """,
    )
    with pytest.warns(CORSConfigWarning, match=rf"^{path}, line 2: max_age=86400: ") as caught:
        load_policy(path, environ={})
    problem = caught[0].message.problem  # type: ignore[union-attr]
    assert (problem.code, problem.location) == (codes.MAX_AGE_ABOVE_CAP.code, Location("max_age", source=f"{path}, line 2"))


def test_a_shadowed_rule_warning_names_the_line_of_the_rule_that_never_matches(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [[resources]]
        path = "/api/.*"

        [[resources]]
        path = "/api/(a|b)"
    """,
    )
    with pytest.warns(ShadowedRuleWarning, match=rf"^{path}, line 4: resources\['/api/\(a\|b\)'\]") as caught:
        load_policy(path, environ={})
    problem = caught[0].message.problem  # type: ignore[union-attr]
    assert (problem.code, problem.location) == (codes.SHADOWED_RULE.code, Location(rule="/api/(a|b)", source=f"{path}, line 4"))


def test_load_options_leaves_warnings_to_the_policy_built_from_them(tmp_path: Path) -> None:
    path = write(tmp_path, "max_age = 86400\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        options = load_options(path, environ={})
    with pytest.warns(CORSConfigWarning):
        CORSPolicy(**options)


# --- the environment ---------------------------------------------------------------------------


def test_list_variables_are_comma_separated() -> None:
    options = load_options(
        environ={"WSGI_CORS_ORIGINS": "https://a.example.com, https://b.example.com", "WSGI_CORS_EXPOSE_HEADERS": "X-Total-Count"}
    )
    assert options == {"origins": ["https://a.example.com", "https://b.example.com"], "expose_headers": "X-Total-Count"}


def test_a_single_star_keeps_its_meaning_of_any() -> None:
    policy = load_policy(environ={"WSGI_CORS_METHODS": "*"})
    decision = policy.evaluate("OPTIONS", "/", origin=ORIGIN, request_method="PURGE")
    assert ("Access-Control-Allow-Methods", "PURGE") in decision.headers


@pytest.mark.parametrize(
    ("text", "value"), [("true", True), ("1", True), ("YES", True), ("false", False), ("0", False), ("no", False)]
)
def test_boolean_variables_accept_the_usual_spellings(text: str, value: bool) -> None:
    options = load_options(environ={"WSGI_CORS_ORIGINS": ORIGIN, "WSGI_CORS_SUPPORTS_CREDENTIALS": text})
    assert options["supports_credentials"] is value


def test_a_boolean_variable_with_another_value_is_an_error_naming_it() -> None:
    problem = only_problem(environ={"WSGI_CORS_SUPPORTS_CREDENTIALS": "enabled"})
    assert (problem.code, problem.where) == (
        codes.VARIABLE_NOT_BOOLEAN.code,
        "environment variable WSGI_CORS_SUPPORTS_CREDENTIALS",
    )
    assert problem.fix == (
        "write WSGI_CORS_SUPPORTS_CREDENTIALS=true or WSGI_CORS_SUPPORTS_CREDENTIALS=false (1/0 and yes/no work too)"
    )


def test_integer_variables_become_ints() -> None:
    assert load_options(environ={"WSGI_CORS_PREFLIGHT_STATUS": "204", "WSGI_CORS_MAX_AGE": "600"}) == {
        "preflight_status": 204,
        "max_age": 600,
    }


def test_a_bad_value_keeps_the_validators_explanation_and_names_the_variable() -> None:
    problem = only_problem(environ={"WSGI_CORS_ORIGINS": "https://app.example.com/"})
    assert problem.where == "environment variable WSGI_CORS_ORIGINS: origins"
    assert problem.code == codes.ORIGIN_WITH_PATH.code
    assert problem.fix == "write 'https://app.example.com'"


def test_an_unknown_variable_suggests_the_near_one() -> None:
    problem = only_problem(environ={"WSGI_CORS_ORIGIN": ORIGIN})
    assert (problem.code, problem.where, problem.fix) == (
        codes.UNKNOWN_VARIABLE.code,
        "environment variable WSGI_CORS_ORIGIN",
        "did you mean WSGI_CORS_ORIGINS?",
    )


def test_an_empty_variable_is_an_error_rather_than_a_silent_default() -> None:
    problem = only_problem(environ={"WSGI_CORS_ORIGINS": ""})
    assert problem.code == codes.EMPTY_VARIABLE.code
    assert problem.fix == "unset WSGI_CORS_ORIGINS to use the default, or give it a value"


def test_variables_of_other_programs_are_ignored() -> None:
    assert load_options(environ={"CORS_ORIGINS": "x", "WSGI_CORSAGE": "y", "PATH": "/bin"}) == {}


def test_os_environ_is_read_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WSGI_CORS_MAX_AGE", "60")
    assert load_options()["max_age"] == 60


# --- precedence ----------------------------------------------------------------------------------


def test_wsgi_cors_config_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "max_age = 60\n")
    assert load_options(environ={"WSGI_CORS_CONFIG": str(path)}) == {"max_age": 60}


def test_the_config_argument_wins_over_wsgi_cors_config(tmp_path: Path) -> None:
    chosen = write(tmp_path, "max_age = 60\n", "chosen.toml")
    other = write(tmp_path, "max_age = 5\n", "other.toml")
    assert load_options(chosen, environ={"WSGI_CORS_CONFIG": str(other)}) == {"max_age": 60}


def test_a_missing_wsgi_cors_config_file_names_the_variable(tmp_path: Path) -> None:
    problem = only_problem(environ={"WSGI_CORS_CONFIG": str(tmp_path / "gone.toml")})
    assert problem.where == "environment variable WSGI_CORS_CONFIG"


def test_variables_override_the_file_and_keywords_override_both(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        origins = "https://file.example.com"
        max_age = 10
        expose_headers = "X-From-File"
    """,
    )
    options = load_options(
        path,
        environ={"WSGI_CORS_MAX_AGE": "20", "WSGI_CORS_ORIGINS": "https://env.example.com"},
        overrides={"origins": "https://code.example.com"},
    )
    assert options == {"origins": "https://code.example.com", "max_age": 20, "expose_headers": "X-From-File"}


def test_a_problem_with_an_overridden_value_is_not_blamed_on_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, 'origins = "https://file.example.com"\n')
    problem = only_problem(path, overrides={"origins": "file.example.com"})
    assert problem.location == Location("origins")


def test_sources_list_what_the_configuration_came_from(tmp_path: Path) -> None:
    path = write(tmp_path, "max_age = 10\n")
    loaded = load_config(path, environ={"WSGI_CORS_MAX_AGE": "20"}, overrides={"vary_header": True})
    assert loaded.sources == (str(path), "WSGI_CORS_MAX_AGE", "keyword options")


# --- writing the format back ---------------------------------------------------------------------


def test_a_described_policy_written_as_toml_loads_back_to_the_same_policy(tmp_path: Path) -> None:
    policy = CORSPolicy(
        origins=[ORIGIN],
        max_age=600,
        resources={"/api/*": {"supports_credentials": True}, "/public/*": {"origins": "*", "send_wildcard": True}},
    )
    path = write(tmp_path, dump_toml(policy.describe()))
    assert load_policy(path, environ={}).describe() == policy.describe()


def test_values_toml_cannot_hold_are_shown_as_comments() -> None:
    text = dump_toml({"origins": [lambda origin: True], "max_age": None})
    assert text.startswith("# origins = [<function")
    assert "max_age" not in text


# --- the text forms and the option kinds ---------------------------------------------------------


def test_every_option_has_a_text_form() -> None:
    kinds = [LIST_OPTIONS, BOOLEAN_OPTIONS, INTEGER_OPTIONS]
    assert frozenset().union(*kinds) == KNOWN_OPTIONS
    assert sum(len(kind) for kind in kinds) == len(KNOWN_OPTIONS)


@pytest.mark.parametrize(("text", "value"), [("GET", "GET"), (" GET , PUT ", ["GET", "PUT"]), ("a,,b,", ["a", "b"])])
def test_split_list(text: str, value: Any) -> None:
    assert split_list(text) == value


# --- the entry points the lead wires to this module ---------------------------------------------


def test_wrap_with_a_config_file(tmp_path: Path) -> None:
    path = write(tmp_path, 'origins = ["https://app.example.com"]\n')
    client = TestApp(wrap("examples.plain_app:hello", config=str(path)))
    assert client.get("/", headers={"Origin": ORIGIN}).headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Access-Control-Allow-Origin" not in client.get("/", headers={"Origin": "https://other.example"}).headers


def test_wrap_reads_the_file_named_by_wsgi_cors_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 12-factor form: WSGI_CORS_CONFIG=cors.toml gunicorn 'wsgi_cors:wrap("myapp:app")'."""
    path = write(tmp_path, 'origins = ["https://app.example.com"]\n')
    monkeypatch.setenv("WSGI_CORS_CONFIG", str(path))
    client = TestApp(wrap("examples.plain_app:hello"))
    assert client.get("/", headers={"Origin": ORIGIN}).headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Access-Control-Allow-Origin" not in client.get("/", headers={"Origin": "https://other.example"}).headers


def test_from_config_keyword_options_override_the_file(tmp_path: Path) -> None:
    from examples.plain_app import hello

    path = write(tmp_path, 'origins = ["https://file.example.com"]\nmax_age = 60\n')
    middleware = CORSMiddleware.from_config(hello, path, origins=[ORIGIN])
    response = TestApp(middleware).get("/", headers={"Origin": ORIGIN})
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert middleware.policy.describe()["resources"]["/*"]["max_age"] == 60


def test_from_config_reports_the_file_and_line(tmp_path: Path) -> None:
    from examples.plain_app import hello

    path = write(tmp_path, 'origins = ["app.example.com"]\n')
    with pytest.raises(ConfigError, match=rf"{path}, line 1: origins\[0\]='app.example.com'"):
        CORSMiddleware.from_config(hello, path)


# --- issue 14: errors name the file, the line and the key -----------------------------------------


def test_a_public_suffix_wildcard_inside_a_resources_table_names_its_line_and_index(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        origins = ["https://app.example.com"]

        [[resources]]
        path = "/api/*"
        supports_credentials = true
        origins = [
          "https://app.example.com",
          "https://*.co.uk",
        ]
    """,
    )
    problem = only_problem(path)
    assert problem.code == codes.CREDENTIALS_PUBLIC_SUFFIX_WILDCARD.code
    assert problem.where == f"{path}, line 8: resources['/api/*'].origins[1]"


def test_a_public_suffix_wildcard_a_rule_inherits_names_the_top_level_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        origins = ["https://app.example.com", "https://*.github.io"]

        [[resources]]
        path = "/api/*"
        supports_credentials = true
    """,
    )
    problem = only_problem(path)
    assert problem.code == codes.CREDENTIALS_PUBLIC_SUFFIX_WILDCARD.code
    assert problem.where == f"{path}, line 1: origins[1]"


def test_an_unused_top_level_option_is_located_in_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        origins = ["*"]
        supports_credentials = true

        [[resources]]
        path = "/api/*"
        origins = ["https://app.example.com"]
    """,
    )
    with pytest.warns(CORSConfigWarning) as caught:
        load_policy(path, environ={})
    [problem] = [warning.message.problem for warning in caught]  # type: ignore[union-attr]
    assert problem is not None and problem.code == codes.UNUSED_TOP_LEVEL.code
    assert problem.where == f"{path}, line 1: origins"
