"""Origin-regex alternation: combining regexes never admits what no single regex admits.

Several regex origins are matched with one alternation. Joined without their flags, a case-insensitive
``https://[^ſ]`` lost its IGNORECASE and admitted ``https://s`` (``s`` folds to ``ſ``, U+017F, so the
class excludes it); a compiled ``re.ASCII`` pattern lost its flag the other way. Each regex now keeps
its own flags in the alternation, and the ones that cannot be joined are tried one by one.
"""

from __future__ import annotations

import re
import warnings

import pytest

from wsgi_cors import CORSConfigWarning, CORSMiddleware, CORSPolicy

from .wsgi_call import call, hello_app


def test_a_case_insensitive_negated_class_keeps_its_case_folding_next_to_another_regex() -> None:
    """Regex alternation: ['https://[^ſ]', 'https://x[0-9]'] does not admit https://s, which neither regex admits alone."""
    middleware = CORSMiddleware(hello_app, origins=["https://[^ſ]", r"https://x[0-9]"])
    assert call(middleware, "GET", "/", {"Origin": "https://s"}).get("Access-Control-Allow-Origin") is None
    assert call(middleware, "GET", "/", {"Origin": "https://x1"}).get("Access-Control-Allow-Origin") == "https://x1"
    assert call(middleware, "GET", "/", {"Origin": "https://a"}).get("Access-Control-Allow-Origin") == "https://a"


@pytest.mark.parametrize("pattern", [r"https://[^\u017f]", r"https://[^\u212a]", "https://[^0-a]", r"https://[^\x4b]"])
def test_an_ascii_spelled_pattern_keeps_its_case_folding_next_to_another_regex(pattern: str) -> None:
    """Regex alternation: escapes and ranges ('[^0-a]' holds 'K') fold like letters, however the pattern is spelled."""
    policy = CORSPolicy(origins=[pattern, r"https://x[0-9]"])
    folded = "https://s" if "017f" in pattern else "https://k"
    assert not policy.evaluate("GET", "/", origin=folded).allowed
    assert policy.evaluate("GET", "/", origin="https://x1").allowed


def test_a_compiled_ascii_pattern_keeps_its_flag_next_to_a_string_regex() -> None:
    """Regex alternation: re.compile('https://[^ſ]', re.I | re.A) admits https://s (ASCII: no Unicode folding), combined too."""
    lone = re.compile("https://[^ſ]", re.IGNORECASE | re.ASCII)
    assert lone.fullmatch("https://s")
    policy = CORSPolicy(origins=[lone, r"https://x[0-9]"])
    assert policy.evaluate("GET", "/", origin="https://s").allowed


def test_a_case_sensitive_compiled_pattern_stays_case_sensitive_next_to_a_string_regex() -> None:
    """Regex alternation: a compiled pattern without IGNORECASE keeps it off (its class has no 'k', only 'K')."""
    policy = CORSPolicy(origins=[re.compile(r"https://[^K]"), r"https://x[0-9]"])
    assert policy.evaluate("GET", "/", origin="https://k").allowed
    policy = CORSPolicy(origins=[re.compile(r"https://[K]"), r"https://x[0-9]"])
    assert not policy.evaluate("GET", "/", origin="https://k").allowed


def test_an_inline_global_flag_applies_only_to_its_own_regex() -> None:
    """Regex alternation: '(?a)' in one regex does not switch off Unicode folding in another (nor is it an error)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # Python < 3.11 would warn and apply the flag to the whole alternation
        policy = CORSPolicy(origins=["(?a)https://[^ſ]", "https://y[^ſ]"])
    assert policy.evaluate("GET", "/", origin="https://s").allowed
    assert not policy.evaluate("GET", "/", origin="https://ys").allowed


def test_a_verbose_regex_does_not_swallow_its_neighbours() -> None:
    """Regex alternation: a VERBOSE regex ending in a comment is tried alone, so the regex after it still counts."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CORSConfigWarning)
        policy = CORSPolicy(origins=[re.compile(r"https://a  # the partner", re.VERBOSE), r"https://b[0-9]"])
    assert policy.evaluate("GET", "/", origin="https://a").allowed
    assert policy.evaluate("GET", "/", origin="https://b1").allowed
    assert not policy.evaluate("GET", "/", origin="https://c").allowed
