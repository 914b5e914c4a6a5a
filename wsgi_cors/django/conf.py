"""Django settings to engine options: every setting the door reads is defined here, once.

django-cors-headers' settings keep their names, meanings and defaults (its secure default allows no
origin), except where it is insecure (see docs/django.md, "Deliberate differences").
``WSGI_CORS = {...}`` takes any :class:`~wsgi_cors.CORSPolicy` option, ``resources`` included, for
what those settings cannot say. A ``CORS_*`` setting this module does not know is an error, never
ignored: a typo (``CORS_ALLOWED_ORIGIN``) would otherwise leave a site with a policy nobody wrote.

The built policy is kept here and dropped whenever Django's ``setting_changed`` signal names one of
these settings (``override_settings`` in tests, or code that changes settings at run time): the next
request builds it again from the settings in force.
"""

from __future__ import annotations

import difflib
import re
import threading
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, NamedTuple, Optional, Sequence

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from .._engine import CORSPolicy
from ..errors import ConfigError, CORSConfigWarning
from .resolver import RequestOriginResolver

__all__ = [
    "SETTINGS",
    "DjangoSetting",
    "SettingProblem",
    "DoorConfig",
    "read_settings",
    "current",
    "build_door_config",
    "DEFAULT_HEADERS",
    "DEFAULT_METHODS",
    "DEFAULT_MAX_AGE",
]

# django-cors-headers' corsheaders.defaults.default_headers and default_methods (4.x), unchanged.
DEFAULT_HEADERS = ("accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with")
DEFAULT_METHODS = ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")
# django-cors-headers defaults to 86400, which only Firefox honours; Chromium caps Access-Control-Max-Age at 7200 s
# (MDN). Unset, the door sends what Chromium keeps, so the default needs no warning; an explicit value above it warns.
DEFAULT_MAX_AGE = 7200

# Stable codes of the problems this door finds in Django settings (the engine's own problems carry the engine's codes).
UNKNOWN_SETTING = "wsgi_cors.django.E001"
REMOVED_SETTING = "wsgi_cors.django.E002"
WRONG_TYPE = "wsgi_cors.django.E003"
INVALID_REGEX = "wsgi_cors.django.E004"
SET_TWICE = "wsgi_cors.django.E005"
BAD_RESOLVER = "wsgi_cors.django.E006"
NOT_AN_ORIGIN = "wsgi_cors.django.E007"
OLD_NAME_SHADOWED = "wsgi_cors.django.W001"
CORSHEADERS_SIGNAL_UNUSED = "wsgi_cors.django.W002"
# Fallbacks for engine problems and warnings that carry no code of their own (``ConfigProblem.code`` is newer).
ENGINE_ERROR = "wsgi_cors.E000"
ENGINE_WARNING = "wsgi_cors.W000"


@dataclass(frozen=True)
class DjangoSetting:
    """One Django setting the door reads: the engine option it feeds, its default, the older name it replaces."""

    name: str
    option: str
    default: Any
    meaning: str
    old_name: Optional[str] = None
    kind: str = "sequence"  # sequence | bool | int | regex | origins | regexes


