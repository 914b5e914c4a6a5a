"""Matcher bugs from shared suffixes (GHSA-vhxv-fg4m-p2w8, jub0bs/cors < 0.1.3): each configured origin stands alone.

jub0bs/cors's radix tree let ``https://foo.com`` plus ``https://bar.com`` admit ``https://barfoo.com``.
wsgi_cors keeps exact origins in a set and subdomain patterns keyed by whole parent domains.
"""

from __future__ import annotations

import pytest

from wsgi_cors import CORSPolicy


@pytest.mark.parametrize(
    "attacker", ["https://barfoo.com", "https://foobar.com", "https://bar.foo.com", "https://foo.com.bar.com"]
)
def test_two_exact_origins_admit_nothing_else(attacker: str) -> None:
    """Shared-suffix matcher bug: 'https://foo.com' and 'https://bar.com' admit exactly those two origins."""
    policy = CORSPolicy(origins=["https://foo.com", "https://bar.com"])
    assert policy.evaluate("GET", "/", origin="https://foo.com").allowed
    assert policy.evaluate("GET", "/", origin="https://bar.com").allowed
    assert not policy.evaluate("GET", "/", origin=attacker).allowed


@pytest.mark.parametrize("attacker", ["https://x.barfoo.com", "https://x.foo.bar.co", "https://foo.com", "https://xfoo.com"])
def test_two_subdomain_patterns_admit_only_their_own_subdomains(attacker: str) -> None:
    """Shared-suffix matcher bug: '*.foo.com' and '*.bar.com' do not combine into '*foo.com'."""
    policy = CORSPolicy(origins=["https://*.foo.com", "https://*.bar.com"])
    assert policy.evaluate("GET", "/", origin="https://x.foo.com").allowed
    assert not policy.evaluate("GET", "/", origin=attacker).allowed


def test_ports_of_one_pattern_do_not_leak_to_another() -> None:
    """Shared-suffix matcher bug: a port allowed for one pattern is not allowed for a sibling pattern."""
    policy = CORSPolicy(origins=["https://*.foo.com:8443", "https://*.bar.com"])
    assert policy.evaluate("GET", "/", origin="https://x.foo.com:8443").allowed
    assert not policy.evaluate("GET", "/", origin="https://x.bar.com:8443").allowed
    assert not policy.evaluate("GET", "/", origin="https://x.foo.com").allowed
