"""Reflect-any-origin with credentials (anchors §3b; Flask-CORS, Starlette, django-cors-headers, wsgicors): refused at startup.

Those libraries silently turn ``origins="*"`` plus credentials into "echo every Origin with
``Access-Control-Allow-Credentials: true``", letting any website read responses made with the
user's cookies. wsgi_cors refuses every configuration whose origins admit any site an attacker
can set up, whether written as ``*``, as a catch-all regex, or per path rule.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from wsgi_cors import ConfigError, CORSMiddleware, CORSPolicy
from wsgi_cors import _problems as kinds

from .wsgi_call import call, hello_app

ATTACKER = "https://attacker.example"


@pytest.mark.parametrize(
    "origins",
    [
        "*",
        ".*",
        ["https://app.example.com", "*"],
        re.compile(".*"),
        re.compile(r"[a-z]+://.+"),
    ],
    ids=["star", "dot-star", "star-in-list", "compiled-dot-star", "compiled-any-scheme"],
)
def test_catch_all_origins_with_credentials_are_refused(origins: Any) -> None:
    """Reflect-any-origin with credentials: a catch-all origins value plus supports_credentials is a ConfigError."""
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=origins, supports_credentials=True)
    assert {problem.code for problem in raised.value.problems} & {
        kinds.CREDENTIALS_ANY_ORIGIN.code,
        kinds.CREDENTIALS_CATCH_ALL.code,
    }


@pytest.mark.parametrize(
    "origins",
    [r"https://.*", re.compile(r"https://[^/]+"), r"(https|wss)://.*"],
    ids=["https-dot-star", "compiled-https-any-host", "https-or-wss"],
)
def test_regex_admitting_every_https_origin_with_credentials_is_refused(origins: Any) -> None:
    """Reflect-any-origin with credentials: anyone can run an https site, so 'https://.*' is a catch-all too."""
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=origins, supports_credentials=True)
    assert {problem.code for problem in raised.value.problems} & {
        kinds.CREDENTIALS_ANY_ORIGIN.code,
        kinds.CREDENTIALS_CATCH_ALL.code,
    }


def test_catch_all_in_a_path_rule_with_credentials_is_refused() -> None:
    """Reflect-any-origin with credentials: the check applies inside resources as well."""
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(resources={r"/api/.*": {"origins": "*", "supports_credentials": True}})
    assert {problem.code for problem in raised.value.problems} & {
        kinds.CREDENTIALS_ANY_ORIGIN.code,
        kinds.CREDENTIALS_CATCH_ALL.code,
    }


def test_inherited_credentials_with_a_catch_all_rule_are_refused() -> None:
    """Reflect-any-origin with credentials: credentials set at the top and '*' in a rule combine into the same danger."""
    with pytest.raises(ConfigError):
        CORSPolicy(origins=["https://app.example.com"], supports_credentials=True, resources={r"/api/.*": {"origins": "*"}})


def test_star_without_credentials_never_sends_allow_credentials() -> None:
    """Reflect-any-origin with credentials: the public '*' policy answers without Access-Control-Allow-Credentials."""
    response = call(CORSMiddleware(hello_app, origins="*"), "GET", "/", {"Origin": ATTACKER, "Cookie": "session=1"})
    assert response.get("Access-Control-Allow-Origin") == ATTACKER
    assert response.get("Access-Control-Allow-Credentials") is None


def test_wildcard_expose_headers_with_credentials_is_refused() -> None:
    """Reflect-any-origin with credentials: '*' in Access-Control-Expose-Headers means nothing with credentials."""
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=["https://app.example.com"], supports_credentials=True, expose_headers="*")
    assert {problem.code for problem in raised.value.problems} & {kinds.CREDENTIALS_EXPOSE_WILDCARD.code}