SETTINGS: tuple[DjangoSetting, ...] = (
    DjangoSetting(
        "CORS_ALLOWED_ORIGINS",
        "origins",
        (),
        "origins allowed, exactly as browsers send them",
        old_name="CORS_ORIGIN_WHITELIST",
        kind="origins",
    ),
    DjangoSetting(
        "CORS_ALLOWED_ORIGIN_REGEXES",
        "origins",
        (),
        "regexes an allowed origin matches as a whole",
        old_name="CORS_ORIGIN_REGEX_WHITELIST",
        kind="regexes",
    ),
    DjangoSetting(
        "CORS_ALLOW_ALL_ORIGINS",
        "origins",
        False,
        "every origin allowed ('*'; refused with credentials)",
        old_name="CORS_ORIGIN_ALLOW_ALL",
        kind="bool",
    ),
    DjangoSetting(
        "CORS_URLS_REGEX",
        "resources",
        r"^.*$",
        "the paths (request.path_info) the policy covers, matched at the start",
        kind="regex",
    ),
    DjangoSetting("CORS_ALLOW_METHODS", "methods", DEFAULT_METHODS, "methods a preflight may ask for"),
    DjangoSetting("CORS_ALLOW_HEADERS", "allow_headers", DEFAULT_HEADERS, "request headers a preflight may ask for"),
    DjangoSetting("CORS_EXPOSE_HEADERS", "expose_headers", (), "response headers the page may read"),
    DjangoSetting(
        "CORS_PREFLIGHT_MAX_AGE", "max_age", DEFAULT_MAX_AGE, "seconds a browser may cache a preflight; 0: no header", kind="int"
    ),
    DjangoSetting(
        "CORS_ALLOW_CREDENTIALS", "supports_credentials", False, "cookies and HTTP authentication allowed", kind="bool"
    ),
    DjangoSetting(
        "CORS_ALLOW_PRIVATE_NETWORK",
        "allow_private_network",
        False,
        "Access-Control-Allow-Private-Network on preflights that ask for it",
        kind="bool",
    ),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}
OLD_NAMES = {setting.old_name: setting for setting in SETTINGS if setting.old_name}
# Settings django-cors-headers removed (its checks E012/E013); still set, they mean the configuration is stale.
REMOVED = {
    "CORS_MODEL": "removed in django-cors-headers 3.0; use WSGI_CORS_ORIGIN_RESOLVER to read origins from a model",
    "CORS_REPLACE_HTTPS_REFERER": "removed in django-cors-headers 3.0 (with CorsPostCsrfMiddleware); list the origins in "
    "CSRF_TRUSTED_ORIGINS instead",
    "CORS_URLS_ALLOW_ALL_REGEX": "never part of a django-cors-headers release; use WSGI_CORS['resources'] with per-path origins",
}
NATIVE = "WSGI_CORS"
RESOLVER = "WSGI_CORS_ORIGIN_RESOLVER"
# Every setting whose change drops the built policy.
WATCHED = frozenset({*BY_NAME, *OLD_NAMES, *REMOVED, NATIVE, RESOLVER})
# Options the Django door sets differently from the engine's Flask-CORS defaults, to keep django-cors-headers' behaviour:
# a request without Origin gets only Vary: Origin (django-cors-headers never sends an ACAO to it).
DOOR_DEFAULTS: Mapping[str, Any] = {"always_send": False}


class SettingProblem(NamedTuple):
    """A problem in the Django settings: ``code`` is stable (system check id), ``setting`` names it as written."""

    code: str
    setting: str
    value: Any
    problem: str
    fix: str
    error: bool = True

    def __str__(self) -> str:
        return f"[{self.code}] {self.setting}={self.value!r}: {self.problem}. Fix: {self.fix}"


@dataclass
class DoorConfig:
    """What the door runs with: the engine options built from the settings, where each came from, and the policy."""

    options: dict[str, Any]
    provenance: dict[str, Any] = field(default_factory=dict)  # engine option -> setting name (origins: one per entry)
    problems: list[SettingProblem] = field(default_factory=list)
    resolver: Optional[RequestOriginResolver] = None
    policy: Optional[CORSPolicy] = None
    generation: int = 0


def _is_sequence_of(value: Any, types: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(item, types) for item in value)


def _suggest(name: str) -> str:
    close = difflib.get_close_matches(name, [*BY_NAME, *OLD_NAMES], n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]}?"
    return f"remove it, or write the option in {NATIVE} = {{...}}; the CORS_* settings read are " + ", ".join(sorted(BY_NAME))


