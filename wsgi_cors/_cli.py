"""The ``wsgi-cors`` command (also ``python -m wsgi_cors``).

A CORS mistake shows up in a browser console, far from the configuration that caused it, worded
in terms of response headers the developer never wrote. The three subcommands close that gap:

* ``serve MODULE:APP`` runs any WSGI application behind the middleware on Werkzeug's development
  server, printing the policy in force, to try a configuration against a real front end;
* ``check PATH --origin URL`` replays what a browser would do for one ``fetch()``: whether it
  sends a preflight, what the policy answers and why, and what the browser then concludes
  (:mod:`wsgi_cors.testing`, the Fetch standard's rules, worded as Chromium's console);
* ``lint FILE`` validates a configuration file and lists every problem with its fix.

The policy comes from the same places as in production: ``--config`` (or ``WSGI_CORS_CONFIG``),
the ``WSGI_CORS_*`` environment variables, then options given as flags.

Exit status: 0 allowed / valid, 1 blocked / invalid, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import warnings
from typing import Any, Callable, Optional, Sequence, TextIO, Union

from . import CORSMiddleware, import_app
from ._configfile import (
    OVERRIDES_SOURCE,
    LoadedConfig,
    dump_toml,
    load_config,
    split_list,
    toml_value,
)
from ._engine import status_line
from ._escaping import printable
from ._options import OPTIONS, Option, ValueKind
from .errors import ConfigError, ConfigProblem
from .testing import simulate

__all__ = ["main", "build_parser", "EXIT_OK", "EXIT_BLOCKED", "EXIT_USAGE"]

EXIT_OK = 0
EXIT_BLOCKED = 1  # check: a browser would block the request; lint: the file has errors
EXIT_USAGE = 2  # argparse's own status for a bad command line; also a configuration that cannot load

# The logger every door writes refusals to, at INFO; `serve` gives it a stderr handler in this format.
LOGGER_NAME = "wsgi_cors"
SERVE_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# One line per option for --help, in the schema's order (the README's Options table's).
OPTION_HELP = {option.name: option.help for option in OPTIONS}

_DESCRIPTION = """\
Serve, check and lint CORS configurations for wsgi_cors.

The policy is read as in production: --config FILE (or $WSGI_CORS_CONFIG), then the
WSGI_CORS_* environment variables, then option flags such as --origins."""

_EPILOG = """\
examples:
  wsgi-cors lint cors.toml
  wsgi-cors check --config cors.toml --origin https://app.example.com --method PUT --header X-Api-Key /api/items
  wsgi-cors serve myapp:app --origins https://app.example.com --port 8000

run 'wsgi-cors COMMAND --help' for the options of one command."""


# --- command line ----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``wsgi-cors`` and its three subcommands."""
    parser = argparse.ArgumentParser(
        prog="wsgi-cors",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        allow_abbrev=False,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = commands.add_parser(
        "serve",
        help="serve a WSGI application with CORS on Werkzeug's development server",
        usage="%(prog)s MODULE:APP [--host HOST] [--port PORT] [--config FILE] [policy options]",
        description="Serve MODULE:APP behind the CORS middleware on Werkzeug's development server "
        "(for trying a policy with a front end; deploy with gunicorn or uWSGI). "
        "The policy in force is printed at start. Each refused request's reason is logged to "
        "stderr (logger 'wsgi_cors', INFO), unless MODULE configured logging itself when imported "
        "(a handler on the root or the 'wsgi_cors' logger, or a level on 'wsgi_cors'): then that "
        "configuration is kept as it is.",
        allow_abbrev=False,
    )
    serve.add_argument("app", metavar="MODULE:APP", help="the WSGI application to serve, e.g. myproject.wsgi:application")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default %(default)s)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default %(default)s)")
    _add_policy_arguments(serve)
    serve.set_defaults(handler=_serve)

    check = commands.add_parser(
        "check",
        help="simulate a browser request and say whether CORS lets it through, and why",
        usage="%(prog)s --origin URL [--method METHOD] [--header NAME[: VALUE]]... [--credentials] [--json]\n"
        "       [--config FILE] [policy options] (PATH | --url URL [--timeout SECONDS])",
        description="Simulate the request a browser makes for fetch(PATH) from a page at --origin: "
        "the preflight when one is needed, then the actual request. For each, print the "
        "verdict a browser would reach and why, the rule that matched and the headers sent. "
        "Exit status 0 when the browser allows it, 1 when it blocks it.",
        allow_abbrev=False,
    )
    check.add_argument("path", metavar="PATH", nargs="?", help="the request path, as the application sees it (e.g. /api/items)")
    check.add_argument(
        "--url",
        metavar="URL",
        help="instead of PATH: send the requests to this live server and judge "
        "its real answers (the actual request is really sent)",
    )
    check.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="with --url: seconds to wait for the server (default %(default)s)",
    )
    check.add_argument(
        "--origin", required=True, metavar="URL", help="origin of the page making the request, e.g. https://app.example.com"
    )
    check.add_argument("--method", default="GET", help="request method (default %(default)s)")
    check.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="NAME[: VALUE]",
        dest="headers",
        help="a request header the page sets; repeat for several. Give the value for "
        "Content-Type: 'Content-Type: text/plain' needs no preflight, JSON does",
    )
    check.add_argument(
        "--credentials", action="store_true", help="the page sends cookies (fetch credentials: 'include', XHR withCredentials)"
    )
    check.add_argument("--json", action="store_true", help="print a JSON document instead of text")
    _add_policy_arguments(check)
    check.set_defaults(handler=_check)

    lint = commands.add_parser(
        "lint",
        help="validate a configuration file and print every problem with its fix",
        description="Validate a TOML configuration file with the same validator the middleware uses, "
        "print every problem with its fix, and exit 1 if there is any. The WSGI_CORS_* "
        "environment variables are not read: the file is checked on its own.",
        allow_abbrev=False,
    )
    lint.add_argument("config", metavar="FILE", help="the TOML configuration file")
    lint.add_argument("--strict", action="store_true", help="fail on warnings too")
    lint.set_defaults(handler=_lint)
    return parser


