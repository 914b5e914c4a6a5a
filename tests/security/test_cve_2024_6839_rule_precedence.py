"""CVE-2024-6839 (Flask-CORS <= 5.0.1), rule ordering: precedence is explicit, never by regex length.

Flask-CORS tried ``resources`` longest-regex first, so a long permissive pattern such as
``/[a-z]+/[a-z]+/.*`` beat a short specific ``/api/admin/.*``. wsgi_cors tries exact paths, then
the longest literal prefix, then declaration order, and warns about rules that can never match.
"""

from __future__ import annotations

import pytest

from wsgi_cors import CORSMiddleware, CORSPolicy, ShadowedRuleWarning

from .wsgi_call import call, hello_app

ADMIN = "https://admin.example.com"
ATTACKER = "https://attacker.example"


def test_long_permissive_regex_does_not_beat_a_specific_rule() -> None:
    """Rule ordering (CVE-2024-6839): the admin rule wins over a longer catch-all regex declared before it."""
    middleware = CORSMiddleware(
        hello_app,
        resources={
            r"/[a-z]+/[a-z]+/[a-z0-9_-]+(?:/.*)?": {"origins": "*"},
            r"/api/admin/.*": {"origins": [ADMIN], "supports_credentials": True},
        },
    )
    response = call(middleware, "GET", "/api/admin/users", {"Origin": ATTACKER})
    assert response.get("Access-Control-Allow-Origin") is None
    assert response.get("Access-Control-Allow-Credentials") is None


def test_exact_path_wins_over_any_pattern() -> None:
    """Rule ordering (CVE-2024-6839): an exact path rule is tried before every pattern."""
    policy = CORSPolicy(resources={r"/api/.*": {"origins": "*"}, "/api/admin": {"origins": [ADMIN]}})
    assert policy.evaluate("GET", "/api/admin", origin=ATTACKER).rule == "/api/admin"
    assert not policy.evaluate("GET", "/api/admin", origin=ATTACKER).allowed


def test_longer_literal_prefix_wins_whatever_the_declaration_order() -> None:
    """Rule ordering (CVE-2024-6839): '/api/admin/.*' is tried before '/api/.*' even when declared after it."""
    policy = CORSPolicy(resources={r"/api/.*": {"origins": "*"}, r"/api/admin/.*": {"origins": [ADMIN]}})
    assert policy.rules == (r"/api/admin/.*", r"/api/.*")
    assert policy.evaluate("GET", "/api/admin/users", origin=ATTACKER).allowed is False


def test_equal_literal_prefixes_keep_declaration_order() -> None:
    """Rule ordering (CVE-2024-6839): a tie is broken by the order the user wrote, the same on every run."""
    policy = CORSPolicy(resources={r"/api/(admin|staff)/.*": {"origins": [ADMIN]}, r"/api/.*": {"origins": "*"}})
    assert policy.rules == (r"/api/(admin|staff)/.*", r"/api/.*")
    assert policy.evaluate("GET", "/api/staff/x", origin=ATTACKER).rule == r"/api/(admin|staff)/.*"


def test_a_rule_that_can_never_match_is_reported_at_startup() -> None:
    """Rule ordering (CVE-2024-6839): a specific rule hidden behind a broader one is a warning, not silence."""
    with pytest.warns(ShadowedRuleWarning, match=r"\(admin\|staff\)"):
        CORSPolicy(resources={r"/api/.*": {"origins": "*"}, r"/api/(admin|staff)/.*": {"origins": [ADMIN]}})
