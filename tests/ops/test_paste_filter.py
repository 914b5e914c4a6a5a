"""The PasteDeploy door: ``[filter:cors] use = egg:wsgi_cors#cors`` in a real ini pipeline around a real Pyramid app."""

from __future__ import annotations

from pathlib import Path

import pytest
from paste.deploy import loadapp

from wsgi_cors import ConfigError, CORSMiddleware

from ..security.wsgi_call import call

APP = "https://app.example.com"
PIPELINE = """\
[app:pyramid]
use = call:tests.ops.pyramid_paste_app:main

[filter:cors]
use = egg:wsgi_cors#cors
{settings}

[pipeline:main]
pipeline = cors pyramid
"""


def load(tmp_path: Path, settings: str) -> CORSMiddleware:
    ini = tmp_path / "app.ini"
    ini.write_text(PIPELINE.format(settings=settings))
    app = loadapp(f"config:{ini}")
    assert isinstance(app, CORSMiddleware)
    return app


def test_ini_options_configure_the_middleware_around_the_pyramid_app(tmp_path: Path) -> None:
    app = load(tmp_path, f"origins = {APP}, https://admin.example.com\nsupports_credentials = true\nmax_age = 600")
    response = call(app, "GET", "/api/items", {"Origin": APP})
    assert (response.code, response.get("X-View")) == (200, "items")
    assert response.get("Access-Control-Allow-Origin") == APP
    assert response.get("Access-Control-Allow-Credentials") == "true"
    preflight = call(app, "OPTIONS", "/api/items", {"Origin": APP, "Access-Control-Request-Method": "PUT"})
    assert (preflight.code, preflight.get("Access-Control-Max-Age")) == (200, "600")


def test_a_toml_file_named_relative_to_the_ini_file_is_read_and_ini_keys_override_it(tmp_path: Path) -> None:
    (tmp_path / "cors.toml").write_text(f'origins = ["{APP}"]\nmax_age = 60\n')
    app = load(tmp_path, "config = cors.toml\nmax_age = 120")
    preflight = call(app, "OPTIONS", "/api/items", {"Origin": APP, "Access-Control-Request-Method": "PUT"})
    assert preflight.get("Access-Control-Allow-Origin") == APP
    assert preflight.get("Access-Control-Max-Age") == "120"


@pytest.mark.parametrize(
    ("settings", "key"),
    [
        ("supports_credentials = maybe", "supports_credentials"),
        ("origin = https://app.example.com", "origin"),
        ("origins =", "origins"),
    ],
)
def test_a_bad_ini_key_fails_when_the_pipeline_loads_naming_the_key(tmp_path: Path, settings: str, key: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, settings)
    assert [problem.where for problem in raised.value.problems] == [f"[filter] key {key}"]


def test_an_insecure_ini_configuration_is_refused_like_any_other(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="supports_credentials"):
        load(tmp_path, "origins = *\nsupports_credentials = true")
