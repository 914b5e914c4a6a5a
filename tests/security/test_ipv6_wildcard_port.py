"""IPv6 literals in wildcard ports: ``http://[::1]:*`` is a wildcard pattern, not a regex.

The wildcard shape left out ``[``, so ``http://[::1]:*`` was compiled as a regex: ``[::1]`` a character class,
``:*`` any number of colons. It admitted ``http://1`` and never ``http://[::1]:8080``. It is now the
"any port" pattern for that address, checked like any other origin (compressed, lower-case).
"""

from __future__ import annotations

import warnings

import pytest

from wsgi_cors import ConfigError, CORSPolicy, InsecureConfigWarning
from wsgi_cors import _problems as kinds


@pytest.mark.parametrize("origin", ["http://[::1]:8080", "http://[::1]", "http://[::1]:1", "http://[::1]:65535"])
def test_ipv6_any_port_pattern_admits_that_address_on_any_port(origin: str) -> None:
    """IPv6 wildcard port: every port of the address (and none) is admitted."""
    assert CORSPolicy(origins=["http://[::1]:*"]).evaluate("GET", "/", origin=origin).allowed


@pytest.mark.parametrize(
    "origin",
    [
        "http://1",
        "http://:",
        "http://[::2]:8080",
        "https://[::1]:8080",
        "http://[::1]:8080.evil.com",
        "http://127.0.0.1:8080",
        "http://[::1:8080]",
    ],
)
def test_ipv6_any_port_pattern_admits_nothing_else(origin: str) -> None:
    """IPv6 wildcard port: no other address, scheme or spelling is admitted (the old regex admitted 'http://1')."""
    assert not CORSPolicy(origins=["http://[::1]:*"]).evaluate("GET", "/", origin=origin).allowed


def test_ipv6_any_port_pattern_is_described_as_written() -> None:
    """IPv6 wildcard port: the pattern round-trips through describe()."""
    policy = CORSPolicy(origins=["http://[2001:db8::7]:*"])
    rebuilt = CORSPolicy(**policy.describe())
    assert rebuilt.evaluate("GET", "/", origin="http://[2001:db8::7]:3000").allowed
    assert not rebuilt.evaluate("GET", "/", origin="http://2").allowed


def test_non_canonical_ipv6_in_an_any_port_pattern_gets_the_canonical_fix() -> None:
    """IPv6 wildcard port: the address must be written as browsers serialize it; the fix keeps ':*'."""
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=["http://[0:0:0:0:0:0:0:1]:*"])
    assert raised.value.problems[0].fix == "write 'http://[::1]:*'"


def test_subdomain_wildcard_before_an_ipv6_literal_is_refused() -> None:
    """IPv6 wildcard port: '*.' stands for DNS labels and cannot precede an address."""
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=["http://*.[::1]:*"])
    assert {problem.code for problem in raised.value.problems} & {kinds.INVALID_ORIGIN.code}


def test_loopback_ipv6_any_port_with_credentials_is_not_an_insecure_origin() -> None:
    """IPv6 wildcard port: loopback over plain http is fine with credentials (no InsecureConfigWarning)..."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CORSPolicy(origins=["http://[::1]:*"], supports_credentials=True)


def test_non_loopback_ipv6_any_port_with_credentials_warns() -> None:
    """...while a routable address over plain http warns, as for any plain-http origin with credentials."""
    with pytest.warns(InsecureConfigWarning, match=r"http://\[2001:db8::7\]:\*"):
        CORSPolicy(origins=["http://[2001:db8::7]:*"], supports_credentials=True)
