"""The path-spelling property against the Flask door: no spelling gives a grant beyond the policy of the view that answered.

The site of tests/security/router_apps.py on Flask, behind ``wsgi_cors.flask.CORS(app, resources=RESOURCES)``,
with some views carrying their own ``@cross_origin`` (one of them per method, on a MethodView). Every
view names itself in ``X-View``. Hypothesis sends the spellings of the router differential (bytes that
are not UTF-8, ``//``, dot segments, ``%2f``, newlines, case, long paths...). The grant on a view's
answer must be within that view's policy: its decorator's for a decorated view (found by the URL map,
the same map that dispatched the request), else the app rule covering the view's clean path. A granted
preflight must be one the policy of the handler the router picks for the requested method grants.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any, Optional

from flask import Flask, Response
from flask.views import MethodView
from hypothesis import event, example, given
from hypothesis import strategies as st

from wsgi_cors import CORSPolicy
from wsgi_cors.flask import CORS, cross_origin

from ..fuzz.strategies import fuzz_settings
from ..security.router_apps import API_PARTNER, ATTACKER, CANONICAL, ORIGINS, PARTNER, RESOURCES, SITE
from ..security.test_router_differential import assert_within, grant, send, spellings, view_of

APP_POLICY = CORSPolicy(resources=RESOURCES)
# Decorated views: view name -> (method -> the policy its handler carries).
VIEW_OPTIONS: dict[str, dict[str, dict[str, Any]]] = {
    "public": {"GET": {"origins": [ATTACKER]}, "PUT": {"origins": [ATTACKER]}},  # narrower than the /public/ rule's "*"
    "admin_users": {
        "GET": {"origins": [PARTNER], "supports_credentials": True},  # per method: GET for the partner,
        "PUT": {"origins": [SITE], "supports_credentials": True},
    },  # PUT for the site itself
    "api_items": {"GET": {"origins": [SITE]}, "PUT": {"origins": [SITE]}},
}
VIEW_POLICIES = {
    view: {method: CORSPolicy(**options) for method, options in methods.items()} for view, methods in VIEW_OPTIONS.items()
}


def _answer(view: str) -> Response:
    return Response(view, headers={"X-View": view})


@functools.lru_cache(maxsize=None)
def door_app() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        app = Flask("path_spelling")
    CORS(app, resources=RESOURCES)

    def add(rule: str, view: str) -> None:
        options = VIEW_OPTIONS.get(view)
        if options is None:
            app.add_url_rule(rule, view + rule, lambda **_: _answer(view))
            return
        if view == "admin_users":  # per-method handlers

            class AdminUsers(MethodView):
                @cross_origin(**options["GET"])
                def get(self) -> Response:
                    return _answer(view)

                @cross_origin(**options["PUT"])
                def put(self) -> Response:
                    return _answer(view)

            app.add_url_rule(rule, view_func=AdminUsers.as_view(view + rule))
            return
        decorated = cross_origin(**options["GET"])(lambda **_: _answer(view))
        app.add_url_rule(rule, view + rule, decorated, methods=["GET", "PUT"])

    for rule, view in [
        ("/public/", "public_root"),
        ("/public/<path:rest>", "public"),
        ("/admin/", "admin_root"),
        ("/admin/users", "admin_users"),
        ("/admin/<x>", "admin_x"),
        ("/admin/<path:rest>", "admin_any"),
        ("/api/", "api_root"),
        ("/api/items", "api_items"),
        ("/api/<path:rest>", "api_any"),
        ("/", "home"),
        ("/<path:rest>", "fallback"),
    ]:
        add(rule, view)
    return app


def policy_of(view: str, method: str) -> tuple[CORSPolicy, str]:
    """The policy that may grant on ``view``'s answer to ``method``, and the clean path to ask it about."""
    policies = VIEW_POLICIES.get(view)
    if policies is not None:
        return policies[method], CANONICAL[view]
    return APP_POLICY, CANONICAL[view]


def view_for(path: str, method: str) -> Optional[str]:
    return view_of(send(door_app(), method, path))


@fuzz_settings(150)
@example(path="/adm\xffin/users", origin=PARTNER)
@example(path="//public/x", origin=ATTACKER)
@example(path="/public//x", origin=ATTACKER)
@example(path="/api/items\n", origin=API_PARTNER)
@example(path="/admin/users/", origin=PARTNER)
@given(path=spellings(), origin=st.sampled_from(ORIGINS))
def test_a_grant_never_exceeds_the_policy_of_the_view_that_answered(path: str, origin: str) -> None:
    response = send(door_app(), "GET", path, {"Origin": origin})
    answered = view_of(response)
    event(answered or "no view")
    if response is None or answered is None:
        return
    policy, clean = policy_of(answered, "GET")
    allowed = grant(policy.evaluate("GET", clean, origin=origin).headers)
    assert_within(grant(response.headers), allowed, f"GET {path!r} from {origin} answered by {answered}")


@fuzz_settings(100)
@example(path="/admin/users", origin=PARTNER)
@example(path="/admin/users", origin=SITE)
@example(path="//public/x", origin=ATTACKER)
@example(path="/adm\xffin/users", origin=SITE)
@given(path=spellings(), origin=st.sampled_from(ORIGINS))
def test_a_granted_preflight_is_one_the_handler_the_router_picks_for_the_method_grants(path: str, origin: str) -> None:
    response = send(door_app(), "OPTIONS", path, {"Origin": origin, "Access-Control-Request-Method": "PUT"})
    if response is None or response.code != 200 or response.get("Access-Control-Allow-Origin") is None:
        event("preflight refused or not covered")
        return
    answered = view_for(path, "PUT")
    event(f"granted, PUT goes to {answered or 'no view'}")
    if answered is None:
        return
    policy, clean = policy_of(answered, "PUT")
    expected = policy.evaluate("OPTIONS", clean, origin=origin, request_method="PUT")
    assert expected.allowed, f"OPTIONS {path!r} from {origin} granted; the PUT handler of {answered} refuses it"
    assert_within(grant(response.headers), grant(expected.headers), f"OPTIONS {path!r} from {origin} (view {answered})")


def test_per_method_handlers_of_one_url_grant_their_own_origins_only() -> None:
    get_partner = send(door_app(), "GET", "/admin/users", {"Origin": PARTNER})
    get_site = send(door_app(), "GET", "/admin/users", {"Origin": SITE})
    put_partner = send(door_app(), "OPTIONS", "/admin/users", {"Origin": PARTNER, "Access-Control-Request-Method": "PUT"})
    put_site = send(door_app(), "OPTIONS", "/admin/users", {"Origin": SITE, "Access-Control-Request-Method": "PUT"})
    assert get_partner is not None and get_partner.get("Access-Control-Allow-Origin") == PARTNER
    assert get_site is not None and get_site.get("Access-Control-Allow-Origin") is None
    assert put_partner is not None and (put_partner.code, put_partner.get("Access-Control-Allow-Origin")) == (403, None)
    assert put_site is not None and (put_site.code, put_site.get("Access-Control-Allow-Origin")) == (200, SITE)
