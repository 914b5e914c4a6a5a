"""wsgi_cors: a secure, framework-agnostic CORS middleware for WSGI.

* :class:`CORSPolicy` — the pure policy engine: options in, a :class:`Decision` per request out.
* :class:`CORSMiddleware` — the WSGI shell that applies a policy to any WSGI application.
* :func:`wrap` — import ``"package.module:app"`` and wrap it, for gunicorn/uWSGI command lines.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, ConfigProblem, CORSConfigWarning, InsecureConfigWarning, MissingVaryWarning, ShadowedRuleWarning
from .middleware import CORSMiddleware
from .policy import CORSPolicy, Decision, RequestKind

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

__all__ = [
    "CORSMiddleware",
    "CORSPolicy",
    "Decision",
    "RequestKind",
    "ConfigError",
    "ConfigProblem",
    "CORSConfigWarning",
    "InsecureConfigWarning",
    "MissingVaryWarning",
    "ShadowedRuleWarning",
    "wrap",
    "import_app",
]
__version__ = "0.1.0"


def import_app(target: str) -> "WSGIApplication":
    """Import ``"package.module:attribute"`` (the attribute may be dotted) and return it.

    Raises ValueError with the fix when the target is malformed, missing or not callable.
    """
    module_name, sep, attribute = target.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"{target!r} is not of the form 'package.module:app'; write e.g. 'myproject.wsgi:application'")
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as error:
        raise ValueError(f"cannot import module {module_name!r} for {target!r}: {error}") from error
    for part in attribute.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ValueError(f"module {module_name!r} has no attribute {attribute!r} (from {target!r})") from None
    if not callable(obj):
        raise ValueError(f"{target!r} is {type(obj).__name__}, not a WSGI callable")
    result: WSGIApplication = obj
    return result


def wrap(target: "str | WSGIApplication", config: Any = None, **options: Any) -> CORSMiddleware:
    """Wrap a WSGI app given as ``"package.module:app"`` (or the app itself) in :class:`CORSMiddleware`.

    For servers that take a Python expression, with no change to the app's code::

        gunicorn 'wsgi_cors:wrap("myapp:app", origins=["https://app.example.com"])'

    The configuration comes from the TOML file ``config`` (or the one named by ``WSGI_CORS_CONFIG``),
    then ``WSGI_CORS_*`` environment variables, then the keyword options, each overriding the one before,
    so a 12-factor deploy needs no code: ``WSGI_CORS_ORIGINS=https://app.example.com gunicorn 'wsgi_cors:wrap("myapp:app")'``.
    """
    app = import_app(target) if isinstance(target, str) else target
    return CORSMiddleware.from_config(app, config, **options)
