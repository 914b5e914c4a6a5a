"""The option schema: every option defined once.

One :class:`Option` per option says its name, the kind of value (how text from a ``WSGI_CORS_*``
variable or a command-line flag becomes one), its default, its scope (per path rule, the whole
policy only, or a setting of the door), the validator that checks and compiles it, its one-line
``--help`` and its row of the README's Options table. Everything else is derived from
:data:`OPTIONS`: the defaults and option names (``wsgi_cors._config``), the validation and the
compiled rule settings, the text readers (``wsgi_cors._configfile``), the command-line flags
(``wsgi_cors._cli``) and the README table (tests/test_option_schema.py renders it and compares).
A new option is one entry here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Union

from . import _validators as check
from ._validators import Validate

__all__ = [
    "ValueKind",
    "Scope",
    "Option",
    "OPTIONS",
    "DEFAULT_METHODS",
    "defaults",
    "names",
    "by_name",
    "from_text",
    "readme_table",
    "TRUE_WORDS",
    "FALSE_WORDS",
]

# Flask-CORS core.py ALL_METHODS.
DEFAULT_METHODS = ("GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE")
# The spellings a shell user reaches for in a boolean variable; anything else is refused rather than guessed.
TRUE_WORDS = frozenset({"true", "1", "yes"})
FALSE_WORDS = frozenset({"false", "0", "no"})


class ValueKind(str, enum.Enum):
    """The kind of value, which says how text becomes one (a TOML value is taken as it is)."""

    LIST = "list"  # comma-separated items; one item stays a string ("*" keeps its meaning)
    BOOLEAN = "boolean"  # true/false, 1/0, yes/no
    INTEGER = "integer"  # digits become an int; anything else is passed on for the validator to explain


class Scope(str, enum.Enum):
    """Where an option may be set."""

    RULE = "rule"  # top level, or per path rule inside ``resources``
    POLICY = "policy"  # top level only: it applies to the whole policy
    DOOR = "door"  # a setting of the door, still accepted in options and files for compatibility


@dataclass(frozen=True)
class Option:
    """One option, defined once."""

    name: str
    kind: ValueKind
    default: Any
    scope: Scope
    validate: Validate
    help: str  # one line, for ``wsgi-cors --help``
    readme_default: str  # the README Options table's "default" cell (Markdown)
    readme_meaning: str  # and its "meaning" cell


OPTIONS: tuple[Option, ...] = (
    Option(
        "origins",
        ValueKind.LIST,
        "*",
        Scope.RULE,
        check.origins,
        "origins allowed to read responses: 'https://app.example.com', 'https://*.example.com', a regex, or '*' (default '*')",
        '`"*"`',
        'who may read responses: `"*"`, exact origins, `"null"`, wildcard patterns, regexes, compiled patterns, callables, '
        "or a list of these ([Origins](origins.md))",
    ),
    Option(
        "methods",
        ValueKind.LIST,
        DEFAULT_METHODS,
        Scope.RULE,
        check.methods,
        "methods a preflight may allow (default GET, HEAD, POST, OPTIONS, PUT, PATCH, DELETE)",
        "`" + " ".join(DEFAULT_METHODS) + "`",
        "methods a preflight may ask for; sent as `Access-Control-Allow-Methods` (a list is sorted, a string kept as written). "
        '`"*"` allows any method and echoes the requested one',
    ),
    Option(
        "allow_headers",
        ValueKind.LIST,
        "*",
        Scope.RULE,
        check.allow_headers,
        "request headers a page may send (default '*')",
        '`"*"`',
        'request headers a preflight may ask for: names (case-insensitive), regexes (whole-name match), or `"*"`. The allowed '
        'requested names are echoed in `Access-Control-Allow-Headers` (so `Authorization` works with `"*"` too)',
    ),
    Option(
        "expose_headers",
        ValueKind.LIST,
        None,
        Scope.RULE,
        check.expose_headers,
        "response headers JavaScript may read besides the safelisted ones",
        "`None`",
        "response headers the page may read (`Access-Control-Expose-Headers`)",
    ),
    Option(
        "supports_credentials",
        ValueKind.BOOLEAN,
        False,
        Scope.RULE,
        check.boolean,
        "let pages send cookies and HTTP authentication (needs listed origins)",
        "`False`",
        "send `Access-Control-Allow-Credentials: true` (cookies, HTTP auth); needs explicit origins",
    ),
    Option(
        "max_age",
        ValueKind.INTEGER,
        None,
        Scope.RULE,
        check.max_age,
        "seconds a browser may reuse a preflight answer",
        "`None`",
        "seconds a browser may cache a preflight (int, digit string or `timedelta`); Chromium caps it at 7200",
    ),
    Option(
        "send_wildcard",
        ValueKind.BOOLEAN,
        False,
        Scope.RULE,
        check.boolean,
        "with origins '*', send 'Access-Control-Allow-Origin: *' instead of the origin",
        "`False`",
        'with `origins="*"`, send `*` instead of reflecting the origin. Responses still say `Vary: Origin`: `null`, malformed '
        "origins and ambiguous paths get no `*`, so the answer is not the same for everyone ([Decisions](security.md#decisions))",
    ),
    Option(
        "vary_header",
        ValueKind.BOOLEAN,
        True,
        Scope.RULE,
        check.boolean,
        "send 'Vary: Origin' where the answer depends on the origin (default on)",
        "`True`",
        "add `Vary` (merged into the app's); `False` never touches `Vary`, and warns (`MissingVaryWarning`): send your own "
        "`Vary: Origin` or `Cache-Control: private` then",
    ),
    Option(
        "automatic_options",
        ValueKind.BOOLEAN,
        True,
        Scope.RULE,
        check.boolean,
        "answer preflights in the middleware, before the application (default on)",
        "`True`",
        "answer preflights in the middleware; `False` lets the app answer them (the headers are added)",
    ),
    Option(
        "allow_private_network",
        ValueKind.BOOLEAN,
        False,
        Scope.RULE,
        check.boolean,
        "allow (legacy) Private Network Access preflights; Chrome 142+ asks the user instead (Local Network Access)",
        "`False`",
        "legacy: answer `Access-Control-Request-Private-Network: true` with `Access-Control-Allow-Private-Network: true`; when "
        "`False` such a preflight is refused. Chrome 142+ no longer sends these preflights (Local Network Access asks the user "
        "instead, which no header can grant: [Troubleshooting](troubleshooting.md), 6.); older browsers may",
    ),
    Option(
        "always_send",
        ValueKind.BOOLEAN,
        True,
        Scope.RULE,
        check.boolean,
        "send the CORS headers on requests without Origin too (default on)",
        "`True`",
        "give requests without `Origin` the CORS headers too, when the `Access-Control-Allow-Origin` would be the same for "
        "everyone (`*`, or the single configured origin)",
    ),
    Option(
        "resources",
        ValueKind.LIST,
        r"/*",
        Scope.POLICY,
        check.resources,
        "path patterns the policy covers (default '/*')",
        '`r"/*"`',
        "path rules: a pattern, a list of patterns, or a dict of pattern → options overriding the ones above "
        "([Path rules](paths.md))",
    ),
    Option(
        "preflight_status",
        ValueKind.INTEGER,
        200,
        Scope.RULE,
        check.preflight_status,
        "status of an allowed preflight: 200 (default) or 204",
        "`200`",
        "status of an allowed preflight: any int 200–299 (204 for APIs that prefer it; some old clients need 200)",
    ),
    Option(
        "intercept_exceptions",
        ValueKind.BOOLEAN,
        False,
        Scope.DOOR,
        check.boolean,
        "turn an application exception into a 500 that carries CORS headers",
        "`False`",
        "a setting of the door, not of the policy (`CORSMiddleware(app, intercept_exceptions=True)`; still accepted in options "
        "and files for compatibility): an exception the app raises (when called, or before its first body chunk) turns into a "
        "`500` that carries the CORS headers (so the browser shows the error), logged with its traceback; the body's `close()` "
        "is still called. Off by default: the exception propagates to your server and error reporting as usual. An exception "
        "after the first chunk always reaches the server: the status is already on the wire",
    ),
    Option(
        # Not Flask-CORS's: a credentialed wildcard over a public suffix (https://*.github.io) is refused unless this is set.
        "allow_public_suffix_wildcards",
        ValueKind.BOOLEAN,
        False,
        Scope.RULE,
        check.boolean,
        "with credentials, accept wildcards over public suffixes such as 'https://*.github.io'",
        "`False`",
        "not in Flask-CORS: with credentials, a wildcard over a public suffix (`https://*.github.io`, `https://*.co.uk`: anyone "
        "can register a name there) (or a wildcard with one under it, `https://*.amazonaws.com`, or a regex or predicate "
        "admitting names under one) is a `ConfigError` unless this is `True`. Checked against the Public Suffix List shipped "
        "with the `publicsuffixlist` package (no download at run time)",
    ),
)


def by_name(schema: Iterable[Option] = OPTIONS) -> Mapping[str, Option]:
    return {option.name: option for option in schema}


def names(
    schema: Iterable[Option] = OPTIONS, *, scope: Union[Scope, None] = None, kind: Union[ValueKind, None] = None
) -> frozenset[str]:
    """The names of the options of one scope and/or kind (all of them by default)."""
    return frozenset(
        option.name for option in schema if (scope is None or option.scope is scope) and (kind is None or option.kind is kind)
    )


def defaults(schema: Iterable[Option] = OPTIONS) -> dict[str, Any]:
    """The defaults of the per-rule options (a fresh list for a list default)."""
    return {
        option.name: list(option.default) if isinstance(option.default, tuple) else option.default
        for option in schema
        if option.scope is Scope.RULE
    }


def from_text(option: Option, text: str) -> Any:
    """The value of ``option`` written as text (a ``WSGI_CORS_*`` variable, a flag); ValueError for a word that is no boolean.

    A list's single item stays a string because the validator gives a string its Flask-CORS meaning
    (``methods="*"`` is "any method"; ``["*"]`` would be a method named ``*``).
    """
    if option.kind is ValueKind.BOOLEAN:
        word = text.strip().lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            raise ValueError(text)
        return word in TRUE_WORDS
    if option.kind is ValueKind.INTEGER:
        stripped = text.strip()
        return int(stripped) if stripped.isascii() and stripped.isdigit() else stripped
    if "," not in text:
        return text.strip()
    return [item.strip() for item in text.split(",") if item.strip()]


def readme_table(schema: Iterable[Option] = OPTIONS) -> str:
    """The Options table of docs/options.md, in Markdown (its links are relative to docs/)."""
    rows = ["| option | default | meaning |", "|---|---|---|"]
    rows += [f"| `{option.name}` | {option.readme_default} | {option.readme_meaning} |" for option in schema]
    return "\n".join(rows)
