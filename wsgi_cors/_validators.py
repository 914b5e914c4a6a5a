"""One validator per option: a value as the user wrote it in, the compiled rule settings out.

Each validator has the same shape, ``validate(name, value, where, problems) -> (fields, shown)``:
``fields`` are the :class:`~wsgi_cors._config.RuleSettings` fields it produces (or the whole-policy
settings, for ``resources`` and ``intercept_exceptions``), ``shown`` the value as
``policy.describe()`` reports it. Every problem is recorded in ``problems`` with its kind
(wsgi_cors._problems) and located at ``where``, so nothing stops at the first mistake.
The option schema (wsgi_cors._options) names the validator of each option.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from typing import Any, Callable, Iterable, Mapping, Optional

from . import _problems as kinds
from ._headers import FORBIDDEN_METHODS, FORBIDDEN_RESPONSE_HEADERS, is_forbidden_request_header, is_token
from ._origin_checks import parse_origins
from ._origins import REGEX_HINT_CHARACTERS
from ._paths import is_regex
from ._problems import Problems
from .errors import Location

__all__ = ["Validate", "Checked", "CHROMIUM_MAX_AGE_CAP"]

Checked = tuple[dict[str, Any], Any]
Validate = Callable[[str, Any, Location, Problems], Checked]

# Chromium caps Access-Control-Max-Age at 7200 s (MDN, Access-Control-Max-Age).
CHROMIUM_MAX_AGE_CAP = 7200


def _item(where: Location, items: list[Any], index: int, value: Any) -> Location:
    """The location of one item of a list option; a single string is located at the option itself."""
    return where if isinstance(value, str) and len(items) <= 1 else dataclasses.replace(where, index=index)


def as_list(value: Any) -> Optional[list[Any]]:
    """A scalar string as a one-item list, an iterable as a list, anything else None."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        return list(value)
    return None


