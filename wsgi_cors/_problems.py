"""Every kind of configuration problem, with its stable code: the one catalogue.

A code names one kind of problem and is never reused for another (as django-cors-headers'
check IDs): tests and tools match codes, not wording. Errors are ``wsgi_cors.E0xx`` and refuse
the configuration; warnings are ``wsgi_cors.W0xx`` and are emitted as the warning class given
here, so the category is chosen where the problem is raised, never guessed from its text.
docs/errors.md ("Configuration errors and warnings") lists every code (tested).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from .errors import (
    ConfigProblem,
    CORSConfigWarning,
    InsecureConfigWarning,
    Location,
    MissingVaryWarning,
    ShadowedRuleWarning,
)

__all__ = ["Kind", "KINDS", "Problems"]


@dataclass(frozen=True)
class Kind:
    """A kind of problem: its code, a one-line meaning (the README's), and for a warning its class."""

    code: str
    meaning: str
    category: Optional[type[CORSConfigWarning]] = None

    @property
    def is_error(self) -> bool:
        return self.category is None


def _error(number: int, meaning: str) -> Kind:
    return Kind(f"wsgi_cors.E{number:03d}", meaning)


def _warning(number: int, meaning: str, category: type[CORSConfigWarning] = CORSConfigWarning) -> Kind:
    return Kind(f"wsgi_cors.W{number:03d}", meaning, category)


# --- errors: options and their types ---
UNKNOWN_OPTION = _error(1, "unknown option (the fix names the near one)")
NOT_PER_RULE = _error(2, "an option of the whole policy given inside a path rule")
NOT_BOOLEAN = _error(3, "a flag that is not True or False (a string such as 'false' would count as true)")
BAD_METHODS = _error(4, "methods is not a list of method names or '*'")
BAD_METHOD = _error(5, "not a valid HTTP method name")
FORBIDDEN_METHOD = _error(6, "a forbidden method (CONNECT, TRACE, TRACK): browsers never send it")
BAD_HEADER_LIST = _error(7, "allow_headers or expose_headers is not a header name or a list of them")
BAD_HEADER_NAME = _error(8, "not a valid header name")
BAD_REGEX = _error(9, "a regular expression (origin, header or path) that does not compile")
ACCESS_CONTROL_HEADER = _error(10, "an Access-Control-* name in allow_headers or expose_headers")
FORBIDDEN_REQUEST_HEADER = _error(11, "a forbidden request header in allow_headers: browsers never let a page set it")
SET_COOKIE_EXPOSED = _error(12, "Set-Cookie in expose_headers: browsers never let a page read it")
BAD_MAX_AGE = _error(13, "max_age is not a whole number of seconds")
NEGATIVE_MAX_AGE = _error(14, "max_age is negative")
BAD_PREFLIGHT_STATUS = _error(15, "preflight_status is not an int from 200 to 299")
BAD_RESOURCES = _error(16, "resources is not a path pattern, a list of them or a dict of pattern to options")
BAD_RULE_OPTIONS = _error(17, "the options of a path rule are not a dict")
BAD_PATH_PATTERN = _error(18, "a path pattern that is not a string or a compiled regex")
PATH_WITHOUT_SLASH = _error(19, "an exact path that does not start with '/', so it never matches")
# --- errors: origins ---
BAD_ORIGINS = _error(20, "origins is not a string, a pattern, a callable or a list of those")
BAD_ORIGIN_ENTRY = _error(21, "an origins entry that is not a string, a str pattern or a callable")
ORIGIN_WITHOUT_SCHEME = _error(22, "an origin without a scheme")
ORIGIN_WITH_PATH = _error(23, "an origin with a path, a trailing slash, a query or a fragment")
UNSERIALIZED_ORIGIN = _error(24, "an origin not written as browsers send it (case, default port, IDN, IP form): it never matches")
INVALID_ORIGIN = _error(25, "an origin whose host or port is not valid")
# --- errors: what credentials and private network access make unsafe ---
CREDENTIALS_ANY_ORIGIN = _error(26, "credentials with '*': any website would read responses sent with the user's cookies")
CREDENTIALS_CATCH_ALL = _error(27, "credentials with a regex or predicate that admits origins anyone can set up")
CREDENTIALS_PUBLIC_SUFFIX_PATTERN = _error(28, "credentials with a regex or predicate that admits names under a public suffix")
CREDENTIALS_PUBLIC_SUFFIX_WILDCARD = _error(29, "credentials with a wildcard over, or spanning into, a public suffix")
CREDENTIALS_EXPOSE_WILDCARD = _error(30, "credentials with '*' in expose_headers, which browsers then read literally")
CREDENTIALS_GLOB_REGEX = _error(31, "credentials with a glob-looking string that became a regex")
PRIVATE_NETWORK_ANY_WEBSITE = _error(32, "allow_private_network with origins that admit every website")
# --- errors: configuration files and environment variables ---
UNREADABLE_FILE = _error(33, "the configuration file cannot be read")
FILE_NOT_UTF8 = _error(34, "the configuration file is not UTF-8")
INVALID_TOML = _error(35, "the configuration file is not valid TOML")
RESOURCES_TABLE = _error(36, "resources written as a [resources] table instead of [[resources]] tables")
RULE_WITHOUT_PATH = _error(37, "a [[resources]] table without its path")
BAD_RULE_ENTRY = _error(38, "a resources entry that is neither a table nor a path pattern")
DUPLICATE_RULE = _error(39, "two [[resources]] tables for the same path")
MISSPELLED_VARIABLE = _error(40, "a variable meant for wsgi_cors but spelled so that it would be ignored")
UNKNOWN_VARIABLE = _error(41, "a WSGI_CORS_* variable (or PasteDeploy ini key) that is not a setting")
EMPTY_VARIABLE = _error(42, "a WSGI_CORS_* variable (or PasteDeploy ini key) that is set but empty")
VARIABLE_NOT_BOOLEAN = _error(43, "a boolean WSGI_CORS_* variable (or PasteDeploy ini key) that is not true/false, 1/0 or yes/no")
BAD_REPORT_ONLY = _error(45, "report_only in a configuration file that is not a table of options")
RESOURCES_IN_DECORATOR = _error(46, "resources given to a per-view decorator (@cross_origin), which covers its own view")
ROUTE_AS_PATH_PATTERN = _error(
    44, "a path pattern written as a Flask/Werkzeug route (<int:id>), which would match only that text"
)
COMMA_JOINED_ORIGINS = _error(
    47, "several origins joined by commas in one string (as an environment variable holds them): it never matches"
)

# --- warnings ---
NO_METHODS = _warning(1, "an empty methods list: every preflight is refused")
MAX_AGE_ABOVE_CAP = _warning(2, "max_age above Chromium's 7200 s cap")
NO_ORIGINS = _warning(3, "an empty origins list: no cross-origin request is allowed")
UNESCAPED_DOT = _warning(4, "an origin regex (string or compiled) with an unescaped '.', which matches any character")
CREDENTIALS_NULL = _warning(5, "'null' with credentials: any sandboxed iframe would read responses", InsecureConfigWarning)
CREDENTIALS_PLAIN_HTTP = _warning(6, "a plain-http origin (exact, wildcard or regex) with credentials", InsecureConfigWarning)
GLOB_REGEX = _warning(7, "a glob-looking origin string that became a regex (a compiled pattern is taken as meant)")
SEND_WILDCARD_UNUSED = _warning(8, "send_wildcard without origins='*' has no effect")
NO_VARY = _warning(9, "vary_header=False: caches may replay one origin's answer to another", MissingVaryWarning)
SHADOWED_RULE = _warning(
    10, "a path rule that can never match: a rule that wins over it covers every path it does", ShadowedRuleWarning
)
UNUSED_TOP_LEVEL = _warning(
    11, "a top-level option every path rule overrides: it applies to no path, yet a rule added later would inherit it"
)

KINDS: tuple[Kind, ...] = tuple(value for value in list(globals().values()) if isinstance(value, Kind))


class Problems:
    """Collects problems instead of stopping at the first, errors and warnings apart."""

    def __init__(self) -> None:
        self.errors: list[ConfigProblem] = []
        self.warnings: list[tuple[Kind, ConfigProblem]] = []

    def add(self, kind: Kind, where: Location, value: Any, problem: str, fix: str) -> None:
        found = ConfigProblem(kind.code, where, value, problem, fix)
        if kind.is_error:
            self.errors.append(found)
        else:
            self.warnings.append((kind, found))
