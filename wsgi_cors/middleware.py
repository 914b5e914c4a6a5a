"""The WSGI shell around the policy engine.

:class:`CORSMiddleware` turns a WSGI ``environ`` into the engine's few inputs and the engine's
:class:`~wsgi_cors.policy.Decision` into a response: it answers preflights itself (so the app's
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

import logging
import sys
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Optional

from .escaping import display
from .policy import UNEXPLAINED, CORSPolicy, Decision, Headers, is_plain_path, status_line

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["CORSMiddleware"]

LOG = logging.getLogger("wsgi_cors")
RejectHook = Callable[[Decision, "WSGIEnvironment"], Any]
_INTERNAL_ERROR_BODY = b"Internal Server Error"


def merge_headers(app_headers: list[tuple[str, str]], cors_headers: Headers) -> list[tuple[str, str]]:
    """The app's headers with its ``Access-Control-*`` headers replaced by ours and our ``Vary`` merged into its own.

    The middleware owns CORS on the paths it covers: keeping an app's (or another layer's)
    ``Access-Control-Allow-Origin`` beside ours would make two, and browsers refuse that.
    A new list is returned; the app's list and our constant tuples are never mutated.
    """
    for name, _ in app_headers:
        if name[:1] in "AaVv":  # Access-Control-* or Vary (or a harmless Accept-Ranges): the careful path
            return _merge_owned_headers(app_headers, cors_headers)
    return [*app_headers, *cors_headers]


def _merge_owned_headers(app_headers: list[tuple[str, str]], cors_headers: Headers) -> list[tuple[str, str]]:
    merged: list[tuple[str, str]] = []
    app_vary: list[int] = []
    for name, value in app_headers:
        lowered = name.lower()
        if lowered.startswith("access-control-"):
            continue
        if lowered == "vary":
            app_vary.append(len(merged))
        merged.append((name, value))
    for name, value in cors_headers:
        if name == "Vary" and app_vary:
            present = {token.strip().lower() for index in app_vary for token in merged[index][1].split(",")}
            if "*" in present:
                continue  # "Vary: *" already says the response varies on everything
            missing = [token for token in value.split(", ") if token.lower() not in present]
            if missing:
                first = app_vary[0]
                vary_name, vary_value = merged[first]
                merged[first] = (vary_name, ", ".join([vary_value.strip()] + missing) if vary_value.strip() else ", ".join(missing))
        else:
            merged.append((name, value))
    return merged


class CORSMiddleware:
    """Apply a CORS policy to a WSGI application.

    ``CORSMiddleware(app, **options)`` takes Flask-CORS's options (``origins``, ``methods``,
    ``allow_headers``, ``expose_headers``, ``supports_credentials``, ``max_age``,
    ``send_wildcard``, ``vary_header``, ``automatic_options``, ``allow_private_network``,
    ``always_send``, ``resources``) plus ``preflight_status`` and ``intercept_exceptions``;
    or ``CORSMiddleware(app, policy=CORSPolicy(...))``. ``on_reject(decision, environ)`` is
    called for every request the policy rejects (metrics, tracing); nothing extra runs for
    allowed requests.

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
        **options: Any,
    ) -> None:
        if policy is not None and options:
            raise TypeError("pass either policy=CORSPolicy(...) or keyword options, not both")
        if policy is not None and not isinstance(policy, CORSPolicy):
            raise TypeError(f"policy must be a CORSPolicy, not {type(policy).__name__}")
        if on_reject is not None and not callable(on_reject):
            raise TypeError("on_reject must be a callable taking (decision, environ)")
        self.app = app
        self.on_reject = on_reject
        self._policy = policy if policy is not None else CORSPolicy(**options)

    @classmethod
    def from_config(
        cls, app: "WSGIApplication", config: Any = None, *, on_reject: Optional[RejectHook] = None, **overrides: Any
    ) -> "CORSMiddleware":
        """Build from a TOML file (``config``, or the file named by ``WSGI_CORS_CONFIG``), then ``WSGI_CORS_*``
        environment variables, then keyword ``overrides``; see :mod:`wsgi_cors.configfile`.

        With none of them set it is ``CORSMiddleware(app, **overrides)``. Errors and warnings name the file,
        key and line, or the environment variable.
        """
        from .configfile import load_policy

        return cls(app, load_policy(config, overrides=overrides), on_reject=on_reject)

    @property
    def policy(self) -> CORSPolicy:
        """The policy in force."""
        return self._policy

    def reconfigure(self, policy: Optional[CORSPolicy] = None, **options: Any) -> CORSPolicy:
        """Swap in a new policy; requests in flight finish with the one they started with.

        The new policy is built (and validated) before the swap, so a bad configuration raises
        and leaves the old policy in force. The swap is a single reference assignment, which is
        atomic under CPython's threads.
        """
        if policy is not None and options:
            raise TypeError("pass either policy=CORSPolicy(...) or keyword options, not both")
        new_policy = policy if policy is not None else CORSPolicy(**options)
        self._policy = new_policy
        return new_policy

    def __call__(self, environ: "WSGIEnvironment", start_response: "StartResponse") -> Iterable[bytes]:
        policy = self._policy  # one read: a concurrent reconfigure() cannot mix two policies in one request
        if environ.get("REQUEST_METHOD") == "OPTIONS" or policy.intercept_exceptions:
            return self._evaluate_and_apply(policy, environ, start_response)
        # Actual requests are answered by the rule's own actual_headers(), without building a Decision;
        # this is evaluate()'s dispatch for them (tests/test_fast_path.py holds the two to the same
        # output). Preflights, intercept_exceptions, paths that are not plain (is_plain_path: routers may
        # read them as different paths), and rejections somebody listens for take the general path.
        rule = policy.covering_rule
        if rule is None:
            path = environ.get("PATH_INFO") or "/"
            if not is_plain_path(path):
                return self._evaluate_and_apply(policy, environ, start_response)  # routers may read it otherwise: the engine decides
            rule = policy.rule_for(path)
            if rule is None:
                return self.app(environ, start_response)  # no rule covers the path: not ours
        origin = environ.get("HTTP_ORIGIN")
        if not origin:
            cors_headers = rule.not_cors_headers
        else:
            cors_headers, refused = rule.actual_headers(origin, False)  # False: no need to explain a refusal
            if refused is not None and (self.on_reject is not None or LOG.isEnabledFor(logging.INFO)):
                # Somebody listens for rejections: they get the full Decision, with its reason.
                if refused is UNEXPLAINED:
                    return self._evaluate_and_apply(policy, environ, start_response)  # cheap to ask again: no user code ran
                self._rejected(rule.refused_actual(origin, refused, environ.get("PATH_INFO") or "/"), environ)

        def start_cors_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], object]:
            return start_response(status, merge_headers(headers, cors_headers), exc_info)

        return self.app(environ, start_cors_response)

    def _evaluate_and_apply(self, policy: CORSPolicy, environ: "WSGIEnvironment", start_response: "StartResponse") -> Iterable[bytes]:
        """The general path: ask the engine for a Decision and carry it out."""
        path = environ.get("PATH_INFO") or "/"  # raw: the engine reads its bytes as each router would
        method = environ.get("REQUEST_METHOD") or "GET"
        if method == "OPTIONS":  # only a preflight needs the Access-Control-Request-* headers
            decision = policy.evaluate(
                method,
                path,
                environ.get("HTTP_ORIGIN"),
                environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
                environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
                environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
                raw_path=True,
            )
        else:
            decision = policy.evaluate(method, path, environ.get("HTTP_ORIGIN"), raw_path=True)
        _, allowed, _, _, rule, cors_headers, status, _ = decision
        if rule is None:
            return self.app(environ, start_response)  # no rule covers the path: not ours
        if not allowed:
            self._rejected(decision, environ)
        if status is not None:
            status_text, empty_body_headers = _EMPTY_RESPONSES.get(status) or _empty_response(status)
            start_response(status_text, [*cors_headers, *empty_body_headers])
            return []

        def start_cors_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], object]:
            return start_response(status, merge_headers(headers, cors_headers), exc_info)

        if not policy.intercept_exceptions:
            return self.app(environ, start_cors_response)
        return self._call_intercepting(environ, start_response, start_cors_response, cors_headers, path)

    def _call_intercepting(self, environ: "WSGIEnvironment", start_response: "StartResponse",
                           start_cors_response: "StartResponse", cors_headers: Headers, path: str) -> Iterable[bytes]:
        """Run the app so that an exception before its first body chunk becomes a 500 carrying ``cors_headers``.

        The first chunk is taken here, before the server can have sent the status line, because
        that is where lazy bodies fail (a streaming view, a template rendered on iteration). The
        app's iterable is closed either way, also when a ``BaseException`` (gevent's ``Timeout``)
        interrupts the first chunk and is re-raised; an exception after the first chunk reaches the
        server exactly as it would without this option.
        """
        try:
            result = self.app(environ, start_cors_response)
        except Exception:
            return self._internal_error(environ, start_response, cors_headers, path)
        if isinstance(result, (list, tuple)):
            return result  # its items exist already: nothing can fail before the server sends them
        file_wrapper = environ.get("wsgi.file_wrapper")
        if isinstance(file_wrapper, type) and isinstance(result, file_wrapper):
            return result  # keep the server's zero-copy sendfile path
        try:
            rest = iter(result)
            first = next(rest, None)
        except Exception:
            _close_failed_body(result)
            return self._internal_error(environ, start_response, cors_headers, path)
        except BaseException:
            # gevent's Timeout, GreenletExit, KeyboardInterrupt: not ours to answer, but the server never gets the
            # iterable to close, so close it here (PEP 3333: close() is called whatever happens) and let it go on.
            _close_failed_body(result)
            raise
        return _PrefetchedBody(first, rest, result)

    def _internal_error(self, environ: "WSGIEnvironment", start_response: "StartResponse", cors_headers: Headers,
                        path: str) -> list[bytes]:
        """Answer 500 with the CORS headers; called while the app's exception is being handled."""
        LOG.exception("unhandled exception in the wrapped application (%s %s); answering 500 with CORS headers",
                      display(environ.get("REQUEST_METHOD") or ""), display(path))
        start_response(
            status_line(500),
            merge_headers([("Content-Type", "text/plain; charset=utf-8"),
                           ("Content-Length", str(len(_INTERNAL_ERROR_BODY)))], cors_headers),
            sys.exc_info(),
        )
        return [_INTERNAL_ERROR_BODY]

    def _rejected(self, decision: Decision, environ: "WSGIEnvironment") -> None:
        if LOG.isEnabledFor(logging.INFO):
            LOG.info(
                "CORS %s request rejected [%s]: %s (origin=%s method=%s path=%s)",
                decision.kind.value,
                decision.reason,
                decision.message,
                display(environ.get("HTTP_ORIGIN") or ""),
                display(environ.get("REQUEST_METHOD") or ""),
                display(environ.get("PATH_INFO") or ""),
            )
        hook = self.on_reject
        if hook is not None:
            try:
                hook(decision, environ)
            except Exception:  # a metrics hook must not turn a CORS rejection into a server error
                LOG.exception("the on_reject hook raised; the request goes on")


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

