"""fnmatch-style '*' spanning dots (anchors §3b; rs/cors #197): wildcard patterns stop at label and port boundaries.

A glob ``*example.com`` matches ``evilexample.com``; rs/cors's ``h*`` with credentials reflects
nearly any origin. wsgi_cors's ``https://*.example.com`` means "one or more whole labels, then
.example.com", with the scheme and the port fixed; anything else with a ``*`` is a regex.
"""

from __future__ import annotations

import pytest

from wsgi_cors import CORSConfigWarning, CORSMiddleware, CORSPolicy

from .wsgi_call import call, hello_app


@pytest.mark.parametrize(
    "attacker",
    [
        "https://evilexample.com",
        "https://example.com.attacker.io",
        "https://a.example.com.attacker.io",
        "https://example.com",
        "http://a.example.com",
        "https://a.example.com:8443",
        "https://a.example.com.",
        "https://a.example.co",
    ],
)
def test_subdomain_wildcard_refuses(attacker: str) -> None:
    """'*' spanning dots: 'https://*.example.com' admits only subdomains of example.com, on https, default port."""
    middleware = CORSMiddleware(hello_app, origins=["https://*.example.com"], supports_credentials=True)
    response = call(middleware, "GET", "/", {"Origin": attacker})
    assert response.get("Access-Control-Allow-Origin") is None
    assert response.get("Access-Control-Allow-Credentials") is None


@pytest.mark.parametrize("origin", ["https://a.example.com", "https://a.b.example.com", "https://xn--bcher-kva.example.com"])
def test_subdomain_wildcard_admits_whole_labels(origin: str) -> None:
    """'*' spanning dots: one or more whole labels before the fixed domain are admitted (documented meaning)."""
    response = call(CORSMiddleware(hello_app, origins=["https://*.example.com"]), "GET", "/", {"Origin": origin})
    assert response.get("Access-Control-Allow-Origin") == origin


@pytest.mark.parametrize(
    "attacker", ["http://localhost.attacker.io:3000", "http://evil-localhost:3000", "https://localhost:3000"]
)
def test_any_port_pattern_fixes_scheme_and_host(attacker: str) -> None:
    """'*' spanning dots: 'http://localhost:*' varies the port only."""
    policy = CORSPolicy(origins=["http://localhost:*"])
    assert policy.evaluate("GET", "/", origin="http://localhost:5173").allowed
    assert not policy.evaluate("GET", "/", origin=attacker).allowed


def test_subdomain_and_any_port_pattern_fixes_the_domain() -> None:
    """'*' spanning dots: 'https://*.example.com:*' varies labels and port, never the domain."""
    policy = CORSPolicy(origins=["https://*.example.com:*"])
    assert policy.evaluate("GET", "/", origin="https://a.example.com:8443").allowed
    assert policy.evaluate("GET", "/", origin="https://a.example.com").allowed
    assert not policy.evaluate("GET", "/", origin="https://a.example.com.attacker.io:8443").allowed


def test_glob_without_a_label_boundary_is_a_regex_and_warned_about() -> None:
    """'*' spanning dots: 'https://*example.com' is not a wildcard pattern; taken as a regex, it warns and admits no 'evilexample.com'."""
    with pytest.warns(CORSConfigWarning) as record:
        policy = CORSPolicy(origins=["https://*example.com"])
    assert any("unescaped" in str(warning.message) for warning in record)
    assert any("used as a glob" in str(warning.message) for warning in record)
    assert not policy.evaluate("GET", "/", origin="https://evilexample.com").allowed


def test_mid_label_wildcard_is_a_regex_and_warned_about() -> None:
    """'*' spanning dots: 'https://app-*.example.com' is not a label wildcard; it warns at startup."""
    with pytest.warns(CORSConfigWarning) as record:
        CORSPolicy(origins=["https://app-*.example.com"])
    assert any("unescaped" in str(warning.message) for warning in record)
    assert any("used as a glob" in str(warning.message) for warning in record)
