"""The ASGI shell around the policy engine: the same policy for Starlette, FastAPI, Quart and Django on ASGI.

:class:`CORSMiddleware` is the WSGI door's twin for ASGI 3 (``async def app(scope, receive, send)``):
it reads the request's path and CORS headers from an ``http`` scope, asks the engine, and carries out
the decision: it answers a preflight itself, with an empty body, and otherwise merges the decision's
headers into the app's ``http.response.start`` (exactly one ``Access-Control-Allow-Origin``, ``Vary``
merged, the app's ``Access-Control-*`` replaced: :func:`wsgi_cors._headers.merge_header_pairs`, the
WSGI merge in bytes). Body messages are forwarded one by one as the app sends them, so streaming
responses are never buffered; ``receive`` is the app's own, so ``http.disconnect`` reaches it unchanged.
``lifespan`` scopes pass through untouched, and so do ``websocket`` scopes unless
``websocket_origin_check=True`` (browsers apply no CORS to WebSockets; see :meth:`CORSMiddleware._websocket`).

The path the engine judges: ``scope["raw_path"]`` (the bytes on the wire, without the query string),
percent-decoded once and carried as latin-1 text with ``raw_path=True``: exactly what WSGI's
``PATH_INFO`` holds, so the engine's router-disagreement checks (``%2F``, dot segments, bytes that are
not UTF-8) see the same request under both doors. ``scope["path"]`` is only the fallback for servers
that omit ``raw_path``: it was decoded as UTF-8 already, and invalid bytes are lost in it.

Like the WSGI door, it must sit outside everything that can answer on its own (authentication,
redirects, error pages): add it last with ``app.add_middleware`` in Starlette and FastAPI (the last one
added is the outermost), or wrap the finished ASGI application.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any, Awaitable, Callable, Mapping, MutableMapping, Optional, Union
from urllib.parse import unquote_to_bytes

from ._engine import CORSPolicy, Decision, Verdict
from ._escaping import display
from ._headers import BytesHeaders, Headers, header_pairs, merge_header_pairs
from ._reporting import DEFAULT_LOG_LIMIT, DOOR_SETTINGS, DoorState

__all__ = ["CORSMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
RejectHook = Callable[[Decision, Scope], Any]

LOG = logging.getLogger("wsgi_cors")
_INFO = logging.INFO
ALLOWED, NOT_COVERED = Verdict.ALLOWED, Verdict.NOT_COVERED
_INTERNAL_ERROR_BODY = b"Internal Server Error"
_TEXT_PLAIN = (b"content-type", b"text/plain; charset=utf-8")
# A preflight answer has an empty body; RFC 9110 §8.6: no Content-Length on a 204.
_EMPTY_BODY_HEADERS: BytesHeaders = (_TEXT_PLAIN, (b"content-length", b"0"))
# Our decisions' header pairs in bytes, keyed by the decision's (interned, remembered) header tuple. Bounded: a
# rotating Origin makes new tuples, and then the memory is dropped and refilled rather than grown.
_PAIRS_MEMORY = 1024


class CORSMiddleware(DoorState):
    """Apply a CORS policy to an ASGI 3 application.

    The options are the WSGI door's (Flask-CORS's names: ``origins``, ``methods``, ``allow_headers``,
    ``expose_headers``, ``supports_credentials``, ``max_age``, ``send_wildcard``, ``vary_header``,
    ``automatic_options``, ``allow_private_network``, ``always_send``, ``resources``,
    ``preflight_status``), or ``policy=CORSPolicy(...)``. ``on_reject(decision, scope)`` is called for
    every rejected request (it may be a coroutine function); ``intercept_exceptions=True`` turns an
    exception raised before the response starts into a 500 that carries the CORS headers;
    ``websocket_origin_check=True`` refuses WebSocket handshakes from origins the policy does not allow.
    ``report_only``, ``on_report``, ``report_log_level``, ``log_limit`` and ``counters`` are the WSGI
    door's (a report-only policy, rejection counters, rate-limited rejection logs): both doors report
    through the same :class:`~wsgi_cors._reporting.Reporter`; hooks may be coroutine functions here.

    Usage::

        app = CORSMiddleware(app, origins=["https://app.example.com"])
        # Starlette / FastAPI: app.add_middleware(CORSMiddleware, origins=["https://app.example.com"])
    """

    def __init__(
        self,
        app: ASGIApp,
        policy: Optional[CORSPolicy] = None,
        *,
        on_reject: Optional[RejectHook] = None,
        intercept_exceptions: Optional[bool] = None,
        websocket_origin_check: bool = False,
        report_only: Union[CORSPolicy, Mapping[str, Any], None] = None,
        on_report: Optional[Callable[[Decision, Decision, Scope], Any]] = None,
        report_log_level: int = logging.WARNING,
        log_limit: int = DEFAULT_LOG_LIMIT,
        counters: bool = False,
        **options: Any,
    ) -> None:
        if not isinstance(websocket_origin_check, bool):
            raise TypeError(f"websocket_origin_check must be True or False, not {websocket_origin_check!r}")
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
        self.websocket_origin_check = websocket_origin_check
        self._pairs: dict[Headers, BytesHeaders] = {}

    @classmethod
    def from_config(
        cls,
        app: ASGIApp,
        config: Any = None,
        *,
        on_reject: Optional[RejectHook] = None,
        websocket_origin_check: bool = False,
        **overrides: Any,
    ) -> "CORSMiddleware":
        """Build from a TOML file (``config``, or the file named by ``WSGI_CORS_CONFIG``), then ``WSGI_CORS_*``
        environment variables, then keyword ``overrides``: the WSGI door's loader, so one file serves both (a
        ``[report_only]`` table included). The door's own settings may be given as keywords too."""
        from ._configfile import load_config

        door = {name: overrides.pop(name) for name in list(overrides) if name in DOOR_SETTINGS}
        loaded = load_config(config, overrides=overrides)
        door.setdefault("report_only", loaded.report_only)
        return cls(app, loaded.policy, on_reject=on_reject, websocket_origin_check=websocket_origin_check, **door)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket" and self.websocket_origin_check:
                return await self._websocket(scope, receive, send)
            return await self.app(scope, receive, send)  # lifespan, websocket, and extensions we do not know
        policy = self._policy  # one read: a concurrent reconfigure() cannot mix two policies in one request
        if scope["method"] == "OPTIONS":  # maybe a preflight: the engine tells
            origin, request_method, request_headers, private_network = _cors_request_headers(scope)
            decision = policy.evaluate(
                "OPTIONS",
                _request_path(scope),
                origin=origin,
                request_method=request_method,
                request_headers=request_headers,
                request_private_network=private_network,
                raw_path=True,
            )
        else:  # any other method is never a preflight
            origin = None
            for name, value in scope["headers"]:
                if name == b"origin":
                    origin = value.decode("latin-1") if origin is None else _combined(origin, value)
            raw = scope.get("raw_path")
            path = raw.decode("latin-1") if raw is not None and b"%" not in raw else _request_path(scope)
            decision = policy.evaluate_request(path, origin, True)
        if self._report_only is not None:
            await self._report(self._report_only, decision, scope, origin)
        if decision.verdict is not ALLOWED:
            if decision.verdict is NOT_COVERED:
                return await self.app(scope, receive, send)  # no rule covers the path: not ours
            if self._reporter.listening or LOG.isEnabledFor(_INFO):  # counted, hooked or logged
                await self._rejected(decision, scope, origin)
        cors_pairs = self._pairs.get(decision.headers)
        if cors_pairs is None:
            cors_pairs = self._remember_pairs(decision.headers)
        status = decision.status
        if status is not None:  # the engine answers this request itself (a preflight)
            headers = [*cors_pairs, *_EMPTY_BODY_HEADERS] if status != 204 else list(cors_pairs)
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return None
        if self.intercept_exceptions:
            return await self._call_intercepting(scope, receive, send, cors_pairs)

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": merge_header_pairs(message.get("headers", ()), cors_pairs)}
            await send(message)

        return await self.app(scope, receive, send_with_cors)

    def _remember_pairs(self, headers: Headers) -> BytesHeaders:
        pairs = header_pairs(headers)
        if len(self._pairs) >= _PAIRS_MEMORY:
            self._pairs = {}
        self._pairs[headers] = pairs
        return pairs

    async def _call_intercepting(self, scope: Scope, receive: Receive, send: Send, cors_pairs: BytesHeaders) -> None:
        """Run the app so that an exception before its response starts becomes a 500 carrying the CORS headers.

        ``http.response.start`` is held back until the first body message, as the WSGI door holds the
        status until the first chunk: that is where lazy bodies fail (a streaming view, a template rendered
        on iteration), and until then nothing is on the wire. An exception after that reaches the server as
        it would without this option: the status has been sent.
        """
        held: list[Message] = []
        sent = False

        async def send_with_cors(message: Message) -> None:
            nonlocal sent
            if message["type"] == "http.response.start":
                held.append({**message, "headers": merge_header_pairs(message.get("headers", ()), cors_pairs)})
                return
            if held:
                sent = True
                await send(held.pop())
            await send(message)

        try:
            await self.app(scope, receive, send_with_cors)
        except Exception:
            if sent:
                raise
            LOG.exception(
                "unhandled exception in the wrapped application (%s %s); answering 500 with CORS headers",
                display(scope.get("method") or ""),
                display(scope.get("path") or ""),
            )
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": merge_header_pairs(
                        [_TEXT_PLAIN, (b"content-length", b"%d" % len(_INTERNAL_ERROR_BODY))], cors_pairs
                    ),
                }
            )
            await send({"type": "http.response.body", "body": _INTERNAL_ERROR_BODY, "more_body": False})
            return
        if held:  # a start with no body message after it (an app that ends without one): send what it said
            await send(held.pop())

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The opt-in origin check for WebSocket handshakes (cross-site WebSocket hijacking).

        Browsers apply no CORS to WebSockets and send the page's cookies with the handshake, so any site
        can open one as the user; they always send ``Origin``, though. A handshake whose origin the
        policy refuses for the path (the same engine decision as an actual request from that origin)
        is answered 403 before the app runs: with ``websocket.http.response`` when the server offers
        that extension (uvicorn, Hypercorn), else with ``websocket.close`` before ``accept``, which
        ASGI servers must turn into a 403. Without ``Origin`` (not a browser) or on a path no rule
        covers, the handshake goes to the app.
        """
        origin = None
        for name, value in scope["headers"]:
            if name == b"origin":
                origin = _combined(origin, value)
        if origin is None:
            return await self.app(scope, receive, send)
        decision = self._policy.evaluate_request(_request_path(scope), origin, True)
        if decision.verdict is not Verdict.REFUSED:
            return await self.app(scope, receive, send)
        if self._reporter.listening or LOG.isEnabledFor(_INFO):
            await self._rejected(decision, scope, origin, "WebSocket handshake")
        message = await receive()
        if message["type"] != "websocket.connect":  # the client went away first
            return None
        if "websocket.http.response" in (scope.get("extensions") or {}):
            body = b"WebSocket origin not allowed"
            await send(
                {
                    "type": "websocket.http.response.start",
                    "status": 403,
                    "headers": [_TEXT_PLAIN, (b"content-length", b"%d" % len(body))],
                }
            )
            await send({"type": "websocket.http.response.body", "body": body})
        else:
            await send({"type": "websocket.close", "code": 1008})  # policy violation; before accept: a 403
        return None

    async def _rejected(self, decision: Decision, scope: Scope, origin: Optional[str], what: Optional[str] = None) -> None:
        """Report a refusal (counters, the rate-limited log line, on_reject), awaiting a coroutine hook."""
        result = self._reporter.refused(decision, scope, origin, scope.get("method") or "GET", scope.get("path") or "", what)
        await _settle(result, "on_reject")

    async def _report(self, report_only: CORSPolicy, enforced: Decision, scope: Scope, origin: Optional[str]) -> None:
        """Ask the report-only policy the same question and report where its answer differs."""
        would_be = _decide(report_only, scope)
        result = self._reporter.compare(enforced, would_be, scope, origin, scope.get("method") or "GET", scope.get("path") or "")
        await _settle(result, "on_report")


def _cors_request_headers(scope: Scope) -> tuple[Optional[str], Optional[str], Optional[str], Optional[str]]:
    """The request headers CORS reads: Origin and the three Access-Control-Request-* (None when absent)."""
    origin = request_method = request_headers = private_network = None
    for name, value in scope["headers"]:
        if name == b"origin":
            origin = _combined(origin, value)
        elif name == b"access-control-request-method":
            request_method = _combined(request_method, value)
        elif name == b"access-control-request-headers":
            request_headers = _combined(request_headers, value)
        elif name == b"access-control-request-private-network":
            private_network = _combined(private_network, value)
    return origin, request_method, request_headers, private_network


def _decide(policy: CORSPolicy, scope: Scope) -> Decision:
    """The engine's decision for an HTTP scope (the report-only policy's; the door's own call is inlined in __call__)."""
    origin, request_method, request_headers, private_network = _cors_request_headers(scope)
    return policy.evaluate(
        scope["method"],
        _request_path(scope),
        origin=origin,
        request_method=request_method,
        request_headers=request_headers,
        request_private_network=private_network,
        raw_path=True,
    )


async def _settle(result: Any, hook: str) -> None:
    """Await what a hook returned when it is awaitable (a coroutine function was given)."""
    if inspect.isawaitable(result):
        try:
            await result
        except Exception:  # a metrics hook must not turn a CORS rejection into a server error
            LOG.exception("the %s hook raised; the request goes on", hook)


def _request_path(scope: Scope) -> str:
    """The path as WSGI's PATH_INFO holds it: the raw bytes, percent-decoded once, as latin-1 text (see the module docstring)."""
    raw: Optional[bytes] = scope.get("raw_path")
    if raw is None:
        return str(scope.get("path") or "/").encode("utf-8", "surrogateescape").decode("latin-1")
    if b"%" in raw:
        raw = unquote_to_bytes(raw)
    return raw.decode("latin-1")


def _combined(seen: Optional[str], value: bytes) -> str:
    """A header's value as latin-1 text (as WSGI servers give it); a repeated header is joined with ", " as HTTP
    combines fields, so two Origin headers make one malformed origin, refused, never a choice between them."""
    text = value.decode("latin-1")
    return text if seen is None else f"{seen}, {text}"
