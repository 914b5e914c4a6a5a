"""Options: their names, defaults and meanings (Flask-CORS's), validated into per-rule settings.

Everything a user can get wrong is checked here, once, when the policy is built; every problem is
collected and reported together in one :class:`~wsgi_cors.errors.ConfigError`, each with its fix.
Options inside ``resources`` are validated exactly like top-level ones. Configuration files and
environment variables (``wsgi_cors._configfile``) end up here too, so there is one validator.
"""

from __future__ import annotations

import difflib
import functools
import re
import sys
import warnings
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping, Optional, Pattern

from .errors import ConfigError, ConfigProblem, CORSConfigWarning, InsecureConfigWarning, MissingVaryWarning, ShadowedRuleWarning
from ._headers import FORBIDDEN_METHODS, FORBIDDEN_RESPONSE_HEADERS, is_forbidden_request_header, is_token
from ._origin_checks import _WILDCARD_SHAPE_RE, _Problems, insecure_origins, parse_origins
from ._origins import REGEX_HINT_CHARACTERS, OriginMatcher
from ._paths import PathMatcher, PathRule, is_regex
from ._origin_probes import Admitted, admits_plain_http, attacker_matches, glob_looking_star
from ._publicsuffix import public_suffix_wildcards

__all__ = ["DEFAULTS", "RULE_OPTIONS", "GLOBAL_OPTIONS", "RuleSettings", "Settings", "build_settings"]

# Flask-CORS core.py ALL_METHODS.
DEFAULT_METHODS = ("GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE")
# Flask-CORS 6.0 DEFAULT_OPTIONS, plus preflight_status; intercept_exceptions is opt-in here (see README).
DEFAULTS: dict[str, Any] = {
    "origins": "*",
    "methods": list(DEFAULT_METHODS),
    "allow_headers": "*",
    "expose_headers": None,
    "supports_credentials": False,
    "max_age": None,
    "send_wildcard": False,
    "vary_header": True,
    "automatic_options": True,
    "allow_private_network": False,
    "always_send": True,
    "preflight_status": 200,
    # Not Flask-CORS's: a credentialed wildcard over a public suffix (https://*.github.io) is refused unless this is set.
    "allow_public_suffix_wildcards": False,
}
RULE_OPTIONS = frozenset(DEFAULTS)
GLOBAL_OPTIONS = frozenset({"resources", "intercept_exceptions"})
KNOWN_OPTIONS = RULE_OPTIONS | GLOBAL_OPTIONS
# Names used by other CORS libraries, mapped to ours, for the "did you mean" fix.
_ALIASES = {
    "allow_origins": "origins",
    "allowed_origins": "origins",
    "allow_origin_regex": "origins",
    "origin_regex": "origins",
    "allow_methods": "methods",
    "allowed_methods": "methods",
    "allow_credentials": "supports_credentials",
    "credentials": "supports_credentials",
    "headers": "allow_headers",
    "allowed_headers": "allow_headers",
    "expose": "expose_headers",
    "exposed_headers": "expose_headers",
    "preflight_max_age": "max_age",
    "vary": "vary_header",
    "options_success_status": "preflight_status",
}
# Chromium caps Access-Control-Max-Age at 7200 s (MDN, Access-Control-Max-Age).
CHROMIUM_MAX_AGE_CAP = 7200


@dataclass(frozen=True)
class RuleSettings:
    """The validated settings of one path rule."""

    path: str
    index: int
    origins: OriginMatcher
    methods: Optional[frozenset[str]]  # None: any method ("*")
    methods_value: str  # Access-Control-Allow-Methods when the methods are listed
    allow_all_headers: bool
    allow_header_names: frozenset[str]  # lower-case
    allow_header_regex: Optional["Pattern[str]"]
    expose_headers: Optional[str]
    supports_credentials: bool
    max_age: Optional[str]
    send_wildcard: bool
    vary_header: bool
    automatic_options: bool
    allow_private_network: bool
    always_send: bool
    preflight_status: int
    options: Mapping[str, Any]  # the effective options, in the form describe() returns


