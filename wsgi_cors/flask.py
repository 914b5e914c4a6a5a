"""The Flask door: Flask-CORS's public API over the policy engine, so that migrating is changing the import.

``from wsgi_cors.flask import CORS, cross_origin`` takes Flask-CORS 6's ``CORS(app, **options)``,
``CORS().init_app(app)``, ``CORS(blueprint)``, the ``app.config`` keys (``CORS_ORIGINS``...) and
``@cross_origin(**options)`` with Flask-CORS's precedence: a resource's options, then the keyword
options, then ``app.config``, then the defaults; a view's decorator wins over the app's policy for
that view.

What it does differently is where the policy is applied: ``CORS(app)`` installs a WSGI door
around ``app.wsgi_app``, so preflights are answered before ``before_request`` hooks,
authentication and redirects, and error pages carry CORS headers (the WSGI door's guarantees).
For each request the door only *finds* the policy (the view's, found by the app's own URL map and,
for class-based views, the handler of the method that will run; for a preflight, of the method
``Access-Control-Request-Method`` names) and hands the request to a
:class:`~wsgi_cors.wsgi.CORSMiddleware` holding that policy: every decision is the engine's.
Policies are built when the decorator or ``CORS()`` runs (a bad one raises there), one per
distinct configuration, never per request.

Without ``CORS(app)`` the decorator applies its policy inside the view, as Flask-CORS does; call
``CORS(app, resources={})`` (no app-wide rule) to get the door's guarantees for decorated views only.
"""

from __future__ import annotations

import functools
import logging
import warnings
import weakref
from typing import Any, Callable, Iterable, Mapping, Optional, TypeVar, Union

from flask import Blueprint, Flask, current_app, make_response, request
from werkzeug.datastructures import Headers as WerkzeugHeaders
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.routing import Rule

from . import _problems as kinds
from ._engine import CORSPolicy, Verdict
from ._escaping import display
from ._headers import merge_headers
from ._validators import is_werkzeug_rule
from .errors import ConfigError, ConfigProblem, CORSConfigWarning, Location
from .wsgi import FLASK_CORS_CONFIG_KEYS, CORSMiddleware

__all__ = ["CORS", "cross_origin"]

LOG = logging.getLogger("wsgi_cors")
F = TypeVar("F", bound=Callable[..., Any])
# Set by the door on every request it sees: a decorated view then knows its policy was applied outside.
ENVIRON_KEY = "wsgi_cors.flask.door"
# The attribute that marks a decorated function (and the decorator itself, for class-level decorator lists).
ATTRIBUTE = "__wsgi_cors_view__"
_PLACEHOLDER_ORIGIN = "https://placeholder.invalid"


def _config_options(app: Any, *, for_view: bool) -> dict[str, Any]:
    """Flask-CORS's ``get_app_kwarg_dict``: the app's ``CORS_*`` keys that are set, as option names (blueprints have none)."""
    config = getattr(app, "config", None)
    if config is None:
        return {}
    options = {key[5:].lower(): config[key] for key in FLASK_CORS_CONFIG_KEYS if config.get(key) is not None}
    if for_view:
        options.pop("resources", None)  # a decorator covers its view; CORS_RESOURCES is the app-wide rule's
    return options


class _ViewPolicy:
    """One ``@cross_origin(...)`` configuration and its policy, built at decoration time.

    The app's ``CORS_*`` keys take part as Flask-CORS's defaults for the decorator, so an app that sets
    them gets its own policy, built once on the view's first request in that app and kept.
    A decorator that is invalid on its own but may be completed by ``CORS_ORIGINS`` (``supports_credentials=True``
    with no origins) is kept until then; anything else wrong raises here, at import time.
    """

    __slots__ = ("options", "automatic_options", "_policy", "_error", "_per_app", "__weakref__")

    def __init__(self, options: Mapping[str, Any]) -> None:
        if "resources" in options:
            raise ConfigError(
                [
                    ConfigProblem(
                        kinds.RESOURCES_IN_DECORATOR.code,
                        Location(option="resources", source="cross_origin()"),
                        options["resources"],
                        "a decorator covers its own view; resources has no meaning here",
                        "remove resources=, or move the rule to CORS(app, resources=...)",
                    )
                ]
            )
        self.options = dict(options)
        self.automatic_options = bool(options.get("automatic_options", True))
        self._per_app: "weakref.WeakKeyDictionary[Any, CORSPolicy]" = weakref.WeakKeyDictionary()
        self._policy: Optional[CORSPolicy] = None
        self._error: Optional[ConfigError] = None
        try:
            self._policy = CORSPolicy(**self.options)
        except ConfigError as error:
            if "origins" in self.options:
                raise
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    CORSPolicy(**{**self.options, "origins": [_PLACEHOLDER_ORIGIN]})
                except ConfigError:
                    raise error from None
            self._error = error  # valid once the app's CORS_ORIGINS names the origins

    def policy_for(self, app: Any) -> CORSPolicy:
        """The policy for ``app``: the decoration-time one, or, when the app sets ``CORS_*`` keys, one built with them."""
        policy = self._per_app.get(app)
        if policy is not None:
            return policy
        config = _config_options(app, for_view=True)
        if config:
            policy = CORSPolicy(**{**config, **self.options})
        elif self._policy is not None:
            policy = self._policy
        else:
            assert self._error is not None
            raise self._error
        self._per_app[app] = policy
        return policy


