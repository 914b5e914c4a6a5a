"""The WSGI shell around the policy engine.

:class:`CORSMiddleware` turns a WSGI ``environ`` into the engine's few inputs and the engine's
:class:`~wsgi_cors._engine.Decision` into a response: it answers preflights itself (so the app's
authentication, CSRF checks and redirects can never break them) and adds the CORS headers to
everything else the app answers on a covered path, errors and streams included.

It must sit **outside** anything that can answer a request on its own (authentication,
redirects, error pages), so that those responses get CORS headers too: wrap the WSGI callable
itself (``app.wsgi_app`` for Flask, ``application`` for Django), and do not stack a second CORS
layer behind it (two layers are how a browser ends up with two ``Access-Control-Allow-Origin``
headers and refuses both).

PEP 3333 points: the app's iterable is returned as it is (streaming, ``close()`` and
``wsgi.file_wrapper`` untouched); ``exc_info`` and the ``write()`` callable pass through; the
status and body of an actual request are never changed.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import warnings
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Optional, Union

from ._config import user_stacklevel
from ._engine import CORSPolicy, Decision, Verdict, status_line
from ._escaping import display
from ._headers import Headers, merge_headers
from ._reporting import DEFAULT_LOG_LIMIT, DOOR_SETTINGS, DoorState
from .errors import IgnoredSettingsWarning

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["CORSMiddleware", "wrap", "import_app"]

LOG = logging.getLogger("wsgi_cors")
RejectHook = Callable[[Decision, "WSGIEnvironment"], Any]
ReportHook = Callable[[Decision, Decision, "WSGIEnvironment"], Any]
_INTERNAL_ERROR_BODY = b"Internal Server Error"


ALLOWED, NOT_COVERED = Verdict.ALLOWED, Verdict.NOT_COVERED


class CORSMiddleware(DoorState):
    """Apply a CORS policy to a WSGI application.

    ``CORSMiddleware(app, **options)`` takes Flask-CORS's options (``origins``, ``methods``,
    ``allow_headers``, ``expose_headers``, ``supports_credentials``, ``max_age``,
    ``send_wildcard``, ``vary_header``, ``automatic_options``, ``allow_private_network``,
    ``always_send``, ``resources``) plus ``preflight_status`` and ``intercept_exceptions``;
    or ``CORSMiddleware(app, policy=CORSPolicy(...))``. ``on_reject(decision, environ)`` is
    called for every request the policy rejects (metrics, tracing); nothing extra runs for
    allowed requests.

    ``report_only`` (a :class:`CORSPolicy`, or a dict of options) is evaluated beside the policy
    for every request; where its decision differs, it is logged at ``report_log_level``, counted
    and passed to ``on_report(enforced, would_be, environ)``, and the response is unchanged: the
    way to try a stricter policy on real traffic before enforcing it. With ``counters=True``
    refusals are counted per rule and reason (:meth:`rejections`; :mod:`wsgi_cors.prometheus`
    exports them). Rejection log lines are limited to ``log_limit`` a minute.

    Usage::

        app.wsgi_app = CORSMiddleware(app.wsgi_app, origins=["https://app.example.com"])

    A rejected request is logged at INFO on the ``wsgi_cors`` logger with its reason;
    an allowed one is not logged at all.
    """

    def __init__(
        self,
        app: "WSGIApplication",
        policy: Optional[CORSPolicy] = None,
        *,
        on_reject: Optional[RejectHook] = None,
        intercept_exceptions: Optional[bool] = None,
        report_only: Union[CORSPolicy, Mapping[str, Any], None] = None,
        on_report: Optional[ReportHook] = None,
        report_log_level: int = logging.WARNING,
        log_limit: int = DEFAULT_LOG_LIMIT,
        counters: bool = False,
        _settings_read: bool = False,
        **options: Any,
    ) -> None:
        self.app = app
        self._set_up(
            policy,
            options,
            on_reject=on_reject,
            intercept_exceptions=intercept_exceptions,
            report_only=report_only,
            on_report=on_report,
            report_log_level=report_log_level,
            log_limit=log_limit,
            counters=counters,
        )
        self._listening = self._reporter.listening  # read per refused request
        if not _settings_read:  # the plain constructor reads no settings: say so when some are set (from_config has)
            warn_ignored_settings(app, environment=True)

    @classmethod
    def from_config(
        cls, app: "WSGIApplication", config: Any = None, *, on_reject: Optional[RejectHook] = None, **overrides: Any
    ) -> "CORSMiddleware":
        """Build from a TOML file (``config``, or the file named by ``WSGI_CORS_CONFIG``), then ``WSGI_CORS_*``
        environment variables, then keyword ``overrides``; see :mod:`wsgi_cors._configfile`.

        With none of them set it is ``CORSMiddleware(app, **overrides)``. Errors and warnings name the file,
        key and line, or the environment variable. The door's own settings (``report_only``, ``counters``,
        ``log_limit``...) may be given as keywords too; a ``[report_only]`` table in the file gives the
        report-only policy.
        """
        from ._configfile import load_config

        door = {name: overrides.pop(name) for name in list(overrides) if name in DOOR_SETTINGS}
        loaded = load_config(config, overrides=overrides)
        warn_ignored_settings(app, environment=False)  # the variables were read; a Flask app's CORS_* keys were not
        door.setdefault("report_only", loaded.report_only)
        return cls(app, loaded.policy, on_reject=on_reject, _settings_read=True, **door)

    def __call__(self, environ: "WSGIEnvironment", start_response: "StartResponse") -> Iterable[bytes]:
        policy = self._policy  # one read: a concurrent reconfigure() cannot mix two policies in one request
        if environ.get("REQUEST_METHOD") != "OPTIONS":  # never a preflight (this is _decide, one call less)
            decision = policy.evaluate_request(environ.get("PATH_INFO", ""), environ.get("HTTP_ORIGIN"), True)
        else:
            decision = _decide(policy, environ)
        if self._report_only is not None:
            self._report(self._report_only, decision, environ)
        if decision.verdict is not ALLOWED:
            if decision.verdict is NOT_COVERED:
                return self.app(environ, start_response)  # no rule covers the path: not ours
            if self._listening or LOG.isEnabledFor(logging.INFO):  # counted, hooked or logged
                self._reporter.refused(
                    decision,
                    environ,
                    environ.get("HTTP_ORIGIN"),
                    environ.get("REQUEST_METHOD") or "",
                    environ.get("PATH_INFO") or "",
                )
        cors_headers = decision.headers
        if decision.status is not None:  # the engine answers this request itself (a preflight)
            status_text, empty_body_headers = _EMPTY_RESPONSES.get(decision.status) or _empty_response(decision.status)
            start_response(status_text, [*cors_headers, *empty_body_headers])
            return []

        def start_cors_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], object]:
            return start_response(status, merge_headers(headers, cors_headers), exc_info)

        if not self.intercept_exceptions:
            return self.app(environ, start_cors_response)
        return self._call_intercepting(
            environ, start_response, start_cors_response, cors_headers, environ.get("PATH_INFO") or "/"
        )

    def _call_intercepting(
        self,
        environ: "WSGIEnvironment",
        start_response: "StartResponse",
        start_cors_response: "StartResponse",
        cors_headers: Headers,
        path: str,
    ) -> Iterable[bytes]:
        """Run the app so that an exception before its first body chunk becomes a 500 carrying ``cors_headers``.

        The first chunk is taken here, before the server can have sent the status line, because
        that is where lazy bodies fail (a streaming view, a template rendered on iteration). The
        app's iterable is closed either way, also when a ``BaseException`` (gevent's ``Timeout``)
        interrupts the first chunk and is re-raised; an exception after the first chunk reaches the
        server exactly as it would without this option.
        """
        try:
            result = self.app(environ, start_cors_response)
        except Exception:  # noqa: BLE001 - the opt-in: any app error becomes a logged 500 with CORS headers
            return self._internal_error(environ, start_response, cors_headers, path)
        if isinstance(result, (list, tuple)):
            return result  # its items exist already: nothing can fail before the server sends them
        file_wrapper = environ.get("wsgi.file_wrapper")
        if isinstance(file_wrapper, type) and isinstance(result, file_wrapper):
            return result  # keep the server's zero-copy sendfile path
        try:
            rest = iter(result)
            first = next(rest, None)
        except Exception:  # noqa: BLE001 - as above, for a body that fails before its first chunk
            _close_failed_body(result)
            return self._internal_error(environ, start_response, cors_headers, path)
        except BaseException:
            # gevent's Timeout, GreenletExit, KeyboardInterrupt: not ours to answer, but the server never gets the
            # iterable to close, so close it here (PEP 3333: close() is called whatever happens) and let it go on.
            _close_failed_body(result)
            raise
        return _PrefetchedBody(first, rest, result)

    def _internal_error(
        self, environ: "WSGIEnvironment", start_response: "StartResponse", cors_headers: Headers, path: str
    ) -> list[bytes]:
        """Answer 500 with the CORS headers; called while the app's exception is being handled."""
        LOG.exception(
            "unhandled exception in the wrapped application (%s %s); answering 500 with CORS headers",
            display(environ.get("REQUEST_METHOD") or ""),
            display(path),
        )
        start_response(
            status_line(500),
            merge_headers(
                [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(_INTERNAL_ERROR_BODY)))], cors_headers
            ),
            sys.exc_info(),
        )
        return [_INTERNAL_ERROR_BODY]

    def _report(self, report_only: CORSPolicy, enforced: Decision, environ: "WSGIEnvironment") -> None:
        """Ask the report-only policy the same question and report where its answer differs."""
        would_be = _decide(report_only, environ)
        self._reporter.compare(
            enforced,
            would_be,
            environ,
            environ.get("HTTP_ORIGIN"),
            environ.get("REQUEST_METHOD") or "",
            environ.get("PATH_INFO") or "",
        )


