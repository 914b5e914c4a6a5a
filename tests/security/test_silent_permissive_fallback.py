"""Silent permissive fallback: configuration meant for wsgi_cors that would be ignored.

An ignored ``WSGI_CORS_CONFIG=""`` or ``wsgi_cors_origins=...`` leaves the defaults, ``origins="*"``:
the deployment believes it is restricted and answers every site. Each is an error naming the
variable and, for a misspelling, the right spelling; checked through ``wrap()`` and ``from_config()``,
the two ways a deployment reads the environment.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wsgi_cors import ConfigError, ConfigProblem, CORSMiddleware, Location, wrap
from wsgi_cors import _problems as kinds

from .wsgi_call import call, hello_app

ORIGIN = "https://app.example.com"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No variable of the machine running the tests (WSGI_CORS_FUZZ_SCALE, say) takes part."""
    for name in list(os.environ):
        if "cors" in name.lower() or "wsgi" in name.lower():
            monkeypatch.delenv(name)


def only_problem(build: str = "wrap") -> ConfigProblem:
    with pytest.raises(ConfigError) as raised:
        if build == "wrap":
            wrap(hello_app)
        else:
            CORSMiddleware.from_config(hello_app)
    assert len(raised.value.problems) == 1, raised.value
    return raised.value.problems[0]


@pytest.mark.parametrize("build", ["wrap", "from_config"])
@pytest.mark.parametrize("value", ["", "   "])
def test_a_set_but_empty_config_variable_is_an_error_not_the_permissive_default(
    monkeypatch: pytest.MonkeyPatch, build: str, value: str
) -> None:
    """Silent fallback: WSGI_CORS_CONFIG="" (a deploy script's $CONFIG_PATH that expanded to nothing) reads no file."""
    monkeypatch.setenv("WSGI_CORS_CONFIG", value)
    problem = only_problem(build)
    assert (problem.code, problem.location, problem.value) == (
        kinds.EMPTY_VARIABLE.code,
        Location(source="environment variable WSGI_CORS_CONFIG"),
        value,
    )


def test_an_empty_config_variable_is_an_error_even_beside_a_good_file_argument(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Silent fallback: like every other set-but-empty WSGI_CORS_* variable, whatever else is given."""
    path = tmp_path / "cors.toml"
    path.write_text(f'origins = ["{ORIGIN}"]\n')
    monkeypatch.setenv("WSGI_CORS_CONFIG", "")
    with pytest.raises(ConfigError, match="environment variable WSGI_CORS_CONFIG"):
        wrap(hello_app, config=str(path))


@pytest.mark.parametrize("build", ["wrap", "from_config"])
@pytest.mark.parametrize(
    ("variable", "right"),
    [
        ("wsgi_cors_origins", "WSGI_CORS_ORIGINS"),  # mis-cased: ignored by the exact prefix test
        ("Wsgi_Cors_Origins", "WSGI_CORS_ORIGINS"),
        ("WSGICORS_ORIGINS", "WSGI_CORS_ORIGINS"),  # separator dropped
        ("WSGI-CORS-ORIGINS", "WSGI_CORS_ORIGINS"),
        ("WSGI_COR_ORIGINS", "WSGI_CORS_ORIGINS"),  # difflib close to the whole name
        ("wsgi_cors_supports_credentials", "WSGI_CORS_SUPPORTS_CREDENTIALS"),
        ("wsgi_cors_config", "WSGI_CORS_CONFIG"),
    ],
)
def test_a_near_miss_variable_is_an_error_naming_it_and_the_right_spelling(
    monkeypatch: pytest.MonkeyPatch, build: str, variable: str, right: str
) -> None:
    """Silent fallback: a misspelled prefix used to be skipped, leaving origins="*" in force."""
    monkeypatch.setenv(variable, ORIGIN)
    if variable not in os.environ:  # pragma: no cover - a platform with case-insensitive variables (Windows)
        pytest.skip("the platform upper-cases variable names")
    problem = only_problem(build)
    assert (problem.code, problem.location, problem.value) == (
        kinds.MISSPELLED_VARIABLE.code,
        Location(source=f"environment variable {variable}"),
        ORIGIN,
    )
    assert problem.fix == f"did you mean {right}?"


@pytest.mark.parametrize(
    ("variable", "right"),
    [
        ("WSGI_CORS_ORIGIN", "WSGI_CORS_ORIGINS"),  # singular
        ("WSGI_CORS_ORIGNS", "WSGI_CORS_ORIGINS"),
        ("WSGI_CORS_CONFG", "WSGI_CORS_CONFIG"),  # the file variable is among the suggestions
    ],
)
def test_an_unknown_option_after_the_exact_prefix_names_the_right_spelling(
    monkeypatch: pytest.MonkeyPatch, variable: str, right: str
) -> None:
    """Silent fallback: WSGI_CORS_<typo> is refused with the nearest real variable, the file's included."""
    monkeypatch.setenv(variable, ORIGIN)
    problem = only_problem()
    assert (problem.code, problem.where, problem.fix) == (
        kinds.UNKNOWN_VARIABLE.code,
        f"environment variable {variable}",
        f"did you mean {right}?",
    )


@pytest.mark.parametrize("variable", ["CORS_ORIGINS", "DJANGO_CORS_ALLOWED_ORIGINS", "WSGI_CORSAGE", "PATH"])
def test_other_programs_variables_still_pass(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    """Silent fallback: the check is for our names; another library's CORS_ORIGINS is its own business."""
    monkeypatch.setenv(variable, "https://other.example")
    monkeypatch.setenv("WSGI_CORS_ORIGINS", ORIGIN)
    middleware = wrap(hello_app)
    assert call(middleware, "GET", "/", {"Origin": "https://evil.example"}).get("Access-Control-Allow-Origin") is None
    assert call(middleware, "GET", "/", {"Origin": ORIGIN}).get("Access-Control-Allow-Origin") == ORIGIN
