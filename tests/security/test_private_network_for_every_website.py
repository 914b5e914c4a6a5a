"""Private Network Access for every website refused at build time.

``allow_private_network=True`` answers the browser's private-network preflight: it is the switch that lets a
public page reach a service on the user's private network (a router, a printer, an intranet API). With
``origins="*"`` (or a catch-all regex or predicate) every page on the internet gets that, which is exactly the
attack Private Network Access exists to stop. Decided: a ConfigError naming the origins entry that admits every website, with the fix.
"""

from __future__ import annotations

import pytest

from wsgi_cors import ConfigError, CORSMiddleware, CORSPolicy, Location
from wsgi_cors import _problems as kinds

from .wsgi_call import call, hello_app


@pytest.mark.parametrize("origins", ["*", [".*"], [r"https://[\w.-]+"], [lambda origin: True], ["https://app.example.com", "*"]])
def test_private_network_for_every_website_is_refused(origins: object) -> None:
    """Private network for every website: origins that admit any website + allow_private_network is a ConfigError."""
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=origins, allow_private_network=True)
    problem = next(problem for problem in raised.value.problems if problem.code == kinds.PRIVATE_NETWORK_ANY_WEBSITE.code)
    entries = origins if isinstance(origins, list) else [origins]
    index = next(index for index, entry in enumerate(entries) if entry == "*" or entry != "https://app.example.com")
    assert problem.location == (Location("origins", index=index) if isinstance(origins, list) else Location("origins"))
    shown = problem.value
    assert shown is entries[index] or shown == entries[index]


def test_private_network_for_every_website_in_a_path_rule_is_refused() -> None:
    """Private network for every website: checked per path rule (the default origins are '*')."""
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(resources={r"/router/.*": {"allow_private_network": True}})
    assert [(problem.code, problem.location, problem.value) for problem in raised.value.problems] == [
        (kinds.PRIVATE_NETWORK_ANY_WEBSITE.code, Location("origins", rule="/router/.*"), "*")
    ]


def test_private_network_for_listed_origins_is_allowed() -> None:
    """Private network for listed origins: the intended use still works end to end."""
    middleware = CORSMiddleware(
        hello_app, origins=["https://app.example.com", "https://*.corp.example.com"], allow_private_network=True
    )
    response = call(
        middleware,
        "OPTIONS",
        "/",
        {
            "Origin": "https://app.example.com",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Private-Network": "true",
        },
    )
    assert response.get("Access-Control-Allow-Private-Network") == "true"


def test_every_website_without_private_network_is_unchanged() -> None:
    """Private network for every website: origins='*' alone stays the public default."""
    assert CORSPolicy(origins="*").evaluate("GET", "/", origin="https://anyone.example").allowed
