"""Prefix/suffix regex bypass (anchors §3b; Flask-CORS design, sanic-cors CVE-2026-37737): origin regexes match the whole origin.

``re.match`` anchors only the start, so Flask-CORS's ``https://.*\\.example\\.com`` accepts
``https://a.example.com.attacker.io``; an unescaped ``.`` accepts ``https://evil-example.com``.
wsgi_cors uses ``fullmatch`` for string and compiled regexes alike, and warns about unescaped dots.
"""

from __future__ import annotations

import re

import pytest

from wsgi_cors import CORSConfigWarning, CORSMiddleware, CORSPolicy

from .wsgi_call import call, hello_app


@pytest.mark.parametrize(
    "attacker",
    [
        "https://a.example.com.attacker.io",
        "https://example.com.attacker.io",
        "https://a.example.comattacker.io",
        "https://a.example.com:8443",
    ],
)
def test_string_regex_does_not_accept_a_suffix(attacker: str) -> None:
    """Regex suffix bypass: 'https://.*\\.example\\.com' must match the whole origin."""
    response = call(CORSMiddleware(hello_app, origins=r"https://.*\.example\.com"), "GET", "/", {"Origin": attacker})
    assert response.get("Access-Control-Allow-Origin") is None


def test_string_regex_still_accepts_the_origins_it_names() -> None:
    """Regex suffix bypass: full matching keeps the intended subdomains working."""
    response = call(
        CORSMiddleware(hello_app, origins=r"https://.*\.example\.com"), "GET", "/", {"Origin": "https://a.example.com"}
    )
    assert response.get("Access-Control-Allow-Origin") == "https://a.example.com"


def test_compiled_regex_does_not_accept_a_suffix() -> None:
    """Regex suffix bypass: a compiled re.Pattern is full-matched too."""
    policy = CORSPolicy(origins=[re.compile(r"https://app\.example\.com")])
    assert not policy.evaluate("GET", "/", origin="https://app.example.com.attacker.io").allowed
    assert policy.evaluate("GET", "/", origin="https://app.example.com").allowed


def test_regex_without_scheme_does_not_match_by_search() -> None:
    """Regex prefix bypass: a pattern is never searched inside the origin ('app\\.example\\.com' is not a substring test)."""
    policy = CORSPolicy(origins=[re.compile(r"app\.example\.com")])
    assert not policy.evaluate("GET", "/", origin="https://app.example.com").allowed
    assert not policy.evaluate("GET", "/", origin="https://evilapp.example.com").allowed


def test_top_level_alternation_is_anchored_as_a_whole() -> None:
    """Regex suffix bypass: 'a|b' is full-matched as one group, so neither branch accepts a suffix."""
    policy = CORSPolicy(origins=r"https://a\.example\.com|https://b\.example\.com")
    assert policy.evaluate("GET", "/", origin="https://b.example.com").allowed
    assert not policy.evaluate("GET", "/", origin="https://a.example.com.attacker.io").allowed
    assert not policy.evaluate("GET", "/", origin="https://b.example.com.attacker.io").allowed


def test_several_regexes_combined_keep_full_matching() -> None:
    """Regex suffix bypass: the combined alternation of several entries still anchors each of them."""
    policy = CORSPolicy(origins=[r"https://a\.example\.com", re.compile(r"https://b\.example\.com")])
    assert policy.evaluate("GET", "/", origin="https://a.example.com").allowed
    assert not policy.evaluate("GET", "/", origin="https://a.example.comhttps://b.example.com").allowed
    assert not policy.evaluate("GET", "/", origin="https://b.example.com.attacker.io").allowed


def test_unescaped_dot_is_reported_at_startup() -> None:
    """Unescaped-dot regex: 'https://.*.example.com' also accepts 'https://evil-example.com', so it warns."""
    with pytest.warns(CORSConfigWarning, match="unescaped"):
        policy = CORSPolicy(origins=r"https://.*.example.com")
    assert policy.evaluate("GET", "/", origin="https://evil-example.com").allowed  # what the warning is about


def test_a_regex_never_admits_a_malformed_origin() -> None:
    """Regex bypass: even a permissive regex only sees well-formed origins (no path, no CR/LF, no userinfo)."""
    policy = CORSPolicy(origins=r"https://[^ ]*\.example\.com")
    for hostile in (
        "https://evil.io/.example.com",
        "https://evil.io?.example.com",
        "https://evil.io#.example.com",
        "https://evil.io@a.example.com",
        "https://a.example.com\r\n",
    ):
        assert policy.evaluate("GET", "/", origin=hostile).reason == "origin-malformed", hostile
