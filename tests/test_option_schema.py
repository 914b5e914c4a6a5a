"""The option schema (wsgi_cors._options) is the one definition of every option; the problem codes are one catalogue.

Everything derived from the schema is checked against it here, the documentation's Options table
(docs/options.md), its configuration-file table (docs/configuration.md) and its list of codes (docs/errors.md) included, and a schema with one more option is shown to need no change anywhere else.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
from pathlib import Path

import pytest

from wsgi_cors import ConfigError, Location, _cli, _config, _configfile
from wsgi_cors import _problems as codes
from wsgi_cors import _validators as check
from wsgi_cors._options import OPTIONS, Option, Scope, ValueKind, by_name, defaults, from_text, names, readme_table

DOCS = Path(__file__).parents[1] / "docs"


def readme_rows(header: str, page: str) -> list[str]:
    """The rows of the table in docs/``page`` that starts with ``header``, up to the first line that is not a row."""
    lines = (DOCS / page).read_text(encoding="utf-8").splitlines()
    start = lines.index(header)
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def test_the_readme_options_table_is_the_schema_rendered() -> None:
    expected = readme_table(OPTIONS)
    assert "\n".join(readme_rows("| option | default | meaning |", "options.md")) == expected, (
        "docs/options.md's Options table differs from wsgi_cors/_options.py; the table should read:\n" + expected
    )


def test_the_configuration_file_table_lists_every_option() -> None:
    keys = {
        re.match(r"\| `(\w+)`", row)[1]
        for row in readme_rows("| key | TOML value | environment variable | meaning (default) |", "configuration.md")[2:]
        if re.match(r"\| `(\w+)`", row)
    }
    assert keys - {"path"} == names(OPTIONS)


def test_the_readme_lists_every_problem_code_with_its_meaning() -> None:
    rows = readme_rows("| code | kind | meaning |", "errors.md")[2:]
    listed = {re.match(r"\| `([^`]+)`", row)[1]: row.rsplit("|", 2)[1].strip() for row in rows}
    assert listed == {kind.code: kind.meaning for kind in codes.KINDS}


def test_codes_are_unique_and_numbered_per_severity() -> None:
    found = [kind.code for kind in codes.KINDS]
    assert len(found) == len(set(found))
    assert all(re.fullmatch(r"wsgi_cors\.[EW]\d{3}", code) for code in found)
    assert all((kind.code[10] == "E") == kind.is_error for kind in codes.KINDS)


def test_every_derived_structure_equals_the_schemas() -> None:
    assert _config.DEFAULTS == defaults(OPTIONS)
    assert _config.RULE_OPTIONS == {option.name for option in OPTIONS if option.scope is Scope.RULE}
    assert _config.GLOBAL_OPTIONS == {option.name for option in OPTIONS if option.scope is not Scope.RULE}
    assert _config.KNOWN_OPTIONS == {option.name for option in OPTIONS}
    assert _configfile.LIST_OPTIONS == {option.name for option in OPTIONS if option.kind is ValueKind.LIST}
    assert _configfile.BOOLEAN_OPTIONS == {option.name for option in OPTIONS if option.kind is ValueKind.BOOLEAN}
    assert _configfile.INTEGER_OPTIONS == {option.name for option in OPTIONS if option.kind is ValueKind.INTEGER}
    assert _cli.OPTION_HELP == {option.name: option.help for option in OPTIONS}
    assert by_name()["intercept_exceptions"].scope is Scope.DOOR


def test_every_rule_settings_field_comes_from_an_options_validator() -> None:
    """RuleSettings is built from what the validators return, not from a hand-written call."""
    problems = codes.Problems()
    produced: set[str] = set()
    for option in OPTIONS:
        if option.scope is Scope.RULE:
            produced |= set(option.validate(option.name, defaults()[option.name], Location(option.name), problems)[0])
    settings_fields = {field.name for field in dataclasses.fields(_config.RuleSettings)} - set(_config._RULE_IDENTITY)
    assert settings_fields <= produced and not problems.errors


# --- one more option is one entry --------------------------------------------------------------

EXTRA = Option(
    "reject_bots",
    ValueKind.BOOLEAN,
    False,
    Scope.RULE,
    check.boolean,
    "refuse requests from known bots",
    "`False`",
    "refuse requests from known bots",
)
EXTENDED = (*OPTIONS, EXTRA)


def test_a_new_boolean_option_is_validated_and_described_per_rule_with_no_other_change() -> None:
    settings = _config.build_settings(
        {"reject_bots": True, "resources": {"/api/*": {"reject_bots": False}, "/*": {}}}, schema=EXTENDED
    )
    assert {rule.text: rule.target.options["reject_bots"] for rule in settings.rules.ordered} == {"/api/*": False, "/*": True}
    with pytest.raises(ConfigError) as raised:
        _config.build_settings({"resources": {"/api/*": {"reject_bots": "yes"}}}, schema=EXTENDED)
    assert [(problem.code, problem.location) for problem in raised.value.problems] == [
        (codes.NOT_BOOLEAN.code, Location("reject_bots", rule="/api/*"))
    ]
    with pytest.raises(ConfigError):
        _config.build_settings({"reject_bots": True})  # unknown to the real schema


def test_a_new_boolean_option_reads_from_the_environment_the_command_line_and_the_readme() -> None:
    problems: list = []
    assert _configfile._environment_options({"WSGI_CORS_REJECT_BOTS": "yes"}, problems, EXTENDED) == {
        "reject_bots": ("WSGI_CORS_REJECT_BOTS", True)
    }
    assert problems == []
    parser = argparse.ArgumentParser()
    _cli._add_policy_arguments(parser, EXTENDED)
    assert _cli._overrides(parser.parse_args(["--no-reject-bots"]), EXTENDED) == {"reject_bots": False}
    assert "| `reject_bots` | `False` | refuse requests from known bots |" in readme_table(EXTENDED)
    assert defaults(EXTENDED)["reject_bots"] is False


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("max_age", "600", 600),
        ("max_age", "ten", "ten"),
        ("methods", "*", "*"),
        ("origins", "https://a.example, https://b.example", ["https://a.example", "https://b.example"]),
        ("vary_header", "No", False),
    ],
)
def test_text_becomes_a_value_by_the_options_kind(name: str, text: str, value: object) -> None:
    assert from_text(by_name()[name], text) == value
