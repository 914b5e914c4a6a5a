"""Configuration outside code: a TOML file and ``WSGI_CORS_*`` environment variables.

A deployment should not need a code change to let one more origin in, and a 12-factor
deployment sets everything through the environment. Both end up as the same keyword options
that ``CORSMiddleware(app, **options)`` takes, validated by the same validator
(:class:`~wsgi_cors._engine.CORSPolicy`), so a file cannot mean anything the keywords do not.

The file: top-level keys are the options; each ``[[resources]]`` table is one path rule, its
``path`` plus the options it overrides::

    origins = ["https://app.example.com"]
    max_age = 600

    [[resources]]
    path = "/api/*"
    supports_credentials = true

Precedence, lowest first: the file (``config=`` or ``WSGI_CORS_CONFIG``), then
``WSGI_CORS_<OPTION>`` variables, then keyword options given in code. The policy engine, not
the order of the tables, decides which rule wins for a path.

Errors keep the validator's wording and fix, and say where the bad value came from: the file
and line (``tomllib`` gives no positions, so the line is found in the text, best effort) or the
environment variable.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import sys
import warnings
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Union

import tomli_w

from . import _problems as kinds
from ._config import KNOWN_OPTIONS, user_stacklevel
from ._engine import CORSPolicy
from ._escaping import printable
from ._options import OPTIONS, Option, ValueKind, by_name, from_text, names
from ._problems import Kind
from .errors import ConfigError, ConfigProblem, CORSConfigWarning, Location

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

__all__ = [
    "CONFIG_VARIABLE",
    "ENV_PREFIX",
    "BOOLEAN_OPTIONS",
    "INTEGER_OPTIONS",
    "LIST_OPTIONS",
    "LoadedConfig",
    "load_config",
    "load_options",
    "load_policy",
    "split_list",
    "env_variable",
    "dump_toml",
    "toml_value",
    "options_from_text",
    "OVERRIDES_SOURCE",
]

StrPath = Union[str, "os.PathLike[str]"]

ENV_PREFIX = "WSGI_CORS_"
CONFIG_VARIABLE = "WSGI_CORS_CONFIG"
# How LoadedConfig.sources names the keyword options given in code.
OVERRIDES_SOURCE = "keyword options"

# How a value written as text (an environment variable, a command-line flag) becomes an option value:
# derived from the option schema (wsgi_cors._options), which says each option's kind.
LIST_OPTIONS = names(kind=ValueKind.LIST)
BOOLEAN_OPTIONS = names(kind=ValueKind.BOOLEAN)
INTEGER_OPTIONS = names(kind=ValueKind.INTEGER)

_RESOURCES_KEY = "resources"
# A table of options for a second policy, reported and never enforced (CORSMiddleware's report_only).
REPORT_ONLY_KEY = "report_only"
_PATH_KEY = "path"
# tomllib (and tomli) end every syntax error with its position.
_TOML_POSITION_RE = re.compile(r"\s*\(at line (?P<line>\d+), column (?P<column>\d+)\)$")
_TOML_AT_END = "(at end of document)"
# What a TOML literal string ('...') cannot hold: control characters other than tab (TOML 1.0 "Literal strings").
_TOML_LITERAL_FORBIDDEN_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_TABLE_HEADER_RE = re.compile(r"\s*\[")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
# A variable meant for us in another spelling: WSGI and CORS in any case, any separators, then the option.
_NEAR_PREFIX_RE = re.compile(r"wsgi[\W_]*cors[\W_]+(?P<option>\w.*)", re.IGNORECASE | re.DOTALL)
# difflib ratio above which a whole variable name is taken for a misspelling of ours: WSGI_COR_ORIGINS
# scores 0.97 against WSGI_CORS_ORIGINS, another library's CORS_ORIGINS 0.83.
_NEAR_NAME_CUTOFF = 0.88
_CONFIG_OPTION = CONFIG_VARIABLE[len(ENV_PREFIX) :].lower()
_RESOURCES_HEADER_RE = re.compile(r"""\s*\[\[\s*(resources|"resources"|'resources')\s*\]\]""")


def env_variable(option: str) -> str:
    """The environment variable that sets ``option``: ``max_age`` -> ``WSGI_CORS_MAX_AGE``."""
    return ENV_PREFIX + option.upper()


def split_list(text: str) -> Union[str, list[str]]:
    """A list option written as text: comma-separated items, or one item kept as a plain string (see _options.from_text)."""
    value: Union[str, list[str]] = from_text(by_name()["origins"], text)
    return value


def _problem(kind: Kind, where: Location, value: Any, problem: str, fix: str) -> ConfigProblem:
    return ConfigProblem(kind.code, where, value, problem, fix)


@dataclass(frozen=True)
class LoadedConfig:
    """A loaded and validated configuration.

    ``options`` are the keyword options (``CORSPolicy(**options)`` builds ``policy``); ``sources``
    names what they came from, lowest precedence first (``"cors.toml"``, ``"WSGI_CORS_MAX_AGE"``,
    ``"keyword options"``), for a tool to show which configuration is in force.
    """

    options: dict[str, Any]
    policy: CORSPolicy
    sources: tuple[str, ...]
    # The file's [report_only] table as a policy: evaluated beside ``policy``, never enforced (None: no table).
    report_only: Optional[CORSPolicy] = None


def load_options(
    config: Optional[StrPath] = None,
    *,
    environ: Optional[Mapping[str, str]] = None,
    overrides: Optional[Mapping[str, Any]] = None,
) -> dict[str, Any]:
    """Read the file (``config``, else ``$WSGI_CORS_CONFIG``, else none) and the ``WSGI_CORS_*``
    variables of ``environ`` (default ``os.environ``), apply ``overrides``, validate, and return
    the keyword options.

    Raises :class:`~wsgi_cors.errors.ConfigError` listing every problem, each located in the file
    (with its line when found) or the variable it came from. Configuration warnings are left to
    the policy built from the options; :func:`load_policy` emits them located, once.
    """
    return _load(config, environ, overrides, reemit_warnings=False).options


def load_policy(
    config: Optional[StrPath] = None,
    *,
    environ: Optional[Mapping[str, str]] = None,
    overrides: Optional[Mapping[str, Any]] = None,
) -> CORSPolicy:
    """Like :func:`load_options`, but return the compiled policy; warnings name the file and line."""
    return _load(config, environ, overrides, reemit_warnings=True).policy


def load_config(
    config: Optional[StrPath] = None,
    *,
    environ: Optional[Mapping[str, str]] = None,
    overrides: Optional[Mapping[str, Any]] = None,
) -> LoadedConfig:
    """Like :func:`load_policy`, returning the options, the policy and their sources together."""
    return _load(config, environ, overrides, reemit_warnings=True)


# --- the file --------------------------------------------------------------------------------


class _ConfigFile:
    """A parsed TOML file, plus what is needed to point at a line of it."""

    def __init__(self, label: str, text: str, data: dict[str, Any]) -> None:
        self.label = label
        self.lines = text.splitlines()
        self.data = data
        headers = [number for number, line in enumerate(self.lines) if _TABLE_HEADER_RE.match(line)]
        self._first_header = headers[0] if headers else len(self.lines)
        self._resource_headers = [number for number, line in enumerate(self.lines) if _RESOURCES_HEADER_RE.match(line)]
        self._section_ends = {start: next((h for h in headers if h > start), len(self.lines)) for start in self._resource_headers}

    def where(self, line: Optional[int], option: Optional[str] = None, rule: Union[str, int, None] = None) -> Location:
        """``cors.toml, line 4: resources[0].path`` (lines are 0-based inside, 1-based when shown)."""
        return Location(option=option, rule=rule, source=self.place(line))

    def place(self, line: Optional[int]) -> str:
        return self.label if line is None else f"{self.label}, line {line + 1}"

    def top_level_line(self, key: str, value: Any = None) -> Optional[int]:
        """The line that sets the top-level ``key`` (or the table header named so)."""
        found = self._find_key(key, 0, self._first_header)
        if found is None:
            header = re.compile(r"\s*\[\[?\s*" + re.escape(key) + r"\s*[\].]")
            found = next((n for n, line in enumerate(self.lines) if header.match(line)), None)
        return self._refine(found, self._first_header, value)

    def rule_line(self, index: Optional[int], key: Optional[str], value: Any = None) -> Optional[int]:
        """The line of ``key`` in the ``index``-th ``[[resources]]`` table, else its header line."""
        if index is None or index >= len(self._resource_headers):
            return self.top_level_line(_RESOURCES_KEY)  # an inline array: the best we can do is the key
        start = self._resource_headers[index]
        end = self._section_ends[start]
        found = self._find_key(key, start + 1, end) if key else None
        return start if found is None else self._refine(found, end, value)

    def _find_key(self, key: str, start: int, end: int) -> Optional[int]:
        pattern = re.compile(r"""\s*(?:{0}|"{0}"|'{0}')\s*=""".format(re.escape(key)))
        return next((n for n in range(start, end) if pattern.match(self.lines[n])), None)

    def _refine(self, found: Optional[int], end: int, value: Any) -> Optional[int]:
        """In a multi-line array, the line of the offending item rather than of its key."""
        if found is None or not isinstance(value, str) or not value:
            return found
        quoted = (f'"{value}"', f"'{value}'")
        for number in range(found, end):
            line = self.lines[number]
            if any(text in line for text in quoted):
                return number
            if number > found and "=" in line.split("#", 1)[0] and not line.lstrip().startswith(("'", '"')):
                break  # the next key: the value was not written verbatim
        return found


def _read_file(config: StrPath, from_variable: bool) -> _ConfigFile:
    label = os.fspath(config)
    try:
        with open(config, "rb") as stream:
            raw = stream.read()
    except OSError as error:
        absolute = os.path.abspath(label)
        raise ConfigError(
            [
                _problem(
                    kinds.UNREADABLE_FILE,
                    Location(source=f"environment variable {CONFIG_VARIABLE}" if from_variable else "config file"),
                    label,
                    f"cannot read the configuration file ({error.strerror or error})",
                    f"check the path: relative paths start from the current directory, so this one is {absolute}",
                )
            ]
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            [
                _problem(
                    kinds.FILE_NOT_UTF8,
                    Location(source=label),
                    raw[max(0, error.start - 20) : error.end + 20],
                    "a TOML file must be UTF-8",
                    "save the file as UTF-8",
                )
            ]
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([_syntax_problem(label, text, str(error))]) from None
    return _ConfigFile(label, text, data)


def _syntax_problem(label: str, text: str, message: str) -> ConfigProblem:
    """A TOML syntax error at its file, line and column, with the line as the value and the parser's words.

    ``tomllib`` ends its message with ``(at line L, column C)``, or ``(at end of document)`` when the file
    ends inside a value (an unclosed array or string): that is placed at the end of the last line.
    """
    lines = text.splitlines() or [""]
    position = _TOML_POSITION_RE.search(message)
    at_end = position is None and message.endswith(_TOML_AT_END)
    if position is not None:
        line, column = int(position["line"]), int(position["column"])
        said = _TOML_POSITION_RE.sub("", message)
    elif at_end:
        line, column = len(lines), len(lines[-1]) + 1
        said = message[: -len(_TOML_AT_END)].rstrip() + " at the end of the file"
    else:  # a parser that gives no position: the file is all we can name
        return _problem(kinds.INVALID_TOML, Location(source=label), None, f"not valid TOML: {message}", "correct the TOML syntax")
    shown = lines[line - 1] if 0 < line <= len(lines) else ""
    hint = (
        "the file ends inside a value: close the array, inline table or string opened above"
        if at_end
        else 'strings need quotes; lists are ["a", "b"]; booleans are true/false'
    )
    return _problem(
        kinds.INVALID_TOML,
        Location(source=f"{label}, line {line}, column {column}"),
        shown,
        f"not valid TOML: {said}",
        f"correct the TOML syntax at line {line}, column {column} ({hint})",
    )


def _file_options(file: _ConfigFile, problems: list[ConfigProblem]) -> tuple[dict[str, Any], dict[str, int]]:
    """The file's options, with ``[[resources]]`` tables turned into ``{path: options}``.

    Also returns each rule's index among the ``[[resources]]`` tables, to find its lines later.
    """
    options = dict(file.data)
    rules_index: dict[str, int] = {}
    tables = options.get(_RESOURCES_KEY)
    if not isinstance(tables, list) or not any(isinstance(table, dict) for table in tables):
        if isinstance(tables, dict):
            problems.append(
                _problem(
                    kinds.RESOURCES_TABLE,
                    file.where(file.top_level_line(_RESOURCES_KEY), _RESOURCES_KEY),
                    tables,
                    "path rules are written as [[resources]] tables, one per path",
                    '[[resources]] then path = "/api/*" and the options of that path, on the lines below',
                )
            )
            del options[_RESOURCES_KEY]
        return options, rules_index  # absent, a pattern or a list of patterns: the validator's business
    rules: dict[str, Any] = {}
    for index, table in enumerate(tables):
        if isinstance(table, str):  # a bare pattern in a mixed array (TOML 1.0 allows it)
            pattern, own = table, {}
        elif isinstance(table, dict):
            own = {key: value for key, value in table.items() if key != _PATH_KEY}
            path = table.get(_PATH_KEY)
            if not isinstance(path, str):
                problems.append(
                    _problem(
                        kinds.RULE_WITHOUT_PATH,
                        file.where(file.rule_line(index, _PATH_KEY), _PATH_KEY, index),
                        path,
                        "every [[resources]] table needs the path it applies to",
                        'add path = "/api/*" (a string) to this table',
                    )
                )
                continue
            pattern = path
        else:
            problems.append(
                _problem(
                    kinds.BAD_RULE_ENTRY,
                    file.where(file.top_level_line(_RESOURCES_KEY), rule=index),
                    table,
                    "a path rule is a [[resources]] table or a path pattern string",
                    '[[resources]] then path = "/api/*"',
                )
            )
            continue
        if pattern in rules:
            problems.append(
                _problem(
                    kinds.DUPLICATE_RULE,
                    file.where(file.rule_line(index, _PATH_KEY), rule=pattern),
                    pattern,
                    f"a second rule for the same path (the first is {_rule_position(file, rules_index[pattern])})",
                    "merge the two tables into one",
                )
            )
            continue
        rules[pattern] = own
        rules_index[pattern] = index
    options[_RESOURCES_KEY] = rules
    return options, rules_index


def _rule_position(file: _ConfigFile, index: int) -> str:
    line = file.rule_line(index, None)
    return f"at line {line + 1}" if line is not None else f"table {index + 1}"


def dump_toml(options: Mapping[str, Any]) -> str:
    """Write options (such as ``policy.describe()``) in the file format, so a policy can be shown as it would be written.

    Options left at ``None`` are omitted (TOML has no null). A value TOML cannot hold (a callable,
    a compiled pattern, text with a lone surrogate) is written as a comment naming it, so the output
    says what it could not show. The values are written by ``tomli-w``, a maintained TOML writer: the
    JSON string escapes used before turned text beyond U+FFFF into surrogate pairs, which TOML forbids.
    """
    top = {key: value for key, value in options.items() if key != _RESOURCES_KEY}
    lines = _toml_pairs(top)
    rules = options.get(_RESOURCES_KEY)
    if isinstance(rules, Mapping):
        for pattern, own in rules.items():
            lines += ["", "[[resources]]", *_toml_pairs({_PATH_KEY: pattern, **dict(own or {})})]
    elif rules is not None:
        lines += _toml_pairs({_RESOURCES_KEY: rules})
    return "\n".join(lines) + "\n"


def _toml_pairs(options: Mapping[str, Any]) -> list[str]:
    lines = []
    for key, value in options.items():
        if value is None:
            continue
        if _expressible(value):
            lines.append(tomli_w.dumps({key: _plain(value)}).rstrip("\n"))
        else:  # repr escapes line breaks and surrogates, so the comment stays one line of valid UTF-8
            lines.append(f"# {key} = {printable(repr(value))} (not expressible in TOML)")
    return lines


def toml_value(value: Any) -> Optional[str]:
    """``value`` as a TOML file would write it (``true``, ``'text'``, ``['a', 'b']``), or None if TOML cannot hold it.

    For showing values read from a file in the file's own notation: a user who wrote ``true`` should not be
    told ``True``. Text is a literal string (``'...'``, as regexes are best written in TOML) when it can be one,
    else a basic string written by ``tomli-w``.
    """
    if not _expressible(value):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if "'" not in value and not _TOML_LITERAL_FORBIDDEN_RE.search(value):
            return f"'{value}'"
        return tomli_w.dumps({"v": value})[len("v = ") :].rstrip("\n")
    return "[" + ", ".join(str(toml_value(item)) for item in value) + "]"


def _expressible(value: Any) -> bool:
    """Whether ``value`` is made of what a TOML file can hold: booleans, integers, text, arrays of them."""
    if isinstance(value, (bool, int)):
        return True
    if isinstance(value, str):
        return _SURROGATE_RE.search(value) is None  # a TOML file is UTF-8, which cannot encode a lone surrogate
    if isinstance(value, (list, tuple)):
        return all(_expressible(item) for item in value)
    return False


def _plain(value: Any) -> Any:
    return [_plain(item) for item in value] if isinstance(value, (list, tuple)) else value


# --- the environment -------------------------------------------------------------------------


def _known_variables() -> list[str]:
    return sorted([env_variable(name) for name in KNOWN_OPTIONS] + [CONFIG_VARIABLE])


def _spelling_fix(option: str) -> str:
    """The fix for a variable naming ``option`` (lower case, after the prefix) that is not a setting."""
    names = sorted(KNOWN_OPTIONS | {_CONFIG_OPTION})
    close = [option] if option in names else difflib.get_close_matches(option, names, n=1, cutoff=0.6)
    if close:
        return f"did you mean {env_variable(close[0])}?"
    return "the variables are " + ", ".join(_known_variables())


def _misspelled_variables(environ: Mapping[str, str], problems: list[ConfigProblem]) -> None:
    """Refuse variables meant for us but spelled so that they would be ignored.

    An ignored ``wsgi_cors_origins=...`` leaves the default, ``origins="*"``: the mistake is silent
    and permissive. Caught: our prefix in another case or with other separators (``WSGICORS_ORIGINS``,
    ``Wsgi-Cors-Origins``), and names close to one of ours as a whole (``WSGI_COR_ORIGINS``). The
    cutoff keeps other programs' ``CORS_ORIGINS`` (ratio 0.83) out of it.
    """
    known = _known_variables()
    for variable in sorted(environ):
        lowered = variable.lower()
        if variable.startswith(ENV_PREFIX) or ("cors" not in lowered and "wsgi" not in lowered):
            continue  # ours, checked by _environment_options; or nothing like ours
        spelled = _NEAR_PREFIX_RE.match(variable)
        if spelled:
            fix = _spelling_fix(re.sub(r"[\W_]+", "_", spelled["option"]).strip("_").lower())
        else:
            close = difflib.get_close_matches(variable.upper(), known, n=1, cutoff=_NEAR_NAME_CUTOFF)
            if not close:
                continue
            fix = f"did you mean {close[0]}?"
        problems.append(
            _problem(
                kinds.MISSPELLED_VARIABLE,
                Location(source=f"environment variable {variable}"),
                environ[variable],
                f"looks meant for wsgi_cors, but only variables spelled exactly {ENV_PREFIX}<OPTION> (upper case) are read, "
                "so this one would be ignored and the defaults (any origin) would apply",
                fix,
            )
        )


def _environment_options(
    environ: Mapping[str, str], problems: list[ConfigProblem], schema: tuple[Option, ...] = OPTIONS
) -> dict[str, tuple[str, Any]]:
    """``{option: (variable, value)}`` for every ``WSGI_CORS_*`` variable except the file's; each option's kind
    (the schema's) says how its text becomes a value."""
    found: dict[str, tuple[str, Any]] = {}
    known = by_name(schema)
    _misspelled_variables(environ, problems)
    for variable in sorted(environ):
        if not variable.startswith(ENV_PREFIX) or variable == CONFIG_VARIABLE:
            continue
        name = variable[len(ENV_PREFIX) :].lower()
        text = environ[variable]
        where = Location(source=f"environment variable {variable}")
        option = known.get(name)
        if option is None:
            problems.append(_problem(kinds.UNKNOWN_VARIABLE, where, text, "not a wsgi_cors setting", _spelling_fix(name)))
            continue
        parsed = _option_from_text(option, text, where, variable, problems)
        if parsed is not _INVALID:
            found[name] = (variable, parsed)
    return found


_INVALID = object()


def _option_from_text(
    option: Option, text: str, where: Location, name: str, problems: list[ConfigProblem], kind: str = "variable"
) -> Any:
    """One option's value written as text (a ``variable``, an ini ``key``), or _INVALID with the problem recorded."""
    if not text.strip():
        problems.append(
            _problem(
                kinds.EMPTY_VARIABLE,
                where,
                text,
                f"the {kind} is set but empty",
                f"{'unset' if kind == 'variable' else 'remove'} {name} to use the default, or give it a value",
            )
        )
        return _INVALID
    try:
        return from_text(option, text)
    except ValueError:
        problems.append(
            _problem(
                kinds.VARIABLE_NOT_BOOLEAN,
                where,
                text,
                "not a boolean",
                f"write {name}=true or {name}=false (1/0 and yes/no work too)",
            )
        )
        return _INVALID


def options_from_text(settings: Mapping[str, str], *, source: str) -> dict[str, Any]:
    """Options written as text under their own names (an ini section), parsed as ``WSGI_CORS_*`` variables are.

    Raises :class:`~wsgi_cors.errors.ConfigError` naming each bad key (``source`` says where keys come from).
    """
    problems: list[ConfigProblem] = []
    options: dict[str, Any] = {}
    known = by_name(OPTIONS)
    for key, text in settings.items():
        name = key.strip().lower()
        where = Location(source=f"{source} {key}")
        option = known.get(name)
        if option is None:
            problems.append(_problem(kinds.UNKNOWN_VARIABLE, where, text, "not a wsgi_cors setting", _spelling_fix(name)))
            continue
        parsed = _option_from_text(option, text, where, key, problems, kind="key")
        if parsed is not _INVALID:
            options[name] = parsed
    if problems:
        raise ConfigError(problems)
    return options


# --- putting it together ---------------------------------------------------------------------


class _Provenance:
    """Says where an option's value was written, to prefix the validator's ``where`` with it."""

    def __init__(
        self, file: Optional[_ConfigFile], rules_index: Mapping[str, int], variables: Mapping[str, str], in_file: frozenset[str]
    ) -> None:
        self.file = file
        self.rules_index = rules_index
        self.variables = variables  # option -> the environment variable that set it
        self.in_file = in_file  # top-level keys the file sets and nothing overrides

    def place(self, where: Location, value: Any = None) -> str:
        """``cors.toml, line 4``, ``environment variable WSGI_CORS_ORIGINS``, or "" (code or default)."""
        key = _RESOURCES_KEY if where.rule is not None else where.option
        if key is None:
            return ""
        if key in self.variables:
            return f"environment variable {self.variables[key]}"
        if self.file is None or key not in self.in_file:
            return ""
        if where.rule is not None:
            index = self.rules_index.get(where.rule) if isinstance(where.rule, str) else None
            line = self.file.rule_line(index, where.option, value)
        else:
            line = self.file.top_level_line(key, value)
        return self.file.place(line)

    def locate(self, problem: ConfigProblem) -> ConfigProblem:
        place = self.place(problem.location, problem.value)
        return dataclasses.replace(problem, location=dataclasses.replace(problem.location, source=place)) if place else problem


def _load(
    config: Optional[StrPath],
    environ: Optional[Mapping[str, str]],
    overrides: Optional[Mapping[str, Any]],
    *,
    reemit_warnings: bool,
) -> LoadedConfig:
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    problems: list[ConfigProblem] = []
    sources: list[str] = []

    if CONFIG_VARIABLE in environ and not environ[CONFIG_VARIABLE].strip():
        # Set but empty: a deploy script whose $CONFIG_PATH expanded to nothing; reading no file would
        # silently leave the defaults (origins '*').
        problems.append(
            _problem(
                kinds.EMPTY_VARIABLE,
                Location(source=f"environment variable {CONFIG_VARIABLE}"),
                environ[CONFIG_VARIABLE],
                "the variable is set but empty, so no configuration file would be read",
                f"set {CONFIG_VARIABLE} to the path of the TOML file, or unset it",
            )
        )
    from_variable = config is None and bool(environ.get(CONFIG_VARIABLE, "").strip())
    path = environ.get(CONFIG_VARIABLE) if from_variable else config
    file = _read_file(path, from_variable) if path is not None else None  # unreadable: nothing else can be checked
    options: dict[str, Any] = {}
    rules_index: dict[str, int] = {}
    if file is not None:
        options, rules_index = _file_options(file, problems)
        sources.append(file.label)

    variables: dict[str, str] = {}
    for option, (variable, value) in _environment_options(environ, problems).items():
        options[option] = value
        variables[option] = variable
        sources.append(variable)
    options.update(overrides)
    if overrides:
        sources.append(OVERRIDES_SOURCE)
    for option in overrides:
        variables.pop(option, None)
    in_file = frozenset(key for key in (file.data if file else ()) if key not in variables and key not in overrides)
    provenance = _Provenance(file, rules_index, variables, in_file)

    report_only_options = options.pop(REPORT_ONLY_KEY, None)
    report_only: Optional[CORSPolicy] = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            policy = CORSPolicy(**options)
        except ConfigError as error:
            problems.extend(provenance.locate(problem) for problem in error.problems)
        if report_only_options is not None:
            report_only = _report_only_policy(report_only_options, file, problems)
    if problems:
        raise ConfigError(problems)
    if reemit_warnings:
        stacklevel = user_stacklevel()
        for warning in caught:
            message = warning.message
            if isinstance(message, CORSConfigWarning) and message.problem is not None:
                message = type(message)(provenance.locate(message.problem))
            warnings.warn(message, warning.category, stacklevel=stacklevel)
    return LoadedConfig(options, policy, tuple(sources), report_only)


def _report_only_policy(table: Any, file: Optional[_ConfigFile], problems: list[ConfigProblem]) -> Optional[CORSPolicy]:
    """The ``[report_only]`` table (options, ``[[report_only.resources]]`` included) as a policy; problems located in it."""
    source = f"{file.label if file else 'configuration'} [{REPORT_ONLY_KEY}]"
    if not isinstance(table, dict):
        problems.append(
            _problem(
                kinds.BAD_REPORT_ONLY,
                Location(option=REPORT_ONLY_KEY, source=source),
                table,
                "report_only is a table of options",
                "write [report_only] and the options under it",
            )
        )
        return None
    options = dict(table)
    rules = options.get(_RESOURCES_KEY)
    if isinstance(rules, list) and all(isinstance(rule, dict) for rule in rules):  # [[report_only.resources]] tables
        options[_RESOURCES_KEY] = {rule.get(_PATH_KEY): {k: v for k, v in rule.items() if k != _PATH_KEY} for rule in rules}
    try:
        return CORSPolicy(**options)
    except ConfigError as error:
        problems.extend(
            dataclasses.replace(problem, location=dataclasses.replace(problem.location, source=source))
            for problem in error.problems
        )
        return None
