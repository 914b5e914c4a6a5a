"""Every framework example in examples/ works behind the middleware, through WebTest and, for gunicorn, a real server.

Each example exposes a JSON API under /api/ for https://app.example.com (the Flask and plain
examples have their own origins) and a page outside the policy. The same browser conversation is
replayed against each: a preflight, the actual request, a request from another origin, and a page
the policy does not cover.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Sequence

import pytest
from webtest import TestApp

from wsgi_cors.testing import check_preflight, check_response

ROOT = Path(__file__).resolve().parents[1]
GUNICORN_EXAMPLE = ROOT / "examples" / "gunicorn"
OTHER_ORIGIN = "https://evil.example"


@dataclass(frozen=True)
class Example:
    module: str
    attribute: str
    origin: str  # an origin the example allows
    api_path: str  # a GET route under the policy, answering JSON
    page_path: Optional[str] = "/"  # a route the policy does not cover, if there is one
    json_post: bool = True  # whether api_path also takes a JSON POST (answering 201)

    def client(self) -> TestApp:
        return TestApp(getattr(importlib.import_module(self.module), self.attribute))


ALL_EXAMPLES = {
    "django": Example("examples.django_site.wsgi", "application", "https://app.example.com", "/api/items"),
    "falcon": Example("examples.falcon_app", "app", "https://app.example.com", "/api/items"),
    "bottle": Example("examples.bottle_app", "app", "https://app.example.com", "/api/items"),
    "pyramid": Example("examples.pyramid_app", "app", "https://app.example.com", "/api/items"),
    "flask": Example("examples.flask_app", "app", "http://localhost:3000", "/api/items", json_post=False),
    "plain": Example(
        "examples.plain_app", "application", "https://shop.example.com", "/api/hello", page_path=None, json_post=False
    ),
}


def examples(condition: Callable[[Example], Any] = bool) -> list[Any]:
    return [pytest.param(example, id=name) for name, example in ALL_EXAMPLES.items() if condition(example)]


EXAMPLES = examples()


@pytest.mark.parametrize("example", EXAMPLES)
def test_a_preflight_from_an_allowed_origin_is_answered_before_the_framework(example: Example) -> None:
    response = example.client().options(
        example.api_path,
        headers={
            "Origin": example.origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_int == 200 and response.body == b""
    assert response.headers["Access-Control-Allow-Origin"] == example.origin
    assert response.headers["Access-Control-Allow-Headers"] == "content-type"
    assert response.headers["Access-Control-Max-Age"] == "600"
    assert check_preflight(origin=example.origin, method="POST", request_headers=["content-type"], response=response)


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_actual_request_gets_the_frameworks_answer_and_the_cors_headers(example: Example) -> None:
    response = example.client().get(example.api_path, headers={"Origin": example.origin})
    assert response.status_int == 200 and response.content_type == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == example.origin
    assert "Origin" in response.headers["Vary"]
    assert check_response(origin=example.origin, response=response)


@pytest.mark.parametrize("example", examples(lambda example: example.json_post))
def test_a_json_post_reaches_the_view_and_its_answer_carries_the_cors_headers(example: Example) -> None:
    response = example.client().post_json(example.api_path, {"name": "new item"}, headers={"Origin": example.origin})
    assert response.status_int == 201 and response.json["name"] == "new item"
    assert response.headers["Access-Control-Allow-Origin"] == example.origin


@pytest.mark.parametrize("example", EXAMPLES)
def test_a_request_from_another_origin_gets_the_answer_without_access(example: Example) -> None:
    response = example.client().get(example.api_path, headers={"Origin": OTHER_ORIGIN})
    assert response.status_int == 200
    assert "Access-Control-Allow-Origin" not in response.headers
    assert response.headers["Vary"] == "Origin"
    assert not check_response(origin=OTHER_ORIGIN, response=response)


@pytest.mark.parametrize("example", EXAMPLES)
def test_a_preflight_from_another_origin_is_refused_with_403(example: Example) -> None:
    response = example.client().options(
        example.api_path, headers={"Origin": OTHER_ORIGIN, "Access-Control-Request-Method": "POST"}, status=403
    )
    assert not [name for name in response.headers if name.lower().startswith("access-control-")]


@pytest.mark.parametrize("example", examples(lambda example: example.page_path))
def test_a_page_outside_the_policy_is_left_alone(example: Example) -> None:
    assert example.page_path is not None
    response = example.client().get(example.page_path, headers={"Origin": example.origin})
    assert response.status_int == 200
    assert not [name for name in response.headers if name.lower().startswith("access-control-")]


# --- gunicorn, for real --------------------------------------------------------------------------

# Generous: a cold gunicorn imports itself, the app and wsgi_cors in well under a second; CI machines are slow.
STARTUP_DEADLINE_SECONDS = 30.0
STOP_DEADLINE_SECONDS = 10.0
PORT_ATTEMPTS = 3


def free_port() -> int:
    """A port nothing listens on right now (it may be taken again before use: callers retry)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_environment() -> dict[str, str]:
    """The test's environment without WSGI_CORS_* settings, with the repository importable."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("WSGI_CORS_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


@contextlib.contextmanager
def running_server(command: Sequence[str], cwd: Path, probe_path: str = "/", stderr: Optional[Path] = None) -> Iterator[str]:
    """Start ``command`` (with ``{port}`` filled in) on a free loopback port; yield its base URL; always stop it.

    Waits until the server answers, polling with a deadline; a port taken in between is retried. With ``stderr``,
    the server's standard error goes to that file, complete once the block has ended (the server is stopped).
    """
    output = ""
    for _ in range(PORT_ATTEMPTS):
        port = free_port()
        log = stderr.open("w", encoding="utf-8") if stderr is not None else None
        process = subprocess.Popen(
            [part.format(port=port) for part in command],
            cwd=cwd,
            env=clean_environment(),
            stdout=subprocess.PIPE,
            stderr=log or subprocess.STDOUT,
            text=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            if _wait_until_answering(process, base + probe_path):
                yield base
                return
        finally:
            process.terminate()
            try:
                output = process.communicate(timeout=STOP_DEADLINE_SECONDS)[0]
            except subprocess.TimeoutExpired:
                process.kill()
                output = process.communicate()[0]
            if log is not None:
                log.close()
                output += stderr.read_text(encoding="utf-8")  # type: ignore[union-attr]
        if "Address already in use" not in output:
            break
    pytest.fail(f"the server did not start: {' '.join(command)}\n{output}")


def _wait_until_answering(process: subprocess.Popen[str], url: str) -> bool:
    deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=1):
                return True
        except urllib.error.HTTPError:
            return True  # it answered, with an error status: it is up
        except OSError:
            time.sleep(0.05)  # not listening yet; poll again
    return False


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def _gunicorn_options() -> list[str]:
    import gunicorn.config

    # Recent gunicorn opens a control socket under ~/.gunicorn by default: a test server needs none, and must not
    # share one with another gunicorn on the machine.
    return ["--no-control-socket"] if hasattr(gunicorn.config, "ControlSocketDisable") else []


GUNICORN_COMMAND = [
    sys.executable,
    "-m",
    "gunicorn",
    "--bind",
    "127.0.0.1:{port}",
    "--workers",
    "1",
    *_gunicorn_options(),
    'wsgi_cors:wrap("myapp:app", config="cors.toml")',
]


def test_gunicorn_serves_the_wrap_entrypoint_with_the_config_file() -> None:
    """The command of examples/gunicorn/README.md, on a free loopback port, answering a browser's two requests."""
    origin = "https://app.example.com"
    with running_server(GUNICORN_COMMAND, cwd=GUNICORN_EXAMPLE) as base:
        status, headers = fetch(
            base + "/api/orders",
            "OPTIONS",
            {"Origin": origin, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "x-api-key"},
        )
        assert status == 200
        assert headers["Access-Control-Allow-Origin"] == origin
        assert headers["Access-Control-Allow-Credentials"] == "true"
        assert headers["Access-Control-Allow-Methods"] == "DELETE, GET, POST, PUT"
        assert headers["Access-Control-Allow-Headers"] == "x-api-key"
        assert check_preflight(
            origin=origin,
            method="PUT",
            request_headers=["X-Api-Key"],
            credentials=True,
            status=status,
            headers=list(headers.items()),
        )

        status, headers = fetch(base + "/api/orders", headers={"Origin": origin})
        assert status == 200
        assert check_response(origin=origin, credentials=True, status=status, headers=list(headers.items()))

        status, headers = fetch(base + "/api/public/items", headers={"Origin": OTHER_ORIGIN})
        assert headers["Access-Control-Allow-Origin"] == OTHER_ORIGIN
        assert headers.get("Access-Control-Allow-Credentials") is None


