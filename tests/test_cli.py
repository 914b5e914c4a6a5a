"""The wsgi-cors command: check simulates a browser, lint validates a file, serve runs an app with CORS."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from wsgi_cors import CORSMiddleware
from wsgi_cors._cli import main
from wsgi_cors._configfile import load_policy

from .test_framework_examples import ROOT, clean_environment, fetch, running_server

ORIGIN = "https://app.example.com"
CONFIG = """\
origins = ["https://app.example.com"]
allow_headers = ["Content-Type", "X-Api-Key"]
max_age = 600

[[resources]]
path = "/api/*"
methods = ["GET", "PUT"]
supports_credentials = true

[[resources]]
path = "/public/*"
origins = "*"
send_wildcard = true
"""


@pytest.fixture(autouse=True)
def no_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [name for name in os.environ if name.startswith("WSGI_CORS_")]:
        monkeypatch.delenv(name)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cors.toml").write_text(CONFIG, encoding="utf-8")
    return "cors.toml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# --- check ---------------------------------------------------------------------------------------


def test_check_an_allowed_preflighted_request(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "check",
        "--config",
        config,
        "--origin",
        ORIGIN,
        "--method",
        "PUT",
        "--header",
        "X-Api-Key",
        "--credentials",
        "/api/items/1",
    )
    assert status == 0
    assert out == textwrap.dedent("""\
        Policy:  cors.toml
        Request: PUT /api/items/1 from https://app.example.com, with credentials, with header X-Api-Key

        Preflight: ALLOWED
          sent because  PUT is not a CORS-safelisted method; x-api-key is not a CORS-safelisted header
          request       OPTIONS /api/items/1
                        Origin: https://app.example.com
                        Access-Control-Request-Method: PUT
                        Access-Control-Request-Headers: x-api-key
          rule          /api/*
          policy        preflight request allowed by rule '/api/*'
          browser       The preflight allows PUT with x-api-key from origin 'https://app.example.com'; a browser may reuse it for 600 s.
          response      200 OK, answered by wsgi_cors (the application never sees it)
                        Access-Control-Allow-Origin: https://app.example.com
                        Access-Control-Allow-Credentials: true
                        Access-Control-Allow-Headers: x-api-key
                        Access-Control-Max-Age: 600
                        Access-Control-Allow-Methods: GET, PUT
                        Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network

        Actual request: ALLOWED
          request       PUT /api/items/1
                        Origin: https://app.example.com
          rule          /api/*
          policy        actual request allowed by rule '/api/*'
          browser       The response passes the CORS check for origin 'https://app.example.com'.
          response      status from the application, CORS headers from wsgi_cors
                        Access-Control-Allow-Origin: https://app.example.com
                        Access-Control-Allow-Credentials: true
                        Vary: Origin

        Result: ALLOWED: JavaScript on https://app.example.com can make this request and read the response.
        """)


def test_check_a_preflight_refused_for_its_origin(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "check", "--config", config, "--origin", "https://evil.example", "--method", "PUT", "/api/items/1"
    )
    assert status == 1
    assert out == textwrap.dedent("""\
        Policy:  cors.toml
        Request: PUT /api/items/1 from https://evil.example

        Preflight: BLOCKED
          sent because  PUT is not a CORS-safelisted method
          request       OPTIONS /api/items/1
                        Origin: https://evil.example
                        Access-Control-Request-Method: PUT
          rule          /api/*
          policy        origin 'https://evil.example' is not allowed by rule '/api/*' [origin-not-allowed]
          browser       Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.
          response      403 Forbidden, answered by wsgi_cors (the application never sees it)
                        Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network

        Actual request: not sent (the preflight failed, so the browser does not send the request)

        Result: BLOCKED: the browser console shows
          Access to fetch at '/api/items/1' from origin 'https://evil.example' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.
        Fix: if pages on https://evil.example should read this API, add "https://evil.example" to origins in the rule for '/api/*'
        """)


def test_a_simple_get_sends_no_preflight(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", "--config", config, "--origin", ORIGIN, "/api/items")
    assert status == 0
    assert "Preflight: none (a GET, HEAD or POST with only CORS-safelisted headers needs none)" in out


@pytest.mark.parametrize(
    ("header", "preflight"),
    [("Content-Type: text/plain", False), ("Content-Type: application/json", True), ("Content-Type", True)],
)
def test_content_type_needs_a_preflight_unless_a_form_could_send_it(
    config: str, capsys: pytest.CaptureFixture[str], header: str, preflight: bool
) -> None:
    _, out, _ = run(
        capsys, "check", "--config", config, "--origin", ORIGIN, "--method", "POST", "--header", header, "--json", "/api/items"
    )
    assert json.loads(out)["preflight"]["sent"] is preflight


@pytest.mark.parametrize(
    ("argv", "fix"),
    [
        (["--method", "DELETE", "/api/items/1"], "add \"DELETE\" to methods in the rule for '/api/*'"),
        (
            ["--method", "patch", "/api/items/1"],
            "fetch() sends 'patch' exactly as written and methods are compared "
            "case-sensitively: write method: 'PATCH' in the page's fetch() call",
        ),
        (
            ["--method", "PUT", "--header", "Authorization", "/api/items/1"],
            "add \"authorization\" to allow_headers in the rule for '/api/*'",
        ),
        (
            ["/admin"],
            "no rule covers this path, so the middleware adds no CORS headers: add a [[resources]] table "
            'whose path covers it (e.g. path = "/api/*"), or widen resources',
        ),
        (
            ["--credentials", "/public/status"],
            "a browser refuses 'Access-Control-Allow-Origin: *' on a request with "
            "credentials: list the trusted origins in the rule for '/public/*' instead of '*' and set supports_credentials = true",
        ),
    ],
)
def test_a_blocked_request_comes_with_the_fix(config: str, capsys: pytest.CaptureFixture[str], argv: list[str], fix: str) -> None:
    status, out, _ = run(capsys, "check", "--config", config, "--origin", ORIGIN, "--json", *argv)
    assert status == 1
    assert json.loads(out)["fix"] == fix


def test_credentials_the_rule_does_not_support_are_blocked_though_the_policy_allows_the_origin(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(capsys, "check", "--origins", ORIGIN, "--origin", ORIGIN, "--credentials", "--json", "/")
    report = json.loads(out)
    assert status == 1
    assert report["actual"]["decision"]["allowed"] is True
    assert report["actual"]["verdict"] == "blocked"
    assert report["actual"]["browser"] == (
        "The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' "
        "when the request's credentials mode is 'include'."
    )


def test_check_json_is_a_document_for_scripts(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", "--config", config, "--origin", ORIGIN, "--method", "PUT", "--json", "/api/items")
    report = json.loads(out)
    assert status == 0
    assert (report["allowed"], report["policy"]) == (True, ["cors.toml"])
    assert report["request"] == {"origin": ORIGIN, "method": "PUT", "path": "/api/items", "headers": [], "credentials": False}
    assert report["preflight"]["sent"] and report["preflight"]["verdict"] == "allowed"
    assert report["preflight"]["status"] == 200 and report["preflight"]["rule"] == "/api/*"
    assert ["Access-Control-Allow-Methods", "GET, PUT"] in report["preflight"]["response_headers"]
    assert report["actual"]["response_headers"][0] == ["Access-Control-Allow-Origin", ORIGIN]
    assert (report["browser_error"], report["fix"]) == (None, None)


def test_check_reads_the_environment_and_names_it(
    config: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WSGI_CORS_MAX_AGE", "30")
    status, out, _ = run(capsys, "check", "--config", config, "--origin", ORIGIN, "--method", "PUT", "/api/items")
    assert out.startswith("Policy:  cors.toml + WSGI_CORS_MAX_AGE\n")
    assert "Access-Control-Max-Age: 30" in out


def test_option_flags_override_the_file(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "check",
        "--config",
        config,
        "--origins",
        "https://a.example,https://b.example",
        "--origin",
        "https://b.example",
        "/api/items",
    )
    assert status == 0
    assert out.startswith("Policy:  cors.toml + option flags\n")


def test_without_any_configuration_check_says_the_defaults_apply(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", "--origin", ORIGIN, "/")
    assert (status, out.splitlines()[0]) == (0, "Policy:  defaults (no --config, no WSGI_CORS_* variables, no option flags)")


def test_an_invalid_configuration_is_a_usage_error_listing_the_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.toml").write_text('origins = ["app.example.com"]\n')
    status, out, err = run(capsys, "check", "--config", str(tmp_path / "bad.toml"), "--origin", ORIGIN, "/")
    assert (status, out) == (2, "")
    assert err == textwrap.dedent(f"""\
        error: invalid CORS configuration (1 problem):
          {tmp_path / "bad.toml"}, line 1: origins[0] = 'app.example.com'
            problem: an origin needs a scheme ('https://' or 'http://') (wsgi_cors.E022)
            fix:     write 'https://app.example.com'
        """)


def test_configuration_warnings_go_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "check", "--origins", ORIGIN, "--max-age", "86400", "--origin", ORIGIN, "/")
    assert status == 0 and out.startswith("Policy:")
    assert err.startswith("warning: max_age=86400: Chromium caps Access-Control-Max-Age at 7200 s")
    assert err.count("\n") == 1


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    main(["check", "--origin", ORIGIN, "/"])
    assert "\033[1;32mALLOWED\033[0m" in terminal.getvalue()


def test_no_colour_when_no_color_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setenv("NO_COLOR", "1")
    main(["check", "--origin", ORIGIN, "/"])
    assert "\033[" not in terminal.getvalue()


def test_no_colour_when_piped(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--origin", ORIGIN, "/"])
    assert "\033[" not in capsys.readouterr().out


# --- lint ----------------------------------------------------------------------------------------


def test_lint_a_valid_file(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "lint", config) == (0, "cors.toml: valid; 2 rules in precedence order: /public/*, /api/*\n", "")


def test_lint_prints_every_problem_with_its_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.toml").write_text(
        textwrap.dedent("""\
        origins = ["https://app.example.com/"]
        supports_credential = true

        [[resources]]
        path = "/api/*"
        max_age = "ten minutes"
    """)
    )
    status, out, _ = run(capsys, "lint", "bad.toml")
    assert status == 1
    assert out == textwrap.dedent("""\
        error: invalid CORS configuration (3 problems):
          bad.toml, line 2: supports_credential = true
            problem: unknown option (wsgi_cors.E001)
            fix:     did you mean supports_credentials=?
          bad.toml, line 1: origins[0] = 'https://app.example.com/'
            problem: browsers never send a trailing slash in Origin (wsgi_cors.E023)
            fix:     write 'https://app.example.com'
          bad.toml, line 6: resources['/api/*'].max_age = 'ten minutes'
            problem: max_age must be a whole number of seconds (wsgi_cors.E013)
            fix:     write max_age=600
        """)


def test_lint_ignores_the_environment(config: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WSGI_CORS_ORIGINS", "not an origin")
    assert run(capsys, "lint", config)[0] == 0


def test_lint_shows_warnings_and_fails_on_them_only_when_strict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cors.toml").write_text('origins = "https://app.example.com"\nmax_age = 86400\n')
    status, out, _ = run(capsys, "lint", "cors.toml")
    assert status == 0
    assert out.startswith("warning: cors.toml, line 2: max_age=86400: Chromium caps")
    assert out.endswith("cors.toml: valid, 1 warning; 1 rule in precedence order: /*\n")
    assert run(capsys, "lint", "--strict", "cors.toml")[0] == 1


def test_lint_a_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "lint", "missing.toml")
    assert status == 1
    assert (
        "  config file = 'missing.toml'\n    problem: cannot read the configuration file (No such file or directory) (wsgi_cors.E033)"
        in out
    )


def test_lint_shows_values_as_the_toml_file_wrote_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cors.toml").write_text(
        textwrap.dedent("""\
        origins = ["https://app.example.com"]
        send_wildcard = true

        [[resources]]
        path = "/api/*"
        supports_credentials = "it's"
        allow_headers = ["X-Api-Key", false]
    """)
    )
    status, out, _ = run(capsys, "lint", "cors.toml")
    assert status == 1
    assert "  cors.toml, line 6: resources['/api/*'].supports_credentials = \"it's\"\n" in out
    assert "  cors.toml, line 7: resources['/api/*'].allow_headers[1] = false\n" in out
    assert "= True" not in out and "= False" not in out


def test_lint_warnings_show_toml_booleans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cors.toml").write_text('origins = ["https://app.example.com"]\nsend_wildcard = true\n')
    status, out, _ = run(capsys, "lint", "cors.toml")
    assert status == 0
    assert out.startswith("warning: cors.toml, line 2: send_wildcard=true: send_wildcard only has an effect")
    assert "True" not in out


def test_lint_a_toml_syntax_error_names_the_line_and_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "syntax.toml").write_text('origins = ["https://app.example.com",\n')
    status, out, _ = run(capsys, "lint", "syntax.toml")
    assert status == 1
    assert out.splitlines()[1:3] == [
        "  syntax.toml, line 1, column 38 = 'origins = [\"https://app.example.com\",'",
        "    problem: not valid TOML: Invalid value at the end of the file (wsgi_cors.E035)",
    ]
    assert "None" not in out


def test_a_value_that_was_never_written_is_not_shown_as_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cors.toml").write_text('[[resources]]\norigins = "*"\n')
    out = run(capsys, "lint", "cors.toml")[1]
    assert "  cors.toml, line 1: resources[0].path\n    problem: every [[resources]] table needs the path" in out


# --- serve ---------------------------------------------------------------------------------------


def test_serve_runs_the_wrapped_app_on_werkzeug_and_prints_the_policy(
    config: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import werkzeug.serving

    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(werkzeug.serving, "run_simple", lambda *args, **kwargs: calls.append((args, kwargs)))
    status, out, _ = run(capsys, "serve", "examples.plain_app:hello", "--config", config)
    [(args, kwargs)] = calls
    host, port, app = args
    assert (status, host, port, kwargs) == (0, "127.0.0.1", 8000, {"use_reloader": False, "use_debugger": False})
    assert isinstance(app, CORSMiddleware) and app.app.__name__ == "hello"
    header, _, policy_text = out.partition("\n\n")
    assert header == (
        "wsgi-cors: serving examples.plain_app:hello at http://127.0.0.1:8000/ with CORS\npolicy from cors.toml, in effect:"
    )
    (tmp_path / "printed.toml").write_text(policy_text)
    assert load_policy(tmp_path / "printed.toml", environ={}).describe() == app.policy.describe()


def test_serve_names_an_app_it_cannot_import(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "serve", "examples.plain_app:nothing")
    assert status == 2
    assert err == "error: module 'examples.plain_app' has no attribute 'nothing' (from 'examples.plain_app:nothing')\n"


def test_serve_really_serves() -> None:
    command = [sys.executable, "-m", "wsgi_cors", "serve", "examples.plain_app:hello", "--port", "{port}", "--origins", ORIGIN]
    with running_server(command, cwd=ROOT) as base:
        status, headers = fetch(base + "/api/hello", headers={"Origin": ORIGIN})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == ORIGIN


def test_serve_logs_the_reason_of_a_refused_request_to_stderr(tmp_path: Path) -> None:
    """Nothing configures logging under `wsgi-cors serve`, so the command does: the reason reaches the terminal."""
    command = [sys.executable, "-m", "wsgi_cors", "serve", "examples.plain_app:hello", "--port", "{port}", "--origins", ORIGIN]
    stderr = tmp_path / "stderr.txt"
    with running_server(command, cwd=ROOT, stderr=stderr) as base:
        status, _ = fetch(
            base + "/api/hello", "OPTIONS", {"Origin": "https://evil.example", "Access-Control-Request-Method": "PUT"}
        )
    log = stderr.read_text()
    assert status == 403
    assert (
        " INFO wsgi_cors: CORS preflight request rejected [origin-not-allowed]: origin 'https://evil.example' is not "
        "allowed by rule '/*' (origin='https://evil.example' method='OPTIONS' path='/api/hello')\n"
    ) in log, log


def test_serve_keeps_the_logging_the_application_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import logging

    import werkzeug.serving

    (tmp_path / "logged_app.py").write_text(
        textwrap.dedent("""\
        import logging
        logging.getLogger("wsgi_cors").setLevel(logging.WARNING)  # the application's choice: no INFO lines

        def app(environ, start_response):
            start_response("200 OK", [])
            return [b""]
    """)
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(werkzeug.serving, "run_simple", lambda *args, **kwargs: None)
    logger = logging.getLogger("wsgi_cors")
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "level", logging.NOTSET)
    assert run(capsys, "serve", "logged_app:app")[0] == 0
    assert (logger.handlers, logger.level) == ([], logging.WARNING)


# --- the command itself ----------------------------------------------------------------------------


def test_help_lists_the_three_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0
    assert out.startswith("usage: wsgi-cors [-h] COMMAND ...\n")
    words = " ".join(out.split())  # independent of the terminal width argparse wraps to
    for line in [
        "serve serve a WSGI application with CORS on Werkzeug's development server",
        "check simulate a browser request and say whether CORS lets it through, and why",
        "lint validate a configuration file and print every problem with its fix",
    ]:
        assert line in words


@pytest.mark.parametrize("command", ["serve", "check", "lint"])
def test_each_command_has_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: wsgi-cors {command} ")


def test_every_option_has_a_flag(capsys: pytest.CaptureFixture[str]) -> None:
    from wsgi_cors._config import KNOWN_OPTIONS

    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = capsys.readouterr().out
    assert all("--" + option.replace("_", "-") in out for option in KNOWN_OPTIONS)


def test_a_missing_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 2


def test_python_dash_m_runs_the_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wsgi_cors", "check", "--origin", ORIGIN, "--json", "/"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=clean_environment(),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["allowed"] is True


def test_the_console_script_is_declared() -> None:
    found: Any = metadata.entry_points()
    # Python 3.9's entry_points() is a dict of groups; 3.10 added select().
    group = found.select(group="console_scripts") if hasattr(found, "select") else found.get("console_scripts", [])
    scripts = {entry.name: entry.value for entry in group}
    assert scripts.get("wsgi-cors") == "wsgi_cors._cli:main"