@dataclass(frozen=True)
class Settings:
    """A whole validated configuration: the rules (in precedence order) and the global options."""

    rules: PathMatcher[RuleSettings]
    intercept_exceptions: bool
    options: Mapping[str, Any]


def user_stacklevel() -> int:
    """The stacklevel of the first caller outside this package, so a warning points at the user's line."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and str(frame.f_globals.get("__name__", "")).split(".")[0] == "wsgi_cors":
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def _suggest(name: str) -> str:
    if name.lower() in _ALIASES:
        return f"write {_ALIASES[name.lower()]}="
    close = difflib.get_close_matches(name, sorted(KNOWN_OPTIONS), n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]}=?"
    return "known options are " + ", ".join(sorted(KNOWN_OPTIONS))


def _as_list(value: Any) -> Optional[list[Any]]:
    """A scalar string as a one-item list, an iterable as a list, anything else None."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        return list(value)
    return None


def _split_commas(value: Any) -> Optional[list[Any]]:
    """Like _as_list, but a single string may hold a comma-separated list (``"GET, POST"``)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",")] if value.strip() else []
    return _as_list(value)


class _Validator:
    """Checks options one by one, recording problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems = _Problems()
        self.categories: dict[str, type[CORSConfigWarning]] = {}  # problem text -> warning class, when not the default
        # id(regex or predicate) -> what it admitted among the attacker probes; rules sharing origins probe once.
        self.admitted: dict[int, Optional[Admitted]] = {}

    def attacker_matches(self, entry: Any) -> Optional[Admitted]:
        if id(entry) not in self.admitted:
            self.admitted[id(entry)] = attacker_matches(entry)
        return self.admitted[id(entry)]

    def error(self, where: str, value: Any, problem: str, fix: str) -> None:
        self.problems.errors.append((where, value, problem, fix))

    def warn(self, where: str, value: Any, problem: str, fix: str) -> None:
        self.problems.warnings.append((where, value, problem, fix))

    def boolean(self, where: str, value: Any) -> bool:
        if not isinstance(value, bool):
            self.error(where, value, f"must be a boolean, not {type(value).__name__}",
                       "use True or False (true or false in TOML); a string such as 'false' would count as true")
            return False
        return value

    def methods(self, where: str, value: Any) -> tuple[Optional[frozenset[str]], str, Any]:
        if value == "*":
            return None, "*", "*"
        items = _split_commas(value)
        if items is None:
            self.error(where, value, "methods must be a list of method names or '*'", "write methods=['GET', 'POST']")
            return frozenset(), "", value
        names = []
        for item in items:
            if not isinstance(item, str) or not is_token(item):
                self.error(where, item, "not a valid HTTP method name", "write a method such as 'PUT'")
                continue
            upper = item.upper()
            if upper in FORBIDDEN_METHODS:
                self.error(where, item, f"{upper} is a forbidden method (browsers never send it; it only widens attack surface)",
                           f"remove {item!r}")
                continue
            names.append(upper)
        if not items:
            self.warn(where, value, "no method is allowed, so every preflight is refused", "list the methods, e.g. ['GET', 'PUT']")
        # Flask-CORS sorts a list of methods when it joins them; a string is kept as written.
        ordered = names if isinstance(value, str) else sorted(set(names))
        return frozenset(names), ", ".join(dict.fromkeys(ordered)), (value if isinstance(value, str) else list(items))

    def allow_headers(self, where: str, value: Any) -> tuple[bool, frozenset[str], Optional["Pattern[str]"], Any]:
        items = _as_list(value) if not isinstance(value, re.Pattern) else [value]
        if items is None:
            self.error(where, value, "allow_headers must be a header name, a list of names or regexes, or '*'",
                       "write allow_headers=['Content-Type', 'Authorization']")
            return False, frozenset(), None, value
        allow_all = False
        names: set[str] = set()
        regexes: list[str] = []
        for item in items:
            if isinstance(item, re.Pattern):
                regexes.append(item.pattern)
            elif not isinstance(item, str):
                self.error(where, item, "a header name must be a string", "write the name, e.g. 'X-Api-Key'")
            elif item in ("*", ".*"):
                allow_all = True
            elif not REGEX_HINT_CHARACTERS.isdisjoint(item):
                try:
                    re.compile(item)
                    regexes.append(item)
                except re.error as error:
                    self.error(where, item, f"not a valid regular expression ({error})", "fix the regex or list exact names")
            elif not is_token(item):
                self.error(where, item, "not a valid header name", "use letters, digits and '-', e.g. 'X-Api-Key'")
            elif item.lower().startswith("access-control-"):
                self.error(where, item, "Access-Control-* headers are set by the browser, never by a page",
                           f"remove {item!r}")
            elif is_forbidden_request_header(item):
                self.error(where, item, "a forbidden request header: browsers never let a page set it (Fetch standard)",
                           f"remove {item!r}")
            else:
                names.add(item.lower())
        regex = re.compile("|".join(f"(?:{source})" for source in regexes), re.IGNORECASE) if regexes else None
        shown = "*" if isinstance(value, str) and value == "*" else list(items)
        return allow_all, frozenset(names), regex, shown

    def expose_headers(self, where: str, value: Any) -> tuple[Optional[str], Any]:
        if value is None:
            return None, None
        items = _split_commas(value)
        if items is None:
            self.error(where, value, "expose_headers must be a header name or a list of names", "write expose_headers=['X-Total-Count']")
            return None, value
        names = []
        for item in items:
            if not isinstance(item, str) or not (item == "*" or is_token(item)):
                self.error(where, item, "not a valid header name", "use letters, digits and '-', e.g. 'X-Total-Count'")
            elif item.lower() in FORBIDDEN_RESPONSE_HEADERS:
                self.error(where, item, "browsers never let a page read Set-Cookie, so exposing it does nothing", f"remove {item!r}")
            elif item.lower().startswith("access-control-"):
                self.error(where, item, "Access-Control-* headers are for the browser, not for the page", f"remove {item!r}")
            else:
                names.append(item)
        if not names:
            return None, list(items)
        # Flask-CORS sorts a list when it joins it; a string is kept as written.
        ordered = names if isinstance(value, str) else sorted(names)
        return ", ".join(ordered), (value if isinstance(value, str) else list(items))

    def max_age(self, where: str, value: Any) -> tuple[Optional[str], Any]:
        if value is None:
            return None, None
        if isinstance(value, timedelta):
            seconds = value.total_seconds()
        elif isinstance(value, bool) or not isinstance(value, (int, str)):
            self.error(where, value, f"max_age must be seconds as an int, a digit string or a timedelta, not {type(value).__name__}",
                       "write max_age=600")
            return None, value
        elif isinstance(value, str):
            if not (value.isascii() and value.isdigit()):
                self.error(where, value, "max_age must be a whole number of seconds", "write max_age=600")
                return None, value
            seconds = int(value)
        else:
            seconds = value
        if seconds < 0:
            self.error(where, value, "max_age cannot be negative", "write max_age=0 to disable preflight caching, or a positive number")
            return None, value
        whole = int(seconds)
        if whole > CHROMIUM_MAX_AGE_CAP:
            self.warn(where, value, f"Chromium caps Access-Control-Max-Age at {CHROMIUM_MAX_AGE_CAP} s (Firefox at 86400, Safari at 600)",
                      f"write max_age={CHROMIUM_MAX_AGE_CAP} or less for a value every browser honours")
        return str(whole), whole

    def preflight_status(self, where: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 200 <= value <= 299:
            self.error(where, value, "a successful preflight needs an ok status (200-299, Fetch standard)", "write preflight_status=200 or 204")
            return 200
        return value


def _rule_label(pattern: Any) -> str:
    text = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    return f"resources[{text!r}]"


# A Werkzeug rule variable (<name>, <int:id>, <string(length=2):code>); not a regex's (?P<name> or (?<= / (?<!.
_WERKZEUG_VARIABLE = re.compile(r"(?<!\(\?)(?<!\?P)<(?:[A-Za-z_]\w*(?:\([^)]*\))?:)?[A-Za-z_]\w*>")


def is_werkzeug_rule(pattern: str) -> bool:
    """Whether ``pattern`` is written as a Flask/Werkzeug route (``/api/users/<int:user_id>``) rather than a path pattern."""
    return "<" in pattern and _WERKZEUG_VARIABLE.search(pattern) is not None


def _parse_resources(value: Any, validator: _Validator) -> list[tuple[Any, Mapping[str, Any]]]:
    """Normalise ``resources`` into (pattern, overrides) pairs in declaration order."""
    if isinstance(value, (str, re.Pattern)):
        pairs: list[tuple[Any, Mapping[str, Any]]] = [(value, {})]
    elif isinstance(value, Mapping):
        pairs = []
        for pattern, overrides in value.items():
            if overrides is None:
                overrides = {}
            if not isinstance(overrides, Mapping):
                validator.error(_rule_label(pattern), overrides, "the options of a path rule must be a dict", "write {'origins': [...]} ")
                overrides = {}
            pairs.append((pattern, overrides))
    elif isinstance(value, Iterable) and not isinstance(value, bytes):
        pairs = [(pattern, {}) for pattern in value]
    else:
        validator.error("resources", value, "resources must be a path pattern, a list of patterns or a dict of pattern to options",
                        "write resources={r'/api/*': {'origins': [...]}}")
        return []
    valid = []
    for pattern, overrides in pairs:
        label = _rule_label(pattern) if isinstance(pattern, (str, re.Pattern)) else "resources"
        if not isinstance(pattern, (str, re.Pattern)):
            validator.error(label, pattern, "a path pattern must be a string or a compiled regex", "write r'/api/*'")
            continue
        if isinstance(pattern, str) and is_werkzeug_rule(pattern):
            validator.error(label, pattern, "a Flask/Werkzeug route (<converter:name>), not a path pattern: it would match only "
                            "that literal text", "use wsgi_cors.flask.CORS(app), which matches routes through the app's URL map, "
                            "or write a path pattern such as r'/api/users/[0-9]+'")
            continue
        if isinstance(pattern, str) and is_regex(pattern) and pattern != "*":
            try:
                re.compile(pattern)
            except re.error as error:
                validator.error(label, pattern, f"not a valid regular expression ({error})", "fix the regex, e.g. r'/api/.*'")
                continue
        elif isinstance(pattern, str) and pattern != "*" and not pattern.startswith("/"):
            validator.error(label, pattern, "an exact path always starts with '/', so this can never match",
                            f"write {'/' + pattern!r}")
            continue
        valid.append((pattern, overrides))
    return valid


def _check_names(options: Mapping[str, Any], allowed: frozenset[str], prefix: str, validator: _Validator) -> None:
    for name in options:
        if name not in allowed:
            if name in KNOWN_OPTIONS:
                validator.error(f"{prefix}{name}", options[name], "this option applies to the whole middleware, not to one path rule",
                                f"move {name}= to the top level")
            else:
                validator.error(f"{prefix}{name}", options[name], "unknown option", _suggest(str(name)))


def _validate_rule_options(raw: Mapping[str, Any], where: Callable[[str], str], validator: _Validator) -> dict[str, Any]:
    """Validate the options of one rule; returns the normalised values keyed by option name."""
    values: dict[str, Any] = {}
    shown: dict[str, Any] = {}
    for name in ("supports_credentials", "send_wildcard", "vary_header", "automatic_options", "allow_private_network", "always_send",
                 "allow_public_suffix_wildcards"):
        values[name] = shown[name] = validator.boolean(where(name), raw[name])
    values["origins"] = parse_origins(raw["origins"], where("origins"), validator.problems)
    shown["origins"] = list(raw["origins"]) if _as_list(raw["origins"]) is not None and not isinstance(raw["origins"], str) else raw["origins"]
    values["methods"], values["methods_value"], shown["methods"] = validator.methods(where("methods"), raw["methods"])
    (values["allow_all_headers"], values["allow_header_names"], values["allow_header_regex"],
     shown["allow_headers"]) = validator.allow_headers(where("allow_headers"), raw["allow_headers"])
    values["expose_headers"], shown["expose_headers"] = validator.expose_headers(where("expose_headers"), raw["expose_headers"])
    values["max_age"], shown["max_age"] = validator.max_age(where("max_age"), raw["max_age"])
    values["preflight_status"] = shown["preflight_status"] = validator.preflight_status(where("preflight_status"), raw["preflight_status"])
    values["shown"] = shown
    return values


def _check_combinations(values: Mapping[str, Any], where: Callable[[str], str], validator: _Validator) -> None:
    """The checks that involve two options: what is safe with credentials, what has no effect."""
    origins: OriginMatcher = values["origins"]
    credentials = values["supports_credentials"]
    if credentials:
        if origins.allow_all:
            validator.error(where("supports_credentials"), True,
                            "with origins that admit every origin, any website could read responses sent with the user's cookies "
                            "(Flask-CORS, Starlette and django-cors-headers silently reflect every origin here)",
                            "list the trusted origins, e.g. origins=['https://app.example.com'], or set supports_credentials=False")
        _check_probed_origins(origins, values["allow_public_suffix_wildcards"], where, validator)
        if values["expose_headers"] is not None and "*" in [name.strip() for name in values["expose_headers"].split(",")]:
            validator.error(where("expose_headers"), "*",
                            "with credentials, browsers read '*' in Access-Control-Expose-Headers as a header literally named '*'",
                            "list the header names to expose")
        if not values["allow_public_suffix_wildcards"]:
            for pattern, under in public_suffix_wildcards(origins):
                if under is None:
                    validator.error(where("origins"), pattern,
                                    "anyone can register a name under this public suffix (Public Suffix List), so strangers' sites "
                                    "would read responses sent with the user's cookies",
                                    "list subdomains of a domain you control, e.g. 'https://*.myproject.github.io', or set "
                                    "allow_public_suffix_wildcards=True if every site under it is trusted")
                else:
                    validator.error(where("origins"), pattern,
                                    f"'*.' spans several labels, so this also admits names under {under!r}, a public suffix under "
                                    "this domain (Public Suffix List): anyone can register one, and strangers' sites would read "
                                    "responses sent with the user's cookies",
                                    "list the exact origins you use, or set allow_public_suffix_wildcards=True if every site under "
                                    "it is trusted")
        if "null" in origins.exact:
            validator.warn(where("origins"), "null",
                           "'null' with credentials: any sandboxed iframe or data: page sends Origin: null and would read responses "
                           "sent with the user's cookies", "remove 'null', or serve that content from a real origin")
        insecure: list[str] = insecure_origins(origins)
        insecure.extend(pattern.pattern for pattern in origins.regexes if admits_plain_http(pattern))
        for origin in insecure:
            validator.warn(where("origins"), origin,
                           "a plain-http origin with credentials: anyone on the network path can inject script into it and read your responses",
                           "use the https:// origin")
    for entry in _string_regex_entries(values["shown"]["origins"]):
        fix = glob_looking_star(entry)
        if fix is None:
            continue
        problem = "'*' is used as a glob here, but this is not the shape of a wildcard pattern, so it is read as a regex"
        if credentials:
            validator.error(where("origins"), entry, problem + ", which admits origins you did not mean with the user's cookies", fix)
        else:
            validator.warn(where("origins"), entry, problem + " that admits origins you did not mean", fix)
    if values["allow_private_network"] and _admits_any_website(origins, validator):
        validator.error(where("allow_private_network"), True,
                        "with origins that admit every website, any page on the internet could reach this private-network service "
                        "through the user's browser, which is what Private Network Access exists to stop",
                        "list the origins that may reach it, e.g. origins=['https://app.example.com'], or set allow_private_network=False")
    if values["send_wildcard"] and not origins.allow_all:
        validator.warn(where("send_wildcard"), True, "send_wildcard only has an effect with origins='*'", "remove send_wildcard=True")
    if not values["vary_header"]:
        # Every rule's headers depend on the Origin (even origins="*" with send_wildcard refuses null), so without
        # Vary a shared cache replays one origin's answer to others (Fetch "CORS protocol and HTTP caches").
        text = ("without Vary: Origin a shared or browser cache replays the answer computed for one origin (a grant, a refusal, "
                "or the answer to a request without Origin) to every other origin")
        validator.categories[text] = MissingVaryWarning
        validator.warn(where("vary_header"), False, text,
                       "remove vary_header=False, or make sure the application sends Vary: Origin (or Cache-Control: no-store "
                       "or private) on every response of this path")


def _check_probed_origins(origins: OriginMatcher, public_suffix_opt_in: bool, where: Callable[[str], str], validator: _Validator) -> None:
    """With credentials: every regex and predicate is tried with attacker origins (wsgi_cors._origin_probes); a match is an error."""
    for entry in (*origins.regexes, *origins.predicates):
        admitted = validator.attacker_matches(entry)
        if admitted is None:
            continue
        is_regex_entry = isinstance(entry, re.Pattern)
        what = "this regex admits" if is_regex_entry else "this predicate returned True for"
        shown: Any = entry.pattern if isinstance(entry, re.Pattern) else entry
        examples = ", ".join(admitted.origins[:2])
        if admitted.any_website:
            fix = ("anchor it to a domain you control, e.g. r'https://[a-z0-9-]+\\.example\\.com', or list the trusted origins; "
                   "or set supports_credentials=False") if is_regex_entry else (
                   "make it admit only origins you control (it is called with probe origins such as these when the policy is "
                   "built), or list the trusted origins; or set supports_credentials=False")
            validator.error(where("origins"), shown,
                            f"{what} origins anyone can set up ({examples}), so any website could read responses sent with the "
                            "user's cookies", fix)
        elif not public_suffix_opt_in:
            validator.error(where("origins"), shown,
                            f"{what} names anyone can register under {admitted.suffix_text()} "
                            f"(Public Suffix List), such as {admitted.origins[0]}, so strangers' sites would read responses sent "
                            "with the user's cookies",
                            "admit only subdomains of a domain you control, e.g. r'https://[a-z0-9-]+\\.myproject\\.github\\.io', "
                            "or set allow_public_suffix_wildcards=True if every site under it is trusted")


def _admits_any_website(origins: OriginMatcher, validator: _Validator) -> bool:
    """``"*"``, or a regex or predicate that admits attacker origins under unrelated domains (see wsgi_cors._origin_probes)."""
    if origins.allow_all:
        return True
    for entry in (*origins.regexes, *origins.predicates):
        admitted = validator.attacker_matches(entry)
        if admitted is not None and admitted.any_website:
            return True
    return False


def _string_regex_entries(shown: Any) -> list[str]:
    """The string entries of an ``origins`` option that were taken as regexes (not ``*``, not wildcard patterns)."""
    entries = shown if isinstance(shown, list) else [shown]
    return [entry for entry in entries if isinstance(entry, str) and entry not in ("*", ".*") and "*" in entry
            and not _WILDCARD_SHAPE_RE.fullmatch(entry) and not REGEX_HINT_CHARACTERS.isdisjoint(entry)]


def _where_in_rule(label: str, own: frozenset[str], name: str) -> str:
    """Name an option of a rule: the rule's own (``resources['/api/*'].max_age``) or the inherited top-level one."""
    return f"{label}.{name}" if name in own else name


def _rule_itself(label: str, name: str) -> str:
    """Name the rule for a problem that involves several of its options."""
    return label


def build_settings(options: Mapping[str, Any]) -> Settings:
    """Validate keyword options into :class:`Settings`; raise ConfigError listing every problem, warn about smells."""
    validator = _Validator()
    _check_names(options, KNOWN_OPTIONS, "", validator)
    top = {**DEFAULTS, **{name: value for name, value in options.items() if name in RULE_OPTIONS}}
    intercept = validator.boolean("intercept_exceptions", options.get("intercept_exceptions", False))
    resources = _parse_resources(options.get("resources", r"/*"), validator)

    top_values = _validate_rule_options(top, lambda name: name, validator)
    rules: list[PathRule[RuleSettings]] = []
    seen_combination_problems: set[tuple[str, str]] = set()
    for index, (pattern, overrides) in enumerate(resources):
        label = _rule_label(pattern)
        _check_names(overrides, RULE_OPTIONS, f"{label}.", validator)
        own = {name: value for name, value in overrides.items() if name in RULE_OPTIONS}
        if own:
            before_errors, before_warnings = len(validator.problems.errors), len(validator.problems.warnings)
            merged = {**top, **own}
            values = _validate_rule_options(merged, functools.partial(_where_in_rule, label, frozenset(own)), validator)
            # Problems of inherited top-level options were already reported once; keep only the rule's own.
            for bucket, start in ((validator.problems.errors, before_errors), (validator.problems.warnings, before_warnings)):
                rule_problems = bucket[start:]
                del bucket[start:]
                bucket.extend(problem for problem in rule_problems if problem[0].startswith(label))
            combination_where: Callable[[str], str] = functools.partial(_rule_itself, label)
        else:
            values = top_values
            combination_where = lambda name: name
        before_errors, before_warnings = len(validator.problems.errors), len(validator.problems.warnings)
        _check_combinations(values, combination_where, validator)
        for bucket, start in ((validator.problems.errors, before_errors), (validator.problems.warnings, before_warnings)):
            fresh = bucket[start:]
            del bucket[start:]
            for problem in fresh:
                key = (problem[0], problem[2] + repr(problem[1]))
                if key not in seen_combination_problems:
                    seen_combination_problems.add(key)
                    bucket.append(problem)
        shown = values["shown"]
        text = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
        settings = RuleSettings(
            path=text,
            index=index,
            origins=values["origins"],
            methods=values["methods"],
            methods_value=values["methods_value"],
            allow_all_headers=values["allow_all_headers"],
            allow_header_names=values["allow_header_names"],
            allow_header_regex=values["allow_header_regex"],
            expose_headers=values["expose_headers"],
            supports_credentials=values["supports_credentials"],
            max_age=values["max_age"],
            send_wildcard=values["send_wildcard"],
            vary_header=values["vary_header"],
            automatic_options=values["automatic_options"],
            allow_private_network=values["allow_private_network"],
            always_send=values["always_send"],
            preflight_status=values["preflight_status"],
            options=_frozen(shown),
        )
        rules.append(PathRule(pattern, settings, index))

    if validator.problems.errors:
        raise ConfigError([ConfigProblem(*problem) for problem in validator.problems.errors])
    matcher = PathMatcher(rules)
    stacklevel = user_stacklevel()
    for where, value, text, fix in validator.problems.warnings:
        category = validator.categories.get(text) or (InsecureConfigWarning if "credentials" in text else CORSConfigWarning)
        warnings.warn(f"{where}={value!r}: {text}. Fix: {fix}", category, stacklevel=stacklevel)
    for rule, covering in matcher.shadowed:
        warnings.warn(
            f"resources[{rule.text!r}] can never match: resources[{covering.text!r}] takes precedence and covers every path it does "
            "(precedence: exact paths, then the longest literal prefix, then declaration order). "
            "Fix: remove the rule, or make it more specific than the rule that covers it",
            ShadowedRuleWarning,
            stacklevel=stacklevel,
        )
    described = {
        "resources": {rule.text if isinstance(rule.pattern, str) else rule.pattern: dict(rule.target.options) for rule in rules},
        "intercept_exceptions": intercept,
    }
    return Settings(rules=matcher, intercept_exceptions=intercept, options=_frozen(described))


def _frozen(value: Any) -> Any:
    """``value`` with every dict made a read-only mapping and every list a tuple, recursively.

    The stored options are reachable from a policy (``policy.covering_rule.settings.options``);
    a caller mutating them must not change what ``describe()`` reports (issue 9, item 11).
    """
    if isinstance(value, Mapping):
        return MappingProxyType({key: _frozen(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    return value
