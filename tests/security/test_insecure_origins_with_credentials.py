"""Insecure origins with credentials and scheme confusion (anchors §3b; django-cors-headers 3.0.0).

A plain-http origin can be scripted by anyone on the network path, so trusting it with
credentials hands them the user's session; and an https allow-list must never admit the http
origin of the same host.
"""

from __future__ import annotations

import warnings

import pytest

from wsgi_cors import CORSPolicy, InsecureConfigWarning


@pytest.mark.parametrize("origins", [["http://app.example.com"], ["http://*.example.com"], ["http://app.example.com:*"]])
def test_plain_http_origin_with_credentials_is_reported(origins: list[str]) -> None:
    """Insecure origins with credentials: http origins and patterns with supports_credentials are flagged at startup."""
    with pytest.warns(InsecureConfigWarning, match="plain-http"):
        CORSPolicy(origins=origins, supports_credentials=True)


@pytest.mark.parametrize("origin", ["http://localhost:3000", "http://127.0.0.1:8000", "http://[::1]:8080", "http://localhost:*"])
def test_loopback_http_origins_with_credentials_are_not_reported(origin: str) -> None:
    """Insecure origins with credentials: loopback is not reachable from the network, so local development stays quiet."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CORSPolicy(origins=[origin], supports_credentials=True)


def test_https_origin_does_not_admit_the_http_origin_of_the_same_host() -> None:
    """Scheme confusion (django-cors-headers 3.0.0): 'https://app.example.com' does not admit 'http://app.example.com'."""
    policy = CORSPolicy(origins=["https://app.example.com"], supports_credentials=True)
    assert not policy.evaluate("GET", "/", origin="http://app.example.com").allowed


def test_https_wildcard_does_not_admit_http_subdomains() -> None:
    """Scheme confusion: 'https://*.example.com' fixes the scheme."""
    policy = CORSPolicy(origins=["https://*.example.com"], supports_credentials=True)
    assert not policy.evaluate("GET", "/", origin="http://a.example.com").allowed
    assert not policy.evaluate("GET", "/", origin="wss://a.example.com").allowed


def test_origin_without_scheme_is_a_config_error() -> None:
    """Scheme confusion: a host without a scheme is refused with the fix, never guessed at request time."""
    from wsgi_cors import ConfigError

    with pytest.raises(ConfigError, match="https://app.example.com"):
        CORSPolicy(origins=["app.example.com"])