def test_gunicorn_writes_the_reason_of_a_refusal_to_its_error_log(tmp_path: Path) -> None:
    """examples/gunicorn/gunicorn.conf.py (read from the current directory) routes the wsgi_cors logger into gunicorn's
    error log; without it, the INFO line reaches no handler."""
    error_log = tmp_path / "error.log"
    with running_server(GUNICORN_COMMAND, cwd=GUNICORN_EXAMPLE, stderr=error_log) as base:
        status, _ = fetch(base + "/api/orders", "OPTIONS", {"Origin": OTHER_ORIGIN, "Access-Control-Request-Method": "PUT"})
    assert status == 403
    lines = [line for line in error_log.read_text(encoding="utf-8").splitlines() if "CORS preflight request rejected" in line]
    assert len(lines) == 1, error_log.read_text(encoding="utf-8")
    assert re.fullmatch(
        r"\[[^]]+\] \[\d+\] \[INFO\] CORS preflight request rejected \[origin-not-allowed\]: "
        + re.escape(
            f"origin '{OTHER_ORIGIN}' is not allowed by rule '/api/*' "
            f"(origin='{OTHER_ORIGIN}' method='OPTIONS' path='/api/orders')"
        ),
        lines[0],
    ), lines[0]


def test_the_gunicorn_readme_shows_the_logging_settings_of_gunicorn_conf_py() -> None:
    readme = (GUNICORN_EXAMPLE / "README.md").read_text(encoding="utf-8")
    shown = readme.split("```python\n", 1)[1].split("```", 1)[0]
    conf_lines = {line.strip() for line in (GUNICORN_EXAMPLE / "gunicorn.conf.py").read_text(encoding="utf-8").splitlines()}
    assert "logconfig_dict = {" in shown
    assert [line for line in shown.splitlines() if line.strip() not in conf_lines] == []


def test_the_gunicorn_readme_shows_the_command_this_test_runs() -> None:
    readme = (GUNICORN_EXAMPLE / "README.md").read_text(encoding="utf-8")
    assert 'gunicorn --bind 127.0.0.1:8000 \'wsgi_cors:wrap("myapp:app", config="cors.toml")\'' in readme
    assert GUNICORN_COMMAND[-1] == 'wsgi_cors:wrap("myapp:app", config="cors.toml")'


def test_the_wsgi_cors_commands_of_the_gunicorn_readme_succeed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from wsgi_cors._cli import main

    readme = (GUNICORN_EXAMPLE / "README.md").read_text(encoding="utf-8")
    commands = [shlex.split(line[2:])[1:] for line in readme.splitlines() if line.startswith("$ wsgi-cors ")]
    assert [command[0] for command in commands] == ["lint", "check"]
    monkeypatch.chdir(GUNICORN_EXAMPLE)
    for command in commands:
        assert main(command) == 0, capsys.readouterr().out
    assert capsys.readouterr().out.startswith("cors.toml: valid; 2 rules in precedence order: /api/public/*, /api/*\n")