def _view_policy(function: Any) -> Optional[_ViewPolicy]:
    """The ``@cross_origin`` configuration carried by a view function or handler (through ``functools.wraps`` layers)."""
    seen = 0
    while function is not None and seen < 32:
        found = getattr(function, ATTRIBUTE, None)
        if isinstance(found, _ViewPolicy):
            return found
        function = getattr(function, "__wrapped__", None)
        seen += 1
    return None


def _handler_policy(view_function: Any, method: str) -> Optional[_ViewPolicy]:
    """The policy of the code that answers ``method`` on this view: the method's handler first (MethodView,
    Flask-RESTful ``Resource``, including its ``method_decorators``), then the view as a whole."""
    view_class = getattr(view_function, "view_class", None)
    if view_class is not None:
        name = method.lower()
        handler = getattr(view_class, name, None)
        if handler is None and method == "HEAD":  # MethodView and Resource answer HEAD with get()
            name, handler = "get", getattr(view_class, "get", None)
        found = _view_policy(handler) if handler is not None else None
        if found is not None:
            return found
        decorators: Any = getattr(view_class, "method_decorators", None) or ()
        if isinstance(decorators, Mapping):
            decorators = decorators.get(name, ())
        for decorator in decorators:
            found = _view_policy(decorator)
            if found is not None:
                return found
    return _view_policy(view_function)


def cross_origin(*args: Any, **options: Any) -> Callable[[F], F]:
    """Flask-CORS's per-view decorator: this view (or this handler of a class-based view) gets its own policy.

    Put it under ``@app.route``. With ``CORS(app)`` installed, the door applies the policy before the
    app runs (preflights never reach the view or its hooks); without it, the view applies it itself,
    as Flask-CORS does. Options are Flask-CORS's (``origins``, ``methods``, ``allow_headers``...).
    """
    if args:
        raise TypeError(
            "cross_origin takes keyword options only: write @cross_origin() (with parentheses) or @cross_origin(origins=[...])"
        )
    view_policy = _ViewPolicy(options)

    def decorator(function: F) -> F:
        if view_policy.automatic_options:
            # As Flask-CORS: the view, not Flask's automatic OPTIONS answer, gets OPTIONS requests,
            # so that without the door it can answer preflights itself.
            view: Any = function
            view.required_methods = set(getattr(function, "required_methods", ())) | {"OPTIONS"}
            view.provide_automatic_options = False

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if ENVIRON_KEY in request.environ:  # the door applied the policy before the app ran
                if view_policy.automatic_options and request.method == "OPTIONS":
                    return current_app.make_default_options_response()
                return function(*args, **kwargs)
            return _apply_in_view(view_policy, function, args, kwargs)

        setattr(wrapper, ATTRIBUTE, view_policy)
        return wrapper  # type: ignore[return-value]

    setattr(decorator, ATTRIBUTE, view_policy)  # for class-level lists: MethodView.decorators, Resource.method_decorators
    return decorator


