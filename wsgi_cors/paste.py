"""The PasteDeploy door: ``[filter:cors]`` with ``use = egg:wsgi_cors#cors`` in an ini file.

Pyramid and other paste-configured applications compose their WSGI pipeline in an ini file::

    [filter:cors]
    use = egg:wsgi_cors#cors
    origins = https://app.example.com, https://admin.example.com
    supports_credentials = true
    max_age = 600
    # or all of it in a TOML file (relative to this ini file), the keys above overriding it:
    config = %(here)s/cors.toml

    [pipeline:main]
    pipeline = cors myapp

Ini values are text, read exactly as ``WSGI_CORS_*`` environment variables are (comma-separated lists,
``true``/``false``, digits), then validated by the same validator: a bad value fails when the pipeline is
loaded, naming the key. ``WSGI_CORS_*`` variables and ``WSGI_CORS_CONFIG`` are read too, as by
:meth:`CORSMiddleware.from_config`, below the ini keys in precedence.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ._configfile import options_from_text
from .wsgi import CORSMiddleware

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

__all__ = ["filter_factory"]


def filter_factory(global_conf: Mapping[str, Any], **local_conf: str) -> Callable[["WSGIApplication"], CORSMiddleware]:
    """PasteDeploy's ``paste.filter_factory``: the ini section's keys are wsgi_cors options, plus ``config``."""
    settings = dict(local_conf)
    config = settings.pop("config", None)
    if config is not None and not os.path.isabs(config) and "here" in global_conf:
        config = os.path.join(str(global_conf["here"]), config)
    overrides = options_from_text(settings, source="[filter] key")

    def make_filter(app: "WSGIApplication") -> CORSMiddleware:
        return CORSMiddleware.from_config(app, config, **overrides)

    make_filter(_probe_app)  # a bad configuration fails when the ini file is loaded, not at the first request
    return make_filter


def _probe_app(environ: Any, start_response: Any) -> list[bytes]:  # pragma: no cover - never called
    return []