def _split_commas(value: Any) -> Optional[list[Any]]:
    """Like as_list, but a single string may hold a comma-separated list (``"GET, POST"``)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",")] if value.strip() else []
    return as_list(value)


def boolean(name: str, value: Any, where: Location, problems: Problems) -> Checked:
    if not isinstance(value, bool):
        problems.add(
            kinds.NOT_BOOLEAN,
            where,
            value,
            f"must be a boolean, not {type(value).__name__}",
            "use True or False (true or false in TOML); a string such as 'false' would count as true",
        )
        value = False
    return {name: value}, value


def origins(name: str, value: Any, where: Location, problems: Problems) -> Checked:
    if as_list(value) is not None and not isinstance(value, str):
        value = list(value)  # a generator is read once, for both the matcher and describe()
    return {"origins": parse_origins(value, where, problems)}, value


def methods(name: str, value: Any, where: Location, problems: Problems) -> Checked:
    if value == "*":
        return {"methods": None, "methods_value": "*"}, "*"
    items = _split_commas(value)
    if items is None:
        problems.add(
            kinds.BAD_METHODS, where, value, "methods must be a list of method names or '*'", "write methods=['GET', 'POST']"
        )
        return {"methods": frozenset(), "methods_value": ""}, value
    names = []
    for index, item in enumerate(items):
        here = _item(where, items, index, value)
        if not isinstance(item, str) or not is_token(item):
            problems.add(
                kinds.BAD_METHOD, here, item, f"{item!r} is not a valid HTTP method name", "write a method such as 'PUT'"
            )
            continue
        upper = item.upper()
        if upper in FORBIDDEN_METHODS:
            problems.add(
                kinds.FORBIDDEN_METHOD,
                here,
                item,
                f"{upper} is a forbidden method (browsers never send it; it only widens attack surface)",
                f"remove {item!r}",
            )
            continue
        names.append(upper)
    if not items:
        problems.add(
            kinds.NO_METHODS,
            where,
            value,
            "no method is allowed, so every preflight is refused",
            "list the methods, e.g. ['GET', 'PUT']",
        )
    # Flask-CORS sorts a list of methods when it joins them; a string is kept as written.
    ordered = names if isinstance(value, str) else sorted(set(names))
    shown = value if isinstance(value, str) else list(items)
    return {"methods": frozenset(names), "methods_value": ", ".join(dict.fromkeys(ordered))}, shown


def allow_headers(name: str, value: Any, where: Location, problems: Problems) -> Checked:
    items = as_list(value) if not isinstance(value, re.Pattern) else [value]
    if items is None:
        problems.add(
            kinds.BAD_HEADER_LIST,
            where,
            value,
            "allow_headers must be a header name, a list of names or regexes, or '*'",
            "write allow_headers=['Content-Type', 'Authorization']",
        )
        return {"allow_all_headers": False, "allow_header_names": frozenset(), "allow_header_regex": None}, value
    allow_all = False
    names: set[str] = set()
    regexes: list[str] = []
    for index, item in enumerate(items):
        here = _item(where, items, index, value)
        if isinstance(item, re.Pattern):
            regexes.append(item.pattern)
        elif not isinstance(item, str):
            problems.add(
                kinds.BAD_HEADER_NAME,
                here,
                item,
                f"a header name must be a string, not {type(item).__name__}",
                "write the name, e.g. 'X-Api-Key'",
            )
        elif item in ("*", ".*"):
            allow_all = True
        elif not REGEX_HINT_CHARACTERS.isdisjoint(item):
            try:
                re.compile(item)
                regexes.append(item)
            except re.error as error:
                problems.add(
                    kinds.BAD_REGEX,
                    here,
                    item,
                    f"{item!r} is not a valid regular expression ({error})",
                    "fix the regex or list exact names",
                )
        elif not is_token(item):
            problems.add(
                kinds.BAD_HEADER_NAME,
                here,
                item,
                f"{item!r} is not a valid header name",
                "use letters, digits and '-', e.g. 'X-Api-Key'",
            )
        elif item.lower().startswith("access-control-"):
            problems.add(
                kinds.ACCESS_CONTROL_HEADER, here, item, f"{item} is set by the browser, never by a page", f"remove {item!r}"
            )
        elif is_forbidden_request_header(item):
            problems.add(
                kinds.FORBIDDEN_REQUEST_HEADER,
                here,
                item,
                f"{item} is a forbidden request header: browsers never let a page set it (Fetch standard)",
                f"remove {item!r}",
            )
        else:
            names.add(item.lower())
    regex = re.compile("|".join(f"(?:{source})" for source in regexes), re.IGNORECASE) if regexes else None
    shown = "*" if isinstance(value, str) and value == "*" else list(items)
    return {"allow_all_headers": allow_all, "allow_header_names": frozenset(names), "allow_header_regex": regex}, shown


def expose_headers(name: str, value: Any, where: Location, problems: Problems) -> Checked:
    if value is None:
        return {"expose_headers": None}, None
    items = _split_commas(value)
    if items is None:
        problems.add(
            kinds.BAD_HEADER_LIST,
            where,
            value,
            "expose_headers must be a header name or a list of names",
            "write expose_headers=['X-Total-Count']",
        )
        return {"expose_headers": None}, value
    names = []
    for index, item in enumerate(items):
        here = _item(where, items, index, value)
        if not isinstance(item, str) or not (item == "*" or is_token(item)):
            problems.add(
                kinds.BAD_HEADER_NAME,
                here,
                item,
                f"{item!r} is not a valid header name",
                "use letters, digits and '-', e.g. 'X-Total-Count'",
            )
        elif item.lower() in FORBIDDEN_RESPONSE_HEADERS:
            problems.add(
                kinds.SET_COOKIE_EXPOSED,
                here,
                item,
                f"browsers never let a page read {item}, so exposing it does nothing",
                f"remove {item!r}",
            )
        elif item.lower().startswith("access-control-"):
            problems.add(
                kinds.ACCESS_CONTROL_HEADER, here, item, f"{item} is for the browser, not for the page", f"remove {item!r}"
            )
        else:
            names.append(item)
    shown = value if isinstance(value, str) else list(items)
    if not names:
        return {"expose_headers": None}, list(items)
    # Flask-CORS sorts a list when it joins it; a string is kept as written.
    ordered = names if isinstance(value, str) else sorted(names)
    return {"expose_headers": ", ".join(ordered)}, shown


def max_age(name: str, value: Any, where: Location, problems: Problems) -> Checked:
    if value is None:
        return {"max_age": None}, None
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, bool) or not isinstance(value, (int, str)):
        problems.add(
            kinds.BAD_MAX_AGE,
            where,
            value,
            f"max_age must be seconds as an int, a digit string or a timedelta, not {type(value).__name__}",
            "write max_age=600",
        )
        return {"max_age": None}, value
    elif isinstance(value, str):
        if not (value.isascii() and value.isdigit()):
            problems.add(kinds.BAD_MAX_AGE, where, value, "max_age must be a whole number of seconds", "write max_age=600")
            return {"max_age": None}, value
        seconds = int(value)
    else:
        seconds = value
    if seconds < 0:
        problems.add(
            kinds.NEGATIVE_MAX_AGE,
            where,
            value,
            "max_age cannot be negative",
            "write max_age=0 to disable preflight caching, or a positive number",
        )
        return {"max_age": None}, value
    whole = int(seconds)
    if whole > CHROMIUM_MAX_AGE_CAP:
        problems.add(
            kinds.MAX_AGE_ABOVE_CAP,
            where,
            value,
            f"Chromium caps Access-Control-Max-Age at {CHROMIUM_MAX_AGE_CAP} s (Firefox at 86400, Safari at 600)",
            f"write max_age={CHROMIUM_MAX_AGE_CAP} or less for a value every browser honours",
        )
    return {"max_age": str(whole)}, whole


def preflight_status(name: str, value: Any, where: Location, problems: Problems) -> Checked:
    if isinstance(value, bool) or not isinstance(value, int) or not 200 <= value <= 299:
        problems.add(
            kinds.BAD_PREFLIGHT_STATUS,
            where,
            value,
            "a successful preflight needs an ok status (200-299, Fetch standard)",
            "write preflight_status=200 or 204",
        )
        value = 200
    return {"preflight_status": value}, value


# A Werkzeug rule variable (<name>, <int:id>, <string(length=2):code>); not a regex's (?P<name> or (?<= / (?<!.
_WERKZEUG_VARIABLE = re.compile(r"(?<!\(\?)(?<!\?P)<(?:[A-Za-z_]\w*(?:\([^)]*\))?:)?[A-Za-z_]\w*>")


def is_werkzeug_rule(pattern: str) -> bool:
    """Whether ``pattern`` is written as a Flask/Werkzeug route (``/api/users/<int:user_id>``) rather than a path pattern."""
    return "<" in pattern and _WERKZEUG_VARIABLE.search(pattern) is not None


def rule_key(pattern: Any) -> Any:
    """How a location names a rule: its pattern's text."""
    return pattern.pattern if isinstance(pattern, re.Pattern) else pattern if isinstance(pattern, (str, int)) else repr(pattern)