def _apply_in_view(view_policy: _ViewPolicy, function: Callable[..., Any], args: Any, kwargs: Any) -> Any:
    """No door: ask the engine from inside the view, as Flask-CORS's decorator does (hooks have run by now)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    policy = view_policy.policy_for(app)
    environ = request.environ
    decision = policy.evaluate(
        environ.get("REQUEST_METHOD") or "GET",
        environ.get("PATH_INFO") or "/",
        origin=environ.get("HTTP_ORIGIN"),
        request_method=environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
        request_headers=environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
        request_private_network=environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
        raw_path=True,
    )
    if decision.verdict is Verdict.REFUSED and LOG.isEnabledFor(logging.INFO):
        LOG.info(
            "CORS %s request rejected [%s]: %s (origin=%s method=%s path=%s)",
            decision.kind.value,
            decision.reason,
            decision.message,
            display(environ.get("HTTP_ORIGIN") or ""),
            display(environ.get("REQUEST_METHOD") or ""),
            display(environ.get("PATH_INFO") or ""),
        )
    if decision.status is not None:  # a preflight the engine answers itself
        return app.response_class(b"", status=decision.status, headers=list(decision.headers))
    if view_policy.automatic_options and request.method == "OPTIONS":
        response = app.make_default_options_response()
    else:
        response = make_response(function(*args, **kwargs))
    response.headers = WerkzeugHeaders(merge_headers(list(response.headers.items()), decision.headers))
    return response


class _Target:
    """A policy and the WSGI middleware that applies it to the app behind the door."""

    __slots__ = ("policy", "middleware", "covers_all")

    def __init__(self, policy: CORSPolicy, inner: Any) -> None:
        self.policy = policy
        self.middleware = CORSMiddleware(inner, policy, _settings_read=True)
        self.covers_all = policy.rules == ("/*",) or policy.rules == (".*",)

    def covers(self, environ: dict[str, Any]) -> bool:
        """Whether a path rule of this policy covers the request (else the next layer's policy is asked)."""
        if self.covers_all:
            return True
        path = environ.get("PATH_INFO") or "/"
        if environ.get("REQUEST_METHOD") == "OPTIONS" and environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD") is not None:
            decision = self.policy.evaluate_preflight(
                path,
                environ.get("HTTP_ORIGIN"),
                environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"],
                environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
                environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
                True,
            )
        else:
            decision = self.policy.evaluate_request(path, environ.get("HTTP_ORIGIN"), True)
        return decision.verdict is not Verdict.NOT_COVERED


class _Layer:
    """What one ``CORS(app_or_blueprint, ...)`` configured: policies for routes named in Werkzeug syntax, and path rules."""

    __slots__ = ("routes", "paths")

    def __init__(self, routes: dict[str, CORSPolicy], paths: Optional[CORSPolicy]) -> None:
        self.routes = routes
        self.paths = paths

    @classmethod
    def build(cls, options: Mapping[str, Any]) -> "_Layer":
        """Flask-CORS's ``resources`` split in two: keys in Werkzeug rule syntax (``/users/<int:id>``) name routes,
        matched through the URL map; the others are path rules for the engine. Each route's options override
        the keyword options, as a resource's do."""
        top = dict(options)
        resources: Any = top.pop("resources", r"/*")
        routes: dict[str, Mapping[str, Any]] = {}
        paths: Any = resources
        if isinstance(resources, str):
            if is_werkzeug_rule(resources):
                routes, paths = {resources: {}}, None
        elif isinstance(resources, Mapping):
            routes = {key: value or {} for key, value in resources.items() if isinstance(key, str) and is_werkzeug_rule(key)}
            if routes:
                paths = {key: value for key, value in resources.items() if key not in routes} or None
        elif isinstance(resources, Iterable) and not isinstance(resources, bytes):
            items = list(resources)
            routes = {key: {} for key in items if isinstance(key, str) and is_werkzeug_rule(key)}
            if routes:
                paths = [key for key in items if key not in routes] or None
        route_policies: dict[str, CORSPolicy] = {}
        for rule, overrides in routes.items():
            if not isinstance(overrides, Mapping):
                raise ConfigError(
                    [
                        ConfigProblem(
                            kinds.BAD_RULE_OPTIONS.code,
                            Location(rule=rule),
                            overrides,
                            "the options of a route must be a dict",
                            "write {'origins': [...]}",
                        )
                    ]
                )
            route_policies[rule] = CORSPolicy(**{**top, **overrides})
        path_policy = CORSPolicy(**top, resources=paths) if paths is not None else None
        if path_policy is not None and not path_policy.rules:
            path_policy = None  # resources={}: no app-wide rule, only decorated views
        return cls(route_policies, path_policy)


class _Door:
    """The WSGI callable installed as ``app.wsgi_app``: finds the policy of the view that will answer, hands the request over."""

    def __init__(self, app: Flask, inner: Any) -> None:
        self.flask_app = app
        self.inner = inner
        self.app_layer: Optional[_Layer] = None
        self.blueprint_layers: dict[str, _Layer] = {}
        self._app_paths: Optional[_Target] = None
        self._route_targets: dict[tuple[str, str], _Target] = {}  # (layer key, rule) -> target
        self._path_targets: dict[str, _Target] = {}  # layer key -> target
        self._view_targets: dict[_ViewPolicy, _Target] = {}
        self._selections: dict[tuple[str, str, str], tuple[_Target, ...]] = {}
        self._view_count = -1
        self._routing = False
        self._routes_checked = False

    # --- configuration ---------------------------------------------------------------------------

    def set_layer(self, key: str, layer: _Layer) -> None:
        """Install the layer of the app (key "") or of a blueprint (its registered name)."""
        if key:
            self.blueprint_layers[key] = layer
        else:
            self.app_layer = layer
        self._path_targets = {name: _Target(each.paths, self.inner) for name, each in self._layers() if each.paths is not None}
        self._route_targets = {
            (name, rule): _Target(policy, self.inner) for name, each in self._layers() for rule, policy in each.routes.items()
        }
        self._app_paths = self._path_targets.get("")
        self._selections.clear()
        self._view_count = -1
        self._routes_checked = False

    def _layers(self) -> list[tuple[str, _Layer]]:
        layers = list(self.blueprint_layers.items())
        if self.app_layer is not None:
            layers.append(("", self.app_layer))
        return layers

    def _refresh(self) -> None:
        """Whether any request needs the URL map: decorated views, route-keyed rules or blueprint policies."""
        views = self.flask_app.view_functions
        self._view_count = len(views)
        self._selections.clear()
        self._routing = (
            bool(self.blueprint_layers)
            or bool(self._route_targets)
            or any(_view_policy(view) is not None or _class_view_has_policy(view) for view in views.values())
        )

    def _check_routes(self) -> None:
        """A route named in resources that the URL map does not have matches nothing: say so (once)."""
        self._routes_checked = True
        known = {rule.rule for rule in self.flask_app.url_map.iter_rules()}
        missing = sorted({rule for (_, rule) in self._route_targets} - known)
        if missing:
            warnings.warn(
                f"resources name routes the app does not have: {', '.join(missing)}; they match no request. "
                f"Fix: write each as the app's URL rule (flask routes lists them), e.g. {sorted(known)[:3]}",
                CORSConfigWarning,
                stacklevel=2,
            )

    # --- per request -----------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        environ[ENVIRON_KEY] = True
        if self._view_count != len(self.flask_app.view_functions):
            self._refresh()
        if not self._routing:  # only path rules: the plain WSGI door
            target = self._app_paths
        else:
            target = self._select(environ)
        if target is None:
            return self.inner(environ, start_response)  # type: ignore[no-any-return]
        return target.middleware(environ, start_response)

    def _select(self, environ: dict[str, Any]) -> Optional[_Target]:
        if not self._routes_checked and self._route_targets:
            self._check_routes()
        method = environ.get("REQUEST_METHOD") or "GET"
        if method == "OPTIONS":
            method = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD") or method  # a preflight: the method it asks for
        rule = self._match(environ, method.upper(), method is not environ.get("REQUEST_METHOD"))
        if rule is None:  # no view answers (404, a redirect, a routing error): the app's path rules only
            return self._app_paths
        endpoint = rule.endpoint
        key = (endpoint, method, rule.rule)
        targets = self._selections.get(key)
        if targets is None:
            targets = self._targets(rule, endpoint, method)
            if len(self._selections) >= 4096:
                self._selections.clear()  # bounded: keys come from the app's own routes, but methods from requests
            self._selections[key] = targets
        last = len(targets) - 1
        for index, target in enumerate(targets):
            if index == last or target.covers(environ):
                return target
        return None

    def _match(self, environ: dict[str, Any], method: str, preflight: bool) -> Optional[Rule]:
        """The rule Flask will dispatch to, by the app's own URL adapter (as ``Flask.create_url_adapter`` builds it).

        For a preflight, the rule of the method it names; when no rule at the URL takes that method, the rule
        the preflight itself reaches (Flask-CORS's decorator answers it there). An actual request with a
        method the URL does not take reaches no view (Flask answers 405): None.
        """
        app = self.flask_app
        try:
            adapter = app.create_url_adapter(app.request_class(environ, populate_request=False))
            if adapter is None:
                return None
            try:
                rule, _ = adapter.match(method=method, return_rule=True)
            except MethodNotAllowed:
                if not preflight:
                    return None
                rule, _ = adapter.match(method="OPTIONS", return_rule=True)
            return rule
        except Exception:  # noqa: BLE001 - NotFound, a redirect, a bad host: Flask will not reach a view either
            return None

    def _targets(self, rule: Rule, endpoint: str, method: str) -> tuple[_Target, ...]:
        view_function = self.flask_app.view_functions.get(endpoint)
        view_policy = _handler_policy(view_function, method) if view_function is not None else None
        if view_policy is not None:  # the decorator wins for its view
            target = self._view_targets.get(view_policy)
            if target is None:
                target = self._view_targets[view_policy] = _Target(view_policy.policy_for(self.flask_app), self.inner)
            return (target,)
        targets: list[_Target] = []
        for name in [*_blueprint_chain(endpoint), ""]:  # innermost blueprint first, the app last (Flask-CORS's order)
            route_target = self._route_targets.get((name, rule.rule))
            if route_target is not None:
                targets.append(route_target)
                break
            path_target = self._path_targets.get(name)
            if path_target is not None:
                targets.append(path_target)
        return tuple(targets)


def _class_view_has_policy(view_function: Any) -> bool:
    view_class = getattr(view_function, "view_class", None)
    if view_class is None:
        return False
    decorators: Any = getattr(view_class, "method_decorators", None) or ()
    listed = decorators.values() if isinstance(decorators, Mapping) else [decorators]
    if any(_view_policy(d) is not None for group in listed for d in (group if isinstance(group, (list, tuple)) else [group])):
        return True
    return any(
        _view_policy(getattr(view_class, name, None)) is not None
        for name in ("get", "head", "post", "put", "patch", "delete", "options", "trace", "connect")
    )


def _blueprint_chain(endpoint: str) -> list[str]:
    """``"outer.inner.view"`` -> ``["outer.inner", "outer"]``, as Flask's ``request.blueprints``."""
    name = endpoint.rpartition(".")[0]
    chain = []
    while name:
        chain.append(name)
        name = name.rpartition(".")[0]
    return chain


def _door(app: Flask) -> _Door:
    """The app's door, installed around ``app.wsgi_app`` the first time."""
    door = app.extensions.get("wsgi_cors")
    if not isinstance(door, _Door):
        door = _Door(app, app.wsgi_app)
        app.wsgi_app = door  # type: ignore[method-assign]
        app.extensions["wsgi_cors"] = door
    return door


class CORS:
    """Flask-CORS's extension: ``CORS(app, **options)``, ``CORS().init_app(app)``, ``CORS(blueprint)``.

    Options are Flask-CORS's (``resources``, ``origins``, ``methods``, ``allow_headers``, ``expose_headers``,
    ``supports_credentials``, ``max_age``, ``send_wildcard``, ``vary_header``, ``automatic_options``,
    ``always_send``, ``allow_private_network``, ``intercept_exceptions``) plus wsgi_cors's own
    (``preflight_status``, ``allow_public_suffix_wildcards``). Precedence, highest first: a resource's
    options, ``init_app``'s keywords, the constructor's, ``app.config["CORS_*"]``, the defaults.
    A ``resources`` key written as a Flask route (``"/users/<int:user_id>"``) names that route.
    """

    def __init__(self, app: Union[Flask, Blueprint, None] = None, **options: Any) -> None:
        self._options = options
        if app is not None:
            self.init_app(app, **options)

    def init_app(self, app: Union[Flask, Blueprint], **options: Any) -> None:
        """Apply the policy to ``app``: a Flask app (its door is installed now) or a Blueprint (when it is registered)."""
        if isinstance(app, Blueprint):
            layer = _Layer.build({**self._options, **options})  # blueprints have no config: Flask-CORS reads none

            def register(state: Any) -> None:
                name = f"{getattr(state, 'name_prefix', '')}.{getattr(state, 'name', app.name)}".lstrip(".")
                _door(state.app).set_layer(name, layer)

            app.record(register)
            return
        if not isinstance(app, Flask):
            raise TypeError(f"CORS() takes a Flask app or a Blueprint, not {type(app).__name__}")
        layer = _Layer.build({**_config_options(app, for_view=False), **self._options, **options})
        _door(app).set_layer("", layer)