def _flag(option: str) -> str:
    return "--" + option.replace("_", "-")


def _add_policy_arguments(parser: argparse.ArgumentParser, schema: Sequence[Option] = OPTIONS) -> None:
    """One flag per option of the schema, of the option's kind."""
    group = parser.add_argument_group(
        "policy", "Where the CORS policy comes from. Flags override WSGI_CORS_* variables, which override the file."
    )
    group.add_argument("--config", metavar="FILE", help="TOML configuration file (default: $WSGI_CORS_CONFIG, if set)")
    for option in schema:
        dest = "option_" + option.name
        if option.kind is ValueKind.LIST:
            group.add_argument(
                _flag(option.name), action="append", dest=dest, metavar="LIST", help=option.help + "; comma-separated or repeated"
            )
        elif option.kind is ValueKind.BOOLEAN:
            group.add_argument(
                _flag(option.name), action=argparse.BooleanOptionalAction, dest=dest, default=None, help=option.help
            )
        else:
            group.add_argument(_flag(option.name), type=int, dest=dest, metavar="N", help=option.help)


def _overrides(args: argparse.Namespace, schema: Sequence[Option] = OPTIONS) -> dict[str, Any]:
    """The policy options given as flags."""
    overrides: dict[str, Any] = {}
    for option in schema:
        value = getattr(args, "option_" + option.name, None)
        if value is None:
            continue
        overrides[option.name] = split_list(",".join(value)) if option.kind is ValueKind.LIST else value
    return overrides


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run ``wsgi-cors`` with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace, TextIO], int] = args.handler
    return handler(args, sys.stdout)