def read_settings(settings: Any = django_settings) -> DoorConfig:
    """Read every CORS setting into engine options; problems are collected, not raised (checks report them all)."""
    config = DoorConfig(options=dict(DOOR_DEFAULTS))
    problems = config.problems
    names = [name for name in dir(settings) if name.startswith("CORS_")]
    for name in names:
        if name in REMOVED:
            problems.append(
                SettingProblem(REMOVED_SETTING, name, getattr(settings, name), "this setting no longer exists", REMOVED[name])
            )
        elif name not in BY_NAME and name not in OLD_NAMES:
            problems.append(
                SettingProblem(UNKNOWN_SETTING, name, getattr(settings, name), "unknown CORS setting", _suggest(name))
            )
    values: dict[str, tuple[str, Any]] = {}  # setting name -> (name as written, value)
    for setting in SETTINGS:
        if hasattr(settings, setting.name):
            values[setting.name] = (setting.name, getattr(settings, setting.name))
            if setting.old_name and hasattr(settings, setting.old_name):
                problems.append(
                    SettingProblem(
                        OLD_NAME_SHADOWED,
                        setting.old_name,
                        getattr(settings, setting.old_name),
                        f"ignored: {setting.name} is set too and takes precedence (as in django-cors-headers)",
                        f"remove {setting.old_name}, or merge it into {setting.name}",
                        error=False,
                    )
                )
        elif setting.old_name and hasattr(settings, setting.old_name):
            values[setting.name] = (setting.old_name, getattr(settings, setting.old_name))

    origins: list[Any] = []
    origin_sources: list[str] = []
    for setting in SETTINGS:
        written, value = values.get(setting.name, (setting.name, setting.default))
        given = setting.name in values
        if setting.kind == "bool":
            if not isinstance(value, bool):
                problems.append(SettingProblem(WRONG_TYPE, written, value, "must be True or False", f"write {written} = True"))
                continue
            if setting.name == "CORS_ALLOW_ALL_ORIGINS":
                if value:
                    origins.append("*")
                    origin_sources.append(written)
                    config.options["send_wildcard"] = True  # django-cors-headers answers '*' when it allows all origins
                continue
            if given:
                config.options[setting.option] = value
                config.provenance[setting.option] = written
        elif setting.kind == "origins":
            if not _is_sequence_of(value, str):
                problems.append(
                    SettingProblem(
                        WRONG_TYPE,
                        written,
                        value,
                        "must be a list of origins (strings)",
                        f"write {written} = ['https://app.example.com']",
                    )
                )
                continue
            for index, origin in enumerate(value):
                if origin != "*" and re.search(r"[\\^$()\[\]?]", origin):
                    problems.append(
                        SettingProblem(
                            NOT_AN_ORIGIN,
                            f"{written}[{index}]",
                            origin,
                            "an origin, not a regex: django-cors-headers compares it literally",
                            "move it to CORS_ALLOWED_ORIGIN_REGEXES",
                        )
                    )
                    continue
                origins.append(origin)
                origin_sources.append(f"{written}[{index}]")
        elif setting.kind == "regexes":
            if not _is_sequence_of(value, (str, re.Pattern)):
                problems.append(
                    SettingProblem(
                        WRONG_TYPE,
                        written,
                        value,
                        "must be a list of regexes (strings or compiled)",
                        rf"write {written} = [r'https://[a-z0-9-]+\.example\.com']",
                    )
                )
                continue
            for index, pattern in enumerate(value):
                compiled = _compile(pattern, f"{written}[{index}]", problems)
                if compiled is not None:
                    origins.append(compiled)  # compiled: the engine reads it as a regex even without regex characters
                    origin_sources.append(f"{written}[{index}]")
        elif setting.kind == "regex":
            if not isinstance(value, (str, re.Pattern)):
                problems.append(
                    SettingProblem(
                        WRONG_TYPE, written, value, "must be a regex (a string or compiled)", f"write {written} = r'^/api/'"
                    )
                )
            elif given and value not in (r"^.*$", ".*", "^.*", r"^.*"):
                compiled = _compile(value, written, problems)
                if compiled is not None:
                    config.options["resources"] = compiled
                    config.provenance["resources"] = written
            # unset (or "match everything"): the engine's default rule "/*", which covers every path
        elif setting.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                problems.append(
                    SettingProblem(
                        WRONG_TYPE,
                        written,
                        value,
                        "must be a whole number of seconds, 0 or more",
                        f"write {written} = {DEFAULT_MAX_AGE}",
                    )
                )
                continue
            config.options["max_age"] = value or None  # django-cors-headers: 0 (any falsy value) sends no header
            config.provenance["max_age"] = written
        else:  # a sequence of strings
            if not _is_sequence_of(value, str):
                problems.append(
                    SettingProblem(
                        WRONG_TYPE,
                        written,
                        value,
                        "must be a list of strings",
                        f"write {written} = {list(setting.default) or ['X-Total-Count']!r}",
                    )
                )
                continue
            config.options[setting.option] = list(value) if value else None if setting.option == "expose_headers" else []
            config.provenance[setting.option] = written

    config.options["origins"] = origins
    config.provenance["origins"] = origin_sources
    config.provenance["origins:whole"] = "CORS_ALLOWED_ORIGINS"
    native = getattr(settings, NATIVE, None)
    if native is not None:
        _merge_native(native, config, values)
    resolver_value = getattr(settings, RESOLVER, None)
    if resolver_value is not None:
        resolver = _load_resolver(resolver_value, problems)
        if resolver is not None:
            # The resolver is one more origin entry, tried after the listed ones; the engine still decides.
            config.resolver = RequestOriginResolver(resolver)
            listed = config.options["origins"]
            entries = [listed] if isinstance(listed, (str, re.Pattern)) or callable(listed) else list(listed)
            config.options["origins"] = [*entries, config.resolver]
            sources = config.provenance["origins"]
            if isinstance(sources, list):
                sources.append(RESOLVER)
    _check_corsheaders_signal(problems)
    return config