def _decide(policy: CORSPolicy, environ: "WSGIEnvironment") -> Decision:
    """The engine's decision for a WSGI request: the door reads the request, the engine decides."""
    if environ.get("REQUEST_METHOD") == "OPTIONS":  # maybe a preflight: the engine tells
        return policy.evaluate(
            "OPTIONS",
            environ.get("PATH_INFO") or "/",
            origin=environ.get("HTTP_ORIGIN"),
            request_method=environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
            request_headers=environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
            request_private_network=environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
            raw_path=True,
        )
    # Any other method is never a preflight.
    return policy.evaluate_request(environ.get("PATH_INFO", ""), environ.get("HTTP_ORIGIN"), True)


# Flask-CORS's app.config keys (flask_cors.core.CONFIG_OPTIONS).
FLASK_CORS_CONFIG_KEYS = (
    "CORS_ORIGINS",
    "CORS_METHODS",
    "CORS_ALLOW_HEADERS",
    "CORS_EXPOSE_HEADERS",
    "CORS_SUPPORTS_CREDENTIALS",
    "CORS_MAX_AGE",
    "CORS_SEND_WILDCARD",
    "CORS_AUTOMATIC_OPTIONS",
    "CORS_VARY_HEADER",
    "CORS_RESOURCES",
    "CORS_INTERCEPT_EXCEPTIONS",
    "CORS_ALWAYS_SEND",
    "CORS_ALLOW_PRIVATE_NETWORK",
)