def _load(args: argparse.Namespace) -> Optional[LoadedConfig]:
    """The policy for serve/check, or None after printing why it cannot be built."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            loaded = load_config(args.config, overrides=_overrides(args))
        except ConfigError as error:
            _print_problems(error.problems, sys.stderr)
            return None
    for message in _warning_messages(caught):
        print(f"warning: {message}", file=sys.stderr)  # escaped by _warning_messages
    return loaded


def _describe_sources(sources: Sequence[str]) -> str:
    if not sources:
        return "defaults (no --config, no WSGI_CORS_* variables, no option flags)"
    return " + ".join("option flags" if source == OVERRIDES_SOURCE else printable(source) for source in sources)


def _print_problems(problems: Sequence[ConfigProblem], stream: TextIO) -> None:
    count = len(problems)
    print(f"error: invalid CORS configuration ({count} problem{'s' if count != 1 else ''}):", file=stream)
    for problem in problems:  # every part may quote the file or the environment: escaped for the terminal
        value = "" if problem.value is None else f" = {printable(_shown_value(problem.value))}"  # None: nothing was written
        print(f"  {printable(problem.where)}{value}", file=stream)
        print(f"    problem: {printable(problem.problem)} ({problem.code})", file=stream)
        print(f"    fix:     {printable(problem.fix)}", file=stream)


# --- serve -----------------------------------------------------------------------------------


def _serve(args: argparse.Namespace, out: TextIO) -> int:
    try:
        from werkzeug.serving import run_simple
    except ImportError:
        print("error: 'wsgi-cors serve' needs Werkzeug: pip install 'wsgi_cors[serve]'", file=sys.stderr)
        return EXIT_USAGE
    loaded = _load(args)
    if loaded is None:
        return EXIT_USAGE
    if os.getcwd() not in sys.path:  # as gunicorn does: MODULE is found in the current directory
        sys.path.insert(0, os.getcwd())
    try:
        app = import_app(args.app)
    except ValueError as error:
        print(f"error: {printable(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    _log_refusals_to_stderr()
    middleware = CORSMiddleware(app, policy=loaded.policy, _settings_read=True)  # the variables were read
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"wsgi-cors: serving {printable(args.app)} at http://{printable(host)}:{args.port}/ with CORS", file=out)
    print(f"policy from {_describe_sources(loaded.sources)}, in effect:\n", file=out)
    # TOML strings escape control characters; the comments for values TOML cannot hold may not, hence per line.
    print("\n".join(printable(line) for line in dump_toml(loaded.policy.describe()).split("\n")), file=out, flush=True)
    run_simple(args.host, args.port, middleware, use_reloader=False, use_debugger=False)
    return EXIT_OK


def _log_refusals_to_stderr() -> None:
    """Make the middleware's reasons visible: without a handler, Python drops INFO records, and a refused request
    would show only as a browser console error. Called after the application is imported, so logging the
    application configured (a root handler from basicConfig or dictConfig, or anything on 'wsgi_cors') wins."""
    logger = logging.getLogger(LOGGER_NAME)
    if logger.handlers or logger.level != logging.NOTSET or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(SERVE_LOG_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


# --- check -----------------------------------------------------------------------------------


def _check(args: argparse.Namespace, out: TextIO) -> int:
    if args.url is not None or args.path is None or args.path.lower().startswith(("http://", "https://")):  # wsgi_cors._live
        from ._live import run_check

        return run_check(args, out)
    loaded = _load(args)
    if loaded is None:
        return EXIT_USAGE
    headers = [_parse_header(text) for text in args.headers]
    report = simulate(
        loaded.policy, origin=args.origin, method=args.method, path=args.path, headers=headers, credentials=args.credentials
    )
    report = {"allowed": report.pop("allowed"), "policy": list(loaded.sources), **report}
    if args.json:
        json.dump(report, out, indent=2)
        out.write("\n")
    else:
        _render(_escaped(report), _describe_sources(loaded.sources), _Style.for_stream(out), out)
    return EXIT_OK if report["allowed"] else EXIT_BLOCKED


def _parse_header(text: str) -> tuple[str, str]:
    name, _, value = text.partition(":")
    return name.strip(), value.strip()


class _Style:
    """ANSI colours on a terminal, nothing when piped or when NO_COLOR is set (no-color.org)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    @classmethod
    def for_stream(cls, stream: TextIO) -> "_Style":
        isatty = getattr(stream, "isatty", None)
        return cls(bool(isatty and isatty()) and "NO_COLOR" not in os.environ)

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.enabled else text

    def verdict(self, verdict: str) -> str:
        return self._wrap("1;32" if verdict == "allowed" else "1;31", verdict.upper())

    def label(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)


def _escaped(value: Any) -> Any:
    """The report with every string escaped for a terminal: it quotes the request, the file's path patterns
    and origins, and the environment (JSON output needs none of this: json.dump escapes control characters)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_escaped(item) for item in value]
    return value


def _request_line(report: dict[str, Any], target: str, style: _Style) -> str:
    """``Request: PUT /api/items from https://app.example.com, with credentials, with header X-A``."""
    request = report["request"]
    extras = []
    if request["credentials"]:
        extras.append("with credentials")
    if request["headers"]:
        extras.append("with header" + ("s " if len(request["headers"]) > 1 else " ") + ", ".join(request["headers"]))
    return f"{style.label('Request:')} {request['method']} {target} from {request['origin']}" + (
        ", " + ", ".join(extras) if extras else ""
    )


