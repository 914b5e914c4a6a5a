"""wrap() and import_app(): wrapping an app named by a string, for gunicorn and uWSGI command lines."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from webtest import TestApp

from wsgi_cors import ConfigError, CORSMiddleware, import_app, wrap


def test_wrap_imports_the_app_and_wraps_it() -> None:
    wrapped = wrap("examples.plain_app:hello", origins=["https://app.example.com"])
    assert isinstance(wrapped, CORSMiddleware)
    response = TestApp(wrapped).get("/api", headers={"Origin": "https://app.example.com"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example.com"


def test_wrap_accepts_the_app_object_too() -> None:
    from examples.plain_app import hello

    assert wrap(hello).app is hello


def test_wrap_validates_options_like_the_middleware() -> None:
    with pytest.raises(ConfigError):
        wrap("examples.plain_app:hello", origins=["app.example.com"])


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("examples.plain_app", "is not of the form 'package.module:app'"),
        ("examples.no_such_module:app", "cannot import module 'examples.no_such_module'"),
        ("examples.plain_app:nothing", "has no attribute 'nothing'"),
        ("examples.plain_app:json", "is module, not a WSGI callable"),
    ],
)
def test_import_app_explains_what_is_wrong(target: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        import_app(target)


def test_the_gunicorn_style_expression_evaluates_to_a_wsgi_app(tmp_path: Path) -> None:
    """gunicorn evaluates 'wsgi_cors:wrap("myapp:app", ...)' as a Python call; check that exact expression works."""
    (tmp_path / "myapp.py").write_text(
        textwrap.dedent("""
        def app(environ, start_response):
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]
    """)
    )
    code = textwrap.dedent("""
        import wsgi_cors
        from webtest import TestApp
        application = eval('wrap("myapp:app", origins=["https://app.example.com"])', vars(wsgi_cors))
        print(TestApp(application).get("/", headers={"Origin": "https://app.example.com"}).headers["Access-Control-Allow-Origin"])
    """)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": f"{tmp_path}:{Path(__file__).parents[1]}", "PATH": "/usr/bin:/bin"},
    )
    assert result.stdout.strip() == "https://app.example.com"


def test_the_flask_example_answers_preflights_before_its_auth_check() -> None:
    from examples.flask_app import app

    client = TestApp(app)
    preflight = client.options(
        "/api/items/2",
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert preflight.headers["Access-Control-Allow-Headers"] == "authorization, content-type"
    assert preflight.headers["Access-Control-Allow-Credentials"] == "true"
    denied = client.put_json("/api/items/2", {"name": "x"}, headers={"Origin": "http://localhost:3000"}, status=401)
    assert denied.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    listed = client.get("/api/items", headers={"Origin": "https://shop.example.com"})
    assert (listed.headers["Access-Control-Allow-Origin"], listed.headers["Access-Control-Expose-Headers"]) == (
        "https://shop.example.com",
        "X-Total-Count",
    )
    assert (
        client.get("/public/status", headers={"Origin": "https://anyone.example"}).headers["Access-Control-Allow-Origin"] == "*"
    )
