"""Options (Flask-CORS's names, defaults and meanings) validated into per-rule settings.

Everything a user can get wrong is checked here, once, when the policy is built; every problem is
collected and reported together in one :class:`~wsgi_cors.errors.ConfigError`, each with its code,
location and fix. The options themselves are defined once, in :mod:`wsgi_cors._options` (the
schema): this module runs each option's validator, then the checks that involve several options.
Options inside ``resources`` are validated exactly like top-level ones. Configuration files and
environment variables (``wsgi_cors._configfile``) end up here too, so there is one validator.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import sys
import warnings
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping, Optional, Pattern

from . import _problems as kinds
from ._options import OPTIONS, Option, Scope, defaults, names
from ._origin_checks import _WILDCARD_SHAPE_RE, insecure_origins
from ._origin_probes import Admitted, admits_plain_http, attacker_matches, glob_looking_star
from ._origins import REGEX_HINT_CHARACTERS, OriginMatcher
from ._paths import PathMatcher, PathRule
from ._problems import Problems
from ._publicsuffix import public_suffix_wildcards
from ._validators import rule_key
from .errors import ConfigError, ConfigProblem, Location

__all__ = ["DEFAULTS", "RULE_OPTIONS", "GLOBAL_OPTIONS", "KNOWN_OPTIONS", "RuleSettings", "Settings", "build_settings"]

# Derived from the option schema (wsgi_cors._options), never written here.
DEFAULTS: dict[str, Any] = defaults()
RULE_OPTIONS = names(scope=Scope.RULE)
KNOWN_OPTIONS = names()
GLOBAL_OPTIONS = KNOWN_OPTIONS - RULE_OPTIONS
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
# Fields of RuleSettings that no option's validator produces.
_RULE_IDENTITY = ("path", "index", "options")


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


def _suggest(name: str, known: frozenset[str]) -> str:
    if name.lower() in _ALIASES:
        return f"write {_ALIASES[name.lower()]}="
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]}=?"
    return "known options are " + ", ".join(sorted(known))


class _Checks:
    """The problems found so far, and what each regex or predicate admitted among the attacker probes."""

    def __init__(self) -> None:
        self.problems = Problems()
        # id(regex or predicate) -> what it admitted among the attacker probes; rules sharing origins probe once.
        self.admitted: dict[int, Optional[Admitted]] = {}

    def attacker_matches(self, entry: Any) -> Optional[Admitted]:
        if id(entry) not in self.admitted:
            self.admitted[id(entry)] = attacker_matches(entry)
        return self.admitted[id(entry)]


def _check_names(options: Mapping[str, Any], schema: Iterable[Option], rule: Any, problems: Problems) -> None:
    known = names(schema)
    allowed = names(schema, scope=Scope.RULE) if rule is not None else known
    for name in options:
        where = Location(option=str(name), rule=rule)
        if name not in allowed:
            if name in known:
                problems.add(
                    kinds.NOT_PER_RULE,
                    where,
                    options[name],
                    f"{name} applies to the whole policy, not to one path rule",
                    f"move {name}= to the top level",
                )
            else:
                problems.add(kinds.UNKNOWN_OPTION, where, options[name], "unknown option", _suggest(str(name), known))


def _validate_rule_options(
    raw: Mapping[str, Any], schema: Iterable[Option], where: Callable[[str], Location], problems: Problems
) -> dict[str, Any]:
    """Run the validator of every per-rule option; returns the RuleSettings fields, plus ``shown`` (what describe() reports)."""
    values: dict[str, Any] = {}
    shown: dict[str, Any] = {}
    for option in schema:
        if option.scope is Scope.RULE:
            fields, shown[option.name] = option.validate(option.name, raw[option.name], where(option.name), problems)
            values.update(fields)
    values["shown"] = shown
    return values


def _origin_at(where: Location, shown: Any, entry: Any) -> Location:
    """The location of one entry of an ``origins`` option, with its index when the option is a list."""
    if not isinstance(shown, list):
        return where
    text = entry.pattern if isinstance(entry, re.Pattern) else entry
    for index, item in enumerate(shown):
        if item is entry or (isinstance(item, str) and item == text) or (isinstance(item, re.Pattern) and item.pattern == text):
            return dataclasses.replace(where, index=index)
    return where


def _check_combinations(values: Mapping[str, Any], where: Callable[[str], Location], checks: _Checks) -> None:
    """The checks that involve two options: what is safe with credentials, what has no effect."""
    problems = checks.problems
    origins: OriginMatcher = values["origins"]
    shown_origins = values["shown"]["origins"]

    def origin_at(entry: Any) -> Location:
        return _origin_at(where("origins"), shown_origins, entry)

    credentials = values["supports_credentials"]
    if credentials:
        if origins.allow_all:
            entry = next(
                (item for item in (shown_origins if isinstance(shown_origins, list) else [shown_origins]) if item in ("*", ".*")),
                "*",
            )
            problems.add(
                kinds.CREDENTIALS_ANY_ORIGIN,
                origin_at(entry),
                entry,
                f"{entry!r} admits every origin, so with supports_credentials=True any website could read responses sent "
                "with the user's cookies (Flask-CORS, Starlette and django-cors-headers silently reflect every origin here)",
                "list the trusted origins, e.g. origins=['https://app.example.com'], or set supports_credentials=False",
            )
        _check_probed_origins(origins, values["allow_public_suffix_wildcards"], origin_at, checks)
        exposed = values["shown"]["expose_headers"]
        if values["expose_headers"] is not None and "*" in [name.strip() for name in values["expose_headers"].split(",")]:
            here = where("expose_headers")
            if isinstance(exposed, list) and "*" in exposed:
                here = dataclasses.replace(here, index=exposed.index("*"))
            problems.add(
                kinds.CREDENTIALS_EXPOSE_WILDCARD,
                here,
                "*",
                "with credentials, browsers read '*' in Access-Control-Expose-Headers as a header literally named '*'",
                "list the header names to expose",
            )
        if not values["allow_public_suffix_wildcards"]:
            for pattern, under in public_suffix_wildcards(origins):
                if under is None:
                    problem = (
                        f"anyone can register a name under the public suffix of {pattern!r} (Public Suffix List), so "
                        "strangers' sites would read responses sent with the user's cookies"
                    )
                    fix = (
                        "list subdomains of a domain you control, e.g. 'https://*.myproject.github.io', or set "
                        "allow_public_suffix_wildcards=True if every site under it is trusted"
                    )
                else:
                    problem = (
                        f"'*.' spans several labels, so {pattern!r} also admits names under {under!r}, a public suffix "
                        "under this domain (Public Suffix List): anyone can register one, and strangers' sites would read "
                        "responses sent with the user's cookies"
                    )
                    fix = (
                        "list the exact origins you use, or set allow_public_suffix_wildcards=True if every site under it is "
                        "trusted"
                    )
                problems.add(kinds.CREDENTIALS_PUBLIC_SUFFIX_WILDCARD, origin_at(pattern), pattern, problem, fix)
        if "null" in origins.exact:
            problems.add(
                kinds.CREDENTIALS_NULL,
                origin_at("null"),
                "null",
                "'null' with credentials: any sandboxed iframe or data: page sends Origin: null and would read responses "
                "sent with the user's cookies",
                "remove 'null', or serve that content from a real origin",
            )
        insecure: list[Any] = list(insecure_origins(origins))
        insecure.extend(pattern for pattern in origins.regexes if admits_plain_http(pattern))
        for origin in insecure:
            text = origin.pattern if isinstance(origin, re.Pattern) else origin
            problems.add(
                kinds.CREDENTIALS_PLAIN_HTTP,
                origin_at(origin),
                text,
                f"{text!r} admits a plain-http origin with credentials: anyone on the network path can inject script "
                "into it and read your responses",
                "use the https:// origin",
            )
    for entry in _regex_entries(shown_origins):
        glob_fix = glob_looking_star(entry)
        if glob_fix is None:
            continue
        problem = f"'*' is used as a glob in {entry!r}, but this is not the shape of a wildcard pattern, so it is read as a regex"
        if credentials:
            problems.add(
                kinds.CREDENTIALS_GLOB_REGEX,
                origin_at(entry),
                entry,
                problem + ", which admits origins you did not mean with the user's cookies",
                glob_fix,
            )
        else:
            problems.add(kinds.GLOB_REGEX, origin_at(entry), entry, problem + " that admits origins you did not mean", glob_fix)
    if values["allow_private_network"]:
        everyone = _admits_any_website(origins, shown_origins, checks)
        if everyone is not None:
            shown = everyone.pattern if isinstance(everyone, re.Pattern) else everyone
            problems.add(
                kinds.PRIVATE_NETWORK_ANY_WEBSITE,
                origin_at(everyone),
                shown,
                f"with allow_private_network=True, {shown!r} admits every website, so any page on the internet could reach "
                "this private-network service through the user's browser, which is what Private Network Access exists "
                "to stop",
                "list the origins that may reach it, e.g. origins=['https://app.example.com'], or set "
                "allow_private_network=False",
            )
    if values["send_wildcard"] and not origins.allow_all:
        problems.add(
            kinds.SEND_WILDCARD_UNUSED,
            where("send_wildcard"),
            True,
            "send_wildcard only has an effect with origins='*'",
            "remove send_wildcard (it is on)",
        )
    if not values["vary_header"]:
        # Every rule's headers depend on the Origin (even origins="*" with send_wildcard refuses null), so without
        # Vary a shared cache replays one origin's answer to others (Fetch "CORS protocol and HTTP caches").
        problems.add(
            kinds.NO_VARY,
            where("vary_header"),
            False,
            "without Vary: Origin a shared or browser cache replays the answer computed for one origin (a grant, a "
            "refusal, or the answer to a request without Origin) to every other origin",
            "remove vary_header=False, or make sure the application sends Vary: Origin (or Cache-Control: no-store "
            "or private) on every response of this path",
        )


def _check_probed_origins(
    origins: OriginMatcher, public_suffix_opt_in: bool, origin_at: Callable[[Any], Location], checks: _Checks
) -> None:
    """With credentials: every regex and predicate is tried with attacker origins (wsgi_cors._origin_probes); a match is an error."""
    for entry in (*origins.regexes, *origins.predicates):
        admitted = checks.attacker_matches(entry)
        if admitted is None:
            continue
        is_regex_entry = isinstance(entry, re.Pattern)
        shown: Any = entry.pattern if isinstance(entry, re.Pattern) else entry
        what = f"the regex {shown!r} admits" if is_regex_entry else f"the predicate {entry!r} returned True for"
        examples = ", ".join(admitted.origins[:2])
        if admitted.any_website:
            fix = (
                (
                    "anchor it to a domain you control, e.g. r'https://[a-z0-9-]+\\.example\\.com', or list the trusted origins; "
                    "or set supports_credentials=False"
                )
                if is_regex_entry
                else (
                    "make it admit only origins you control (it is called with probe origins such as these when the policy is "
                    "built), or list the trusted origins; or set supports_credentials=False"
                )
            )
            checks.problems.add(
                kinds.CREDENTIALS_CATCH_ALL,
                origin_at(entry),
                shown,
                f"{what} origins anyone can set up ({examples}), so any website could read responses sent with "
                "the user's cookies",
                fix,
            )
        elif not public_suffix_opt_in:
            checks.problems.add(
                kinds.CREDENTIALS_PUBLIC_SUFFIX_PATTERN,
                origin_at(entry),
                shown,
                f"{what} names anyone can register under {admitted.suffix_text()} "
                f"(Public Suffix List), such as {admitted.origins[0]}, so strangers' sites would read responses "
                "sent with the user's cookies",
                "admit only subdomains of a domain you control, e.g. "
                "r'https://[a-z0-9-]+\\.myproject\\.github\\.io', or set allow_public_suffix_wildcards=True if "
                "every site under it is trusted",
            )


def _admits_any_website(origins: OriginMatcher, shown: Any, checks: _Checks) -> Any:
    """The entry that admits every website: ``"*"``, or a regex or predicate admitting attacker origins under
    unrelated domains (see wsgi_cors._origin_probes); None if there is none."""
    if origins.allow_all:
        return next((item for item in (shown if isinstance(shown, list) else [shown]) if item in ("*", ".*")), "*")
    for entry in (*origins.regexes, *origins.predicates):
        admitted = checks.attacker_matches(entry)
        if admitted is not None and admitted.any_website:
            return entry
    return None


def _regex_entries(shown: Any) -> list[str]:
    """The string entries of an ``origins`` option taken as regexes with a ``*`` (not ``*``, not wildcard patterns).

    A compiled pattern states regex intent (it is the fix the glob warning offers), so it is not second-guessed here;
    it gets every other regex warning (an unescaped '.', plain http with credentials, the attacker probes)."""
    entries = shown if isinstance(shown, list) else [shown]
    return [
        entry
        for entry in entries
        if isinstance(entry, str)
        and entry not in ("*", ".*")
        and "*" in entry
        and not _WILDCARD_SHAPE_RE.fullmatch(entry)
        and not REGEX_HINT_CHARACTERS.isdisjoint(entry)
    ]


def _top_level(name: str) -> Location:
    return Location(option=name)


def _in_rule(rule: Any, own: Optional[frozenset[str]], name: str) -> Location:
    """An option of a rule: its own (``resources['/api/*'].max_age``), or inherited from the top level when ``own`` lacks it."""
    return Location(option=name, rule=rule if own is None or name in own else None)


def _check_unused_top_level(
    options: Mapping[str, Any], overrides: list[Any], rule_names: frozenset[str], problems: Problems
) -> None:
    """Warn about a top-level option that every path rule sets for itself: it applies to no path.

    A warning, not an error: the policy in force is what the rules say. But the unused value is still
    the default of any rule added later without its own, and its combinations (``origins=["*"]`` with
    ``supports_credentials=True``) are checked only for rules that inherit them: a later rule would
    silently take ``*`` with credentials if the validator did not then refuse it. Say so now, naming it.
    """
    if not overrides or not all(isinstance(own, Mapping) for own in overrides):
        return
    for name in options:
        if name in rule_names and all(name in own for own in overrides):
            problems.add(
                kinds.UNUSED_TOP_LEVEL,
                Location(option=name),
                options[name],
                f"every path rule in resources sets its own {name}, so the top-level {name} applies to no path; "
                "a rule added later without its own would inherit it",
                f"remove the top-level {name}, or drop {name} from the rules that only repeat it",
            )


def _for_rule(found: ConfigProblem, rule: Any, own: frozenset[str]) -> ConfigProblem:
    """A problem of an inherited top-level value that only this rule's own options make one: the text names the rule."""
    if found.location.rule is not None:
        return found
    return dataclasses.replace(found, problem=f"{found.problem} (in resources[{rule!r}], which sets {', '.join(sorted(own))})")


