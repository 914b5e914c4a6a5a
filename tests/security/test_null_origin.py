"""The 'null' origin (anchors §3b): admitted only when listed literally, never by '*', a pattern, a regex or a predicate.

Sandboxed iframes, ``data:`` URLs and some redirects send ``Origin: null``; any attacker can
produce it, so a policy that admits it admits everyone.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from wsgi_cors import CORSMiddleware, CORSPolicy

from .wsgi_call import call, hello_app


@pytest.mark.parametrize(
    "origins",
    [
        "*",
        ["https://*.example.com"],
        [r"null|https://app\.example\.com"],
        [re.compile(r"n.*")],
        [lambda origin: True],
    ],
    ids=["star", "wildcard", "regex-naming-null", "compiled-regex", "predicate"],
)
def test_null_is_not_admitted_unless_listed(origins: Any) -> None:
    """null origin: no configuration other than the literal 'null' admits it."""
    response = call(CORSMiddleware(hello_app, origins=origins), "GET", "/", {"Origin": "null"})
    assert response.get("Access-Control-Allow-Origin") is None


def test_null_preflight_is_refused_by_default() -> None:
    """null origin: a preflight from an opaque origin is refused under the default policy."""
    response = call(CORSMiddleware(hello_app), "OPTIONS", "/", {"Origin": "null", "Access-Control-Request-Method": "PUT"})
    assert response.code == 403
    assert response.get("Access-Control-Allow-Origin") is None


def test_predicate_is_never_asked_about_null() -> None:
    """null origin: user callables only ever see well-formed serialized origins."""
    seen: list[str] = []

    def recording_predicate(origin: str) -> bool:
        seen.append(origin)
        return True

    CORSPolicy(origins=[recording_predicate]).evaluate("GET", "/", origin="null")
    assert seen == []


def test_listed_null_is_admitted_literally() -> None:
    """null origin: the explicit opt-in works and echoes 'null' exactly."""
    response = call(CORSMiddleware(hello_app, origins=["null"]), "GET", "/", {"Origin": "null"})
    assert response.get("Access-Control-Allow-Origin") == "null"


@pytest.mark.parametrize("spelling", ["NULL", "Null", "null ", " null", "null\r\n"])
def test_only_the_exact_spelling_is_null(spelling: str) -> None:
    """null origin: browsers send exactly 'null'; other spellings are malformed and never echoed."""
    response = call(CORSMiddleware(hello_app, origins=["null"]), "GET", "/", {"Origin": spelling})
    assert response.get("Access-Control-Allow-Origin") is None
