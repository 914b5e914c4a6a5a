"""wsgi_cors: one CORS policy engine for Python web applications, with a door for each way they are served.

The public API is what this module exports, plus :mod:`wsgi_cors.errors`, :mod:`wsgi_cors.testing`
and the doors (:mod:`wsgi_cors.wsgi`); modules whose names start with ``_`` are internal.

* :class:`CORSPolicy`: the pure policy engine (sans-IO): options in, a :class:`Decision` per request out,
  with a :class:`Verdict` and, when refused, a :class:`Reason`.
* :class:`CORSMiddleware`: the WSGI door that applies a policy to any WSGI application.
* :func:`wrap`: import ``"package.module:app"`` and wrap it, for gunicorn/uWSGI command lines.
* :func:`load_options` and :func:`dump_toml`: a configuration file and ``WSGI_CORS_*`` variables to options, and back.
"""

from __future__ import annotations

from ._configfile import dump_toml, load_options
from ._engine import CORSPolicy, Decision, Reason, RequestKind, Verdict
from .errors import (
    ConfigError,
    ConfigProblem,
    CORSConfigWarning,
    IgnoredSettingsWarning,
    InsecureConfigWarning,
    Location,
    MissingVaryWarning,
    ShadowedRuleWarning,
)
from .wsgi import CORSMiddleware, import_app, wrap

__all__ = [
    "CORSMiddleware",
    "CORSPolicy",
    "Decision",
    "Reason",
    "RequestKind",
    "Verdict",
    "ConfigError",
    "ConfigProblem",
    "Location",
    "CORSConfigWarning",
    "IgnoredSettingsWarning",
    "InsecureConfigWarning",
    "MissingVaryWarning",
    "ShadowedRuleWarning",
    "wrap",
    "import_app",
    "load_options",
    "dump_toml",
]
__version__ = "0.1.0"