def _compile(pattern: Any, where: str, problems: list[SettingProblem]) -> Optional["re.Pattern[str]"]:
    if isinstance(pattern, re.Pattern):
        return pattern
    try:
        return re.compile(pattern)
    except re.error as error:
        problems.append(
            SettingProblem(INVALID_REGEX, where, pattern, f"not a valid regular expression ({error})", "fix the regex")
        )
        return None


def _load_resolver(value: Any, problems: list[SettingProblem]) -> Optional[Callable[..., Any]]:
    if isinstance(value, str):
        try:
            value = import_string(value)
        except ImportError as error:
            problems.append(
                SettingProblem(
                    BAD_RESOLVER,
                    RESOLVER,
                    value,
                    f"cannot be imported ({error})",
                    "write the dotted path of a function (request, origin) -> bool, e.g. 'myapp.cors.allow'",
                )
            )
            return None
    if not callable(value):
        problems.append(
            SettingProblem(
                BAD_RESOLVER,
                RESOLVER,
                value,
                "must be a callable (request, origin) -> bool or its dotted path",
                "write WSGI_CORS_ORIGIN_RESOLVER = 'myapp.cors.allow'",
            )
        )
        return None
    return value  # type: ignore[no-any-return]


def _merge_native(native: Any, config: DoorConfig, values: Mapping[str, tuple[str, Any]]) -> None:
    """``WSGI_CORS`` options go over the CORS_* ones; an option set both ways is an error, never a silent winner."""
    if not isinstance(native, Mapping):
        config.problems.append(
            SettingProblem(
                WRONG_TYPE,
                NATIVE,
                native,
                "must be a dict of wsgi_cors options",
                "write WSGI_CORS = {'origins': ['https://app.example.com']}",
            )
        )
        return
    given_options = {BY_NAME[name].option: written for name, (written, _) in values.items()}
    for name, value in native.items():
        if name in given_options:
            config.problems.append(
                SettingProblem(
                    SET_TWICE,
                    f"{NATIVE}[{name!r}]",
                    value,
                    f"also set by {given_options[name]}",
                    f"set it in one place: remove {given_options[name]} or {NATIVE}[{name!r}]",
                )
            )
            continue
        if name == "origins":
            config.options.pop("send_wildcard", None)
            config.provenance["origins:whole"] = f"{NATIVE}['origins']"
        config.options[name] = value
        config.provenance[name] = (
            [f"{NATIVE}['origins'][{index}]" for index in range(len(value))]
            if (name == "origins" and isinstance(value, (list, tuple)))
            else f"{NATIVE}[{name!r}]"
        )


