"""Terminal escape injection through the command line's output.

`wsgi-cors lint` printed the path patterns of the file raw in its summary and `check` printed the matched
rule raw: an ESC/CSI sequence in a config file (or a WSGI_CORS_* variable's name, or a request value)
reached the terminal of whoever ran the tool, able to recolour, hide or rewrite what it shows
(CWE-150). Every value from a file, the environment or a request is escaped before it is printed;
the check is on the bytes the CLI writes: no control, format or separator character but the newline.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from wsgi_cors._cli import main

# ESC c (reset the terminal), C1 CSI sequences (clear screen, red), CR (rewrite the line), BEL, a bidi override.
# (No "[": in a path pattern it would make a regex; the origin and header tests add ESC [ too.)
NASTY = "\x1bc\x9b2J\x9b31m\r\x07\u202e"
NASTY_TOML = "".join(f"\\u{ord(character):04x}" for character in NASTY)
ESCAPED = r"\x1bc\x9b2J\x9b31m\x0d\x07\u202e"
CSI_TOML = "\\u001b[2J\\u001b[31m"
ORIGIN = "https://app.example.com"


def raw_controls(text: str) -> list[str]:
    return sorted({character for character in text if not character.isprintable() and character != "\n"})


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [name for name in os.environ if "cors" in name.lower() or "wsgi" in name.lower()]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def write(text: str) -> str:
    Path("cors.toml").write_text(text, encoding="utf-8")
    return "cors.toml"


VALID = f'''origins = ["{ORIGIN}"]

[[resources]]
path = "/api{NASTY_TOML}/*"

[[resources]]
path = "/*"
'''


def test_lint_summary_escapes_the_path_patterns(capsys: pytest.CaptureFixture[str]) -> None:
    """Terminal escape injection: the rule list in lint's summary came straight from the file."""
    status, out = run(capsys, "lint", write(VALID))
    assert status == 0 and raw_controls(out) == []
    assert f"/api{ESCAPED}/*" in out


def test_check_rule_line_escapes_the_path_pattern(capsys: pytest.CaptureFixture[str]) -> None:
    """Terminal escape injection: check's `rule` line printed the matched pattern raw."""
    status, out = run(capsys, "check", "--config", write(VALID), "--origin", ORIGIN, "--method", "PUT", f"/api{NASTY}/x")
    assert raw_controls(out) == []
    assert f"rule          /api{ESCAPED}/*" in out


def test_check_escapes_what_the_request_carries(capsys: pytest.CaptureFixture[str]) -> None:
    """Terminal escape injection: the origin, path and headers of the simulated request are request values too."""
    status, out = run(
        capsys,
        "check",
        "--config",
        write(VALID),
        "--origin",
        f"https://x{NASTY}.example",
        "--header",
        f"X-A{NASTY}: v{NASTY}",
        f"/p{NASTY}",
    )
    assert status == 1 and raw_controls(out) == []


def test_serve_banner_escapes_the_policy(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Terminal escape injection: the policy `serve` prints at start quotes every pattern of the file."""
    import werkzeug.serving

    monkeypatch.setattr(werkzeug.serving, "run_simple", lambda *args, **kwargs: None)
    status, out = run(capsys, "serve", "examples.plain_app:hello", "--config", write(VALID))
    assert status == 0 and raw_controls(out) == []


@pytest.mark.parametrize("field", ["origin", "header name", "path pattern", "shadowed rule"])
def test_problems_and_warnings_escape_the_offending_values(capsys: pytest.CaptureFixture[str], field: str) -> None:
    """Terminal escape injection: a refused origin or header name, or a warning quoting a pattern, is printed escaped."""
    text = {
        "origin": f'origins = ["https://a{CSI_TOML}{NASTY_TOML}.example"]\n',
        "header name": f'allow_headers = ["X-A{CSI_TOML}{NASTY_TOML}"]\n',
        "path pattern": f'origins = ["{ORIGIN}"]\nresources = ["/x[{NASTY_TOML}"]\n',  # a regex that does not compile
        # a rule shadowed by the one declared before it: the warning quotes both patterns
        "shadowed rule": f'origins = ["{ORIGIN}"]\nresources = ["/x.*", "/x(?:.*|{NASTY_TOML})"]\n',
    }[field]
    status, out = run(capsys, "lint", "--strict", write(text))
    assert status == 1 and raw_controls(out) == [], out
    assert "\\x1b" in out


def test_a_variable_name_from_the_environment_is_escaped(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Terminal escape injection: the environment's own names are printed in errors and in the policy's sources."""
    monkeypatch.setenv(f"wsgi_cors_origins{NASTY}", ORIGIN)
    status, out = run(capsys, "check", "--origin", ORIGIN, "/x")
    assert status == 2 and raw_controls(out) == []
    assert f"environment variable wsgi_cors_origins{ESCAPED}" in out


def test_json_output_needs_no_escaping_beyond_json(capsys: pytest.CaptureFixture[str]) -> None:
    """Terminal escape injection: --json output is JSON, whose strings escape every control character."""
    import json

    status, out = run(capsys, "check", "--config", write(VALID), "--origin", ORIGIN, "--json", f"/api{NASTY}/x")
    assert raw_controls(out) == []
    report: dict[str, Any] = json.loads(out)
    assert report["actual"]["rule"] == f"/api{NASTY}/*"  # the data itself is exact
