"""System checks: every configuration problem as a Django check message carrying a stable code.

``manage.py check`` reports the problems of the ``CORS_*``/``WSGI_CORS`` settings (codes
``wsgi_cors.django.E0xx``/``W0xx``), the engine's problems with its own codes (``wsgi_cors.E...``,
``wsgi_cors.E000`` for a problem without one), the engine's warnings, and the problems of every
``@cors`` view reachable from ``ROOT_URLCONF``. ``check --deploy`` adds the permissive settings a
production site should not ship: every origin allowed (``W101``), plain-http origins with
credentials (``W102``). Tests assert these ids, never the wording.
"""

from __future__ import annotations

import re
import warnings
from typing import Any, Iterator, Optional, Sequence

from django.core.checks import CheckMessage, Error, Warning
from django.core.exceptions import ImproperlyConfigured

from .._engine import CORSPolicy
from .._origin_probes import admits_plain_http
from ..errors import ConfigError, CORSConfigWarning
from . import conf
from .decorators import ATTRIBUTE, ViewPolicy

__all__ = ["check_settings", "check_deploy", "ALLOW_ALL_IN_DEPLOY", "PLAIN_HTTP_WITH_CREDENTIALS"]

ALLOW_ALL_IN_DEPLOY = "wsgi_cors.django.W101"
PLAIN_HTTP_WITH_CREDENTIALS = "wsgi_cors.django.W102"
VIEW_POLICY_ERROR = "wsgi_cors.django.E008"


def _message(problem: conf.SettingProblem) -> CheckMessage:
    text = f"{problem.setting}={problem.value!r}: {problem.problem}."
    if problem.error:
        return Error(text, hint=problem.fix, id=problem.code)
    return Warning(text, hint=problem.fix, id=problem.code)


def _warning_messages(caught: Sequence[warnings.WarningMessage], config: Optional[conf.DoorConfig]) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    for item in caught:
        if not issubclass(item.category, CORSConfigWarning):
            continue
        text, _, fix = str(item.message).partition(". Fix: ")
        where, _, rest = text.partition("=")
        if config is not None and rest and re.fullmatch(r"[a-z_]+(\[.*)?(\..*)?", where):
            text = f"{conf.setting_for(where, config)}={rest}"
        code = getattr(item.message, "code", None) or conf.ENGINE_WARNING
        messages.append(Warning(text + ".", hint=fix or None, id=code))
    return messages


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every problem of the settings, of the policy built from them, and of the ``@cors`` views."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        config = conf.read_settings()
        messages = [_message(problem) for problem in config.problems]
        try:
            CORSPolicy(**config.options)
        except ConfigError as error:
            messages.extend(_message(problem) for problem in conf.engine_problems(error, config))
    messages.extend(_warning_messages(caught, config))
    if not any(message.is_serious() for message in messages):  # the views build on the settings: fix those first
        messages.extend(_check_views({str(item.message) for item in caught}))
    return messages


def _check_views(reported: set[str]) -> list[CheckMessage]:
    """The problems of each ``@cors`` view's policy; warnings the settings' policy already gave are not repeated."""
    messages: list[CheckMessage] = []
    for view_policy in _view_policies():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                view_policy.policy()
            except ImproperlyConfigured:
                return messages  # the settings themselves: reported above
            except ConfigError as error:
                for problem in error.problems:
                    messages.append(
                        Error(
                            f"{problem.where}={problem.value!r}: {problem.problem}.",
                            hint=problem.fix,
                            id=getattr(problem, "code", None) or VIEW_POLICY_ERROR,
                        )
                    )
        fresh = [item for item in caught if str(item.message) not in reported and not str(item.message).startswith("[wsgi_cors.")]
        reported.update(str(item.message) for item in fresh)
        messages.extend(_warning_messages(fresh, None))
    return messages


def _view_policies() -> Iterator[ViewPolicy]:
    """Every per-view policy of the views ROOT_URLCONF reaches (classes and their handler methods included), once."""
    from django.urls import URLPattern, URLResolver, get_resolver

    try:
        patterns = get_resolver().url_patterns
    except Exception:  # noqa: BLE001 - a broken urlconf is reported by Django's own checks (urls.E...)
        return
    seen: set[int] = set()
    stack = list(patterns)
    while stack:
        entry = stack.pop()
        if isinstance(entry, URLResolver):
            try:
                stack.extend(entry.url_patterns)
            except Exception:  # noqa: BLE001 - an included urlconf that fails to load: Django's checks report it
                continue
        elif isinstance(entry, URLPattern):
            func = entry.callback
            view_class = getattr(func, "view_class", None)
            holders = [func] if view_class is None else [func, view_class, *vars(view_class).values()]
            for holder in holders:
                found = getattr(holder, ATTRIBUTE, None)
                if isinstance(found, ViewPolicy) and id(found) not in seen:
                    seen.add(id(found))
                    yield found


def check_deploy(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``check --deploy``: settings that work but are too permissive for production."""
    try:
        config = conf.current()
    except Exception:  # noqa: BLE001 - the errors are check_settings' to report
        return []  # the errors are reported by check_settings
    assert config.policy is not None
    messages: list[CheckMessage] = []
    for path, options in config.policy.describe()["resources"].items():
        origins = options["origins"]
        entries = origins if isinstance(origins, list) else [origins]
        label = "" if path == "/*" else f" (path rule {path!r})"
        if any(entry in ("*", ".*") for entry in entries):
            messages.append(
                Warning(
                    f"every origin is allowed{label}: any website can make cross-origin requests to this site.",
                    hint="list the trusted origins in CORS_ALLOWED_ORIGINS and remove CORS_ALLOW_ALL_ORIGINS",
                    id=ALLOW_ALL_IN_DEPLOY,
                )
            )
        if options["supports_credentials"]:
            plain = [
                entry if isinstance(entry, str) else entry.pattern
                for entry in entries
                if (isinstance(entry, str) and entry.startswith("http://"))
                or (isinstance(entry, re.Pattern) and admits_plain_http(entry))
            ]
            if plain:
                messages.append(
                    Warning(
                        f"plain-http origins with credentials{label}: {', '.join(map(repr, plain))}; anyone on the network path "
                        "can inject script into them and read responses sent with the user's cookies.",
                        hint="use the https:// origins in production",
                        id=PLAIN_HTTP_WITH_CREDENTIALS,
                    )
                )
    return messages
