"""Glob-looking origin strings that silently become regexes.

Only ``scheme://*.domain[:port|:*]`` and ``scheme://host:*`` are wildcard patterns; any other string with a
``*`` is a regex (Flask-CORS's rule). ``https://*.*.example.com`` then means "https:/", any number of "/",
anything, any character, "example", any character, "com": it admits ``https://evil-example.com``.
Decided: a ``*`` used as a glob (right after ``/``, ``:``, ``-``, a letter or a digit) is an error with
credentials and a CORSConfigWarning without; the fix is the wildcard pattern when there is one.
Regex idioms (``.*``, ``[a-z]*``, ``\\w*``, ``)*``) and compiled patterns are not globs.
"""

from __future__ import annotations

import re
import warnings

import pytest

from wsgi_cors import ConfigError, CORSConfigWarning, CORSPolicy, InsecureConfigWarning
from wsgi_cors import _problems as kinds


@pytest.mark.parametrize(
    "entry,fix",
    [
        ("https://*.*.example.com", "write 'https://*.example.com'"),
        ("https://*.*.*.example.com:*", "write 'https://*.example.com:*'"),
        ("https://app-*.example.com", "write a wildcard pattern"),
        ("https://*example.com", "write a wildcard pattern"),
        ("http://localhost:*/", "write a wildcard pattern"),
        ("https://app*.example.com", "write a wildcard pattern"),
    ],
)
def test_glob_looking_string_with_credentials_is_refused(entry: str, fix: str) -> None:
    """Glob-looking origin: with credentials a ConfigError names the string and the fix."""
    with pytest.raises(ConfigError) as raised:
        CORSPolicy(origins=[entry], supports_credentials=True)
    glob = [problem for problem in raised.value.problems if problem.code == kinds.CREDENTIALS_GLOB_REGEX.code]
    assert [problem.value for problem in glob] == [entry]
    assert fix in glob[0].fix


def test_glob_looking_string_without_credentials_warns_with_the_fix() -> None:
    """Glob-looking origin: without credentials it works as a regex, but warns (and says what to write)."""
    with pytest.warns(CORSConfigWarning) as record:
        policy = CORSPolicy(origins=["https://*.*.example.com"])
    messages = [str(warning.message) for warning in record]
    assert any("used as a glob" in message and "write 'https://*.example.com'" in message for message in messages)
    assert not any(issubclass(warning.category, InsecureConfigWarning) for warning in record)
    assert policy.evaluate("GET", "/", origin="https://evil-example.com").allowed  # what the warning is about


@pytest.mark.parametrize(
    "regex",
    [
        r"https://.*\.example\.com",
        r"https://[a-z]*\.example\.com",
        r"https://\w*\.example\.com",
        r"https://(app|api)*\.example\.com",
        r"https://[a-z*]+\.example\.com",
        r"https://app\*\.example\.com",
    ],
)
def test_regex_idioms_are_not_taken_for_globs(regex: str) -> None:
    """Glob-looking origin: '.*', a class or a group before '*', an escaped '*' or one inside a class are regex, not glob."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CORSPolicy(origins=[regex], supports_credentials=True)


def test_a_compiled_pattern_states_regex_intent() -> None:
    """Glob-looking origin: re.compile(...) is a regex by construction; no glob check."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CORSPolicy(origins=[re.compile(r"https://app-*\.example\.com")], supports_credentials=True)


def test_wildcard_patterns_are_not_globs() -> None:
    """Glob-looking origin: the real wildcard shapes are untouched."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CORSPolicy(
            origins=["https://*.example.com", "https://*.example.com:*", "http://localhost:*", "http://[::1]:*"],
            supports_credentials=True,
        )
