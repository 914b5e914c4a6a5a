"""Public-suffix wildcards with credentials (anchors §3b; jub0bs/cors): refused unless allow_public_suffix_wildcards=True.

Anyone can register ``evil.github.io`` or ``evil.co.uk``, so ``https://*.github.io`` with
credentials lets strangers read responses made with the user's cookies. The check uses the
Public Suffix List shipped in the ``publicsuffixlist`` package (no download at run time).
"""

from __future__ import annotations

import socket
from typing import Any

import pytest

from wsgi_cors import ConfigError, CORSPolicy
from wsgi_cors import _problems as kinds
from wsgi_cors import _publicsuffix as publicsuffix
from wsgi_cors._publicsuffix import is_public_suffix


@pytest.mark.parametrize(
    "pattern",
    ["https://*.github.io", "https://*.co.uk", "https://*.com", "https://*.herokuapp.com:*", "https://*.s3.amazonaws.com"],
)
def test_public_suffix_wildcard_with_credentials_is_refused(pattern: str) -> None:
    """Public-suffix wildcard: a credentialed wildcard over a registrable suffix is a ConfigError naming the opt-in."""
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=[pattern], supports_credentials=True)
    assert {problem.code for problem in raised.value.problems} & {
        kinds.CREDENTIALS_PUBLIC_SUFFIX_WILDCARD.code,
        kinds.NOT_BOOLEAN.code,
    }


def test_public_suffix_wildcard_in_a_path_rule_with_credentials_is_refused() -> None:
    """Public-suffix wildcard: the check applies per path rule."""
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(resources={r"/api/.*": {"origins": ["https://*.github.io"], "supports_credentials": True}})
    assert {problem.code for problem in raised.value.problems} & {
        kinds.CREDENTIALS_PUBLIC_SUFFIX_WILDCARD.code,
        kinds.NOT_BOOLEAN.code,
    }


def test_explicit_opt_in_admits_the_public_suffix_wildcard() -> None:
    """Public-suffix wildcard: allow_public_suffix_wildcards=True is the clearly named way to accept the risk."""
    policy = CORSPolicy(origins=["https://*.github.io"], supports_credentials=True, allow_public_suffix_wildcards=True)
    assert policy.evaluate("GET", "/", origin="https://someone.github.io").allowed


def test_public_suffix_wildcard_without_credentials_is_allowed() -> None:
    """Public-suffix wildcard: without credentials only public data is shared, so no opt-in is needed."""
    assert CORSPolicy(origins=["https://*.github.io"]).evaluate("GET", "/", origin="https://someone.github.io").allowed


@pytest.mark.parametrize("pattern", ["https://*.example.com", "https://*.myorg.github.io", "http://*.localhost:*"])
def test_wildcards_under_a_registered_domain_with_credentials_are_allowed(pattern: str) -> None:
    """Public-suffix wildcard: a domain someone owns (or loopback names) is fine with credentials."""
    CORSPolicy(origins=[pattern], supports_credentials=True)


def test_the_opt_in_must_be_a_boolean() -> None:
    """Public-suffix wildcard: a string such as 'false' is refused rather than read as true."""
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=["https://*.github.io"], supports_credentials=True, allow_public_suffix_wildcards="false")
    assert {problem.code for problem in raised.value.problems} & {
        kinds.CREDENTIALS_PUBLIC_SUFFIX_WILDCARD.code,
        kinds.NOT_BOOLEAN.code,
    }


def test_the_opt_in_round_trips_through_describe() -> None:
    """Public-suffix wildcard: describe() keeps the opt-in, so a rebuilt policy is as permissive, no more."""
    policy = CORSPolicy(origins=["https://*.github.io"], supports_credentials=True, allow_public_suffix_wildcards=True)
    assert CORSPolicy(**policy.describe()).evaluate("GET", "/", origin="https://someone.github.io").allowed


@pytest.mark.parametrize(
    "domain,public",
    [
        ("com", True),
        ("co.uk", True),
        ("github.io", True),
        ("GITHUB.IO.", True),
        ("kawasaki.jp", True),
        ("example.com", False),
        ("myorg.github.io", False),
        ("localhost", False),
        ("", False),
    ],
)
def test_is_public_suffix(domain: str, public: bool) -> None:
    """Public-suffix wildcard: the list lookup behind the check (ICANN and private sections, case and trailing dot ignored)."""
    assert is_public_suffix(domain) is public


def test_the_list_is_read_from_the_installed_package_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Public-suffix wildcard: the list ships with the package; building the check opens no socket."""

    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the public suffix check tried to use the network")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    publicsuffix._suffix_list.cache_clear()
    assert is_public_suffix("github.io")