def build_settings(options: Mapping[str, Any], *, schema: Iterable[Option] = OPTIONS) -> Settings:
    """Validate keyword options into :class:`Settings`; raise ConfigError listing every problem, warn about smells.

    ``schema`` is the option schema (wsgi_cors._options.OPTIONS); tests pass an extended one to show
    that a new option needs no change here.
    """
    schema = tuple(schema)
    checks = _Checks()
    problems = checks.problems
    _check_names(options, schema, None, problems)
    rule_names = names(schema, scope=Scope.RULE)
    top = {**defaults(schema), **{name: value for name, value in options.items() if name in rule_names}}
    policy_values: dict[str, Any] = {}
    policy_shown: dict[str, Any] = {}
    for option in schema:
        if option.scope is not Scope.RULE:
            value = options.get(option.name, option.default)
            fields, policy_shown[option.name] = option.validate(option.name, value, Location(option=option.name), problems)
            policy_values.update(fields)

    top_values = _validate_rule_options(top, schema, _top_level, problems)
    rules: list[PathRule[RuleSettings]] = []
    seen_combination_problems: set[tuple[Location, str, str]] = set()
    for index, (pattern, overrides) in enumerate(policy_values["resources"]):
        key = rule_key(pattern)
        _check_names(overrides, schema, key, problems)
        own = frozenset(name for name in overrides if name in rule_names)
        where: Callable[[str], Location] = _top_level
        if own:
            before = len(problems.errors), len(problems.warnings)
            merged = {**top, **{name: overrides[name] for name in own}}
            values = _validate_rule_options(merged, schema, functools.partial(_in_rule, key, own), problems)
            # Problems of inherited top-level options were already reported once; keep only the rule's own.
            problems.errors[before[0] :] = [found for found in problems.errors[before[0] :] if found.location.rule is not None]
            problems.warnings[before[1] :] = [
                found for found in problems.warnings[before[1] :] if found[1].location.rule is not None
            ]
            # A combination problem points at the offending value where it is written: the rule's own option, or the
            # top-level one it inherits (its line in a file), saying which rule's own options make it a problem. A value
            # nobody wrote (a default) is the rule's: that is where the fix goes.
            written_above = frozenset(name for name in rule_names if name in options and name not in own)
            where = functools.partial(_in_rule, key, rule_names - written_above)
        else:
            values = top_values
        before = len(problems.errors), len(problems.warnings)
        _check_combinations(values, where, checks)
        fresh_errors, fresh_warnings = problems.errors[before[0] :], problems.warnings[before[1] :]
        del problems.errors[before[0] :], problems.warnings[before[1] :]
        if own:
            fresh_errors = [_for_rule(found, key, own) for found in fresh_errors]
            fresh_warnings = [(kind, _for_rule(found, key, own)) for kind, found in fresh_warnings]
        for found in fresh_errors:
            if (found.location, found.code, repr(found.value)) not in seen_combination_problems:
                seen_combination_problems.add((found.location, found.code, repr(found.value)))
                problems.errors.append(found)
        for kind, found in fresh_warnings:
            if (found.location, found.code, repr(found.value)) not in seen_combination_problems:
                seen_combination_problems.add((found.location, found.code, repr(found.value)))
                problems.warnings.append((kind, found))
        text = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
        fields = {
            field.name: values[field.name] for field in dataclasses.fields(RuleSettings) if field.name not in _RULE_IDENTITY
        }
        settings = RuleSettings(path=text, index=index, options=_frozen(values["shown"]), **fields)
        rules.append(PathRule(pattern, settings, index))

    _check_unused_top_level(options, [overrides for _, overrides in policy_values["resources"]], rule_names, problems)
    if problems.errors:
        raise ConfigError(problems.errors)
    matcher = PathMatcher(rules)
    for rule, covering in matcher.shadowed:
        problems.add(
            kinds.SHADOWED_RULE,
            Location(rule=rule.text),
            rule.text,
            f"this rule can never match: resources[{covering.text!r}] takes precedence and covers every path it does "
            "(precedence: exact paths, then the longest literal prefix, then declaration order)",
            "remove the rule, or make it more specific than the rule that covers it",
        )
    stacklevel = user_stacklevel()
    for kind, found in problems.warnings:
        assert kind.category is not None
        warnings.warn(kind.category(found), stacklevel=stacklevel)
    described = {
        "resources": {rule.text if isinstance(rule.pattern, str) else rule.pattern: dict(rule.target.options) for rule in rules},
        **{name: shown for name, shown in policy_shown.items() if name != "resources"},
    }
    return Settings(
        rules=matcher, intercept_exceptions=policy_values.get("intercept_exceptions", False), options=_frozen(described)
    )


def _frozen(value: Any) -> Any:
    """``value`` with every dict made a read-only mapping and every list a tuple, recursively.

    The stored options are reachable from a policy (``policy.covering_rule.settings.options``);
    a caller mutating them must not change what ``describe()`` reports.
    """
    if isinstance(value, Mapping):
        return MappingProxyType({key: _frozen(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    return value
