"""Path-pattern analysis: reading a pattern never changes which rule a path gets.

Path rules are indexed by their literal prefix, and a rule that covers every path under its prefix can
stand for all paths or hide later rules. Both facts were read by scanning the pattern's text: a class
starting with ``]`` (``[](]``: ``]`` and ``(``) was closed too early, so a top-level ``|`` looked nested
and ``/admin/...`` was never tried against its rule; an atomic group or possessive quantifier before a
lookbehind (``(?>.*)(?<!\\.json)``) was taken to cover every path. Both are now read from the parse
tree, with the safe answer for anything unknown.
"""

from __future__ import annotations

import re
import sys
import warnings

import pytest

from wsgi_cors import CORSMiddleware, CORSPolicy

from .wsgi_call import call, hello_app

ADMIN = "https://admin.example.com"
PARTNER = "https://partner.example"
needs_atomic_groups = pytest.mark.skipif(
    sys.version_info < (3, 11), reason="atomic groups and possessive quantifiers are Python 3.11+"
)


@pytest.mark.parametrize("admin_rule", [r"/x[](]|/admin/.*", r"/x[^](]|/admin/.*", r"/x[]|(]|/admin/.*"])
def test_a_class_starting_with_a_bracket_does_not_hide_a_top_level_alternative(admin_rule: str) -> None:
    """Pattern analysis: in '/x[](]|/admin/.*' the '|' is top-level, so /admin/users gets the admin rule, not the catch-all."""
    middleware = CORSMiddleware(
        hello_app,
        resources={
            admin_rule: {"origins": [ADMIN]},
            r"/.*": {"origins": [PARTNER], "supports_credentials": True},
        },
    )
    response = call(middleware, "GET", "/admin/users", {"Origin": PARTNER})
    assert response.get("Access-Control-Allow-Origin") is None
    assert response.get("Access-Control-Allow-Credentials") is None
    assert call(middleware, "GET", "/admin/users", {"Origin": ADMIN}).get("Access-Control-Allow-Origin") == ADMIN


@needs_atomic_groups
@pytest.mark.parametrize("public_rule", [r"(?>.*)(?<!\.json)", r".*+(?<!\.json)"])
def test_an_atomic_match_before_a_lookbehind_does_not_cover_every_path(public_rule: str) -> None:
    """Pattern analysis: '(?>.*)(?<!\\.json)' never matches /x.json, so that path gets the JSON rule (and nothing is 'shadowed')."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ShadowedRuleWarning: the JSON rule does match paths
        policy = CORSPolicy(resources={public_rule: {"origins": [PARTNER]}, r".*\.json": {"origins": [ADMIN]}})
    assert policy.evaluate("GET", "/x.json", origin=ADMIN).rule == r".*\.json"
    assert policy.evaluate("GET", "/x.json", origin=ADMIN).allowed
    assert not policy.evaluate("GET", "/x.json", origin=PARTNER).allowed
    assert policy.evaluate("GET", "/x.html", origin=PARTNER).allowed


@pytest.mark.parametrize("second", [re.compile(r"/api/.*", re.IGNORECASE), re.compile(r"/api/[a-z]", re.IGNORECASE)])
def test_a_case_insensitive_rule_is_not_reported_shadowed_by_a_case_sensitive_one(second: "re.Pattern[str]") -> None:
    """Shadow detection: re.compile('/api/...', re.I) also matches /API/x, which '/api/.*' does not: no warning, and it gets /API/x."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        policy = CORSPolicy(resources={r"/api/.*": {"origins": [PARTNER]}, second: {"origins": [ADMIN]}})
    assert policy.evaluate("GET", "/API/x", origin=ADMIN).allowed
    assert policy.evaluate("GET", "/api/x", origin=PARTNER).allowed


def test_an_inline_flag_in_one_rule_does_not_apply_to_the_others() -> None:
    """Rule combination: '(?i)' stays with its rule (before Python 3.11 a combined regex made every rule case-insensitive)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Python < 3.11: "Flags not at the start of the expression"
        policy = CORSPolicy(
            resources={r"(?i)/admin/.*": {"origins": [ADMIN]}, r"/api/.*": {"origins": [PARTNER]}, r"/.*": {"origins": [ADMIN]}}
        )
    assert policy.evaluate("GET", "/API/x", origin=PARTNER).rule == r"/.*"
    assert not policy.evaluate("GET", "/API/x", origin=PARTNER).allowed


def test_an_inline_flag_is_read_like_the_same_flag_given_to_re_compile() -> None:
    """Rule order: '(?i)/admin/.*' has the literal prefix '/admin/' (up to case), like re.compile('/admin/.*', re.I), so it comes before '/.*'."""
    policy = CORSPolicy(resources={r"/.*": {"origins": [PARTNER]}, r"(?i)/admin/.*": {"origins": [ADMIN]}})
    assert policy.rules == (r"(?i)/admin/.*", r"/.*")
    assert not policy.evaluate("GET", "/Admin/users", origin=PARTNER).allowed
