"""CVE-2024-6866 (Flask-CORS <= 5.0.1), case handling: path rules are case-sensitive, like paths.

Flask-CORS reused its case-insensitive host matcher for paths, so ``/Public/x`` got the policy
of ``/public/.*`` although the router treats them as different resources.
"""

from __future__ import annotations

from wsgi_cors import CORSMiddleware, CORSPolicy

from .wsgi_call import call, hello_app

TRUSTED = "https://app.example.com"
ATTACKER = "https://attacker.example"
RESOURCES = {r"/public/.*": {"origins": "*"}, r"/.*": {"origins": [TRUSTED], "supports_credentials": True}}


def test_upper_case_path_does_not_get_the_lower_case_public_rule() -> None:
    """Case handling (CVE-2024-6866): '/PUBLIC/secret' is not covered by '/public/.*'."""
    response = call(CORSMiddleware(hello_app, resources=RESOURCES), "GET", "/PUBLIC/secret", {"Origin": ATTACKER})
    assert response.get("Access-Control-Allow-Origin") is None


def test_mixed_case_path_falls_to_the_strict_rule() -> None:
    """Case handling (CVE-2024-6866): '/Public/x' is judged by the catch-all rule, not the public one."""
    assert CORSPolicy(resources=RESOURCES).evaluate("GET", "/Public/x", origin=ATTACKER).rule == r"/.*"


def test_exact_path_rules_are_case_sensitive() -> None:
    """Case handling (CVE-2024-6866): the exact rule '/health' does not cover '/HEALTH'."""
    policy = CORSPolicy(resources={"/health": {"origins": "*"}})
    assert policy.evaluate("GET", "/HEALTH", origin=ATTACKER).rule is None


def test_origins_are_still_matched_as_browsers_serialize_them() -> None:
    """Case handling (CVE-2024-6866): origins stay exact (browsers lower-case hosts); an upper-case Origin is not one a browser sends."""
    policy = CORSPolicy(origins=[TRUSTED])
    assert policy.evaluate("GET", "/", origin=TRUSTED).allowed
    assert policy.evaluate("GET", "/", origin="https://APP.example.com").reason == "origin-malformed"