def _check_corsheaders_signal(problems: list[SettingProblem]) -> None:
    """Handlers connected to django-cors-headers' check_request_enabled would be ignored here: say so."""
    try:
        from corsheaders.signals import check_request_enabled  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        return
    if check_request_enabled.has_listeners():
        problems.append(
            SettingProblem(
                CORSHEADERS_SIGNAL_UNUSED,
                "corsheaders.signals.check_request_enabled",
                "connected handlers",
                "wsgi_cors.django does not send django-cors-headers' signal, so these handlers are never called",
                f"write one function (request, origin) -> bool and name it in {RESOLVER}",
                error=False,
            )
        )


_WHERE = re.compile(r"(?P<option>[a-z_]+)(?:\[(?P<index>\d+)\])?(?P<rest>.*)", re.DOTALL)


def setting_for(where: str, config: DoorConfig) -> str:
    """The Django setting behind an engine problem's ``where`` (``origins[2]`` -> ``CORS_ALLOWED_ORIGIN_REGEXES[0]``)."""
    found = _WHERE.fullmatch(where)
    if found is None:
        return where
    option, index, rest = found["option"], found["index"], found["rest"]
    source = config.provenance.get(option)
    if isinstance(source, list):
        if index is not None and int(index) < len(source):
            return str(source[int(index)]) + rest
        return str(config.provenance.get(f"{option}:whole", option)) + (f"[{index}]" if index is not None else "") + rest
    if isinstance(source, str):
        return source + (f"[{index}]" if index is not None else "") + rest
    if option in ("resources", "intercept_exceptions") or option in config.options:
        return f"{NATIVE}[{option!r}]" + (f"[{index}]" if index is not None else "") + rest
    return where


def engine_problems(error: ConfigError, config: DoorConfig) -> list[SettingProblem]:
    """The engine's problems, named by the Django setting that caused each, with the engine's code when it has one."""
    return [
        SettingProblem(
            getattr(problem, "code", None) or ENGINE_ERROR,
            setting_for(problem.where, config),
            problem.value,
            problem.problem,
            problem.fix,
        )
        for problem in error.problems
    ]


def build_door_config(
    settings: Any = django_settings, *, record_warnings: Optional[list[warnings.WarningMessage]] = None
) -> DoorConfig:
    """Read the settings and build the policy; raise ImproperlyConfigured listing every error with its code."""
    config = read_settings(settings)
    errors = [problem for problem in config.problems if problem.error]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:  # the engine's problems too, even with errors above: one restart should show them all
            policy = CORSPolicy(**config.options)
        except ConfigError as error:
            errors.extend(engine_problems(error, config))
        else:
            config.policy = policy
    if errors:
        raise ImproperlyConfigured(
            "invalid CORS settings for wsgi_cors.django:\n" + "\n".join(f"  - {problem}" for problem in errors)
        )
    for problem in config.problems:
        warnings.warn(str(problem), CORSConfigWarning, stacklevel=3)
    for item in caught:  # the engine's warnings, once the configuration is known to build
        warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
    return config


class _Current:
    """The door's configuration in force, built on first use and again after a watched setting changes."""

    def __init__(self) -> None:
        self.config: Optional[DoorConfig] = None
        self.generation = 0
        self.lock = threading.Lock()

    def get(self) -> DoorConfig:
        config = self.config
        if config is None:
            with self.lock:  # one build when many threads start at once
                config = self.config
                if config is None:
                    config = build_door_config()
                    config.generation = self.generation
                    self.config = config
        return config

    def reset(self) -> None:
        with self.lock:
            self.generation += 1
            self.config = None


_CURRENT = _Current()
current = _CURRENT.get


def _setting_changed(*, setting: str, **_: Any) -> None:
    """``override_settings`` and run-time changes of a CORS setting take effect on the next request."""
    if setting in WATCHED or setting.startswith("CORS_"):
        _CURRENT.reset()


setting_changed.connect(_setting_changed, dispatch_uid="wsgi_cors.django.conf")


def generation() -> int:
    """Bumped on every change of a watched setting: per-view policies rebuild when it moves."""
    return _CURRENT.generation


def describe_settings() -> Sequence[DjangoSetting]:
    return SETTINGS