def warn_ignored_settings(app: Any, *, environment: bool) -> None:
    """Warn (IgnoredSettingsWarning) about CORS settings that exist but that the middleware being built does not read.

    A Flask app is recognised without importing Flask: ``app`` is the bound method ``flask_app.wsgi_app``,
    whose ``__self__`` has a ``config`` mapping and a ``url_map``. ``environment``: whether to look for
    ``WSGI_CORS_*`` variables too (only the plain constructor ignores them).
    """
    owner = getattr(app, "__self__", None)
    config = getattr(owner, "config", None)
    if config is not None and hasattr(owner, "url_map") and hasattr(config, "get"):
        keys = [key for key in FLASK_CORS_CONFIG_KEYS if config.get(key) is not None]
        if keys:
            warnings.warn(
                f"the Flask app's config sets {', '.join(keys)}, which CORSMiddleware does not read, so they change nothing "
                "and the policy is the one passed in code (by default: any origin). Fix: replace the middleware with "
                "`from wsgi_cors.flask import CORS; CORS(app)`, which reads them as Flask-CORS does, or pass them as options",
                IgnoredSettingsWarning,
                stacklevel=user_stacklevel(),
            )
    if environment:
        variables = sorted(name for name in os.environ if name.startswith("WSGI_CORS_"))
        if variables:
            warnings.warn(
                f"{', '.join(variables)} {'is' if len(variables) == 1 else 'are'} set, but CORSMiddleware(app, ...) does not read "
                "WSGI_CORS_* variables, so the policy is the one passed in code. Fix: build it with "
                "CORSMiddleware.from_config(app) or wsgi_cors.wrap(app), which read them, or unset them",
                IgnoredSettingsWarning,
                stacklevel=user_stacklevel(),
            )


def _close_failed_body(result: Iterable[bytes]) -> None:
    """Close the app's iterable after its first chunk failed; a failing close() is logged, not raised over that failure."""
    close = getattr(result, "close", None)
    if close is not None:
        try:
            close()
        except Exception:
            LOG.exception("close() of the failed response body raised")


class _PrefetchedBody:
    """The app's body with its first chunk already taken (intercept_exceptions): the same bytes, and close() closes the app's iterable."""

    __slots__ = ("_first", "_rest", "_result")

    def __init__(self, first: Optional[bytes], rest: Iterator[bytes], result: Iterable[bytes]) -> None:
        self._first = first
        self._rest = rest
        self._result = result

    def __iter__(self) -> Iterator[bytes]:
        if self._first is not None:
            yield self._first
            yield from self._rest

    def close(self) -> None:
        close = getattr(self._result, "close", None)
        if close is not None:
            close()


def _empty_response(status: int) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Status line and body headers of an empty answer (RFC 9110 §8.6: no Content-Length on a 204)."""
    if status == 204:
        return status_line(status), ()
    return status_line(status), (("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "0"))


_EMPTY_RESPONSES = {status: _empty_response(status) for status in (200, 204, 403)}


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