def resources(name: str, value: Any, where: Location, problems: Problems) -> Checked:
    """``resources`` as (pattern, overrides) pairs in declaration order; invalid patterns are left out after a problem."""
    if isinstance(value, (str, re.Pattern)):
        pairs: list[tuple[Any, Mapping[str, Any]]] = [(value, {})]
    elif isinstance(value, Mapping):
        pairs = []
        for pattern, overrides in value.items():
            if overrides is None:
                overrides = {}
            if not isinstance(overrides, Mapping):
                problems.add(
                    kinds.BAD_RULE_OPTIONS,
                    Location(rule=rule_key(pattern)),
                    overrides,
                    f"the options of the path rule {rule_key(pattern)!r} must be a dict",
                    "write {'origins': [...]} ",
                )
                overrides = {}
            pairs.append((pattern, overrides))
    elif isinstance(value, Iterable) and not isinstance(value, bytes):
        pairs = [(pattern, {}) for pattern in value]
    else:
        problems.add(
            kinds.BAD_RESOURCES,
            where,
            value,
            "resources must be a path pattern, a list of patterns or a dict of pattern to options",
            "write resources={r'/api/*': {'origins': [...]}}",
        )
        return {"resources": []}, value
    valid = []
    for pattern, overrides in pairs:
        if not isinstance(pattern, (str, re.Pattern)):
            problems.add(
                kinds.BAD_PATH_PATTERN,
                where,
                pattern,
                f"a path pattern must be a string or a compiled regex, not {type(pattern).__name__}",
                "write r'/api/*'",
            )
            continue
        here = Location(rule=rule_key(pattern))
        if isinstance(pattern, str) and is_werkzeug_rule(pattern):
            problems.add(
                kinds.ROUTE_AS_PATH_PATTERN,
                here,
                pattern,
                f"{pattern!r} is a Flask/Werkzeug route (<converter:name>), not a path pattern: it would match only that text",
                "use wsgi_cors.flask.CORS(app), which matches routes through the app's URL map, "
                "or write a path pattern such as r'/api/users/[0-9]+'",
            )
            continue
        if isinstance(pattern, str) and is_regex(pattern) and pattern != "*":
            try:
                re.compile(pattern)
            except re.error as error:
                problems.add(
                    kinds.BAD_REGEX,
                    here,
                    pattern,
                    f"{pattern!r} is not a valid regular expression ({error})",
                    "fix the regex, e.g. r'/api/.*'",
                )
                continue
        elif isinstance(pattern, str) and pattern != "*" and not pattern.startswith("/"):
            problems.add(
                kinds.PATH_WITHOUT_SLASH,
                here,
                pattern,
                "an exact path always starts with '/', so this can never match",
                f"write {'/' + pattern!r}",
            )
            continue
        valid.append((pattern, overrides))
    return {"resources": valid}, value