def _render(report: dict[str, Any], sources: str, style: _Style, out: TextIO) -> None:
    request = report["request"]
    lines = [f"{style.label('Policy:')}  {sources}", _request_line(report, request["path"], style), ""]
    preflight = report["preflight"]
    if preflight["sent"]:
        lines.append(f"{style.label('Preflight:')} {style.verdict(preflight['verdict'])}")
        lines.append(f"  sent because  {preflight['why']}")
        lines += _render_step(preflight, style)
    else:
        lines.append(f"{style.label('Preflight:')} {style.dim('none')} ({preflight['why']})")
    lines.append("")
    actual = report["actual"]
    if actual["sent"]:
        lines.append(f"{style.label('Actual request:')} {style.verdict(actual['verdict'])}")
        lines += _render_step(actual, style)
    else:
        lines.append(f"{style.label('Actual request:')} {style.dim('not sent')} ({actual['why']})")
    lines.append("")
    lines += _result_lines(report, style)
    out.write("\n".join(lines) + "\n")


def _result_lines(report: dict[str, Any], style: _Style) -> list[str]:
    """The verdict a browser reaches, with its console error and the fix when it blocks."""
    if report["allowed"]:
        return [
            f"{style.label('Result:')} {style.verdict('allowed')}: JavaScript on {report['request']['origin']} can make "
            f"this request and read the response."
        ]
    lines = [f"{style.label('Result:')} {style.verdict('blocked')}: the browser console shows", f"  {report['browser_error']}"]
    if report["fix"]:
        lines.append(f"{style.label('Fix:')} {report['fix']}")
    return lines


def _render_step(step: dict[str, Any], style: _Style) -> list[str]:
    lines = [f"  request       {step['request_line']}"]
    lines += [f"                {name}: {value}" for name, value in step["request_headers"]]
    lines.append(f"  rule          {step['rule'] if step['rule'] is not None else '(none: the path is not covered)'}")
    decision = step["decision"]
    why = decision["message"] + (f" [{decision['reason']}]" if decision["reason"] else "")
    lines.append(f"  policy        {why}")
    lines.append(f"  browser       {step['browser']}")
    if step["status"] is not None:
        answered = f"{status_line(step['status'])}, answered by wsgi_cors (the application never sees it)"
    else:
        answered = (
            "status from the application, CORS headers from wsgi_cors"
            if step["rule"] is not None
            else "from the application, untouched"
        )
    lines.append(f"  response      {answered}")
    if step["response_headers"]:
        lines += [f"                {name}: {value}" for name, value in step["response_headers"]]
    else:
        lines.append(f"                {style.dim('(no CORS headers)')}")
    return lines


# --- lint ------------------------------------------------------------------------------------


def _lint(args: argparse.Namespace, out: TextIO) -> int:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            loaded = load_config(args.config, environ={})
        except ConfigError as error:
            _print_problems(error.problems, out)
            return EXIT_BLOCKED
    messages = _warning_messages(caught)
    for message in messages:
        print(f"warning: {message}", file=out)
    rules = loaded.policy.rules
    noted = f", {len(messages)} warning{'s' if len(messages) != 1 else ''}" if messages else ""
    print(
        f"{printable(args.config)}: valid{noted}; {len(rules)} rule{'s' if len(rules) != 1 else ''} "
        f"in precedence order: {', '.join(printable(rule) for rule in rules)}",
        file=out,
    )
    return EXIT_BLOCKED if messages and args.strict else EXIT_OK


def _shown_value(value: Any) -> str:
    """A configuration value in the notation it was written in: TOML (``true``, ``'text'``, ``['a', 'b']``) for what a
    file, a variable or a flag can hold; Python's repr for what only code can pass (a callable, a compiled pattern)."""
    shown = None if _has_control_characters(value) else toml_value(value)
    return repr(value) if shown is None else shown  # repr, which printable() escapes as '\x1b' like every other output


def _has_control_characters(value: Any) -> bool:
    if isinstance(value, str):
        return printable(value) != value
    return isinstance(value, (list, tuple)) and any(_has_control_characters(item) for item in value)


def _warning_text(message: Union[Warning, str]) -> str:
    problem = getattr(message, "problem", None)
    if not isinstance(problem, ConfigProblem):
        return str(message)
    return f"{problem.where}={_shown_value(problem.value)}: {problem.problem}. Fix: {problem.fix} [{problem.code}]"


def _warning_messages(caught: Sequence[warnings.WarningMessage]) -> list[str]:
    """The warnings' texts, each once (a warning about a top-level option may come once per rule), escaped
    for the terminal: a warning quotes values from the file or the environment."""
    return list(dict.fromkeys(printable(_warning_text(warning.message)) for warning in caught))
