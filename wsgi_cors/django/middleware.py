"""``wsgi_cors.django.CorsMiddleware``: the Django door, for ``MIDDLEWARE``, first in the list.

It reads the request, asks the engine, and carries the decision out, like the WSGI door:

* a preflight on a covered path is answered here, before any other middleware or view runs (CSRF,
  authentication, ``APPEND_SLASH`` and ``LoginRequiredMiddleware`` never see it);
* every other response on a covered path gets the decision's headers, whoever produced it: a view,
  another middleware (a CSRF 403, a redirect), or Django's 404/500 pages, which Django's handler
  turns into responses before they reach the first middleware. The app's own ``Access-Control-*``
  headers are replaced (two ACAO headers make a browser refuse both) and ``Vary`` is merged.

Sync and async capable (Django's ``sync_capable``/``async_capable``): under ASGI Django calls it as
a coroutine and the decision is made inline, with no ``sync_to_async`` hop (it never blocks: the
engine is pure, unless a ``WSGI_CORS_ORIGIN_RESOLVER`` blocks, which it must not under ASGI).

The path given to the engine is ``request.path_info``, the very string Django's URL resolver
matches (under WSGI already re-percent-encoded where the bytes are not UTF-8; under ASGI the
scope's ``path``), so ``CORS_URLS_REGEX``/``resources`` read the path as the router does, and the
engine's checks for ambiguous spellings (``//``, dot segments) still apply.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Optional, Union

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers

from .._engine import Decision, Verdict
from .._escaping import display
from ..errors import ConfigError
from . import conf, decorators
from .resolver import CURRENT_REQUEST

__all__ = ["CorsMiddleware"]

LOG = logging.getLogger("wsgi_cors")
ALLOWED, NOT_COVERED = Verdict.ALLOWED, Verdict.NOT_COVERED
GetResponse = Callable[[HttpRequest], Union[HttpResponseBase, Awaitable[HttpResponseBase]]]


class CorsMiddleware:
    """Apply the CORS policy of the Django settings (and of ``@cors`` views) to every request.

    A bad configuration raises :class:`~django.core.exceptions.ImproperlyConfigured` when Django
    builds its middleware (start-up), listing every problem with its code, since system checks do not
    run in production. Refusals are logged at INFO on the ``wsgi_cors`` logger with their reason.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)  # Django then awaits __call__, which returns __acall__'s coroutine
        conf.current()  # fail fast: build the policy now, not on the first request
        _import_views()  # so that every @cors view is known before the first request (Django imports views lazily)

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        decision = self.decide(request)
        if decision is None:
            return self.get_response(request)
        if decision.status is not None:
            return _preflight_response(decision)
        response = self.get_response(request)
        _merge(response, decision)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        decision = self.decide(request)
        if decision is None:
            return await self.get_response(request)
        if decision.status is not None:
            return _preflight_response(decision)
        response: HttpResponseBase = await self.get_response(request)
        _merge(response, decision)
        return response

    def decide(self, request: HttpRequest) -> Optional[Decision]:
        """The engine's decision for this request, or None when no rule covers it (the request is not ours)."""
        config = conf.current()
        meta = request.META
        method = request.method or "GET"
        request_method = meta.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD") if method == "OPTIONS" else None
        policy = config.policy
        if decorators.registered():
            view_policy = _view_policy(request, request_method or method)
            if view_policy is not None:
                policy = view_policy
        assert policy is not None
        token = CURRENT_REQUEST.set(request) if config.resolver is not None else None
        try:
            if request_method is not None:
                decision = policy.evaluate_preflight(
                    request.path_info,
                    meta.get("HTTP_ORIGIN"),
                    request_method,
                    meta.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
                    meta.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
                )
            else:
                decision = policy.evaluate_request(request.path_info, meta.get("HTTP_ORIGIN"))
        finally:
            if token is not None:
                CURRENT_REQUEST.reset(token)
        verdict = decision.verdict
        if verdict is ALLOWED:
            return decision
        if verdict is NOT_COVERED:
            return None
        if LOG.isEnabledFor(logging.INFO):
            LOG.info(
                "CORS %s request rejected [%s]: %s (origin=%s method=%s path=%s)",
                decision.kind.value,
                decision.reason,
                decision.message,
                display(meta.get("HTTP_ORIGIN") or ""),
                display(method),
                display(request.path_info),
            )
        return decision


def _import_views() -> None:
    """Load ROOT_URLCONF, which imports the views and so runs their ``@cors`` decorators.

    A broken URLconf is left for Django to report on the first request, as it would without this door.
    """
    from django.urls import get_resolver

    try:
        _ = get_resolver().url_patterns
    except Exception:  # Django reports a broken URLconf itself, on the first request
        LOG.debug("ROOT_URLCONF could not be loaded at start-up; @cors views are found when it loads", exc_info=True)


def _view_policy(request: HttpRequest, method: str) -> Any:
    """The policy of the view Django's resolver picks for this request, if it has one (``@cors``)."""
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None
    view_policy = decorators.policy_for(match.func, method)
    if view_policy is None:
        return None
    try:
        return view_policy.policy()
    except ConfigError as error:
        raise ImproperlyConfigured(str(error)) from error


def _preflight_response(decision: Decision) -> HttpResponse:
    """An empty answer with the engine's status and headers (RFC 9110 §8.6: no Content-Length on a 204)."""
    response = HttpResponse(status=decision.status or 200)
    if decision.status == 204:
        del response["Content-Type"]
    else:
        response["Content-Type"] = "text/plain; charset=utf-8"
        response["Content-Length"] = "0"
    for name, value in decision.headers:
        response[name] = value
    return response


def _merge(response: HttpResponseBase, decision: Decision) -> None:
    """The decision's headers into the response: the app's Access-Control-* replaced, Vary merged (Django's patch_vary_headers)."""
    headers = response.headers
    owned = [name for name in headers if name[:15].lower() == "access-control-"]
    for name in owned:
        del headers[name]
    for name, value in decision.headers:
        if name == "Vary":
            patch_vary_headers(response, value.split(", "))
        else:
            headers[name] = value
